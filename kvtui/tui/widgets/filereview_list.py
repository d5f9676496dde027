"""The criteria of one akt as a list drawn line by line (Textual's line API).

A DataTable redraws every visible row whenever one cell changes, at one answer per key. Here an
answer repaints the answered row and the two rows the cursor leaves and enters, and nothing
else; and a row is drawn once for each look it can have (its answer, under the cursor or not)
and kept, so that answering the next akt's criteria draws nothing new at all. bench/entry.py
needs it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from kvtui.tui.format import shorten

CODE_WIDTH = 5
ANSWER_WIDTH = 12
#: How long a row just answered stands out (``criteria-list--flash`` in filereview.tcss), so
#: that a key that gave another answer than meant is seen.
FLASH_SECONDS = 0.8


class CriteriaList(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows of (code, answer, question) under a fixed header; a row cursor moved by ↑ ↓.

    Only the arrows and Home/End are bound, so every other key (Enter, PgUp/PgDn, letters)
    reaches the answering keys of the view around it.
    """

    COMPONENT_CLASSES = {"criteria-list--header", "criteria-list--cursor",
                         "criteria-list--flash"}

    DEFAULT_CSS = """
    CriteriaList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        & > .criteria-list--header {
            text-style: bold;
            background: $panel;
        }
        & > .criteria-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .criteria-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    """

    BINDINGS = [
        Binding("up", "cursor_up", "Föregående kriterium", show=False),
        Binding("down", "cursor_down", "Nästa kriterium", show=False),
        Binding("home", "first", "Första kriteriet", show=False),
        Binding("end", "last", "Sista kriteriet", show=False),
    ]

    @dataclass
    class Highlighted(Message):
        """The auditor moved the cursor to ``row``."""

        row: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._codes: list[Text] = []
        self._answers: list[Text] = []
        self._questions: list[str] = []
        self._cursor = 0
        self._flashed: int | None = None
        self._flash_timer: Timer | None = None
        # A drawn row for each look it has had: (row, answer, its style and spans, under the
        # cursor, focused, width).
        self._strips: dict[tuple[object, ...], Strip] = {}

    # --- content -----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many criteria the list holds."""
        return len(self._questions)

    @property
    def cursor_row(self) -> int:
        """The row under the cursor (0-based)."""
        return self._cursor

    def set_rows(self, codes: list[Text], answers: list[Text], questions: list[str]) -> None:
        """Replace every row (a new review's criteria); the cursor stays if it still fits."""
        self._codes, self._answers, self._questions = list(codes), list(answers), questions
        self._cursor = min(self._cursor, max(len(questions) - 1, 0))
        self._strips.clear()
        self.virtual_size = Size(self.size.width, len(questions) + 1)
        self.refresh()

    @property
    def flashed_row(self) -> int | None:
        """The row that stands out because it was just answered, if any."""
        return self._flashed

    def set_answer(self, row: int, answer: Text, *, move_to: int | None = None,
                   flash: bool = False) -> None:
        """Show a new answer in one row; repaints that row only. With ``move_to`` the cursor
        moves there in the same repaint (the usual answering key: one refresh, not two).
        ``flash``: the row stands out for a moment."""
        self._answers[row] = answer
        if flash:
            self._flash(row)
        if move_to is None:
            self._repaint(row)
        else:
            self.move_cursor(move_to, also=row)

    def _flash(self, row: int) -> None:
        if self._flashed is not None and self._flashed != row:
            self._repaint(self._flashed)
        self._flashed = row
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(FLASH_SECONDS, self._end_flash)

    def _end_flash(self) -> None:
        if self._flashed is not None:
            row, self._flashed = self._flashed, None
            self._repaint(row)

    def set_answers(self, answers: list[Text]) -> None:
        """Show a new answer in every row (another akt); one repaint of the rows on show."""
        self._flashed = None
        self._answers = list(answers)
        self._repaint(*range(len(self._answers)))

    def _repaint(self, *rows: int) -> None:
        """Show rows again: their lines only, not the scrollbar beside them."""
        top = round(self.scroll_offset.y)
        height = self.size.height
        width = self.scrollable_content_region.width
        lines = [Region(0, y, width, 1) for y in {row + 1 - top for row in rows}
                 if 1 <= y < height]
        if lines:
            self.refresh(*lines)

    def move_cursor(self, row: int, *, also: int | None = None) -> None:
        """Put the cursor on ``row``, scrolling it into view; repaints the two rows only (and
        the row ``also``, in the same refresh)."""
        if not self._questions:
            return
        row = min(max(row, 0), len(self._questions) - 1)
        old, self._cursor = self._cursor, row
        self._repaint(old, row, *(() if also is None else (also,)))
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        """A cursor that leaves the view brings it along to the middle, so that answering
        down the list scrolls (and repaints everything) every half screen, not every key."""
        visible = max(self.scrollable_content_region.height - 1, 1)
        top = round(self.scroll_offset.y)
        if not top <= self._cursor < top + visible:
            self.scroll_to(y=max(self._cursor - visible // 2, 0), animate=False, immediate=True)

    # --- keys and mouse ----------------------------------------------------------------------

    def _moved(self, row: int) -> None:
        if row != self._cursor:
            self.move_cursor(row)
            self.post_message(self.Highlighted(self._cursor))

    def action_cursor_up(self) -> None:
        """↑: the previous criterion."""
        self._moved(self._cursor - 1)

    def action_cursor_down(self) -> None:
        """↓: the next criterion."""
        self._moved(self._cursor + 1)

    def action_first(self) -> None:
        """Home: the first criterion."""
        self._moved(0)

    def action_last(self) -> None:
        """End: the last criterion."""
        self._moved(len(self._questions) - 1)

    def on_click(self, event: Click) -> None:
        """A click on a row puts the cursor there."""
        if event.y >= 1:
            self._moved(round(self.scroll_offset.y) + event.y - 1)

    def on_resize(self, _event: Resize) -> None:
        """Rows are drawn for a width: draw them again for the new one."""
        self._strips.clear()
        self.virtual_size = Size(self.size.width, len(self._questions) + 1)
        self._scroll_to_cursor()

    def notify_style_update(self) -> None:
        """A new theme or focus style: draw the rows again."""
        super().notify_style_update()
        self._strips.clear()

    # --- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header, or a row, drawn once and kept."""
        width = self.scrollable_content_region.width
        if y == 0:
            header = self._strips.get(("header", width))
            if header is None:
                header = self._line(Text.assemble(" Kod".ljust(CODE_WIDTH),
                                                  "Svar".ljust(ANSWER_WIDTH), "Fråga"),
                                    width, "criteria-list--header")
                self._strips["header", width] = header
            return header
        row = round(self.scroll_offset.y) + y - 1
        if row >= len(self._questions):
            return Strip.blank(width, self.rich_style)
        answer = self._answers[row]
        key = (row, answer.plain, str(answer.style), tuple(answer.spans), row == self._cursor,
               row == self._flashed, self.has_focus, width)
        kept = self._strips.get(key)
        if kept is not None:
            return kept
        text = Text(" ")
        text.append_text(self._codes[row])
        text.pad_right(CODE_WIDTH - text.cell_len)
        text.append_text(self._answers[row])
        text.pad_right(CODE_WIDTH + ANSWER_WIDTH - text.cell_len)
        text.append(shorten(self._questions[row], width - text.cell_len - 1))
        component = None
        if row == self._flashed:
            component = "criteria-list--flash"
        elif row == self._cursor:
            component = "criteria-list--cursor"
        strip = self._line(text, width, component)
        self._strips[key] = strip
        return strip

    def _line(self, text: Text, width: int, component: str | None) -> Strip:
        style = self.rich_style
        if component is not None:
            style += self.get_component_rich_style(component)
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [segment for segment in text.render(self.app.console) if segment.text != "\n"]
        return Strip(Segment.apply_style(segments, style), width)
