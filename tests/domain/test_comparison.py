"""Tests of the comparison of two reviews of one criterion: the Newcombe hybrid score interval
with finite population corrections, its symmetry, and the Swedish sentence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvtui.domain.comparison import (
    ComparisonError,
    ShareSample,
    compare_results,
    compare_shares,
    comparison_sentence,
    wilson_interval,
)
from kvtui.domain.statistics import CriterionCounts, StatisticsError, criterion_result


@st.composite
def samples(draw: st.DrawFn) -> ShareSample:
    N = draw(st.integers(1, 3000))
    n = draw(st.integers(1, N))
    return ShareSample(draw(st.integers(0, n)), n, N)


@given(samples(), samples())
def test_swapping_the_reviews_negates_the_interval(a: ShareSample, b: ShareSample) -> None:
    forward, backward = compare_shares(a, b), compare_shares(b, a)
    assert backward.difference == -forward.difference
    assert (backward.low, backward.high) == (-forward.high, -forward.low)
    assert backward.established == forward.established


@given(samples())
def test_identical_samples_hold_zero(a: ShareSample) -> None:
    same = compare_shares(a, ShareSample(a.x, a.n, a.N))
    assert same.difference == 0
    assert same.low <= 0 <= same.high
    assert not same.established or a.n == a.N  # a census twice may differ by nothing at all
    assert "båda gångerna" in comparison_sentence(same)


@given(samples(), samples())
def test_the_interval_holds_the_observed_difference(a: ShareSample, b: ShareSample) -> None:
    found = compare_shares(a, b)
    assert -1 <= found.low <= found.difference <= found.high <= 1


@given(samples())
def test_each_share_stays_inside_what_its_population_can_hold(a: ShareSample) -> None:
    low, high = wilson_interval(a, 1.96)
    assert a.x / a.N <= low <= a.share <= high <= (a.x + a.N - a.n) / a.N


@given(samples(), st.floats(0.5, 0.99))
def test_a_higher_confidence_never_narrows(a: ShareSample, confidence: float) -> None:
    b = ShareSample(a.n - a.x, a.n, a.N)
    lower, higher = compare_shares(a, b, confidence), compare_shares(a, b, 0.995)
    assert higher.low <= lower.low and lower.high <= higher.high


def test_the_finite_population_narrows_the_interval() -> None:
    """21 of 60 each year is more than a third of the akter: the interval is narrower than for
    the same counts from an endless population."""
    small = compare_shares(ShareSample(13, 21, 60), ShareSample(17, 21, 60))
    large = compare_shares(ShareSample(13, 21, 10**9), ShareSample(17, 21, 10**9))
    assert large.low < small.low < small.high < large.high


def test_the_newcombe_interval_for_an_endless_population() -> None:
    """Newcombe (1998), table II, example (a): 56/70 − 48/80 gives 0,0524 to 0,3339 (method 10).
    """
    found = compare_shares(ShareSample(48, 80, 10**12), ShareSample(56, 70, 10**12))
    assert round(found.low, 4) == 0.0524 and round(found.high, 4) == 0.3339


def test_the_sentences() -> None:
    up = compare_shares(ShareSample(31, 50, 150), ShareSample(40, 50, 150))
    assert comparison_sentence(up) == (
        "Andelen Ja har ökat från 62 % till 80 %; skillnaden är säkerställd (95 %-intervall "
        "3–32 procentenheter).")
    down = compare_shares(ShareSample(17, 21, 60), ShareSample(13, 21, 60))
    assert comparison_sentence(down) == (
        "Andelen Ja har minskat från 81 % till 62 %; skillnaden är inte säkerställd "
        "(95 %-intervall −39 till 3 procentenheter).")
    counted = compare_shares(ShareSample(5, 40, 40), ShareSample(20, 40, 40))
    assert comparison_sentence(counted, "Nej") == (
        "Andelen Nej har ökat från 13 % till 50 %; skillnaden är säkerställd (alla akter "
        "granskade båda gångerna).")


def test_shares_that_round_alike_get_a_decimal() -> None:
    close = compare_shares(ShareSample(623, 1000, 5000), ShareSample(624, 1000, 5000))
    assert "från 62,3 % till 62,4 %" in comparison_sentence(close)


@pytest.mark.parametrize(("args", "message"), [
    ((0, 0, 10), "mellan 1 och 10"),
    ((0, 11, 10), "mellan 1 och 10"),
    ((5, 4, 10), "mellan 0 och 4"),
    ((-1, 4, 10), "mellan 0 och 4"),
    ((0, 1, 0), "minst en akt"),
    ((1.0, 4, 10), "heltal"),
])
def test_bad_counts_are_refused_in_swedish(args: tuple[int, int, int], message: str) -> None:
    with pytest.raises(ComparisonError, match=message):
        ShareSample(*args)


@pytest.mark.parametrize("confidence", [0, 1, 2, -0.5, float("nan")])
def test_a_bad_confidence_is_refused_in_swedish(confidence: float) -> None:
    with pytest.raises(StatisticsError, match="Konfidensgraden"):
        compare_shares(ShareSample(1, 2, 3), ShareSample(1, 2, 3), confidence)


def test_two_reviews_results_compare_their_applicable_akter() -> None:
    """Ej aktuellt is left out as in each review's own share: 8 of 12 (N = 41), then 12 of 13."""
    earlier = criterion_result(CriterionCounts(ja=8, delvis=1, nej=3, ej_aktuellt=1), 44)
    later = criterion_result(CriterionCounts(ja=12, nej=1), 50)
    found = compare_results(earlier, later)
    assert (found.earlier, found.later) == (ShareSample(8, 12, 41), ShareSample(12, 13, 50))
    assert found.difference == 12 / 13 - 8 / 12
    with pytest.raises(ComparisonError, match="inga tillämpliga"):
        compare_results(criterion_result(CriterionCounts(ej_aktuellt=5), 44), later)
