"""A review's own criteria, read back from their rows as the domain's ``Criterion``; and the
auditor's own legal reference for a criterion in one review (``set_reference``).

A criterion's references are kept on its row as JSON, so the auditor's reference is kept there
too, marked ``"review": true``: it belongs to the review, is covered by the hash its sign-off
records and is locked with the rest of the review's criteria once it is signed.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from kvtui.domain.deviation import DEFAULT_DEVIATION
from kvtui.domain.safe_text import blank
from kvtui.domain.templates import Applicability, Criterion, LegalReference
from kvtui.store import changelog
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import writable_review
from kvtui.store.idnumber_rule import Rule
from kvtui.store.models import ReviewCriterion, utcnow

# The three ways an auditor sets a criterion's reference, as logged and as said in Swedish.
REFERENCE_ACTIONS: dict[str, str] = {
    "reference_add": "Lagrum tillagt",
    "reference_change": "Lagrum ändrat",
    "reference_confirm": "Lagrum bekräftat",
}
# A reference is a line or two ("22 kap. 14 § SoL (2025:400); 13 b § LVU"), never a text.
MAX_REFERENCE_CHARS = 500
MISSING = "Lagrum saknas för granskningsperioden"


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def criterion_of(row: ReviewCriterion) -> Criterion:
    """The domain criterion a row holds (the review's copy, not the template's)."""
    params = json.loads(row.params_json)
    applies = json.loads(row.applies_json)
    return Criterion(
        code=row.code,
        question=row.question,
        kind=row.kind,
        group=row.group_name,
        references=tuple(
            LegalReference(ref["text"], _date(ref.get("from")), _date(ref.get("to")),
                           in_review=bool(ref.get("review")))
            for ref in json.loads(row.references_json)
        ),
        applies=(
            Applicability(
                attribute=applies["attribute"],
                values=tuple(applies.get("values") or ()),
                min_months=applies.get("min_months"),
                reason=applies.get("reason", ""),
            )
            if applies
            else None
        ),
        start_label=params.get("start_label", ""),
        end_label=params.get("end_label", ""),
        limit_days=params.get("limit_days"),
        limit_months=params.get("limit_months"),
        threshold=params.get("threshold"),
        unit_label=params.get("unit_label", ""),
        deviation=params.get("deviation", DEFAULT_DEVIATION),
    )


def criterion_rows(session: Session, review_id: str) -> list[ReviewCriterion]:
    """The review's criterion rows in template order."""
    return list(
        session.exec(
            select(ReviewCriterion)
            .where(ReviewCriterion.review_id == review_id)
            .order_by(col(ReviewCriterion.position))
        ).all()
    )


def criterion_row(session: Session, review_id: str, code: str) -> ReviewCriterion:
    """The review's criterion with this code (case-insensitive, as the auditor types it)."""
    wanted = code.strip().casefold()
    for row in criterion_rows(session, review_id):
        if row.code.casefold() == wanted:
            return row
    raise NotFound(f"Granskningen har inget kriterium {code.strip()}.")


def set_reference(session: Session, review_id: str, code: str, text: str) -> str:
    """Add, change or confirm the legal reference of criterion ``code`` for this review.

    The text takes the place of the template's references for the review's period (all other
    reviews and the template are untouched). The same text as the one in force confirms it.
    Returns the action logged (a key of ``REFERENCE_ACTIONS``). Commits.
    """
    review = writable_review(session, review_id, "kriteriernas lagrum")
    row = criterion_row(session, review_id, code)
    wanted = " ".join(Rule.of(session).text(text).split())
    if blank(wanted):
        raise InvalidInput("Skriv lagrummet, t.ex. 20 kap. 1 § SoL (2025:400).")
    if len(wanted) > MAX_REFERENCE_CHARS:
        raise InvalidInput(f"Lagrummet är {len(wanted)} tecken långt; högst "
                           f"{MAX_REFERENCE_CHARS} tecken går att spara.")
    criterion = criterion_of(row)
    before = "; ".join(r.text for r in criterion.references_for(review.period_start,
                                                                  review.period_end))
    if not before:
        action = "reference_add"
    elif before == wanted:
        action = "reference_confirm"
        if any(r.in_review for r in criterion.references):
            return action  # already the auditor's own: nothing to write or log
    else:
        action = "reference_change"
    kept: list[dict[str, Any]] = [ref for ref in json.loads(row.references_json)
                                  if not ref.get("review")]
    kept.append({"text": wanted, "from": None, "to": None, "review": True})
    row.references_json = json.dumps(kept, ensure_ascii=False)
    row.updated_at = utcnow()
    session.add(row)
    changelog.append(session, review_id=review_id, entity="review_criterion", entity_id=row.id,
                     action=action,
                     changes={"kriterium": row.code, "reference": [before, wanted]})
    session.commit()
    return action
