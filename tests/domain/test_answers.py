"""Answer rules: deadlines exact to the day, counts against a threshold, applicability."""

from __future__ import annotations

from datetime import date

import pytest

from kvtui.domain.answers import (
    AnswerError,
    evaluate_count,
    evaluate_deadline,
    evaluate_deadline_text,
    not_applicable_reason,
    override_needs_reason,
    parse_count,
)
from kvtui.domain.templates import Applicability, Criterion

SIX_MONTHS = Criterion("F6", "Vården övervägd", "deadline", (), start_label="Föregående",
                       end_label="Senaste", limit_months=6)
ONE_DAY = Criterion("U1", "Skyddsbedömning", "deadline", (), start_label="Anmälan inkom",
                    end_label="Skyddsbedömning gjord", limit_days=1)
FOUR_TALKS = Criterion("F13", "Samtal", "count", (), threshold=4, unit_label="samtal")


@pytest.mark.parametrize(
    ("start", "end", "value", "days"),
    [
        (date(2024, 8, 31), date(2025, 2, 28), "ja", 181),   # month end: last allowed day
        (date(2024, 8, 31), date(2025, 3, 1), "nej", 182),
        (date(2024, 1, 15), date(2024, 7, 15), "ja", 182),
        (date(2024, 1, 15), date(2024, 7, 16), "nej", 183),
        (date(2024, 2, 29), date(2024, 8, 29), "ja", 182),    # leap day
    ],
)
def test_month_deadlines_are_exact_to_the_day(start: date, end: date, value: str,
                                              days: int) -> None:
    result = evaluate_deadline(SIX_MONTHS, start, end)
    assert (result.value, result.days) == (value, days)


def test_day_deadline_and_description() -> None:
    assert evaluate_deadline(ONE_DAY, date(2024, 3, 5), date(2024, 3, 6)).value == "ja"
    late = evaluate_deadline(ONE_DAY, date(2024, 3, 5), date(2024, 3, 7))
    assert late.value == "nej"
    assert late.describe() == "2 dagar, efter tidsfristen (senast 2024-03-06)"


@pytest.mark.parametrize("text", ["2024-03-05", "20240305", "2024-3-5"])
def test_date_forms_accepted(text: str) -> None:
    assert evaluate_deadline_text(ONE_DAY, text, "2024-03-05").days == 0


@pytest.mark.parametrize("text", ["2024-02-30", "2023-02-29", "5/3/2024", "igår", "2024-13-01"])
def test_impossible_dates_refused(text: str) -> None:
    with pytest.raises(AnswerError):
        evaluate_deadline_text(ONE_DAY, text, "2024-03-05")


def test_end_before_start_refused() -> None:
    with pytest.raises(AnswerError, match="före"):
        evaluate_deadline(ONE_DAY, date(2024, 3, 5), date(2024, 3, 4))


def test_counts() -> None:
    assert evaluate_count(FOUR_TALKS, 4) == "ja"
    assert evaluate_count(FOUR_TALKS, 3) == "nej"
    assert parse_count(" 7 ") == 7
    for bad in ("-1", "tre", "2,5", ""):
        with pytest.raises(AnswerError):
            parse_count(bad)


def test_applicability_gives_reason() -> None:
    only_jourhem = Criterion("F19", "Jourhem", "judgement", (), applies=Applicability(
        "Placeringsform", ("jourhem",), reason="Gäller endast jourhemsplaceringar"))
    assert not_applicable_reason(only_jourhem, {"placeringsform": "Familjehem"},
                                 date(2026, 1, 1)) == "Gäller endast jourhemsplaceringar"
    assert not_applicable_reason(only_jourhem, {"Placeringsform": "Jourhem"},
                                 date(2026, 1, 1)) is None
    two_years = Criterion("F3", "Två år", "judgement", (), applies=Applicability(
        "Placerad från", min_months=24, reason="Placeringen är kortare än två år"))
    assert not_applicable_reason(two_years, {"Placerad från": "2025-01-01"}, date(2026, 1, 1))
    assert not_applicable_reason(two_years, {"Placerad från": "2024-01-01"},
                                 date(2026, 1, 1)) is None


def test_override_needs_reason() -> None:
    override_needs_reason("ja", "ja", "")
    override_needs_reason("ja", "nej", "Beslutet saknas i akten")
    with pytest.raises(AnswerError, match="skäl"):
        override_needs_reason("ja", "nej", "  ")
