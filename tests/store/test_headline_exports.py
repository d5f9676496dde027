"""One headline on every surface a file leaves kvtui through: a stratified sample answered in
part (one stratum not reviewed at all, another only partly), read from the store, written as
CSV and .xlsx and read back, and printed in the PDF with the coverage sentence."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import insert

from kvtui.domain.demo import DEMO_FIELDS
from kvtui.domain.headline_text import (
    ALL_STRATA,
    NOT_REVIEWED,
    RESULT_COLUMNS,
    headline_interval,
    headline_share,
)
from kvtui.domain.results import ReviewResults
from kvtui.report.document import render_report
from kvtui.store.answers import review_criteria
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import Store
from kvtui.store.exports import export_answers
from kvtui.store.models import Answer, new_id, utcnow
from kvtui.store.report_data import load_report_data
from kvtui.store.results import review_results
from kvtui.store.reviews import create_review
from kvtui.store.sampling import current_sample, draw_sample
from kvtui.store.template_library import load_template

PLACEMENTS = ("familjehem",) * 60 + ("jourhem",) * 24 + ("HVB",) * 16


@pytest.fixture
def partly_answered(store: Store) -> Iterator[str]:
    """100 akter in three strata, 25 drawn (15, 6, 4). Familjehem: 10 of 15 answered, 8 Ja
    and 2 Nej; jourhem: all 6, 1 Ja and 5 Nej; HVB: none. Plain share 9/16 = 56,3 %,
    weighted (60 × 8/10 + 24 × 1/6) / 84 = 61,9 %."""
    template, text = load_template("familjevard", None)
    with store.session() as session:
        review_id = create_review(session, template, text, DEMO_FIELDS)
        add_case_files(session, review_id, [
            (f"A-{i:03d}", {"Placeringsform": placement, "Placerad från": "2020-01-01"})
            for i, placement in enumerate(PLACEMENTS)])
        draw_sample(session, review_id, method="stratified", size=25,
                    stratify_by="Placeringsform", seed="4711")
        sample = current_sample(session, review_id)
        assert sample is not None
        by_stratum: dict[str, list[str]] = {}
        for akt in sample.active:
            by_stratum.setdefault(akt.attributes["Placeringsform"], []).append(akt.case_file_id)
        assert {k: len(v) for k, v in by_stratum.items()} == {"familjehem": 15, "jourhem": 6,
                                                               "HVB": 4}
        values: dict[str, str] = {}
        for i, akt in enumerate(by_stratum["familjehem"][:10]):
            values[akt] = "ja" if i < 8 else "nej"
        for i, akt in enumerate(by_stratum["jourhem"]):
            values[akt] = "ja" if i == 0 else "nej"
        now = utcnow()
        session.connection().execute(insert(Answer.__table__), [  # type: ignore[attr-defined]
            {"id": new_id(), "created_at": now, "updated_at": now, "review_id": review_id,
             "case_file_id": akt, "criterion_id": view.id, "value": value,
             "computed_value": "", "override_reason": "", "comment": ""}
            for akt, value in values.items() for view in review_criteria(session, review_id)])
        session.commit()
    yield review_id


def _results(store: Store, review_id: str) -> ReviewResults:
    with store.session() as session:
        results = review_results(session, review_id)
    assert results is not None
    return results


def test_the_headline_is_weighted_and_names_the_stratum_not_reviewed(
        store: Store, partly_answered: str) -> None:
    results = _results(store, partly_answered)
    assert (results.sample_size, results.reviewed, results.not_reviewed) == (25, 16, 9)
    row = results.rows[0]
    assert headline_share(row.headline) == "61,9 %"
    assert row.result.share == pytest.approx(9 / 16)  # the plain share, kept as counts only
    assert row.headline.uncovered == ("HVB",)
    assert row.strata is not None and row.strata.strata["HVB"].counts.n == 0


def test_csv_and_xlsx_read_back_with_the_same_figure(store: Store,
                                                     partly_answered: str) -> None:
    results = _results(store, partly_answered)
    with store.session() as session:
        as_csv = export_answers(session, partly_answered, "results-csv")
        as_xlsx = export_answers(session, partly_answered, "xlsx")
    rows = list(csv.reader(io.StringIO(as_csv.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == RESULT_COLUMNS
    share = RESULT_COLUMNS.index("Andel Ja (%)")
    low, high = share + 1, share + 2
    for row in results.rows:
        line = next(r for r in rows[1:] if r[0] == row.code and r[2] == ALL_STRATA)
        assert f"{line[share]} %" == headline_share(row.headline)
        assert f"{line[low]}–{line[high]} %" == headline_interval(row.headline)
        hvb = next(r for r in rows[1:] if r[0] == row.code and r[2] == "HVB")
        assert hvb[share] == "" and hvb[-1] == NOT_REVIEWED
        assert "omfattar inte placeringsform HVB" in line[-1]
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx), read_only=True)
    assert book.sheetnames[1] == "Resultat"
    sheet = list(book["Resultat"].iter_rows(values_only=True))
    assert sheet[0] == RESULT_COLUMNS
    first = next(r for r in sheet[1:] if r[0] == results.rows[0].code and r[2] == ALL_STRATA)
    assert first[share] == pytest.approx(61.9)
    assert headline_share(results.rows[0].headline) == "61,9 %"
    assert all(r[share] != pytest.approx(56.3) for r in sheet[1:] if r[2] == ALL_STRATA)


def test_the_pdf_prints_the_weighted_figure_and_how_much_was_reviewed(
        store: Store, partly_answered: str) -> None:
    with store.session() as session:
        data = load_report_data(session, partly_answered, today=date(2026, 11, 23))
    assert ("16 av 25 akter i urvalet har granskats; 9 är inte besvarade för alla kriterier."
            in data.method_text)
    rendered = render_report(data, draft=True)
    text = " ".join(" ".join((page.extract_text() or "").split())
                    for page in PdfReader(io.BytesIO(rendered.pdf)).pages)
    assert "16 av 25 akter i urvalet har granskats; 9 är inte besvarade för alla kriterier." \
        in text
    assert "utifrån 16 granskade akter" in text
    assert "61,9 %" in text and "56,3 %" not in text
    assert NOT_REVIEWED in text
    assert "Skattningarna omfattar inte placeringsform HVB, där ingen akt är granskad ännu." in text


def test_an_excluded_akt_and_an_unfinished_sample_never_say_all_were_reviewed(
        store: Store, partly_answered: str) -> None:
    from kvtui.domain.report_outline import appendix_basis
    from kvtui.store.sampling import exclude_akt

    with store.session() as session:
        sample = current_sample(session, partly_answered)
        assert sample is not None
        hvb = next(a for a in sample.active if a.attributes["Placeringsform"] == "HVB")
        exclude_akt(session, partly_answered, hvb.case_file_id, "Akten kunde inte hittas")
        data = load_report_data(session, partly_answered, today=date(2026, 11, 23))
    basis = appendix_basis(data)
    assert "granskades" not in basis and "därmed omfattar urvalet 24 akter" in basis
    assert "16 av 24 akter i urvalet har granskats; 8 är inte besvarade" in basis
    assert "Därmed granskades" not in data.method_text
    assert "Därmed omfattar urvalet 24 akter" in data.method_text
