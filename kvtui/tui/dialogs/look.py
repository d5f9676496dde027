"""Inställningar (i in Granskningar): the committee's name and the logo on every report's cover.

The same settings as ``kvtui settings`` (``kvtui.look``). The logo field holds the path the
logo was chosen from: a new path sets a new logo, an emptied field removes it, and an
unchanged one keeps the copy kvtui already has, even when the original has since moved.
Ctrl+O picks the image with the file picker. A refused value is said under the fields and
nothing is changed; the check of an image (decoding it whole) runs in a thread, so a large
one never stops the screen.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from kvtui.crash_log import unexpected_error
from kvtui.domain.look import LookError, check_committee
from kvtui.look import LookSettings, look_settings, remove_logo, set_committee, set_logo
from kvtui.tui.dialogs.file_picker import FilePickerDialog
from kvtui.tui.dialogs.unsaved import TextDialog

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".svg"})
SAVE_GROUP = "look-save"
UNCHANGED = " Inställningarna är oförändrade."


class LookDialog(TextDialog[LookSettings]):
    """Dismisses with the settings saved, or None when closed without saving."""

    DRAFT_TITLE = "Inställningar"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="look.save"),
        Binding("ctrl+o", "pick", "Välj bild", id="look.pick"),
        Binding("escape", "cancel", "Avbryt", id="look.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog")
        self._settings = look_settings()

    def draft_subject(self) -> str:
        """The installation's settings: one of them."""
        return "installation"

    def _draft_review(self) -> None:
        """Whatever review is open beneath, the settings belong to none of them: a draft
        comes back wherever the dialog is opened."""
        return None

    def compose(self) -> ComposeResult:
        settings = self._settings
        with Vertical(id="look-box", classes="dialog-box"):
            yield Static("Inställningar: rapportens omslag", classes="box-title")
            yield Static("Gäller alla granskningar på den här datorn.", classes="dialog-note")
            with Horizontal(classes="dialog-row"):
                yield Label("Nämndens namn", classes="dialog-label")
                yield Input(settings.committee, id="look-committee", compact=True,
                            placeholder="t.ex. Socialnämnden", classes="dialog-input")
            with Horizontal(classes="dialog-row"):
                yield Label("Logotyp", classes="dialog-label")
                yield Input(self._logo_text(), id="look-logo", compact=True,
                            placeholder="sökväg till en PNG-, JPEG- eller SVG-fil",
                            classes="dialog-input")
            yield Static("Logotypen kopieras till kvtui:s datamapp (högst 5 MB). Töm fältet "
                         "för att ta bort den. Ctrl+O väljer en bild.", classes="dialog-note")
            yield Static(self._current_problem(), id="look-problem", classes="dialog-problems",
                         markup=False)
        yield Footer()

    def _logo_text(self) -> str:
        settings = self._settings
        if settings.logo is None:
            return ""
        return settings.logo_source or str(settings.logo)

    def _current_problem(self) -> str:
        problem = self._settings.logo_problem
        return (f"Logotypen kan inte användas: {problem} Välj den igen." if problem else "")

    def on_mount(self) -> None:
        problem = self.query_one("#look-problem", Static)
        problem.display = bool(self._settings.logo_problem)
        self.query_one("#look-committee", Input).focus()

    def _show_problem(self, text: str) -> None:
        problem = self.query_one("#look-problem", Static)
        problem.update(text)
        problem.display = bool(text)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_pick(self) -> None:
        """Ctrl+O: choose the image with the file picker, starting where the logo came from."""
        field = self.query_one("#look-logo", Input)
        start = Path(field.value.strip() or Path.home()).expanduser()
        folder = start if start.is_dir() else start.parent
        if not folder.is_dir():
            folder = Path.home()

        def chosen(path: Path | None) -> None:
            if path is not None:
                field.value = str(path)
                field.focus()

        self.app.push_screen(FilePickerDialog(folder, IMAGE_SUFFIXES), chosen)

    def action_save(self) -> None:
        """Check and keep what was typed, or say why not."""
        committee = self.query_one("#look-committee", Input).value
        logo = self.query_one("#look-logo", Input).value.strip()
        try:
            check_committee(committee)
        except LookError as error:
            self._show_problem(f"{error}{UNCHANGED}")
            return
        self._show_problem("")
        self._save(committee, None if logo == self._logo_text() else logo)

    @work(thread=True, exclusive=True, exit_on_error=False, group=SAVE_GROUP)
    def _save(self, committee: str, logo: str | None) -> LookSettings:
        """In a thread: the logo (checked whole), then the name; ``logo`` None keeps it."""
        if logo == "":
            remove_logo()
        elif logo is not None:
            set_logo(logo)
        set_committee(committee)
        return look_settings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Saved: close; refused: say why, the dialog keeps what was typed."""
        if event.worker.group != SAVE_GROUP:
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.dismiss(event.worker.result)
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            assert error is not None  # a worker in the ERROR state holds its error
            self._show_problem(f"{error}{UNCHANGED}" if isinstance(error, LookError) else
                               unexpected_error("Inställningarna kunde inte sparas.", error))
