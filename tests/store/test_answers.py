"""Saving answers on a real store: committed, logged, validated, overrides with reasons."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from kvtui.store.answers import answers_for, not_applicable, review_criteria, save_answer
from kvtui.store.casefiles import case_file_ids
from kvtui.store.demo import create_demo
from kvtui.store.errors import InvalidInput


@pytest.fixture
def demo(store):
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        criteria = {view.code: view for view in review_criteria(session, review_id)}
        files = case_file_ids(session, review_id)
    return store, review_id, criteria, files


def test_answer_is_committed_before_return(demo) -> None:
    store, review_id, criteria, files = demo
    with store.session() as session:
        save_answer(session, review_id, files[0], criteria["F1"].id, "ja")
    raw = sqlite3.connect(store.path)  # another connection sees it at once
    assert raw.execute("SELECT value FROM answer").fetchall() == [("ja",)]
    raw.close()


def test_deadline_computes_and_override_needs_reason(demo) -> None:
    store, review_id, criteria, files = demo
    f6 = criteria["F6"].id
    with store.session() as session:
        saved = save_answer(session, review_id, files[0], f6, None,
                            start=date(2024, 8, 31), end=date(2025, 3, 1))
        assert (saved.value, saved.computed_value) == ("nej", "nej")
        with pytest.raises(InvalidInput, match="skäl"):
            save_answer(session, review_id, files[0], f6, "ja",
                        start=date(2024, 8, 31), end=date(2025, 3, 1))
        assert answers_for(session, files[0])[f6].value == "nej"
        saved = save_answer(session, review_id, files[0], f6, "ja", start=date(2024, 8, 31),
                            end=date(2025, 3, 1), override_reason="Beslut fattat muntligen")
        assert (saved.value, saved.computed_value, saved.override_reason) == (
            "ja", "nej", "Beslut fattat muntligen")


def test_count_criterion(demo) -> None:
    store, review_id, criteria, files = demo
    with store.session() as session:
        saved = save_answer(session, review_id, files[1], criteria["F13"].id, None, number=3)
    assert (saved.value, saved.number) == ("nej", 3)


def test_bad_answers_leave_store_unchanged(demo) -> None:
    store, review_id, criteria, files = demo
    with store.session() as session:
        with pytest.raises(InvalidInput):
            save_answer(session, review_id, files[0], criteria["F1"].id, "kanske")
        with pytest.raises(InvalidInput, match="före"):
            save_answer(session, review_id, files[0], criteria["F6"].id, None,
                        start=date(2025, 1, 2), end=date(2025, 1, 1))
        assert answers_for(session, files[0]) == {}


def test_references_follow_review_period(demo) -> None:
    _store, _review_id, criteria, _files = demo
    # The demo reviews the first half of 2025, when SoL (2001:453) was still in force.
    assert criteria["F2"].reference == "11 kap. 3 § SoL"
    assert "LVU" in (criteria["F1"].reference or "")
    # The template gives F15 none; the demo's auditor added her own for the review.
    assert criteria["F15"].reference == "SOSFS 2014:5"


def test_not_applicable_by_attributes(demo) -> None:
    store, review_id, criteria, files = demo
    with store.session() as session:
        reasons = [not_applicable(session, review_id, f) for f in files]
    f19 = criteria["F19"].id
    assert sum(f19 in r for r in reasons) == 36  # all but the eight jourhem placements
