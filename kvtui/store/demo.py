"""Writes the built-in demo review into a store."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, select

from kvtui.domain.demo import (
    DEMO_FIELDS,
    DEMO_SAMPLE_FRACTION,
    DEMO_SAMPLE_SEED,
    DEMO_STRATIFY_BY,
    DEMO_TEMPLATE,
    demo_answers,
    demo_case_files,
)
from kvtui.store.answers import review_criteria, save_answer
from kvtui.store.casefiles import add_case_files
from kvtui.store.models import Review
from kvtui.store.reviews import create_review
from kvtui.store.sampling import draw_sample
from kvtui.store.template_library import load_template


def create_demo(
    session: Session, templates_dir: Path | None = None, *, file_review: bool = True
) -> str:
    """Create the demo review: its 44 case files, and unless ``file_review`` is False a drawn
    sample of about 30 % with an answer for every criterion. Returns its id."""
    template, text = load_template(DEMO_TEMPLATE, templates_dir)
    review_id = create_review(session, template, text, DEMO_FIELDS)
    add_case_files(session, review_id, demo_case_files())
    if file_review:
        add_demo_file_review(session, review_id)
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


def find_demo(session: Session) -> str | None:
    """The id of a demo review already in the store, so running the demo twice opens it again."""
    return session.exec(
        select(Review.id)
        .where(Review.title == DEMO_FIELDS.title, Review.diary_number == DEMO_FIELDS.diary_number)
        .order_by(col(Review.created_at)).limit(1)
    ).first()
