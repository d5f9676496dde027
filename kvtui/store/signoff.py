"""Sign-off and reopening: the review locked with what was signed, and a new version after.

Signing off is two steps around the PDF, which ``kvtui.report`` builds and optionally signs
digitally between them (the store never imports the report; ``kvtui.release`` runs the steps):

1. ``plan_signoff`` checks the names and that the review may be signed, and freezes the
   content the caller read (``kvtui.store.report_data.current_content``) with its hash and
   the time; the plan carries what the sign-off page prints.
2. ``record_signoff`` stores the sign-off with the PDF's bytes and SHA-256 and sets the status
   Signerad, in one transaction with its change-log entry, after checking that the content the
   caller reads again is still what the plan froze. From then on the store's triggers
   (migration 0004) refuse every change to the review's records.

``reopen`` takes a reason and starts the next version; the earlier sign-off stays as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from kvtui.domain.filereview import unreviewed_refusal
from kvtui.domain.report_content import ReportContent
from kvtui.domain.reviews import SIGNED, status_label
from kvtui.domain.signoff import (
    ReopeningView,
    SignOffRuleError,
    SignOffView,
    check_reason,
    check_signers,
    sha256_hex,
)
from kvtui.domain.vocabulary import ReviewStatus
from kvtui.store import changelog
from kvtui.store.bulk import driver
from kvtui.store.errors import InvalidInput
from kvtui.store.guards import writable_review
from kvtui.store.idnumber_rule import Rule
from kvtui.store.merge_conflicts import refuse_open_conflicts
from kvtui.store.models import Review, ReviewReopening, SignOff, utcnow
from kvtui.store.review_rows import review_records_hash
from kvtui.store.reviews import get_review
from kvtui.store.sampling import unreviewed_akter
from kvtui.store.stored_idnumbers import mask_reopened

REOPENED_STATUS = ReviewStatus.FIELDWORK


@dataclass(frozen=True)
class SignOffPlan:
    """A sign-off checked and frozen, not yet stored: what the sign-off page prints."""

    review_id: str
    version: int
    name: str
    role: str
    approver_name: str
    approver_role: str
    signed_at: datetime
    content: dict[str, Any]
    content_sha256: str
    log_seq: int
    log_hash: str
    records_sha256: str
    records_columns: str

    def view(self, pdf_sha256: str = "", certificate: str = "",
             certificate_sha256: str = "") -> SignOffView:
        """The sign-off as it will be stored (the PDF's hash is known only after rendering)."""
        return SignOffView("", self.version, self.name, self.role, self.approver_name,
                           self.approver_role, self.signed_at, self.content_sha256,
                           pdf_sha256, certificate, certificate_sha256, self.log_seq,
                           self.log_hash, self.records_sha256)


def sign_off_view(row: SignOff) -> SignOffView:
    """What the rest of kvtui sees of a stored sign-off."""
    return SignOffView(row.id, row.version, row.name, row.role, row.approver_name,
                       row.approver_role, row.signed_at, row.content_sha256, row.pdf_sha256,
                       row.certificate, row.certificate_sha256, row.log_seq, row.log_hash,
                       row.records_sha256)


def _rule(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except SignOffRuleError as error:
        raise InvalidInput(str(error)) from None


def plan_signoff(session: Session, review_id: str, content: ReportContent, *, name: str,
                 role: str, approver_name: str = "", approver_role: str = "",
                 now: datetime | None = None) -> SignOffPlan:
    """Check who signs and that the review may be signed, and freeze ``content``, the
    review's content now as the caller read it in this session, with its hash.

    Names and roles are taken as the store keeps them (a personnummer masked) before the
    sign-off page prints them. A review whose sample still has akter that are neither fully
    answered nor replaced or excluded with a reason is refused, naming them: the report's
    figures would otherwise rest on fewer akter than its Metod says were reviewed.
    """
    review = writable_review(session, review_id, "granskningen")
    refuse_open_conflicts(session, review_id, "den signeras")
    unreviewed, total = unreviewed_akter(session, review_id)
    if unreviewed:
        raise InvalidInput(unreviewed_refusal(unreviewed, total))
    rule = Rule.of(session)
    name, role = rule.text(name), rule.text(role)
    approver_name, approver_role = rule.text(approver_name), rule.text(approver_role)
    _rule(check_signers, name, role, approver_name)
    records, columns = review_records_hash(driver(session.connection()), review_id)
    log_seq, log_hash = changelog.head(session)
    return SignOffPlan(review_id, review.version, " ".join(name.split()),
                       " ".join(role.split()), " ".join(approver_name.split()),
                       " ".join(approver_role.split()) if approver_name.strip() else "",
                       (now or utcnow()).replace(microsecond=0), content.content,
                       content.sha256,
                       log_seq, log_hash, records, columns)


def record_signoff(session: Session, plan: SignOffPlan, current: ReportContent, pdf: bytes,
                   certificate: str = "", certificate_sha256: str = "") -> SignOffView:
    """Store the sign-off with the final PDF and lock the review. Commits.

    ``current`` is the review's content as the caller read it again just before. Refused
    when anything was written after the plan froze the review (the PDF would not show what is
    signed, or its signing page would name another end of the change log) or when it was
    signed meanwhile.
    """
    review = writable_review(session, plan.review_id, "granskningen")
    digest = current.sha256
    records, _columns = review_records_hash(driver(session.connection()), plan.review_id,
                                            plan.records_columns)
    if (digest != plan.content_sha256 or records != plan.records_sha256
            or changelog.head(session) != (plan.log_seq, plan.log_hash)
            or review.version != plan.version):
        raise InvalidInput("Granskningen ändrades medan rapporten togs fram; signera igen.")
    row = SignOff(review_id=plan.review_id, version=plan.version, name=plan.name,
                  role=plan.role, approver_name=plan.approver_name,
                  approver_role=plan.approver_role, signed_at=plan.signed_at,
                  content_json=json.dumps(plan.content, ensure_ascii=False, sort_keys=True),
                  content_sha256=plan.content_sha256, pdf_sha256=sha256_hex(pdf), pdf=pdf,
                  certificate=certificate, certificate_sha256=certificate_sha256,
                  log_seq=plan.log_seq, log_hash=plan.log_hash,
                  records_sha256=plan.records_sha256, records_columns=plan.records_columns)
    session.add(row)
    session.flush()  # the trigger lets the status become 'signed' only with this row in place
    old_status = review.status
    review.status = SIGNED
    review.updated_at = utcnow()
    session.add(review)
    changelog.append(session, review_id=plan.review_id, entity="sign_off", entity_id=row.id,
                     action="sign", changes={**logged_fields(row), "status": [old_status, SIGNED]})
    session.commit()
    return sign_off_view(row)


def logged_fields(row: SignOff) -> dict[str, Any]:
    """What the change log records of a sign-off: ``kvtui check`` compares the row with it."""
    fields = {"version": row.version, "name": row.name, "role": row.role,
              "approver_name": row.approver_name, "content_sha256": row.content_sha256,
              "pdf_sha256": row.pdf_sha256, "certificate": row.certificate}
    if row.log_hash:  # signed by a kvtui that anchors the sign-off (migration 0006)
        fields |= {"approver_role": row.approver_role,
                   "signed_at": row.signed_at.isoformat(),
                   "certificate_sha256": row.certificate_sha256, "log_seq": row.log_seq,
                   "log_hash": row.log_hash, "records_sha256": row.records_sha256}
    return fields


def reopen(session: Session, review_id: str, reason: str) -> ReopeningView:
    """Open a signed review again for changes, as the next version, with the store's rules
    for free text applied to what it holds (``stored_idnumbers.mask_reopened``). Commits."""
    review = get_review(session, review_id)
    if review.status != SIGNED:
        raise InvalidInput(f"Granskningen är inte signerad (status {status_label(review.status)})"
                           "; den behöver inte öppnas igen.")
    text = _rule(check_reason, reason, "Ange skälet till att granskningen öppnas igen.")
    row = ReviewReopening(review_id=review_id, from_version=review.version,
                          to_version=review.version + 1, reason=text,
                          actor=changelog.current_actor())
    session.add(row)
    session.flush()  # the trigger lets the review leave 'signed' only with this row in place
    review.status = REOPENED_STATUS
    review.version += 1
    review.updated_at = utcnow()
    session.add(review)
    changelog.append(session, review_id=review_id, entity="review", entity_id=review_id,
                     action="reopen", changes={"reason": text,
                                               "version": [row.from_version, row.to_version],
                                               "status": [SIGNED, REOPENED_STATUS]})
    # The new version can be written: texts stored before the store's rules for free text
    # are brought under them in it (the version signed keeps them, locked).
    session.flush()
    mask_reopened(session, review_id)
    session.commit()
    return ReopeningView(row.from_version, row.to_version, row.reason, row.actor,
                         row.created_at)


def sign_offs(session: Session, review_id: str) -> list[SignOffView]:
    """Every sign-off of the review, oldest version first."""
    rows = session.exec(select(SignOff).where(SignOff.review_id == review_id)
                        .order_by(col(SignOff.version)))
    return [sign_off_view(row) for row in rows]


def current_sign_off(session: Session, review_id: str) -> SignOffView | None:
    """The sign-off of the review's current version, if it is signed."""
    review = session.get(Review, review_id)
    if review is None or review.status != SIGNED:
        return None
    return next((s for s in sign_offs(session, review_id) if s.version == review.version),
                None)


def reopenings(session: Session, review_id: str) -> list[ReopeningView]:
    """Every reopening of the review, oldest first."""
    rows = session.exec(select(ReviewReopening).where(ReviewReopening.review_id == review_id)
                        .order_by(col(ReviewReopening.to_version)))
    return [ReopeningView(r.from_version, r.to_version, r.reason, r.actor, r.created_at)
            for r in rows]
