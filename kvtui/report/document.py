"""The report's document: A4 pages, header and footer, footnotes, draft mark, one layout pass.

How the pieces fit:

- ``ReportCanvas`` writes what only the end of the layout knows, the page total of
  "Sida X (Y)" and the contents' page numbers, as PDF form objects that each page uses where
  the text belongs and that ``save()`` defines once every page is laid out (a PDF may use a
  form before it defines it). Headings bookmark themselves as they are drawn (``Heading``).
  Doing the contents this way saves ReportLab's second layout pass (``TableOfContents`` with
  ``multiBuild``), so a report costs about what a plain document of the same size costs, and
  text extraction reads "Sida 3 (13)" and each contents line in order.
- ``ReportDocTemplate`` has two page templates, the cover (no header or footer) and the body
  (header with the report's title; footer with municipality, diary number and page number),
  draws each page's footnotes under its text, and, for a draft, the diagonal mark
  "UTKAST – för faktagranskning" with the date on every page. A final has no mark.
- The PDF carries title, author (the auditors), subject, keywords and language sv-SE, and
  opens with its bookmarks shown.
- The PDF is tagged (PDF/UA-1): the frames (``TaggedFrame``) hand every flowable to the
  canvas's ``Tagger`` (``kvtui.report.tagging``), the page furniture, page numbers and draft
  mark are artifacts, each footnote is a Note under the statement that cites it, and
  ``kvtui.report.pdf_ua`` writes the structure tree into the saved bytes. The draft mark is
  drawn as glyph outlines, not text: it is on every page and no reader, screen reader or
  copy and paste should take it for the page's text.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFName
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from kvtui.domain.report_data import ReportData
from kvtui.report.flowables import TocItem, markup
from kvtui.report.fonts import BOLD, FONT_DIR, REGULAR
from kvtui.report.paragraph import Paragraph
from kvtui.report.pdf_ua import tag_pdf
from kvtui.report.story import build_story
from kvtui.report.styles import (
    BOTTOM_MARGIN,
    DRAFT_MARK,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    LEFT_MARGIN,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PRIMARY,
    RIGHT_MARGIN,
    RULE,
    TOP_MARGIN,
    Styles,
    make_styles,
)
from kvtui.report.tagging import Tagger, tagger_of

Progress = Callable[[float, str], None]

DRAFT_TEXT = "UTKAST – för faktagranskning"
FOOTNOTE_RULE_GAP = 9.0


@dataclass(frozen=True)
class PageFurniture:
    """What the header, footer and draft mark say."""

    header_left: str
    header_right: str
    footer_left: str
    draft_date: str | None  # ISO date when this is a draft, None for a final
    draft_text: str = DRAFT_TEXT  # the mark's words over the date


class ReportCanvas(Canvas):
    """A canvas that leaves blanks for what only the end of the layout knows.

    The page total ("Sida X (Y)") and the contents' page numbers are PDF form objects used
    where they belong and defined in ``save``, once every page is laid out (a PDF may use a
    form before defining it). The text therefore reads in order, and the document is laid
    out once. Flowables report through ``kv_anchor`` (a heading's place: bookmark and
    outline entry) and ``kv_toc_slot`` (where a contents line wants its page number).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kv_anchor_pages: dict[str, int] = {}
        self.kv_slots: list[tuple[str, TocItem, float, float, float, str, float]] = []
        self.kv_footers: list[tuple[str, int]] = []
        self.kv_tags = Tagger(self)
        self.kv_draft: tuple[str, str] | None = None  # the mark's words and date, once drawn

    def kv_anchor(self, item: TocItem, top: float) -> None:
        """A heading is drawn on this page, its top at ``top``: bookmark it."""
        if item.key in self.kv_anchor_pages:
            return
        self.kv_anchor_pages[item.key] = self.getPageNumber()
        self.bookmarkHorizontalAbsolute(item.key, top + 6)
        self.addOutlineEntry(item.text, item.key, level=min(item.level, 1),
                             closed=item.level > 0)

    def kv_toc_slot(self, item: TocItem, x0: float, x1: float, y: float, font: str,
                    size: float) -> None:
        """A contents line on this page wants dots from x0 and its page number at x1."""
        name = f"kvtoc{len(self.kv_slots)}"
        self.kv_slots.append((name, item, x0, x1, y, font, size))
        self._place_form(name)

    def kv_page_number(self) -> None:
        """The footer's "Sida X (Y)" on this page."""
        name = f"kvpage{self.getPageNumber()}"
        self.kv_footers.append((name, self.getPageNumber()))
        self._place_form(name)

    def kv_draft_mark(self, text: str, day: str) -> None:
        """The draft mark on this page (one form, defined in ``save``), translucent."""
        self.kv_draft = (text, day)
        self.saveState()
        self.setFillAlpha(0.13)  # here: ReportLab gives a form no graphics states of its own
        self._place_form("kvdraft")
        self.restoreState()

    def showPage(self) -> None:
        """End the page, its dictionary giving its key in the structure's parent tree (its
        index) and ordering its tab stops by the structure (PDF/UA-1).

        Written by ReportLab here rather than added to the saved file with the rest of the
        structure (``kvtui.report.pdf_ua``): rewriting every page there cost bench/export.py's
        goal."""
        index = self.getPageNumber() - 1
        super().showPage()
        page = self._doc.Pages.pages[-1]  # type: ignore[attr-defined]  # untyped in the stubs
        page.__Defaults__ = {**page.__Defaults__, "StructParents": index, "Tabs": PDFName("S")}

    def linkRect(self, contents: Any, destinationname: Any, Rect: Any = None,
                 addtopage: bool | Literal[0, 1] = 1, name: Any = None,
                 relative: bool | Literal[0, 1] = 1, thickness: int = 0,
                 color: Any = None, dashArray: Any = None, **kw: Any) -> None:
        """A link to a place in the report: recorded for the structure tree, then made."""
        self.kv_tags.annotation(str(destinationname), str(contents or ""))
        super().linkRect(contents, destinationname, Rect, addtopage, name, relative,
                         thickness, color, dashArray, **kw)

    def linkURL(self, url: str, rect: Any, *args: Any, **kwargs: Any) -> None:
        """A link to a web address: recorded for the structure tree, then made."""
        self.kv_tags.annotation(url, url)
        super().linkURL(url, rect, *args, **kwargs)

    def drawText(self, aTextObject: Any) -> None:
        """Draw a text object, and tell the tagger (a bullet's label ends with its own)."""
        super().drawText(aTextObject)
        self.kv_tags.text_drawn()

    def _place_form(self, name: str) -> None:
        """Use form ``name`` in page coordinates, whatever the current transformation."""
        x, y = self.absolutePosition(0, 0)
        self.saveState()
        self.translate(-x, -y)
        self.doForm(name)
        self.restoreState()

    @property
    def kv_total(self) -> int:
        """The number of pages written so far."""
        return self.getPageNumber() - 1

    def save(self) -> None:
        """Define the forms (page numbers, contents numbers), then write the PDF."""
        total = self.kv_total
        for name, page in self.kv_footers:
            self.beginForm(name)
            self.kv_tags.artifact(kind="Footer")
            self.setFont(REGULAR, 8)
            self.setFillColor(PRIMARY)
            self.drawRightString(PAGE_WIDTH - RIGHT_MARGIN, BOTTOM_MARGIN - 28,
                                 f"Sida {page} ({total})")
            self.kv_tags.end()
            self.endForm()
        if self.kv_draft is not None:
            self.beginForm("kvdraft")
            self._draw_draft_mark(*self.kv_draft)
            self.endForm()
        for name, item, x0, x1, y, font, size in self.kv_slots:
            self.beginForm(name)
            self._draw_toc_number(item, x0, x1, y, font, size)
            self.endForm()
        super().save()

    def _draw_draft_mark(self, words: str, day: str) -> None:
        """"UTKAST – för faktagranskning" (or the report's own words) and the date,
        diagonally across the page, in glyph outlines: the mark is an artifact, and as
        outlines no text extraction returns it."""
        self.kv_tags.artifact()
        self.saveState()
        self.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        self.rotate(52)
        self.setFillColor(DRAFT_MARK)
        for text, size, y in ((words, 40, 8.0), (day, 22, -26.0)):
            self.addLiteral(_outline_code(text, size, -stringWidth(text, BOLD, size) / 2, y)
                              + " f")
        self.restoreState()
        self.kv_tags.end()

    def _draw_toc_number(self, item: TocItem, x0: float, x1: float, y: float, font: str,
                         size: float) -> None:
        page = self.kv_anchor_pages.get(item.key)
        if page is None:
            return
        number = str(page)
        start = x0 + 6
        stop = x1 - stringWidth(number, font, size) - 6
        dot = stringWidth(". ", REGULAR, size)
        if stop - start > dot * 2:
            self.setFont(REGULAR, size)
            self.setFillColor(MUTED)
            self.drawRightString(stop, y, ". " * int((stop - start) // dot))
        self.setFont(font, size)
        self.setFillColor(colors.black)
        self.drawRightString(x1, y, number)


@cache
def _bold_glyphs() -> tuple[Any, dict[int, str], float]:
    """DejaVu Sans Bold's glyph set, character map and units per em (loaded once)."""
    font = TTFont(str(FONT_DIR / "DejaVuSans-Bold.ttf"), lazy=True)
    return font.getGlyphSet(), font.getBestCmap(), float(font["head"].unitsPerEm)


@lru_cache(maxsize=16)
def _outline_code(text: str, size: float, x: float, y: float) -> str:
    """The path operators of ``_outline``, made once a process for each text: building
    them glyph by glyph cost a tenth of a draft's time."""
    path = PDFPathObject()
    _outline(path, text, size, x, y)
    return str(path.getCode())


def _outline(path: Any, text: str, size: float, x: float, y: float) -> None:
    """Add ``text`` in DejaVu Sans Bold at ``size`` to ``path`` as glyph outlines, its
    baseline starting at (x, y)."""
    glyphs, cmap, units = _bold_glyphs()
    scale = size / units

    class Pen(BasePen):
        def __init__(self, origin: float) -> None:
            super().__init__(glyphs)
            self.origin = origin

        def _point(self, point: tuple[float, float]) -> tuple[float, float]:
            return self.origin + point[0] * scale, y + point[1] * scale

        def _moveTo(self, pt: tuple[float, float]) -> None:
            path.moveTo(*self._point(pt))

        def _lineTo(self, pt: tuple[float, float]) -> None:
            path.lineTo(*self._point(pt))

        def _curveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float],
                        pt3: tuple[float, float]) -> None:
            path.curveTo(*self._point(pt1), *self._point(pt2), *self._point(pt3))

        def _closePath(self) -> None:
            path.close()

    for char in text:
        name = cmap.get(ord(char), ".notdef")
        glyph = glyphs[name]
        glyph.draw(Pen(x))
        x += stringWidth(char, BOLD, size)


def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text, cut with an ellipsis to fit ``width``."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class TaggedFrame(Frame):
    """A frame whose flowables are tagged as they are drawn (``Tagger.framed``)."""

    def add(self, flowable: Any, canv: Any, trySplit: int = 0) -> Any:
        """Add as ReportLab's frame does, the drawing wrapped in the flowable's tags."""
        tags = tagger_of(canv)
        return tags.framed(flowable, lambda: Frame.add(self, flowable, canv, trySplit))


class ReportDocTemplate(BaseDocTemplate):
    """A4 report pages: a cover template and a body template, footnotes at the page foot."""

    canv: ReportCanvas  # built with canvasmaker=ReportCanvas

    def __init__(self, target: Any, furniture: PageFurniture, styles: Styles,
                 **kwargs: Any) -> None:
        super().__init__(
            target,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            leftMargin=LEFT_MARGIN, rightMargin=RIGHT_MARGIN,
            topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN,
            initialFontName=REGULAR,
            lang="sv-SE",
            **kwargs,
        )
        self.furniture = furniture
        self.styles = styles
        self._page_notes: list[tuple[int, str]] = []
        self._notes: dict[tuple[int, str, float], Paragraph] = {}
        self._note_width = FRAME_WIDTH
        self._body = False
        cover = TaggedFrame(LEFT_MARGIN, BOTTOM_MARGIN, FRAME_WIDTH, FRAME_HEIGHT, id="cover",
                            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        body = TaggedFrame(LEFT_MARGIN, BOTTOM_MARGIN, FRAME_WIDTH, FRAME_HEIGHT, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate("cover", [cover], onPage=self._cover_page, autoNextPageTemplate="body"),
            PageTemplate("body", [body], onPage=self._body_page),
        ])

    # --- page furniture ----------------------------------------------------------------------

    def beforeDocument(self) -> None:
        """Open the PDF with its bookmarks shown."""
        self.canv.showOutline()

    def _cover_page(self, canvas: Any, _doc: Any) -> None:
        self._body = False

    def _body_page(self, canvas: Any, _doc: Any) -> None:
        self._body = True
        furniture = self.furniture
        y = PAGE_HEIGHT - TOP_MARGIN + 16
        tags = tagger_of(canvas)
        tags.artifact(kind="Header")
        canvas.saveState()
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(MUTED)
        right = furniture.header_right
        right_width = stringWidth(right, BOLD, 8) if right else 0
        canvas.drawString(LEFT_MARGIN, y, _fit(furniture.header_left, REGULAR, 8,
                                               FRAME_WIDTH - right_width - 20))
        if right:
            canvas.setFont(BOLD, 8)
            canvas.setFillColor(DRAFT_MARK if furniture.draft_date else MUTED)
            canvas.drawRightString(PAGE_WIDTH - RIGHT_MARGIN, y, right)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(LEFT_MARGIN, y - 5, PAGE_WIDTH - RIGHT_MARGIN, y - 5)
        canvas.restoreState()
        tags.end()

    def beforePage(self) -> None:
        """A new page: no footnotes yet, the frame's full height back."""
        self._page_notes = []
        for frame in self.pageTemplate.frames:
            # Undo the room footnotes took on the previous page (a private attribute of
            # ReportLab's Frame, which its stubs leave out).
            frame._geom()  # type: ignore[attr-defined]

    def afterPage(self) -> None:
        """Footnotes under the text, the footer; the draft mark over everything."""
        if self._page_notes:
            self._draw_footnotes()
        if self._body:
            self._draw_footer()
        if self.furniture.draft_date:
            self._draw_draft_mark()

    def _draw_footer(self) -> None:
        canvas = self.canv
        y = BOTTOM_MARGIN - 28
        tags = tagger_of(canvas)
        tags.artifact(kind="Footer")
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(LEFT_MARGIN, y + 11, PAGE_WIDTH - RIGHT_MARGIN, y + 11)
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(LEFT_MARGIN, y, _fit(self.furniture.footer_left, REGULAR, 8,
                                               FRAME_WIDTH - 80))
        canvas.restoreState()
        canvas.kv_page_number()
        tags.end()

    def _draw_draft_mark(self) -> None:
        tags = tagger_of(self.canv)
        tags.artifact()
        self.canv.kv_draft_mark(self.furniture.draft_text, self.furniture.draft_date or "")
        tags.end()

    # --- footnotes -----------------------------------------------------------------------------

    def _note_paragraph(self, note: tuple[int, str], width: float) -> Paragraph:
        """The note as a paragraph wrapped to ``width``, made once per note and width.

        A block with notes asks for their height at every wrap, and the page draws them
        later: bench/export.py's goal does not leave room for making them again each time."""
        key = (*note, width)
        paragraph = self._notes.get(key)
        if paragraph is None:
            number, text = note
            paragraph = Paragraph(f"<super>{number}</super>&nbsp;{markup(text)}",
                                  self.styles.footnote)
            paragraph.wrap(width, PAGE_HEIGHT)
            self._notes[key] = paragraph
        return paragraph

    def footnote_height(self, notes: list[tuple[int, str]], width: float) -> float:
        """How much of the page these notes take, with the rule when they are the first."""
        gap = self.styles.footnote.spaceAfter
        height = sum(self._note_paragraph(note, width).height + gap for note in notes)
        return height + (FOOTNOTE_RULE_GAP if not self._page_notes else 0.0)

    def add_footnotes(self, notes: list[tuple[int, str]]) -> None:
        """Notes of a block just drawn: reserve their room at the foot of this frame."""
        # The frame's bottom; private in ReportLab's Frame, which its stubs leave out.
        self.frame._y1p += self.footnote_height(notes, self._note_width)  # type: ignore[attr-defined]
        self._page_notes.extend(notes)

    def _draw_footnotes(self) -> None:
        canvas = self.canv
        paragraphs = [self._note_paragraph(note, self._note_width) for note in self._page_notes]
        gap = self.styles.footnote.spaceAfter
        top = BOTTOM_MARGIN + sum(p.height + gap for p in paragraphs)
        tags = tagger_of(canvas)
        tags.artifact()
        canvas.saveState()
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.5)
        canvas.line(LEFT_MARGIN, top + 3, LEFT_MARGIN + 45 * mm, top + 3)
        canvas.restoreState()
        tags.end()
        y = top
        for (number, _text), paragraph in zip(self._page_notes, paragraphs, strict=True):
            # top down, so that the notes read in order; each a Note under what cites it
            y -= paragraph.height + gap
            canvas.bookmarkHorizontalAbsolute(f"kvnote{number}", y + gap + paragraph.height)
            note = tags.notes.get(number, tags.document).add("Note", ID=f"kvnote{number}")
            tags.begin(note)
            paragraph.drawOn(canvas, LEFT_MARGIN, y + gap)
            tags.end()


@dataclass(frozen=True)
class RenderedReport:
    """A finished PDF and how many pages it has."""

    pdf: bytes
    pages: int


def furniture_for(data: ReportData, draft: bool) -> PageFurniture:
    """Header, footer and mark texts for this report."""
    day = data.report_date.isoformat()
    left_parts = [data.municipality, f"Dnr {data.diary_number}" if data.diary_number else ""]
    return PageFurniture(
        header_left=data.title,
        header_right=f"Utkast för faktagranskning {day}" if draft else (
            f"Version {data.version}"),
        footer_left=" · ".join(part for part in left_parts if part),
        draft_date=day if draft else None,
    )


def _anchor(data: ReportData, draft: bool) -> str:
    """The sign-off's anchor for the PDF's keywords, where ``kvtui verify`` reads it."""
    if draft or not data.signed or data.sign_off is None:
        return ""
    anchor = data.sign_off.anchor(data.review_id)
    return anchor.keyword() if anchor is not None else ""


def render_report(data: ReportData, *, draft: bool,
                  progress: Progress | None = None) -> RenderedReport:
    """The report of ``data`` as PDF bytes: a draft with the UTKAST mark, or a final."""
    def tell(share: float, what: str) -> None:
        if progress is not None:
            progress(max(0.0, min(1.0, share)), what)

    tell(0.02, "Förbereder rapporten")
    styles = make_styles()
    story = build_story(data, styles, draft=draft)
    buffer = io.BytesIO()
    authors = ", ".join(data.auditors)
    doc = ReportDocTemplate(
        buffer, furniture_for(data, draft), styles,
        title=data.title + (" (utkast)" if draft else ""),
        author=authors,
        subject=" – ".join(part for part in ("Kvalitetsgranskning", data.unit,
                                             data.municipality) if part),
        keywords=[word for word in ("kvalitetsgranskning", data.diary_number,
                                    "utkast" if draft else "slutlig", _anchor(data, draft))
                  if word],
        creator="kvtui",
    )
    total = max(1, len(story))

    def on_progress(kind: str, value: int) -> None:
        nonlocal total
        if kind == "SIZE_EST":
            total = max(1, value)
        elif kind == "PROGRESS":
            tell(0.05 + 0.8 * value / total, "Sätter rapporten")

    doc.setProgressCallBack(on_progress)
    doc.build(story, canvasmaker=ReportCanvas)
    tell(0.9, "Märker upp rapporten för skärmläsare")
    pdf = tag_pdf(buffer.getvalue(), doc.canv.kv_tags)
    tell(1.0, "Rapporten är klar")
    return RenderedReport(pdf, doc.canv.kv_total)
