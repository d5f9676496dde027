"""The municipality's logo at the top of the cover, fitted to its box with its proportions.

The image comes as bytes in ``ReportData.look`` (``kvtui.look`` reads and checks the file), so
the report reads no file of its own. A PNG or JPEG is drawn as an image, an SVG as vector
graphics (svglib). Whatever its pixels, the logo is scaled to fill ``LOGO_BOX`` as far as its
proportions allow: resolution metadata in logos is too often wrong to be trusted for size.

Each logo flowable carries ``alt_text``, its text alternative ("Logotyp: Exempelkommun"),
for whoever marks the PDF's structure. Text in an SVG is set in the report's embedded font.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image
from svglib.svglib import svg2rlg

from kvtui.domain.look import LOGO_BOX_MM, SVG, CoverLook
from kvtui.report.fonts import BOLD, REGULAR

#: The largest the logo is drawn: (width, height) in points.
LOGO_BOX = (LOGO_BOX_MM[0] * mm, LOGO_BOX_MM[1] * mm)


def fitted(width: float, height: float, box: tuple[float, float] = LOGO_BOX
           ) -> tuple[float, float]:
    """``width`` × ``height`` scaled to fill ``box`` with the proportions kept."""
    scale = min(box[0] / width, box[1] / height)
    return width * scale, height * scale


class LogoImage(Image):
    """A PNG or JPEG logo, with its text alternative."""

    kv_role = "Figure"  # tagged with its text alternative (``kvtui.report.tagging``)

    def kv_alt(self) -> str:
        """The logo's text alternative."""
        return self.alt_text

    def __init__(self, data: bytes, width: float, height: float, alt_text: str) -> None:
        super().__init__(io.BytesIO(data), width=width, height=height)
        self.alt_text = alt_text
        self.hAlign = "LEFT"


class LogoDrawing(Flowable):
    """An SVG logo as vector graphics, scaled, with its text alternative."""

    kv_role = "Figure"  # tagged with its text alternative (``kvtui.report.tagging``)

    def kv_alt(self) -> str:
        """The logo's text alternative."""
        return self.alt_text

    def __init__(self, drawing: Drawing, scale: float, alt_text: str) -> None:
        super().__init__()
        self.drawing = drawing
        self.scale = scale
        self.alt_text = alt_text
        self.hAlign = "LEFT"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return float(self.drawing.width) * self.scale, float(self.drawing.height) * self.scale

    def draw(self) -> None:
        canvas: Any = self.canv
        canvas.saveState()
        canvas.scale(self.scale, self.scale)
        renderPDF.draw(self.drawing, canvas, 0, 0)
        canvas.restoreState()


def _embedded_fonts(group: Group) -> None:
    """Text in an SVG names fonts the PDF would not embed (svglib falls back to Helvetica);
    DejaVu Sans, which the report embeds, stands in for all of them."""
    for shape in group.contents:
        if isinstance(shape, Group):
            _embedded_fonts(shape)
        elif isinstance(shape, String):
            shape.fontName = BOLD if "bold" in str(shape.fontName).lower() else REGULAR


def logo_flowable(look: CoverLook | None) -> Flowable | None:
    """The cover's logo, or None when the look has none."""
    if look is None or look.logo is None:
        return None
    if look.logo_kind == SVG:
        drawing = svg2rlg(io.BytesIO(look.logo))
        if drawing is None:
            return None
        _embedded_fonts(drawing)
        width, _height = fitted(float(drawing.width), float(drawing.height))
        return LogoDrawing(drawing, width / float(drawing.width), look.logo_alt)
    width, height = fitted(*ImageReader(io.BytesIO(look.logo)).getSize())
    return LogoImage(look.logo, width, height, look.logo_alt)
