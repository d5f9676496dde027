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

One headline per criterion (``Headline``), the figure every surface shows. For a simple or a
systematic sample it is the share above with its exact interval. A stratified sample draws
each stratum in proportion to its size only up to rounding, and once Ej aktuellt differs
between strata, or akter are excluded or left unanswered, the plain share over all sampled
akter no longer estimates the population's.
The headline is then the weighted share

    p_w = sum over strata of W_h p_h,   W_h = A_h / A,

where p_h is the stratum's share Ja and A_h its estimated applicable akter
(``estimated_applicable``, so N_h / N when nothing is Ej aktuellt), A their sum. Its
interval is the Korn–Graubard (1998) interval: an exact interval computed at an effective
sample size. The variance of p_w is estimated as for a stratified sample with finite-
population corrections (Cochran, Sampling Techniques, 3rd ed., eq. 5.7, with s_h² =
a_h p_h q_h / (a_h − 1) for a_h applicable akter answered):

    v(p_w) = sum of W_h² (1 − a_h/A_h) p_h q_h / (a_h − 1),

and compared with the variance a simple random sample of the same a akter from A would have,
(1 − a/A) p_w q_w / (a − 1). Their ratio is the design effect d, and the effective sample
size is n* = a / d, never more than a: stratification may not make the interval narrower
than that of a simple random sample of the same size. The interval is then the exact
hypergeometric interval above for x* = p_w n* Ja among n* of A, with n* rounded down to whole
akter; x* is rarely whole, so each bound is interpolated linearly between its values at the
whole numbers on either side (exact where x* is whole, continuous between). Korn and
Graubard take Clopper–Pearson's binomial interval at n* = p q / v(p); here the design effect
is measured against sampling without replacement, so that the finite-population correction
enters once, through the hypergeometric distribution; their further adjustment of n* for
the design's degrees of freedom is not made. With one stratum d is exactly 1 and
the interval is the exact one; with p_w = 0 or 1 (v = 0, d undefined) n* is a, since the
variance estimate then says nothing about the design. A stratum with a single applicable
akt adds no variance term (its s_h² is undefined). A stratum in which no akt has been
answered is left out, and the headline names it (``uncovered``): its estimate does not cover
that stratum.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

DEFAULT_CONFIDENCE = 0.95

#: How a headline's interval is computed: exact for the share of a simple or systematic
#: sample, Korn–Graubard for the weighted share of a stratified one.
EXACT = "exact"
KORN_GRAUBARD = "korn-graubard"
STRATIFIED = "stratified"

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
class Headline:
    """The one estimate of a criterion that every surface shows, with what it rests on.

    ``design`` is the sampling method ("simple", "systematic", "stratified");
    ``interval_method`` is ``EXACT`` or ``KORN_GRAUBARD`` (see the module docstring). ``ja``,
    ``applicable`` and ``answered`` count the akter answered in the strata the estimate covers;
    ``population_applicable`` is the A the interval was computed for and
    ``effective_size`` the n* it was computed at (None when there is no share). ``uncovered``
    names strata with no answered akt: they are outside the estimate, not estimated as 0.
    """

    share: float | None
    low: float | None
    high: float | None
    design: str
    interval_method: str
    ja: int
    applicable: int
    answered: int
    population_applicable: int | None
    effective_size: float | None = None
    uncovered: tuple[str, ...] = ()
    confidence: float = DEFAULT_CONFIDENCE

    @property
    def weighted(self) -> bool:
        """Whether the share is weighted by stratum (and so not Ja / applicable)."""
        return self.interval_method == KORN_GRAUBARD


@dataclass(frozen=True)
class StratifiedResult:
    """Results per stratum and the weighted headline for the whole population.

    ``share`` is ``headline.share``: each stratum weighted by its estimated number of
    applicable akter (its size when nothing is Ej aktuellt), so that a small, heavily sampled
    stratum does not count for more than it is. ``unanswered`` lists strata in which no akt
    has been answered yet; they are left out of ``share``.
    """

    strata: dict[str, CriterionResult]
    share: float | None
    unanswered: tuple[str, ...]
    headline: Headline


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
    for name, size in population_sizes.items():
        results[name] = criterion_result(counts.get(name, CriterionCounts()), size, confidence)
    headline = weighted_headline(counts, population_sizes, confidence)
    return StratifiedResult(results, headline.share, headline.uncovered, headline)


def exact_headline(result: CriterionResult, design: str) -> Headline:
    """The headline of a simple or systematic sample: the share and its exact interval."""
    counts = result.counts
    return Headline(result.share, result.low, result.high, design, EXACT, counts.ja,
                    counts.applicable, counts.n, result.population_applicable,
                    float(counts.applicable) if result.share is not None else None,
                    (), result.confidence)


def weighted_headline(
    counts: Mapping[str, CriterionCounts],
    population_sizes: Mapping[str, int],
    confidence: float = DEFAULT_CONFIDENCE,
) -> Headline:
    """The weighted share Ja of a stratified sample and its Korn–Graubard interval.

    Korn–Graubard because it keeps what makes the exact interval right for these samples (no
    bound outside 0–100 %, a sensible interval at 0 % and 100 %, the finite population)
    while taking the stratified design's variance into account; the steps and the choices
    made are in the module docstring. Strata with no answered akt are left out and named.
    """
    unknown = sorted(set(counts) - set(population_sizes))
    if unknown:
        raise StatisticsError(
            f"Storleken saknas för stratum {', '.join(repr(name) for name in unknown)}."
        )
    covered: list[tuple[CriterionCounts, int]] = []
    uncovered: list[str] = []
    for name, size in population_sizes.items():
        stratum = counts.get(name, CriterionCounts())
        estimated = estimated_applicable(size, stratum)
        if estimated is None:
            uncovered.append(name)
        elif stratum.applicable:
            covered.append((stratum, estimated))
    ja = sum(c.ja for c in counts.values() if c.n)
    applicable = sum(c.applicable for c in counts.values())
    answered = sum(c.n for c in counts.values())
    total = sum(estimated for _, estimated in covered)
    if not total:
        return Headline(None, None, None, STRATIFIED, KORN_GRAUBARD, ja, applicable, answered,
                        total if answered else None, None, tuple(uncovered), confidence)
    share = sum((Fraction(estimated, total) * Fraction(c.ja, c.applicable)
                 for c, estimated in covered), Fraction(0))
    effective = _effective_size(share, covered, total)
    whole = max(1, math.floor(effective))
    low, high = _interpolated_interval(share * whole, whole, total, confidence)
    return Headline(float(share), low, high, STRATIFIED, KORN_GRAUBARD, ja, applicable,
                    answered, total, float(effective), tuple(uncovered), confidence)


def _interpolated_interval(expected: Fraction, n: int, N: int,
                           confidence: float) -> tuple[float, float]:
    """The exact interval at x* Ja of n, x* between whole numbers: each bound taken at the
    whole numbers on either side and interpolated linearly, then widened to hold p_w."""
    below = math.floor(expected)
    fraction = float(expected - below)
    low, high = hypergeometric_interval(below, n, N, confidence)
    if fraction:
        next_low, next_high = hypergeometric_interval(below + 1, n, N, confidence)
        low += fraction * (next_low - low)
        high += fraction * (next_high - high)
    share = float(expected / n)
    return min(low, share), max(high, share)


def _effective_size(share: Fraction, covered: list[tuple[CriterionCounts, int]],
                    total: int) -> Fraction:
    """n* = a / d, at most a: the design effect against sampling a akter without replacement."""
    n = sum(c.applicable for c, _ in covered)
    pq = share * (1 - share)
    if pq == 0 or n < 2 or n >= total:
        return Fraction(n)
    stratified = Fraction(0)
    for c, estimated in covered:
        if c.applicable < 2:
            continue
        weight = Fraction(estimated, total)
        p = Fraction(c.ja, c.applicable)
        stratified += (weight ** 2 * (1 - Fraction(c.applicable, estimated)) * p * (1 - p)
                       / (c.applicable - 1))
    simple = (1 - Fraction(n, total)) * pq / (n - 1)
    if stratified <= simple:
        return Fraction(n)
    return n * simple / stratified


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
