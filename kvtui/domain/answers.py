"""The rules of answering a criterion: the four answers, deadlines, counts and applicability.

Deadlines are exact to the day: a limit of six months from 2024-08-31 ends on 2025-02-28
(``add_months``), and a date on the last allowed day meets the limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from kvtui.domain.plural import noun
from kvtui.domain.reviews import parse_date
from kvtui.domain.safe_text import blank
from kvtui.domain.templates import Criterion

ANSWERS: dict[str, str] = {
    "ja": "Ja",
    "delvis": "Delvis",
    "nej": "Nej",
    "ej_aktuellt": "Ej aktuellt",
}
KEYS: dict[str, str] = {"j": "ja", "d": "delvis", "n": "nej", "e": "ej_aktuellt"}


class AnswerError(ValueError):
    """An answer that cannot be saved; the message is for the user (Swedish)."""


def answer_label(value: str) -> str:
    """The Swedish name of an answer, or an empty string for no answer."""
    return ANSWERS.get(value, "")


@dataclass(frozen=True)
class DeadlineResult:
    """What kvtui computed from the two dates of a deadline criterion."""

    start: date
    end: date
    days: int
    due: date
    value: str

    def describe(self) -> str:
        """One line in Swedish: the days taken and whether the limit was met."""
        verdict = "inom tidsfristen" if self.value == "ja" else "efter tidsfristen"
        return f"{days_text(self.days)}, {verdict} (senast {self.due.isoformat()})"


def days_text(days: int) -> str:
    """"1 dag", "0 dagar", "14 dagar"."""
    return f"{days} {noun(abs(days), 'dag', 'dagar')}"


# --- The akt's dates -------------------------------------------------------------------------
# A date in the akt (Anmälan inkom, Utredning inledd …) is typed once: every deadline
# criterion that names it by its label uses the same date. The dates are kept in the answers
# of the criteria that name them; a label is matched without regard to case.


def akt_dates(answered: Iterable[tuple[Criterion, date | None, date | None]],
              attributes: Mapping[str, object] | None = None) -> dict[str, date]:
    """The akt's dates by case-folded label, from its deadline answers (criterion, start,
    end); where two answers disagree, the later one in the list wins. An attribute of the
    akt that holds a date (e.g. "Placerad från" from the unit's list) counts as well, unless
    an answer gives that date."""
    dates: dict[str, date] = {}
    for name, value in (attributes or {}).items():
        try:
            dates[name.casefold()] = parse_date(str(value)[:10])
        except ValueError:
            continue
    for criterion, start, end in answered:
        if criterion.kind != "deadline":
            continue
        if start is not None and criterion.start_label:
            dates[criterion.start_label.casefold()] = start
        if end is not None and criterion.end_label:
            dates[criterion.end_label.casefold()] = end
    return dates


def known_dates(criterion: Criterion,
                dates: Mapping[str, date]) -> tuple[date | None, date | None]:
    """A deadline criterion's start and end as far as the akt's dates give them."""
    return (dates.get(criterion.start_label.casefold()) if criterion.start_label else None,
            dates.get(criterion.end_label.casefold()) if criterion.end_label else None)


def evaluate_deadline(criterion: Criterion, start: date, end: date) -> DeadlineResult:
    """Whether the limit counted from ``start`` was met on ``end``."""
    due = criterion.due_date(start)
    if due is None:
        raise AnswerError(f"Kriteriet {criterion.code} har ingen tidsfrist.")
    if end < start:
        label_end = criterion.end_label or "Slutdatum"
        label_start = criterion.start_label or "startdatum"
        raise AnswerError(f"{label_end} ligger före {label_start.lower()}.")
    return DeadlineResult(start, end, (end - start).days, due, "ja" if end <= due else "nej")


def evaluate_deadline_text(criterion: Criterion, start: str, end: str) -> DeadlineResult:
    """Dates as the auditor types them (2024-03-05, 20240305, 2024-3-5)."""
    try:
        first = parse_date(start)
        second = parse_date(end)
    except ValueError as error:
        raise AnswerError(str(error)) from None
    return evaluate_deadline(criterion, first, second)


def evaluate_count(criterion: Criterion, number: int) -> str:
    """Ja when the number reaches the threshold, otherwise Nej."""
    if criterion.threshold is None:
        raise AnswerError(f"Kriteriet {criterion.code} har ingen gräns.")
    if number < 0:
        raise AnswerError("Antalet kan inte vara negativt.")
    return "ja" if number >= criterion.threshold else "nej"


def parse_count(text: str) -> int:
    """A count as typed; a clear message for anything that is not a whole number."""
    raw = text.strip()
    if not raw.isdigit():
        raise AnswerError(f"'{text}' är inte ett heltal.")
    return int(raw)


def not_applicable_reason(
    criterion: Criterion, attributes: Mapping[str, object], on: date
) -> str | None:
    """Why the criterion does not apply to this akt on ``on``, or None when it applies."""
    rule = criterion.applies
    if rule is None or rule.applies_to(attributes, on):
        return None
    return rule.reason or "Kriteriet gäller inte den här akten."


def override_needs_reason(computed: str, chosen: str, reason: str) -> None:
    """An auditor may overrule a computed result, but only with a reason."""
    if computed and chosen != computed and blank(reason):
        raise AnswerError(
            f"Det beräknade svaret är {answer_label(computed)}. Ange ett skäl för att ändra det."
        )
