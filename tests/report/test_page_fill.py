"""No page of a few lines and white space: the demo's draft, final and signed final.

The signed final (``signed_final`` in conftest) is made as the auditor makes it: a draft goes
to the unit, so the Metod ends with the fact-check paragraph, which is what spilled over a
page. Lines are counted from the text's positions inside the frame, so the
running head and the footer do not count.
"""

from __future__ import annotations

from kvtui.domain.report_data import ReportData
from kvtui.domain.section_kinds import section_kind
from kvtui.report.flowables import ChapterBreak
from kvtui.report.story import APPENDIX_TITLE, FACTCHECK_TITLE, SIGNOFF_TITLE
from kvtui.report.styles import BOTTOM_MARGIN, FRAME_HEIGHT, PAGE_HEIGHT, TOP_MARGIN
from tests.report.conftest import Pdf

MIN_LINES = 8


def frame_lines(pdf: Pdf, page: int) -> list[tuple[float, str]]:
    """The lines of text inside the frame, top first: (baseline, text)."""
    found: dict[float, str] = {}

    def visit(text: str, cm: list[float], tm: list[float], _font: object,
              _size: object) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and BOTTOM_MARGIN < y < PAGE_HEIGHT - TOP_MARGIN:
            key = round(y)
            found[key] = found.get(key, "") + text.strip()

    pdf.reader.pages[page].extract_text(visitor_text=visit)
    return sorted(found.items(), key=lambda item: -item[0])


def own_page_starts(data: ReportData) -> tuple[str, ...]:
    """The headings of the parts that always start a page of their own."""
    headings = [section.heading for section in data.sections
                if section_kind(section.kind).own_page]
    return (*headings, "Bilaga 1 " + APPENDIX_TITLE, "Bilaga 2 " + FACTCHECK_TITLE,
            SIGNOFF_TITLE)


def short_pages(pdf: Pdf, data: ReportData) -> list[tuple[int, int]]:
    """Pages (from 1) with fewer than MIN_LINES lines that no own-page part explains, with
    their count; the cover, the contents and the last page may be short."""
    starts = own_page_starts(data)
    found = []
    for page in range(2, len(pdf.reader.pages) - 1):
        lines = frame_lines(pdf, page)
        following = frame_lines(pdf, page + 1)
        next_top = following[0][1] if following else ""
        if len(lines) < MIN_LINES and not next_top.startswith(starts):
            found.append((page + 1, len(lines)))
    return found


def test_no_page_holds_only_a_few_lines(draft_pdf: Pdf, final_pdf: Pdf, signed_final: Pdf,
                                        demo_data: ReportData) -> None:
    assert "Ett utkast skickades den 10" in " ".join(signed_final.text.split())  # the tail
    for pdf in (draft_pdf, final_pdf, signed_final):
        assert short_pages(pdf, demo_data) == []


def test_the_first_chapter_follows_a_short_tail_and_breaks_after_a_long_one() -> None:
    chapter_break = ChapterBreak(FRAME_HEIGHT, FRAME_HEIGHT / 3, 10)
    assert chapter_break.wrap(400, FRAME_HEIGHT) == (0, 0)  # top of a page
    assert chapter_break.wrap(400, FRAME_HEIGHT - 60) == (0, 10)  # a two-line tail
