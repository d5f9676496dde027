"""Nytt dokument / Ändra dokument: a document read during the review, as Referenser lists it.

Title, kind (the template's kinds are suggested as you type; any kind is allowed), date and who
provided it. A personnummer typed in any field is masked before saving: the first Ctrl+S or
Enter masks it and says so, the second saves; Ctrl+G saves it as typed instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.judgement import DocumentFields, DocumentView
from kvtui.domain.reviews import parse_date
from kvtui.store.database import Store
from kvtui.store.documents import add_document, update_document
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.form import FormDialog

FIELDS = ("document-title", "document-kind", "document-date", "document-provider")


class DocumentDialog(FormDialog[DocumentView]):
    """Adds a document (no ``document``) or changes one; dismisses with it, or None."""

    PROBLEM_ID = "document-problem"
    DRAFT_TITLE = "Dokument"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="document_edit.save"),
        Binding("escape", "cancel", "Avbryt", id="document_edit.cancel"),
    ]

    def __init__(
        self, store: Store, review_id: str, document: DocumentView | None,
        kinds: Sequence[str],
    ) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._document = document
        self._kinds = list(kinds)

    def draft_subject(self) -> str:
        """The document changed, or "ny"."""
        return self._document.id if self._document else "ny"

    def compose(self) -> ComposeResult:
        document = self._document
        title = f"Ändra dokument {document.title}" if document else "Nytt dokument"
        with Vertical(id="document-box", classes="dialog-box"):
            yield Static(title, classes="box-title", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Titel", classes="dialog-label")
                yield Input(document.title if document else "", id="document-title",
                            placeholder="t.ex. Rutin för barnsamtal", compact=True,
                            classes="dialog-input")
            with Horizontal(classes="dialog-row"):
                yield Label("Dokumenttyp", classes="dialog-label")
                yield Input(document.kind if document else "", id="document-kind",
                            placeholder=", ".join(self._kinds[:3]) + " …",
                            suggester=SuggestFromList(self._kinds, case_sensitive=False),
                            compact=True, classes="dialog-input")
            with Horizontal(classes="dialog-row"):
                yield Label("Datum", classes="dialog-label")
                yield Input(document.dated.isoformat() if document and document.dated else "",
                            id="document-date", placeholder="ÅÅÅÅ-MM-DD", compact=True,
                            classes="dialog-input")
            with Horizontal(classes="dialog-row"):
                yield Label("Lämnat av", classes="dialog-label")
                yield Input(document.provided_by if document else "", id="document-provider",
                            placeholder="t.ex. enhetschefen", compact=True,
                            classes="dialog-input")
            yield Static("Dokumenttyper i mallen: " + ", ".join(self._kinds) +
                         ". → fyller i förslaget.", classes="dialog-note", markup=False)
            yield Static("", id="document-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#document-problem", Static).display = False
        self.query_one("#document-title", Input).focus()

    def _fields(self) -> DocumentFields:
        """What was typed; ``ValueError`` in Swedish for a date that is not one."""
        values = {field: self.query_one(f"#{field}", Input).value for field in FIELDS}
        dated: date | None = None
        if values["document-date"].strip():
            dated = parse_date(values["document-date"])
        return DocumentFields(title=values["document-title"], kind=values["document-kind"],
                              dated=dated, provided_by=values["document-provider"])

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the document, or show why it cannot be saved."""
        if self._refused_read_only():
            return
        if self._masked(*(self.query_one(f"#{field}", Input) for field in FIELDS)):
            return
        try:
            fields = self._fields()
            with self._session() as session:
                if self._document is None:
                    saved = add_document(session, self._review_id, fields)
                else:
                    saved = update_document(session, self._review_id, self._document.id, fields)
        except (InvalidInput, NotFound, ValueError) as error:
            self._show_problem(str(error))
            return
        self.dismiss(saved)
