"""What must not stand alone at the top of a page: the legend of the levels without the
summary table, a rated statement without the rest of its Bedömning."""

from __future__ import annotations

import io
from dataclasses import replace

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from kvtui.domain.report_data import ReportData
from kvtui.domain.section_kinds import SectionKind
from kvtui.report.story import _Builder
from kvtui.report.styles import (
    BOTTOM_MARGIN,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    LEFT_MARGIN,
    TOP_MARGIN,
    make_styles,
)
from tests.report.conftest import Pdf
from tests.report.test_variants import _statement, _with_sections

LEGEND = "Kvalitetsnivåer"


def squash(text: str) -> str:
    """White space made single spaces."""
    return " ".join(text.split())


def summary_pages(data: ReportData) -> list[str]:
    """The summary part alone, laid out on pages of the report's frame."""
    styles = make_styles()
    builder = _Builder(data, styles, draft=False)
    section = next(s for s in data.sections if s.kind == SectionKind.SUMMARY)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=LEFT_MARGIN,
                            rightMargin=A4[0] - LEFT_MARGIN - FRAME_WIDTH,
                            topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN,
                            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    assert doc.height == FRAME_HEIGHT or abs(doc.height - FRAME_HEIGHT) < 1
    doc.build(builder.summary(section))
    return [squash(page.extract_text()) for page in PdfReader(buffer).pages]


def test_the_legend_never_opens_a_page_without_the_table(demo_data: ReportData) -> None:
    statements = [f"Påstående nummer {n} om verksamhetens arbete med de placerade barnen "
                  f"och deras familjehem." for n in range(1, 40)]
    legend_moved = 0
    for count in range(6, 24):
        data = _with_sections(demo_data, {"5.4": {"assessments": tuple(
            replace(_statement(text, "gul", True), id=f"s{n}")
            for n, text in enumerate(statements[:count]))}})
        pages = summary_pages(data)
        page = next(p for p in pages if LEGEND in p)
        rows_before = page.split(LEGEND)[0].replace("Kvalitetsnivå Bedömning Avsnitt", "")
        assert rows_before.strip(), (count, page[:200])
        legend_moved += pages.index(page) > 0
    assert legend_moved  # some counts put the end of the table on a page of its own


def bedomning_pages(pdf: Pdf, data: ReportData) -> list[tuple[str, list[int]]]:
    """For each chapter's Bedömning: its heading and the page (index) of each statement."""
    pages = [squash(page) for page in pdf.pages]
    found = []
    first_body = next(i for i, p in enumerate(pages) if i > 2 and "Bedömning av" in p)
    chapters = [s for s in data.sections if s.level == 1 and s.kind == SectionKind.TEXT]
    for chapter in chapters:
        group = [s for s in data.sections if s.number.startswith(chapter.number + ".")
                 or s is chapter]
        statements = [a.statement for s in group for a in s.assessments]
        where = []
        for statement in statements:
            start = squash(statement)[:50]
            where.append(next(i for i in range(first_body, len(pages)) if start in pages[i]))
        found.append((chapter.title, where))
    return found


def test_no_statement_alone_at_the_top_of_a_page(draft_pdf: Pdf, final_pdf: Pdf,
                                                 signed_final: Pdf,
                                                 demo_data: ReportData) -> None:
    for pdf in (draft_pdf, final_pdf, signed_final):
        for title, where in bedomning_pages(pdf, demo_data):
            for page in set(where[1:]) - {where[0]}:
                assert where.count(page) >= 2, (title, where)
