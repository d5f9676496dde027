"""The file review in the store: criteria for a period, sampled akter, and saving answers.

Every answer is committed before the call returns (WAL, synchronous FULL), together with its
change-log entry, so an answer the screen shows as saved survives a killed process.
"""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, col, select

from kvtui.domain.answers import (
    ANSWERS,
    AnswerError,
    evaluate_count,
    evaluate_deadline,
    not_applicable_reason,
    override_needs_reason,
)
from kvtui.domain.filereview import AnswerView, CriterionView
from kvtui.store import changelog
from kvtui.store.criteria import criterion_of, criterion_rows
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import writable_review
from kvtui.store.models import Answer, CaseFile, Review, ReviewCriterion, utcnow

VALUES = tuple(ANSWERS)


def review_criteria(session: Session, review_id: str) -> list[CriterionView]:
    """The review's criteria with the reference in force for its period."""
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound("Granskningen finns inte.")
    views = []
    for row in criterion_rows(session, review_id):
        criterion = criterion_of(row)
        refs = criterion.references_for(review.period_start, review.period_end)
        views.append(CriterionView(row.id, criterion, "; ".join(r.text for r in refs) or None))
    return views


def _view(answer: Answer) -> AnswerView:
    return AnswerView(
        criterion_id=answer.criterion_id,
        value=answer.value,
        start_date=answer.start_date,
        end_date=answer.end_date,
        number=answer.number,
        computed_value=answer.computed_value,
        override_reason=answer.override_reason,
        comment=answer.comment,
    )


def answers_for(session: Session, case_file_id: str) -> dict[str, AnswerView]:
    """One akt's answers by criterion id."""
    rows = session.exec(select(Answer).where(Answer.case_file_id == case_file_id)).all()
    return {row.criterion_id: _view(row) for row in rows}


def case_file_attributes(session: Session, case_file_id: str) -> dict[str, str]:
    """An akt's attributes (placement type, legal basis, start date …)."""
    row = session.get(CaseFile, case_file_id)
    if row is None:
        raise NotFound("Akten finns inte.")
    return dict(json.loads(row.attributes_json))


def not_applicable(
    session: Session, review_id: str, case_file_id: str, on: date | None = None
) -> dict[str, str]:
    """Criteria that do not apply to this akt (by id) with the reason, per the template's rules.

    Applicability is judged on the last day of the review period, or today when none is set.
    """
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound("Granskningen finns inte.")
    day = on or review.period_end or date.today()
    attributes = case_file_attributes(session, case_file_id)
    reasons: dict[str, str] = {}
    for view in review_criteria(session, review_id):
        reason = not_applicable_reason(view.criterion, attributes, day)
        if reason:
            reasons[view.id] = reason
    return reasons


def save_answer(
    session: Session,
    review_id: str,
    case_file_id: str,
    criterion_id: str,
    value: str | None,
    *,
    start: date | None = None,
    end: date | None = None,
    number: int | None = None,
    override_reason: str = "",
    comment: str | None = None,
    commit: bool = True,
) -> AnswerView:
    """Save one answer and commit. For deadline and count criteria, dates or a number given
    here are evaluated and ``value`` may be None to take the computed result; a value that
    differs from the computed one needs ``override_reason``. ``commit=False`` lets a batch
    (the demo) write many answers in one transaction.
    """
    writable_review(session, review_id, "svaren")
    row = session.get(ReviewCriterion, criterion_id)
    if row is None or row.review_id != review_id:
        raise NotFound("Kriteriet finns inte i granskningen.")
    case_file = session.get(CaseFile, case_file_id)
    if case_file is None or case_file.review_id != review_id:
        raise NotFound("Akten finns inte i granskningen.")
    criterion = criterion_of(row)
    existing = session.exec(
        select(Answer).where(
            Answer.case_file_id == case_file_id, Answer.criterion_id == criterion_id
        )
    ).first()
    computed = ""
    try:
        if criterion.kind == "deadline" and start is not None and end is not None:
            computed = evaluate_deadline(criterion, start, end).value
        elif criterion.kind == "count" and number is not None:
            computed = evaluate_count(criterion, number)
        chosen = value or computed
        if chosen not in ANSWERS:
            raise AnswerError("Välj Ja, Delvis, Nej eller Ej aktuellt.")
        override_needs_reason(computed, chosen, override_reason)
    except AnswerError as error:
        raise InvalidInput(str(error)) from None
    new = {
        "value": chosen,
        "start_date": start if criterion.kind == "deadline" else None,
        "end_date": end if criterion.kind == "deadline" else None,
        "number": number if criterion.kind == "count" else None,
        "computed_value": computed,
        "override_reason": override_reason.strip() if computed and chosen != computed else "",
    }
    if comment is not None:
        new["comment"] = comment
    if existing is None:
        existing = Answer(review_id=review_id, case_file_id=case_file_id,
                          criterion_id=criterion_id, **new)
        changes = changelog.diff({}, new)
        action = "create"
    else:
        old = {key: getattr(existing, key) for key in new}
        changes = changelog.diff(old, new)
        if not changes:
            return _view(existing)
        for key, val in new.items():
            setattr(existing, key, val)
        existing.updated_at = utcnow()
        action = "update"
    session.add(existing)
    changelog.append(
        session, review_id=review_id, entity="answer", entity_id=existing.id, action=action,
        changes={"akt": case_file.reference, "kriterium": criterion.code, **changes},
    )
    if commit:
        session.commit()
    else:
        session.flush()
    return _view(existing)


def set_comment(
    session: Session, review_id: str, case_file_id: str, criterion_id: str, comment: str
) -> AnswerView:
    """Change only the comment of an existing answer."""
    existing = session.exec(
        select(Answer).where(
            Answer.case_file_id == case_file_id, Answer.criterion_id == criterion_id
        )
    ).first()
    if existing is None:
        raise InvalidInput("Svara på kriteriet innan du skriver en kommentar.")
    if existing.comment == comment:
        return _view(existing)
    old = existing.comment
    existing.comment = comment
    existing.updated_at = utcnow()
    session.add(existing)
    changelog.append(
        session, review_id=review_id, entity="answer", entity_id=existing.id, action="update",
        changes={"comment": [old, comment]},
    )
    session.commit()
    return _view(existing)


def answer_rows(session: Session, review_id: str) -> list[Answer]:
    """All answers of a review (for statistics and exports)."""
    return list(
        session.exec(
            select(Answer).where(Answer.review_id == review_id).order_by(col(Answer.created_at))
        ).all()
    )
