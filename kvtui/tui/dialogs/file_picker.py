"""Välj fil: the folders and the lists of akter kvtui can read, chosen by keys alone.

Importera akter opens it (Ctrl+O) in the folder the path field names, else in the folder the
last list came from, else in the home folder. ↑ ↓ move, Enter opens a folder or chooses the
file, Backspace goes up one folder, Escape goes back to the path field as it was. Only folders
and CSV and Excel files are listed (hidden ones are not), or the kinds of file another dialog
asks for (Inställningar: images). A folder that cannot be read says
why in Swedish; Textual's tree would show it empty without a word.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Footer, Static

from kvtui.domain.casefile_import import shown_value
from kvtui.domain.file_errors import file_error_reason

#: What the import reads, and .xls, listed so that the import's own message says to save it
#: as .xlsx rather than the file seeming to be missing.
LISTED_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls"})


def is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; False when even that cannot be found out."""
    try:
        return path.is_dir()
    except OSError:
        return False


def unreadable_reason(folder: Path) -> str | None:
    """Why the folder's contents cannot be listed, in Swedish, or None when they can."""
    try:
        with os.scandir(folder) as entries:
            next(entries, None)
    except OSError as error:
        return file_error_reason(error)
    except ValueError:  # a NUL in a pasted path
        return "namnet eller åtgärden är ogiltig"
    return None


class ImportFileTree(DirectoryTree):
    """Folders and the files the import can read (or ``suffixes``); names shown as the import
    shows a file's text (a personnummer masked, nothing that acts on the terminal)."""

    suffixes: frozenset[str] = LISTED_SUFFIXES

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        """Folders and the files listed (CSV and Excel) that are not hidden."""
        return [path for path in paths if not path.name.startswith(".")
                and (path.suffix.lower() in self.suffixes or is_folder(path))]

    def process_label(self, label: str | Text) -> Text:
        """The name on one line, made safe to show."""
        plain = label.plain if isinstance(label, Text) else label
        return Text(shown_value(plain))


class FilePickerDialog(ModalScreen[Path | None]):
    """Dismisses with the file chosen, or None (Escape)."""

    BINDINGS = [
        Binding("escape", "cancel", "Tillbaka", id="file_picker.cancel"),
        Binding("backspace", "up", "Upp en mapp", id="file_picker.up"),
    ]

    def __init__(self, start: Path, suffixes: frozenset[str] = LISTED_SUFFIXES) -> None:
        super().__init__(classes="dialog")
        self._start = start
        self._suffixes = suffixes

    def compose(self) -> ComposeResult:
        with Vertical(id="file-picker-box", classes="dialog-box"):
            yield Static("Välj fil", classes="box-title")
            yield Static("↑ ↓ flyttar, Enter öppnar mappen eller väljer filen, Backspace går "
                         "upp en mapp, Esc tillbaka.", classes="dialog-note")
            yield Static("", id="file-picker-folder", markup=False)
            tree = ImportFileTree(self._start, id="file-picker-tree")
            tree.suffixes = self._suffixes
            yield tree
            yield Static("", id="file-picker-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#file-picker-problem", Static).display = False
        tree = self.query_one(ImportFileTree)
        tree.show_root = False  # the folder is named above the tree; Backspace goes up
        tree.focus()
        self._show_folder(self._start)

    @property
    def folder(self) -> Path:
        """The folder shown at the top of the tree."""
        return Path(self.query_one(ImportFileTree).path)

    @on(DirectoryTree.FileSelected)
    def _file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    @on(DirectoryTree.DirectorySelected)
    def _folder_opened(self, event: DirectoryTree.DirectorySelected) -> None:
        event.stop()
        self._check(event.path)

    def action_up(self) -> None:
        """Show the folder above the one at the top."""
        folder = self.folder.absolute()
        if folder.parent != folder:
            self.query_one(ImportFileTree).path = folder.parent
            self._show_folder(folder.parent)

    def _show_folder(self, folder: Path) -> None:
        self.query_one("#file-picker-folder", Static).update(f"Mapp: {shown_value(str(folder))}")
        self._check(folder)

    @work(thread=True, exclusive=True, exit_on_error=False, group="file-picker-check")
    def _check(self, folder: Path) -> None:
        reason = unreadable_reason(folder)
        self.app.call_from_thread(
            self._show_problem,
            "" if reason is None else f"Mappen '{shown_value(str(folder))}' kan inte läsas: "
            f"{reason}.",
        )

    def _show_problem(self, text: str) -> None:
        if not self.is_attached:
            return  # closed while the folder was looked at
        problem = self.query_one("#file-picker-problem", Static)
        problem.update(text)
        problem.display = bool(text)

    def action_cancel(self) -> None:
        """Back to the path field, as it was."""
        self.dismiss(None)
