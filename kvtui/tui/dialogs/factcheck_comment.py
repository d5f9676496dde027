"""Ny synpunkt / Ändra synpunkt: what the unit said about the draft, where, by which role, when.

The unit's comments are recorded by role (Enhetschef, Gruppledare …), never by the name of the
person who sent them, as with interviews. The text is guarded like every free text: a
personnummer is marked, Ctrl+K masks it, and saving with one still in the text or the role
masks it first and asks for Ctrl+S once more (or Ctrl+G: not a personnummer). Whether a
comment may be recorded at all (a draft must have been sent, the review must not be signed)
is the store's rule; its refusal is shown here and the dialog stays open, so nothing typed is
lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.reviews import parse_date
from kvtui.domain.signoff import CommentView
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.factcheck import WHOLE_REPORT, add_comment, update_comment
from kvtui.tui.dialogs.form import FormDialog
from kvtui.tui.widgets.idnumber_guard import GuardedTextArea, IdNumberWarning
from kvtui.tui.widgets.select import Select

#: The Select's value for "Hela rapporten" (a comment on no one section).
WHOLE = "whole-report"
NO_NAMES = "Ange rollen, aldrig namnet på den som har lämnat synpunkten."


@dataclass(frozen=True)
class CommentDefaults:
    """What a new comment starts with: usually the section, role and day of the one before,
    since a unit's comments come in one letter from one person."""

    section_id: str | None = None
    role: str = ""
    received_on: date | None = None


class CommentDialog(FormDialog[CommentView]):
    """Adds a comment (no ``comment``) or changes one; dismisses with it, or None.

    ``sections`` are (section id, heading) of the review's report sections.
    """

    PROBLEM_ID = "comment-problem"
    DRAFT_TITLE = "Synpunkt"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="factcheck_comment.save"),
        Binding("escape", "cancel", "Avbryt", id="factcheck_comment.cancel"),
    ]

    def __init__(
        self, store: Store, review_id: str, comment: CommentView | None,
        sections: Sequence[tuple[str, str]], defaults: CommentDefaults | None = None,
    ) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._comment = comment
        self._sections = list(sections)
        self._defaults = defaults or CommentDefaults()

    def draft_subject(self) -> str:
        """The comment changed, or "ny"."""
        return self._comment.id if self._comment else "ny"

    def compose(self) -> ComposeResult:
        comment = self._comment
        if comment is not None:
            section_id, role, received = comment.section_id, comment.role, comment.received_on
        else:
            section_id = self._defaults.section_id
            role = self._defaults.role
            received = self._defaults.received_on or date.today()
        known = {sid for sid, _heading in self._sections}
        title = "Ändra synpunkt" if comment else "Ny synpunkt från verksamheten"
        with Vertical(id="comment-box", classes="dialog-box"):
            yield Static(title, classes="box-title", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Avsnitt", classes="dialog-label")
                yield Select(
                    [(WHOLE_REPORT, WHOLE), *((heading, sid) for sid, heading in self._sections)],
                    value=section_id if section_id in known else WHOLE,
                    allow_blank=False, compact=True, id="comment-section",
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Roll", classes="dialog-label")
                yield Input(role, id="comment-role", compact=True, classes="dialog-input",
                            placeholder="t.ex. Enhetschef (roll, aldrig namn)")
            with Horizontal(classes="dialog-row"):
                yield Label("Datum", classes="dialog-label")
                yield Input(received.isoformat() if received else "", id="comment-date",
                            placeholder="ÅÅÅÅ-MM-DD", compact=True, classes="dialog-input")
            area = GuardedTextArea(comment.text if comment else "", id="comment-text",
                                   soft_wrap=True, tab_behavior="focus",
                                   placeholder="Vad verksamheten påpekar i utkastet")
            area.border_title = "Synpunkt"
            yield area
            yield IdNumberWarning(id="comment-warning")
            yield Static(NO_NAMES, classes="dialog-note", markup=False)
            yield Static("", id="comment-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#comment-problem", Static).display = False
        if self._comment is None:
            self.query_one("#comment-section", Select).focus()
        else:
            area = self.query_one("#comment-text", GuardedTextArea)
            area.focus()
            area.open_for_reading()

    def on_guarded_text_area_ids_changed(self, event: GuardedTextArea.IdsChanged) -> None:
        """Show or hide the personnummer warning."""
        self.query_one("#comment-warning", IdNumberWarning).show_warning(event.warning)

    def on_guarded_text_area_masked(self, event: GuardedTextArea.Masked) -> None:
        """Ctrl+K masked the text; the problem shown before no longer applies."""
        self._show_problem("")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the comment, or show why it cannot be saved and keep what was typed."""
        if self._refused_read_only():
            return
        if self._masked(self.query_one("#comment-role", Input),
                        self.query_one("#comment-text", GuardedTextArea)):
            return
        chosen = self.query_one("#comment-section", Select).value
        section_id = chosen if isinstance(chosen, str) and chosen != WHOLE else None
        role = self.query_one("#comment-role", Input).value
        text = self.query_one("#comment-text", GuardedTextArea).text
        date_text = self.query_one("#comment-date", Input).value
        try:
            received = parse_date(date_text) if date_text.strip() else None
        except ValueError as error:
            self._show_problem(f"Datum: {error}")
            self.query_one("#comment-date", Input).focus()
            return
        try:
            with self._session() as session:
                if self._comment is None:
                    saved = add_comment(session, self._review_id, section_id=section_id,
                                        role=role, text=text, received_on=received)
                else:
                    saved = update_comment(session, self._review_id, self._comment.id,
                                           section_id=section_id, role=role, text=text,
                                           received_on=received)
        except (InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            return
        self.dismiss(saved)
