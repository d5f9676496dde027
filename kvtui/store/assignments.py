"""Dividing a review's akter and interviews between its granskare, and how far each has come.

An assignment names one of the review's granskare as the review spells her name; assigning to
no one removes it. Every write is refused on a signed review, checked before anything is
written, logged in the change log in the same transaction and committed before returning.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from kvtui.domain.assignment import (
    AssignmentError,
    AuditorProgress,
    auditor_named,
    spread_evenly,
)
from kvtui.domain.filereview import SampledAkt
from kvtui.store import changelog
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import finish, writable_review
from kvtui.store.models import (
    AktAssignment,
    Answer,
    Interview,
    InterviewAssignment,
    ReviewCriterion,
    utcnow,
)
from kvtui.store.reviews import get_review
from kvtui.store.sampling import current_sample


@dataclass(frozen=True)
class Assignments:
    """Who has which akt and interview: granskare by case file id and by interview id."""

    akter: dict[str, str] = field(default_factory=dict)
    interviews: dict[str, str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        """Whether anything is assigned at all."""
        return bool(self.akter or self.interviews)


def review_auditors(session: Session, review_id: str) -> tuple[str, ...]:
    """The review's granskare, as the review lists them."""
    return tuple(json.loads(get_review(session, review_id).auditors_json))


def assignments(session: Session, review_id: str) -> Assignments:
    """The review's assignments."""
    akter = session.exec(select(AktAssignment.case_file_id, AktAssignment.auditor)
                         .where(AktAssignment.review_id == review_id)).all()
    interviews = session.exec(select(InterviewAssignment.interview_id,
                                     InterviewAssignment.auditor)
                              .where(InterviewAssignment.review_id == review_id)).all()
    return Assignments(dict(akter), dict(interviews))


def _sampled(session: Session, review_id: str) -> tuple[SampledAkt, ...]:
    sample = current_sample(session, review_id)
    if sample is None or not sample.active:
        raise InvalidInput("Inget urval är draget; dra urvalet innan akterna fördelas.")
    return sample.active


def _auditor(session: Session, review_id: str, name: str) -> str:
    """The granskare called ``name`` ("" for no one), checked against the review."""
    if not name.strip():
        return ""
    try:
        return auditor_named(review_auditors(session, review_id), name)
    except AssignmentError as error:
        raise InvalidInput(str(error)) from None


def _set(session: Session, review_id: str, *, auditor: str, label: dict[str, str],
         case_file_id: str | None = None, interview_id: str | None = None) -> bool:
    """Assign one akt or interview (no one: remove the assignment) and log it; whether
    anything changed."""
    row: AktAssignment | InterviewAssignment | None
    if case_file_id is not None:
        entity = "akt_assignment"
        row = session.exec(select(AktAssignment)
                           .where(AktAssignment.case_file_id == case_file_id)).first()
    else:
        entity = "interview_assignment"
        row = session.exec(select(InterviewAssignment)
                           .where(InterviewAssignment.interview_id == interview_id)).first()
    before = row.auditor if row is not None else ""
    if before == auditor:
        return False
    if row is None:
        row = (AktAssignment(review_id=review_id, case_file_id=case_file_id, auditor=auditor)
               if case_file_id is not None else
               InterviewAssignment(review_id=review_id, interview_id=interview_id or "",
                                   auditor=auditor))
        session.add(row)
        action = "create"
    elif not auditor:
        session.delete(row)
        action = "delete"
    else:
        row.auditor = auditor
        row.updated_at = utcnow()
        action = "update"
    session.flush()
    changelog.append(session, review_id=review_id, entity=entity, entity_id=row.id,
                     action=action, changes={**label, "granskare": [before, auditor]})
    return True


def assign_akt(session: Session, review_id: str, case_file_id: str, auditor: str) -> bool:
    """Give one sampled akt to a granskare ("" to no one) and commit; whether it changed."""
    writable_review(session, review_id, "fördelningen")
    name = _auditor(session, review_id, auditor)
    akt = next((akt for akt in _sampled(session, review_id)
                if akt.case_file_id == case_file_id), None)
    if akt is None:
        raise NotFound("Akten finns inte bland granskningens utvalda akter.")
    changed = _set(session, review_id, auditor=name, case_file_id=case_file_id,
                   label={"akt": akt.reference})
    finish(session, True)
    return changed


def assign_range(session: Session, review_id: str, auditor: str, first: int, last: int) -> int:
    """Give the sampled akter numbered ``first``..``last`` (1-based, in drawn order, as the
    app numbers them) to a granskare and commit; how many changed."""
    writable_review(session, review_id, "fördelningen")
    name = _auditor(session, review_id, auditor)
    akter = _sampled(session, review_id)
    if not 1 <= first <= last <= len(akter):
        raise InvalidInput(f"Ange akter mellan 1 och {len(akter)}, t.ex. 1..{len(akter)}.")
    changed = sum(_set(session, review_id, auditor=name, case_file_id=akt.case_file_id,
                       label={"akt": akt.reference})
                  for akt in akter[first - 1:last])
    finish(session, True)
    return changed


def assign_evenly(session: Session, review_id: str) -> dict[str, int]:
    """Share the sampled akter no one has yet between the granskare, evenly with what each
    already has, and commit; how many each got."""
    writable_review(session, review_id, "fördelningen")
    auditors = review_auditors(session, review_id)
    akter = _sampled(session, review_id)
    held = assignments(session, review_id).akter
    by_id = {akt.case_file_id: akt for akt in akter}
    counts: dict[str, int] = {}
    for name in (held[case_file_id] for case_file_id in by_id if case_file_id in held):
        counts[name] = counts.get(name, 0) + 1
    try:
        chosen = spread_evenly([akt.case_file_id for akt in akter if akt.case_file_id not in held],
                               auditors, counts)
    except AssignmentError as error:
        raise InvalidInput(str(error)) from None
    given: dict[str, int] = dict.fromkeys(auditors, 0)
    for case_file_id, name in chosen.items():
        _set(session, review_id, auditor=name, case_file_id=case_file_id,
             label={"akt": by_id[case_file_id].reference})
        given[name] += 1
    finish(session, True)
    return given


def assign_interview(session: Session, review_id: str, interview_id: str, auditor: str) -> bool:
    """Give one interview to a granskare ("" to no one) and commit; whether it changed."""
    writable_review(session, review_id, "fördelningen")
    name = _auditor(session, review_id, auditor)
    interview = session.get(Interview, interview_id)
    if interview is None or interview.review_id != review_id:
        raise NotFound("Intervjun finns inte i granskningen.")
    label = interview.held_on.isoformat() if interview.held_on else "odaterad"
    changed = _set(session, review_id, auditor=name, interview_id=interview_id,
                   label={"intervju": label})
    finish(session, True)
    return changed


def auditor_progress(session: Session, review_id: str) -> list[AuditorProgress]:
    """Each granskare's akter (and how many have every criterion answered), the answers she
    gave and her interviews (and how many have a date), in the review's order; granskare the
    review no longer lists but who hold work or gave answers come after."""
    auditors = list(review_auditors(session, review_id))
    assigned = assignments(session, review_id)
    sample = current_sample(session, review_id)
    active: Sequence[str] = [akt.case_file_id for akt in sample.active] if sample else ()
    criteria = int(session.exec(select(func.count()).select_from(ReviewCriterion)
                                .where(ReviewCriterion.review_id == review_id)).one())
    per_akt = dict(session.exec(
        select(Answer.case_file_id, func.count()).where(Answer.review_id == review_id)
        .group_by(col(Answer.case_file_id))).all())
    given = dict(session.exec(
        select(Answer.answered_by, func.count()).where(Answer.review_id == review_id,
                                                       Answer.answered_by != "")
        .group_by(col(Answer.answered_by))).all())
    held_on = {interview.id: interview.held_on for interview in session.exec(
        select(Interview).where(Interview.review_id == review_id))}
    names = auditors + sorted({*assigned.akter.values(), *assigned.interviews.values(),
                               *given} - set(auditors))
    progress = []
    for name in names:
        akter = [cid for cid in active if assigned.akter.get(cid) == name]
        interviews = [iid for iid, who in assigned.interviews.items() if who == name]
        progress.append(AuditorProgress(
            auditor=name, akter=len(akter),
            akter_done=sum(1 for cid in akter if criteria and per_akt.get(cid, 0) >= criteria),
            answers=int(given.get(name, 0)), interviews=len(interviews),
            interviews_held=sum(1 for iid in interviews if held_on.get(iid) is not None)))
    return progress


def unassigned_count(session: Session, review_id: str) -> int:
    """How many sampled akter no one has yet."""
    sample = current_sample(session, review_id)
    if sample is None:
        return 0
    held = assignments(session, review_id).akter
    return sum(1 for akt in sample.active if akt.case_file_id not in held)
