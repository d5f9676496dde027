"""The workspace part Dokument (key 5): the register of documents read during the review.

The documents are listed as Referenser lists them (by title, Swedish order) and can be cited as
evidence by the statements in Bedömningar; "Citeras av" (c) shows which statements do.
"""

from __future__ import annotations

from typing import Self

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.widgets import DataTable, Static

from kvtui.domain.judgement import AssessmentView, DocumentView
from kvtui.domain.plural import plural
from kvtui.store.assessments import citing, review_sections
from kvtui.store.database import Store
from kvtui.store.documents import delete_document, list_documents, suggested_kinds
from kvtui.store.errors import NotFound
from kvtui.tui.dialogs.document_edit import DocumentDialog
from kvtui.tui.format import DASH, shorten
from kvtui.tui.messages import JumpTarget
from kvtui.tui.widgets.part_base import WorkspacePart, cursor_key, move_cursor_to, takes_focus

NO_DOCUMENTS = "Inga dokument ännu. Tryck a för att föra in ett dokument du har läst."
TITLE_WIDTH = 34


class DocumentsPart(WorkspacePart):
    """Dokument: the documents read, listed under Referenser and citable as evidence."""

    LOCKED_MESSAGE = "Granskningen är signerad och låst; dokumenten kan inte ändras."

    BINDINGS = [
        Binding("a", "add", "Nytt dokument", id="documents.add"),
        Binding("e", "edit", "Ändra", tooltip="Ändra dokumentet (även Enter)",
                id="documents.edit"),
        Binding("x,delete", "remove", "Ta bort", id="documents.remove"),
        Binding("c", "citing", "Citeras av", id="documents.citing"),
    ]

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(store, review_id, id=id)
        self._documents: list[DocumentView] = []
        self._citing: dict[str, list[AssessmentView]] = {}
        self._headings: dict[str, str] = {}
        self._kinds: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("", id="documents-summary", markup=False)
        yield DataTable(id="documents-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="documents-detail", markup=False)

    def on_mount(self) -> None:
        table = self.table
        # Kind and provider are in the detail under the list: at 80×24 the part is 57 wide.
        table.add_column("Titel", key="title")
        table.add_column("Datum", key="dated")
        table.add_column("Cit.", key="citing")

    def focus(self, scroll_visible: bool = True) -> Self:
        """Entering the part puts the cursor in the register."""
        self.table.focus(scroll_visible)
        return self

    # --- what is on show -----------------------------------------------------------------------

    @property
    def table(self) -> DataTable[str | Text]:
        """The register."""
        return self.query_one("#documents-table", DataTable)

    @property
    def documents(self) -> list[DocumentView]:
        """The documents as last read, in Referenser order."""
        return self._documents

    @property
    def current_document(self) -> DocumentView | None:
        """The document under the cursor."""
        key = cursor_key(self.table)
        return next((d for d in self._documents if d.id == key), None)

    def reload(self, select: str | None = None) -> None:
        """Read the register again; keep the cursor on the same document, or on ``select``."""
        try:
            with self.store.session() as session:
                self._documents = list_documents(session, self.review_id)
                self._citing = {d.id: citing(session, "document", d.id)
                                for d in self._documents}
                self._headings = {s.id: s.heading
                                  for s in review_sections(session, self.review_id)}
                self._kinds = suggested_kinds(session, self.review_id)
                self.read_status(session)
        except NotFound as error:
            self.notify(str(error), severity="error", markup=False)
            return
        count = len(self._documents)
        summary = NO_DOCUMENTS if not count else (
            f"{count} dokument · listas under Referenser i rapporten och kan anges som "
            "underlag för bedömningar."
        )
        self.query_one("#documents-summary", Static).update(summary)
        table = self.table
        current = self.current_document
        keep = select or (current.id if current else None)
        table.clear()
        for document in self._documents:
            cited = len(self._citing.get(document.id, ()))
            table.add_row(
                shorten(document.title, TITLE_WIDTH),
                document.dated.isoformat() if document.dated else DASH,
                Text(str(cited) if cited else DASH, justify="right"),
                key=document.id,
            )
        move_cursor_to(table, keep)
        self._show_detail()
        if takes_focus(self):
            self.focus()

    def _show_detail(self) -> None:
        detail = self.query_one("#documents-detail", Static)
        document = self.current_document
        if document is None:
            detail.update("")
            detail.display = False
            return
        detail.display = True
        lines = [document.label]
        if document.provided_by:
            lines.append(f"Lämnat av: {document.provided_by}")
        cited = self._citing.get(document.id, [])
        if cited:
            where = sorted({a.section_number or "–" for a in cited})
            lines.append(f"Citeras av {plural(len(cited), 'bedömning', 'bedömningar')} "
                         f"i {', '.join(where)} (c visar dem).")
        else:
            lines.append("Ingen bedömning hänvisar till dokumentet ännu.")
        detail.update("\n".join(lines))

    @on(DataTable.RowHighlighted, "#documents-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected, "#documents-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def show_target(self, target: JumpTarget) -> None:
        """Select a document, from a search hit."""
        self.reload(select=target.document_id or None)
        self.table.focus()

    # --- actions ------------------------------------------------------------------------------


    def _changed(self, select: str | None = None) -> None:
        self.reload(select)
        self.post_message(self.Changed(self))

    def action_add(self) -> None:
        """Nytt dokument."""
        if self.writable():
            self._edit(None)

    def action_edit(self) -> None:
        """Ändra the document under the cursor."""
        document = self.current_document
        if document is None:
            self.notify("Välj ett dokument i listan först.", severity="warning")
        elif self.writable():
            self._edit(document)

    def _edit(self, document: DocumentView | None) -> None:
        def saved(result: DocumentView | None) -> None:
            if result is not None:
                self._changed(select=result.id)
                verb = "ändrat" if document is not None else "tillagt"
                self.notify(f"Dokumentet {result.title} är {verb}.", timeout=3, markup=False)

        self.app.push_screen(DocumentDialog(self.store, self.review_id, document, self._kinds),
                             saved)

    def action_remove(self) -> None:
        """Ta bort the document under the cursor, after asking."""
        document = self.current_document
        if document is None:
            self.notify("Välj ett dokument i listan först.", severity="warning")
            return
        if not self.writable():
            return
        cited = len(self._citing.get(document.id, ()))
        question = f"Ta bort dokumentet {escape(document.title)} ur förteckningen?"
        if cited:
            question += (f" {plural(cited, 'bedömning', 'bedömningar')} hänvisar till det och "
                         "förlorar den hänvisningen.")

        def done() -> None:
            self._changed()
            self.notify(f"Dokumentet {document.title} är borttaget.", timeout=3, markup=False)

        self.remove_after_asking(
            question, lambda session: delete_document(session, self.review_id, document.id), done
        )

    def action_citing(self) -> None:
        """Citeras av: the statements that cite the document under the cursor."""
        document = self.current_document
        if document is None:
            self.notify("Välj ett dokument i listan först.", severity="warning")
            return
        self.show_citing(f"dokumentet {document.title}", self._citing.get(document.id, []),
                         self._headings)
