"""The headline estimate in words, as every surface writes it (results view, Översikt,
``kvtui results``, the exports and the report), so that none words it its own way.

A stratified sample's share is weighted by stratum, and a stratum in which no akt has been
answered is outside the estimate: it is shown as not reviewed yet, never as n = 0, and the
headline says it does not cover it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kvtui.domain.method_text import join_words, lower_first
from kvtui.domain.results import CriterionRow, ReviewResults
from kvtui.domain.statistics import (
    EXACT,
    KORN_GRAUBARD,
    CriterionResult,
    Headline,
    format_interval,
    format_number,
    format_share,
)

NOT_REVIEWED = "inte granskat ännu"

#: The interval methods by the names the report and the app give them.
INTERVAL_NAMES = {
    EXACT: "exakt konfidensintervall för ett urval utan återläggning (hypergeometrisk "
           "fördelning)",
    KORN_GRAUBARD: "Korn–Graubards konfidensintervall: det exakta intervallet för ett urval "
                   "utan återläggning, beräknat för urvalets effektiva storlek",
}


def headline_share(headline: Headline) -> str:
    """The headline share as printed, "78,4 %"."""
    return format_share(headline.share)


def headline_interval(headline: Headline) -> str:
    """The headline interval as printed, "52,3–90,9 %"."""
    return format_interval(headline.low, headline.high)


def stratum_name(name: str) -> str:
    """A stratum by its value; an empty value is named as missing."""
    return name or "uppgift saknas"


def stratum_share(result: CriterionResult) -> str:
    """A stratum's share, or "inte granskat ännu" when no akt in it is answered."""
    return NOT_REVIEWED if result.counts.n == 0 else format_share(result.share)


def stratum_interval(result: CriterionResult) -> str:
    """A stratum's interval; "–" when no akt in it is answered."""
    return "–" if result.counts.n == 0 else format_interval(result.low, result.high)


def estimate_name(results: ReviewResults) -> str:
    """What the share column holds: "Andel Ja, vägd efter placeringsform" or "Andel Ja"."""
    if results.method == "stratified" and results.stratify_by:
        return f"Andel Ja, vägd efter {lower_first(results.stratify_by)}"
    return "Andel Ja"


def uncovered_text(row: CriterionRow, stratify_by: str) -> str:
    """"Skattningen omfattar inte jourhem: ingen akt där är granskad ännu." or ""."""
    names = [stratum_name(name) for name in row.headline.uncovered]
    if not names:
        return ""
    by = lower_first(stratify_by) or "stratum"
    return (f"{row.code}: skattningen omfattar inte {by} {join_words(names)}, där ingen akt "
            "är granskad ännu.")


def uncovered_summary(results: ReviewResults) -> list[str]:
    """The strata left out of the estimates, criteria with the same strata left out named
    together: "Skattningarna omfattar inte placeringsform HVB, där ingen akt är granskad
    ännu." when it holds for every criterion; [] when every stratum is covered."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for row in results.rows:
        if row.headline.uncovered:
            groups.setdefault(row.headline.uncovered, []).append(row.code)
    by = lower_first(results.stratify_by) or "stratum"
    lines = []
    for names, codes in groups.items():
        strata = join_words([stratum_name(name) for name in names])
        where = "där ingen akt är granskad ännu" if len(names) == 1 else (
            "där ingen akt är granskad ännu i något av dem")
        if len(codes) == len(results.rows):
            lines.append(f"Skattningarna omfattar inte {by} {strata}, {where}.")
        else:
            which = (f"kriterium {codes[0]}" if len(codes) == 1
                     else f"kriterierna {join_words(codes)}")
            lines.append(f"Skattningen för {which} omfattar inte {by} {strata}, {where}.")
    return lines


def estimate_explained(results: ReviewResults) -> str:
    """How the share and its interval are computed, in one or two sentences."""
    text = ("Andel Ja räknas av de akter där kriteriet är aktuellt (Ja, Delvis och Nej); Ej "
            "aktuellt ingår inte.")
    if results.method == "stratified" and results.stratify_by:
        by = lower_first(results.stratify_by)
        return (text + f" Andelen för hela populationen vägs efter {by}: varje stratums andel "
                "räknas med stratumets uppskattade antal aktuella akter i populationen. 95 % KI "
                f"är {INTERVAL_NAMES[KORN_GRAUBARD]}.")
    return text + f" 95 % KI är ett {INTERVAL_NAMES[EXACT]} för andelen i hela populationen."


def coverage_sentence(results: ReviewResults) -> str:
    """"18 av 20 akter i urvalet har granskats; 2 är inte besvarade för alla kriterier." when
    the sample is not fully answered; "" when it is."""
    left = results.not_reviewed
    if left <= 0:
        return ""
    answered = "besvarad" if left == 1 else "besvarade"
    return (f"{results.answered} av {results.sample_size} akter i urvalet har granskats; "
            f"{left} är inte {answered} för alla kriterier.")


RESULT_COLUMNS = ("Kriterium", "Fråga", "Stratum", "n", "Ja", "Delvis", "Nej", "Ej aktuellt",
                  "Andel Ja (%)", "95 % KI nedre (%)", "95 % KI övre (%)", "Skattning")
ALL_STRATA = "Samtliga"


def _percent(share: float | None) -> Decimal | None:
    """A share as the percentage printed, one decimal, rounded half up: 0.7841 → 78.4."""
    if share is None:
        return None
    return Decimal(format_number(Decimal(repr(float(share))).scaleb(2)).replace(",", "."))


def result_rows(results: ReviewResults) -> list[tuple[Any, ...]]:
    """The results as the exports write them: per criterion the headline, then its strata.

    Shares are percentages with one decimal, the figures every other surface prints.
    """
    rows: list[tuple[Any, ...]] = []
    weighted = results.method == "stratified" and bool(results.stratify_by)
    for row in results.rows:
        c, h = row.result.counts, row.headline
        how = (f"vägd efter {lower_first(results.stratify_by)}, Korn–Graubard" if h.weighted
               else "exakt, hypergeometrisk")
        uncovered = uncovered_text(row, results.stratify_by)
        rows.append((row.code, row.question, ALL_STRATA if weighted else "", c.n, c.ja,
                     c.delvis, c.nej, c.ej_aktuellt, _percent(h.share), _percent(h.low),
                     _percent(h.high), how + (f". {uncovered}" if uncovered else "")))
        if row.strata is None:
            continue
        for name, result in row.strata.strata.items():
            sc = result.counts
            reviewed = sc.n > 0
            rows.append((row.code, row.question, stratum_name(name), sc.n, sc.ja, sc.delvis,
                         sc.nej, sc.ej_aktuellt,
                         _percent(result.share) if reviewed else None,
                         _percent(result.low) if reviewed else None,
                         _percent(result.high) if reviewed else None,
                         f"stratum, {result.population_size} akter" if reviewed
                         else NOT_REVIEWED))
    return rows
