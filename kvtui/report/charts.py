"""The appendix charts: the share Ja per criterion as a horizontal bar with its 95 % interval.

Drawn straight onto the page by a flowable rather than with ReportLab's chart widgets: every
bar and interval mark sits exactly where the reader expects (the bar-chart widget's bars
vanish without ``valueMin = 0`` and it has no interval marks), every string is set in the
embedded DejaVu Sans (the graphics module would otherwise fall back to unembedded Helvetica),
and a page of bars costs a fraction of what a graphics ``Drawing`` of the same shapes costs.
The scale always runs from 0 to 100 %.

``ResultsChart`` is one panel with the share written beside each bar. ``StrataChart`` puts
one small panel per stratum side by side (three to a row), the same criteria in the same
order in each, so strata are compared by position rather than by colour. A long list of
criteria is cut into charts of equal size that each fit a page (``chunks``).

Each chart is tagged as a Figure whose alternative text (``kv_alt``) says in Swedish what the
chart shows, number by number, for a reader who cannot see it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from kvtui.domain.statistics import format_interval, format_share
from kvtui.report.fonts import BOLD, REGULAR
from kvtui.report.styles import BAR, MUTED, PRIMARY, RULE

FONT_SIZE = 7.6
ROW = 16.0
AXIS = 18.0
LEGEND = 18.0
PANEL_TITLE = 16.0
TOP = 4.0
PANEL_GAP = 14.0
PANELS_PER_LINE = 3
BAR_HEIGHT = 8.5
LEGEND_TEXT = "Andel Ja bland de akter där kriteriet är aktuellt"


@dataclass(frozen=True)
class Bar:
    """One bar: the share Ja and its interval (None when nothing was applicable)."""

    share: float | None
    low: float | None
    high: float | None
    ja: int | None = None  # Ja and the akter where the criterion applies, for the
    applicable: int | None = None  # alternative text
    weighted: bool = False  # the share is weighted by stratum, not Ja / applicable
    not_reviewed: bool = False  # no akt answered (a stratum not reviewed yet)


@dataclass(frozen=True)
class ChartRow:
    """A criterion's bar in a panel."""

    label: str
    bar: Bar


def _spoken(rows: Sequence[ChartRow]) -> str:
    """The rows as the alternative text reads them:
    "F1: 84,6 % (11 av 13 aktuella akter, 95 % KI 59,1–95,5 %)", and for a weighted share
    "F1: 78,4 % (vägd andel, 95 % KI …)": the same figures as the table beside it."""
    parts = []
    for row in rows:
        bar = row.bar
        if bar.not_reviewed:
            parts.append(f"{row.label}: inte granskat ännu")
            continue
        if bar.share is None:
            parts.append(f"{row.label}: inga aktuella akter")
            continue
        details = ([f"{bar.ja} av {bar.applicable} aktuella akter"]
                   if bar.ja is not None and bar.applicable is not None else [])
        if bar.weighted:
            details = ["vägd andel"]
        if bar.low is not None and bar.high is not None:
            details.append(f"95 % KI {format_interval(bar.low, bar.high)}")
        extra = f" ({', '.join(details)})" if details else ""
        parts.append(f"{row.label}: {format_share(bar.share)}{extra}")
    return "; ".join(parts) + "."


def chunks(count: int, per: int) -> list[range]:
    """``count`` rows cut into as few equal-sized runs of at most ``per`` as possible."""
    if count <= 0:
        return []
    parts = -(-count // max(1, per))
    size = -(-count // parts)
    return [range(start, min(count, start + size)) for start in range(0, count, size)]


def panel_height(rows: int) -> float:
    """The height of one titled panel of ``rows`` criteria."""
    return TOP + PANEL_TITLE + rows * ROW + AXIS


def results_height(rows: int) -> float:
    """The height of a ``ResultsChart`` for this many criteria."""
    return panel_height(rows) + LEGEND


def strata_height(rows: int, strata: int) -> float:
    """The height of a ``StrataChart`` for this many criteria and strata."""
    lines = -(-max(1, strata) // PANELS_PER_LINE)
    return lines * panel_height(rows) + (lines - 1) * 8.0 + LEGEND


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _panel(canvas: Any, left: float, top: float, width: float, rows: Sequence[ChartRow],
           *, title: str, values: bool) -> None:
    """One panel: title, a row per criterion (label, bar, interval), grid and axis.

    Shapes are drawn as they come; all text goes into one PDF text object, drawn last."""
    label_width = 34.0 if values else 26.0
    value_width = 40.0 if values else 6.0
    plot_left = left + label_width
    plot_width = width - label_width - value_width
    text = canvas.beginText()

    def put(x: float, y: float, string: str, font: str, size: float, colour: Any,
            anchor: str = "start") -> None:
        if anchor != "start":
            shift = stringWidth(string, font, size)
            x -= shift if anchor == "end" else shift / 2
        text.setFont(font, size)
        text.setFillColor(colour)
        text.setTextOrigin(x, y)
        text.textOut(string)

    y = top - TOP
    if title.strip():
        put(left, y - 10, _fit(title, BOLD, FONT_SIZE + 0.4, width), BOLD, FONT_SIZE + 0.4,
            PRIMARY)
    if values:
        put(left + width, y - 10, "Andel Ja", BOLD, FONT_SIZE, MUTED, "end")
    plot_top = y - PANEL_TITLE
    plot_bottom = plot_top - len(rows) * ROW

    def x_of(share: float) -> float:
        return plot_left + max(0.0, min(1.0, share)) * plot_width

    canvas.setStrokeColor(RULE)
    for step in range(0, 101, 20 if values or plot_width > 140 else 50):
        x = x_of(step / 100)
        canvas.setLineWidth(0.7 if step == 0 else 0.35)
        canvas.line(x, plot_bottom, x, plot_top)
        label = f"{step} %"
        # Centred under its line, but inside the panel: "100 %" at a narrow panel's right
        # edge would reach past it, and past the page's margin in the last panel.
        half = stringWidth(label, REGULAR, FONT_SIZE - 0.4) / 2
        put(min(max(x, left + half), left + width - half), plot_bottom - 10, label, REGULAR,
            FONT_SIZE - 0.4, MUTED, "middle")
    canvas.setFillColor(BAR)
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.9)
    for index, row in enumerate(rows):
        centre = plot_top - index * ROW - ROW / 2
        text_y = centre - FONT_SIZE * 0.36
        put(plot_left - 5, text_y, _fit(row.label, BOLD, FONT_SIZE, label_width - 7), BOLD,
            FONT_SIZE, colors.black, "end")
        bar = row.bar
        if bar.share is not None:
            canvas.rect(plot_left, centre - BAR_HEIGHT / 2,
                        max(0.0, x_of(bar.share) - plot_left), BAR_HEIGHT, stroke=0, fill=1)
        else:
            put(plot_left + 3, text_y, "–", REGULAR, FONT_SIZE, MUTED)
        if bar.low is not None and bar.high is not None:
            x0, x1 = x_of(bar.low), x_of(bar.high)
            cap = BAR_HEIGHT / 2 + 1.5
            path = canvas.beginPath()  # the low cap, the line across, the high cap
            path.moveTo(x0, centre - cap)
            path.lineTo(x0, centre + cap)
            path.moveTo(x0, centre)
            path.lineTo(x1, centre)
            path.moveTo(x1, centre - cap)
            path.lineTo(x1, centre + cap)
            canvas.drawPath(path, stroke=1, fill=0)
        if values:
            put(left + width, text_y, format_share(bar.share), REGULAR, FONT_SIZE,
                colors.black, "end")
    canvas.drawText(text)


def _legend(canvas: Any, left: float) -> None:
    """What the bar and the interval mark mean."""
    y = 4.0
    canvas.setFillColor(BAR)
    canvas.rect(left, y - 1, 12, 7, stroke=0, fill=1)
    canvas.setFont(REGULAR, FONT_SIZE)
    canvas.setFillColor(colors.black)
    canvas.drawString(left + 16, y, LEGEND_TEXT)
    x = left + 16 + stringWidth(LEGEND_TEXT, REGULAR, FONT_SIZE) + 16
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.9)
    canvas.line(x, y + 2.5, x + 16, y + 2.5)
    canvas.line(x, y - 1, x, y + 6)
    canvas.line(x + 16, y - 1, x + 16, y + 6)
    canvas.drawString(x + 21, y, "95 % konfidensintervall")


class ResultsChart(Flowable):
    """One panel for all akter: bars, interval marks, the share written beside each bar."""

    kv_role = "Figure"

    def __init__(self, rows: Sequence[ChartRow], width: float) -> None:
        super().__init__()
        self.rows = list(rows)
        self.width = width
        self.height = results_height(len(self.rows))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Fixed size."""
        return self.width, self.height

    def kv_alt(self) -> str:
        """What the chart shows, in words and numbers."""
        return ("Diagram: Andel Ja per kriterium med 95 % konfidensintervall, samtliga akter. "
                + _spoken(self.rows))

    def draw(self) -> None:
        """The panel and its legend."""
        self.canv.saveState()
        _panel(self.canv, 0, self.height, self.width, self.rows, title=" ", values=True)
        _legend(self.canv, 34.0)
        self.canv.restoreState()


class StrataChart(Flowable):
    """One small panel per stratum, three to a row, the same criteria in each."""

    kv_role = "Figure"

    def __init__(self, panels: Sequence[tuple[str, Sequence[ChartRow]]], width: float) -> None:
        super().__init__()
        self.panels = [(name, list(rows)) for name, rows in panels]
        self.width = width
        self.rows = max((len(rows) for _name, rows in self.panels), default=0)
        self.height = strata_height(self.rows, len(self.panels))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Fixed size."""
        return self.width, self.height

    def kv_alt(self) -> str:
        """What the panels show, stratum by stratum, in words and numbers."""
        return ("Diagram: Andel Ja per kriterium och stratum med 95 % konfidensintervall. "
                + " ".join(f"{name}: {_spoken(rows)}" for name, rows in self.panels))

    def draw(self) -> None:
        """The panels and the legend."""
        canvas = self.canv
        canvas.saveState()
        per_line = min(PANELS_PER_LINE, max(1, len(self.panels)))
        panel_width = (self.width - (per_line - 1) * PANEL_GAP) / per_line
        one = panel_height(self.rows)
        for index, (name, rows) in enumerate(self.panels):
            line, column = divmod(index, per_line)
            left = column * (panel_width + PANEL_GAP)
            top = self.height - line * (one + 8.0)
            _panel(canvas, left, top, panel_width, rows, title=name, values=False)
        _legend(canvas, 26.0)
        canvas.restoreState()
