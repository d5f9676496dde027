"""A footer that wraps its keys onto more rows instead of cutting them off at the edge.

Textual's footer is one row that scrolls sideways: at 80 columns the keys of a busy part
(Rapport has eleven) ran past the edge, and the auditor never saw them. This one measures its
keys whenever Textual lays them out anew; when they do not fit beside the command palette's
key, it flows them over as many rows as they need, like words in a paragraph. Textual has no
flowing layout, so the rows are a grid one column wide per terminal column, each key spanning
its own width and the last key of a row the rest of that row.
"""

from __future__ import annotations

from itertools import pairwise

from rich.text import Text
from textual import events
from textual.widget import Widget
from textual.widgets import Footer


class KeyFooter(Footer):
    """``Footer`` that uses more rows, never a cut, when its keys are wider than the screen."""

    DEFAULT_CSS = """
    KeyFooter.-wrapped {
        layout: grid;
        grid-columns: 1;
        grid-rows: 1;
    }
    """

    async def recompose(self) -> None:
        """Textual's footer recomposes whenever the keys change: flow the new ones."""
        self._unwrap()
        await super().recompose()
        self._wrap_if_cut()

    def on_resize(self, event: events.Resize) -> None:
        self._unwrap()
        self._wrap_if_cut()

    @property
    def rows(self) -> int:
        """How many rows the keys take."""
        height = self.styles.height
        return int(height.value) if height is not None and self.has_class("-wrapped") else 1

    def _keys(self) -> list[Widget]:
        return [child for child in self.children if child.styles.dock == "none"]

    def _unwrap(self) -> None:
        self.remove_class("-wrapped")
        self.styles.clear_rule("height")
        for key in self._keys():
            key.styles.clear_rule("column_span")

    def _wrap_if_cut(self) -> None:
        """Flow the keys over more rows if one row would cut them at the edge."""
        keys = self._keys()
        room = self.size.width - sum(_width(child) for child in self.children
                                     if child.styles.dock != "none")
        widths = [_width(key) for key in keys]
        if not keys or room <= 0 or sum(widths) <= room:
            return
        rows, used = 1, 0
        for index, (key, width) in enumerate(zip(keys, widths, strict=True)):
            # A group's keys stay on the row of the label that follows them.
            needed = width + (widths[index + 1] if _labels_next(keys, index) else 0)
            if used and used + needed > room:
                last = keys[index - 1]
                last.styles.column_span = room - used + widths[index - 1]
                rows, used = rows + 1, 0
            key.styles.column_span = min(width, room)
            used += min(width, room)
        self.styles.grid_size_columns = room
        self.styles.height = rows
        self.add_class("-wrapped")


def _labels_next(keys: list[Widget], index: int) -> bool:
    return index + 1 < len(keys) and not keys[index + 1].children and bool(keys[index].children)


def _width(widget: Widget) -> int:
    """The columns a footer key, label or group of keys takes in a row, its own margins
    included; between the keys of a group the larger of two neighbouring margins, as
    Textual's horizontal layout collapses them."""
    children = list(widget.children)
    if children:
        margins = [child.styles.margin for child in children]
        inner = sum(_width(child) - child.styles.margin.width for child in children)
        inner += margins[0].left + margins[-1].right + sum(
            max(left.right, right.left) for left, right in pairwise(margins))
    else:
        rendered = widget.render()
        inner = rendered.cell_len if isinstance(rendered, Text) else len(str(rendered))
    return inner + widget.styles.padding.width + widget.styles.margin.width
