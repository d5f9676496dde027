"""Dividing the work between two granskare on a real store: assigned, logged, refused when it
cannot be done (store unchanged), locked with a signed review, and who answered what."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from kvtui.domain.judgement import InterviewFields
from kvtui.store import changelog
from kvtui.store.answers import review_criteria, save_answer
from kvtui.store.assignments import (
    assign_akt,
    assign_evenly,
    assign_interview,
    assign_range,
    assignments,
    auditor_progress,
    unassigned_count,
)
from kvtui.store.database import Store
from kvtui.store.demo import create_demo
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.interviews import add_interview
from kvtui.store.models import Answer
from kvtui.store.sampling import current_sample, draw_sample
from tests.signing import sign_review

KARIN, JONAS = "Karin Ekdahl", "Jonas Lindwall"  # the demo's granskare


@pytest.fixture
def sampled(store: Store) -> tuple[str, list[str]]:
    """The demo review with a sample of five akter, no answers and one interview."""
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        sample = draw_sample(session, review_id, size=5, seed="1")
        add_interview(session, review_id, InterviewFields(
            held_on=date(2025, 3, 4), roles=("enhetschef",), participants=1,
            form="individual", notes=""))
    return review_id, [akt.case_file_id for akt in sample.active]


def _log(session: Session, review_id: str) -> list[tuple[str, str, dict[str, object]]]:
    return [(entry.entity, entry.action, entry.changes)
            for entry in changelog.review_entries(session, review_id)
            if entry.entity.endswith("_assignment")]


def test_evenly_then_by_hand_then_evenly_again(store: Store,
                                              sampled: tuple[str, list[str]]) -> None:
    review_id, akter = sampled
    with store.session() as session:
        assert assign_range(session, review_id, "karin  ekdahl", 1, 1) == 1  # spelled loosely
        given = assign_evenly(session, review_id)
        # Karin had one already: Jonas gets the next, then they take turns, Karin first.
        assert given == {KARIN: 2, JONAS: 2}
        held = assignments(session, review_id).akter
        assert held[akter[0]] == KARIN and len(held) == 5
        assert list(held.values()).count(KARIN) == 3
        assert assign_evenly(session, review_id) == {KARIN: 0, JONAS: 0}
        assert unassigned_count(session, review_id) == 0
        assert assign_akt(session, review_id, akter[1], "") is True  # to no one
        assert akter[1] not in assignments(session, review_id).akter
        log = _log(session, review_id)
    assert len(log) == 6  # one entry per change, none for what stayed
    assert log[0][:2] == ("akt_assignment", "create") and log[0][2]["granskare"] == ["", KARIN]
    assert log[-1][1] == "delete"


def test_refusals_leave_the_store_as_it_was(store: Store,
                                            sampled: tuple[str, list[str]]) -> None:
    review_id, akter = sampled
    with store.session() as session:
        before = changelog.count_entries(session)
        with pytest.raises(InvalidInput, match=r"inte granskare.*Karin Ekdahl, Jonas Lindwall"):
            assign_akt(session, review_id, akter[0], "Okänd Person")
        with pytest.raises(InvalidInput, match="mellan 1 och 5"):
            assign_range(session, review_id, KARIN, 4, 9)
        with pytest.raises(NotFound):
            assign_akt(session, review_id, "ingen-akt", KARIN)
        with pytest.raises(NotFound):
            assign_interview(session, review_id, "ingen-intervju", KARIN)
        assert changelog.count_entries(session) == before
        assert not assignments(session, review_id).any


def test_a_signed_review_cannot_be_divided(store: Store,
                                           sampled: tuple[str, list[str]]) -> None:
    review_id, akter = sampled
    with store.session() as session:
        assign_akt(session, review_id, akter[0], KARIN)
        for akt in akter:  # a review is signed once every akt is answered
            for view in review_criteria(session, review_id):
                save_answer(session, review_id, akt, view.id, "ja", commit=False)
        session.commit()
        sign_review(session, review_id)
        before = changelog.count_entries(session)
        for attempt in (lambda: assign_akt(session, review_id, akter[0], JONAS),
                        lambda: assign_evenly(session, review_id)):
            with pytest.raises(InvalidInput, match="signerad och låst; fördelningen"):
                attempt()
        assert changelog.count_entries(session) == before
        assert assignments(session, review_id).akter == {akter[0]: KARIN}


def test_progress_counts_her_akter_and_the_answers_she_gave(
        store: Store, sampled: tuple[str, list[str]]) -> None:
    review_id, akter = sampled
    with store.session() as session:
        interview = current_interview_id(session, review_id)
        assign_range(session, review_id, KARIN, 1, 2)
        assign_range(session, review_id, JONAS, 3, 5)
        assign_interview(session, review_id, interview, JONAS)
        criteria = review_criteria(session, review_id)
        for view in criteria:  # Karin answers all of her first akt ...
            save_answer(session, review_id, akter[0], view.id, "ja", answered_by=KARIN)
        # ... and Jonas one criterion of it, which makes it his answer; an answer saved
        # without a name keeps whose it was.
        save_answer(session, review_id, akter[0], criteria[0].id, "nej", answered_by=JONAS)
        save_answer(session, review_id, akter[0], criteria[1].id, "nej")
        progress = {item.auditor: item for item in auditor_progress(session, review_id)}
        stored = session.exec(select(Answer.criterion_id, Answer.answered_by)
                              .where(Answer.case_file_id == akter[0])).all()
    assert dict(stored) == {view.id: JONAS if view is criteria[0] else KARIN
                            for view in criteria}
    karin, jonas = progress[KARIN], progress[JONAS]
    assert (karin.akter, karin.akter_done, karin.answers) == (2, 1, len(criteria) - 1)
    assert (jonas.akter, jonas.akter_done, jonas.answers) == (3, 0, 1)
    assert (jonas.interviews, jonas.interviews_held) == (1, 1)
    assert karin.line() == f"akter klara 1/2 · {len(criteria) - 1} svar"


def current_interview_id(session: Session, review_id: str) -> str:
    from kvtui.store.interviews import list_interviews

    return list_interviews(session, review_id)[0].id


def test_assigning_needs_a_sample(store: Store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        assert current_sample(session, review_id) is None
        with pytest.raises(InvalidInput, match="Inget urval"):
            assign_evenly(session, review_id)
