"""The summary names the section where each statement is printed: its chapter's Bedömning.

The statements are recorded on the sections they are about (4.2, 5.4 …), but the report
prints them all under the chapter's last section, "4.4 Bedömning av …"; a reader who follows
the summary's Avsnitt column or its "se avsnitt" must land on the statement.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kvtui.domain.report_data import ReportData
from kvtui.domain.report_outline import assessment_homes
from kvtui.report.styles import PAGE_WIDTH, RIGHT_MARGIN
from tests.report.conftest import Pdf, render
from tests.report.test_variants import _statement, _with_sections, _words

BEDOMNING = re.compile(r"^(\d+(?:\.\d+)*) Bedömning av ", re.MULTILINE)


def squash(text: str) -> str:
    """White space made single spaces."""
    return " ".join(text.split())


def printed_under(pdf: Pdf, statement: str) -> str:
    """The number of the Bedömning heading the statement is printed under, past the
    summary (which starts on page 3)."""
    body = "\n".join(pdf.pages[3:])
    start = squash(body).index(squash(statement)[:60])
    numbers = [(len(squash(body[:m.start()])), m.group(1))
               for m in BEDOMNING.finditer(body)]
    before = [number for at, number in numbers if at <= start]
    assert before, statement
    return before[-1]


def avsnitt_column(pdf: Pdf) -> list[str]:
    """The summary table's Avsnitt cells, top to bottom (the column at the right edge)."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object,
              _size: object) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if x > PAGE_WIDTH - RIGHT_MARGIN - 60 and re.fullmatch(r"\d+(\.\d+)*", text.strip()):
            found.append((y, text.strip()))

    pdf.reader.pages[2].extract_text(visitor_text=visit)
    return [text for _y, text in sorted(found, key=lambda item: -item[0])]


def test_avsnitt_names_the_bedomning_that_prints_the_statement(final_pdf: Pdf,
                                                               demo_data: ReportData) -> None:
    rows = demo_data.summary_rows()
    expected = [printed_under(final_pdf, assessment.statement) for _where, assessment in rows]
    assert avsnitt_column(final_pdf) == expected
    assert "4.4" in expected and "5.5" in expected  # not 4.2, 5.4: where they are recorded


def test_a_cut_statement_says_where_to_read_the_rest(demo_data: ReportData) -> None:
    long_statement = _words(130, paragraph=1000)
    assert len(long_statement) > 700
    data = _with_sections(demo_data, {
        "5.4": {"assessments": (_statement(long_statement, "rod", True),)}})
    pdf = render(data, draft=False)
    summary = squash(pdf.pages[2])
    home = printed_under(pdf, long_statement)
    assert f"… (se avsnitt {home})" in summary
    assert home == "5.5"


def test_homes_of_a_chapter_without_numbers(demo_data: ReportData) -> None:
    sections = tuple(replace(section, number="") for section in demo_data.sections)
    homes = assessment_homes(sections)
    chapter = next(s for s in sections if s.title == "Verksamhetens förutsättningar")
    assert homes[chapter.id] == "Bedömning av verksamhetens förutsättningar"
