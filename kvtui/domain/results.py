"""The file review's results as the report and the app show them: one row per criterion."""

from __future__ import annotations

from dataclasses import dataclass

from kvtui.domain.statistics import CriterionResult, Headline, StratifiedResult


@dataclass(frozen=True)
class CriterionRow:
    """One criterion's result, overall and per stratum when the sample is stratified.

    ``headline`` is the figure every surface shows (results view, Översikt, ``kvtui
    results``, the exports and the report): weighted by stratum for a stratified sample,
    ``result``'s share otherwise. ``result`` keeps the plain counts over all sampled akter.
    """

    code: str
    question: str
    reference: str | None
    result: CriterionResult
    unanswered: int
    headline: Headline
    strata: StratifiedResult | None = None


@dataclass(frozen=True)
class ReviewResults:
    """The file review's results: the sample they rest on and one row per criterion.

    ``sample_size`` counts the akter in the sample (replaced and excluded ones not counted),
    ``reviewed`` those of them answered for every criterion: what the app and the report say
    was reviewed, so that a sample not yet fully answered is never described as if it were.
    """

    population_size: int
    sample_size: int
    method: str
    seed: str
    stratify_by: str
    rows: tuple[CriterionRow, ...]
    reviewed: int

    @property
    def not_reviewed(self) -> int:
        """Akter in the sample not yet answered for every criterion."""
        return self.sample_size - self.reviewed
