"""No text of a chart reaches past its width (the frame's, so past the page's margins):
labels are measured and cut, and the scale's end stays inside the last panel."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kvtui.report.charts import Bar, ChartRow, ResultsChart, StrataChart
from kvtui.report.fonts import BOLD, REGULAR
from kvtui.report.styles import FRAME_WIDTH, LEFT_MARGIN, make_styles

BOTTOM = 100.0


def text_extents(drawing: Any) -> list[tuple[float, float, str]]:
    """Every string the flowable draws, with where it starts and ends on the page."""
    make_styles()  # registers the fonts
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    drawing.wrap(FRAME_WIDTH, 700)
    drawing.drawOn(canvas, LEFT_MARGIN, BOTTOM)
    canvas.save()
    found: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        text = text.strip()
        if not text or font is None:
            return
        name = BOLD if "Bold" in str(font.get("/BaseFont", "")) else REGULAR
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        found.append((x, x + stringWidth(text, name, size) * scale, text))

    PdfReader(buffer).pages[0].extract_text(visitor_text=visit)
    return found


def rows(count: int, label: str = "F") -> list[ChartRow]:
    return [ChartRow(f"{label}{n}", Bar(n / count, max(0, n / count - 0.2), 1.0))
            for n in range(1, count + 1)]


def outside(drawing: Any) -> list[tuple[float, float, str]]:
    return [(round(x0, 1), round(x1, 1), text) for x0, x1, text in text_extents(drawing)
            if x0 < LEFT_MARGIN - 0.5 or x1 > LEFT_MARGIN + FRAME_WIDTH + 0.5]


def test_strata_panels_keep_their_scale_inside() -> None:
    panels = [(name, rows(8)) for name in ("familjehem (30 akter)", "jourhem (8 akter)",
                                           "nätverkshem (6 akter)")]
    found = text_extents(StrataChart(panels, FRAME_WIDTH))
    assert any(text == "100 %" for _x0, _x1, text in found)
    assert outside(StrataChart(panels, FRAME_WIDTH)) == []


def test_long_labels_and_titles_are_cut_to_the_width() -> None:
    long = "Placeringsform som saknar uppgift i verksamhetssystemet " * 3
    panels = [(long, rows(5, "KRITERIUM-MED-LÅNG-KOD-")) for _ in range(2)]
    assert outside(StrataChart(panels, FRAME_WIDTH)) == []
    assert outside(ResultsChart(rows(12, "KRITERIUM-MED-LÅNG-KOD-"), FRAME_WIDTH)) == []
