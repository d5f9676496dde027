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
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from kvtui.domain.report_data import ReportData
from kvtui.report.flowables import TocItem, markup
from kvtui.report.fonts import BOLD, REGULAR
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
            self.setFont(REGULAR, 8)
            self.setFillColor(PRIMARY)
            self.drawRightString(PAGE_WIDTH - RIGHT_MARGIN, BOTTOM_MARGIN - 28,
                                 f"Sida {page} ({total})")
            self.endForm()
        for name, item, x0, x1, y, font, size in self.kv_slots:
            self.beginForm(name)
            self._draw_toc_number(item, x0, x1, y, font, size)
            self.endForm()
        super().save()

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


def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text, cut with an ellipsis to fit ``width``."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


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
        self._note_width = FRAME_WIDTH
        self._body = False
        cover = Frame(LEFT_MARGIN, BOTTOM_MARGIN, FRAME_WIDTH, FRAME_HEIGHT, id="cover",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        body = Frame(LEFT_MARGIN, BOTTOM_MARGIN, FRAME_WIDTH, FRAME_HEIGHT, id="body",
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

    def _draw_draft_mark(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(52)
        canvas.setFillColor(DRAFT_MARK)
        canvas.setFillAlpha(0.13)
        canvas.setFont(BOLD, 40)
        canvas.drawCentredString(0, 8, DRAFT_TEXT)
        canvas.setFont(BOLD, 22)
        canvas.drawCentredString(0, -26, f"{self.furniture.draft_date}")
        canvas.restoreState()

    # --- footnotes -----------------------------------------------------------------------------

    def _note_paragraphs(self, notes: list[tuple[int, str]], width: float) -> list[Paragraph]:
        """The notes as wrapped paragraphs."""
        found = []
        for number, text in notes:
            paragraph = Paragraph(f"<super>{number}</super>&nbsp;{markup(text)}",
                                  self.styles.footnote)
            paragraph.wrap(width, PAGE_HEIGHT)
            found.append(paragraph)
        return found

    def footnote_height(self, notes: list[tuple[int, str]], width: float) -> float:
        """How much of the page these notes take, with the rule when they are the first."""
        height = sum(p.height + self.styles.footnote.spaceAfter
                     for note in notes for p in self._note_paragraphs([note], width))
        return height + (FOOTNOTE_RULE_GAP if not self._page_notes else 0.0)

    def add_footnotes(self, notes: list[tuple[int, str]]) -> None:
        """Notes of a block just drawn: reserve their room at the foot of this frame."""
        # The frame's bottom; private in ReportLab's Frame, which its stubs leave out.
        self.frame._y1p += self.footnote_height(notes, self._note_width)  # type: ignore[attr-defined]
        self._page_notes.extend(notes)

    def _draw_footnotes(self) -> None:
        canvas = self.canv
        paragraphs = [paragraph for note in self._page_notes
                      for paragraph in self._note_paragraphs([note], self._note_width)]
        gap = self.styles.footnote.spaceAfter
        top = BOTTOM_MARGIN + sum(p.height + gap for p in paragraphs)
        canvas.saveState()
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.5)
        canvas.line(LEFT_MARGIN, top + 3, LEFT_MARGIN + 45 * mm, top + 3)
        canvas.restoreState()
        y = top
        for paragraph in paragraphs:  # top down, so that the notes read in order
            y -= paragraph.height + gap
            paragraph.drawOn(canvas, LEFT_MARGIN, y + gap)


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
    tell(1.0, "Rapporten är klar")
    pdf = buffer.getvalue()
    return RenderedReport(pdf, doc.canv.kv_total)
