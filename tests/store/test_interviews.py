"""Interviews and observations on a real store: committed, logged, validated, by role only."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from kvtui.domain.judgement import InterviewFields
from kvtui.store.assessments import review_sections
from kvtui.store.changelog import count_entries
from kvtui.store.demo import create_demo
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.interviews import (
    add_interview,
    add_observation,
    delete_interview,
    delete_observation,
    get_interview,
    list_interviews,
    move_observation,
    set_interview_notes,
    suggested_roles,
    update_interview,
    update_observation,
)
from kvtui.store.models import ChangeLog, Interview
from tests.signing import sign_review


@pytest.fixture
def review(store):
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        sections = {s.number: s.id for s in review_sections(session, review_id)}
    return store, review_id, sections


def chef(**changes) -> InterviewFields:
    values = {"held_on": date(2025, 3, 4), "roles": ("enhetschef",), "participants": 1,
              "form": "individual", "notes": ""}
    values.update(changes)
    return InterviewFields(**values)


def last_entry(session) -> ChangeLog:
    from sqlmodel import col, select

    return session.exec(select(ChangeLog).order_by(col(ChangeLog.seq).desc())).first()


def test_add_interview_is_committed_and_logged(review) -> None:
    store, review_id, _sections = review
    with store.session() as session:
        view = add_interview(session, review_id, chef(roles=(" enhetschef ", "gruppledare")))
        entry = last_entry(session)
    assert view.roles == ("enhetschef", "gruppledare") and view.label.startswith("2025-03-04")
    assert (entry.entity, entry.action, entry.entity_id) == ("interview", "create", view.id)
    raw = sqlite3.connect(store.path)
    assert raw.execute("SELECT roles_json, participants FROM interview").fetchall() == [
        ('["enhetschef", "gruppledare"]', 1)]
    raw.close()


def test_bad_interviews_are_refused_and_nothing_written(review) -> None:
    store, review_id, _sections = review
    with store.session() as session:
        before = count_entries(session)
        with pytest.raises(InvalidInput, match="minst 1"):
            add_interview(session, review_id, chef(participants=0))
        with pytest.raises(InvalidInput, match="intervjuform"):
            add_interview(session, review_id, chef(form="panel"))
        assert list_interviews(session, review_id) == []
        view = add_interview(session, review_id, chef())
        with pytest.raises(InvalidInput, match="minst 1"):
            update_interview(session, review_id, view.id, chef(participants=0))
        assert get_interview(session, review_id, view.id).participants == 1
        assert count_entries(session) == before + 1
        with pytest.raises(NotFound):
            add_interview(session, "no-such-review", chef())


def test_update_and_notes_as_you_type(review) -> None:
    store, review_id, _sections = review
    with store.session() as session:
        view = add_interview(session, review_id, chef())
        updated = update_interview(session, review_id, view.id,
                                   chef(roles=("socialsekreterare",), participants=4,
                                        form="group"))
        assert (updated.participants, updated.form_label) == (4, "grupp")
        entry = last_entry(session)
        assert entry.action == "update" and '"participants": [1, 4]' in entry.changes_json
        before = count_entries(session)
        set_interview_notes(session, review_id, view.id, "Stöd")
        set_interview_notes(session, review_id, view.id, "Stöd från gruppledaren")
        set_interview_notes(session, review_id, view.id, "Stöd från gruppledaren")
        assert count_entries(session) == before + 2
        update_interview(session, review_id, view.id, get_fields(session, view.id))
        assert count_entries(session) == before + 2  # unchanged: nothing logged
    raw = sqlite3.connect(store.path)
    assert raw.execute("SELECT notes FROM interview").fetchone() == ("Stöd från gruppledaren",)
    raw.close()


def get_fields(session, interview_id: str) -> InterviewFields:
    row = session.get(Interview, interview_id)
    import json

    return InterviewFields(row.held_on, tuple(json.loads(row.roles_json)), row.participants,
                           row.form, row.notes)


def test_observations_linked_to_sections(review) -> None:
    store, review_id, sections = review
    with store.session() as session:
        interview = add_interview(session, review_id, chef())
        first = add_observation(session, review_id, interview.id, "Vi ses varje vecka.",
                                [sections["5.4"], sections["4.2"], sections["4.2"]])
        assert first.section_ids == (sections["4.2"], sections["5.4"])  # report order, once
        second = add_observation(session, review_id, interview.id, "Andra citatet.")
        with pytest.raises(InvalidInput, match="tom"):
            add_observation(session, review_id, interview.id, "   ")
        changed = update_observation(session, review_id, first.id, text="Vi ses varje månad.",
                                     section_ids=[sections["4.3"]])
        assert (changed.text, changed.section_ids) == ("Vi ses varje månad.", (sections["4.3"],))
        move_observation(session, review_id, second.id, -1)
        view = get_interview(session, review_id, interview.id)
        assert [o.id for o in view.observations] == [second.id, first.id]
        delete_observation(session, review_id, second.id)
        assert [o.id for o in get_interview(session, review_id, interview.id).observations] == [
            first.id]
        delete_interview(session, review_id, interview.id)
        assert list_interviews(session, review_id) == []
    raw = sqlite3.connect(store.path)
    assert raw.execute("SELECT count(*) FROM observation").fetchone() == (0,)
    assert raw.execute("SELECT count(*) FROM observation_section").fetchone() == (0,)
    raw.close()


def test_section_or_interview_of_another_review_is_refused(review) -> None:
    store, review_id, sections = review
    with store.session() as session:
        other_id = create_demo(session, file_review=False)
        other_sections = {s.number: s.id for s in review_sections(session, other_id)}
        interview = add_interview(session, review_id, chef())
        before = count_entries(session)
        with pytest.raises(InvalidInput, match="hör inte till granskningen"):
            add_observation(session, review_id, interview.id, "Citat", [other_sections["4.2"]])
        with pytest.raises(NotFound):
            add_observation(session, other_id, interview.id, "Citat")
        observation = add_observation(session, review_id, interview.id, "Citat",
                                      [sections["4.2"]])
        with pytest.raises(InvalidInput):
            update_observation(session, review_id, observation.id,
                               section_ids=[other_sections["4.2"]])
        assert get_interview(session, review_id, interview.id).observations[0].section_ids == (
            sections["4.2"],)
        assert count_entries(session) == before + 1


def test_signed_review_is_locked(review) -> None:
    store, review_id, _sections = review
    with store.session() as session:
        view = add_interview(session, review_id, chef())
        sign_review(session, review_id)
        with pytest.raises(InvalidInput, match="signerad"):
            set_interview_notes(session, review_id, view.id, "Ändrat")
        with pytest.raises(InvalidInput, match="signerad"):
            delete_interview(session, review_id, view.id)


def test_roles_suggested_by_the_template(review) -> None:
    store, review_id, _sections = review
    with store.session() as session:
        roles = suggested_roles(session, review_id)
    assert roles[:2] == ("enhetschef", "gruppledare") and "barnsekreterare" in roles
