"""Tests of the headline estimate: the weighted share of a stratified sample and its
Korn–Graubard interval, against the exact unweighted result where the two must agree."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvtui.domain.statistics import (
    EXACT,
    KORN_GRAUBARD,
    CriterionCounts,
    criterion_result,
    estimated_applicable,
    exact_headline,
    hypergeometric_interval,
    stratified_results,
    weighted_headline,
)


@st.composite
def stratum(draw: st.DrawFn, *, ej: bool = True) -> tuple[int, CriterionCounts]:
    """A stratum's size and its answers: up to 40 akter, up to all of them answered."""
    size = draw(st.integers(1, 40))
    answered = draw(st.integers(1, size))
    ja = draw(st.integers(0, answered))
    ej_aktuellt = draw(st.integers(0, answered - ja)) if ej else 0
    delvis = draw(st.integers(0, answered - ja - ej_aktuellt))
    nej = answered - ja - ej_aktuellt - delvis
    return size, CriterionCounts(ja, delvis, nej, ej_aktuellt)


@settings(max_examples=150, deadline=None)
@given(stratum())
def test_one_stratum_is_the_exact_unweighted_result(case: tuple[int, CriterionCounts]) -> None:
    """With one stratum the design effect is 1: share and interval are the exact ones."""
    size, counts = case
    headline = weighted_headline({"A": counts}, {"A": size})
    exact = criterion_result(counts, size)
    assert (headline.share, headline.low, headline.high) == (exact.share, exact.low, exact.high)
    assert headline.population_applicable == (exact.population_applicable
                                              if counts.applicable else 0)


@settings(max_examples=150, deadline=None)
@given(st.lists(stratum(), min_size=1, max_size=5))
def test_interval_holds_the_share_within_zero_and_one(
    cases: list[tuple[int, CriterionCounts]],
) -> None:
    names = [f"S{i}" for i in range(len(cases))]
    counts = {name: c for name, (_, c) in zip(names, cases, strict=True)}
    sizes = {name: size for name, (size, _) in zip(names, cases, strict=True)}
    headline = weighted_headline(counts, sizes)
    if headline.share is None:
        assert all(c.applicable == 0 for c in counts.values())
        return
    assert headline.low is not None and headline.high is not None
    assert 0.0 <= headline.low <= headline.share <= headline.high <= 1.0
    assert headline.effective_size is not None
    assert 1 <= headline.effective_size <= headline.applicable
    expected = sum(Fraction(estimated_applicable(sizes[n], c) or 0) * Fraction(c.ja, c.applicable)
                   for n, c in counts.items() if c.applicable)
    total = sum(estimated_applicable(sizes[n], c) or 0 for n, c in counts.items())
    assert headline.share == pytest.approx(float(expected / total))
    # The order the strata come in does not matter.
    reversed_sizes = dict(reversed(list(sizes.items())))
    again = weighted_headline(counts, reversed_sizes)
    assert (again.share, again.low, again.high) == pytest.approx(
        (headline.share, headline.low, headline.high))


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4), st.lists(st.tuples(st.integers(1, 6), st.data()), min_size=2,
                                   max_size=4))
def test_proportional_allocation_gives_the_unweighted_share(
    fraction_den: int, strata: list[tuple[int, st.DataObject]],
) -> None:
    """n_h / N_h the same in every stratum and nothing Ej aktuellt: the weighted share is
    exactly the plain share, and the interval is never narrower than the exact one at
    d = 1 would be for the same share (n* never exceeds n)."""
    counts: dict[str, CriterionCounts] = {}
    sizes: dict[str, int] = {}
    for i, (drawn, data) in enumerate(strata):
        ja = data.draw(st.integers(0, drawn))
        counts[f"S{i}"] = CriterionCounts(ja=ja, nej=drawn - ja)
        sizes[f"S{i}"] = drawn * (fraction_den + 1)
    headline = weighted_headline(counts, sizes)
    ja = sum(c.ja for c in counts.values())
    n = sum(c.n for c in counts.values())
    assert headline.share == pytest.approx(ja / n, abs=1e-12)
    assert headline.effective_size is not None and headline.effective_size <= n


def test_strata_all_ja_or_all_nej_give_the_exact_interval() -> None:
    """No variance within strata: n* = n, and with proportional allocation the interval is
    the exact unweighted one."""
    counts = {"A": CriterionCounts(ja=6), "B": CriterionCounts(nej=3)}
    headline = weighted_headline(counts, {"A": 20, "B": 10})
    assert headline.share == pytest.approx(6 / 9)
    assert headline.effective_size == 9
    assert (headline.low, headline.high) == hypergeometric_interval(6, 9, 30)


def test_zero_and_one_hundred_percent() -> None:
    none = weighted_headline({"A": CriterionCounts(nej=4), "B": CriterionCounts(nej=2)},
                             {"A": 20, "B": 5})
    assert none.share == 0 and none.low == 0 and none.high is not None and none.high < 0.5
    every = weighted_headline({"A": CriterionCounts(ja=4), "B": CriterionCounts(ja=2)},
                              {"A": 20, "B": 5})
    assert every.share == 1 and every.high == 1 and every.low is not None and every.low > 0.5


def test_a_census_gives_the_population_share() -> None:
    counts = {"A": CriterionCounts(ja=3, nej=1), "B": CriterionCounts(ja=1, nej=1)}
    headline = weighted_headline(counts, {"A": 4, "B": 2})
    assert headline.share == pytest.approx(4 / 6)
    assert headline.low == pytest.approx(4 / 6) and headline.high == pytest.approx(4 / 6)


def test_weights_follow_the_estimated_applicable_akter() -> None:
    # A: 10 akter, 1 Ja and 1 Ej aktuellt answered → 5 applicable, all Ja.
    # B: 10 akter, both Nej → 10 applicable, none Ja. Weighted: 5 / 15, not (1 + 0) / 3.
    counts = {"A": CriterionCounts(ja=1, ej_aktuellt=1), "B": CriterionCounts(nej=2)}
    headline = weighted_headline(counts, {"A": 10, "B": 10})
    assert headline.share == pytest.approx(1 / 3)
    assert headline.population_applicable == 15
    assert headline.interval_method == KORN_GRAUBARD and headline.weighted


def test_a_stratum_with_nothing_answered_is_left_out_and_named() -> None:
    counts = {"A": CriterionCounts(ja=3, nej=1)}
    result = stratified_results(counts, {"A": 20, "B": 10})
    headline = result.headline
    assert headline.uncovered == ("B",) and result.unanswered == ("B",)
    assert headline.share == pytest.approx(3 / 4)
    assert headline.population_applicable == 20  # B is not estimated as 0 Ja
    assert result.share == headline.share
    nothing = weighted_headline({}, {"A": 20, "B": 10})
    assert nothing.share is None and nothing.uncovered == ("A", "B")
    assert nothing.population_applicable is None


def test_a_stratum_all_ej_aktuellt_weighs_nothing() -> None:
    counts = {"A": CriterionCounts(ja=3, nej=1), "B": CriterionCounts(ej_aktuellt=2)}
    headline = weighted_headline(counts, {"A": 20, "B": 10})
    assert headline.share == pytest.approx(3 / 4)
    assert headline.uncovered == ()
    assert headline.answered == 6 and headline.applicable == 4


def test_the_user_s_stratified_example_differs_from_the_plain_share() -> None:
    """A small stratum sampled heavily must not pull the estimate: 71,4 % plain, weighted
    by the strata's sizes something else, and every surface reads the weighted one."""
    counts = {"stor": CriterionCounts(ja=8, nej=2), "liten": CriterionCounts(ja=2, nej=2)}
    sizes = {"stor": 90, "liten": 10}
    plain = criterion_result(CriterionCounts(ja=10, nej=4), 100)
    headline = stratified_results(counts, sizes).headline
    assert round(plain.share or 0, 3) == 0.714
    assert headline.share == pytest.approx(0.9 * 0.8 + 0.1 * 0.5)


def test_exact_headline_is_the_criterion_result() -> None:
    result = criterion_result(CriterionCounts(ja=9, nej=4), 44)
    headline = exact_headline(result, "systematic")
    assert (headline.share, headline.low, headline.high) == (result.share, result.low,
                                                              result.high)
    assert headline.interval_method == EXACT and not headline.weighted
    assert headline.design == "systematic"
