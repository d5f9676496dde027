"""Reviews as the app lists and opens them: progress counts, last change, sections.

A read model: it writes nothing. ``unanswered_criteria`` counts the answers still missing
without building a whole summary.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import literal_column
from sqlmodel import Session, col, func, select

from kvtui.domain.filereview import ACTIVE
from kvtui.domain.reviews import ReviewDetail, ReviewSummary, SectionInfo
from kvtui.store.merge_conflicts import open_count
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
)
from kvtui.store.reviews import get_review, review_fields


def _latest_sample(session: Session, review_id: str) -> Sample | None:
    return session.exec(
        select(Sample).where(Sample.review_id == review_id)
        .order_by(col(Sample.drawn_at).desc()).limit(1)
    ).first()


def _answer_progress(session: Session, review_id: str) -> tuple[int, int, int]:
    """Sampled akter, answers given for them and answers expected (0, 0, 0 before a sample
    is drawn)."""
    sample = _latest_sample(session, review_id)
    if sample is None:
        return 0, 0, 0
    criteria = session.exec(
        select(func.count()).select_from(ReviewCriterion)
        .where(ReviewCriterion.review_id == review_id)
    ).one()
    sampled_ids = select(SampleItem.case_file_id).where(
        SampleItem.sample_id == sample.id, SampleItem.status == ACTIVE
    )
    sampled = session.exec(
        select(func.count()).select_from(SampleItem)
        .where(SampleItem.sample_id == sample.id, SampleItem.status == ACTIVE)
    ).one()
    answered = session.exec(
        select(func.count()).select_from(Answer)
        .where(Answer.review_id == review_id, col(Answer.case_file_id).in_(sampled_ids))
    ).one()
    return int(sampled), int(answered), int(sampled) * int(criteria)


def unanswered_criteria(session: Session, review_id: str) -> int:
    """Answers still missing for the sampled akter (0 before a sample is drawn)."""
    _sampled, answered, expected = _answer_progress(session, review_id)
    return max(0, expected - answered)


def _counts(session: Session, review_id: str) -> tuple[int, int, int, int]:
    """Case files, sampled akter, answers given and answers expected."""
    case_files = session.exec(
        select(func.count()).select_from(CaseFile).where(CaseFile.review_id == review_id)
    ).one()
    return (int(case_files), *_answer_progress(session, review_id))


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
        fields=review_fields(review),
        template_name=template.name,
        template_version=template.version,
        sections=tuple(
            SectionInfo(s.id, s.number, s.title, s.dimension, s.kind) for s in sections
        ),
        criteria_codes=tuple(codes),
        open_conflicts=open_count(session.connection(), review_id),
    )
