"""Answers to the file-review criteria: each saved and committed the moment it is given."""

from __future__ import annotations

from sqlmodel import Session, select

from kvtui.store import changelog
from kvtui.store.errors import InvalidInput
from kvtui.store.models import Answer, utcnow

VALUES = ("ja", "delvis", "nej", "ej_aktuellt")


def save_answer(
    session: Session,
    review_id: str,
    case_file_id: str,
    criterion_id: str,
    value: str,
    *,
    comment: str | None = None,
) -> Answer:
    """Set the answer for one akt and criterion; committed (WAL, synchronous FULL) on return."""
    if value not in VALUES:
        raise InvalidInput(f"Okänt svar '{value}'.")
    answer = session.exec(
        select(Answer).where(
            Answer.case_file_id == case_file_id, Answer.criterion_id == criterion_id
        )
    ).first()
    if answer is None:
        answer = Answer(
            review_id=review_id, case_file_id=case_file_id, criterion_id=criterion_id,
            value=value, comment=comment or "",
        )
        changes = {"value": [None, value]}
        action = "create"
    else:
        changes = changelog.diff({"value": answer.value}, {"value": value})
        action = "update"
        answer.value = value
        if comment is not None:
            answer.comment = comment
        answer.updated_at = utcnow()
    session.add(answer)
    changelog.append(
        session, review_id=review_id, entity="answer", entity_id=answer.id, action=action,
        changes=changes,
    )
    session.commit()
    return answer
