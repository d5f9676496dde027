"""Tests of criterion statistics: the exact hypergeometric interval against brute force, and
the Swedish formatting of shares."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvtui.domain import statistics
from kvtui.domain.statistics import (
    CriterionCounts,
    StatisticsError,
    criterion_result,
    estimated_applicable,
    format_interval,
    format_number,
    format_share,
    hypergeometric_interval,
    stratified_results,
)

# --- The interval against a brute-force implementation in exact rational arithmetic -------------


def brute_force_intervals(N: int, n: int, half_alpha: Fraction) -> list[tuple[int, int]]:
    """(M_L, M_U) for every x = 0..n, straight from the definition, with Fractions.

    M_L is the smallest M with P(X >= x | M) > α/2 and M_U the largest with P(X <= x | M) > α/2,
    X hypergeometric: P(X = k | M) = C(M, k) C(N − M, n − k) / C(N, n).
    """
    total = math.comb(N, n)
    at_most: list[list[Fraction]] = []  # at_most[M][k] = P(X <= k | M)
    at_least: list[list[Fraction]] = []  # at_least[M][k] = P(X >= k | M)
    for M in range(N + 1):
        pmf = [Fraction(math.comb(M, k) * math.comb(N - M, n - k), total) for k in range(n + 1)]
        assert sum(pmf) == 1
        running = Fraction(0)
        at_most.append([running := running + p for p in pmf])
        at_least.append([1 - below + p for below, p in zip(at_most[M], pmf, strict=True)])
    intervals = []
    for x in range(n + 1):
        lower = min(M for M in range(N + 1) if at_least[M][x] > half_alpha)
        upper = max(M for M in range(N + 1) if at_most[M][x] > half_alpha)
        intervals.append((lower, upper))
    return intervals


@pytest.mark.slow
def test_matches_brute_force_for_every_small_case() -> None:
    """The real correctness test: every N <= 30, every n, every x, at 95 %."""
    for N in range(1, 31):
        for n in range(1, N + 1):
            expected = brute_force_intervals(N, n, Fraction(1, 40))
            for x, (lower, upper) in enumerate(expected):
                assert hypergeometric_interval(x, n, N) == (lower / N, upper / N), (x, n, N)


def test_matches_brute_force_at_other_confidence_levels() -> None:
    for confidence, half_alpha in ((0.9, Fraction(1, 20)), (0.99, Fraction(1, 200))):
        for N in range(1, 19):
            for n in range(1, N + 1):
                expected = brute_force_intervals(N, n, half_alpha)
                for x, (lower, upper) in enumerate(expected):
                    got = hypergeometric_interval(x, n, N, confidence)
                    assert got == (lower / N, upper / N), (confidence, x, n, N)


def test_a_tail_exactly_at_half_alpha_is_not_enough() -> None:
    # N = 16, n = 2, x = 2: P(X >= 2 | M = 3) = C(3, 2) / C(16, 2) = 3/120 = 1/40 exactly, which
    # is not greater than α/2, so M = 3 is excluded and the lower bound is M = 4. Floating point
    # alone could go either way here; the decision falls back to integers.
    assert hypergeometric_interval(2, 2, 16)[0] == 4 / 16
    assert hypergeometric_interval(0, 2, 16)[1] == 12 / 16  # the mirror image


@pytest.mark.parametrize("noise", [1e-12, -1e-12])
def test_ties_are_decided_exactly_despite_rounding(
    monkeypatch: pytest.MonkeyPatch, noise: float
) -> None:
    """Rounding errors in the floating-point tail must not decide a tie; integers do."""
    exact_float = statistics._tail_float
    monkeypatch.setattr(
        statistics, "_tail_float", lambda *args: exact_float(*args) + noise
    )
    for n in (2, 3, 13, 14):  # the N = 16 cases where some tail is exactly 1/40
        expected = brute_force_intervals(16, n, Fraction(1, 40))
        for x, (lower, upper) in enumerate(expected):
            assert hypergeometric_interval(x, n, 16) == (lower / 16, upper / 16)


# --- Endpoints and hand-checked values ----------------------------------------------------------


def test_the_demo_example_13_of_44_with_10_ja() -> None:
    low, high = hypergeometric_interval(10, 13, 44)
    assert (low, high) == (23 / 44, 40 / 44)
    assert format_interval(low, high) == "52,3–90,9 %"


def test_endpoints() -> None:
    assert hypergeometric_interval(0, 13, 44)[0] == 0.0
    assert hypergeometric_interval(13, 13, 44)[1] == 1.0
    assert hypergeometric_interval(0, 13, 44)[1] < 0.3
    assert hypergeometric_interval(13, 13, 44)[0] > 0.7
    assert hypergeometric_interval(7, 44, 44) == (7 / 44, 7 / 44)
    assert hypergeometric_interval(1, 1, 1) == (1.0, 1.0)


def test_refusals() -> None:
    with pytest.raises(StatisticsError, match="mellan 0 och 13"):
        hypergeometric_interval(14, 13, 44)
    with pytest.raises(StatisticsError, match="mellan 1 och 44"):
        hypergeometric_interval(1, 45, 44)
    with pytest.raises(StatisticsError, match="mellan 1 och 44"):
        hypergeometric_interval(0, 0, 44)
    with pytest.raises(StatisticsError, match="Konfidensgraden"):
        hypergeometric_interval(1, 2, 44, confidence=1.0)
    assert issubclass(StatisticsError, ValueError)


def test_a_large_population() -> None:
    """N = 3000, n = 900, the largest the brief names (how soon: ``bench/refusals.py``)."""
    assert hypergeometric_interval(270, 900, 3000) == (825 / 3000, 978 / 3000)


# --- Properties ------------------------------------------------------------------------------


@st.composite
def cases(draw: st.DrawFn, max_N: int = 400) -> tuple[int, int, int]:
    N = draw(st.integers(1, max_N))
    n = draw(st.integers(1, N))
    x = draw(st.integers(0, n))
    return x, n, N


@settings(max_examples=200, deadline=None)
@given(cases())
def test_interval_contains_the_sample_share(case: tuple[int, int, int]) -> None:
    """The bounds are whole akter of the population (M/N): the interval reaches the share
    x/n, or the nearest such step on either side of it when x/n falls between two."""
    x, n, N = case
    low, high = hypergeometric_interval(x, n, N)
    assert 0.0 <= low <= high <= 1.0
    lower, upper = round(low * N), round(high * N)
    assert lower <= math.ceil(N * x / n) and math.floor(N * x / n) <= upper
    if N * x % n == 0:  # the share is itself a whole number of akter in the population
        assert low <= x / n <= high


def test_a_share_between_two_whole_akter() -> None:
    """1 Ja of 79 drawn from 80: the population holds 1 or 2 Ja-akter, and 2 would make a
    sample with at most 1 Ja as rare as 2/80 = 2.5 %, so the interval is exactly 1/80, just
    below the sample's 1/79. Every N from 80 up behaves so when all but one akt is drawn."""
    assert hypergeometric_interval(1, 79, 80) == (1 / 80, 1 / 80)
    assert hypergeometric_interval(78, 79, 80) == (79 / 80, 79 / 80)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_swapping_ja_and_the_rest_mirrors_the_interval(case: tuple[int, int, int]) -> None:
    x, n, N = case
    low, high = hypergeometric_interval(x, n, N)
    mirrored_low, mirrored_high = hypergeometric_interval(n - x, n, N)
    assert round(low * N) == N - round(mirrored_high * N)
    assert round(high * N) == N - round(mirrored_low * N)


@st.composite
def doubling_cases(draw: st.DrawFn) -> tuple[int, int, int]:
    N = draw(st.integers(2, 2000))
    n = draw(st.integers(1, N // 2))
    x = draw(st.integers(0, n))
    return x, n, N


@settings(max_examples=150, deadline=None)
@given(doubling_cases())
def test_interval_narrows_when_the_sample_doubles(case: tuple[int, int, int]) -> None:
    """Same sample share, twice the sample, same population: the interval is no wider.

    Discreteness could in principle make an exact interval wider for a larger sample; an
    exhaustive check of every case with N < 80 (any larger sample with the same share, not only
    twice) and 20 000 random doublings up to N = 3000 found no such case, so only floating-point
    noise is tolerated here.
    """
    x, n, N = case
    low, high = hypergeometric_interval(x, n, N)
    doubled_low, doubled_high = hypergeometric_interval(2 * x, 2 * n, N)
    assert doubled_high - doubled_low <= high - low + 1e-12


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 3000), st.data())
def test_whole_population_gives_the_exact_share(N: int, data: st.DataObject) -> None:
    x = data.draw(st.integers(0, N))
    assert hypergeometric_interval(x, N, N) == (x / N, x / N)


# --- Counts and results per criterion -----------------------------------------------------------


def test_counts() -> None:
    counts = CriterionCounts(ja=8, delvis=2, nej=1, ej_aktuellt=2)
    assert (counts.n, counts.applicable) == (13, 11)
    assert counts.share == pytest.approx(8 / 11)
    assert CriterionCounts(ej_aktuellt=3).share is None
    with pytest.raises(StatisticsError, match="negativt"):
        CriterionCounts(ja=-1)


def test_estimated_applicable_population() -> None:
    # 44 × 11 / 13 = 37.23 → 37
    assert estimated_applicable(44, CriterionCounts(ja=8, delvis=2, nej=1, ej_aktuellt=2)) == 37
    # 10 × 1 / 4 = 2.5 → 3 (half up)
    assert estimated_applicable(10, CriterionCounts(ja=1, ej_aktuellt=3)) == 3
    assert estimated_applicable(10, CriterionCounts()) is None
    with pytest.raises(StatisticsError, match="Fler akter är besvarade"):
        estimated_applicable(3, CriterionCounts(ja=4))


def test_criterion_result_with_ej_aktuellt() -> None:
    counts = CriterionCounts(ja=8, delvis=2, nej=1, ej_aktuellt=2)
    result = criterion_result(counts, 44)
    assert result.population_applicable == 37
    assert result.share == pytest.approx(8 / 11)
    assert (result.low, result.high) == hypergeometric_interval(8, 11, 37)
    assert result.counts == counts and result.population_size == 44


def test_criterion_result_without_anything_applicable() -> None:
    result = criterion_result(CriterionCounts(ej_aktuellt=13), 44)
    assert (result.share, result.low, result.high) == (None, None, None)
    assert result.population_applicable == 0
    empty = criterion_result(CriterionCounts(), 44)
    assert empty.population_applicable is None
    assert empty.share is None


def test_criterion_result_when_every_akt_is_reviewed() -> None:
    result = criterion_result(CriterionCounts(ja=30, nej=10, ej_aktuellt=4), 44)
    assert result.population_applicable == 40
    assert (result.low, result.high) == (0.75, 0.75)


def test_stratified_results() -> None:
    counts = {
        "familjehem": CriterionCounts(ja=6, nej=3),
        "jourhem": CriterionCounts(ja=1, nej=1),
        "nätverkshem": CriterionCounts(ja=2),
    }
    sizes = {"familjehem": 30, "jourhem": 8, "nätverkshem": 6}
    result = stratified_results(counts, sizes)
    # Estimated Ja-akter: 30 × 6/9 = 20, 8 × 1/2 = 4, 6 × 2/2 = 6 → 30 of 44.
    assert result.share == pytest.approx(30 / 44)
    assert result.unanswered == ()
    assert result.strata["jourhem"] == criterion_result(counts["jourhem"], 8)
    assert (result.strata["nätverkshem"].low, result.strata["nätverkshem"].high) == (
        hypergeometric_interval(2, 2, 6)
    )


def test_stratified_share_weights_by_applicable_akter() -> None:
    # A: 10 akter, 2 answered, 1 Ja and 1 Ej aktuellt → about 5 applicable, 5 Ja.
    # B: 10 akter, 2 answered, both Nej → 10 applicable, 0 Ja. Share 5 / 15, not (1 + 0) / 2.
    counts = {"A": CriterionCounts(ja=1, ej_aktuellt=1), "B": CriterionCounts(nej=2)}
    result = stratified_results(counts, {"A": 10, "B": 10, "C": 5})
    assert result.share == pytest.approx(1 / 3)
    assert result.unanswered == ("C",)
    assert result.strata["C"].share is None
    with pytest.raises(StatisticsError, match="Storleken saknas"):
        stratified_results({"D": CriterionCounts(ja=1)}, {"A": 10})


# --- Swedish formatting --------------------------------------------------------------------------


def test_formatting() -> None:
    assert format_share(0.828) == "82,8 %"
    assert format_share(10 / 13) == "76,9 %"
    assert format_share(1.0) == "100,0 %"
    assert format_share(0.0285) == "2,9 %"  # half up as written, not 2,8
    assert format_share(0.5, decimals=0) == "50 %"
    assert format_share(None) == "–"
    assert format_interval(0.71, 0.912) == "71,0–91,2 %"
    assert format_interval(None, 0.5) == "–"
    assert format_number(2.25, 1) == "2,3"
    assert format_number(-0.01, 1) == "0,0"
    assert format_number(19.489, 0) == "19"
