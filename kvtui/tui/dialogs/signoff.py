"""Signera: who signs the report off, who approves it, and an optional certificate.

The dialog only collects and checks what was typed (the rules are ``kvtui.domain.signoff``'s;
a personnummer in a name or role is masked first, or kept on Ctrl+G as for every text);
the Rapport part asks once more before anything is stored, because a sign-off locks the
review. The certificate's passphrase lives in memory for this one signing and is never
stored or logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Footer, Input, Label, Static

from kvtui.domain.signoff import SignOffRuleError, check_signers
from kvtui.tui.dialogs.form import FormDialog

FIELDS = ("signoff-name", "signoff-role", "signoff-approver", "signoff-approver-role",
          "signoff-p12", "signoff-passphrase")


@dataclass(frozen=True)
class SignOffRequest:
    """What the auditor asked for: names and roles, and the certificate if she has one."""

    name: str
    role: str
    approver_name: str
    approver_role: str
    p12: Path | None
    passphrase: bytes | None
    factcheck_appendix: bool
    #: Numbers in the names the auditor said are not personnummer (stored as typed).
    not_ids: frozenset[str] = frozenset()


class SignOffDialog(FormDialog[SignOffRequest]):
    """Collects a sign-off; dismisses with a ``SignOffRequest``, or None when cancelled."""

    PROBLEM_ID = "signoff-problem"
    DRAFT_TITLE = "Signera"

    BINDINGS = [
        Binding("ctrl+s", "save", "Fortsätt", id="signoff.save"),
        Binding("escape", "cancel", "Avbryt", id="signoff.cancel"),
    ]

    def __init__(self, version: int, name: str = "", comments: int = 0) -> None:
        super().__init__(classes="dialog")
        self._version = version
        self._signer_name = name
        self._comments = comments

    def draft_subject(self) -> str:
        """The version to be signed."""
        return f"version-{self._version}"

    def compose(self) -> ComposeResult:
        with Vertical(id="signoff-box", classes="dialog-box"):
            yield Static(f"Signera rapporten, version {self._version}", classes="box-title",
                         markup=False)
            for field, label, value, hint in (
                ("signoff-name", "Namn", self._signer_name, "den som signerar"),
                ("signoff-role", "Roll", "Granskare", "t.ex. Granskare"),
                ("signoff-approver", "Godkänns av", "", "valfritt, en annan person"),
                ("signoff-approver-role", "Dennes roll", "", "t.ex. Verksamhetschef"),
                ("signoff-p12", "Certifikat", "", "valfritt: .p12/.pfx-fil för e-signatur"),
                ("signoff-passphrase", "Lösenord", "", "certifikatets lösenord"),
            ):
                with Horizontal(classes="dialog-row"):
                    yield Label(label, classes="dialog-label")
                    yield Input(value, id=field, placeholder=hint, compact=True,
                                password=field == "signoff-passphrase",
                                classes="dialog-input")
            yield Checkbox("Bilaga med verksamhetens synpunkter och dina svar",
                           value=False, id="signoff-appendix", compact=True,
                           disabled=self._comments == 0)
            yield Static("Lösenordet används bara nu och sparas aldrig. Ctrl+S fortsätter; "
                         "du får en fråga till innan något sparas.", classes="dialog-note",
                         markup=False)
            yield Static("", id="signoff-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#signoff-problem", Static).display = False
        self.query_one("#signoff-name", Input).focus()  # the first field, name given or not

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Check what was typed and hand it to the part, or say what is wrong."""
        if self._masked(*(self.query_one(f"#{field}", Input) for field in FIELDS[:4])):
            return
        name, role = self._value("signoff-name"), self._value("signoff-role")
        approver = self._value("signoff-approver")
        try:
            check_signers(name, role, approver)
        except SignOffRuleError as error:
            self._show_problem(str(error))
            return
        p12_text = self._value("signoff-p12").strip()
        p12 = Path(p12_text).expanduser() if p12_text else None
        if p12 is not None and not p12.is_file():
            self._show_problem(f"Certifikatfilen {p12} finns inte.")
            return
        passphrase = self._value("signoff-passphrase")
        self.dismiss(SignOffRequest(
            name=name, role=role, approver_name=approver,
            approver_role=self._value("signoff-approver-role") if approver.strip() else "",
            p12=p12, passphrase=passphrase.encode("utf-8") if p12 is not None else None,
            factcheck_appendix=self.query_one("#signoff-appendix", Checkbox).value,
            not_ids=self.guard.accepted,
        ))
