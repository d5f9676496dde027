"""The number of a count criterion, with the result shown as it is typed.

The dialog only reads the number (``parse_count``); the comparison with the threshold is the
domain's (``evaluate_count``) and the store saves the computed result.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.answers import answer_label
from kvtui.domain.criterion_kinds import AnswerError, criterion_kind, evaluate_count, parse_count
from kvtui.domain.templates import Criterion
from kvtui.tui.dialogs.unsaved import TextDialog


class AnswerCountDialog(TextDialog[int]):
    """Asks for a whole number; dismisses with it, or None. Bad numbers are refused."""

    DRAFT_TITLE = "antalet"
    # Kept as a draft only when the caller names the akt (``for_subject``).
    KEEPS_DRAFTS = False

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="answer_count.save"),
        Binding("escape", "cancel", "Avbryt", id="answer_count.cancel"),
    ]

    def __init__(self, criterion: Criterion, number: int | None = None) -> None:
        super().__init__(classes="dialog")
        self._criterion = criterion
        self._number = number

    def compose(self) -> ComposeResult:
        criterion = self._criterion
        label = criterion.unit_label or "Antal"
        with Vertical(id="answer-box", classes="dialog-box"):
            yield Static(f"{criterion.code} {criterion_kind(criterion.kind).label}",
                         classes="box-title", markup=False)
            yield Static(criterion.question, id="answer-question", markup=False)
            with Horizontal(classes="answer-row"):
                yield Label(label, classes="answer-label", markup=False)
                yield Input("" if self._number is None else str(self._number),
                            placeholder="heltal", id="count-number", compact=True,
                            classes="answer-input")
            yield Static("", id="answer-result", markup=False)
            yield Static("Enter sparar det beräknade svaret. Esc avbryter.",
                         classes="answer-hint")
        yield Footer()

    def on_mount(self) -> None:
        self._show()
        self.query_one("#count-number", Input).focus()

    def _threshold_text(self) -> str:
        threshold = self._criterion.threshold
        return "" if threshold is None else f" (gräns: minst {threshold})"

    def _show(self) -> int | None:
        shown = self.query_one("#answer-result", Static)
        text = self.query_one("#count-number", Input).value
        if not text.strip():
            shown.update(f"Skriv antalet{self._threshold_text()}.")
            shown.remove_class("-bad")
            return None
        try:
            number = parse_count(text)
            value = evaluate_count(self._criterion, number)
        except AnswerError as error:
            shown.update(str(error))
            shown.add_class("-bad")
            return None
        shown.update(f"{number}{self._threshold_text()}. Svar: {answer_label(value)}.")
        shown.remove_class("-bad")
        return number

    @on(Input.Changed)
    def _changed(self) -> None:
        self._show()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save a valid number; otherwise say what is wrong and stay."""
        number = self._show()
        if number is None:
            self.query_one("#answer-result", Static).add_class("-bad")
            self.app.bell()
            return
        self.dismiss(number)
