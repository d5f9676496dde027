"""What the report is built from: the demo read into ``ReportData``; the Metod saved and reset;
a large review (300 sampled akter) read and exported."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import select

from kvtui.domain.demo import DEMO_FIELDS
from kvtui.report.document import render_report
from kvtui.store.database import Store, open_store
from kvtui.store.demo import create_demo
from kvtui.store.errors import InvalidInput
from kvtui.store.models import Answer, ChangeLog, Review, new_id, utcnow
from kvtui.store.report_data import (
    drafted_method_text,
    load_report_data,
    reset_method_text,
    set_method_text,
)
from kvtui.store.reviews import create_review
from kvtui.store.sampling import current_sample, draw_sample
from kvtui.store.template_library import load_template
from tests.report.demo_file import demo_copy, demo_file
from tests.signing import sign_review


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the demo store (built once per test run, see tests.report.demo_file)."""
    path, _review_id = demo_copy(tmp_path / "copy")
    opened = open_store(path, backup=False)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def demo() -> str:
    return demo_file()[1]


def test_demo_review_as_the_report_sees_it(demo_store: Store, demo: str) -> None:
    with demo_store.session() as session:
        data = load_report_data(session, demo, today=date(2026, 11, 23))
    assert (data.title, data.diary_number, data.auditors) == (
        DEMO_FIELDS.title, "SN 2026/0147", ("Karin Ekdahl", "Jonas Lindwall"))
    assert data.report_date == date(2026, 11, 23)
    assert [s.heading for s in data.sections][:3] == ["1 Sammanfattning", "2 Syfte", "3 Metod"]
    ratings = [a.rating for _s, a in data.summary_rows()]
    assert ratings.count("gron") == 6 and ratings.count("rod") == 1
    assert data.sample is not None
    assert (data.sample.population_size, data.sample.sample_size, data.sample.seed) == (
        44, 13, "20261101")
    assert data.results is not None and len(data.results.rows) == len(data.criteria) == 19
    references = {c.code: c.reference for c in data.criteria}
    assert references["F4"] == "11 kap. 3 § SoL; SOSFS 2012:11"
    assert references["F15"] == "SOSFS 2014:5"  # the demo's auditor's own reference
    assert not data.method_edited and data.method_text == data.method_draft
    assert "13 av 44 akter (30 procent)" in data.method_text
    assert ("Hänvisningarna avser socialtjänstlagen (2001:453), socialtjänstförordningen "
            "(2001:937) och lagen (1990:52) med särskilda bestämmelser om vård av unga."
            in data.method_text)
    assert data.warnings == () and data.unanswered == 0


def test_method_text_saved_with_change_log_and_reset(demo_store: Store, demo: str) -> None:
    with demo_store.session() as session:
        draft = drafted_method_text(session, demo)
        set_method_text(session, demo, "Egen metodtext.\n\nAndra stycket.")
        data = load_report_data(session, demo)
        assert data.method_edited and data.method_text == "Egen metodtext.\n\nAndra stycket."
        entry = session.exec(select(ChangeLog).order_by(ChangeLog.seq.desc())).first()
        assert entry is not None and entry.entity == "review"
        assert json.loads(entry.changes_json)["method_text"] == [
            "", "Egen metodtext.\n\nAndra stycket."]
        reset_method_text(session, demo)
        data = load_report_data(session, demo)
        assert not data.method_edited and data.method_text == draft
        last = session.exec(select(ChangeLog).order_by(ChangeLog.seq.desc())).first()
        assert last is not None and last.action == "reset_method_text"


def test_method_text_equal_to_the_draft_keeps_following_the_data(demo_store: Store,
                                                                 demo: str) -> None:
    with demo_store.session() as session:
        draft = drafted_method_text(session, demo)
        set_method_text(session, demo, draft + "\n")
        assert session.get(Review, demo).method_text == ""
        set_method_text(session, demo, "   ")
        assert session.get(Review, demo).method_text == ""


def test_method_text_refused_when_signed(demo_store: Store, demo: str) -> None:
    with demo_store.session() as session:
        sign_review(session, demo)
        with pytest.raises(InvalidInput, match="signerad"):
            set_method_text(session, demo, "Ny text")


def test_empty_review_reads_with_warnings(store: Store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False, judgement=False)
        data = load_report_data(session, review_id)
    assert data.sample is None and data.results is None
    assert data.summary_rows() == []
    assert any("saknar text" in w for w in data.warnings)
    assert "Någon aktgranskning ingår inte" in data.method_text
    assert "Inga intervjuer har genomförts" in data.method_text


def test_300_sampled_akter_read_and_exported(store: Store) -> None:
    template, text = load_template("familjevard", None)
    rng = random.Random(7)
    placements = ("familjehem", "jourhem", "HVB")
    with store.session() as session:
        review_id = create_review(session, template, text, DEMO_FIELDS)
        from kvtui.store.casefiles import add_case_files

        add_case_files(session, review_id, [
            (f"A-{i:04d}", {"Placeringsform": placements[i % 3],
                            "Placerad från": "2020-01-01"})
            for i in range(1000)])
        draw_sample(session, review_id, method="stratified", size=300,
                    stratify_by="Placeringsform", seed="12345678")
        sample = current_sample(session, review_id)
        assert sample is not None and len(sample.active) == 300
        from kvtui.store.answers import review_criteria

        criteria = review_criteria(session, review_id)
        now = utcnow()
        values = ("ja", "ja", "ja", "delvis", "nej", "ej_aktuellt")
        session.connection().execute(insert(Answer.__table__), [  # type: ignore[attr-defined]
            {"id": new_id(), "created_at": now, "updated_at": now, "review_id": review_id,
             "case_file_id": akt.case_file_id, "criterion_id": view.id,
             "value": rng.choice(values), "computed_value": "", "override_reason": "",
             "comment": "=HYPERLINK(\"x\")" if rng.random() < 0.01 else ""}
            for akt in sample.active for view in criteria])
        session.commit()
        data = load_report_data(session, review_id, today=date(2026, 11, 23))
    assert data.results is not None and data.results.sample_size == 300
    assert data.unanswered == 0
    assert "300 av 1000 akter (30 procent)" in data.method_text
    rendered = render_report(data, draft=False)
    assert rendered.pages >= 10
    from io import BytesIO

    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(BytesIO(rendered.pdf)).pages]
    appendix = [i for i, t in enumerate(pages) if "Tabell 1. Resultat per kriterium" in t]
    assert appendix
    table_pages = [t for t in pages[appendix[0]:]
                   if re.search(r"HVB \(333 akter\)\s+\d+\s+\d+", t)]  # table rows
    assert len(table_pages) >= 2 and all("95 % KI" in t for t in table_pages)  # repeated header
    assert all(f"Sida {n} ({len(pages)})" in t for n, t in enumerate(pages[1:], start=2))
