"""The two dates of a deadline criterion, with the days and the result shown as they are typed.

The dialog only reads dates; whether the limit was met is computed by the domain
(``evaluate_deadline_text``) and saved by the store, which takes the computed result.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.answers import answer_label
from kvtui.domain.criterion_kinds import (
    AnswerError,
    DeadlineResult,
    criterion_kind,
    evaluate_deadline_text,
)
from kvtui.domain.templates import Criterion
from kvtui.tui.dialogs.unsaved import TextDialog

DATE_HINT = "ÅÅÅÅ-MM-DD"
EMPTY_HINT = "Skriv båda datumen, t.ex. 2024-03-05 eller 20240305."


class AnswerDeadlineDialog(TextDialog[DeadlineResult]):
    """Asks for the start and end dates; dismisses with the computed result, or None.

    Enter in the first field moves to the second, Enter in the second saves; impossible dates
    are refused with the message and the dialog stays open. A date the akt already has (typed
    for another criterion) is filled in, and the keyboard starts in the first empty field.
    """

    DRAFT_TITLE = "datumen"
    # Kept as a draft only when the caller names the akt (``for_subject``).
    KEEPS_DRAFTS = False

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="answer_deadline.save"),
        Binding("escape", "cancel", "Avbryt", id="answer_deadline.cancel"),
    ]

    def __init__(
        self, criterion: Criterion, start: date | None = None, end: date | None = None
    ) -> None:
        super().__init__(classes="dialog")
        self._criterion = criterion
        self._start = start
        self._end = end
        # A paste or Tab sent with the key that opened the dialog, before its fields were there
        # (see ``take_early``): applied in order once they are.
        self._early: list[tuple[str, str]] = []
        self._mounted = False

    def compose(self) -> ComposeResult:
        criterion = self._criterion
        with Vertical(id="answer-box", classes="dialog-box"):
            yield Static(f"{criterion.code} {criterion_kind(criterion.kind).label}",
                         classes="box-title", markup=False)
            yield Static(criterion.question, id="answer-question", markup=False)
            with Horizontal(classes="answer-row"):
                yield Label(criterion.start_label or "Startdatum", classes="answer-label",
                            markup=False)
                yield Input(self._start.isoformat() if self._start else "",
                            placeholder=DATE_HINT, id="deadline-start", compact=True,
                            classes="answer-input")
            with Horizontal(classes="answer-row"):
                yield Label(criterion.end_label or "Slutdatum", classes="answer-label",
                            markup=False)
                yield Input(self._end.isoformat() if self._end else "",
                            placeholder=DATE_HINT, id="deadline-end", compact=True,
                            classes="answer-input")
            yield Static("", id="answer-result", markup=False)
            yield Static("Enter sparar det beräknade svaret. Esc avbryter.",
                         classes="answer-hint")
        yield Footer()

    def on_mount(self) -> None:
        self._show()
        index = 1 if self._start and not self._end else 0
        for kind, text in self._early:
            index = self._apply(index, kind, text)
        self._mounted = True
        self._fields()[index].focus()

    def _fields(self) -> tuple[Input, Input]:
        return (self.query_one("#deadline-start", Input), self.query_one("#deadline-end", Input))

    def _apply(self, index: int, kind: str, text: str) -> int:
        """A paste into field ``index``, or a move from it; the field that has the keyboard
        after it."""
        if kind == "paste":
            line = text.splitlines()[0] if text.strip() else ""
            self._fields()[index].insert_text_at_cursor(line.strip())
            return index
        return min(index + 1, 1) if kind == "tab" else max(index - 1, 0)

    def take_early(self, kind: str, text: str = "") -> None:
        """A paste ("paste", its text) or a move ("tab", "shift+tab") that reached the list of
        criteria because it was sent with the key that opened the dialog, before the dialog
        had the keyboard: it belongs here, in the field it was meant for."""
        if not self._mounted:
            self._early.append((kind, text))
            return
        fields = self._fields()
        focused = self.focused
        index = fields.index(focused) if focused in fields else 0
        fields[self._apply(index, kind, text)].focus()

    def result(self) -> DeadlineResult:
        """The result for the dates typed so far; ``AnswerError`` with the message if none."""
        start = self.query_one("#deadline-start", Input).value
        end = self.query_one("#deadline-end", Input).value
        if not start.strip() or not end.strip():
            raise AnswerError(EMPTY_HINT)
        return evaluate_deadline_text(self._criterion, start, end)

    def _show(self) -> DeadlineResult | None:
        shown = self.query_one("#answer-result", Static)
        try:
            result = self.result()
        except AnswerError as error:
            shown.update(str(error))
            shown.set_class(str(error) != EMPTY_HINT, "-bad")
            return None
        shown.update(f"{result.describe()}. Svar: {answer_label(result.value)}.")
        shown.remove_class("-bad")
        return result

    @on(Input.Changed)
    def _changed(self) -> None:
        self._show()

    @on(Input.Submitted, "#deadline-start")
    def _start_submitted(self) -> None:
        self.query_one("#deadline-end", Input).focus()

    @on(Input.Submitted, "#deadline-end")
    def _end_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save when both dates are possible; otherwise say what is wrong and stay."""
        result = self._show()
        if result is None:
            shown = self.query_one("#answer-result", Static)
            shown.add_class("-bad")
            self.app.bell()
            return
        self.dismiss(result)
