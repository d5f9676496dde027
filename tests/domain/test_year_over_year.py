"""Tests of what carries over from one year's review to the next and of pairing the two
reviews' criteria: by code, then by question, and what is left unpaired said in words."""

from __future__ import annotations

from datetime import date

from kvtui.domain.statistics import CriterionCounts, CriterionResult, criterion_result
from kvtui.domain.year_over_year import (
    CriterionFigures,
    change_cell,
    change_lines,
    chart_description,
    compare_reviews,
    headings_only,
    moved_one_year,
    newer_version,
    next_title,
    pair_criteria,
    unmatched_lines,
)


def test_codes_pair_first_and_questions_pair_what_is_left() -> None:
    earlier = [("F1", "Beslut finns"), ("F2", "Vårdplan finns."), ("F3", "Utgången fråga")]
    later = [("F1", "Beslut om placering finns"), ("F9", "vårdplan  finns"),
             ("F4", "Ny fråga")]
    pairing = pair_criteria(earlier, later)
    assert [(p.earlier, p.later, p.by_question) for p in pairing.pairs] == [
        (0, 0, False), (1, 1, True)]
    assert pairing.only_earlier == (2,)
    assert pairing.only_later == (2,)


def test_a_code_paired_by_code_is_not_paired_again_by_its_question() -> None:
    # F2's question moved to F5, but F2 still exists: F2 pairs with F2, F5 stays new.
    pairing = pair_criteria([("F2", "Vårdplan finns")],
                            [("F2", "Annan fråga"), ("F5", "Vårdplan finns")])
    assert [(p.earlier, p.later) for p in pairing.pairs] == [(0, 0)]
    assert pairing.only_later == (1,)


def _result(ja: int, nej: int, population: int = 40) -> CriterionResult:
    return criterion_result(CriterionCounts(ja, 0, nej, 0), population)


def test_the_comparison_names_renamed_new_and_dropped_criteria() -> None:
    earlier = [CriterionFigures("F1", "Beslut finns", _result(6, 6)),
               CriterionFigures("F2", "Vårdplan finns", _result(10, 2)),
               CriterionFigures("F3", "Utgången fråga", _result(3, 9))]
    later = [CriterionFigures("F1", "Beslut finns", _result(12, 0)),
             CriterionFigures("F7", "Vårdplan finns", _result(10, 2)),
             CriterionFigures("F8", "Ny fråga", None)]
    found = compare_reviews("id", "Granskning 2025", "2025", earlier, later)
    assert [c.label for c in found.changes] == ["F1", "F7 (förra gången F2)"]
    assert found.only_now == ("F8",) and found.only_before == ("F3",)
    lines = unmatched_lines(found)
    assert lines[0] == "1 kriterium finns inte i den föregående granskningen och jämförs inte: F8."
    assert "F3" in lines[1] and "F7 (förra gången F2)" in lines[2]
    first = found.changes[0].comparison
    assert first is not None and first.established and first.difference == 0.5
    assert change_cell(first).startswith("+50,0 (")
    said = change_lines(found)
    assert said[0].startswith("F1: Andelen Ja har ökat från 50 % till 100 %; skillnaden är "
                              "säkerställd")
    assert said[1] == "Andelen Ja är densamma båda gångerna för F7."
    assert "F1 förra gången 50,0 %, nu 100,0 %" in chart_description(found)


def test_a_criterion_without_figures_cannot_be_compared() -> None:
    found = compare_reviews("id", "T", "", [CriterionFigures("F1", "q", _result(1, 1))],
                            [CriterionFigures("F1", "q", None)])
    assert found.changes[0].comparison is None
    assert change_cell(None) == "–"
    assert change_lines(found) == ["Kan inte jämföras, eftersom en av granskningarna saknar "
                                   "tillämpliga besvarade akter: F1."]


def test_the_period_moves_one_year_and_the_title_follows_it() -> None:
    assert moved_one_year(date(2024, 2, 29)) == date(2025, 2, 28)
    assert moved_one_year(date(2025, 1, 1)) == date(2026, 1, 1)
    assert moved_one_year(None) is None
    assert next_title("Familjevård 2025", date(2025, 1, 1), date(2025, 6, 30)) == \
        "Familjevård 2026"
    assert next_title("Familjevård 2024/2025", date(2024, 7, 1), date(2025, 6, 30)) == \
        "Familjevård 2025/2026"
    # A year that is not the period's (a law, a diary number) stays.
    assert next_title("Enligt SFS 2025:400", date(2026, 1, 1), None) == "Enligt SFS 2025:400"


def test_a_later_library_version_is_told_apart_numerically() -> None:
    assert newer_version("1.9", "1.10")
    assert not newer_version("1.10", "1.9")
    assert not newer_version("2", "2")


def test_only_the_sub_headings_of_a_text_carry_over() -> None:
    text = "Inledning om förra året.\n\n# Rutiner\nHemligt fynd.\n\n## Uppföljning\n• punkt"
    assert headings_only(text) == "# Rutiner\n\n# Uppföljning"
    assert headings_only("Bara text.") == ""
