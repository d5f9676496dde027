"""The follow-up report's figure: how many risks stood at each level at each moment of the
plan (the risk analysis, then each round up to the one reported), one bar a moment, its
parts Röd, Gul and Grön side by side with the count written in each part.

Drawn straight onto the page, as the review's charts are (``kvtui.report.charts``): every
string in the embedded font, the colours the levels have everywhere in the report, and the
level named in the legend, so that the colour never says anything alone. Tagged as a Figure
whose alternative text gives every number.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from kvtui.domain.risk_matrix import level_label
from kvtui.report.fonts import BOLD, REGULAR
from kvtui.report.plan_outline import LevelStep, spoken_history
from kvtui.report.styles import LEVEL_COLOURS, MUTED, RULE

FONT_SIZE = 7.8
ROW = 19.0
BAR_HEIGHT = 12.0
LABEL_WIDTH = 78.0
LEGEND = 20.0
TOP = 4.0


class LevelHistoryChart(Flowable):
    """One horizontal bar per moment, split by level, on a common scale of risks."""

    kv_role = "Figure"

    def __init__(self, steps: Sequence[LevelStep], width: float) -> None:
        super().__init__()
        self.steps = list(steps)
        self.width = width
        self.height = TOP + len(self.steps) * ROW + LEGEND

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Fixed size."""
        return self.width, self.height

    def kv_alt(self) -> str:
        """What the figure shows, in words and numbers."""
        return "Diagram: Antal risker per nivå vid varje uppföljning. " + spoken_history(
            self.steps)

    def draw(self) -> None:
        """The bars, then the legend under them."""
        canvas = self.canv
        canvas.saveState()
        most = max((step.total for step in self.steps), default=0) or 1
        scale = (self.width - LABEL_WIDTH - 8) / most
        top = self.height - TOP
        for step in self.steps:
            y = top - ROW + (ROW - BAR_HEIGHT) / 2
            canvas.setFont(REGULAR, FONT_SIZE)
            canvas.setFillColor(colors.black)
            canvas.drawString(0, y + 3.5, step.label)
            x = LABEL_WIDTH
            for level, count in step.counts:
                if not count:
                    continue
                fill, text = LEVEL_COLOURS[level]
                canvas.setFillColor(fill)
                canvas.rect(x, y, count * scale, BAR_HEIGHT, stroke=0, fill=1)
                canvas.setFillColor(text)
                canvas.setFont(BOLD, FONT_SIZE)
                canvas.drawCentredString(x + count * scale / 2, y + 3.5, str(count))
                x += count * scale
            top -= ROW
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(LABEL_WIDTH, LEGEND - 4, LABEL_WIDTH, self.height - TOP)
        x = LABEL_WIDTH
        canvas.setFont(REGULAR, FONT_SIZE)
        for level, _count in (self.steps[0].counts if self.steps else ()):
            fill, _text = LEVEL_COLOURS[level]
            canvas.setFillColor(fill)
            canvas.rect(x, 3, 10, 7, stroke=0, fill=1)
            canvas.setFillColor(MUTED)
            name = level_label(level)
            canvas.drawString(x + 14, 4, name)
            x += 14 + stringWidth(name, REGULAR, FONT_SIZE) + 14
        canvas.setFillColor(MUTED)
        canvas.drawString(x + 6, 4, "Talet i stapeln är antalet risker.")
        canvas.restoreState()
