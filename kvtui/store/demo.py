"""Writes the built-in demo review into a store."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, select

from kvtui.domain.demo import DEMO_FIELDS, DEMO_TEMPLATE, demo_case_files
from kvtui.store.casefiles import add_case_files
from kvtui.store.models import Review
from kvtui.store.reviews import create_review
from kvtui.store.template_library import load_template


def create_demo(session: Session, templates_dir: Path | None = None) -> str:
    """Create the demo review with its population of case files; returns its id."""
    template, text = load_template(DEMO_TEMPLATE, templates_dir)
    review_id = create_review(session, template, text, DEMO_FIELDS)
    add_case_files(session, review_id, demo_case_files())
    return review_id


def find_demo(session: Session) -> str | None:
    """The id of a demo review already in the store, so running the demo twice opens it again."""
    return session.exec(
        select(Review.id)
        .where(Review.title == DEMO_FIELDS.title, Review.diary_number == DEMO_FIELDS.diary_number)
        .order_by(col(Review.created_at)).limit(1)
    ).first()
