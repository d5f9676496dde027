"""A grid of akter × criteria drawn line by line over rows read a page at a time.

The grid is as tall as the whole sample (3,000 akter scroll as one list), but it holds only the
pages it has drawn lately: a row it needs is read with its page (one query for ``page_size``
akter, through the ``fetch`` function it is given). Each line is drawn once as one piece of
text and kept, so moving the cursor repaints two lines and a page down draws one screenful.
The first column (the akt) stays in place while the criteria scroll sideways.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kvtui.store.matrix import MatrixRow
from kvtui.tui.format import DASH
from kvtui.tui.widgets.filereview_format import ANSWER_STYLES, LETTERS, answer_letter

KEPT_PAGES = 12
KEPT_LINES = 400
_LETTER_STYLES = {value: Style.parse(style) for value, style in ANSWER_STYLES.items()}
_DASH_STYLE = Style.parse("dim")


class MatrixGrid(ScrollView, can_focus=True, inherit_bindings=False):
    """Akter (rows) × criteria (columns 1…n; column 0 is the akt), with a cell cursor."""

    COMPONENT_CLASSES = {"matrix-grid--header", "matrix-grid--cursor", "matrix-grid--akt"}

    DEFAULT_CSS = """
    MatrixGrid {
        background: $surface;
        color: $foreground;
        overflow-x: auto;
        overflow-y: auto;
        & > .matrix-grid--header {
            text-style: bold;
            background: $panel;
        }
        & > .matrix-grid--akt {
            text-style: bold;
        }
        & > .matrix-grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .matrix-grid--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    """

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Upp", show=False),
        Binding("down", "move(1, 0)", "Ned", show=False),
        Binding("left", "move(0, -1)", "Vänster", show=False),
        Binding("right", "move(0, 1)", "Höger", show=False),
        Binding("pageup", "page(-1)", "Föregående sida", show=False, id="matrix.page_up"),
        Binding("pagedown", "page(1)", "Nästa sida", show=False, id="matrix.page_down"),
        Binding("home", "row_start", "Första kolumnen", show=False),
        Binding("end", "row_end", "Sista kolumnen", show=False),
        Binding("ctrl+home", "first", "Första akten", show=False),
        Binding("ctrl+end", "last", "Sista akten", show=False),
        Binding("enter", "select", "Gå till akten", id="matrix.open"),
    ]

    @dataclass
    class Selected(Message):
        """Enter on a cell: the akt of ``row`` and the criterion of ``column`` (0: none)."""

        row: int
        column: int

    @dataclass
    class Moved(Message):
        """The cursor is on a new cell."""

        row: int
        column: int

    def __init__(self, fetch: Callable[[int, int], list[MatrixRow]], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._fetch = fetch
        self._codes: list[str] = []
        self._rows = 0
        self._page_size = 50
        self._pages: dict[int, list[MatrixRow]] = {}
        self._lines: dict[int, tuple[tuple[int, int, int, bool], Strip]] = {}
        self._row = 0
        self._column = 0
        self._akt_width = 6
        self._column_widths: list[int] = []
        self._styles: dict[str, Style] = {}

    # --- content -----------------------------------------------------------------------------

    @property
    def cursor_row(self) -> int:
        """The akt under the cursor (0-based position in the sample)."""
        return self._row

    @property
    def cursor_column(self) -> int:
        """The column under the cursor: 0 the akt, 1… the criteria."""
        return self._column

    @property
    def row_count(self) -> int:
        """How many akter the grid has."""
        return self._rows

    def reset(self, codes: list[str], rows: int, page_size: int, row: int, column: int) -> None:
        """New content: the criteria codes, how many akter, and where the cursor starts."""
        self._codes = list(codes)
        self._column_widths = [len(code) + 1 for code in codes]
        self._rows = rows
        self._page_size = max(page_size, 1)
        self._pages.clear()
        self._lines.clear()
        self._akt_width = 6
        self._row = min(max(row, 0), max(rows - 1, 0))
        self._column = min(max(column, 0), len(codes))
        self._update_virtual_size()
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)

    def invalidate(self, rows: int) -> None:
        """Read every page again (answers changed), keeping the cursor."""
        self.reset(self._codes, rows, self._page_size, self._row, self._column)

    def row(self, index: int) -> MatrixRow | None:
        """The akt at ``index`` with its answers, reading its page if it is not held."""
        if not 0 <= index < self._rows:
            return None
        page_index = index // self._page_size
        page = self._pages.get(page_index)
        if page is None:
            page = self._fetch(page_index * self._page_size, self._page_size)
            self._pages[page_index] = page
            while len(self._pages) > KEPT_PAGES:
                self._pages.pop(next(iter(self._pages)))
            longest = max((len(reference) for reference, _, _ in page), default=0) + 2
            if longest > self._akt_width:
                self._akt_width = longest
                self._lines.clear()
                self._update_virtual_size()
                self.refresh()
        position = index - page_index * self._page_size
        return page[position] if position < len(page) else None

    def cell_text(self, index: int, column: int) -> str:
        """What a cell shows, as plain text: the akt's reference, or J, D, N, E or –."""
        found = self.row(index)
        if found is None:
            return ""
        reference, _, values = found
        return reference if column == 0 else answer_letter(values[column - 1]).plain

    # --- geometry ----------------------------------------------------------------------------

    def _widths(self) -> list[int]:
        return self._column_widths

    def _style(self, component: str) -> Style:
        """A component's style, looked up once per theme rather than once per line."""
        style = self._styles.get(component)
        if style is None:
            style = self._styles[component] = self.get_component_rich_style(component)
        return style

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._akt_width + sum(self._widths()), self._rows + 1)

    def _visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_offset.y)
        visible = self._visible_rows()
        y = None
        if self._row < top:
            y = self._row
        elif self._row >= top + visible:
            y = self._row - visible + 1
        x = None
        left = round(self.scroll_offset.x)
        room = max(self.scrollable_content_region.width - self._akt_width, 1)
        if self._column == 0:
            x = 0 if left else None
        else:
            widths = self._widths()
            start = sum(widths[: self._column - 1])
            end = start + widths[self._column - 1]
            if start < left:
                x = start
            elif end > left + room:
                x = end - room
        if x is not None or y is not None:
            self.scroll_to(x=x, y=y, animate=False, immediate=True)

    def _repaint(self, index: int) -> None:
        self._lines.pop(index, None)
        y = index + 1 - round(self.scroll_offset.y)
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.scrollable_content_region.width, 1))

    def move_to(self, row: int, column: int) -> None:
        """Put the cursor on a cell, scrolled into view."""
        if self._rows == 0:
            return
        row = min(max(row, 0), self._rows - 1)
        column = min(max(column, 0), len(self._codes))
        if (row, column) == (self._row, self._column):
            return
        old = self._row
        self._row, self._column = row, column
        self._repaint(old)
        self._repaint(row)
        self._scroll_to_cursor()
        self.post_message(self.Moved(row, column))

    # --- keys and mouse ----------------------------------------------------------------------

    def action_move(self, rows: int, columns: int) -> None:
        """Arrows: one cell."""
        self.move_to(self._row + rows, self._column + columns)

    def action_page(self, pages: int) -> None:
        """PgUp / PgDn: a screenful of akter."""
        self.move_to(self._row + pages * self._visible_rows(), self._column)

    def action_row_start(self) -> None:
        """Home: the akt column."""
        self.move_to(self._row, 0)

    def action_row_end(self) -> None:
        """End: the last criterion."""
        self.move_to(self._row, len(self._codes))

    def action_first(self) -> None:
        """Ctrl+Home: the first akt."""
        self.move_to(0, self._column)

    def action_last(self) -> None:
        """Ctrl+End: the last akt."""
        self.move_to(self._rows - 1, self._column)

    def action_select(self) -> None:
        """Enter: go to this akt and criterion."""
        if self._rows:
            self.post_message(self.Selected(self._row, self._column))

    def on_click(self, event: Click) -> None:
        """A click puts the cursor on the cell."""
        if event.y < 1:
            return
        row = round(self.scroll_offset.y) + event.y - 1
        column = 0
        if event.x >= self._akt_width:
            x = event.x - self._akt_width + round(self.scroll_offset.x)
            for index, width in enumerate(self._widths(), start=1):
                if x < width:
                    column = index
                    break
                x -= width
        self.move_to(row, column)

    def on_resize(self, _event: Resize) -> None:
        """Lines are drawn for a width: draw them again."""
        self._lines.clear()
        self._scroll_to_cursor()

    def watch_scroll_x(self, old: float, new: float) -> None:
        """Sideways scrolling changes every line."""
        self._lines.clear()
        super().watch_scroll_x(old, new)

    def notify_style_update(self) -> None:
        """A new theme or focus style: draw the lines again."""
        super().notify_style_update()
        self._lines.clear()
        self._styles = {}

    # --- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """The header or one akt's line, drawn once and kept."""
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        index = round(self.scroll_offset.y) + y - 1
        if index >= self._rows:
            return Strip.blank(width, self.rich_style)
        key = (width, round(self.scroll_offset.x),
               self._column if index == self._row else -1, self.has_focus)
        kept = self._lines.get(index)
        if kept is not None and kept[0] == key:
            return kept[1]
        strip = self._akt_line(index, width)
        if len(self._lines) > KEPT_LINES:
            self._lines.clear()
        self._lines[index] = (key, strip)
        return strip

    def _header(self, width: int) -> Strip:
        style = self._style("matrix-grid--header")
        cells = [Segment(f" {code}") for code in self._codes]
        return self._join([Segment(" Akt")], cells, width, style)

    def _akt_line(self, index: int, width: int) -> Strip:
        """One akt's line from segments directly: a line is one of the many drawn on each
        page down, and building segments costs a fraction of rendering rich Text."""
        found = self.row(index)
        if found is None:
            return Strip.blank(width, self.rich_style)
        reference, _, values = found
        on_row = index == self._row
        cursor = self._style("matrix-grid--cursor")
        akt_style = self._style("matrix-grid--akt")
        if on_row and self._column == 0:
            akt_style += cursor
        cells: list[Segment] = []
        for column, (value, cell_width) in enumerate(zip(values, self._widths(), strict=False),
                                                     start=1):
            letter = LETTERS.get(value, DASH)
            letter_style = _LETTER_STYLES.get(value, _DASH_STYLE)
            padding = " " * (cell_width - 2)
            if on_row and column == self._column:
                cells.append(Segment(f" {letter}{padding}", cursor + letter_style))
            else:
                cells += [Segment(" "), Segment(letter, letter_style), Segment(padding)]
        return self._join([Segment(f" {reference}", akt_style)], cells, width, Style())

    def _join(self, akt: list[Segment], cells: list[Segment], width: int, style: Style) -> Strip:
        """The fixed akt column, then the criteria scrolled sideways, cut to ``width``."""
        left = Strip(akt).adjust_cell_length(self._akt_width)
        room = max(width - self._akt_width, 0)
        start = round(self.scroll_offset.x)
        right = Strip(cells).crop(start, start + room).extend_cell_length(room)
        line = Strip.join([left, right]).adjust_cell_length(width)
        return Strip(Segment.apply_style(list(line), self.rich_style + style), width)
