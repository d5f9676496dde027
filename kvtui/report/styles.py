"""The report's look: page geometry, colours and paragraph styles, in one place.

A4 with generous margins, DejaVu Sans throughout, dark blue headings, and the three quality
levels in colours that keep their names readable on them (white on green and red, black on
yellow): the colour is never the only carrier, every level cell also says Grön, Gul or Röd.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from kvtui.domain.report_outline import LEVEL_HEX
from kvtui.report.fonts import BOLD, ITALIC, REGULAR, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT_MARGIN = 25 * mm
RIGHT_MARGIN = 20 * mm
TOP_MARGIN = 24 * mm
BOTTOM_MARGIN = 22 * mm
FRAME_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN

PRIMARY = colors.HexColor("#1F3A5F")
MUTED = colors.HexColor("#5A6472")
RULE = colors.HexColor("#B8C2CE")
ZEBRA = colors.HexColor("#F1F4F8")
HEADER_FILL = colors.HexColor("#1F3A5F")
SUBROW_TEXT = colors.HexColor("#4A5260")
BAR = colors.HexColor("#4A6FA5")
DRAFT_MARK = colors.HexColor("#C62828")

# Fill and text colour of each quality level (the Word copy shades its cells the same).
LEVEL_COLOURS: dict[str, tuple[colors.Color, colors.Color]] = {
    rating: (colors.HexColor(f"#{fill}"), colors.HexColor(f"#{text}"))
    for rating, (fill, text) in LEVEL_HEX.items()
}


@dataclass(frozen=True)
class Styles:
    """Every paragraph style the report uses."""

    body: ParagraphStyle
    body_muted: ParagraphStyle
    bullet: ParagraphStyle
    statement: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    caption: ParagraphStyle
    note: ParagraphStyle
    footnote: ParagraphStyle
    cell: ParagraphStyle
    cell_sub: ParagraphStyle
    toc_title: ParagraphStyle
    toc1: ParagraphStyle
    toc2: ParagraphStyle
    cover_org: ParagraphStyle
    cover_committee: ParagraphStyle
    cover_kicker: ParagraphStyle
    cover_title: ParagraphStyle
    cover_unit: ParagraphStyle
    cover_label: ParagraphStyle
    cover_value: ParagraphStyle
    cover_notice: ParagraphStyle
    fact_label: ParagraphStyle
    fact_value: ParagraphStyle
    digest: ParagraphStyle
    small: ParagraphStyle


def make_styles() -> Styles:
    """The styles, with the fonts registered first."""
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=14.5, spaceAfter=7,
                          alignment=TA_LEFT, allowWidows=0, allowOrphans=0,
                          bulletFontName=REGULAR)
    # Table cells are narrow and Swedish compounds long ("familjehemsplaceringsutredningarna"):
    # cells hyphenate in Swedish (pyphen), also at a word's own hyphens and inside a long
    # address, rather than letting a word run out of its column.
    cell = ParagraphStyle("cell", parent=body, fontSize=8.8, leading=11.4, spaceAfter=0,
                          hyphenationLang="sv_SE", embeddedHyphenation=1, uriWasteReduce=0.3)
    return Styles(
        body=body,
        body_muted=ParagraphStyle("body_muted", parent=body, fontName=ITALIC, textColor=MUTED),
        bullet=ParagraphStyle("bullet", parent=body, leftIndent=14, bulletIndent=3,
                              spaceAfter=4),
        statement=ParagraphStyle("statement", parent=body, leftIndent=18 * mm + 9, spaceAfter=7),
        h1=ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=16, leading=20,
                          textColor=PRIMARY, spaceBefore=4, spaceAfter=10, keepWithNext=0),
        h2=ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=12.2, leading=15.5,
                          textColor=PRIMARY, spaceBefore=12, spaceAfter=5),
        h3=ParagraphStyle("h3", parent=body, fontName=BOLD, fontSize=10.5, leading=14,
                          textColor=PRIMARY, spaceBefore=9, spaceAfter=4),
        caption=ParagraphStyle("caption", parent=body, fontName=BOLD, fontSize=9,
                               leading=12, textColor=PRIMARY, spaceBefore=10, spaceAfter=4),
        note=ParagraphStyle("note", parent=body, fontSize=8.2, leading=11, textColor=MUTED,
                            spaceBefore=4, spaceAfter=6),
        footnote=ParagraphStyle("footnote", parent=body, fontSize=7.8, leading=9.6,
                                spaceAfter=1.5, leftIndent=11, firstLineIndent=-11),
        cell=cell,
        cell_sub=ParagraphStyle("cell_sub", parent=cell, fontSize=8, leading=10.2,
                                textColor=SUBROW_TEXT),
        toc_title=ParagraphStyle("toc_title", parent=body, fontName=BOLD, fontSize=16,
                                 leading=20, textColor=PRIMARY, spaceAfter=14),
        toc1=ParagraphStyle("toc1", parent=body, fontName=BOLD, fontSize=10.5, leading=14,
                            spaceBefore=7, spaceAfter=0),
        toc2=ParagraphStyle("toc2", parent=body, fontSize=10, leading=13.5, leftIndent=18,
                            spaceBefore=1.5, spaceAfter=0),
        cover_org=ParagraphStyle("cover_org", parent=body, fontName=BOLD, fontSize=15,
                                 leading=19, textColor=PRIMARY, spaceAfter=2),
        cover_committee=ParagraphStyle("cover_committee", parent=body, fontSize=10.5,
                                       leading=14, textColor=MUTED),
        cover_kicker=ParagraphStyle("cover_kicker", parent=body, fontName=BOLD, fontSize=10,
                                    leading=13, textColor=MUTED, spaceAfter=6),
        cover_title=ParagraphStyle("cover_title", parent=body, fontName=BOLD, fontSize=25,
                                   leading=31, textColor=PRIMARY, spaceAfter=10),
        cover_unit=ParagraphStyle("cover_unit", parent=body, fontSize=14, leading=19,
                                  textColor=colors.black, spaceAfter=4),
        cover_label=ParagraphStyle("cover_label", parent=cell, fontName=BOLD, fontSize=9.5,
                                   leading=13, textColor=MUTED),
        cover_value=ParagraphStyle("cover_value", parent=cell, fontSize=9.5, leading=13),
        cover_notice=ParagraphStyle("cover_notice", parent=body, fontName=BOLD, fontSize=10.5,
                                    leading=14, textColor=DRAFT_MARK),
        # The two-column tables of the end matter (sign-off, fact-check comments).
        fact_label=ParagraphStyle("fact_label", parent=cell, fontName=BOLD, fontSize=9,
                                  leading=12.5, textColor=MUTED),
        fact_value=ParagraphStyle("fact_value", parent=cell, fontSize=9.5, leading=13),
        # A hash in groups of four, two lines of eight groups (the font has no monospace cut,
        # but its digits are of one width and the groups line up closely enough).
        digest=ParagraphStyle("digest", parent=cell, fontSize=8.8, leading=12.5,
                              textColor=PRIMARY, hyphenationLang="", embeddedHyphenation=0),
        small=ParagraphStyle("small", parent=body, fontSize=8.6, leading=12, textColor=MUTED,
                             spaceAfter=5),
    )
