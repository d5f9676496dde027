"""Importera akter, step 1: the path of the unit's list of case files, read before anything else.

The path is typed or pasted, or chosen in the file picker beside the field (Ctrl+O,
``kvtui.tui.dialogs.file_picker``), which opens where the last list was read from. The file
is read in a thread (a list from a big unit can be large) and any problem is shown in the
dialog, so the auditor can correct the path; nothing is written to the store here. Step 2 is
``kvtui.tui.dialogs.import_mapping``.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Static
from textual.worker import Worker, WorkerState

from kvtui.crash_log import unexpected_error
from kvtui.domain.casefile_import import ImportFailure
from kvtui.store.casefiles import FilePreview, preview_file
from kvtui.store.database import StoreError
from kvtui.tui.dialogs.file_picker import FilePickerDialog, is_folder
from kvtui.tui.dialogs.form import FormDialog
from kvtui.tui.format import quoting_a_file
from kvtui.user_settings import last_import_folder, remember_import_folder

_QUOTES = "\"'"


def typed_path(text: str) -> Path | None:
    """The path as typed or pasted: surrounding quotes (Windows' "Kopiera som sökväg") and
    spaces removed, ``~`` expanded; None when nothing was typed."""
    cleaned = text.strip()
    if len(cleaned) >= 2 and cleaned[0] == cleaned[-1] and cleaned[0] in _QUOTES:
        cleaned = cleaned[1:-1].strip()
    if not cleaned:
        return None
    return Path(cleaned).expanduser()


def picker_start(typed: str) -> Path:
    """Where the file picker opens: the folder the field names (or the folder of the file it
    names), else the folder the last list was read from, else the home folder."""
    path = typed_path(typed)
    if path is not None:
        for candidate in (path, path.parent):
            if candidate.is_absolute() and is_folder(candidate):
                return candidate
    return last_import_folder() or Path.home()


class ImportFileDialog(FormDialog[FilePreview]):
    """Asks for the file and reads it; dismisses with what was read, or None."""

    PROBLEM_ID = "import-file-problem"
    DRAFT_TITLE = "Importera akter"
    # A path, not text the auditor wrote: Esc closes at once.
    NOT_TYPED_TEXT = frozenset({"import-path"})

    BINDINGS = [
        Binding("ctrl+o", "browse", "Bläddra", tooltip="Välj filen i en lista över mappar",
                id="import_file.browse"),
        Binding("escape", "cancel", "Avbryt", id="import_file.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def compose(self) -> ComposeResult:
        with Vertical(id="import-file-box", classes="dialog-box"):
            yield Static("Importera akter", classes="box-title")
            yield Static(
                "Ange sökvägen till listan med akter: en CSV-fil eller en Excel-arbetsbok "
                "(.xlsx), eller välj den med Ctrl+O. Tryck Enter för att läsa filen; inget "
                "sparas förrän du har valt referenskolumnen.",
                classes="dialog-text",
            )
            with Horizontal(id="import-path-row"):
                yield Input(placeholder="sökväg till filen", id="import-path")
                yield Button("Bläddra", id="import-browse")
            yield Static("", id="import-file-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#import-file-problem", Static).display = False
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        self._read_typed(event.value)

    def _read_typed(self, text: str) -> None:
        path = typed_path(text)
        if path is None:
            self._show_problem("Ange sökvägen till filen.")
            return
        self._show_problem("Läser filen …")
        self.query_one("#import-path", Input).disabled = True
        self._read(path)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _read(self, path: Path) -> None:
        try:
            preview = preview_file(path)
        except ImportFailure as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        remember_import_folder(path.absolute().parent)  # a convenience: not saved, no matter
        self.app.call_from_thread(self.dismiss, preview)

    def _failed(self, message: str) -> None:
        self._show_problem(quoting_a_file(message))
        field = self.query_one("#import-path", Input)
        field.disabled = False
        field.focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure while reading: say so in Swedish, never a traceback."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            if isinstance(event.worker.error, StoreError):
                raise event.worker.error  # the store's file has gone: the app says what to do
            self._failed(unexpected_error("Filen kunde inte läsas.", event.worker.error))

    @on(Button.Pressed, "#import-browse")
    def action_browse(self) -> None:
        """Choose the file in the picker; Escape there comes back to the field as it was."""
        field = self.query_one("#import-path", Input)
        if field.disabled:
            return  # a file is being read

        def chosen(path: Path | None) -> None:
            if path is None:
                field.focus()
                return
            field.value = str(path)
            self._read_typed(field.value)

        self.app.push_screen(FilePickerDialog(picker_start(field.value)), chosen)

    def action_cancel(self) -> None:
        """Close without importing."""
        self.dismiss(None)
