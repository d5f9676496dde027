"""The appendix's results table, drawn as one flowable per criterion.

ReportLab's ``Table`` lays out a stratified table of a few hundred cells slowly (it styles
every cell and recomputes the rest of the table at each page break), and the appendix was
most of a report's cost. Here each criterion, with its strata under it, is one ``ResultsGroup``:
it is never split from its strata (unless it is taller than a page), draws its figures as
right-aligned strings, and draws the column header above itself when it opens a page, so the
header is repeated on every page the table covers. The first group always carries the header,
so a header never stands alone at the foot of a page.

The groups tag themselves (``kvtui.report.tagging``): together they are one Table element,
each line a TR whose label is a TH for its row and whose figures are TD cells, the first
group's header a TR of TH cells for their columns; the header repeated on a later page, the
shading and the rules are artifacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether

from kvtui.report.fonts import BOLD, REGULAR
from kvtui.report.paragraph import Paragraph
from kvtui.report.styles import HEADER_FILL, RULE, SUBROW_TEXT, ZEBRA
from kvtui.report.tagging import SELF, Element, Tagger, tagger_of

HEADINGS = ("Kriterium", "n", "Ja", "Delvis", "Nej", "Ej\nakt.", "Andel Ja", "95 % KI")
SIZE, LEADING = 8.8, 11.4
SUB_SIZE, SUB_LEADING = 8.0, 10.2
PAD_LEFT, PAD_RIGHT = 4.0, 4.0


@dataclass(frozen=True)
class ResultLine:
    """One line of the table: the label (a paragraph that wraps, or a short text) and the
    seven figures. ``sub`` marks a stratum's line under its criterion."""

    label: Paragraph | str
    figures: tuple[str, ...]
    sub: bool = False


class ResultsGroup(Flowable):
    """A criterion's line and its strata's lines, kept together, with the header above when
    the group is the first of the table or the first on a page."""

    kv_role = SELF

    def __init__(self, lines: Sequence[ResultLine], widths: Sequence[float], *, shade: bool,
                 first: bool) -> None:
        super().__init__()
        self.lines = list(lines)
        self.widths = list(widths)
        self.shade = shade
        self.first = first
        self._heights: list[float] = []
        self._with_header = first

    # --- geometry ----------------------------------------------------------------------------

    @staticmethod
    def header_height() -> float:
        """Two lines of headings with padding."""
        return 2 * LEADING + 7

    def _line_heights(self) -> list[float]:
        heights = []
        label_width = self.widths[0] - PAD_LEFT - PAD_RIGHT
        for line in self.lines:
            leading, top, bottom = ((SUB_LEADING, 1.0, 1.5) if line.sub
                                    else (LEADING, 3.0, 4.0))
            text = leading
            if isinstance(line.label, Paragraph):
                _w, text = line.label.wrap(label_width - (8 if line.sub else 0), 10_000)
            heights.append(top + max(text, leading) + bottom)
        return heights

    def _at_top(self) -> bool:
        frame = getattr(self, "_frame", None)
        return bool(frame is not None and getattr(frame, "_atTop", False))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Height of the lines, plus the header when it is drawn.

        The lines' heights depend only on the group's own column widths, so they are measured
        once; the keep-together rules wrap a group several times, and bench/export.py's goal
        does not leave room for wrapping its labels again each time."""
        if not self._heights:
            self._heights = self._line_heights()
        self._with_header = self.first or self._at_top()
        self.width = sum(self.widths)
        self.height = sum(self._heights) + (self.header_height() if self._with_header else 0)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Move whole to the next page; only a group taller than a page is split (by line)."""
        doc = getattr(getattr(self, "canv", None), "_doctemplate", None)
        full = getattr(getattr(doc, "frame", None), "_aH", None)
        self.wrap(availWidth, availHeight)
        if full is None or self.height <= full or len(self.lines) < 2:
            return []
        room = availHeight - (self.header_height() if self._with_header else 0)
        used, count = 0.0, 0
        for height in self._heights:
            if used + height > room:
                break
            used += height
            count += 1
        if count == 0:
            return []
        return [ResultsGroup(self.lines[:count], self.widths, shade=self.shade,
                             first=self.first),
                ResultsGroup(self.lines[count:], self.widths, shade=self.shade, first=False)]

    # --- drawing -----------------------------------------------------------------------------

    def draw(self) -> None:
        """The header (if any), then the lines on their shade, a rule under the group.

        All text of the group goes into one PDF text object: a group has dozens of figures
        and a text object each would cost more than the figures themselves."""
        canvas = self.canv
        tags = tagger_of(canvas)
        table = tags.table(new=self.first)
        top = self.height
        text = canvas.beginText()
        if self._with_header:
            top = self._draw_header(top, text, tags, table if self.first else None)
        body = sum(self._heights)
        if self.shade:
            tags.artifact()
            canvas.setFillColor(ZEBRA)
            canvas.rect(0, top - body, self.width, body, stroke=0, fill=1)
            tags.end()
        for line, height in zip(self.lines, self._heights, strict=True):
            self._line_text(line, top, text, tags, table.add("TR"))
            top -= height
        canvas.drawText(text)
        tags.artifact()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(0, top, self.width, top)
        tags.end()

    def _draw_header(self, top: float, text: Any, tags: Tagger, table: Element | None
                     ) -> float:
        """The column headings: a row of TH cells in the table's first group, an artifact
        where repeated on a later page (``table`` None)."""
        canvas = self.canv
        code: list[str] = text._code
        height = self.header_height()
        tags.artifact()
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(0, top - height, self.width, height, stroke=0, fill=1)
        tags.end()
        row = table.add("TR") if table is not None else None
        if row is None:
            tags.artifact(code)
        text.setFont(BOLD, SIZE)
        text.setFillColor(colors.white)
        x = 0.0
        for index, (heading, width) in enumerate(zip(HEADINGS, self.widths, strict=True)):
            if row is not None:
                cell = row.add("TH")
                cell.attributes = {"O": "Table", "Scope": "Column"}
                tags.begin(cell, code)
            for number, part in enumerate(heading.split("\n")):
                y = top - 3 - SIZE - number * LEADING
                left = (x + PAD_LEFT if index == 0
                        else x + width - PAD_RIGHT - stringWidth(part, BOLD, SIZE))
                text.setTextOrigin(left, y)
                text.textOut(part)
            if row is not None:
                tags.end(code)
            x += width
        if row is None:
            tags.end(code)
        return top - height

    def _line_text(self, line: ResultLine, top: float, text: Any, tags: Tagger,
                   row: Element) -> None:
        """A line's label (a TH for the row) and figures (TD cells)."""
        code: list[str] = text._code
        size, pad = (SUB_SIZE, 1.0) if line.sub else (SIZE, 3.0)
        indent = 8.0 if line.sub else 0.0
        baseline = top - pad - size
        text.setFont(REGULAR, size)
        text.setFillColor(SUBROW_TEXT if line.sub else colors.black)
        label = row.add("TH")
        label.attributes = {"O": "Table", "Scope": "Row"}
        if isinstance(line.label, Paragraph):
            tags.begin(label)
            line.label.drawOn(self.canv, PAD_LEFT + indent, top - pad - line.label.height)
            tags.end()
        else:
            tags.begin(label, code)
            text.setTextOrigin(PAD_LEFT + indent, baseline)
            text.textOut(line.label)
            tags.end(code)
        x = self.widths[0]
        for figure, width in zip(line.figures, self.widths[1:], strict=True):
            x += width
            tags.begin(row.add("TD"), code)
            text.setTextOrigin(x - PAD_RIGHT - stringWidth(figure, REGULAR, size), baseline)
            text.textOut(figure)
            tags.end(code)


def groups(rows: Sequence[Sequence[ResultLine]], widths: Sequence[float]) -> list[Any]:
    """One flowable per criterion, shaded every other, the first with the header."""
    return [ResultsGroup(lines, widths, shade=index % 2 == 1, first=index == 0)
            for index, lines in enumerate(rows)]


class TableWithTail(KeepTogether):
    """A table and what must not stand without it, such as the legend under the summary.

    When the tail does not fit under the table's end, the table is cut one row early (or
    where the page ends) and its last rows go over the page with the tail, under the
    repeated header: the tail never opens a page on its own.
    """

    def __init__(self, table: Flowable, tail: Sequence[Flowable]) -> None:
        super().__init__([table, *tail])
        self.table = table
        self.tail = list(tail)

    def split(self, aW: float, aH: float) -> list[Flowable]:
        """Everything when it fits; else the table's part that fits, then the rest with the
        tail (again a ``TableWithTail``); nothing when not even a row fits here."""
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if aH >= getattr(self, "_H", aH + 1):
            return [self.table, *self.tail]
        _width, table_height = self.table.wrap(aW, aH)
        parts = self.table.split(aW, min(aH, table_height - 1))
        if len(parts) < 2:
            frame = getattr(self, "_frame", None)
            at_top = frame is not None and getattr(frame, "_atTop", False)
            return [self.table, *self.tail] if at_top else []
        return [parts[0], TableWithTail(parts[1], self.tail)]
