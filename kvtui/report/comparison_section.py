"""The section "Jämfört med föregående granskning": this year's share Ja per criterion beside
the earlier review's, as a table, in plain Swedish and as a chart.

The section is the review's own (``kvtui.store.previous_review``): the auditor's text first,
if she wrote one, then the table (criterion, förra, nu, the difference with its 95 % interval),
what the interval means and each criterion's change in a sentence, the criteria that could not
be paired, and the chart: for each criterion a ring at last time's share and a filled dot at
this time's, joined by a line, so that the years differ by shape as well as by shade and the
chart reads in greyscale. The chart is a ReportLab graphics ``Drawing`` whose strings are set
in the embedded font, tagged as a Figure with every figure it draws in its alternative text.
"""

from __future__ import annotations

from typing import Any, Protocol

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from kvtui.domain.judgement import SectionView
from kvtui.domain.report_data import ReportData
from kvtui.domain.year_over_year import (
    COMPARISON_CAPTION,
    COMPARISON_COLUMNS,
    INTERVAL_EXPLAINED,
    NO_PREVIOUS_REVIEW,
    YearComparison,
    change_cell,
    change_lines,
    chart_description,
    comparison_intro,
    share_text,
    unmatched_lines,
)
from kvtui.report.flowables import heading_guard, markup
from kvtui.report.fonts import BOLD, REGULAR
from kvtui.report.paragraph import Paragraph
from kvtui.report.styles import BAR, HEADER_FILL, MUTED, PRIMARY, RULE, ZEBRA, Styles
from kvtui.report.tagging import TaggedTable as Table

CHART_CAPTION = "Andel Ja per kriterium, föregående granskning (ring) och denna (punkt)"
EARLIER_LEGEND = "Föregående granskning"
LATER_LEGEND = "Denna granskning"

FONT_SIZE = 7.6
ROW = 15.0
AXIS = 16.0
LEGEND = 16.0
LABEL_WIDTH = 34.0
VALUE_WIDTH = 78.0
DOT = 3.2


class SectionBuilder(Protocol):
    """What the section needs of the story's builder (``kvtui.report.story``)."""

    data: ReportData
    styles: Styles
    width: float
    draft: bool

    def heading(self, text: str, level: int, *, toc: bool = True) -> list[Flowable]: ...
    def section_text(self, section: SectionView, level: int) -> list[Flowable]: ...
    def missing(self, what: str = ...) -> list[Flowable]: ...


def comparison_part(builder: SectionBuilder, section: SectionView) -> list[Flowable]:
    """The section: heading, the auditor's text, table, explanation, chart."""
    s = builder.styles
    story = builder.heading(section.heading, 0)
    if section.text.strip():
        story += builder.section_text(section, 0)
    found = builder.data.comparison
    if found is None:
        return [*story, Paragraph(markup(NO_PREVIOUS_REVIEW), s.body_muted)]
    story.append(Paragraph(markup(comparison_intro(found)), s.body))
    if found.changes:
        story.append(heading_guard(120))
        story.append(Paragraph(COMPARISON_CAPTION, s.caption))
        story.append(comparison_table(found, s, builder.width))
    story.append(Paragraph(markup(INTERVAL_EXPLAINED), s.note))
    story += [Paragraph(markup(line), s.bullet, bulletText="•")
              for line in change_lines(found)]
    story += [Paragraph(markup(line), s.note) for line in unmatched_lines(found)]
    if found.changes:
        chart = ComparisonChart(found, builder.width)
        story.append(KeepTogether([Paragraph(CHART_CAPTION, s.caption), chart]))
        story.append(Spacer(1, 10))
    return story


def comparison_table(found: YearComparison, s: Styles, width: float) -> Table:
    """Kriterium, Förra, Nu, Skillnad (95 % intervall): one row per paired criterion."""
    numbers = [22 * mm, 22 * mm, 46 * mm]
    widths = [width - sum(numbers), *numbers]
    rows: list[list[Any]] = [list(COMPARISON_COLUMNS)]
    for change in found.changes:
        label = f"<b>{markup(change.label)}</b> {markup(change.question)}"
        rows.append([Paragraph(label, s.cell), share_text(change.earlier),
                     share_text(change.later), change_cell(change.comparison)])
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONTSIZE", (0, 0), (-1, -1), 8.4),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def chart_height(rows: int) -> float:
    """The chart's height for this many criteria."""
    return rows * ROW + AXIS + LEGEND + 4


class ComparisonChart(Flowable):
    """Both years' share Ja per criterion on one 0–100 % scale (module docstring), drawn as
    a graphics ``Drawing``."""

    kv_role = "Figure"

    def __init__(self, found: YearComparison, width: float) -> None:
        super().__init__()
        self.found = found
        self.width = width
        self.height = chart_height(len(found.changes))
        self.drawing = comparison_drawing(found, width, self.height)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Fixed size."""
        return self.width, self.height

    def kv_alt(self) -> str:
        """Every figure the chart draws, in words."""
        return chart_description(self.found)

    def draw(self) -> None:
        """The drawing, at the flowable's origin."""
        renderPDF.draw(self.drawing, self.canv, 0, 0)


def comparison_drawing(found: YearComparison, width: float, height: float) -> Drawing:
    """The chart's shapes: grid and scale, a ring and a dot per criterion, the legend."""
    drawing = Drawing(width, height)
    rows = found.changes
    plot_left = LABEL_WIDTH
    plot_width = width - LABEL_WIDTH - VALUE_WIDTH
    top = height - 2
    bottom = top - len(rows) * ROW

    def x_of(share: float) -> float:
        return plot_left + max(0.0, min(1.0, share)) * plot_width

    for step in range(0, 101, 20):
        x = x_of(step / 100)
        drawing.add(Line(x, bottom, x, top, strokeColor=RULE,
                         strokeWidth=0.7 if step == 0 else 0.35))
        drawing.add(String(x, bottom - 10, f"{step} %", fontName=REGULAR,
                           fontSize=FONT_SIZE - 0.4, fillColor=MUTED, textAnchor="middle"))
    for index, change in enumerate(rows):
        centre = top - index * ROW - ROW / 2
        text_y = centre - FONT_SIZE * 0.36
        drawing.add(String(plot_left - 6, text_y, change.code, fontName=BOLD,
                           fontSize=FONT_SIZE, textAnchor="end"))
        before = change.earlier.share if change.earlier is not None else None
        now = change.later.share if change.later is not None else None
        if before is not None and now is not None:
            drawing.add(Line(x_of(before), centre, x_of(now), centre, strokeColor=MUTED,
                             strokeWidth=1.2))
        if before is not None:
            drawing.add(Circle(x_of(before), centre, DOT, fillColor=colors.white,
                               strokeColor=PRIMARY, strokeWidth=1.1))
        if now is not None:
            drawing.add(Circle(x_of(now), centre, DOT, fillColor=BAR, strokeColor=PRIMARY,
                               strokeWidth=0.6))
        drawing.add(String(width, text_y,
                           f"{share_text(change.earlier)} → {share_text(change.later)}",
                           fontName=REGULAR, fontSize=FONT_SIZE, textAnchor="end"))
    left, y = plot_left, 2.0
    drawing.add(Circle(left + 4, y + 2.5, DOT, fillColor=colors.white, strokeColor=PRIMARY,
                       strokeWidth=1.1))
    drawing.add(String(left + 11, y, EARLIER_LEGEND, fontName=REGULAR, fontSize=FONT_SIZE))
    x = left + 11 + stringWidth(EARLIER_LEGEND, REGULAR, FONT_SIZE) + 16
    drawing.add(Circle(x + 4, y + 2.5, DOT, fillColor=BAR, strokeColor=PRIMARY,
                       strokeWidth=0.6))
    drawing.add(String(x + 11, y, LATER_LEGEND, fontName=REGULAR, fontSize=FONT_SIZE))
    return drawing
