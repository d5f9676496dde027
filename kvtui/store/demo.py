"""Writes the built-in demo review into a store."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, select

from kvtui.domain.demo import (
    DEMO_FIELDS,
    DEMO_REFERENCES,
    DEMO_SAMPLE_FRACTION,
    DEMO_SAMPLE_SEED,
    DEMO_STRATIFY_BY,
    DEMO_TEMPLATE,
    demo_answers,
    demo_case_files,
)
from kvtui.domain.demo_judgement import (
    DEMO_ASSESSMENTS,
    DEMO_DOCUMENTS,
    DEMO_INTERVIEWS,
    DEMO_SECTION_TEXTS,
)
from kvtui.domain.judgement import DocumentFields, InterviewFields
from kvtui.domain.section_kinds import written
from kvtui.store.answers import review_criteria, save_answer
from kvtui.store.assessments import (
    add_assessment,
    link_evidence,
    review_sections,
    set_section_text,
)
from kvtui.store.casefiles import add_case_files
from kvtui.store.criteria import set_reference
from kvtui.store.documents import add_document
from kvtui.store.interviews import add_interview, add_observation
from kvtui.store.models import Review, ReviewSection
from kvtui.store.reviews import create_review
from kvtui.store.sampling import draw_sample
from kvtui.store.template_library import load_template


def create_demo(
    session: Session,
    templates_dir: Path | None = None,
    *,
    file_review: bool = True,
    judgement: bool | None = None,
) -> str:
    """Create the demo review: its 44 case files, and unless ``file_review`` is False a drawn
    sample of about 30 % with an answer for every criterion. Unless ``judgement`` is False
    (by default it follows ``file_review``), also interviews, documents, section texts and
    rated statements with their evidence. Returns its id."""
    template, text = load_template(DEMO_TEMPLATE, templates_dir)
    review_id = create_review(session, template, text, DEMO_FIELDS)
    for code, reference in DEMO_REFERENCES.items():
        set_reference(session, review_id, code, reference)
    add_case_files(session, review_id, demo_case_files())
    if file_review:
        add_demo_file_review(session, review_id)
    if file_review if judgement is None else judgement:
        add_demo_judgement(session, review_id)
    return review_id


def add_demo_file_review(session: Session, review_id: str) -> None:
    """Draw the demo's stratified sample and answer every criterion for each sampled akt."""
    sample = draw_sample(session, review_id, method="stratified", fraction=DEMO_SAMPLE_FRACTION,
                         stratify_by=DEMO_STRATIFY_BY, seed=DEMO_SAMPLE_SEED)
    views = review_criteria(session, review_id)
    by_code = {view.code: view.id for view in views}
    on = DEMO_FIELDS.period_end
    assert on is not None
    for index, akt in enumerate(sample.active):
        for answer in demo_answers([v.criterion for v in views], akt.attributes, on, index):
            save_answer(session, review_id, akt.case_file_id, by_code[answer.code], answer.value,
                        start=answer.start, end=answer.end, number=answer.number,
                        comment=answer.comment, commit=False)
    session.commit()


def add_demo_judgement(session: Session, review_id: str) -> None:
    """Write the demo's interviews, documents, section texts and statements with evidence,
    in one transaction."""
    # Rows held here stay in the session's identity map, so the checks below do not reload them.
    held = [session.get(Review, review_id),
            *session.exec(select(ReviewSection).where(ReviewSection.review_id == review_id))]
    sections = {s.number: s.id for s in review_sections(session, review_id) if written(s.kind)}
    targets: dict[tuple[str, str], str] = {
        ("criterion", view.code): view.id for view in review_criteria(session, review_id)
    }
    for interview in DEMO_INTERVIEWS:
        view = add_interview(session, review_id, InterviewFields(
            held_on=interview.held_on, roles=interview.roles,
            participants=interview.participants, form=interview.form, notes=interview.notes,
        ), commit=False)
        for observation in interview.observations:
            added = add_observation(session, review_id, view.id, observation.text,
                                    [sections[number] for number in observation.sections],
                                    commit=False)
            targets["observation", observation.key] = added.id
    for document in DEMO_DOCUMENTS:
        doc = add_document(session, review_id, DocumentFields(
            title=document.title, kind=document.kind, dated=document.dated,
            provided_by=document.provided_by,
        ), commit=False)
        targets["document", document.key] = doc.id
    for number, text in DEMO_SECTION_TEXTS.items():
        set_section_text(session, review_id, sections[number], text, commit=False)
    for item in DEMO_ASSESSMENTS:
        assessment = add_assessment(session, review_id, sections[item.section], item.statement,
                                    rating=item.rating, in_summary=item.in_summary,
                                    commit=False)
        for kind, key in item.evidence:
            link_evidence(session, review_id, assessment.id, kind, targets[kind, key],
                          commit=False)
    session.commit()
    del held


def find_demo(session: Session) -> str | None:
    """The id of a demo review already in the store, so running the demo twice opens it again."""
    return session.exec(
        select(Review.id)
        .where(Review.title == DEMO_FIELDS.title, Review.diary_number == DEMO_FIELDS.diary_number)
        .order_by(col(Review.created_at)).limit(1)
    ).first()
