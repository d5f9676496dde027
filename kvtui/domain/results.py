"""The file review's results as the report and the app show them: one row per criterion."""

from __future__ import annotations

from dataclasses import dataclass, field

from kvtui.domain.deviation import DEFAULT_DEVIATION
from kvtui.domain.statistics import (
    CriterionResult,
    Headline,
    StratifiedResult,
    exact_headline,
)


@dataclass(frozen=True)
class CriterionRow:
    """One criterion's result, overall and per stratum when the sample is stratified.

    ``headline`` is the figure every surface shows (results view, Översikt, ``kvtui
    results``, the exports and the report): weighted by stratum for a stratified sample,
    ``result``'s share otherwise. ``result`` keeps the plain counts over all sampled akter.
    ``design`` is the sampling method the headline names ("simple" when not given).
    """

    code: str
    question: str
    reference: str | None
    result: CriterionResult
    unanswered: int
    strata: StratifiedResult | None = None
    deviation: str = DEFAULT_DEVIATION  # a Deviation: the answers counted as a brist
    design: str = field(default="", kw_only=True)

    @property
    def headline(self) -> Headline:
        """The one estimate to show: decided here, so that no surface decides its own."""
        if self.strata is not None:
            return self.strata.headline
        return exact_headline(self.result, self.design or "simple")


@dataclass(frozen=True)
class ReviewResults:
    """The file review's results: the sample they rest on and one row per criterion.

    ``sample_size`` counts the akter in the sample (replaced and excluded ones not counted),
    ``reviewed`` those of them answered for every criterion (None: all of them): what the app
    and the report say was reviewed, so that a sample not yet fully answered is never
    described as if it were.
    """

    population_size: int
    sample_size: int
    method: str
    seed: str
    stratify_by: str
    rows: tuple[CriterionRow, ...]
    reviewed: int | None = field(default=None, kw_only=True)

    @property
    def answered(self) -> int:
        """Akter in the sample answered for every criterion."""
        return self.sample_size if self.reviewed is None else self.reviewed

    @property
    def not_reviewed(self) -> int:
        """Akter in the sample not yet answered for every criterion."""
        return self.sample_size - self.answered
