"""Saving answers on a real store: committed, logged, validated, overrides with reasons."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from kvtui.domain.reviews import ReviewDetail
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


# --- a comment before the answer, and undoing an answer ----------------------------------------


def progress(detail: ReviewDetail) -> tuple[int, int, int]:
    """What counts answers in a review's detail (its time of last change is the comment's)."""
    return detail.summary.sampled, detail.summary.answered, detail.summary.expected


def test_a_comment_before_the_answer_leaves_the_criterion_unanswered(demo) -> None:
    """The comment is kept, but nothing that counts answers sees it: the akt's answers,
    answers per akt, the progress, the results of the criterion."""
    from kvtui.store.answers import early_comments, set_early_comment
    from kvtui.store.matrix import answered_per_akt
    from kvtui.store.results import review_results
    from kvtui.store.review_detail import review_detail
    from kvtui.store.sampling import draw_sample

    store, review_id, criteria, _files = demo
    with store.session() as session:
        akt = draw_sample(session, review_id, size=3, seed="1").active[0].case_file_id
        before = (progress(review_detail(session, review_id)), review_results(session, review_id))
        stored = set_early_comment(session, review_id, akt, criteria["F1"].id, "journal saknas")
    assert stored == "journal saknas"
    with store.session() as session:
        assert early_comments(session, akt) == {criteria["F1"].id: "journal saknas"}
        assert answers_for(session, akt) == {}
        assert answered_per_akt(session, review_id) == {}
        after = (progress(review_detail(session, review_id)), review_results(session, review_id))
        assert after == before


def test_the_comment_moves_into_the_answer_and_back_on_undo(demo) -> None:
    from kvtui.store import changelog
    from kvtui.store.answers import early_comments, restore_answer, set_early_comment

    store, review_id, criteria, files = demo
    f1 = criteria["F1"].id
    with store.session() as session:
        set_early_comment(session, review_id, files[0], f1, "journal saknas")
        saved = save_answer(session, review_id, files[0], f1, "nej")
        assert (saved.value, saved.comment) == ("nej", "journal saknas")
        assert early_comments(session, files[0]) == {}
        assert restore_answer(session, review_id, files[0], f1, None) is None
    with store.session() as session:
        assert answers_for(session, files[0]) == {}
        assert early_comments(session, files[0]) == {f1: "journal saknas"}
        assert changelog.verify_chain(session).ok
    raw = sqlite3.connect(store.path)
    actions = raw.execute("SELECT entity, action FROM change_log WHERE entity IN "
                          "('answer', 'unanswered_comment') ORDER BY seq").fetchall()
    raw.close()
    assert actions == [("unanswered_comment", "create"), ("unanswered_comment", "delete"),
                       ("answer", "create"), ("answer", "delete"),
                       ("unanswered_comment", "create")]


def test_restore_puts_back_the_answer_as_it_was(demo) -> None:
    from kvtui.store.answers import restore_answer

    store, review_id, criteria, files = demo
    f6 = criteria["F6"].id
    with store.session() as session:
        first = save_answer(session, review_id, files[0], f6, "ja", start=date(2024, 8, 31),
                            end=date(2025, 3, 1), override_reason="Beslut fattat muntligen")
        save_answer(session, review_id, files[0], f6, "nej", start=date(2024, 8, 31),
                    end=date(2025, 3, 1), comment="beslutet saknas")
        restored = restore_answer(session, review_id, files[0], f6, first)
        # The answer as it was; the comment written since stays.
        assert restored == replace(first, comment="beslutet saknas")
    with store.session() as session:
        assert answers_for(session, files[0])[f6] == restored


def test_an_empty_comment_removes_it_and_a_signed_review_refuses_both(demo) -> None:
    from kvtui.store.answers import early_comments, restore_answer, set_early_comment
    from tests.signing import sign_review

    store, review_id, criteria, files = demo
    f1, f2 = criteria["F1"].id, criteria["F2"].id
    with store.session() as session:
        set_early_comment(session, review_id, files[0], f1, "journal saknas")
        assert set_early_comment(session, review_id, files[0], f1, "  ") == ""
        assert early_comments(session, files[0]) == {}
        set_early_comment(session, review_id, files[0], f2, "journal saknas")
        saved = save_answer(session, review_id, files[0], f1, "ja")
        with pytest.raises(InvalidInput, match="redan besvarat"):
            set_early_comment(session, review_id, files[0], f1, "sent")
        sign_review(session, review_id)
        with pytest.raises(InvalidInput, match="signerad och låst"):
            set_early_comment(session, review_id, files[0], f2, "ändrad")
        with pytest.raises(InvalidInput, match="signerad och låst"):
            restore_answer(session, review_id, files[0], f1, None)
    with store.session() as session:
        assert early_comments(session, files[0]) == {f2: "journal saknas"}
        assert answers_for(session, files[0]) == {f1: saved}


def test_a_personnummer_in_an_early_comment_is_masked(demo) -> None:
    from kvtui.store.answers import early_comments, set_early_comment

    store, review_id, criteria, files = demo
    with store.session() as session:
        stored = set_early_comment(session, review_id, files[0], criteria["F1"].id,
                                   "barnet 189001019802 saknar plan")
    assert "189001019802" not in stored
    raw = sqlite3.connect(store.path)
    dumped = "\n".join(raw.iterdump())
    raw.close()
    assert "189001019802" not in dumped
    with store.session() as session:
        assert early_comments(session, files[0]) == {criteria["F1"].id: stored}
