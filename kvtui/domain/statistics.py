"""File-review results per criterion: counts, the share Ja, and an exact interval for it.

The sample is drawn without replacement from a small, finite population: 13 akter out of 44
are not a sample from an infinite population, and the binomial or normal intervals would
overstate the uncertainty (or, near 0 % and 100 %, misstate it). The interval here is exact for
that design: it inverts the hypergeometric tail tests, Clopper–Pearson style, with α/2 in each
tail. For x Ja among n applicable akter drawn from a population of N applicable akter, the
number M of Ja-akter in the population is

    lower M_L = the smallest M with P(X >= x | M) > α/2,
    upper M_U = the largest M with P(X <= x | M) > α/2,

where X is hypergeometric (N, M, n); the interval is reported as shares M_L/N .. M_U/N. The
tail P(X >= x | M) grows with M (and P(X <= x | M) falls), so both bounds are found by bisection
over M. Each test is decided exactly: the tail is computed in floating point from ratios of
consecutive terms, normalised by their sum (no factorials, no overflow, error far below 1e-12),
and whenever it lies within 1e-9 of α/2 the decision is made again with integers
(``math.comb`` and exact term ratios). The result is therefore the same as an implementation in
exact rational arithmetic, only fast: well under 10 ms for N = 3000, n = 900.

The bounds are whole akter of the population, so the interval holds the sample's share x/n
whenever N·x/n is itself a whole number, and otherwise reaches at least the step next to it on
one side or the other. When all but one akt is drawn it may stop there: 1 Ja of 79 from 80
gives exactly 1/80, since 2 Ja-akter in the population would make so few Ja in the sample a
2.5 % event, and 1/79 is no share that 80 akter can have.

"Ej aktuellt" is left out of the denominator, so the number of applicable akter in the whole
population is unknown. It is estimated as round(N × applicable / answered), rounded half up
(``estimated_applicable``), and the interval is computed for that population.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

DEFAULT_CONFIDENCE = 0.95

# Relative size below which a term of the distribution is left out of the floating-point sum,
# and the distance from α/2 within which a floating-point tail is not trusted.
_NEGLIGIBLE = 1e-20
_MARGIN = 1e-9


class StatisticsError(ValueError):
    """Counts that cannot give a result; the message is for the user (Swedish)."""


@dataclass(frozen=True)
class CriterionCounts:
    """How the sampled akter were answered for one criterion."""

    ja: int = 0
    delvis: int = 0
    nej: int = 0
    ej_aktuellt: int = 0

    def __post_init__(self) -> None:
        if min(self.ja, self.delvis, self.nej, self.ej_aktuellt) < 0:
            raise StatisticsError("Antalet svar kan inte vara negativt.")

    @property
    def n(self) -> int:
        """The number of akter answered, Ej aktuellt included."""
        return self.ja + self.delvis + self.nej + self.ej_aktuellt

    @property
    def applicable(self) -> int:
        """The denominator of the share: Ja, Delvis and Nej (Ej aktuellt is left out)."""
        return self.ja + self.delvis + self.nej

    @property
    def share(self) -> float | None:
        """The share Ja of the applicable, None when nothing was applicable."""
        return self.ja / self.applicable if self.applicable else None


@dataclass(frozen=True)
class CriterionResult:
    """One criterion's line in the report: counts, share Ja and its interval.

    ``population_applicable`` is the estimated number of applicable akter in the population,
    the N the interval was computed for; ``share``, ``low`` and ``high`` are None when nothing
    was applicable (or nothing answered).
    """

    counts: CriterionCounts
    population_size: int
    population_applicable: int | None
    share: float | None
    low: float | None
    high: float | None
    confidence: float = DEFAULT_CONFIDENCE


@dataclass(frozen=True)
class StratifiedResult:
    """Results per stratum and the share Ja for the whole population.

    ``share`` weights each stratum by its estimated number of applicable akter (its size when
    nothing is Ej aktuellt), so that a small, heavily sampled stratum does not count for more
    than it is. There is no combined exact interval: the report shows each stratum's interval.
    ``unanswered`` lists strata in which no akt has been answered yet; they are left out of
    ``share``.
    """

    strata: dict[str, CriterionResult]
    share: float | None
    unanswered: tuple[str, ...]


def estimated_applicable(population_size: int, counts: CriterionCounts) -> int | None:
    """round(N × applicable / answered), half up: the applicable akter in the population.

    None when nothing has been answered. Never smaller than the applicable akter seen, since
    the population is at least as large as the sample.
    """
    _check_population(population_size, counts.n)
    if counts.n == 0:
        return None
    return math.floor(Fraction(population_size * counts.applicable, counts.n) + Fraction(1, 2))


def hypergeometric_interval(
    x: int, n: int, N: int, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[float, float]:
    """The exact interval for the population share of Ja, given x Ja of n drawn from N.

    Two-sided, α/2 in each tail, inverting the hypergeometric tests (see the module docstring).
    x = 0 gives the lower bound 0, x = n the upper bound 1, and n = N the exact share x/N.
    ``confidence`` is read as the decimal written (0.95 is exactly 19/20).
    """
    if not (isinstance(N, int) and isinstance(n, int) and isinstance(x, int)):
        raise StatisticsError("Antalen måste vara heltal.")
    if N < 1:
        raise StatisticsError("Populationen måste omfatta minst en akt.")
    if not 1 <= n <= N:
        raise StatisticsError(
            f"Urvalet måste omfatta mellan 1 och {N} tillämpliga akter, inte {n}."
        )
    if not 0 <= x <= n:
        raise StatisticsError(f"Antalet Ja måste ligga mellan 0 och {n}, inte {x}.")
    if not 0 < confidence < 1:
        raise StatisticsError(f"Konfidensgraden måste ligga mellan 0 och 1, inte {confidence}.")
    half_alpha = (1 - Fraction(str(confidence))) / 2
    largest = N - (n - x)  # more Ja-akter than this would leave too few others for the sample

    low, high = x, largest  # P(X >= x | M) is 0 below x and 1 at `largest`
    while low < high:
        middle = (low + high) // 2
        if _tail_exceeds(x, n, middle, N, True, half_alpha):
            high = middle
        else:
            low = middle + 1
    lower = low

    low, high = x, largest  # P(X <= x | M) is 1 at x and 0 above `largest`
    while low < high:
        middle = (low + high + 1) // 2
        if _tail_exceeds(x, n, middle, N, False, half_alpha):
            low = middle
        else:
            high = middle - 1
    upper = low
    return lower / N, upper / N


def criterion_result(
    counts: CriterionCounts, population_size: int, confidence: float = DEFAULT_CONFIDENCE
) -> CriterionResult:
    """The share Ja of the applicable and its exact interval for the whole population."""
    applicable_population = estimated_applicable(population_size, counts)
    if applicable_population is None or counts.applicable == 0:
        return CriterionResult(
            counts, population_size, applicable_population, None, None, None, confidence
        )
    low, high = hypergeometric_interval(
        counts.ja, counts.applicable, applicable_population, confidence
    )
    return CriterionResult(
        counts, population_size, applicable_population, counts.share, low, high, confidence
    )


def stratified_results(
    counts: Mapping[str, CriterionCounts],
    population_sizes: Mapping[str, int],
    confidence: float = DEFAULT_CONFIDENCE,
) -> StratifiedResult:
    """Each stratum's result and the share Ja for the population, weighted by stratum.

    ``counts`` and ``population_sizes`` are keyed by stratum. A stratum with a size but no
    counts has not been answered yet; counts for a stratum without a size are refused.
    """
    unknown = sorted(set(counts) - set(population_sizes))
    if unknown:
        raise StatisticsError(
            f"Storleken saknas för stratum {', '.join(repr(name) for name in unknown)}."
        )
    results: dict[str, CriterionResult] = {}
    unanswered: list[str] = []
    ja_total = Fraction(0)
    applicable_total = Fraction(0)
    for name, size in population_sizes.items():
        stratum_counts = counts.get(name, CriterionCounts())
        results[name] = criterion_result(stratum_counts, size, confidence)
        if stratum_counts.n == 0:
            unanswered.append(name)
            continue
        ja_total += Fraction(size * stratum_counts.ja, stratum_counts.n)
        applicable_total += Fraction(size * stratum_counts.applicable, stratum_counts.n)
    share = float(ja_total / applicable_total) if applicable_total else None
    return StratifiedResult(results, share, tuple(unanswered))


def format_number(value: float | Decimal, decimals: int = 1) -> str:
    """A number the Swedish way: decimal comma, rounded half up as written (2,85 → 2,9)."""
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return format(rounded, "f").replace(".", ",")


def format_share(share: float | None, decimals: int = 1) -> str:
    """A share as a Swedish percentage, 0.828 → "82,8 %"; "–" when there is no share."""
    if share is None:
        return "–"
    return f"{_percent(share, decimals)} %"


def format_interval(low: float | None, high: float | None, decimals: int = 1) -> str:
    """An interval as Swedish percentages with an en dash, "71,0–91,2 %"; "–" when None."""
    if low is None or high is None:
        return "–"
    parts = (_percent(bound, decimals) for bound in (low, high))
    return "–".join(parts) + " %"


def _percent(share: float, decimals: int) -> str:
    """100 × share as written (0.0285 is 2.85, not 2.8499999...), then rounded half up."""
    return format_number(Decimal(repr(float(share))).scaleb(2), decimals)


def lower_tail_exceeds(x: int, n: int, M: int, N: int, tail: Fraction) -> bool:
    """Whether P(X <= x | M) > ``tail`` for X ~ hypergeometric(N, M, n), decided exactly.

    The one test both the interval's upper bound and a one-sided bound (``assurance``) invert,
    so that they agree to the akt.
    """
    return _tail_exceeds(x, n, M, N, False, tail)


def _check_population(population_size: int, answered: int) -> None:
    if population_size < answered:
        raise StatisticsError(
            f"Fler akter är besvarade ({answered}) än populationen rymmer ({population_size})."
        )


def _tail_exceeds(x: int, n: int, M: int, N: int, upper: bool, half_alpha: Fraction) -> bool:
    """Whether P(X >= x | M) (upper) or P(X <= x | M) is greater than α/2, decided exactly."""
    estimate = _tail_float(x, n, M, N, upper)
    if abs(estimate - float(half_alpha)) > _MARGIN:
        return estimate > float(half_alpha)
    count = _tail_count(x, n, M, N, upper)
    return count * half_alpha.denominator > half_alpha.numerator * math.comb(N, n)


def _tail_float(x: int, n: int, M: int, N: int, upper: bool) -> float:
    """P(X >= x) or P(X <= x) for X ~ hypergeometric(N, M, n), in floating point.

    Terms relative to the mode, from the ratio of consecutive terms, summed outwards until they
    fall below 1e-20 of the mode (the distribution is unimodal), and normalised by their sum.
    """
    first, last = max(0, n - (N - M)), min(n, M)
    if (upper and x <= first) or (not upper and x >= last):
        return 1.0
    if (upper and x > last) or (not upper and x < first):
        return 0.0
    mode = min(max((n + 1) * (M + 1) // (N + 2), first), last)
    total = 1.0
    tail = 1.0 if (mode >= x if upper else mode <= x) else 0.0
    term, k = 1.0, mode
    while k < last:
        term *= (M - k) * (n - k) / ((k + 1) * (N - M - n + k + 1))
        k += 1
        if term < _NEGLIGIBLE:
            break
        total += term
        if (k >= x) if upper else (k <= x):
            tail += term
    term, k = 1.0, mode
    while k > first:
        term *= k * (N - M - n + k) / ((M - k + 1) * (n - k + 1))
        k -= 1
        if term < _NEGLIGIBLE:
            break
        total += term
        if (k >= x) if upper else (k <= x):
            tail += term
    return tail / total


def _tail_count(x: int, n: int, M: int, N: int, upper: bool) -> int:
    """The number of samples with X >= x (upper) or X <= x, exactly: sum C(M,k) C(N−M, n−k).

    Sums whichever of the tail and its complement has fewer terms (the terms add up to
    C(N, n)).
    """
    first, last = max(0, n - (N - M)), min(n, M)
    if upper:
        start, stop, other = max(x, first), last, (first, min(x - 1, last))
    else:
        start, stop, other = first, min(x, last), (max(x + 1, first), last)
    if other[1] - other[0] < stop - start:
        return math.comb(N, n) - _range_count(other[0], other[1], n, M, N)
    return _range_count(start, stop, n, M, N)


def _range_count(start: int, stop: int, n: int, M: int, N: int) -> int:
    """sum of C(M, k) C(N − M, n − k) for k from start to stop, by exact term ratios."""
    if start > stop:
        return 0
    term = math.comb(M, start) * math.comb(N - M, n - start)
    total = term
    for k in range(start, stop):
        term = term * (M - k) * (n - k) // ((k + 1) * (N - M - n + k + 1))
        total += term
    return total
