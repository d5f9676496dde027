"""Öppna igen: why a signed review is reopened. The reason is required and goes into the log
and the next version's sign-off page; the Rapport part asks once more before reopening."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from kvtui.domain.signoff import SignOffRuleError, check_reason

MISSING = "Skriv varför granskningen öppnas igen."


class ReopenDialog(ModalScreen[str | None]):
    """Asks for the reason; dismisses with it, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Fortsätt", id="reopen.save"),
        Binding("escape", "cancel", "Avbryt", id="reopen.cancel"),
    ]

    def __init__(self, version: int) -> None:
        super().__init__(classes="dialog")
        self._version = version

    def compose(self) -> ComposeResult:
        with Vertical(id="reopen-box", classes="dialog-box"):
            yield Static(f"Öppna granskningen igen som version {self._version + 1}",
                         classes="box-title", markup=False)
            yield Static(f"Version {self._version} finns kvar som den signerades. Den nya "
                         "versionens rapport säger att den ersätter den.", classes="dialog-note",
                         markup=False)
            yield Input("", id="reopen-reason", placeholder="Skäl, t.ex. nämnden begärde "
                        "en komplettering", compact=True)
            yield Static("", id="reopen-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reopen-problem", Static).display = False
        self.query_one("#reopen-reason", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Hand the reason to the part, or say that it is missing."""
        try:
            reason = check_reason(self.query_one("#reopen-reason", Input).value, MISSING)
        except SignOffRuleError as error:
            problem = self.query_one("#reopen-problem", Static)
            problem.update(str(error))
            problem.display = True
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        """Close without reopening."""
        self.dismiss(None)
