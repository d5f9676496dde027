"""Importera akter, step 2: choose the sheet and the reference column, then import.

The auditor sees the file's columns and its first rows, picks the column that holds the akt's
reference (the unit's aktnummer or a pseudonym); every other column becomes an attribute of the
akt. The import runs in a thread and is all or nothing: a refused file lists every problem here,
with line and field, and nothing is written.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from kvtui.crash_log import unexpected_error
from kvtui.domain.casefile_import import (
    DELIMITER_NAMES,
    EXCEL_ENCODING,
    ImportFailure,
    ImportResult,
    shown_value,
)
from kvtui.domain.plural import plural
from kvtui.store.casefile_import import import_case_files
from kvtui.store.casefiles import FilePreview, preview_file
from kvtui.store.database import Store, StoreError
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.format import quoting_a_file, shorten
from kvtui.tui.widgets.select import Select

PREVIEW_ROWS = 5
_CELL_WIDTH = 24


def describe_file(preview: FilePreview) -> str:
    """"akter.csv · Windows-1252, semikolon · 44 rader" (or the sheet, for Excel).

    The file's own text (its name, a sheet's name, headers and values) is shown through
    ``shown_value``, as the error list shows it: a personnummer masked, and nothing that acts
    on the terminal.
    """
    table = preview.table
    if table.encoding == EXCEL_ENCODING:
        how = f"blad '{shown_value(table.sheet)}'" if table.sheet else "Excel"
    else:
        how = f"{table.encoding}, {DELIMITER_NAMES.get(table.delimiter, table.delimiter)}"
    rows = plural(len(table.rows), "rad", "rader")
    return f"{shown_value(preview.path.name)} · {how} · {rows} under rubrikraden"


class ImportMappingDialog(ModalScreen[ImportResult | None]):
    """Imports the file with the chosen reference column; dismisses with the result, or None."""

    BINDINGS = [
        Binding("ctrl+s", "import", "Importera", id="import_mapping.import"),
        Binding("escape", "cancel", "Avbryt", id="import_mapping.cancel"),
    ]

    def __init__(self, store: Store, review_id: str, preview: FilePreview) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._preview = preview
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="import-mapping-box", classes="dialog-box"):
            yield Static("Importera akter: välj referenskolumn", classes="box-title")
            yield Static("", id="import-file-info", markup=False)
            if len(self._preview.sheets) > 1:
                with Horizontal(id="import-sheet-row", classes="dialog-row"):
                    yield Label("Blad", classes="dialog-label")
                    yield Select(
                        [(shown_value(name), name) for name in self._preview.sheets],
                        value=self._preview.table.sheet or self._preview.sheets[0],
                        allow_blank=False,
                        compact=True,
                        id="import-sheet",
                    )
            yield Static(
                "Vilken kolumn är aktens referens (aktnummer eller pseudonym)? De andra "
                "kolumnerna blir uppgifter om akten. Välj med ↑ ↓ och Enter.",
                classes="dialog-text",
            )
            yield OptionList(id="import-id-column")
            yield DataTable(id="import-preview", cursor_type="none", zebra_stripes=True)
            with VerticalScroll(id="import-problems-scroll", classes="dialog-problems"):
                yield Static("", id="import-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#import-problems-scroll").display = False
        self._show_preview()
        self.query_one("#import-id-column", OptionList).focus()

    def _show_preview(self) -> None:
        table = self._preview.table
        self.query_one("#import-file-info", Static).update(describe_file(self._preview))
        columns = self.query_one("#import-id-column", OptionList)
        columns.clear_options()
        columns.add_options(
            Option(shown_value(header) or f"(kolumn {number} saknar rubrik)", id=str(number - 1))
            for number, header in enumerate(table.headers, start=1)
        )
        if table.headers:
            columns.highlighted = 0
        grid = self.query_one("#import-preview", DataTable)
        grid.clear(columns=True)
        for header in table.headers:
            grid.add_column(shorten(shown_value(header), _CELL_WIDTH))
        for row in table.rows[:PREVIEW_ROWS]:
            cells = [shorten(shown_value(value.strip()), _CELL_WIDTH)
                     for value in row[: len(table.headers)]]
            cells += [""] * (len(table.headers) - len(cells))
            grid.add_row(*cells)

    def _show_problems(self, text: str) -> None:
        self.query_one("#import-problems", Static).update(text)
        self.query_one("#import-problems-scroll").display = bool(text)
        self.query_one("#import-preview").display = not text

    def _chosen_column(self) -> str | None:
        columns = self.query_one("#import-id-column", OptionList)
        if columns.highlighted is None or not self._preview.table.headers:
            return None
        return self._preview.table.headers[columns.highlighted]

    # --- choosing --------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#import-id-column")
    def _column_highlighted(self) -> None:
        if not self._busy:
            self._show_problems("")

    @on(OptionList.OptionSelected, "#import-id-column")
    def _column_selected(self) -> None:
        self.action_import()

    @on(Select.Changed, "#import-sheet")
    def _sheet_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self._preview.table.sheet:
            self._busy = True
            self._show_problems("Läser bladet …")
            self._read_sheet(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def _read_sheet(self, sheet: str) -> None:
        try:
            preview = preview_file(self._preview.path, sheet)
        except ImportFailure as error:
            self.app.call_from_thread(self._sheet_failed, str(error))
            return
        self.app.call_from_thread(self._sheet_read, preview)

    def _sheet_failed(self, message: str) -> None:
        # Back to the sheet on show, so that what is imported is what is shown.
        if self._preview.table.sheet is not None:
            self.query_one("#import-sheet", Select).value = self._preview.table.sheet
        self._failed(message)

    def _sheet_read(self, preview: FilePreview) -> None:
        self._preview = preview
        self._busy = False
        self._show_preview()
        self._show_problems("")

    # --- importing -------------------------------------------------------------------------

    def action_import(self) -> None:
        """Import the file with the highlighted column as the reference."""
        if self._busy:
            return
        if self._store.read_only:
            self._show_problems("Databasen är öppnad skrivskyddad; inget kan importeras.")
            return
        id_column = self._chosen_column()
        if not id_column:
            self._show_problems("Välj en kolumn med rubrik som referens.")
            return
        self._busy = True
        self._show_problems(f"Importerar med '{id_column}' som referens …")
        self._import(id_column, self._preview.table.sheet)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def _import(self, id_column: str, sheet: str | None) -> None:
        try:
            with self._store.session() as session:
                result = import_case_files(
                    session, self._review_id, self._preview.path, id_column=id_column,
                    sheet=sheet,
                )
        except ImportFailure as error:
            count = len(error.problems)
            heading = ("Filen kan inte importeras; inget har sparats. "
                       + ("1 fel:" if count == 1 else f"{count} fel:"))
            self.app.call_from_thread(self._failed, f"{heading}\n{error}")
            return
        except (InvalidInput, NotFound) as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self.dismiss, result)

    def _failed(self, message: str) -> None:
        self._busy = False
        self._show_problems(quoting_a_file(message))
        self.query_one("#import-problems-scroll", VerticalScroll).scroll_home(animate=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: say so in Swedish, never a traceback. Nothing was written."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            if isinstance(event.worker.error, StoreError):
                raise event.worker.error  # the store's file has gone: the app says what to do
            self._failed(unexpected_error("Importen misslyckades; inget har sparats.",
                                          event.worker.error))

    def action_cancel(self) -> None:
        """Close without importing."""
        if not self._busy:
            self.dismiss(None)
