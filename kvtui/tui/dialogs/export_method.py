"""Metod: the report's method section, drafted by kvtui from the data and editable here.

The text is saved as the auditor types (``AutoSaveEditor``), like every text in kvtui. Until
she changes it, the Metod follows the data (interviews, documents, sample); Ctrl+R throws
her text away and shows kvtui's draft again. Esc closes the dialog.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.report_data import load_report_data, reset_method_text, set_method_text
from kvtui.tui.widgets.judgement_editor import AutoSaveEditor, EditorArea

DRAFTED = "Texten är skriven av kvtui utifrån granskningens uppgifter och följer dem."
EDITED = "Texten är din egen. Ctrl+R återställer kvtui:s text."
HINT = "Sparas medan du skriver. En rad som börjar med • blir en punkt. Esc stänger."


class MethodTextDialog(ModalScreen[bool]):
    """Edit the Metod; dismisses with True when the stored text changed."""

    BINDINGS = [
        Binding("ctrl+r", "reset", "Återställ kvtui:s text", id="method.reset"),
        Binding("escape", "close", "Stäng", id="method.close"),
    ]

    def __init__(self, store: Store, review_id: str) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._changed = False
        self._draft = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="method-box", classes="dialog-box"):
            yield Static("3 Metod", classes="box-title")
            yield Static("", id="method-state", markup=False)
            yield AutoSaveEditor("Metod", id="method-editor")
            yield Static(HINT, id="method-hint", markup=False)

    def on_mount(self) -> None:
        self._load()
        self.query_one(AutoSaveEditor).focus()

    def _load(self) -> None:
        with self._store.session() as session:
            data = load_report_data(session, self._review_id)
        self._draft = data.method_draft
        saver = None if self._store.read_only or data.signed else self._save
        self.query_one(AutoSaveEditor).load(data.method_text, saver)
        self._show_state(data.method_text)

    def _show_state(self, text: str) -> None:
        own = text.strip() != self._draft.strip()
        self.query_one("#method-state", Static).update(EDITED if own else DRAFTED)

    def _save(self, text: str) -> None:
        with self._store.session() as session:
            set_method_text(session, self._review_id, text)
        self._changed = True

    @on(AutoSaveEditor.Saved)
    def _saved(self, event: AutoSaveEditor.Saved) -> None:
        self._show_state(event.text)

    @on(EditorArea.Leave)
    def _leave(self) -> None:
        self.action_close()

    def action_reset(self) -> None:
        """Throw the auditor's text away: the Metod is drafted from the data again."""
        if self._store.read_only:
            self.notify("Databasen är öppnad skrivskyddad; inget kan ändras.",
                        severity="warning")
            return
        editor = self.query_one(AutoSaveEditor)
        editor.load(self._draft, None)  # saves what was pending, then stops saving
        try:
            with self._store.session() as session:
                reset_method_text(session, self._review_id)
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            self._load()
            return
        self._changed = True
        self._load()
        self.notify("Metoden är återställd till kvtui:s text.", timeout=3)

    def action_close(self) -> None:
        """Save what is pending and close."""
        self.query_one(AutoSaveEditor).flush()
        self.dismiss(self._changed)
