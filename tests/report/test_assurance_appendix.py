"""The assurance statements in the report's appendix: in the PDF (read back with pypdf, tagged
as a list) and in the Word copy, after the charts, one per criterion with its strata."""

from __future__ import annotations

import io
from dataclasses import replace

import pikepdf
from docx import Document

from kvtui.domain.assurance import (
    appendix_caption,
    appendix_intro,
    appendix_statements,
    row_statement,
)
from kvtui.domain.report_data import ReportData
from kvtui.domain.statistics import CriterionCounts, criterion_result
from kvtui.report.word import word_report
from tests.report.conftest import Pdf, render
from tests.report.test_pdf_ua import _children, _tree
from tests.report.test_word import all_text


def plain(text: str) -> str:
    """Text as compared: no-break spaces and line breaks as single spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


def test_every_statement_is_in_the_pdf_after_the_charts(draft_pdf: Pdf,
                                                         demo_data: ReportData) -> None:
    results = demo_data.results
    assert results is not None
    said = appendix_statements(results.rows, results.stratify_by)
    assert len(said) == len(results.rows)  # every demo criterion has an applicable answer
    text = plain(draft_pdf.text)
    start = text.index(appendix_caption(results.rows))
    assert text.index("Figur 2.") < start
    assert plain(appendix_intro(results.rows)) in text
    assert "Som brist räknas svaret Nej." in text
    position = start
    for line in said:
        found = text.index(plain(f"{line.code} {line.text}"), position)
        assert line.strata.startswith("Brist högst (95 % säkerhet) per placeringsform")
        position = text.index(plain(line.strata), found)


def test_the_statements_are_tagged_as_one_list(final_pdf: Pdf, demo_data: ReportData) -> None:
    results = demo_data.results
    assert results is not None
    with pikepdf.open(io.BytesIO(final_pdf.rendered.pdf)) as pdf:
        lists = [len(_children(e, "/LI")) for e in _tree(pdf) if e.S == "/L"]
    assert len(results.rows) in lists


def test_the_word_copy_says_the_same(demo_data: ReportData) -> None:
    results = demo_data.results
    assert results is not None
    text = plain(all_text(Document(io.BytesIO(word_report(demo_data)))).replace("\n", ""))
    for row in results.rows:
        assert plain(row_statement(row)) in text


def test_no_statements_without_an_applicable_answer(demo_data: ReportData) -> None:
    """A criterion nobody could answer has no statement, and no caption stands alone."""
    results = demo_data.results
    assert results is not None
    empty = tuple(replace(row, result=criterion_result(CriterionCounts(), 44), strata=None)
                  for row in results.rows)
    pdf = render(replace(demo_data, results=replace(results, rows=empty)), draft=True)
    assert "Säkerhetsuttalanden" not in pdf.text
