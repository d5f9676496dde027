"""File-review results per criterion, from the answers of the akter in the sample."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session, col, select

from kvtui.domain.results import CriterionRow, ReviewResults
from kvtui.domain.statistics import (
    CriterionCounts,
    criterion_result,
    stratified_results,
)
from kvtui.domain.vocabulary import AnswerValue
from kvtui.store.answers import review_criteria
from kvtui.store.models import Answer
from kvtui.store.sampling import current_sample, population


def _counts(values: list[str]) -> CriterionCounts:
    tally = Counter(values)
    return CriterionCounts(tally[AnswerValue.YES], tally[AnswerValue.PARTLY],
                           tally[AnswerValue.NO], tally[AnswerValue.NOT_APPLICABLE])


def review_results(session: Session, review_id: str) -> ReviewResults | None:
    """Results for every criterion, or None before a sample is drawn."""
    sample = current_sample(session, review_id)
    if sample is None:
        return None
    active = {item.case_file_id: item for item in sample.active}
    answers = session.exec(
        select(Answer).where(Answer.review_id == review_id,
                             col(Answer.case_file_id).in_(list(active)))
    ).all()
    by_criterion: dict[str, list[Answer]] = {}
    for answer in answers:
        by_criterion.setdefault(answer.criterion_id, []).append(answer)
    strata_sizes: Counter[str] = Counter()
    if sample.stratify_by:
        strata_sizes = Counter(
            item.attributes.get(sample.stratify_by, "") for item in population(session, review_id)
        )
    rows = []
    criteria = review_criteria(session, review_id)
    ids = {view.id for view in criteria}
    given_per_akt = Counter(a.case_file_id for a in answers if a.criterion_id in ids)
    reviewed = sum(1 for akt in active if given_per_akt[akt] >= len(criteria))
    for view in criteria:
        given = by_criterion.get(view.id, [])
        overall = criterion_result(_counts([a.value for a in given]), sample.population_size)
        strata = None
        if strata_sizes:
            per_stratum: dict[str, list[str]] = {}
            for answer in given:
                stratum = active[answer.case_file_id].attributes.get(sample.stratify_by, "")
                per_stratum.setdefault(stratum, []).append(answer.value)
            strata = stratified_results(
                {name: _counts(values) for name, values in per_stratum.items()},
                dict(sorted(strata_sizes.items())),
            )
        rows.append(CriterionRow(view.code, view.criterion.question, view.reference, overall,
                                 len(active) - len(given), strata,
                                 deviation=view.criterion.deviation, design=sample.method))
    return ReviewResults(sample.population_size, len(active), sample.method, sample.seed,
                         sample.stratify_by, tuple(rows), reviewed=reviewed)
