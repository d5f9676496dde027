"""Two reviews of the same criterion side by side: the change in share and whether it is real.

Next year's review of the unit draws a new sample from a new population, so the two shares come
from two independent samples, each drawn without replacement from a finite population (x of n
from N). The difference is the later share minus the earlier, with an interval at 95 %.

The method is Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation for the
difference between independent proportions", Statistics in Medicine 17, method 10), with each
share's Wilson score interval given the finite population correction:

    each share: the Wilson interval with n replaced by n' = n (N − 1) / (N − n), the sample
    size whose binomial variance equals the hypergeometric one (p(1 − p)/n × (N − n)/(N − 1));
    n = N gives n' = ∞, the share itself and no width;
    then L = D − √((p₂ − l₂)² + (u₁ − p₁)²),  U = D + √((u₂ − p₂)² + (p₁ − l₁)²),  D = p₂ − p₁.

Why this one: it is closed-form and fast; among the intervals for a difference of two
independent proportions it is one of those recommended for coverage close to the nominal level
with small samples and shares near 0 or 100 % (Newcombe 1998; Fagerland, Lydersen & Laake 2015,
"Recommended confidence intervals for two independent binomial proportions"), where the Wald
interval fails; and it is symmetric by construction, so comparing 2026 with 2025 gives exactly
the negated interval of comparing 2025 with 2026. Building it from the two exact hypergeometric
intervals of ``statistics`` instead (the same square-root rule, Zou and Donner's MOVER) would
inherit their discreteness and conservatism, and for a difference nothing is exact anyway.
Each Wilson interval is then kept inside what the population can hold: a population of N with
x Ja seen among n has between x and x + (N − n) Ja-akter. Both intervals still contain their
share, so the difference's interval always contains the observed difference, and two identical
samples always give an interval around 0.

The counts are those of the applicable akter (Ej aktuellt left out) and N the applicable
population as ``statistics.estimated_applicable`` estimates it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from statistics import NormalDist

from kvtui.domain.statistics import (
    DEFAULT_CONFIDENCE,
    CriterionResult,
    StatisticsError,
    format_number,
)


class ComparisonError(StatisticsError):
    """Counts that cannot be compared; the message is for the user (Swedish)."""


@dataclass(frozen=True)
class ShareSample:
    """One review's result for the criterion: x of n applicable akter from N applicable."""

    x: int
    n: int
    N: int

    def __post_init__(self) -> None:
        if not all(isinstance(v, int) and not isinstance(v, bool)
                   for v in (self.x, self.n, self.N)):
            raise ComparisonError("Antalen måste vara heltal.")
        if self.N < 1:
            raise ComparisonError("Populationen måste omfatta minst en akt.")
        if not 1 <= self.n <= self.N:
            raise ComparisonError(
                f"Urvalet måste omfatta mellan 1 och {self.N} akter, inte {self.n}.")
        if not 0 <= self.x <= self.n:
            raise ComparisonError(
                f"Antalet Ja måste ligga mellan 0 och {self.n}, inte {self.x}.")

    @property
    def share(self) -> float:
        """x / n."""
        return self.x / self.n


@dataclass(frozen=True)
class Comparison:
    """The later share minus the earlier, with its interval (shares, not percentage points)."""

    earlier: ShareSample
    later: ShareSample
    difference: float
    low: float
    high: float
    confidence: float = DEFAULT_CONFIDENCE

    @property
    def established(self) -> bool:
        """Whether the interval leaves out 0: the change is then säkerställd."""
        return self.low > 0 or self.high < 0


def wilson_interval(sample: ShareSample, z: float) -> tuple[float, float]:
    """The share's Wilson score interval with the finite population correction, kept inside
    the shares a population with x Ja among n seen can have."""
    p = sample.share
    floor = sample.x / sample.N
    ceiling = (sample.x + sample.N - sample.n) / sample.N
    if sample.n == sample.N:
        return p, p
    m = sample.n * (sample.N - 1) / (sample.N - sample.n)
    z2 = z * z
    centre = (p + z2 / (2 * m)) / (1 + z2 / m)
    half = z / (1 + z2 / m) * math.sqrt(p * (1 - p) / m + z2 / (4 * m * m))
    # The Wilson interval always holds p; rounding must not move an end across it.
    low = min(max(centre - half, floor), p)
    high = max(min(centre + half, ceiling), p)
    return low, high


def compare_shares(earlier: ShareSample, later: ShareSample,
                   confidence: float = DEFAULT_CONFIDENCE) -> Comparison:
    """The difference later − earlier and its Newcombe hybrid score interval (module docstring).
    """
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not (
            0 < confidence < 1):
        raise ComparisonError(f"Konfidensgraden måste ligga mellan 0 och 1, inte {confidence}.")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p1, p2 = earlier.share, later.share
    l1, u1 = wilson_interval(earlier, z)
    l2, u2 = wilson_interval(later, z)
    difference = p2 - p1
    # Each square root adds its terms in the same order whichever review is named first, so
    # that swapping the two negates the interval exactly.
    below = math.sqrt(_sum_sorted((p2 - l2) ** 2, (u1 - p1) ** 2))
    above = math.sqrt(_sum_sorted((u2 - p2) ** 2, (p1 - l1) ** 2))
    return Comparison(earlier, later, difference, difference - below, difference + above,
                      confidence)


def result_sample(result: CriterionResult) -> ShareSample:
    """A review's result for the criterion as a sample to compare: Ja of the applicable akter,
    from the applicable population ``statistics`` estimated for its interval."""
    if result.population_applicable is None or result.counts.applicable == 0:
        raise ComparisonError("Det finns inga tillämpliga granskade akter att jämföra.")
    return ShareSample(result.counts.ja, result.counts.applicable, result.population_applicable)


def compare_results(earlier: CriterionResult, later: CriterionResult) -> Comparison:
    """The change in share Ja of one criterion from one review to the next."""
    return compare_shares(result_sample(earlier), result_sample(later),
                          min(earlier.confidence, later.confidence))


def _sum_sorted(a: float, b: float) -> float:
    return min(a, b) + max(a, b)


# --- the sentence -------------------------------------------------------------------------------


def _points(value: float, decimals: int) -> str:
    """Percentage points the Swedish way, a minus sign (not a hyphen) before a negative."""
    return format_number(Decimal(repr(value)).scaleb(2), decimals).replace("-", "\u2212")


def _decimals(*values: float) -> int:
    """0, or 1 where whole percents would hide what the sentence says (two different shares
    or an end of the interval printed alike)."""
    whole = [_points(v, 0) for v in values]
    return 0 if len(set(whole)) == len(whole) else 1


def comparison_sentence(comparison: Comparison, what: str = "Ja") -> str:
    """The change in plain Swedish.

    "Andelen Ja har ökat från 62 % till 81 %; skillnaden är säkerställd (95 %-intervall 4–33
    procentenheter)."
    """
    c = comparison
    before, after = c.earlier.share, c.later.share
    level = format_number(Decimal(str(c.confidence)).scaleb(2),
                          0 if (Fraction(str(c.confidence)) * 100).denominator == 1 else 1)
    low, high = c.low, c.high
    # Zero must stay visible as a side of the interval when it matters.
    decimals = max(_decimals(before, after) if before != after else 0,
                   _decimals(low, high) if low != high else 0,
                   1 if c.established and "0" in {_points(abs(low), 0), _points(abs(high), 0)}
                   else 0)
    if low < 0:  # "−8 till 24": a dash between two signed numbers reads as a minus
        span = f"{_points(low, decimals)} till {_points(high, decimals)}"
    else:
        span = f"{_points(low, decimals)}–{_points(high, decimals)}"
    interval = f"{level} %-intervall {span} procentenheter"
    if low == high:  # both populations reviewed in full: the difference is counted, not drawn
        interval = "alla akter granskade båda gångerna"
    verdict = "skillnaden är säkerställd" if c.established else "skillnaden är inte säkerställd"
    if before == after:
        return (f"Andelen {what} är {_points(after, decimals)} % båda gångerna; "
                f"{verdict} ({interval}).")
    moved = "ökat" if after > before else "minskat"
    return (f"Andelen {what} har {moved} från {_points(before, decimals)} % till "
            f"{_points(after, decimals)} %; {verdict} ({interval}).")
