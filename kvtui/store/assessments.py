"""Bedömningar: the report sections' texts, their rated statements, and the evidence behind them.

A statement (assessment) stands in a section of kind "text", has a rating (Grön, Gul, Röd or
none), may be chosen for the summary table, and cites evidence: criteria of the file review,
interview observations and documents read. ``citing`` answers the reverse question: which
statements rest on this piece of evidence.

Every write checks its input first (nothing is written on refusal), adds its change-log entry
in the same transaction and commits before returning.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date

from sqlmodel import Session, col, func, select

from kvtui.domain.judgement import (
    AssessmentView,
    EvidenceView,
    SectionView,
    inherited_dimensions,
    interview_label,
    missing_before_report,
    rating_problem,
    section_level,
    short_text,
    swedish_sort_key,
)
from kvtui.domain.safe_text import typed_text
from kvtui.domain.section_kinds import text_only, written
from kvtui.store import changelog
from kvtui.store.answers import unreferenced_codes
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import finish, writable_review
from kvtui.store.interviews import list_interviews
from kvtui.store.models import (
    Assessment,
    Document,
    EvidenceLink,
    Interview,
    Observation,
    ReviewCriterion,
    ReviewSection,
    SectionText,
    utcnow,
)
from kvtui.store.ordering import move_among
from kvtui.store.review_detail import unanswered_criteria
from kvtui.store.sampling import unreviewed_akter

# The evidence_link column that holds each kind of evidence.
_COLUMNS = {"criterion": "criterion_id", "observation": "observation_id",
            "document": "document_id"}
_KIND_ORDER = {kind: index for index, kind in enumerate(_COLUMNS)}
_NOT_FOUND = {"criterion": "Kriteriet finns inte.", "observation": "Iakttagelsen finns inte.",
              "document": "Dokumentet finns inte."}


def _heading(section: ReviewSection) -> str:
    return f"{section.number} {section.title}" if section.number else section.title


def _section_row(session: Session, review_id: str, section_id: str, *,
                 text: bool = False) -> ReviewSection:
    """The review's section of kind "text" (or, for its ``text``, one that has a text but no
    statements); refused for another review's or another kind."""
    row = session.get(ReviewSection, section_id)
    if row is None:
        raise NotFound("Avsnittet finns inte.")
    if row.review_id != review_id:
        raise InvalidInput("Avsnittet hör inte till granskningen.")
    if not written(row.kind) and not (text and text_only(row.kind)):
        raise InvalidInput(
            f"Avsnittet {_heading(row)} fylls i av kvtui eller i granskningens uppgifter; "
            "det har ingen egen text eller bedömningar."
        )
    return row


def _assessment_row(
    session: Session, review_id: str, assessment_id: str
) -> tuple[Assessment, ReviewSection]:
    row = session.get(Assessment, assessment_id)
    section = session.get(ReviewSection, row.section_id) if row is not None else None
    if row is None or section is None or section.review_id != review_id:
        raise NotFound("Bedömningen finns inte i granskningen.")
    return row, section


def _checked_statement(statement: str) -> str:
    statement = typed_text(statement).strip()
    if not statement:
        raise InvalidInput("Bedömningen är tom. Skriv vad granskningen visar.")
    return statement


def _checked_rating(rating: str) -> str:
    problem = rating_problem(rating)
    if problem:
        raise InvalidInput(problem)
    return rating


def _checked_kind(kind: str) -> str:
    if kind not in _COLUMNS:
        raise InvalidInput(
            f"Okänd sorts underlag '{kind}'. Välj kriterium, iakttagelse eller dokument."
        )
    return kind


# --- Evidence labels --------------------------------------------------------------------------


def _observation_label(text: str, held_on: date | None, roles_json: str) -> str:
    label = interview_label(held_on, json.loads(roles_json))
    return f"Intervju {label}: ”{short_text(text, 60)}”"


def _labels(session: Session, wanted: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """Labels for evidence targets, by (kind, id)."""
    labels: dict[tuple[str, str], str] = {}
    if wanted.get("criterion"):
        for cid, code, question in session.exec(
            select(ReviewCriterion.id, ReviewCriterion.code, ReviewCriterion.question)
            .where(col(ReviewCriterion.id).in_(wanted["criterion"]))
        ).all():
            labels["criterion", cid] = f"{code} {question}"
    if wanted.get("observation"):
        for oid, text, held_on, roles_json in session.exec(
            select(Observation.id, Observation.text, col(Interview.held_on),
                   Interview.roles_json)
            .join(Interview, col(Interview.id) == col(Observation.interview_id))
            .where(col(Observation.id).in_(wanted["observation"]))
        ).all():
            labels["observation", oid] = _observation_label(text, held_on, roles_json)
    if wanted.get("document"):
        for did, title in session.exec(
            select(Document.id, Document.title).where(col(Document.id).in_(wanted["document"]))
        ).all():
            labels["document", did] = title
    return labels


def _new_link(assessment_id: str, kind: str, target_id: str) -> EvidenceLink:
    """A link from the assessment to the target, in the column its kind names."""
    link = EvidenceLink(assessment_id=assessment_id)
    setattr(link, _COLUMNS[kind], target_id)
    return link


def _link_target(link: EvidenceLink) -> tuple[str, str]:
    for kind, column in _COLUMNS.items():
        target = getattr(link, column)
        if target is not None:
            return kind, target
    raise AssertionError("evidence link without a target")  # the table's CHECK forbids it


def _evidence_for(session: Session, assessment_ids: Sequence[str]) -> dict[str, list[EvidenceView]]:
    if not assessment_ids:
        return {}
    links = session.exec(
        select(EvidenceLink).where(col(EvidenceLink.assessment_id).in_(list(assessment_ids)))
        .order_by(col(EvidenceLink.created_at), col(EvidenceLink.id))
    ).all()
    targets = [(link.assessment_id, *_link_target(link)) for link in links]
    wanted: dict[str, set[str]] = {}
    for _aid, kind, target in targets:
        wanted.setdefault(kind, set()).add(target)
    labels = _labels(session, wanted)
    found: dict[str, list[EvidenceView]] = {}
    for aid, kind, target in targets:
        found.setdefault(aid, []).append(EvidenceView(kind, target, labels.get((kind, target), "")))
    for views in found.values():
        views.sort(key=lambda v: _KIND_ORDER[v.kind])  # stable: added order within a kind
    return found


def _views(
    session: Session, rows: Sequence[tuple[Assessment, ReviewSection]]
) -> list[AssessmentView]:
    evidence = _evidence_for(session, [a.id for a, _s in rows])
    return [
        AssessmentView(
            id=a.id, statement=a.statement, rating=a.rating, in_summary=a.in_summary,
            position=a.position, evidence=tuple(evidence.get(a.id, ())),
            section_id=s.id, section_number=s.number,
        )
        for a, s in rows
    ]


# --- Reading ----------------------------------------------------------------------------------


def review_sections(session: Session, review_id: str) -> list[SectionView]:
    """The review's report sections in order, with inherited dimension, text and statements."""
    rows = session.exec(
        select(ReviewSection).where(ReviewSection.review_id == review_id)
        .order_by(col(ReviewSection.position))
    ).all()
    texts = dict(session.exec(
        select(SectionText.section_id, SectionText.text)
        .join(ReviewSection, col(ReviewSection.id) == col(SectionText.section_id))
        .where(ReviewSection.review_id == review_id)
    ).all())
    pairs = session.exec(
        select(Assessment, ReviewSection)
        .join(ReviewSection, col(ReviewSection.id) == col(Assessment.section_id))
        .where(ReviewSection.review_id == review_id)
        .order_by(col(Assessment.position), col(Assessment.created_at))
    ).all()
    by_section: dict[str, list[AssessmentView]] = {}
    for view in _views(session, pairs):
        by_section.setdefault(view.section_id, []).append(view)
    dimensions = inherited_dimensions((row.number, row.dimension) for row in rows)
    return [
        SectionView(
            id=row.id, number=row.number, title=row.title, dimension=dimension, kind=row.kind,
            level=section_level(row.number), text=texts.get(row.id, ""),
            assessments=tuple(by_section.get(row.id, ())),
        )
        for row, dimension in zip(rows, dimensions, strict=True)
    ]


def get_section(session: Session, review_id: str, section_id: str) -> SectionView:
    """One section of the review with its text and statements."""
    for section in review_sections(session, review_id):
        if section.id == section_id:
            return section
    raise NotFound("Avsnittet finns inte i granskningen.")


def get_assessment(session: Session, review_id: str, assessment_id: str) -> AssessmentView:
    """One statement with its evidence."""
    return _views(session, [_assessment_row(session, review_id, assessment_id)])[0]


def citing(session: Session, kind: str, target_id: str) -> list[AssessmentView]:
    """The statements that cite this evidence (a criterion, observation or document id)."""
    column = getattr(EvidenceLink, _COLUMNS[_checked_kind(kind)])
    pairs = session.exec(
        select(Assessment, ReviewSection)
        .join(ReviewSection, col(ReviewSection.id) == col(Assessment.section_id))
        .where(col(Assessment.id).in_(
            select(EvidenceLink.assessment_id).where(column == target_id)
        ))
        .order_by(col(ReviewSection.position), col(Assessment.position))
    ).all()
    return _views(session, pairs)


def evidence_options(session: Session, review_id: str) -> list[EvidenceView]:
    """Everything a statement of the review can cite: criteria, observations, documents."""
    options = [
        EvidenceView("criterion", cid, f"{code} {question}")
        for cid, code, question in session.exec(
            select(ReviewCriterion.id, ReviewCriterion.code, ReviewCriterion.question)
            .where(ReviewCriterion.review_id == review_id)
            .order_by(col(ReviewCriterion.position))
        ).all()
    ]
    options += [
        EvidenceView("observation", oid, _observation_label(text, held_on, roles_json))
        for oid, text, held_on, roles_json in session.exec(
            select(Observation.id, Observation.text, col(Interview.held_on),
                   Interview.roles_json)
            .join(Interview, col(Interview.id) == col(Observation.interview_id))
            .where(Interview.review_id == review_id)
            .order_by(col(Interview.held_on).is_(None), col(Interview.held_on),
                      col(Interview.created_at), col(Observation.position))
        ).all()
    ]
    documents = session.exec(
        select(Document.id, Document.title).where(Document.review_id == review_id)
    ).all()
    options += [
        EvidenceView("document", did, title)
        for did, title in sorted(documents, key=lambda d: swedish_sort_key(d[1]))
    ]
    return options


def missing_for_review(session: Session, review_id: str) -> list[str]:
    """What is missing before a report of this review, in Swedish (see the domain's rules)."""
    unreviewed, sampled = unreviewed_akter(session, review_id)
    return missing_before_report(
        review_sections(session, review_id),
        list_interviews(session, review_id),
        unanswered_criteria(session, review_id),
        (len(unreviewed), sampled),
        unreferenced_codes(session, review_id),
    )


# --- Section texts ----------------------------------------------------------------------------


def set_section_text(
    session: Session, review_id: str, section_id: str, text: str, *, commit: bool = True
) -> None:
    """Save a section's text (called as the auditor types); nothing is written if unchanged."""
    writable_review(session, review_id, "bedömningarna")
    section = _section_row(session, review_id, section_id, text=True)
    row = session.exec(select(SectionText).where(SectionText.section_id == section_id)).first()
    old = row.text if row is not None else ""
    if row is not None and old == text:
        return
    if row is None:
        row = SectionText(section_id=section_id, text=text)
        action = "create"
    else:
        row.text = text
        row.updated_at = utcnow()
        action = "update"
    session.add(row)
    changelog.append(session, review_id=review_id, entity="section_text", entity_id=row.id,
                     action=action, changes={"section": _heading(section), "text": [old, text]})
    finish(session, commit)


# --- Statements -------------------------------------------------------------------------------


def add_assessment(
    session: Session,
    review_id: str,
    section_id: str,
    statement: str,
    *,
    rating: str = "",
    in_summary: bool = False,
    commit: bool = True,
) -> AssessmentView:
    """Add a statement at the end of a section. Not in the summary unless asked for."""
    writable_review(session, review_id, "bedömningarna")
    section = _section_row(session, review_id, section_id)
    statement = _checked_statement(statement)
    rating = _checked_rating(rating)
    last = session.exec(
        select(func.max(Assessment.position)).where(Assessment.section_id == section_id)
    ).one()
    row = Assessment(section_id=section_id, statement=statement, rating=rating,
                     in_summary=in_summary, position=0 if last is None else int(last) + 1)
    session.add(row)
    changelog.append(session, review_id=review_id, entity="assessment", entity_id=row.id,
                     action="create",
                     changes={"section": _heading(section), "statement": statement,
                              "rating": rating, "in_summary": in_summary})
    finish(session, commit)
    return _views(session, [(row, section)])[0]


def update_assessment(
    session: Session,
    review_id: str,
    assessment_id: str,
    *,
    statement: str | None = None,
    rating: str | None = None,
    in_summary: bool | None = None,
) -> AssessmentView:
    """Change a statement's wording, rating or place in the summary (None: unchanged)."""
    writable_review(session, review_id, "bedömningarna")
    row, section = _assessment_row(session, review_id, assessment_id)
    new: dict[str, object] = {}
    if statement is not None:
        new["statement"] = _checked_statement(statement)
    if rating is not None:
        new["rating"] = _checked_rating(rating)
    if in_summary is not None:
        new["in_summary"] = bool(in_summary)
    changes = changelog.diff({key: getattr(row, key) for key in new}, new)
    if changes:
        for key, value in new.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        session.add(row)
        changelog.append(session, review_id=review_id, entity="assessment", entity_id=row.id,
                         action="update", changes={"section": _heading(section), **changes})
        session.commit()
    return _views(session, [(row, section)])[0]


def set_rating(
    session: Session, review_id: str, assessment_id: str, rating: str
) -> AssessmentView:
    """Rate a statement "gron", "gul", "rod" or "" (none)."""
    return update_assessment(session, review_id, assessment_id, rating=rating)


def set_in_summary(
    session: Session, review_id: str, assessment_id: str, in_summary: bool
) -> AssessmentView:
    """Choose whether a statement goes into the summary table."""
    return update_assessment(session, review_id, assessment_id, in_summary=in_summary)


def move_assessment(session: Session, review_id: str, assessment_id: str, offset: int) -> None:
    """Move a statement up (negative) or down (positive) within its section."""
    writable_review(session, review_id, "bedömningarna")
    row, section = _assessment_row(session, review_id, assessment_id)
    siblings = list(session.exec(
        select(Assessment).where(Assessment.section_id == row.section_id)
        .order_by(col(Assessment.position), col(Assessment.created_at))
    ).all())
    moved = move_among(session, siblings, row.id, offset)
    if moved is None:
        return
    index, target = moved
    changelog.append(session, review_id=review_id, entity="assessment", entity_id=row.id,
                     action="move",
                     changes={"section": _heading(section), "position": [index, target]})
    session.commit()


def delete_assessment(session: Session, review_id: str, assessment_id: str) -> None:
    """Remove a statement with its evidence links."""
    writable_review(session, review_id, "bedömningarna")
    row, section = _assessment_row(session, review_id, assessment_id)
    changes = {"section": _heading(section), "statement": [row.statement, None],
               "rating": [row.rating, None]}
    session.delete(row)
    changelog.append(session, review_id=review_id, entity="assessment",
                     entity_id=assessment_id, action="delete", changes=changes)
    session.commit()


# --- Evidence ---------------------------------------------------------------------------------


def _target_review(session: Session, kind: str, target_id: str) -> str | None:
    """The review a piece of evidence belongs to, None when it does not exist."""
    if kind == "criterion":
        criterion = session.get(ReviewCriterion, target_id)
        return criterion.review_id if criterion else None
    if kind == "observation":
        return session.exec(
            select(Interview.review_id)
            .join(Observation, col(Observation.interview_id) == col(Interview.id))
            .where(Observation.id == target_id)
        ).first()
    document = session.get(Document, target_id)
    return document.review_id if document else None


def _existing_link(
    session: Session, assessment_id: str, kind: str, target_id: str
) -> EvidenceLink | None:
    column = getattr(EvidenceLink, _COLUMNS[kind])
    return session.exec(
        select(EvidenceLink)
        .where(EvidenceLink.assessment_id == assessment_id, column == target_id)
    ).first()


def link_evidence(
    session: Session,
    review_id: str,
    assessment_id: str,
    kind: str,
    target_id: str,
    *,
    commit: bool = True,
) -> EvidenceView:
    """Let a statement cite a criterion, an observation or a document of the same review.

    Linking what is already linked changes nothing.
    """
    writable_review(session, review_id, "bedömningarna")
    row, section = _assessment_row(session, review_id, assessment_id)
    kind = _checked_kind(kind)
    owner = _target_review(session, kind, target_id)
    if owner is None:
        raise NotFound(_NOT_FOUND[kind])
    if owner != review_id:
        raise InvalidInput("Underlaget hör till en annan granskning.")
    label = _labels(session, {kind: {target_id}}).get((kind, target_id), "")
    if _existing_link(session, row.id, kind, target_id) is None:
        link = _new_link(row.id, kind, target_id)
        session.add(link)
        changelog.append(session, review_id=review_id, entity="evidence_link", entity_id=link.id,
                         action="create",
                         changes={"section": _heading(section), "assessment_id": row.id,
                                  "kind": kind, "target_id": target_id, "label": label})
        finish(session, commit)
    return EvidenceView(kind, target_id, label)


def set_evidence(
    session: Session,
    review_id: str,
    assessment_id: str,
    evidence: Iterable[tuple[str, str]],
) -> AssessmentView:
    """Make a statement cite exactly these (kind, target id) pairs, in one transaction."""
    writable_review(session, review_id, "bedömningarna")
    row, section = _assessment_row(session, review_id, assessment_id)
    wanted = list(dict.fromkeys((_checked_kind(kind), target) for kind, target in evidence))
    for kind, target in wanted:
        owner = _target_review(session, kind, target)
        if owner is None:
            raise NotFound(_NOT_FOUND[kind])
        if owner != review_id:
            raise InvalidInput("Underlaget hör till en annan granskning.")
    links = session.exec(select(EvidenceLink).where(EvidenceLink.assessment_id == row.id)).all()
    current = {_link_target(link): link for link in links}
    removed = [pair for pair in current if pair not in wanted]
    added = [pair for pair in wanted if pair not in current]
    if removed or added:
        for pair in removed:
            session.delete(current[pair])
        for kind, target in added:
            session.add(_new_link(row.id, kind, target))
        changelog.append(session, review_id=review_id, entity="assessment", entity_id=row.id,
                         action="evidence",
                         changes={"section": _heading(section),
                                  "removed": [list(pair) for pair in removed],
                                  "added": [list(pair) for pair in added]})
        session.commit()
    return _views(session, [(row, section)])[0]
