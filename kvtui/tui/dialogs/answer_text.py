"""One line of text about an answer: a comment, or the reason for overriding a computed result.

The people in the files are children under secrecy law, so a personnummer typed here is
masked (ÅÅMMDD-XXXX) before anything is saved: the first Enter masks it and says so, the
second saves; Ctrl+G instead asks whether it is not a personnummer and, on yes, saves the text
as typed.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from kvtui.tui.dialogs.unsaved import TextDialog
from kvtui.tui.widgets.idnumber_guard import FieldGuard, TypedText

MASKED_NOTICE = (
    "Texten innehöll ett personnummer; det är nu maskerat. Tryck Enter igen för att spara."
)


class AnswerTextDialog(TextDialog[TypedText]):
    """Asks for one line; dismisses with the text (stripped) and the numbers in it that are
    not personnummer, or None on Escape.

    With ``required`` an empty text is refused with ``required_message``. The text is kept as
    a draft only when the caller names what it is about with ``for_subject`` (the akt and the
    criterion): the title alone is the same for every akt.
    """

    DRAFT_TITLE = "texten"
    # Kept as a draft only when the caller names what it is about (``for_subject``).
    KEEPS_DRAFTS = False

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="answer_text.save"),
        Binding("escape", "cancel", "Avbryt", id="answer_text.cancel"),
        Binding("ctrl+g", "not_an_id", "Inte personnummer", show=False,
                id="answer_text.not_an_id"),
    ]

    def __init__(
        self,
        title: str,
        prompt: str,
        *,
        initial: str = "",
        placeholder: str = "",
        required: bool = False,
        required_message: str = "Skriv något först.",
    ) -> None:
        super().__init__(classes="dialog")
        self._title = title
        self._prompt = prompt
        self._initial = initial
        self._placeholder = placeholder
        self._required = required
        self._required_message = required_message
        self.guard = FieldGuard(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="answer-box", classes="dialog-box"):
            yield Static(self._title, classes="box-title", markup=False)
            yield Static(self._prompt, id="answer-question", markup=False)
            yield Input(self._initial, placeholder=self._placeholder, id="answer-text",
                        compact=True, classes="answer-text")
            yield Static("", id="answer-result", markup=False)
            yield Static("Enter sparar. Esc avbryter.", classes="answer-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#answer-result", Static).display = False
        self.query_one("#answer-text", Input).focus()

    def _say(self, message: str) -> None:
        shown = self.query_one("#answer-result", Static)
        shown.update(message)
        shown.add_class("-bad")
        shown.display = True

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the text, after masking any personnummer and checking a required one."""
        field = self.query_one("#answer-text", Input)
        field.value = field.value.strip()
        if self.guard.mask([field]):
            self._say(f"{MASKED_NOTICE} {FieldGuard.NOTICE}")
            return
        if self._required and not field.value:
            self._say(self._required_message)
            self.app.bell()
            return
        self.dismiss(TypedText(field.value, self.guard.accepted))

    def action_not_an_id(self) -> None:
        """Ctrl+G: asks whether the number masked is not a personnummer; on yes, saves the
        text as typed."""
        self.guard.ask_and_accept([self.query_one("#answer-text", Input)], self.action_save)
