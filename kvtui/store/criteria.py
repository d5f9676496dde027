"""A review's own criteria, read back from their rows as the domain's ``Criterion``."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, col, select

from kvtui.domain.templates import Applicability, Criterion, LegalReference
from kvtui.store.models import ReviewCriterion


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
            LegalReference(ref["text"], _date(ref.get("from")), _date(ref.get("to")))
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
