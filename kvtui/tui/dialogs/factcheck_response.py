"""Svara: the auditor's response to one of the unit's comments, Ändrat or Ej ändrat, and why.

The report's fact-check appendix and the sign-off show how each comment was handled, so a
comment left as it is needs its reason. That rule is the store's (``kvtui.domain.signoff``):
the dialog sends what was chosen and typed, shows the store's refusal in Swedish and stays
open, so the auditor adds the reason without typing anything twice. "Ej besvarad" takes a
response back, for one given by mistake. Ändrat where the report has not changed since the
draft was sent (in the comment's section, or anywhere for a comment on the whole report) is
asked about first: it is most likely a slip of the key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label, Static

from kvtui.domain.signoff import RESPONSES, CommentView
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.factcheck import respond
from kvtui.store.factcheck_changes import changed_since_sent
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.form import FormDialog
from kvtui.tui.format import shorten
from kvtui.tui.widgets.idnumber_guard import GuardedTextArea, IdNumberWarning
from kvtui.tui.widgets.select import Select

#: The choices in the order they are offered: the two answers first, the take-back last.
CHOICES: tuple[str, ...] = ("changed", "not_changed", "")
QUOTE_WIDTH = 150


class ResponseDialog(FormDialog[CommentView]):
    """Records the response to ``comment``; dismisses with the comment as saved, or None."""

    PROBLEM_ID = "response-problem"
    DRAFT_TITLE = "Svar på synpunkt"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="factcheck_response.save"),
        Binding("escape", "cancel", "Avbryt", id="factcheck_response.cancel"),
    ]

    def __init__(self, store: Store, review_id: str, comment: CommentView) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._comment = comment
        self._unchanged_confirmed = False

    def draft_subject(self) -> str:
        """The comment answered."""
        return self._comment.id

    def compose(self) -> ComposeResult:
        comment = self._comment
        who = " · ".join(part for part in (comment.section_label, comment.role) if part)
        with Vertical(id="response-box", classes="dialog-box"):
            yield Static(f"Svara på synpunkten · {who}", classes="box-title", markup=False)
            yield Static(f"”{shorten(' '.join(comment.text.split()), QUOTE_WIDTH)}”",
                         id="response-quote", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Svar", classes="dialog-label")
                yield Select(((RESPONSES[key], key) for key in CHOICES),
                             value=comment.response or "changed", allow_blank=False,
                             compact=True, id="response-choice")
            area = GuardedTextArea(comment.response_reason, id="response-reason",
                                   soft_wrap=True, tab_behavior="focus",
                                   placeholder="Varför texten ändrades eller inte ändrades "
                                               "(krävs för Ej ändrat)")
            area.border_title = "Motivering"
            yield area
            yield IdNumberWarning(id="response-warning")
            yield Static("", id="response-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#response-problem", Static).display = False
        self.query_one("#response-choice", Select).focus()

    def on_guarded_text_area_ids_changed(self, event: GuardedTextArea.IdsChanged) -> None:
        """Show or hide the personnummer warning."""
        self.query_one("#response-warning", IdNumberWarning).show_warning(event.warning)

    def on_guarded_text_area_masked(self, event: GuardedTextArea.Masked) -> None:
        """Ctrl+K masked the text; the problem shown before no longer applies."""
        self._show_problem("")

    def action_save(self) -> None:
        """Save the response, or show the store's reason for refusing it."""
        if self._refused_read_only():
            return
        area = self.query_one("#response-reason", GuardedTextArea)
        if self._masked(area):
            return
        chosen = self.query_one("#response-choice", Select).value
        response = chosen if isinstance(chosen, str) else ""
        if response == "changed" and not self._unchanged_confirmed and self._nothing_changed():
            self._ask_unchanged()
            return
        try:
            with self._session() as session:
                saved = respond(session, self._review_id, self._comment.id, response, area.text)
        except (InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            area.focus()
            return
        self.dismiss(saved)

    def _nothing_changed(self) -> bool:
        section = self._comment.section_label if self._comment.section_id else None
        with self._store.session() as session:
            return not changed_since_sent(session, self._review_id, section)

    def _ask_unchanged(self) -> None:
        """Ändrat, but nothing changed where the comment points: ask before saving."""
        where = (f"i {self._comment.section_label}" if self._comment.section_id
                 else "någonstans i rapporten")
        question = (f"Ingenting har ändrats {where} sedan utkastet skickades. "
                    "Markera ändå synpunkten som Ändrat?")

        def answered(yes: bool | None) -> None:
            if yes:
                self._unchanged_confirmed = True
                self.action_save()

        self.app.push_screen(ConfirmDialog(question), answered)
