"""Exportera paket / Importera paket: the file and the passphrase of a review bundle.

The dialog only collects and checks what was typed (the passphrase's rules are
``kvtui.domain.bundle_format``'s); the review list does the work in a worker. The passphrase
lives in memory for this one bundle, is typed in password fields (never kept as a draft or
asked about on Esc), and is never stored or logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.bundle_format import BundleError, check_passphrase
from kvtui.tui.dialogs.unsaved import TextDialog


@dataclass(frozen=True)
class BundleRequest:
    """The bundle's file and its passphrase."""

    path: Path
    passphrase: str


class BundleDialog(TextDialog[BundleRequest]):
    """Asks for the file and the passphrase (twice for a new bundle); dismisses with a
    ``BundleRequest``, or None when cancelled."""

    # A path is quickly typed again: not worth a draft (Esc still asks about it).
    KEEPS_DRAFTS = False

    BINDINGS = [
        Binding("ctrl+s", "save", "Fortsätt", id="bundle.save"),
        Binding("escape", "cancel", "Avbryt", id="bundle.cancel"),
    ]

    def __init__(self, *, export: bool, path: str = "", what: str = "") -> None:
        super().__init__(classes="dialog")
        self._export = export
        self._path = path
        self._what = what

    def draft_title(self) -> str:
        """Exportera paket or Importera paket, in the question on Esc."""
        return "Exportera paket" if self._export else "Importera paket"

    def compose(self) -> ComposeResult:
        with Vertical(id="bundle-box", classes="dialog-box"):
            yield Static(self.draft_title() + (f": {self._what}" if self._what else ""),
                         classes="box-title", markup=False)
            fields = [("bundle-path", "Fil", self._path, "paketfilens namn"),
                      ("bundle-passphrase", "Lösenfras", "",
                       "minst tio tecken" if self._export else "paketets lösenfras")]
            if self._export:
                fields.append(("bundle-again", "En gång till", "", "samma lösenfras"))
            for field, label, value, hint in fields:
                with Horizontal(classes="dialog-row"):
                    yield Label(label, classes="dialog-label")
                    yield Input(value, id=field, placeholder=hint, compact=True,
                                password=field != "bundle-path", classes="dialog-input")
            note = ("Paketet krypteras med lösenfrasen; skicka den till mottagaren på annat "
                    "sätt än filen." if self._export else
                    "Granskningen i paketet läggs in i databasen, eller slås ihop med den som "
                    "redan finns här (det båda ändrat blir konflikter att avgöra); en signerad "
                    "granskning förblir signerad och låst.")
            yield Static(f"{note} Lösenfrasen sparas aldrig. Ctrl+S fortsätter.",
                         classes="dialog-note", markup=False)
            yield Static("", id="bundle-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#bundle-problem", Static).display = False
        self.query_one("#bundle-passphrase" if self._path else "#bundle-path", Input).focus()

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def _say(self, text: str) -> None:
        problem = self.query_one("#bundle-problem", Static)
        problem.update(text)
        problem.display = True

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Check the file and the passphrase, and hand them to the list; or say what is
        wrong."""
        text = self._value("bundle-path").strip()
        if not text:
            self._say("Skriv paketfilens namn.")
            return
        path = Path(text).expanduser()
        passphrase = self._value("bundle-passphrase")
        if self._export:
            if path.exists():
                self._say(f"Filen {path} finns redan och skrivs inte över. Ange ett annat namn.")
                return
            try:
                check_passphrase(passphrase)
            except BundleError as error:
                self._say(str(error))
                return
            if self._value("bundle-again") != passphrase:
                self._say("Lösenfraserna är inte lika.")
                return
        elif not path.is_file():
            self._say(f"Filen {path} finns inte.")
            return
        elif not passphrase:
            self._say("Skriv paketets lösenfras.")
            return
        self.dismiss(BundleRequest(path, passphrase))
