"""The headline in words: what the share is, which strata it leaves out and how much of the
sample was reviewed, worded once for every surface."""

from __future__ import annotations

from kvtui.domain.headline_text import (
    NOT_REVIEWED,
    coverage_sentence,
    estimate_explained,
    estimate_name,
    result_rows,
    stratum_share,
    uncovered_summary,
)
from kvtui.domain.results import CriterionRow, ReviewResults
from kvtui.domain.statistics import (
    CriterionCounts,
    criterion_result,
    exact_headline,
    stratified_results,
)

SIZES = {"familjehem": 30, "HVB": 8}


def _row(code: str, counts: dict[str, CriterionCounts]) -> CriterionRow:
    total = CriterionCounts(*(sum(getattr(c, f) for c in counts.values())
                              for f in ("ja", "delvis", "nej", "ej_aktuellt")))
    strata = stratified_results(counts, SIZES)
    return CriterionRow(code, "Fråga", None, criterion_result(total, 38), 0, strata,
                        design="stratified")


def _results(rows: tuple[CriterionRow, ...], reviewed: int = 10) -> ReviewResults:
    return ReviewResults(38, 12, "stratified", "1", "Placeringsform", rows, reviewed=reviewed)


def test_strata_left_out_are_named_once_for_the_criteria_they_concern() -> None:
    left_out = {"familjehem": CriterionCounts(ja=3, nej=1)}
    whole = {**left_out, "HVB": CriterionCounts(ja=1)}
    every = _results((_row("F1", left_out), _row("F2", left_out)))
    assert uncovered_summary(every) == [
        "Skattningarna omfattar inte placeringsform HVB, där ingen akt är granskad ännu."]
    some = _results((_row("F1", left_out), _row("F2", whole), _row("F3", left_out)))
    assert uncovered_summary(some) == [
        "Skattningen för kriterierna F1 och F3 omfattar inte placeringsform HVB, där ingen "
        "akt är granskad ännu."]
    assert uncovered_summary(_results((_row("F2", whole),))) == []
    strata = some.rows[0].strata
    assert strata is not None and stratum_share(strata.strata["HVB"]) == NOT_REVIEWED
    hvb = next(r for r in result_rows(some) if r[0] == "F1" and r[2] == "HVB")
    assert hvb[8] is None and hvb[-1] == NOT_REVIEWED


def test_coverage_is_said_only_when_the_sample_is_not_fully_answered() -> None:
    rows = (_row("F1", {"familjehem": CriterionCounts(ja=3)}),)
    assert coverage_sentence(_results(rows, reviewed=10)) == (
        "10 av 12 akter i urvalet har granskats; 2 är inte besvarade för alla kriterier.")
    assert coverage_sentence(_results(rows, reviewed=11)).endswith(
        "1 är inte besvarad för alla kriterier.")
    assert coverage_sentence(_results(rows, reviewed=12)) == ""


def test_the_estimate_is_named_by_design() -> None:
    rows = (_row("F1", {"familjehem": CriterionCounts(ja=3)}),)
    stratified = _results(rows)
    assert estimate_name(stratified) == "Andel Ja, vägd efter placeringsform"
    assert "Korn–Graubard" in estimate_explained(stratified)
    result = criterion_result(CriterionCounts(ja=3, nej=1), 38)
    simple = ReviewResults(38, 4, "simple", "1", "", (
        CriterionRow("F1", "Fråga", None, result, 0, design="systematic"),))
    assert simple.rows[0].headline == exact_headline(result, "systematic")
    assert simple.not_reviewed == 0
    assert estimate_name(simple) == "Andel Ja"
    assert "hypergeometrisk" in estimate_explained(simple)
    assert "Korn" not in estimate_explained(simple)
