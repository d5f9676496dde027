"""Tests of a review started from an earlier one on a real store: what is copied and what is
not, the link to the earlier review, the comparison's section taken in and out, and the
comparison's figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from kvtui.domain.section_kinds import COMPARISON_KIND, SectionKind
from kvtui.store.assessments import review_sections, set_section_text
from kvtui.store.database import Store, open_store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.models import (
    Answer,
    Assessment,
    CaseFile,
    ChangeLog,
    Document,
    Interview,
    Review,
    ReviewCriterion,
    ReviewSection,
    ReviewTemplate,
    Sample,
    SectionText,
    SignOff,
)
from kvtui.store.previous_review import (
    NO_PREVIOUS,
    comparison_section,
    previous_review_id,
    review_comparison,
    set_comparison_section,
    start_from,
)
from kvtui.store.template_library import load_template
from tests.report.demo_file import demo_copy
from tests.store.year_pair import answer_this_year


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Store, str]]:
    """A fresh copy of the demo store: the store and last year's review."""
    path, review_id = demo_copy(tmp_path)
    store = open_store(path, backup=False)
    yield store, review_id
    store.close()


def _count(session: Session, model: type, review_id: str) -> int:
    column = model.review_id  # type: ignore[attr-defined]
    return int(session.exec(select(func.count()).select_from(model)
                            .where(column == review_id)).one())


def _rows(session: Session, model: type, review_id: str, *fields: str) -> list[tuple[object, ...]]:
    rows = session.exec(select(model).where(model.review_id == review_id)  # type: ignore[attr-defined]
                        .order_by(col(model.position))).all()  # type: ignore[attr-defined]
    return [tuple(getattr(row, f) for f in fields) for row in rows]


def test_the_new_review_takes_template_unit_and_structure_and_no_findings(
        demo: tuple[Store, str]) -> None:
    store, previous_id = demo
    with store.session() as session:
        chapter = next(s for s in review_sections(session, previous_id) if s.number == "4.2")
        set_section_text(session, previous_id, chapter.id,
                         "Förra årets iakttagelse.\n\n# Ledningssystemet\nDet som hittades.")
        started = start_from(session, previous_id, None)
        new_id = started.review_id
        before, after = session.get(Review, previous_id), session.get(Review, new_id)
        assert before is not None and after is not None
        assert previous_review_id(session, new_id) == previous_id
        assert previous_review_id(session, previous_id) is None
        assert started.warnings == ()
        # The unit's data, the period a year on, a diary number and a Metod of its own.
        for field in ("title", "unit", "municipality", "committee", "auditors_json",
                      "purpose", "scope"):
            assert getattr(after, field) == getattr(before, field), field
        assert (after.period_start, after.period_end) == (date(2026, 1, 1), date(2026, 6, 30))
        assert (before.period_start, before.period_end) == (date(2025, 1, 1),
                                                            date(2025, 6, 30))
        assert after.diary_number == "" and after.method_text == ""
        assert after.status == "planning" and after.version == 1
        # The template as the earlier review holds it, references set there included.
        template_fields = ("name", "title", "version", "law", "source_toml")
        old_template = session.exec(select(ReviewTemplate).where(
            ReviewTemplate.review_id == previous_id)).one()
        new_template = session.exec(select(ReviewTemplate).where(
            ReviewTemplate.review_id == new_id)).one()
        assert [getattr(new_template, f) for f in template_fields] == [
            getattr(old_template, f) for f in template_fields]
        criterion_fields = ("code", "question", "kind", "group_name", "references_json",
                            "applies_json", "params_json")
        assert _rows(session, ReviewCriterion, new_id, *criterion_fields) == _rows(
            session, ReviewCriterion, previous_id, *criterion_fields)
        # The sections, and the comparison's section before Referenser.
        section_fields = ("number", "title", "dimension", "kind")
        old_sections = _rows(session, ReviewSection, previous_id, *section_fields)
        new_sections = _rows(session, ReviewSection, new_id, *section_fields)
        assert new_sections[-1][3] == SectionKind.REFERENCES
        assert new_sections[-2] == ("7", "Jämfört med föregående granskning", "",
                                    COMPARISON_KIND)
        assert new_sections[:-2] + new_sections[-1:] == old_sections
        # The texts' sub-headings only; no akter, sample, answers, interviews, documents,
        # statements or sign-offs.
        texts = session.exec(select(SectionText.text).join(
            ReviewSection, col(ReviewSection.id) == col(SectionText.section_id))
            .where(ReviewSection.review_id == new_id)).all()
        assert texts == ["# Ledningssystemet"]
        for model in (CaseFile, Sample, Answer, Interview, Document, SignOff):
            assert _count(session, model, new_id) == 0, model.__name__
            assert _count(session, model, previous_id) > 0 or model is SignOff, model.__name__
        statements = session.exec(select(func.count()).select_from(Assessment).join(
            ReviewSection, col(ReviewSection.id) == col(Assessment.section_id))
            .where(ReviewSection.review_id == new_id)).one()
        assert statements == 0


def test_an_unknown_review_is_refused_and_nothing_is_written(demo: tuple[Store, str]) -> None:
    store, _previous_id = demo
    with store.session() as session:
        reviews = session.exec(select(func.count()).select_from(Review)).one()
        entries = session.exec(select(func.count()).select_from(ChangeLog)).one()
        with pytest.raises(NotFound, match="Granskningen finns inte"):
            start_from(session, "00000000-0000-0000-0000-000000000000", None)
    with store.session() as session:
        assert session.exec(select(func.count()).select_from(Review)).one() == reviews
        assert session.exec(select(func.count()).select_from(ChangeLog)).one() == entries


def test_a_later_template_in_the_library_is_warned_about(demo: tuple[Store, str],
                                                         tmp_path: Path) -> None:
    store, previous_id = demo
    _template, text = load_template("familjevard", None)
    library = tmp_path / "mallar"
    library.mkdir()
    (library / "familjevard.toml").write_text(text.replace('version = "1.1"',
                                                           'version = "1.10"'), "utf-8")
    with store.session() as session:
        started = start_from(session, previous_id, library)
        version = session.exec(select(ReviewTemplate.version).where(
            ReviewTemplate.review_id == started.review_id)).one()
    assert version == "1.1"
    assert len(started.warnings) == 1
    assert "nyare version (1.10)" in started.warnings[0]
    assert "version 1.1" in started.warnings[0]


def test_the_comparison_section_goes_out_and_back_in(demo: tuple[Store, str]) -> None:
    store, previous_id = demo
    with store.session() as session:
        new_id = start_from(session, previous_id, None).review_id
        section = comparison_section(session, new_id)
        assert section is not None
        set_section_text(session, new_id, section.id, "Verksamheten har förbättrats.")
        assert set_comparison_section(session, new_id, False)
        assert comparison_section(session, new_id) is None
        assert not set_comparison_section(session, new_id, False)
        assert set_comparison_section(session, new_id, True)
        kinds = [s.kind for s in review_sections(session, new_id)]
        assert kinds[-2:] == [COMPARISON_KIND, SectionKind.REFERENCES]
        back = comparison_section(session, new_id)
        assert back is not None and back.id != section.id
        assert session.exec(select(SectionText).where(SectionText.section_id == back.id)
                            ).first() is None
        with pytest.raises(InvalidInput, match=NO_PREVIOUS):
            set_comparison_section(session, previous_id, True)
        assert comparison_section(session, previous_id) is None


def test_the_comparison_pairs_this_years_results_with_last_years(
        demo: tuple[Store, str]) -> None:
    store, previous_id = demo
    with store.session() as session:
        new_id = start_from(session, previous_id, None).review_id
        waiting = review_comparison(session, new_id)
        assert waiting is not None
        assert all(c.later is None and c.comparison is None for c in waiting.changes)
        assert review_comparison(session, previous_id) is None
    answer_this_year(store, new_id)
    with store.session() as session:
        found = review_comparison(session, new_id)
    assert found is not None
    assert found.previous_id == previous_id
    assert found.previous_period == "1 januari–30 juni 2025"
    assert found.only_now == () and found.only_before == ()
    by_code = {c.code: c for c in found.changes}
    assert by_code["F2"].comparison is not None and by_code["F2"].comparison.difference > 0
    assert by_code["F4"].comparison is not None and by_code["F4"].comparison.established
    assert by_code["F4"].later is not None and by_code["F4"].later.share == 0
    assert by_code["F1"].comparison is not None and by_code["F1"].comparison.difference == 0
