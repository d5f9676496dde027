"""Reviews: create from a template, find by short id, list with progress, describe in full.

Every write here adds its change-log entry in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import literal_column
from sqlmodel import Session, col, func, select

from kvtui.domain.reviews import (
    ReviewDetail,
    ReviewFields,
    ReviewSummary,
    SectionInfo,
    short_id,
)
from kvtui.domain.templates import Criterion, Template, TemplateError
from kvtui.store import changelog
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.idnumber_rule import Rule
from kvtui.store.models import (
    Answer,
    CaseFile,
    ChangeLog,
    Review,
    ReviewCriterion,
    ReviewSection,
    ReviewTemplate,
    Sample,
    SampleItem,
    utcnow,
)
from kvtui.store.template_library import refuse_numbers


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
        },
    }


def _fields_of(review: Review) -> ReviewFields:
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


def get_review(session: Session, review_id: str) -> Review:
    """The review row with this full id."""
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(f"Granskningen {short_id(review_id)} finns inte.")
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


def _latest_sample(session: Session, review_id: str) -> Sample | None:
    return session.exec(
        select(Sample).where(Sample.review_id == review_id)
        .order_by(col(Sample.drawn_at).desc()).limit(1)
    ).first()


def _counts(session: Session, review_id: str) -> tuple[int, int, int, int]:
    """Case files, sampled akter, answers given and answers expected."""
    case_files = session.exec(
        select(func.count()).select_from(CaseFile).where(CaseFile.review_id == review_id)
    ).one()
    criteria = session.exec(
        select(func.count()).select_from(ReviewCriterion)
        .where(ReviewCriterion.review_id == review_id)
    ).one()
    sample = _latest_sample(session, review_id)
    sampled = 0
    answered = 0
    if sample is not None:
        sampled_ids = select(SampleItem.case_file_id).where(
            SampleItem.sample_id == sample.id, SampleItem.status == "active"
        )
        sampled = session.exec(
            select(func.count()).select_from(SampleItem)
            .where(SampleItem.sample_id == sample.id, SampleItem.status == "active")
        ).one()
        answered = session.exec(
            select(func.count()).select_from(Answer)
            .where(Answer.review_id == review_id, col(Answer.case_file_id).in_(sampled_ids))
        ).one()
    return int(case_files), int(sampled), int(answered), int(sampled) * int(criteria)


def last_changed(session: Session, review: Review) -> datetime:
    """When the review last changed: the later of its own row's time and its newest
    change-log entry. Every write is logged, answers too, so this follows every change
    without a second write per answer; the newest entry is the last one the review's index
    on the log holds (the log is append-only, so its rowids grow)."""
    newest = session.exec(
        select(ChangeLog.created_at).where(ChangeLog.review_id == review.id)
        .order_by(literal_column("change_log.rowid").desc()).limit(1)
    ).first()
    return max(review.updated_at, newest) if newest is not None else review.updated_at


def _summary(session: Session, review: Review, template_title: str) -> ReviewSummary:
    case_files, sampled, answered, expected = _counts(session, review.id)
    return ReviewSummary(
        id=review.id,
        title=review.title,
        unit=review.unit,
        municipality=review.municipality,
        status=review.status,
        template_title=template_title,
        case_files=case_files,
        sampled=sampled,
        answered=answered,
        expected=expected,
        updated=last_changed(session, review),
        diary_number=review.diary_number,
    )


def list_reviews(session: Session) -> list[ReviewSummary]:
    """All reviews, most recently changed first."""
    rows = session.exec(
        select(Review, ReviewTemplate.title)
        .join(ReviewTemplate, col(ReviewTemplate.review_id) == col(Review.id), isouter=True)
        .order_by(col(Review.created_at).desc())
    ).all()
    summaries = [_summary(session, review, title or "") for review, title in rows]
    # Stable: reviews last changed at the same moment stay newest created first.
    return sorted(summaries, key=lambda summary: summary.updated, reverse=True)


def review_detail(session: Session, review_id: str) -> ReviewDetail:
    """A review with its sections and criteria, for the workspace."""
    review = get_review(session, review_id)
    template = session.exec(
        select(ReviewTemplate).where(ReviewTemplate.review_id == review_id)
    ).one()
    sections = session.exec(
        select(ReviewSection).where(ReviewSection.review_id == review_id)
        .order_by(col(ReviewSection.position))
    ).all()
    codes = session.exec(
        select(ReviewCriterion.code).where(ReviewCriterion.review_id == review_id)
        .order_by(col(ReviewCriterion.position))
    ).all()
    return ReviewDetail(
        summary=_summary(session, review, template.title),
        fields=_fields_of(review),
        template_name=template.name,
        template_version=template.version,
        sections=tuple(
            SectionInfo(s.id, s.number, s.title, s.dimension, s.kind) for s in sections
        ),
        criteria_codes=tuple(codes),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def review_document(session: Session, review_id: str) -> dict[str, Any]:
    """Everything the store holds about a review, as JSON-ready data (``kvtui show --json``)."""
    review = get_review(session, review_id)
    detail = review_detail(session, review_id)
    template = session.exec(
        select(ReviewTemplate).where(ReviewTemplate.review_id == review_id)
    ).one()
    criteria = session.exec(
        select(ReviewCriterion).where(ReviewCriterion.review_id == review_id)
        .order_by(col(ReviewCriterion.position))
    ).all()
    case_files = session.exec(
        select(CaseFile).where(CaseFile.review_id == review_id).order_by(col(CaseFile.position))
    ).all()
    summary = detail.summary
    return {
        "id": review.id,
        "short_id": summary.short_id,
        "title": review.title,
        "unit": review.unit,
        "municipality": review.municipality,
        "committee": review.committee,
        "diary_number": review.diary_number,
        "auditors": json.loads(review.auditors_json),
        "period_start": _plain(review.period_start),
        "period_end": _plain(review.period_end),
        "purpose": review.purpose,
        "scope": review.scope,
        "method_text": review.method_text,
        "status": review.status,
        "status_label": summary.status_label,
        "version": review.version,
        "created_at": _plain(review.created_at),
        "updated_at": _plain(review.updated_at),
        "changed_at": _plain(summary.updated),
        "template": {
            "name": template.name,
            "title": template.title,
            "version": template.version,
            "law": template.law,
            "references_checked": _plain(template.references_checked),
        },
        "progress": {
            "case_files": summary.case_files,
            "sampled": summary.sampled,
            "answered": summary.answered,
            "expected": summary.expected,
        },
        "sections": _sections_document(session, review_id, detail.sections),
        "criteria": [
            {
                "id": c.id,
                "code": c.code,
                "question": c.question,
                "kind": c.kind,
                "group": c.group_name,
                "references": json.loads(c.references_json),
                "applies": json.loads(c.applies_json),
                **json.loads(c.params_json),
            }
            for c in criteria
        ],
        "case_files": [
            {"id": f.id, "reference": f.reference, "attributes": json.loads(f.attributes_json)}
            for f in case_files
        ],
        "sample": _sample_document(session, review_id),
        "answers": _answers_document(session, review_id),
        "interviews": _interviews_document(session, review_id),
        "documents": _documents_document(session, review_id),
        **_release_document(session, review_id),
    }


def _release_document(session: Session, review_id: str) -> dict[str, Any]:
    """Fact-check rounds and comments, sign-offs and reopenings (the signed PDF left out)."""
    from dataclasses import asdict

    from kvtui.store.factcheck import list_comments, rounds
    from kvtui.store.signoff import reopenings, sign_offs

    def plain(view: Any) -> dict[str, Any]:
        return {key: _plain(value) for key, value in asdict(view).items()}

    return {
        "factcheck": {"rounds": [plain(r) for r in rounds(session, review_id)],
                      "comments": [plain(c) for c in list_comments(session, review_id)]},
        "sign_offs": [plain(s) for s in sign_offs(session, review_id)],
        "reopenings": [plain(r) for r in reopenings(session, review_id)],
    }


def _evidence_document(evidence: Any) -> list[dict[str, Any]]:
    return [{"kind": e.kind, "target_id": e.target_id, "label": e.label} for e in evidence]


def _sections_document(
    session: Session, review_id: str, sections: tuple[SectionInfo, ...]
) -> list[dict[str, Any]]:
    """Each section as stored, with its level, text and statements."""
    from kvtui.store.assessments import review_sections

    views = {view.id: view for view in review_sections(session, review_id)}
    entries = []
    for s in sections:
        view = views[s.id]
        entries.append({
            "id": s.id, "number": s.number, "title": s.title, "dimension": s.dimension,
            "kind": s.kind, "level": view.level, "text": view.text,
            "assessments": [
                {"id": a.id, "statement": a.statement, "rating": a.rating,
                 "rating_label": a.rating_label, "in_summary": a.in_summary,
                 "position": a.position, "evidence": _evidence_document(a.evidence)}
                for a in view.assessments
            ],
        })
    return entries


def _interviews_document(session: Session, review_id: str) -> list[dict[str, Any]]:
    from kvtui.store.interviews import list_interviews

    return [
        {"id": i.id, "held_on": _plain(i.held_on), "roles": list(i.roles),
         "participants": i.participants, "form": i.form, "notes": i.notes,
         "observations": [
             {"id": o.id, "text": o.text, "section_ids": list(o.section_ids)}
             for o in i.observations
         ]}
        for i in list_interviews(session, review_id)
    ]


def _documents_document(session: Session, review_id: str) -> list[dict[str, Any]]:
    from kvtui.store.documents import list_documents

    return [
        {"id": d.id, "title": d.title, "kind": d.kind, "dated": _plain(d.dated),
         "provided_by": d.provided_by}
        for d in list_documents(session, review_id)
    ]


def _sample_document(session: Session, review_id: str) -> dict[str, Any] | None:
    from kvtui.store.sampling import current_sample

    info = current_sample(session, review_id)
    if info is None:
        return None
    return {
        "method": info.method,
        "seed": info.seed,
        "population_size": info.population_size,
        "target_size": info.target_size,
        "fraction": info.fraction,
        "stratify_by": info.stratify_by,
        "drawn_by": info.drawn_by,
        "drawn_at": _plain(info.drawn_at),
        "items": [
            {"reference": i.reference, "position": i.position, "status": i.status,
             "replaced_reason": i.replaced_reason, "replaced_by": i.replaced_by}
            for i in info.items
        ],
    }


def _answers_document(session: Session, review_id: str) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Answer, CaseFile.reference, ReviewCriterion.code)
        .join(CaseFile, col(CaseFile.id) == col(Answer.case_file_id))
        .join(ReviewCriterion, col(ReviewCriterion.id) == col(Answer.criterion_id))
        .where(Answer.review_id == review_id)
        .order_by(col(CaseFile.position), col(ReviewCriterion.position))
    ).all()
    return [
        {"akt": reference, "criterion": code, "value": a.value,
         "start_date": _plain(a.start_date), "end_date": _plain(a.end_date),
         "number": a.number, "computed_value": a.computed_value,
         "override_reason": a.override_reason, "comment": a.comment}
        for a, reference, code in rows
    ]
