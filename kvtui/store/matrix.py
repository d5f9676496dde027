"""The file-review matrix: sampled akter × criteria, read one page at a time.

A review may sample 3,000 akter. The matrix shows one page of them, read with ONE query that
takes a page of the sample's active items in drawn order, joins their case files, crosses them
with the review's criteria and left-joins the answers, so the hundredth page costs what the
first does. Rows come back in the order of ``current_sample(...).active`` and values in the
order of ``review_criteria``.
"""

from __future__ import annotations

from sqlalchemy import ScalarSelect, and_
from sqlmodel import Session, col, func, select

from kvtui.store.models import Answer, CaseFile, ReviewCriterion, Sample, SampleItem

# (akt reference, case file id, one answer code per criterion in template order; "" = none)
MatrixRow = tuple[str, str, list[str]]


def _latest_sample_id(review_id: str) -> ScalarSelect[str]:
    """The review's current sample (the latest drawn), as a subquery."""
    return (
        select(Sample.id).where(Sample.review_id == review_id)
        .order_by(col(Sample.drawn_at).desc()).limit(1).scalar_subquery()
    )


def matrix_size(session: Session, review_id: str) -> int:
    """How many akter the matrix has: the sample's active akter (0 before drawing)."""
    return int(session.exec(
        select(func.count()).select_from(SampleItem).where(
            SampleItem.sample_id == _latest_sample_id(review_id),
            SampleItem.status == "active",
        )
    ).one())


def matrix_page(session: Session, review_id: str, offset: int, limit: int) -> list[MatrixRow]:
    """Akter ``offset`` .. ``offset + limit - 1`` (0-based, drawn order) with their answers."""
    if limit <= 0 or offset < 0:
        return []
    page = (
        select(SampleItem.case_file_id, SampleItem.position)
        .where(SampleItem.sample_id == _latest_sample_id(review_id),
               SampleItem.status == "active")
        .order_by(col(SampleItem.position))
        .limit(limit).offset(offset)
        .subquery()
    )
    statement = (
        select(CaseFile.reference, CaseFile.id, Answer.value)
        .select_from(page)
        .join(CaseFile, col(CaseFile.id) == page.c.case_file_id)
        .join(ReviewCriterion, col(ReviewCriterion.review_id) == review_id)
        .outerjoin(Answer, and_(col(Answer.case_file_id) == col(CaseFile.id),
                                col(Answer.criterion_id) == col(ReviewCriterion.id)))
        .order_by(page.c.position, col(ReviewCriterion.position))
    )
    rows: list[MatrixRow] = []
    for reference, case_file_id, value in session.exec(statement):
        if not rows or rows[-1][1] != case_file_id:
            rows.append((reference, case_file_id, []))
        rows[-1][2].append(value or "")
    return rows


def answered_per_akt(session: Session, review_id: str) -> dict[str, int]:
    """How many criteria each akt of the review has an answer for, by case file id."""
    rows = session.exec(
        select(Answer.case_file_id, func.count())
        .where(Answer.review_id == review_id)
        .group_by(col(Answer.case_file_id))
    ).all()
    return {case_file_id: int(count) for case_file_id, count in rows}
