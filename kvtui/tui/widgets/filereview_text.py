"""A block of text that keeps what it has drawn, for the detail lines under the criteria.

The detail under the list changes with every answering key, and drawing it anew (wrapping
several lines of text) was a large part of a key's cost. But it mostly comes back to what it
was: the next criterion, unanswered, looks the same in every akt. So the lines drawn for a text
are kept, under a key that names everything the text depends on, and showing that key again
repaints without drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.visual import Visual, VisualType, visualize
from textual.widget import Widget
from textual.widgets import Static

KEPT = 256  # texts kept; more are dropped all at once (a long session's comments)


class KeptText(Widget):
    """Text shown by ``show(key, make)``; ``make`` is called only for a key not drawn before.

    Give it a fixed height in CSS: showing a text never asks for a new layout.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._key: Hashable = None
        self._make: Callable[[], VisualType] = str
        self._kept: dict[tuple[Hashable, int, int], list[Strip]] = {}

    @property
    def key(self) -> Hashable:
        """The key of the text on show."""
        return self._key

    def show(self, key: Hashable, make: Callable[[], VisualType]) -> None:
        """Show the text that ``make`` returns, known by ``key``; the same key again does
        nothing, a key shown before repaints from the kept lines."""
        if key == self._key:
            return
        self._key, self._make = key, make
        self.refresh()

    def notify_style_update(self) -> None:
        """A new theme or focus style: the kept lines have the old colours."""
        super().notify_style_update()
        self._kept.clear()

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the text on show, drawn once for this key and size."""
        width, height = self.size
        lines = self._kept.get((self._key, width, height))
        if lines is None:
            if len(self._kept) >= KEPT:
                self._kept.clear()
            visual = visualize(self, self._make(), markup=False)
            lines = Visual.to_strips(self, visual, width, height, self.visual_style)
            self._kept[self._key, width, height] = lines
        if y < len(lines):
            return lines[y]
        return Strip.blank(width, self.visual_style.rich_style)


class LineText(Static):
    """A line of text that changes often, drawn straight from its segments.

    A Static (its ``content`` is the text on show), but its lines are drawn with Rich rather
    than Textual's text layout, which for the progress line, new on every answering key, cost
    more than the rest of its update. A newline in the text begins a second line; a line too
    long ends in an ellipsis. Give it a height in CSS of as many lines as it shows.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._text = Text()
        self._strips: dict[int, Strip] = {}

    @property
    def content(self) -> Text:
        """The text on show."""
        return self._text

    @content.setter
    def content(self, content: VisualType) -> None:
        """Set as on any Static: shown as ``show`` shows it (plain text unless a Text)."""
        self.show(content if isinstance(content, Text) else Text(str(content)))

    def show(self, text: Text) -> None:
        """Show ``text`` (no new layout: the widget keeps its size)."""
        self._text = text
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """A new theme or focus style: draw the lines again."""
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        """Line ``y``, drawn once for each text and width."""
        width = self.size.width
        strip = self._strips.get(y)
        if strip is None or strip.cell_length != width:
            lines = self._text.split("\n", allow_blank=True)
            if y >= len(lines):
                return Strip.blank(width, self.rich_style)
            text = lines[y]
            text.truncate(width, overflow="ellipsis", pad=True)
            segments = [part for part in text.render(self.app.console) if part.text != "\n"]
            strip = Strip(Segment.apply_style(segments, self.rich_style), width)
            self._strips[y] = strip
        return strip
