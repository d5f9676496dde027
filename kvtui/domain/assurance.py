"""Assurance statements: how many akter in the whole population can have a deviation at most.

An auditor who finds no deficiency in 13 of 44 akter wants to say what that supports: not that
the unit has no deficiency, but that it has at most so many. The statement is the exact
one-sided upper confidence bound for the number M of akter with a deviation in a population of
N, given d deviations among n akter drawn without replacement:

    M_U = the largest M with P(X <= d | M) > 1 − c,

X hypergeometric (N, M, n), c the confidence (95 %). Every larger M would make so few
deviations in the sample an event rarer than 1 − c. The tail P(X <= d | M) falls as M grows, so
M_U is found by bisection over M, and each comparison with 1 − c is decided exactly by the test
``statistics`` inverts for its intervals (``lower_tail_exceeds``): the result equals a brute-force
search in rational arithmetic. M_U is never below d, and when every akt is reviewed (n = N) it is
d itself. At the same level it is the upper bound of the two-sided 1 − 2(1 − c) interval of
``statistics``: a one-sided 95 % bound is the upper end of a two-sided 90 % interval.

Which answers are deviations is the template's choice (``deviation``): Nej, or Nej and Delvis.
Ej aktuellt is neither: it is left out of n as it is left out of the share Ja, and N is then
the number of applicable akter in the population as ``statistics.estimated_applicable``
estimates it (round(N × applicable / answered)). The bound is exact for that N; the estimate's
own uncertainty is not in it, which the statement says by calling the population estimated.

The share in the statement is rounded up to a whole percent: "at most" must stay true when it
is printed, and 7 of 44 (15,9 %) is then "högst 16 %", never "högst 15 %". The count of akter is
printed beside it, exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from kvtui.domain.deviation import DEFAULT_DEVIATION, DEVIATION_NAMES, Deviation, deviations
from kvtui.domain.import_limits import thousands
from kvtui.domain.method_text import lower_first
from kvtui.domain.plural import plural
from kvtui.domain.results import CriterionRow
from kvtui.domain.statistics import (
    DEFAULT_CONFIDENCE,
    CriterionResult,
    StatisticsError,
    format_share,
    lower_tail_exceeds,
)


@dataclass(frozen=True)
class Assurance:
    """The upper bound for one criterion (or one stratum of it) and what it rests on.

    ``population`` is the N of the bound: the applicable akter in the population, estimated
    when some akter were Ej aktuellt (``estimated``); ``population_size`` is every akt.
    """

    found: int  # d: akter with a deviation in the sample
    reviewed: int  # n: applicable akter reviewed
    population: int  # N: applicable akter in the population
    population_size: int
    upper: int  # M_U
    confidence: float
    answered: int  # every akt answered, Ej aktuellt included
    deviation: str = DEFAULT_DEVIATION

    @property
    def estimated(self) -> bool:
        """Whether N is estimated: some answered akter were Ej aktuellt."""
        return self.answered > self.reviewed

    @property
    def census(self) -> bool:
        """Whether every akt of the population was answered: the bound is then the count."""
        return self.answered == self.population_size

    @property
    def upper_share(self) -> Fraction:
        """M_U / N, exact."""
        return Fraction(self.upper, self.population)


def upper_bound(found: int, reviewed: int, population: int,
                confidence: float = DEFAULT_CONFIDENCE) -> int:
    """M_U: the most akter of ``population`` that can have the deviation, at ``confidence``.

    ``found`` deviations among ``reviewed`` akter drawn without replacement. ``confidence`` is
    read as the decimal written (0.95 is exactly 19/20).
    """
    if not all(isinstance(v, int) and not isinstance(v, bool)
               for v in (found, reviewed, population)):
        raise StatisticsError("Antalen måste vara heltal.")
    if population < 1:
        raise StatisticsError("Populationen måste omfatta minst en akt.")
    if not 1 <= reviewed <= population:
        raise StatisticsError(
            f"Urvalet måste omfatta mellan 1 och {population} akter, inte {reviewed}.")
    if not 0 <= found <= reviewed:
        raise StatisticsError(
            f"Antalet akter med brist måste ligga mellan 0 och {reviewed}, inte {found}.")
    if not 0 < confidence < 1:
        raise StatisticsError(f"Konfidensgraden måste ligga mellan 0 och 1, inte {confidence}.")
    tail = 1 - Fraction(str(confidence))
    # P(X <= d | M) is 1 for M <= d, and 0 once the population has fewer than n − d akter
    # without the deviation: M_U lies between.
    low, high = found, population - (reviewed - found)
    if low == high:
        return low
    # A candidate from floating point, certified by two exact tests: since the tail falls as
    # M grows, a candidate whose tail exceeds 1 − c while the next one's does not is M_U.
    candidate = _candidate(found, reviewed, population, float(tail), low, high)
    if lower_tail_exceeds(found, reviewed, candidate, population, tail) and (
            candidate == high
            or not lower_tail_exceeds(found, reviewed, candidate + 1, population, tail)):
        return candidate
    while low < high:
        middle = (low + high + 1) // 2
        if lower_tail_exceeds(found, reviewed, middle, population, tail):
            low = middle
        else:
            high = middle - 1
    return low


def _candidate(d: int, n: int, N: int, tail: float, low: int, high: int) -> int:
    """M_U in floating point: P(X <= d | M) at a normal-approximation guess, then walked one M
    at a time, each step O(1) from the last (moving one akt into the brist moves the sample's
    count up by one with probability (n − d)/(N − M) when it stands at d):

        P(X <= d | M + 1) = P(X <= d | M) − P(X = d | M) (n − d) / (N − M),
        P(X = d | M + 1) = P(X = d | M) (M + 1)(N − M − n + d) / ((M + 1 − d)(N − M)).

    Only a candidate: ``upper_bound`` checks it exactly and bisects when it is wrong.
    """
    share = (d + 0.5) / (n + 1)
    spread = math.sqrt(share * (1 - share) / n * (N - n) / max(N - 1, 1))
    m = min(max(round(N * (d / n + 1.645 * spread)), low), high)
    at, below = _at_and_below(d, n, m, N)
    if below > tail:
        while m < high:
            step = at * (n - d) / (N - m)
            at *= (m + 1) * (N - m - n + d) / ((m + 1 - d) * (N - m))
            if below - step <= tail:
                break
            below -= step
            m += 1
        return m
    while m > low:
        at *= (m - d) * (N - m + 1) / (m * (N - m + 1 - n + d))
        below += at * (n - d) / (N - m + 1)
        m -= 1
        if below > tail:
            break
    return m


def _at_and_below(d: int, n: int, m: int, N: int) -> tuple[float, float]:
    """P(X = d | m) and P(X <= d | m) in floating point (log-gamma for the one term, then the
    ratio of consecutive terms down from d until they no longer count)."""
    if not max(0, n - (N - m)) <= d <= min(n, m):
        return 0.0, (1.0 if d >= min(n, m) else 0.0)
    log_term = (_log_comb(m, d) + _log_comb(N - m, n - d) - _log_comb(N, n))
    at = math.exp(log_term)
    below, term, k = at, at, d
    first = max(0, n - (N - m))
    while k > first:
        term *= k * (N - m - n + k) / ((m - k + 1) * (n - k + 1))
        k -= 1
        below += term
        if term < 1e-17 * below:
            break
    return at, min(below, 1.0)


def _log_comb(a: int, b: int) -> float:
    return math.lgamma(a + 1) - math.lgamma(b + 1) - math.lgamma(a - b + 1)


def result_assurance(result: CriterionResult,
                     deviation: str = DEFAULT_DEVIATION) -> Assurance | None:
    """The bound for a criterion's (or a stratum's) result; None when nothing applicable was
    answered, since there is then nothing to bound."""
    counts = result.counts
    population = result.population_applicable
    if population is None or counts.applicable == 0:
        return None
    found = deviations(counts, deviation)
    upper = upper_bound(found, counts.applicable, population, result.confidence)
    return Assurance(found, counts.applicable, population, result.population_size, upper,
                     result.confidence, counts.n, deviation)


def row_assurance(row: CriterionRow) -> Assurance | None:
    """The bound for a criterion over the whole sample."""
    return result_assurance(row.result, row.deviation)


def strata_assurance(row: CriterionRow) -> dict[str, Assurance | None]:
    """The bound in each stratum, by stratum name; empty when the sample is not stratified."""
    if row.strata is None:
        return {}
    return {name: result_assurance(result, row.deviation)
            for name, result in row.strata.strata.items()}


# --- what the statements say --------------------------------------------------------------------


def _percent_up(share: Fraction) -> str:
    """A share as a whole percent rounded up, the Swedish way: 7/44 → "16 %"."""
    return format_share(math.ceil(share * 100) / 100, 0)


def _confidence(confidence: float) -> str:
    """95 % (or 97,5 % where a confidence has a decimal)."""
    whole = Fraction(str(confidence)) * 100
    return format_share(confidence, 0 if whole.denominator == 1 else 1)


def _akter(count: int) -> str:
    return plural(count, "akt", "akter").replace(str(count), thousands(count), 1)


def statement(assurance: Assurance) -> str:
    """The assurance statement in plain Swedish, sample n and population N told apart.

    "Ingen brist i någon av de 13 granskade akterna (urval ur 44 akter): med 95 % säkerhet har
    högst 16 % av de 44 akterna (7 akter) denna brist."
    """
    a = assurance
    n, d, big_n = thousands(a.reviewed), a.found, thousands(a.population)
    if a.census:
        everyone = f"Alla {_akter(a.population_size)} är granskade"
        where = f"av de {big_n} där kriteriet gäller " if a.estimated else "av dem "
        if d == 0:
            return f"{everyone}: ingen {where.strip()} har denna brist."
        # Nothing is bounded here: the share is the one counted, rounded as every share is.
        return (f"{everyone}: {thousands(d)} {where}"
                f"({format_share(d / a.population, 0)}) har denna brist.")
    if a.estimated:
        sample = (f"de {n} granskade akter där kriteriet gäller" if a.reviewed > 1
                  else "den enda granskade akt där kriteriet gäller")
        origin = (f"urval ur uppskattningsvis {big_n} sådana av "
                  f"{_akter(a.population_size)}")
        whole = f"dessa {big_n}" if a.population > 1 else "den enda"
    else:
        sample = (f"de {n} granskade akterna" if a.reviewed > 1
                  else "den enda granskade akten")
        origin = f"urval ur {_akter(a.population)}"
        whole = f"de {big_n} akterna" if a.population > 1 else "den enda akten"
    if d == 0:
        found = f"Ingen brist i någon av {sample}" if a.reviewed > 1 else f"Ingen brist i {sample}"
    elif d == a.reviewed and a.reviewed == 1:
        found = f"Brist i {sample}"
    else:
        found = f"Brist i {thousands(d)} av {sample}"
    return (f"{found} ({origin}): med {_confidence(a.confidence)} säkerhet har högst "
            f"{_percent_up(a.upper_share)} av {whole} ({_akter(a.upper)}) denna brist.")


def bound_percent(assurance: Assurance | None) -> str:
    """The bound as a percent of the population, rounded up: "41 %"; "–" when nothing
    applicable was answered; the share found when every akt was reviewed."""
    if assurance is None:
        return "–"
    if assurance.census:
        return format_share(assurance.found / assurance.population, 0)
    return _percent_up(assurance.upper_share)


def short_statement(assurance: Assurance | None) -> str:
    """The bound alone, for a stratum: "24 % (7 av 30)"; "–" when nothing applicable was
    answered there; the count itself when every akt was reviewed."""
    if assurance is None:
        return "–"
    if assurance.census:
        return (f"{bound_percent(assurance)} ({thousands(assurance.found)} av "
                f"{thousands(assurance.population)}, alla granskade)")
    return (f"{bound_percent(assurance)} ({thousands(assurance.upper)} av "
            f"{thousands(assurance.population)})")


def unbroken(text: str) -> str:
    """The statement with "41 %" kept on one line (a no-break space before each %), for a
    printed or shown text; what is compared keeps plain spaces."""
    return text.replace(" %", "\u00a0%")


def row_statement(row: CriterionRow) -> str:
    """The criterion's statement over the whole sample; "" when nothing applicable is answered."""
    found = row_assurance(row)
    return statement(found) if found is not None else ""


def strata_statement(row: CriterionRow, stratify_by: str) -> str:
    """One line with the bound in every stratum; "" when the sample is not stratified.

    "Brist högst (95 % säkerhet) per placeringsform: familjehem 24 % (7 av 30);
    jourhem –; …"
    """
    per = strata_assurance(row)
    if not per:
        return ""
    by = lower_first(stratify_by) if stratify_by else "stratum"
    parts = [f"{name or 'uppgift saknas'} {short_statement(found)}"
             for name, found in per.items()]
    return (f"Brist högst ({_confidence(row.result.confidence)} säkerhet) per {by}: "
            + "; ".join(parts) + ".")


def deviation_note(rows: tuple[CriterionRow, ...] | list[CriterionRow]) -> str:
    """Which answers the statements count as a brist: "Som brist räknas svaret Nej." with the
    criteria that count Delvis too (or the other way round) named."""
    partly = [row.code for row in rows if row.deviation == Deviation.NO_OR_PARTLY]
    if not partly:
        return f"Som brist räknas svaret {DEVIATION_NAMES[Deviation.NO]}."
    if len(partly) == len(rows):
        return f"Som brist räknas svaren {DEVIATION_NAMES[Deviation.NO_OR_PARTLY]}."
    codes = ", ".join(partly[:-1]) + (" och " if len(partly) > 1 else "") + partly[-1]
    return f"Som brist räknas svaret Nej, för {codes} även Delvis."


@dataclass(frozen=True)
class AppendixStatement:
    """One criterion's statements as the report's appendix prints them."""

    code: str
    text: str
    strata: str


def appendix_statements(rows: tuple[CriterionRow, ...], stratify_by: str
                        ) -> list[AppendixStatement]:
    """The statements of every criterion with an applicable answer, in template order."""
    found: list[AppendixStatement] = []
    for row in rows:
        text = row_statement(row)
        if text:
            found.append(AppendixStatement(row.code, text, strata_statement(row, stratify_by)))
    return found


def appendix_caption(rows: tuple[CriterionRow, ...]) -> str:
    """The caption over the appendix's statements."""
    confidence = rows[0].result.confidence if rows else DEFAULT_CONFIDENCE
    return f"Säkerhetsuttalanden per kriterium ({_confidence(confidence)} säkerhet)"


def appendix_intro(rows: tuple[CriterionRow, ...]) -> str:
    """What the statements say and count, before them in the appendix."""
    confidence = rows[0].result.confidence if rows else DEFAULT_CONFIDENCE
    text = (f"Varje uttalande anger hur stor andel av akterna som med {_confidence(confidence)} "
            "säkerhet högst har bristen, givet det som urvalet visar. Gränsen är exakt för ett "
            "urval utan återläggning (ensidig gräns, hypergeometrisk fördelning). "
            + deviation_note(rows))
    if any(row.result.counts.ej_aktuellt for row in rows):
        text += (" Där kriteriet var Ej aktuellt i någon akt är antalet akter där det gäller "
                 "uppskattat från urvalet.")
    return text


class SampleBasis(Protocol):
    """What the Metod sentence needs of the results (``ReviewResults`` has it)."""

    @property
    def population_size(self) -> int:
        """Every akt in the population."""

    @property
    def answered(self) -> int:
        """The akter of the sample answered for every criterion: what was reviewed."""


def method_sentence(results: SampleBasis, confidence: float = DEFAULT_CONFIDENCE) -> str:
    """The one sentence the Metod says about what the sample supports; "" before a sample.

    It bounds a deficiency that no reviewed akt shows, the smallest claim the sample always
    allows, so that a reader knows how rare a deficiency must be to go unseen. It rests on
    the akter answered, not those drawn: a sample not yet fully answered supports less.
    """
    n, big_n = results.answered, results.population_size
    if n < 1 or big_n < n:
        return ""
    if n == big_n:
        return (f"Alla {_akter(big_n)} granskas, så resultaten gäller hela populationen utan "
                "osäkerhet från urvalet.")
    upper = upper_bound(0, n, big_n, confidence)
    return (f"Urvalet om {thousands(n)} av {_akter(big_n)} räcker för att med "
            f"{_confidence(confidence)} säkerhet säga att en brist som inte finns i någon "
            f"granskad akt finns i högst {_percent_up(Fraction(upper, big_n))} av akterna "
            f"({thousands(upper)} av {thousands(big_n)}).")

