"""Ny iakttagelse / Ändra iakttagelse: a short quote or finding from an interview, and the
report sections it supports.

The text is guarded like every free text: a personnummer is marked, Ctrl+K masks it, and
saving with one still in the text masks it first and asks for Ctrl+S once more (Ctrl+G
instead: it is not a personnummer, saved as typed).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, Static

from kvtui.domain.judgement import ObservationView
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.interviews import add_observation, update_observation
from kvtui.tui.dialogs.form import FormDialog
from kvtui.tui.widgets.idnumber_guard import GuardedTextArea, IdNumberWarning
from kvtui.tui.widgets.judgement_checklist import CheckList


class ObservationDialog(FormDialog[ObservationView]):
    """Adds an observation to ``interview_id`` (no ``observation``) or changes one.

    ``sections`` are (section id, heading) of the report sections it may support.
    Dismisses with the saved observation, or None.
    """

    PROBLEM_ID = "observation-problem"
    DRAFT_TITLE = "Iakttagelse"
    MASKED_NOTICE = "Personnumret är maskerat. Kontrollera texten och spara igen (Ctrl+S)."

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="observation_edit.save"),
        Binding("escape", "cancel", "Avbryt", id="observation_edit.cancel"),
    ]

    def __init__(
        self,
        store: Store,
        review_id: str,
        interview_id: str,
        observation: ObservationView | None,
        sections: Sequence[tuple[str, str]],
        *,
        interview_label: str = "",
    ) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._interview_id = interview_id
        self._observation = observation
        self._sections = list(sections)
        self._interview_label = interview_label

    def draft_subject(self) -> str:
        """The observation, or the interview a new one is for."""
        return self._observation.id if self._observation else f"ny:{self._interview_id}"

    def compose(self) -> ComposeResult:
        title = "Ändra iakttagelse" if self._observation else "Ny iakttagelse"
        if self._interview_label:
            title += f" · intervju {self._interview_label}"
        linked = set(self._observation.section_ids) if self._observation else set()
        with Vertical(id="observation-box", classes="dialog-box"):
            yield Static(title, classes="box-title", markup=False)
            area = GuardedTextArea(self._observation.text if self._observation else "",
                                   id="observation-text", soft_wrap=True, tab_behavior="focus",
                                   placeholder="Ett kort citat eller en iakttagelse")
            area.border_title = "Citat eller iakttagelse"
            yield area
            yield IdNumberWarning(id="observation-warning")
            yield Label("Stöder avsnitt (mellanslag väljer)", classes="dialog-label-wide")
            yield CheckList(((heading, section_id, section_id in linked)
                             for section_id, heading in self._sections),
                            id="observation-sections")
            yield Static("", id="observation-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#observation-problem", Static).display = False
        area = self.query_one("#observation-text", GuardedTextArea)
        area.focus()
        area.open_for_reading()

    def on_guarded_text_area_ids_changed(self, event: GuardedTextArea.IdsChanged) -> None:
        """Show or hide the personnummer warning."""
        self.query_one("#observation-warning", IdNumberWarning).show_warning(event.warning)

    def on_guarded_text_area_masked(self, event: GuardedTextArea.Masked) -> None:
        """Ctrl+K masked the text; it is saved with the observation."""
        self._show_problem("")

    def action_save(self) -> None:
        """Save the observation with its sections, or show why it cannot be saved."""
        if self._refused_read_only():
            return
        area = self.query_one("#observation-text", GuardedTextArea)
        if self._masked(area):
            return
        text = area.text.strip()
        sections = list(self.query_one("#observation-sections", CheckList).selected)
        try:
            with self._session() as session:
                if self._observation is None:
                    saved = add_observation(session, self._review_id, self._interview_id, text,
                                            sections)
                else:
                    saved = update_observation(session, self._review_id, self._observation.id,
                                               text=text, section_ids=sections)
        except (InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            return
        self.dismiss(saved)
