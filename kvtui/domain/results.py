"""The file review's results as the report and the app show them: one row per criterion."""

from __future__ import annotations

from dataclasses import dataclass

from kvtui.domain.deviation import DEFAULT_DEVIATION
from kvtui.domain.statistics import CriterionResult, StratifiedResult


@dataclass(frozen=True)
class CriterionRow:
    """One criterion's result, overall and per stratum when the sample is stratified."""

    code: str
    question: str
    reference: str | None
    result: CriterionResult
    unanswered: int
    strata: StratifiedResult | None = None
    deviation: str = DEFAULT_DEVIATION  # a Deviation: the answers counted as a brist


@dataclass(frozen=True)
class ReviewResults:
    """The file review's results: the sample they rest on and one row per criterion."""

    population_size: int
    sample_size: int
    method: str
    seed: str
    stratify_by: str
    rows: tuple[CriterionRow, ...]
