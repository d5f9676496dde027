"""This year's review beside last year's: what a review started from an earlier one takes
with it, which criteria of the two are the same criterion, and the change in words.

A unit is reviewed again every year and the committee asks what changed. The new review keeps
the earlier one's template, unit data and structure, never its findings; the comparison pairs
the criteria of the two reviews and gives, per pair, the earlier share, this year's, the
difference and its interval (``kvtui.domain.comparison``: the statistics are there, not here).

Criteria are paired by code first. A template revised between the years may give a criterion
a new code, so a criterion left over on both sides is then paired by its question (compared
without case, spacing and closing punctuation). What is still left over cannot be compared
and is named, so that no reader takes a missing row for "no change".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kvtui.domain.comparison import (
    Comparison,
    ComparisonError,
    compare_results,
    comparison_sentence,
)
from kvtui.domain.plural import plural
from kvtui.domain.section_text import parse_section_text, subheadings
from kvtui.domain.statistics import CriterionResult, format_number, format_share

COMPARISON_TITLE = "Jämfört med föregående granskning"
COMPARISON_CAPTION = "Andel Ja per kriterium, föregående granskning och denna"
COMPARISON_COLUMNS = ("Kriterium", "Förra", "Nu", "Skillnad (95 % intervall)")
NO_PREVIOUS_REVIEW = ("Den föregående granskningen finns inte i den här databasen; "
                      "jämförelsen kan inte göras.")
INTERVAL_EXPLAINED = (
    "Skillnaden anges i procentenheter: andelen Ja nu minus andelen Ja förra gången. "
    "Båda granskningarna bygger på ett urval av akterna, så andelarna hade kunnat bli något "
    "annorlunda med andra akter. Intervallet visar hur stor skillnaden i hela populationen "
    "rimligen kan vara (med 95 % säkerhet). Ligger noll inom intervallet kan skillnaden "
    "bero på slumpen i urvalen och är inte säkerställd; ligger hela intervallet över eller "
    "under noll är skillnaden säkerställd.")

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


# --- starting from an earlier review ------------------------------------------------------------


def moved_one_year(day: date | None) -> date | None:
    """The same day a year later; 29 February becomes 28 February."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def next_title(title: str, period_start: date | None, period_end: date | None) -> str:
    """The earlier review's title with the period's years moved on one ("Familjevård 2025"
    becomes "Familjevård 2026"); unchanged when it names none of them."""
    years = {day.year for day in (period_start, period_end) if day is not None}
    if not years:
        return title
    return _YEAR.sub(lambda m: str(int(m.group(1)) + 1) if int(m.group(1)) in years
                     else m.group(1), title)


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A version as comparable parts: numbers by value, anything else by its text."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"[.\-]", version.strip()) if part)


def newer_version(copied: str, library: str) -> bool:
    """Whether the template library's version is later than the one the review copied."""
    return _version_key(library) > _version_key(copied)


def newer_template_warning(name: str, copied: str, library: str) -> str:
    """What the auditor is told when the library has a later version of the template."""
    return (f"Mallen {name} finns i en nyare version ({library}) i mallbiblioteket. Den nya "
            f"granskningen använder version {copied}, som den föregående, så att resultaten "
            "går att jämföra; kriterier som har ändrats i den nya versionen kommer inte med.")


def headings_only(text: str) -> str:
    """A section text's sub-headings without the text under them, as the auditor writes
    them ("# Rubrik"), so that the new review keeps last year's outline but none of its
    findings."""
    return "\n\n".join(f"# {heading}" for heading in subheadings(parse_section_text(text)))


# --- pairing the criteria ---------------------------------------------------------------------


def _question_key(question: str) -> str:
    return " ".join(question.casefold().split()).rstrip(" .?!:;")


@dataclass(frozen=True)
class CriterionPair:
    """Positions of one criterion in the earlier and the later list; ``by_question`` when
    the codes differ and the question paired them."""

    earlier: int
    later: int
    by_question: bool = False


@dataclass(frozen=True)
class Pairing:
    """Which criteria of two reviews are the same, and which are in one of them only."""

    pairs: tuple[CriterionPair, ...]
    only_earlier: tuple[int, ...]
    only_later: tuple[int, ...]


def pair_criteria(earlier: Sequence[tuple[str, str]], later: Sequence[tuple[str, str]]
                  ) -> Pairing:
    """Pair criteria given as (code, question), in the later list's order: by code, then
    what is left by question. A code or a question two criteria on one side share pairs
    only the first of them."""
    by_code: dict[str, int] = {}
    for index, (code, _question) in enumerate(earlier):
        by_code.setdefault(code.strip().casefold(), index)
    paired: dict[int, CriterionPair] = {}
    used: set[int] = set()
    for index, (code, _question) in enumerate(later):
        found = by_code.get(code.strip().casefold())
        if found is not None and found not in used:
            paired[index] = CriterionPair(found, index)
            used.add(found)
    by_question: dict[str, int] = {}
    for index, (_code, question) in enumerate(earlier):
        if index not in used:
            by_question.setdefault(_question_key(question), index)
    for index, (_code, question) in enumerate(later):
        if index in paired:
            continue
        found = by_question.get(_question_key(question))
        if found is not None and found not in used:
            paired[index] = CriterionPair(found, index, by_question=True)
            used.add(found)
    return Pairing(
        tuple(paired[index] for index in sorted(paired)),
        tuple(index for index in range(len(earlier)) if index not in used),
        tuple(index for index in range(len(later)) if index not in paired),
    )


# --- the comparison -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionFigures:
    """One criterion of one review with its result (None before a sample is drawn)."""

    code: str
    question: str
    result: CriterionResult | None


@dataclass(frozen=True)
class CriterionChange:
    """One criterion in both reviews: its results and the change (None when one of the two
    has no applicable akt answered, so there is nothing to compare)."""

    code: str
    question: str
    earlier_code: str
    earlier: CriterionResult | None
    later: CriterionResult | None
    comparison: Comparison | None
    by_question: bool = False

    @property
    def label(self) -> str:
        """The criterion as the table names it: "U3 (förra gången U2)" when the code changed."""
        if self.earlier_code != self.code:
            return f"{self.code} (förra gången {self.earlier_code})"
        return self.code


@dataclass(frozen=True)
class YearComparison:
    """The later review's criteria beside the earlier review's."""

    previous_id: str
    previous_title: str
    previous_period: str
    changes: tuple[CriterionChange, ...]
    #: Codes of the criteria only this review has, and of those only the earlier one had.
    only_now: tuple[str, ...] = ()
    only_before: tuple[str, ...] = ()


def compare_reviews(previous_id: str, previous_title: str, previous_period: str,
                    earlier: Sequence[CriterionFigures], later: Sequence[CriterionFigures]
                    ) -> YearComparison:
    """Pair the two reviews' criteria and compare each pair's share Ja."""
    pairing = pair_criteria([(r.code, r.question) for r in earlier],
                            [(r.code, r.question) for r in later])
    changes = []
    for pair in pairing.pairs:
        before, now = earlier[pair.earlier], later[pair.later]
        comparison: Comparison | None = None
        if before.result is not None and now.result is not None:
            try:
                comparison = compare_results(before.result, now.result)
            except ComparisonError:
                comparison = None
        changes.append(CriterionChange(now.code, now.question, before.code, before.result,
                                       now.result, comparison, pair.by_question))
    return YearComparison(previous_id, previous_title, previous_period, tuple(changes),
                          tuple(later[i].code for i in pairing.only_later),
                          tuple(earlier[i].code for i in pairing.only_earlier))


# --- in words and figures -----------------------------------------------------------------------


def _points(value: float) -> str:
    return format_number(value * 100, 1).replace("-", "\u2212")


def share_text(result: CriterionResult | None) -> str:
    """A review's share Ja, "81,3 %", or "–" with nothing applicable answered."""
    return format_share(None if result is None else result.share)


def difference_text(comparison: Comparison | None) -> str:
    """"+18,8" or "−6,3" percentage points; "–" when there is nothing to compare."""
    if comparison is None:
        return "–"
    sign = "+" if comparison.difference > 0 else ""
    return f"{sign}{_points(comparison.difference)}"


def interval_text(comparison: Comparison | None) -> str:
    """The difference's interval in percentage points, "4,1 till 33,0"; "–" without one."""
    if comparison is None:
        return "–"
    return f"{_points(comparison.low)} till {_points(comparison.high)}"


def change_cell(comparison: Comparison | None) -> str:
    """The table's last column: "+18,8 (4,1 till 33,0)", "–" without a comparison."""
    if comparison is None:
        return "–"
    return f"{difference_text(comparison)} ({interval_text(comparison)})"


def change_sentence(change: CriterionChange) -> str:
    """One criterion's change in plain Swedish (``comparison_sentence``), or why there is none.
    """
    if change.comparison is None:
        return (f"{change.code}: kan inte jämföras, eftersom en av granskningarna saknar "
                "tillämpliga besvarade akter.")
    return f"{change.code}: {comparison_sentence(change.comparison)}"


def change_lines(found: YearComparison) -> list[str]:
    """The changes in plain Swedish: a sentence for each criterion whose share moved, then
    one line naming those whose share is the same and one naming those that cannot be
    compared."""
    moved = [c for c in found.changes
             if c.comparison is not None and c.comparison.difference != 0]
    same = [c.code for c in found.changes
            if c.comparison is not None and c.comparison.difference == 0]
    missing = [c.code for c in found.changes if c.comparison is None]
    lines = [change_sentence(c) for c in moved]
    if same:
        lines.append(f"Andelen Ja är densamma båda gångerna för {_codes(same)}.")
    if missing:
        lines.append(f"Kan inte jämföras, eftersom en av granskningarna saknar tillämpliga "
                     f"besvarade akter: {_codes(missing)}.")
    return lines


def _codes(codes: Sequence[str]) -> str:
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} och {codes[-1]}"


def comparison_intro(found: YearComparison) -> str:
    """The sentence that names the earlier review, above the table."""
    period = f" ({found.previous_period})" if found.previous_period else ""
    return (f"Tabellen jämför andelen Ja per kriterium i denna granskning med den föregående "
            f"granskningen av verksamheten, {found.previous_title}{period}.")


def unmatched_lines(found: YearComparison) -> list[str]:
    """What could not be compared, for a line under the table; empty when all criteria pair.
    """
    lines = []
    if found.only_now:
        lines.append(f"{plural(len(found.only_now), 'kriterium', 'kriterier')} finns inte i "
                     f"den föregående granskningen och jämförs inte: "
                     f"{', '.join(found.only_now)}.")
    if found.only_before:
        lines.append(f"{plural(len(found.only_before), 'kriterium', 'kriterier')} från den "
                     f"föregående granskningen finns inte i år: "
                     f"{', '.join(found.only_before)}.")
    renamed = [c for c in found.changes if c.earlier_code != c.code]
    if renamed:
        lines.append("Kriterier med ny kod har parats ihop med förra årets efter sin fråga: "
                     + ", ".join(f"{c.code} (förra gången {c.earlier_code})" for c in renamed)
                     + ".")
    return lines


def chart_description(found: YearComparison) -> str:
    """The chart's alternative text: every figure it draws, in words."""
    parts = []
    for change in found.changes:
        parts.append(f"{change.code} förra gången {share_text(change.earlier)}, "
                     f"nu {share_text(change.later)}")
    return ("Diagram: andel Ja per kriterium, föregående granskning och denna. "
            + "; ".join(parts) + ".")
