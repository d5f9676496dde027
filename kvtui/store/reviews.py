"""Reviews as records: create one from a template, change its fields, get it, find it by
short id.

Every write here adds its change-log entry in the same transaction. What the app and the
command line show of reviews is read elsewhere (``kvtui.store.review_detail``,
``kvtui.store.review_document``).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from sqlmodel import Session, select

from kvtui.domain.deviation import DEFAULT_DEVIATION
from kvtui.domain.reviews import ReviewFields
from kvtui.domain.templates import Criterion, Template, TemplateError
from kvtui.store import changelog
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.idnumber_rule import Rule
from kvtui.store.models import (
    Review,
    ReviewCriterion,
    ReviewSection,
    ReviewTemplate,
    utcnow,
)
from kvtui.store.template_library import refuse_numbers

#: What every reader and writer says of a review id that names no review.
NO_SUCH_REVIEW = "Granskningen finns inte."


def _criterion_payload(criterion: Criterion) -> dict[str, Any]:
    """The parts of a criterion kept as JSON on its row."""
    return {
        "references": [
            {
                "text": ref.text,
                "from": ref.valid_from.isoformat() if ref.valid_from else None,
                "to": ref.valid_to.isoformat() if ref.valid_to else None,
            }
            for ref in criterion.references
        ],
        "applies": asdict(criterion.applies) if criterion.applies else None,
        "params": {
            "start_label": criterion.start_label,
            "end_label": criterion.end_label,
            "limit_days": criterion.limit_days,
            "limit_months": criterion.limit_months,
            "threshold": criterion.threshold,
            "unit_label": criterion.unit_label,
            # Written only where it is not the default, so that the copies of criteria that
            # count Nej alone read the same as those made before the setting existed.
            **({"deviation": criterion.deviation}
               if criterion.deviation != DEFAULT_DEVIATION else {}),
        },
    }


def _columns_of(fields: ReviewFields) -> dict[str, Any]:
    return {
        "title": fields.title.strip(),
        "unit": fields.unit.strip(),
        "municipality": fields.municipality.strip(),
        "committee": fields.committee.strip(),
        "diary_number": fields.diary_number.strip(),
        "auditors_json": json.dumps(list(fields.auditors), ensure_ascii=False),
        "period_start": fields.period_start,
        "period_end": fields.period_end,
        "purpose": fields.purpose,
        "scope": fields.scope,
    }


def create_review(
    session: Session, template: Template, template_text: str, fields: ReviewFields
) -> str:
    """Create a review with its own copy of the template; returns its id. Commits.

    A template holding a personnummer is refused: its copy would no longer be the template.
    """
    problems = fields.problems()
    if problems:
        raise InvalidInput(" ".join(problems))
    try:
        refuse_numbers(template.name, template_text, f"Mallen {template.name}",
                       Rule.of(session).kept())
    except TemplateError as error:
        raise InvalidInput(str(error)) from None
    review = Review(**_columns_of(fields))
    session.add(review)
    session.add(
        ReviewTemplate(
            review_id=review.id,
            name=template.name,
            title=template.title,
            version=template.version,
            law=template.law,
            references_checked=template.references_checked,
            source_toml=template_text,
        )
    )
    for position, section in enumerate(template.sections):
        session.add(
            ReviewSection(
                review_id=review.id,
                number=section.number,
                title=section.title,
                dimension=section.dimension,
                kind=section.kind,
                position=position,
            )
        )
    for position, criterion in enumerate(template.criteria):
        payload = _criterion_payload(criterion)
        session.add(
            ReviewCriterion(
                review_id=review.id,
                code=criterion.code,
                question=criterion.question,
                kind=criterion.kind,
                group_name=criterion.group,
                references_json=json.dumps(payload["references"], ensure_ascii=False),
                applies_json=json.dumps(payload["applies"], ensure_ascii=False),
                params_json=json.dumps(payload["params"], ensure_ascii=False),
                position=position,
            )
        )
    changelog.append(
        session,
        review_id=review.id,
        entity="review",
        entity_id=review.id,
        action="create",
        changes={"title": review.title, "template": f"{template.name} {template.version}"},
    )
    session.commit()
    return review.id


def update_review(session: Session, review_id: str, fields: ReviewFields) -> None:
    """Change a review's descriptive fields, logging old → new. Commits."""
    problems = fields.problems()
    if problems:
        raise InvalidInput(" ".join(problems))
    review = get_review(session, review_id)
    new = _columns_of(fields)
    old = {key: getattr(review, key) for key in new}
    changes = changelog.diff(old, new)
    if not changes:
        return
    for key, value in new.items():
        setattr(review, key, value)
    review.updated_at = utcnow()
    session.add(review)
    changelog.append(
        session, review_id=review.id, entity="review", entity_id=review.id, action="update",
        changes=changes,
    )
    session.commit()


def review_fields(review: Review) -> ReviewFields:
    """The fields the auditor filled in, as the domain holds them."""
    return ReviewFields(
        title=review.title,
        unit=review.unit,
        municipality=review.municipality,
        committee=review.committee,
        diary_number=review.diary_number,
        auditors=tuple(json.loads(review.auditors_json)),
        period_start=review.period_start,
        period_end=review.period_end,
        purpose=review.purpose,
        scope=review.scope,
    )


def get_review(session: Session, review_id: str) -> Review:
    """The review row with this full id."""
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(NO_SUCH_REVIEW)
    return review


def resolve_review_id(session: Session, ref: str) -> str:
    """The full id of the review a user names by its short id (or a unique prefix of it)."""
    wanted = ref.strip().lower().replace("-", "")
    if len(wanted) < 4:
        raise NotFound(f"'{ref}' är för kort. Ange granskningens id som `kvtui list` visar.")
    ids = [
        rid for rid in session.exec(select(Review.id)).all()
        if rid.replace("-", "").startswith(wanted)
    ]
    if not ids:
        raise NotFound(f"Ingen granskning har id '{ref}'. `kvtui list` visar alla granskningar.")
    if len(ids) > 1:
        raise NotFound(f"Id '{ref}' passar flera granskningar. Skriv fler tecken.")
    return ids[0]
