"""Öppna igen: why a signed review is reopened. The reason is required and goes into the log
and the next version's sign-off page; the Rapport part asks once more before reopening. A
personnummer in the reason is masked first, or kept on Ctrl+G, as in every text."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from kvtui.domain.signoff import SignOffRuleError, check_reason
from kvtui.tui.dialogs.unsaved import TextDialog
from kvtui.tui.widgets.idnumber_guard import FieldGuard, TypedText

MISSING = "Skriv varför granskningen öppnas igen."
MASKED_NOTICE = "Ett personnummer är nu maskerat. Kontrollera och fortsätt igen (Ctrl+S)."


class ReopenDialog(TextDialog[TypedText]):
    """Asks for the reason; dismisses with it, or None when cancelled."""

    DRAFT_TITLE = "Öppna igen"

    BINDINGS = [
        Binding("ctrl+s", "save", "Fortsätt", id="reopen.save"),
        Binding("escape", "cancel", "Avbryt", id="reopen.cancel"),
        Binding("ctrl+g", "not_an_id", "Inte personnummer", show=False,
                id="reopen.not_an_id"),
    ]

    def __init__(self, version: int) -> None:
        super().__init__(classes="dialog")
        self._version = version
        self.guard = FieldGuard(self)

    def draft_subject(self) -> str:
        """The signed version to be reopened."""
        return f"version-{self._version}"

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

    def _say(self, text: str) -> None:
        problem = self.query_one("#reopen-problem", Static)
        problem.update(text)
        problem.display = True

    def action_save(self) -> None:
        """Hand the reason to the part, or say that it is missing."""
        field = self.query_one("#reopen-reason", Input)
        if self.guard.mask([field]):
            self._say(f"{MASKED_NOTICE} {FieldGuard.NOTICE}")
            return
        try:
            reason = check_reason(field.value, MISSING)
        except SignOffRuleError as error:
            self._say(str(error))
            return
        self.dismiss(TypedText(reason, self.guard.accepted))

    def action_not_an_id(self) -> None:
        """Ctrl+G: asks whether the number masked is not a personnummer; on yes, uses the
        reason as typed."""
        self.guard.ask_and_accept([self.query_one("#reopen-reason", Input)], self.action_save)
