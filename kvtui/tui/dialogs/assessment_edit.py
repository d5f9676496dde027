"""Ny bedömning / Ändra bedömning: a statement of judgement, its quality level and whether it
goes into the summary table.

The statement is guarded like every free text: a personnummer is marked, Ctrl+K masks it,
and saving with one still in the text masks it first and asks for Ctrl+S once more (Ctrl+G
instead: it is not a personnummer, saved as typed). The level
and the summary can also be changed later with one key each in the list (g, u, r, 0, s).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Footer, Label, Static

from kvtui.domain.judgement import RATINGS, AssessmentView
from kvtui.domain.vocabulary import Rating
from kvtui.store.assessments import add_assessment, update_assessment
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.form import FormDialog
from kvtui.tui.widgets.idnumber_guard import GuardedTextArea, IdNumberWarning
from kvtui.tui.widgets.select import Select

RATING_CHOICES = tuple((label, rating) for rating, label in
                       ((Rating.GREEN, RATINGS[Rating.GREEN]),
                        (Rating.YELLOW, RATINGS[Rating.YELLOW]),
                        (Rating.RED, RATINGS[Rating.RED]), (Rating.NONE, "Ingen kvalitetsnivå")))


def summary_label(in_summary: bool) -> str:
    """The checkbox's label, saying its state in words (not by colour alone)."""
    return f"I sammanfattningen: {'ja' if in_summary else 'nej'}"


class AssessmentDialog(FormDialog[AssessmentView]):
    """Adds a statement to ``section_id`` (no ``assessment``) or changes one.

    Dismisses with the saved statement, or None.
    """

    PROBLEM_ID = "assessment-problem"
    DRAFT_TITLE = "Bedömning"
    MASKED_NOTICE = "Personnumret är maskerat. Kontrollera texten och spara igen (Ctrl+S)."

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="assessment_edit.save"),
        Binding("escape", "cancel", "Avbryt", id="assessment_edit.cancel"),
    ]

    def __init__(
        self,
        store: Store,
        review_id: str,
        section_id: str,
        section_heading: str,
        assessment: AssessmentView | None,
    ) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._section_id = section_id
        self._heading = section_heading
        self._assessment = assessment

    def draft_subject(self) -> str:
        """The statement, or the section a new one is for."""
        return self._assessment.id if self._assessment else f"ny:{self._section_id}"

    def compose(self) -> ComposeResult:
        assessment = self._assessment
        title = "Ändra bedömning" if assessment else "Ny bedömning"
        with Vertical(id="assessment-box", classes="dialog-box"):
            yield Static(f"{title} · {self._heading}", classes="box-title", markup=False)
            area = GuardedTextArea(assessment.statement if assessment else "",
                                   id="assessment-text", soft_wrap=True, tab_behavior="focus",
                                   placeholder="Vad visar granskningen? T.ex. Verksamheten "
                                               "behöver upprätta genomförandeplaner …")
            area.border_title = "Bedömning"
            yield area
            yield IdNumberWarning(id="assessment-warning")
            with Horizontal(id="assessment-options", classes="dialog-row"):
                yield Label("Kvalitetsnivå", classes="dialog-label")
                yield Select(RATING_CHOICES, value=assessment.rating if assessment else "",
                             allow_blank=False, compact=True, id="assessment-rating")
                in_summary = assessment.in_summary if assessment else False
                yield Checkbox(summary_label(in_summary), in_summary, compact=True,
                               id="assessment-summary")
            yield Static("", id="assessment-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#assessment-problem", Static).display = False
        area = self.query_one("#assessment-text", GuardedTextArea)
        area.focus()
        area.open_for_reading()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Say the summary choice in words."""
        event.checkbox.label = summary_label(event.value)

    def on_guarded_text_area_ids_changed(self, event: GuardedTextArea.IdsChanged) -> None:
        """Show or hide the personnummer warning."""
        self.query_one("#assessment-warning", IdNumberWarning).show_warning(event.warning)

    def on_guarded_text_area_masked(self, _event: GuardedTextArea.Masked) -> None:
        """Ctrl+K masked the text; it is saved with the statement."""
        self._show_problem("")

    def action_save(self) -> None:
        """Save the statement, or show why it cannot be saved."""
        if self._refused_read_only():
            return
        area = self.query_one("#assessment-text", GuardedTextArea)
        if self._masked(area):
            return
        rating = self.query_one("#assessment-rating", Select).value
        rating = rating if isinstance(rating, str) else ""
        in_summary = self.query_one("#assessment-summary", Checkbox).value
        try:
            with self._session() as session:
                if self._assessment is None:
                    saved = add_assessment(session, self._review_id, self._section_id,
                                           area.text, rating=rating, in_summary=in_summary)
                else:
                    saved = update_assessment(session, self._review_id, self._assessment.id,
                                              statement=area.text, rating=rating,
                                              in_summary=in_summary)
        except (InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            return
        self.dismiss(saved)
