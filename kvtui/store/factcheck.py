"""Faktagranskning: drafts frozen when sent to the unit, its comments and the responses.

Sending a draft freezes the report's content as the caller took it
(``kvtui.domain.report_content``, from the store's read model ``kvtui.store.report_data``) with
its SHA-256 in a ``factcheck_round`` row that the store never lets change, and sets the
review's status to Faktagranskning. The auditor goes on working during the fact-check;
comparing the frozen content with the current shows what has changed since the unit read it
(``kvtui.store.factcheck_changes``).

Every write checks its input first (nothing is written on refusal), adds its change-log entry
in the same transaction and commits before returning.
"""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, col, func, select

from kvtui.domain.report_content import ReportContent
from kvtui.domain.safe_text import typed_text
from kvtui.domain.signoff import (
    CommentView,
    FactCheckRoundView,
    SignOffRuleError,
    check_response,
)
from kvtui.domain.vocabulary import ReviewStatus
from kvtui.store import changelog
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import writable_review
from kvtui.store.merge_conflicts import refuse_open_conflicts
from kvtui.store.models import FactCheckComment, FactCheckRound, ReviewSection, utcnow

FACT_CHECK = ReviewStatus.FACT_CHECK
WHOLE_REPORT = "Hela rapporten"
MAX_COMMENT = 10_000


def _round_view(row: FactCheckRound) -> FactCheckRoundView:
    return FactCheckRoundView(row.id, row.version, row.number, row.sent_on,
                              row.content_sha256, row.pdf_sha256)


def rounds(session: Session, review_id: str) -> list[FactCheckRoundView]:
    """Every draft sent for fact-check, oldest first."""
    rows = session.exec(select(FactCheckRound).where(FactCheckRound.review_id == review_id)
                        .order_by(col(FactCheckRound.version), col(FactCheckRound.number)))
    return [_round_view(row) for row in rows]


def latest_round(session: Session, review_id: str) -> FactCheckRoundView | None:
    """The draft sent last, if any."""
    found = rounds(session, review_id)
    return found[-1] if found else None


def send_for_factcheck(session: Session, review_id: str, content: ReportContent, *,
                       sent_on: date | None = None, pdf_sha256: str = "") -> FactCheckRoundView:
    """Freeze ``content`` as the unit gets it and set the status Faktagranskning. Commits.

    ``content`` is the report's content now, with its hash, as the caller read it in this
    session (``kvtui.store.report_data.current_content``); ``pdf_sha256`` is the hash of the
    draft PDF sent, when one was exported with it.
    """
    review = writable_review(session, review_id, "rapporten")
    refuse_open_conflicts(session, review_id, "den skickas på faktagranskning")
    digest = content.sha256
    number = int(session.exec(
        select(func.count()).select_from(FactCheckRound)
        .where(FactCheckRound.review_id == review_id, FactCheckRound.version == review.version)
    ).one()) + 1
    row = FactCheckRound(review_id=review_id, version=review.version, number=number,
                         sent_on=sent_on or date.today(),
                         content_json=json.dumps(content.content, ensure_ascii=False,
                                                 sort_keys=True),
                         content_sha256=digest, pdf_sha256=pdf_sha256)
    session.add(row)
    old_status = review.status
    review.status = FACT_CHECK
    review.updated_at = utcnow()
    session.add(review)
    changelog.append(session, review_id=review_id, entity="factcheck_round", entity_id=row.id,
                     action="send", changes={"number": number, "version": review.version,
                                             "sent_on": row.sent_on,
                                             "content_sha256": digest,
                                             "pdf_sha256": pdf_sha256,
                                             "status": [old_status, FACT_CHECK]})
    session.commit()
    return _round_view(row)


def frozen_content(session: Session, round_id: str) -> dict[str, object]:
    """The content of a draft as it was sent."""
    row = session.get(FactCheckRound, round_id)
    if row is None:
        raise NotFound("Utkastet finns inte.")
    content: dict[str, object] = json.loads(row.content_json)
    return content


# --- the unit's comments ----------------------------------------------------------------------


def _section_labels(session: Session, review_id: str) -> dict[str, str]:
    rows = session.exec(select(ReviewSection).where(ReviewSection.review_id == review_id)
                        .order_by(col(ReviewSection.position)))
    return {row.id: f"{row.number} {row.title}".strip() for row in rows}


def _comment_view(row: FactCheckComment, labels: dict[str, str]) -> CommentView:
    label = labels.get(row.section_id or "", WHOLE_REPORT)
    return CommentView(row.id, row.section_id, label, row.role, row.text, row.received_on,
                       row.response, row.response_reason)


def list_comments(session: Session, review_id: str) -> list[CommentView]:
    """The unit's comments in report order (section, then when received)."""
    labels = _section_labels(session, review_id)
    order = {section_id: index for index, section_id in enumerate(labels)}
    rows = session.exec(select(FactCheckComment)
                        .where(FactCheckComment.review_id == review_id))
    views = [_comment_view(row, labels) for row in rows]
    return sorted(views, key=lambda v: (order.get(v.section_id or "", -1),
                                        v.received_on or date.min, v.id))


def _row(session: Session, review_id: str, comment_id: str) -> FactCheckComment:
    row = session.get(FactCheckComment, comment_id)
    if row is None or row.review_id != review_id:
        raise NotFound("Synpunkten finns inte i granskningen.")
    return row


def _checked(session: Session, review_id: str, section_id: str | None, role: str,
             text: str) -> dict[str, object]:
    if section_id is not None and section_id not in _section_labels(session, review_id):
        raise InvalidInput("Avsnittet finns inte i granskningen.")
    body = typed_text(text).strip()
    if not body:
        raise InvalidInput("Skriv vad verksamheten har påpekat.")
    if len(body) > MAX_COMMENT:
        raise InvalidInput(f"Synpunkten är för lång (högst {MAX_COMMENT} tecken).")
    if latest_round(session, review_id) is None:
        raise InvalidInput("Skicka först ett utkast för faktagranskning; synpunkterna gäller "
                           "utkastet.")
    return {"section_id": section_id, "role": " ".join(role.split()), "text": body}


def add_comment(session: Session, review_id: str, *, section_id: str | None, role: str,
                text: str, received_on: date | None = None) -> CommentView:
    """Record what the unit said about the draft (by role, never by name). Commits."""
    writable_review(session, review_id, "synpunkterna")
    columns = _checked(session, review_id, section_id, role, text)
    row = FactCheckComment(review_id=review_id, received_on=received_on or date.today(),
                           **columns)  # type: ignore[arg-type]
    session.add(row)
    changelog.append(session, review_id=review_id, entity="factcheck_comment",
                     entity_id=row.id, action="create",
                     changes={**columns, "received_on": row.received_on})
    session.commit()
    return _comment_view(row, _section_labels(session, review_id))


def update_comment(session: Session, review_id: str, comment_id: str, *,
                   section_id: str | None, role: str, text: str,
                   received_on: date | None) -> CommentView:
    """Correct a recorded comment, logging old → new. Commits."""
    writable_review(session, review_id, "synpunkterna")
    row = _row(session, review_id, comment_id)
    new = {**_checked(session, review_id, section_id, role, text),
           "received_on": received_on or row.received_on}
    changes = changelog.diff({key: getattr(row, key) for key in new}, new)
    if changes:
        for key, value in new.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        session.add(row)
        changelog.append(session, review_id=review_id, entity="factcheck_comment",
                         entity_id=row.id, action="update", changes=changes)
        session.commit()
    return _comment_view(row, _section_labels(session, review_id))


def respond(session: Session, review_id: str, comment_id: str, response: str,
            reason: str = "") -> CommentView:
    """The auditor's response: Ändrat, or Ej ändrat with the reason. Commits."""
    writable_review(session, review_id, "synpunkterna")
    row = _row(session, review_id, comment_id)
    try:
        response, reason = check_response(response, reason)
    except SignOffRuleError as error:
        raise InvalidInput(str(error)) from None
    changes = changelog.diff({"response": row.response, "response_reason": row.response_reason},
                             {"response": response, "response_reason": reason})
    if changes:
        row.response, row.response_reason = response, reason
        row.updated_at = utcnow()
        session.add(row)
        changelog.append(session, review_id=review_id, entity="factcheck_comment",
                         entity_id=row.id, action="respond", changes=changes)
        session.commit()
    return _comment_view(row, _section_labels(session, review_id))


def delete_comment(session: Session, review_id: str, comment_id: str) -> None:
    """Remove a comment recorded by mistake (the log keeps what it said). Commits."""
    writable_review(session, review_id, "synpunkterna")
    row = _row(session, review_id, comment_id)
    changes = {"text": [row.text, None], "role": [row.role, None]}
    session.delete(row)
    changelog.append(session, review_id=review_id, entity="factcheck_comment",
                     entity_id=comment_id, action="delete", changes=changes)
    session.commit()
