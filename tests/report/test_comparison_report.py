"""The report's section "Jämfört med föregående granskning": the auditor's text, the table
with both years' shares and the change with its interval, the interval in words, the chart
as a Figure with its alternative text, tagged PDF/UA; and gone when the section is left out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from pdfua import Severity, validate

from kvtui.domain.report_content import report_content
from kvtui.domain.report_data import ReportData
from kvtui.domain.year_over_year import COMPARISON_TITLE, INTERVAL_EXPLAINED
from kvtui.report.word import word_report
from kvtui.store.assessments import set_section_text
from kvtui.store.database import open_store
from kvtui.store.previous_review import comparison_section, set_comparison_section
from kvtui.store.report_data import load_report_data
from tests.report.conftest import REPORT_DATE, Pdf, render
from tests.report.structure import assert_all_text_tagged, children, tree
from tests.store.year_pair import year_pair

AUDITOR_TEXT = "Verksamheten har sedan förra året arbetat med vårdplanerna."


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReportData, ReportData]]:
    """This year's report data with the comparison's section, and with it left out."""
    pair = year_pair(tmp_path_factory.mktemp("year-pair"))
    store = open_store(pair.path, backup=False)
    try:
        with store.session() as session:
            section = comparison_section(session, pair.review_id)
            assert section is not None
            set_section_text(session, pair.review_id, section.id, AUDITOR_TEXT)
            with_it = load_report_data(session, pair.review_id, today=REPORT_DATE)
            set_comparison_section(session, pair.review_id, False)
            without = load_report_data(session, pair.review_id, today=REPORT_DATE)
        yield with_it, without
    finally:
        store.close()


@pytest.fixture(scope="module")
def compared(reports: tuple[ReportData, ReportData]) -> Pdf:
    """The draft with the comparison."""
    return render(reports[0], draft=True)


def _body(pdf: Pdf) -> str:
    """The pages after the contents."""
    return "\n".join(pdf.pages[2:])


def test_the_section_prints_text_table_and_the_interval_in_words(compared: Pdf) -> None:
    body = _body(compared)
    assert f"7 {COMPARISON_TITLE}" in body
    assert AUDITOR_TEXT in body
    assert "Skillnad (95 % intervall)" in body
    # F4: 3 of 13 Ja last time, none now; the fall is säkerställd.
    lines = body.splitlines()
    start = lines.index("F4 Genomförandeplan finns")
    assert lines[start + 1:start + 4] == ["23,1 %", "0,0 %", "−23,1 (−46,1 till −0,9)"]
    flat = " ".join(body.split())
    assert " ".join(INTERVAL_EXPLAINED.split()[:12]) in flat
    assert ("F4: Andelen Ja har minskat från 23 % till 0 %; skillnaden är säkerställd" in
            flat)
    assert "Andelen Ja är densamma båda gångerna för F1, F3," in flat
    assert body.index(COMPARISON_TITLE) < body.index("Referenser\n")


def test_the_chart_is_a_figure_that_says_every_share(compared: Pdf, tmp_path: Path) -> None:
    pdf_bytes = compared.rendered.pdf
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        elements = tree(pdf)
        alts = [str(e.get("/Alt")) for e in elements if e.S == "/Figure"]
        chart = next(alt for alt in alts if alt.startswith("Diagram: andel Ja per kriterium, "
                                                          "föregående"))
        assert "F4 förra gången 23,1 %, nu 0,0 %" in chart
        assert "F2 förra gången 84,6 %, nu 100,0 %" in chart
        tables = [e for e in elements if e.S == "/Table"]
        headers = [children(row, "/TH") for table in tables for row in children(table, "/TR")]
        assert any(len(cells) == 4 for cells in headers)
    assert_all_text_tagged(pdf_bytes)
    target = tmp_path / "compared.pdf"
    target.write_bytes(pdf_bytes)
    report = validate(str(target))
    assert [(f.rule_id, f.message) for f in report.findings
            if f.severity in (Severity.ERROR, Severity.WARNING)] == []


def test_left_out_the_section_is_gone(reports: tuple[ReportData, ReportData]) -> None:
    with_it, without = reports
    assert without.comparison is None and with_it.comparison is not None
    text = " ".join(render(without, draft=True).pages)
    assert COMPARISON_TITLE not in text
    assert "föregående granskning" not in text
    assert "compared_with" not in report_content(without)
    assert report_content(with_it)["compared_with"] == with_it.comparison.previous_id


def test_the_word_copy_has_the_section_with_its_table(
        reports: tuple[ReportData, ReportData]) -> None:
    with_it, without = reports
    document = Document(io.BytesIO(word_report(with_it)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert COMPARISON_TITLE in text and AUDITOR_TEXT in text
    table = next(t for t in document.tables
                 if t.rows[0].cells[-1].text == "Skillnad (95 % intervall)")
    f4 = next(row for row in table.rows if row.cells[0].text.startswith("F4 "))
    assert [c.text for c in f4.cells[1:]] == ["23,1 %", "0,0 %", "−23,1 (−46,1 till −0,9)"]
    left_out = Document(io.BytesIO(word_report(without)))
    assert COMPARISON_TITLE not in "\n".join(p.text for p in left_out.paragraphs)
