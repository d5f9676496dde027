"""The rules of answering a criterion: the four answers, the akt's dates and applicability.

What each kind of criterion computes from the dates or number typed (deadlines, counts) is
described with the kind, in ``criterion_kinds``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from kvtui.domain.criterion_kinds import AnswerError, Entry, criterion_kind
from kvtui.domain.reviews import parse_date
from kvtui.domain.safe_text import blank
from kvtui.domain.templates import Criterion
from kvtui.domain.vocabulary import AnswerValue

ANSWERS: dict[str, str] = {
    AnswerValue.YES: "Ja",
    AnswerValue.PARTLY: "Delvis",
    AnswerValue.NO: "Nej",
    AnswerValue.NOT_APPLICABLE: "Ej aktuellt",
}
KEYS: dict[str, str] = {"j": "ja", "d": "delvis", "n": "nej", "e": "ej_aktuellt"}


def answer_label(value: str) -> str:
    """The Swedish name of an answer, or an empty string for no answer."""
    return ANSWERS.get(value, "")


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
        if criterion_kind(criterion.kind).entry is not Entry.DATES:
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
