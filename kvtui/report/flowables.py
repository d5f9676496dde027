"""Flowables the report needs beyond ReportLab's own: headings that register themselves for the
table of contents and the bookmarks, table-of-contents lines whose page numbers are written
once the whole document is laid out, blocks that carry footnotes to the foot of the page, and
statements with their quality level in the margin.

The first three cooperate with ``kvtui.report.document``: the canvas bookmarks headings and
fills in the contents' page numbers once every page is laid out (one layout pass), and the
document template draws each page's footnotes below its text.

Tagging (``kvtui.report.tagging``) knows these by type: a contents line is a TOCI holding a
Link (its text, its page number and its link annotation), a noted block is tagged as its
inner flowable with the notes as Note elements under it, and a rated statement is one P
that reads its level first ("Grön: Verksamheten har …").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable
from reportlab.platypus.flowables import CondPageBreak

from kvtui.domain.method_text import text_blocks, unbroken_dates
from kvtui.domain.section_text import (
    MISSING_QUOTE,
    Footnote,
    Inline,
    QuotedObservation,
    Text,
)
from kvtui.report.fonts import BOLD
from kvtui.report.paragraph import Paragraph, Run
from kvtui.report.tagging import tagger_of


def markup(text: str) -> str:
    """Plain text made safe for a Paragraph: &, < and > escaped, line breaks kept, dates
    kept on one line."""
    return escape(unbroken_dates(text)).replace("\n", "<br/>")


def text_run(text: str, *, bold: bool = False, size: float | None = None,
              color: str | None = None) -> Run:
    """Plain text as a run of a paragraph, printed as ``markup`` prints it: dates kept on
    one line."""
    return Run(unbroken_dates(text), bold=bold, size=size, color=color)


def note_marker(number: int) -> str:
    """Paragraph markup for footnote ``number``'s marker: superscript, linked to the note."""
    return f"<a href=\"#kvnote{number}\"><super>{number}</super></a>"


@dataclass(frozen=True)
class TocItem:
    """A heading as the contents and the bookmarks list it."""

    key: str
    text: str
    level: int


class Heading(Paragraph):
    """A heading that tells the canvas where it stands: for the bookmarks (outline) and the
    contents' page numbers. Level 0 is a chapter, 1 a section; deeper levels are not listed.
    ``level`` is the heading's depth in the document's structure (0 chapter, 1 section,
    2 below a section, 3 an auditor's sub-heading inside such a one).
    """

    def __init__(self, text: str, style: Any, *args: Any, item: TocItem | None = None,
                 level: int = 0, **kwargs: Any) -> None:
        super().__init__(text, style, *args, **kwargs)
        self.item = item
        self.level = level

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """A heading taller than the rest of the page: its first part keeps the anchor."""
        parts = super().split(availWidth, availHeight)
        for index, part in enumerate(parts):
            if isinstance(part, Heading):  # Paragraph.split makes its parts of our class
                part.item = self.item if index == 0 else None
                part.level = self.level
        return parts

    def draw(self) -> None:
        """Draw, and register the anchor at the heading's top on this page."""
        record = getattr(self.canv, "kv_anchor", None)
        if self.item is not None and record is not None:
            _x, top = self.canv.absolutePosition(0, self.height)
            record(self.item, top)
        super().draw()


class TocEntry(Flowable):
    """One line of the contents: the heading text now, dots and page number at the end.

    The page a heading lands on is known only when the document is laid out; the canvas
    writes the number (and the leader dots) into the page just before the PDF is saved.
    The whole line links to the heading.
    """

    NUMBER_WIDTH = 30.0
    kv_role = "TOCI"

    def __init__(self, item: TocItem, style: Any) -> None:
        super().__init__()
        self.item = item
        self.style = style
        self.para = Paragraph(markup(item.text), style)
        self._width = 0.0
        self._height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The text wraps in the width left of the page numbers."""
        self._width = availWidth
        _w, self._height = self.para.wrap(availWidth - self.NUMBER_WIDTH - 8, availHeight)
        return availWidth, self._height

    def getSpaceBefore(self) -> float:
        """As the entry's paragraph style says."""
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        """As the entry's paragraph style says."""
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        """Draw the text; leave a slot for the dots and the number."""
        self.para.drawOn(self.canv, 0, 0)
        record = getattr(self.canv, "kv_toc_slot", None)
        if record is None:
            return
        # types-reportlab leaves out blPara, the lines that wrap() sets on a Paragraph.
        lines = self.para.blPara.lines  # type: ignore[attr-defined]
        last = lines[-1]
        extra = last[0] if isinstance(last, tuple) else getattr(last, "extraSpace", 0)
        text_width = self.para.width - extra - self.style.leftIndent
        end_x = self.style.leftIndent + text_width
        baseline = self.style.fontSize * 0.22  # bottom line, above its descent
        x0, y0 = self.canv.absolutePosition(end_x, baseline)
        x1, _y1 = self.canv.absolutePosition(self._width, baseline)
        record(self.item, x0, x1, y0, self.style.fontName, self.style.fontSize)
        self.canv.linkRect(self.item.text, self.item.key, (0, 0, self._width, self._height),
                           relative=1, thickness=0)


class NotedBlock(Flowable):
    """A flowable whose footnotes go to the foot of the page it ends on.

    ReportLab has no footnotes. This block measures its notes, takes the page only if the
    block and its notes both fit, then hands the notes to the document template, which
    raises the bottom of the frame by their height and draws them under a short rule.
    A block taller than a page splits; the notes go with its last part, where the marker is.
    """

    def __init__(self, inner: Flowable, notes: list[tuple[int, str]], note_style: Any) -> None:
        super().__init__()
        self.inner = inner
        self.notes = notes
        self.note_style = note_style

    def _notes_height(self, width: float) -> float:
        doc = getattr(getattr(self, "canv", None), "_doctemplate", None)
        if doc is None or not hasattr(doc, "footnote_height"):
            return 0.0
        return float(doc.footnote_height(self.notes, width))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The inner height; claims more than is left when the notes would not fit too."""
        w, h = self.inner.wrap(availWidth, availHeight)
        notes = self._notes_height(availWidth)
        if h + notes > availHeight:
            return w, h + notes
        return w, h

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Split only what cannot fit on any page; the notes stay with the last part."""
        doc = getattr(getattr(self, "canv", None), "_doctemplate", None)
        full = getattr(getattr(doc, "frame", None), "_aH", None)
        _w, h = self.inner.wrap(availWidth, availHeight)
        if full is not None and h + self._notes_height(availWidth) <= full:
            return []  # fits on a fresh page: move there whole
        parts = self.inner.split(availWidth, availHeight)
        if not parts:
            return []
        return [*parts[:-1], NotedBlock(parts[-1], self.notes, self.note_style)]

    def getSpaceBefore(self) -> float:
        """The inner flowable's."""
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        """The inner flowable's."""
        return float(self.inner.getSpaceAfter())

    @property
    def kv_inner(self) -> Flowable:
        """What the block is tagged as (``kvtui.report.tagging``)."""
        return self.inner

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """Draw the inner flowable and give the notes to this page."""
        tags = tagger_of(canvas)
        for number, _text in self.notes:
            tags.destinations[f"kvnote{number}"] = f"Fotnot {number}"
        # types-reportlab leaves out drawOn's _sW on purpose (not every flowable takes it);
        # ReportLab's own Flowable.drawOn does, and passes it on for the alignment.
        self.inner.drawOn(canvas, x, y, _sW)  # type: ignore[call-arg]
        if tags.last is not None:
            for number, _text in self.notes:
                tags.notes[number] = tags.last
        doc = getattr(canvas, "_doctemplate", None)
        if doc is not None and hasattr(doc, "add_footnotes"):
            doc.add_footnotes(self.notes)


class RatedStatement(Paragraph):
    """A statement under Bedömning: the text indented, its level's name on its colour in the
    margin beside the first line (nothing there when the statement is not rated).

    Drawn by the paragraph itself rather than as a two-cell table: a report has dozens of
    statements and a table per statement costs ten times as much to lay out.
    """

    def __init__(self, text: str, style: Any, *args: Any, chip: tuple[str, Any, Any] | None
                 = None, chip_width: float = 0.0, **kwargs: Any) -> None:
        super().__init__(text, style, *args, **kwargs)
        self.chip = chip
        self.chip_width = chip_width

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Only the first part carries the level."""
        parts = super().split(availWidth, availHeight)
        for index, part in enumerate(parts):
            if isinstance(part, RatedStatement):  # Paragraph.split makes its parts of our class
                part.chip = self.chip if index == 0 else None
                part.chip_width = self.chip_width
        return parts

    def draw(self) -> None:
        """The level in the margin at the first line, then the text: drawn in that order so
        that the level is read first, and tagged to read "Grön: " before the statement."""
        if self.chip is not None:
            name, fill, colour = self.chip
            style = self.style
            canvas = self.canv
            top = self.height
            height = style.fontSize + 5
            tags = tagger_of(canvas)
            tags.span(f"{name}: ")
            canvas.saveState()
            canvas.setFillColor(fill)
            canvas.rect(0, top - height + 1.5, self.chip_width, height, stroke=0, fill=1)
            canvas.setFillColor(colour)
            canvas.setFont(BOLD, style.fontSize - 1.2)
            canvas.drawCentredString(self.chip_width / 2, top - height + 4.6, name)
            canvas.restoreState()
            tags.end()
        super().draw()


def heading_guard(height: float) -> CondPageBreak:
    """Start a new page unless ``height`` is left: no heading alone at the foot of a page."""
    return CondPageBreak(height)


class ChapterBreak(CondPageBreak):
    """Start a new page, unless all this page holds is the short tail of the previous part.

    A part that spills a paragraph or two over a page would otherwise leave a page of a few
    lines and white space before the chapter; the chapter then follows on under the tail, as
    the other chapters do. ``page_height`` is the height the frame offers on an empty page,
    ``short`` how much of it a tail may take and still be followed on.
    """

    def __init__(self, page_height: float, short: float, space: float) -> None:
        super().__init__(page_height)
        self.short = short
        self.space = space

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Break when the page is used beyond a short tail; else take ``space`` only."""
        used = self.height - availHeight
        if used <= 1:
            return 0, 0  # already at the top of a page
        if used > self.short:
            return super().wrap(availWidth, 0)
        return 0, min(self.space, availHeight)


def inline_markup(parts: Sequence[Inline], first_note: int,
                  quotes: Mapping[str, QuotedObservation]) -> tuple[str, list[tuple[int, str]]]:
    """A paragraph's parts (``kvtui.domain.section_text``) as Paragraph markup, and its
    footnotes numbered from ``first_note``: a superscript number where each note was typed,
    each quoted observation written out by role and date."""
    text = ""
    notes: list[tuple[int, str]] = []
    for part in parts:
        if isinstance(part, Text):
            text += markup(part.text)
        elif isinstance(part, Footnote):
            number = first_note + len(notes)
            notes.append((number, part.text))
            text += note_marker(number)
        else:
            quoted = quotes.get(part.observation_id)
            text += markup(quoted.sentence if quoted is not None else MISSING_QUOTE)
    return text, notes


def text_flowables(text: str, body: Any, bullet: Any) -> list[Flowable]:
    """Plain text as paragraphs and bullet lists (see ``kvtui.domain.method_text``)."""
    flowables: list[Flowable] = []
    for kind, lines in text_blocks(text):
        if kind == "bullets":
            flowables.extend(Paragraph(markup(line), bullet, bulletText="•") for line in lines)
        else:
            flowables.append(Paragraph(markup(lines[0]), body))
    return flowables


class SignatureSpace(Flowable):
    """The rest of the sign-off page, kept free for the visible digital signature.

    ``kvtui.report.signature`` stamps its box at fixed page coordinates on the last page
    (``SIGNATURE_BOX``), after the PDF is made; nothing the report draws may reach into it.
    This flowable takes all the height left in the frame, so that nothing can follow it on
    the page, and draws only ``caption`` (a paragraph saying what the box is for), just above
    the box's top edge wherever the frame happens to end.
    """

    def __init__(self, caption: Paragraph, box_top: float, gap: float = 6.0) -> None:
        super().__init__()
        self.caption = caption
        self.box_top = box_top  # the box's top edge, in points above the page's bottom
        self.gap = gap
        self._caption_height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """All the height left; at least the caption's, so that it is never squeezed out."""
        _w, self._caption_height = self.caption.wrap(availWidth, availHeight)
        self.width = availWidth
        self.height = max(availHeight, self._caption_height + self.gap)
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Never split: the caption belongs right above the box."""
        return []

    def draw(self) -> None:
        """The caption with its foot ``gap`` above the box, in this flowable's coordinates."""
        _x, bottom = self.canv.absolutePosition(0, 0)
        y = max(0.0, self.box_top + self.gap - bottom)
        self.caption.drawOn(self.canv, 0, y)
