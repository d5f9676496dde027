"""Attribute-sampling planner: how many akter show, at a chosen confidence, that fewer than a
tolerable share of all akter have a deficiency.

The precision planner of ``kvtui.domain.sampling`` answers "how precisely will the sample
estimate the share?". Audit practice (ISA 530, the AICPA Audit Sampling guide) also plans a test
of a rule: the auditor names the *tolerable* rate of deviation (the largest share of akter with
the deficiency she can accept, say 5 %), the *expected* rate (what she believes the share is,
say 1 %) and the confidence (90 or 95 %), and wants the smallest sample that, if it shows no
more deviations than expected, lets her say with that confidence that the true rate is below the
tolerable one.

The rule, the one the guide's tables are built on:

    k(n) = ceil(n × expected)        the deviations the sample may show (the expected number)
    n    = the smallest n with  P(X <= k(n) | n, tolerable) <= 1 − confidence

where X is the number of deviating akter in the sample when the true rate is exactly the
tolerable one. The guide's tables assume a large population, so X is binomial (n, tolerable).
With this rule and every rate and product as an exact fraction, Table A-1 (95 %) is reproduced
in all its cells and Table A-2 (90 %) in all but two, where the guide prints 112 for a tolerable
7 % and an expected 3.25 % or 3.5 %: at 112 akter the risk is 10.07 %, above 10 %, so the
planner says 113. Rounding n × expected in binary floating point instead gives wrong sizes
(0.035 × 400 is 14.000000000000002, whose ceiling 15 turns the guide's 400 into 423), which is
why rates are kept as fractions of the decimals typed and every tail test is decided in
integers: no float rounding decides a size.

A unit's population is small and known, and a sample drawn without replacement from N akter
tells more than one from an endless population. For a population of N akter X is
hypergeometric (N, M, n), with M = ceil(tolerable × N) deviating akter: the fewest akter with
the deficiency that make the rate reach the tolerable one. The claim shown is therefore
"fewer than M of the N akter", which is exactly "a rate below the tolerable one", the claim of
the binomial rule, so that the finite plan tends to the guide's as N grows. (floor(tolerable ×
N) would test a smaller number than the tolerable rate whenever tolerable × N is not whole:
5 % of 30 akter is 1.5, and the floor would ask the sample to show that no akt at all has the
deficiency.) Since the probability falls as M grows, the risk is at most 1 − confidence for
every population with M or more deviating akter.

For a fixed k the probability falls as n grows, so the planner walks k = k(1), k(1) + 1, …
and, for each, tests the largest n with that k; the first k that passes holds the answer, found
by bisection among its n. A population too small for any size is refused with a Swedish reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from kvtui.domain.plural import plural
from kvtui.domain.sampling import SamplingError
from kvtui.domain.statistics import format_number

CONFIDENCES: tuple[Fraction, ...] = (Fraction(90, 100), Fraction(95, 100))
"""The confidences offered to the auditor: the two of the guide's tables."""

DEFAULT_CONFIDENCE = Fraction(95, 100)

MAX_SIZE = 10_000
"""The largest sample planned for a large population; a plan needing more is refused (the
expected rate is then too close to the tolerable one for any review of akter)."""

Rate = Fraction | Decimal | int | float


@dataclass(frozen=True)
class AttributePlan:
    """A planned attribute sample.

    ``population`` is None for the large-population (binomial) plan of the guide's tables.
    ``allowed`` is the number of akter with the deficiency the sample may show (k); ``risk`` is
    the exact probability that a population at the tolerable rate gives a sample with no more
    than that, at most 1 − ``confidence``.
    """

    tolerable: Fraction
    expected: Fraction
    confidence: Fraction
    population: int | None
    size: int
    allowed: int
    risk: Fraction

    @property
    def deviating(self) -> int | None:
        """The number of deviating akter tested against (M), None for a large population."""
        return None if self.population is None else _deviating(self.tolerable, self.population)


def exact(value: Rate) -> Fraction:
    """A rate or confidence as the exact fraction of the decimal written: a float 0.035 is
    7/200, not the nearest binary number."""
    if isinstance(value, bool):
        raise SamplingError(f"{value!r} är inget tal.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SamplingError(f"{value!r} är inget tal.")
        return Fraction(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise SamplingError(f"{value} är inget tal.")
        return Fraction(value)
    return Fraction(value)


def allowed_deviations(size: int, expected: Rate) -> int:
    """k: the expected number of deviations in a sample of ``size``, rounded up, exactly."""
    return math.ceil(size * exact(expected))


def plan_attribute_sample(
    tolerable: Rate, expected: Rate, confidence: Rate = DEFAULT_CONFIDENCE,
    population: int | None = None,
) -> AttributePlan:
    """The smallest sample for the attribute test (see the module docstring).

    Rates and confidence are shares (0.05 for 5 %). ``population`` is the unit's number of
    akter (hypergeometric); None plans for a large population as the guide's tables do
    (binomial). Refused with a Swedish message when a rate or the confidence is out of range,
    when the tolerable rate is not above the expected one, or when no sample the population can
    give (or, for a large population, none up to ``MAX_SIZE``) is enough.
    """
    tolerable, expected, confidence = _checked(tolerable, expected, confidence, population)
    alpha = 1 - confidence
    if population is None:
        cap = MAX_SIZE
        a, b = tolerable.numerator, tolerable.denominator

        def passes(n: int, k: int) -> bool:
            return _binomial_count(n, k, a, b) * alpha.denominator <= (
                alpha.numerator * b**n)
    else:
        cap = population
        deviating = _deviating(tolerable, population)

        def passes(n: int, k: int) -> bool:
            return _hypergeometric_count(n, k, deviating, population) * alpha.denominator <= (
                alpha.numerator * math.comb(population, n))

    found = _smallest(passes, expected, cap)
    if found is None:
        raise SamplingError(_too_small(tolerable, expected, confidence, population))
    n, k = found
    if population is None:
        risk = Fraction(_binomial_count(n, k, tolerable.numerator, tolerable.denominator),
                        tolerable.denominator**n)
    else:
        risk = Fraction(_hypergeometric_count(n, k, _deviating(tolerable, population),
                                              population), math.comb(population, n))
    return AttributePlan(tolerable, expected, confidence, population, n, k, risk)


def describe_attribute_plan(plan: AttributePlan) -> str:
    """The plan in one Swedish sentence, for the auditor choosing the size.

    For example "93 akter räcker: om högst 1 av dem har bristen visar urvalet med 95 %
    säkerhet att färre än 5 % av akterna har den".
    """
    size = f"{plural(plan.size, 'akt', 'akter')} räcker"
    if plan.population == plan.size:
        size = f"Alla {plan.size} akter behövs" if plan.size > 1 else "Den enda akten behövs"
    elif plan.population is not None:
        size = f"{plan.size} av {plural(plan.population, 'akt', 'akter')} räcker"
    shown = ("om ingen av dem har bristen" if plan.allowed == 0
             else f"om högst {plan.allowed} av dem har bristen")
    whom = f"de {plan.population} akterna" if (plan.population or 0) > 1 else "akterna"
    if plan.size == 1:
        shown = "om den inte har bristen"
    return (f"{size}: {shown} visar urvalet med {format_percent(plan.confidence)} "
            f"säkerhet att färre än {format_percent(plan.tolerable)} av {whom} har den")


def format_percent(share: Fraction) -> str:
    """A share as a Swedish percentage with as many decimals as it needs (at most two):
    "5 %", "2,25 %", "0,5 %"."""
    percent = share * 100
    for decimals in range(3):
        if (percent * 10**decimals).denominator == 1:
            return f"{format_number(Decimal(percent.numerator) / percent.denominator, decimals)} %"
    return f"{format_number(float(percent), 2)} %"


# --- the search --------------------------------------------------------------------------------


def _smallest(passes: Callable[[int, int], bool], expected: Fraction,
              cap: int) -> tuple[int, int] | None:
    """The smallest n <= cap, with k = ceil(n × expected), for which ``passes(n, k)``.

    For one k the n with that k form a run of consecutive sizes, and within it the test, once
    passed, stays passed; so each k is tested at the run's largest n, and in the first run that
    passes the smallest n is searched for. The search gallops up from the run's start before it
    bisects: the answer lies near the start of a long run (with no expected deviations the run
    is the whole population), and a test near n = N/2 costs the most.
    """
    k = 0 if expected == 0 else 1
    while True:
        low = 1 if k == 0 else math.floor((k - 1) / expected) + 1
        if low > cap:
            return None
        high = cap if expected == 0 else min(math.floor(k / expected), cap)
        if low <= high and passes(high, k):
            step = 1
            while low < high:
                probe = min(low + step - 1, high)
                if passes(probe, k):
                    high = probe
                    break
                low, step = probe + 1, step * 2
            while low < high:
                middle = (low + high) // 2
                if passes(middle, k):
                    high = middle
                else:
                    low = middle + 1
            return low, k
        if expected == 0:
            return None
        k += 1


def _binomial_count(n: int, k: int, a: int, b: int) -> int:
    """b**n × P(X <= k) for X binomial (n, a/b): sum of C(n, i) a**i (b − a)**(n − i)."""
    if k >= n:
        return b**n
    q = b - a
    # The sum over i <= k of C(n, i) a**i q**(k − i), then the common factor q**(n − k).
    total = 0
    coefficient = 1
    for i in range(k + 1):
        total += coefficient * a**i * q ** (k - i)
        coefficient = coefficient * (n - i) // (i + 1)
    return total * q ** (n - k)


def _hypergeometric_count(n: int, k: int, deviating: int, population: int) -> int:
    """C(N, n) × P(X <= k) for X hypergeometric (N, M, n): sum of C(M, i) C(N − M, n − i).

    Consecutive terms by their exact ratio; each division is exact, since it gives the next
    term, a whole number.
    """
    others = population - deviating
    first, last = max(0, n - others), min(n, deviating, k)
    if first > last:
        return 0
    term = math.comb(deviating, first) * math.comb(others, n - first)
    total = term
    for i in range(first, last):
        term = term * (deviating - i) * (n - i) // ((i + 1) * (others - n + i + 1))
        total += term
    return total


def _deviating(tolerable: Fraction, population: int) -> int:
    """M = ceil(tolerable × N): the fewest deviating akter that reach the tolerable rate."""
    return math.ceil(tolerable * population)


# --- checks ------------------------------------------------------------------------------------


def _checked(tolerable: Rate, expected: Rate, confidence: Rate,
             population: int | None) -> tuple[Fraction, Fraction, Fraction]:
    tolerable, expected, confidence = exact(tolerable), exact(expected), exact(confidence)
    if not 0 < tolerable < 1:
        raise SamplingError(
            "Den tolerabla avvikelsen måste vara större än 0 % och mindre än 100 %, inte "
            f"{format_percent(tolerable)}.")
    if not 0 <= expected < 1:
        raise SamplingError(
            "Den förväntade avvikelsen måste vara minst 0 % och mindre än 100 %, inte "
            f"{format_percent(expected)}.")
    if not 0 < confidence < 1:
        raise SamplingError(
            "Säkerheten måste ligga mellan 0 % och 100 %, till exempel 90 % eller 95 %, inte "
            f"{format_percent(confidence)}.")
    if tolerable <= expected:
        raise SamplingError(
            f"Den tolerabla avvikelsen ({format_percent(tolerable)}) måste vara större än den "
            f"förväntade ({format_percent(expected)}): ett urval kan inte visa att färre än "
            f"{format_percent(tolerable)} av akterna har bristen om minst så många väntas ha "
            "den.")
    if population is not None and (isinstance(population, bool)
                                   or not isinstance(population, int) or population < 1):
        raise SamplingError("Populationen är tom: importera akterna innan urvalet planeras.")
    return tolerable, expected, confidence


def _too_small(tolerable: Fraction, expected: Fraction, confidence: Fraction,
               population: int | None) -> str:
    claim = (f"visa med {format_percent(confidence)} säkerhet att färre än "
             f"{format_percent(tolerable)} av akterna har bristen när "
             f"{format_percent(expected)} väntas ha den")
    if population is None:
        most = f"{MAX_SIZE:,}".replace(",", " ")
        return (f"Mer än {most} akter skulle behövas för att {claim}. Höj den tolerabla "
                "avvikelsen, sänk den förväntade eller sänk säkerheten.")
    return (f"Populationen ({plural(population, 'akt', 'akter')}) är för liten: inte ens alla "
            f"akterna räcker för att {claim}. Höj den tolerabla avvikelsen, sänk den förväntade "
            "eller sänk säkerheten.")
