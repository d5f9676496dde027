"""Tests of the assurance statements: the one-sided bound against brute force, its shape in
d and n, the deviation setting, and the Swedish sentences."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvtui.domain import assurance
from kvtui.domain.assurance import (
    appendix_statements,
    deviation_note,
    method_sentence,
    result_assurance,
    row_statement,
    short_statement,
    statement,
    strata_statement,
    upper_bound,
)
from kvtui.domain.deviation import Deviation, deviation_problem, deviations
from kvtui.domain.results import CriterionRow, ReviewResults
from kvtui.domain.statistics import (
    CriterionCounts,
    StatisticsError,
    criterion_result,
    hypergeometric_interval,
    lower_tail_exceeds,
    stratified_results,
)

# --- the bound against brute force ------------------------------------------------------------


def brute_force_bounds(N: int, n: int, tail: Fraction) -> list[int]:
    """M_U for every d = 0..n, straight from the definition in exact arithmetic: the largest M
    with P(X <= d | M) > tail, P(X = k | M) = C(M, k) C(N − M, n − k) / C(N, n)."""
    total = math.comb(N, n)
    at_most: list[list[Fraction]] = []  # at_most[M][d] = P(X <= d | M)
    for M in range(N + 1):
        running = Fraction(0)
        at_most.append([running := running + Fraction(math.comb(M, k) * math.comb(N - M, n - k),
                                                       total)
                        for k in range(n + 1)])
        assert at_most[M][n] == 1
    return [max(M for M in range(N + 1) if at_most[M][d] > tail) for d in range(n + 1)]


def enumerated_bound(N: int, n: int, d: int, tail: Fraction) -> int:
    """M_U by drawing every possible sample: the population's first M akter have the brist."""
    samples = list(itertools.combinations(range(N), n))
    best = 0
    for M in range(N + 1):
        few = sum(1 for sample in samples if sum(1 for akt in sample if akt < M) <= d)
        if Fraction(few, len(samples)) > tail:
            best = M
    return best


def test_matches_every_sample_drawn_for_tiny_populations() -> None:
    """Independent of any formula: every sample of every n from N <= 9 is drawn and counted."""
    for N in range(1, 10):
        for n in range(1, N + 1):
            for d in range(n + 1):
                assert upper_bound(d, n, N) == enumerated_bound(N, n, d, Fraction(1, 20)), (
                    d, n, N)


def test_matches_brute_force_up_to_forty() -> None:
    for N in range(1, 41):
        for n in range(1, N + 1):
            for d, expected in enumerate(brute_force_bounds(N, n, Fraction(1, 20))):
                assert upper_bound(d, n, N) == expected, (d, n, N)


@pytest.mark.slow
@pytest.mark.parametrize(("confidence", "tail"), [(0.95, Fraction(1, 20)),
                                                  (0.9, Fraction(1, 10)),
                                                  (0.99, Fraction(1, 100))])
def test_matches_brute_force_at_each_confidence(confidence: float, tail: Fraction) -> None:
    for N in range(1, 46):
        for n in range(1, N + 1):
            for d, expected in enumerate(brute_force_bounds(N, n, tail)):
                assert upper_bound(d, n, N, confidence) == expected, (d, n, N, confidence)


def bisected(d: int, n: int, N: int, tail: Fraction = Fraction(1, 20)) -> int:
    """M_U by plain bisection over the exact test, without the floating-point candidate."""
    low, high = d, N - (n - d)
    while low < high:
        middle = (low + high + 1) // 2
        if lower_tail_exceeds(d, n, middle, N, tail):
            low = middle
        else:
            high = middle - 1
    return low


@given(st.integers(1, 5000).flatmap(
    lambda N: st.integers(1, N).flatmap(lambda n: st.tuples(st.just(N), st.just(n),
                                                            st.integers(0, n)))))
def test_the_candidate_never_changes_the_bound_in_large_populations(
        case: tuple[int, int, int]) -> None:
    N, n, d = case
    assert upper_bound(d, n, N) == bisected(d, n, N)


@pytest.mark.parametrize("wrong", ["low", "high", "off by one"])
def test_a_wrong_candidate_is_caught(monkeypatch: pytest.MonkeyPatch, wrong: str) -> None:
    """The exact tests, not the floating-point walk, decide: a wrong candidate falls back to
    bisection."""
    def candidate(d: int, n: int, N: int, tail: float, low: int, high: int) -> int:
        right = bisected(d, n, N)
        return {"low": low, "high": high, "off by one": min(right + 1, high)}[wrong]

    monkeypatch.setattr(assurance, "_candidate", candidate)
    for N, n, d in ((44, 13, 0), (44, 13, 2), (300, 90, 7), (60, 1, 0), (60, 59, 3)):
        assert upper_bound(d, n, N) == bisected(d, n, N)


def test_the_seed_example() -> None:
    """No brist in 13 of 44: P(X = 0 | 7) = 0,0686 > 0,05 and P(X = 0 | 8) = 0,0445."""
    assert upper_bound(0, 13, 44) == 7
    assert math.comb(44 - 7, 13) * 20 > math.comb(44, 13)
    assert math.comb(44 - 8, 13) * 20 < math.comb(44, 13)


@given(st.integers(1, 400).flatmap(lambda N: st.tuples(st.just(N), st.integers(1, N))))
def test_monotone_in_deviations_found(case: tuple[int, int]) -> None:
    N, n = case
    bounds = [upper_bound(d, n, N) for d in range(n + 1)]
    assert all(low <= high for low, high in itertools.pairwise(bounds))
    assert all(bound >= d for d, bound in enumerate(bounds))
    assert bounds[n] == N  # every akt seen has the brist: nothing rules out all of them


@given(st.integers(1, 400).flatmap(lambda N: st.tuples(st.just(N), st.integers(0, N))))
def test_equals_the_count_when_every_akt_is_reviewed(case: tuple[int, int]) -> None:
    N, d = case
    assert upper_bound(d, N, N) == d


@given(st.integers(2, 300).flatmap(
    lambda N: st.integers(1, N - 1).flatmap(lambda n: st.tuples(st.just(N), st.just(n),
                                                                st.integers(0, n)))))
def test_shrinks_as_more_akter_are_reviewed(case: tuple[int, int, int]) -> None:
    """One more akt without the brist never loosens the bound."""
    N, n, d = case
    assert upper_bound(d, n + 1, N) <= upper_bound(d, n, N)


@given(st.integers(1, 300).flatmap(
    lambda N: st.integers(1, N).flatmap(lambda n: st.tuples(st.just(N), st.just(n),
                                                            st.integers(0, n)))))
def test_is_the_upper_end_of_the_two_sided_ninety_percent_interval(
        case: tuple[int, int, int]) -> None:
    """A one-sided 95 % bound for the Nej-akter is the two-sided 90 % interval's upper end."""
    N, n, d = case
    _low, high = hypergeometric_interval(d, n, N, 0.9)
    assert upper_bound(d, n, N, 0.95) / N == high


def test_a_large_population() -> None:
    assert upper_bound(30, 900, 3000) == upper_bound(30, 900, 3000)
    assert 30 / 900 * 3000 < upper_bound(30, 900, 3000) < 200


@pytest.mark.parametrize(("args", "message"), [
    ((0, 0, 44), "mellan 1 och 44"),
    ((0, 45, 44), "mellan 1 och 44"),
    ((14, 13, 44), "mellan 0 och 13"),
    ((-1, 13, 44), "mellan 0 och 13"),
    ((0, 1, 0), "minst en akt"),
    ((0.5, 13, 44), "heltal"),
    ((True, 13, 44), "heltal"),
])
def test_refuses_impossible_counts_in_swedish(args: tuple[int, int, int], message: str) -> None:
    with pytest.raises(StatisticsError, match=message):
        upper_bound(*args)


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1])
def test_refuses_a_confidence_outside_zero_and_one(confidence: float) -> None:
    with pytest.raises(StatisticsError, match="Konfidensgraden"):
        upper_bound(0, 13, 44, confidence)


# --- which answers are a brist ----------------------------------------------------------------


def test_nej_alone_by_default_and_delvis_when_the_template_says_so() -> None:
    counts = CriterionCounts(ja=8, delvis=3, nej=2, ej_aktuellt=1)
    assert deviations(counts) == 2
    assert deviations(counts, Deviation.NO_OR_PARTLY) == 5
    result = criterion_result(counts, 44)
    only_no = result_assurance(result)
    with_partly = result_assurance(result, Deviation.NO_OR_PARTLY)
    assert only_no is not None and with_partly is not None
    assert (only_no.found, with_partly.found) == (2, 5)
    assert only_no.upper < with_partly.upper
    assert deviation_problem("nej") is None and deviation_problem("nej_och_delvis") is None
    problem = deviation_problem("delvis")
    assert problem is not None and "okänd avvikelsedefinition" in problem


def test_ej_aktuellt_is_left_out_and_the_population_estimated() -> None:
    """12 applicable of 13 answered from 44: the applicable population is round(44·12/13) = 41."""
    result = criterion_result(CriterionCounts(ja=10, nej=2, ej_aktuellt=1), 44)
    found = result_assurance(result)
    assert found is not None
    assert (found.reviewed, found.population, found.estimated) == (12, 41, True)
    assert found.upper == upper_bound(2, 12, 41)
    assert "uppskattningsvis 41" in statement(found)


def test_nothing_applicable_gives_no_statement() -> None:
    assert result_assurance(criterion_result(CriterionCounts(ej_aktuellt=4), 44)) is None
    assert result_assurance(criterion_result(CriterionCounts(), 44)) is None


# --- the sentences ----------------------------------------------------------------------------


def sentence(counts: CriterionCounts, N: int) -> str:
    found = result_assurance(criterion_result(counts, N))
    assert found is not None
    return statement(found)


def test_the_zero_deviation_sentence_tells_sample_and_population_apart() -> None:
    assert sentence(CriterionCounts(ja=13), 44) == (
        "Ingen brist i någon av de 13 granskade akterna (urval ur 44 akter): med 95 % säkerhet "
        "har högst 16 % av de 44 akterna (7 akter) denna brist.")


def test_the_some_deviations_sentence() -> None:
    upper = upper_bound(2, 13, 44)
    assert sentence(CriterionCounts(ja=10, delvis=1, nej=2), 44) == (
        f"Brist i 2 av de 13 granskade akterna (urval ur 44 akter): med 95 % säkerhet har "
        f"högst {math.ceil(100 * upper / 44)} % av de 44 akterna ({upper} akter) denna brist.")


def test_one_akt_and_the_rounding_up() -> None:
    assert sentence(CriterionCounts(ja=1), 44).startswith(
        "Ingen brist i den enda granskade akten (urval ur 44 akter)")
    # 4 of 44 is 9,09 %: an upper bound is rounded up, never down.
    found = result_assurance(criterion_result(CriterionCounts(ja=19), 44))
    assert found is not None and found.upper == 4
    assert "högst 10 % av de 44 akterna (4 akter) denna brist" in statement(found)
    one = result_assurance(criterion_result(CriterionCounts(ja=41, nej=1), 44))
    assert one is not None and one.upper == 2
    assert statement(one).startswith("Brist i 1 av de 42 granskade akterna")


def test_every_akt_reviewed_says_the_count() -> None:
    assert sentence(CriterionCounts(ja=40, nej=4), 44) == (
        "Alla 44 akter är granskade: 4 av dem (9 %) har denna brist.")
    assert sentence(CriterionCounts(ja=44), 44) == (
        "Alla 44 akter är granskade: ingen av dem har denna brist.")


def test_thousands_are_spaced_the_swedish_way() -> None:
    text = sentence(CriterionCounts(ja=1200, nej=10), 3000)
    assert "av de 1\u00a0210 granskade akterna (urval ur 3\u00a0000 akter)" in text


def row(code: str, counts: CriterionCounts, deviation: str = Deviation.NO,
        strata: dict[str, CriterionCounts] | None = None) -> CriterionRow:
    sizes = {"familjehem": 30, "jourhem": 14}
    return CriterionRow(code, "Fråga", None, criterion_result(counts, 44), 0,
                        stratified_results(strata, sizes) if strata is not None else None,
                        deviation)


def test_per_stratum_line() -> None:
    line = row("F1", CriterionCounts(ja=12, nej=1), strata={
        "familjehem": CriterionCounts(ja=8, nej=1), "jourhem": CriterionCounts(ja=4)})
    text = strata_statement(line, "Placeringsform")
    family = result_assurance(line.strata.strata["familjehem"])  # type: ignore[union-attr]
    assert family is not None
    assert text == (
        "Brist högst (95 % säkerhet) per placeringsform: familjehem "
        f"{short_statement(family)}; jourhem "
        f"{math.ceil(100 * upper_bound(0, 4, 14) / 14)} % ({upper_bound(0, 4, 14)} av 14).")
    assert short_statement(family) == (
        f"{math.ceil(100 * upper_bound(1, 9, 30) / 30)} % ({upper_bound(1, 9, 30)} av 30)")
    assert short_statement(None) == "–"
    assert strata_statement(row("F2", CriterionCounts(ja=1)), "Placeringsform") == ""


def test_appendix_statements_skip_what_has_no_answer() -> None:
    rows = (row("F1", CriterionCounts(ja=13)), row("F2", CriterionCounts(ej_aktuellt=13)),
            row("F3", CriterionCounts(ja=9, delvis=4), Deviation.NO_OR_PARTLY))
    found = appendix_statements(rows, "")
    assert [s.code for s in found] == ["F1", "F3"]
    assert found[1].text.startswith("Brist i 4 av de 13")
    assert row_statement(rows[1]) == ""
    assert deviation_note(rows) == "Som brist räknas svaret Nej, för F3 även Delvis."
    assert deviation_note(rows[:2]) == "Som brist räknas svaret Nej."


def test_the_metod_sentence() -> None:
    results = ReviewResults(44, 13, "simple", "4711", "", ())
    assert method_sentence(results) == (
        "Urvalet om 13 av 44 akter räcker för att med 95 % säkerhet säga att en brist som "
        "inte finns i någon granskad akt finns i högst 16 % av akterna (7 av 44).")
    assert method_sentence(ReviewResults(44, 44, "simple", "1", "", ())).startswith(
        "Alla 44 akter granskas")
    assert method_sentence(ReviewResults(44, 0, "simple", "1", "", ())) == ""
    # what was answered, not what was drawn
    partly = ReviewResults(44, 13, "simple", "4711", "", (), reviewed=10)
    assert method_sentence(partly).startswith("Urvalet om 10 av 44 akter")
    assert method_sentence(ReviewResults(44, 44, "simple", "1", "", (), reviewed=43)
                           ).startswith("Urvalet om 43 av 44 akter")
