"""Everything the store holds about a review as one JSON-ready document
(``kvtui show --json``): a read model over every part of the review.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from kvtui.domain.reviews import SectionInfo
from kvtui.store.assessments import review_sections
from kvtui.store.documents import list_documents
from kvtui.store.factcheck import list_comments, rounds
from kvtui.store.interviews import list_interviews
from kvtui.store.models import Answer, CaseFile, ReviewCriterion, ReviewTemplate
from kvtui.store.previous_review import previous_review_id
from kvtui.store.review_detail import review_detail
from kvtui.store.reviews import get_review
from kvtui.store.sampling import current_sample
from kvtui.store.signoff import reopenings, sign_offs


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
        "previous_review_id": previous_review_id(session, review_id),
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
    return [
        {"id": d.id, "title": d.title, "kind": d.kind, "dated": _plain(d.dated),
         "provided_by": d.provided_by}
        for d in list_documents(session, review_id)
    ]


def _sample_document(session: Session, review_id: str) -> dict[str, Any] | None:
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
