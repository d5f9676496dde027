"""The personnummer guard for free text: mark a number as it is typed, and mask it on one key.

The people in the files are children under secrecy law. kvtui does not refuse free text with
a personnummer or samordningsnummer in it (the auditor may be mid-sentence), but it marks the
number in the text, says so under the editor, and masks it (ÅÅMMDD-XXXX) when the auditor
presses Ctrl+K. What counts as a number is decided by ``kvtui.domain.personnummer``.

Three pieces, for any TextArea-based editor:

- ``GuardedTextArea``: a TextArea that highlights every number found and masks them all on
  Ctrl+K (posting ``GuardedTextArea.Masked``, so its owner can save at once). Without a number
  in the text, Ctrl+K keeps the TextArea's own meaning (delete to the end of the line).
- ``IdNumberWarning``: the warning line shown under the editor while a number is in the text.
- ``guard_warning``: the warning's wording, for dialogs that show it elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static, TextArea

from kvtui.domain.personnummer import IdNumber, find_ids

MASK_KEY = "Ctrl+K"
HIGHLIGHT = Style(color="white", bgcolor="red", bold=True)


@lru_cache(maxsize=512)
def _line_ids(line: str) -> tuple[IdNumber, ...]:
    """The numbers on one line (a number never spans a line break); cached per line text."""
    return tuple(find_ids(line)) if any(char.isdigit() for char in line) else ()


def ids_in_lines(lines: list[str]) -> list[tuple[int, IdNumber]]:
    """(row, number) for every number in the text, in order."""
    return [(row, number) for row, line in enumerate(lines) for number in _line_ids(line)]


def guard_warning(numbers: list[IdNumber] | tuple[IdNumber, ...]) -> str:
    """The warning under an editor holding ``numbers``, in Swedish; "" when there are none."""
    if not numbers:
        return ""
    shown = ", ".join(number.masked for number in numbers[:2])
    if len(numbers) > 2:
        shown += ", …"
    samordning = all(number.kind == "samordningsnummer" for number in numbers)
    what = "samordningsnummer" if samordning else "personnummer"
    if len(numbers) == 1:
        return (f"Texten innehåller något som ser ut som ett {what} ({shown}). "
                f"Tryck {MASK_KEY} för att maskera det.")
    return (f"Texten innehåller {len(numbers)} nummer som ser ut som {what} ({shown}). "
            f"Tryck {MASK_KEY} för att maskera dem.")


class GuardedTextArea(TextArea):
    """A TextArea that marks personnummer and masks them all on Ctrl+K."""

    BINDINGS = [
        # Two bindings on one key: the first applies only while the text holds a number
        # (``check_action``); otherwise Ctrl+K deletes to the end of the line as usual.
        Binding("ctrl+k", "mask_ids", "Maskera personnummer", id="guard.mask"),
        Binding("ctrl+k", "delete_to_end_of_line_or_delete_line", show=False,
                id="guard.delete_to_end"),
    ]

    @dataclass
    class Masked(Message):
        """Numbers in the text were masked: ``count`` of them. The owner saves now."""

        text_area: GuardedTextArea
        count: int

        @property
        def control(self) -> GuardedTextArea:
            """The text area that masked its text."""
            return self.text_area

    @dataclass
    class IdsChanged(Message):
        """The numbers in the text changed (found, masked or deleted); ``warning`` is ""
        when there are none left."""

        text_area: GuardedTextArea
        warning: str

        @property
        def control(self) -> GuardedTextArea:
            """The text area whose numbers changed."""
            return self.text_area

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(text, **kwargs)  # type: ignore[arg-type]
        self._warning = ""

    # --- finding ------------------------------------------------------------------------------

    @property
    def found(self) -> list[IdNumber]:
        """Every number in the text now, in order."""
        return [number for _row, number in ids_in_lines(self.document.lines)]

    @property
    def warning(self) -> str:
        """The warning for the text as it is now ("" without a number)."""
        return self._warning

    def get_line(self, line_index: int) -> Text:
        """A line of the text with every number on it highlighted."""
        line = super().get_line(line_index)
        for number in _line_ids(line.plain):
            line.stylize(HIGHLIGHT, number.start, number.end)
        return line

    @on(TextArea.Changed)
    def _check(self, event: TextArea.Changed) -> None:
        """After each change: the warning, and whether Ctrl+K masks."""
        if event.text_area is not self:
            return
        warning = guard_warning(self.found)
        if warning != self._warning:
            self._warning = warning
            self.refresh_bindings()
            self.post_message(self.IdsChanged(self, warning))

    # --- masking ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Maskera only while the text holds a number."""
        if action == "mask_ids":
            return not self.read_only and bool(self.found)
        return True

    def mask_ids(self) -> int:
        """Mask every number in the text (ÅÅMMDD-XXXX); the cursor stays with its words.

        Returns how many were masked. Each number is replaced in place, from the last to the
        first, so the positions of those before it stay valid and the cursor moves only by
        the change in length before it.
        """
        found = ids_in_lines(self.document.lines)
        for row, number in reversed(found):
            self.replace(number.masked, (row, number.start), (row, number.end),
                         maintain_selection_offset=True)
        return len(found)

    def action_mask_ids(self) -> None:
        """Ctrl+K: mask every number, then tell the owner to save."""
        if self.read_only:
            return
        count = self.mask_ids()
        if count:
            self.post_message(self.Masked(self, count))


class IdNumberWarning(Static):
    """The warning line under a guarded editor; hidden while the text holds no number."""

    DEFAULT_CSS = """
    IdNumberWarning {
        height: auto;
        color: $text-error;
        background: $error-muted;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.display = False

    def show_warning(self, warning: str) -> None:
        """Show ``warning``, or hide the line when it is ""."""
        self.update(warning)
        self.display = bool(warning)
