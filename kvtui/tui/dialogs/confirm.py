"""A yes/no question in a small modal dialog."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    """Asks before something that cannot be undone; dismisses with True for Ja.

    Escape and Nej both answer False, so the safe choice is always the easy one.
    """

    BINDINGS = [
        Binding("j", "answer(True)", "Ja", id="confirm.yes"),
        Binding("n", "answer(False)", "Nej", id="confirm.no"),
        Binding("escape", "answer(False)", "Avbryt", id="confirm.cancel"),
    ]

    def __init__(self, question: str, *, yes: str = "Ja", no: str = "Nej") -> None:
        super().__init__(classes="dialog")
        self._question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog-box"):
            yield Static(self._question, id="confirm-question")
            with Horizontal(id="confirm-buttons", classes="dialog-buttons"):
                yield Button(f"{self._yes} (j)", id="confirm-yes", variant="warning")
                yield Button(f"{self._no} (n)", id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        """Close the dialog with the answer."""
        self.dismiss(answer)
