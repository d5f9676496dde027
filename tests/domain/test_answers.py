"""Answer rules: deadlines exact to the day, counts against a threshold, applicability."""

from __future__ import annotations

from datetime import date

import pytest

from kvtui.domain.answers import not_applicable_reason, override_needs_reason
from kvtui.domain.criterion_kinds import (
    AnswerError,
    days_text,
    evaluate_count,
    evaluate_deadline,
    evaluate_deadline_text,
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


# --- The akt's dates and the days in words ---------------------------------------------------


def _deadline(code: str, start: str, end: str) -> Criterion:
    return Criterion(code, "?", "deadline", (), start_label=start, end_label=end, limit_days=14)


def test_one_day_is_dag_and_more_are_dagar() -> None:
    assert [days_text(n) for n in (0, 1, 2, 14)] == ["0 dagar", "1 dag", "2 dagar", "14 dagar"]
    u1 = _deadline("U1", "Anmälan inkom", "Skyddsbedömning gjord")
    assert evaluate_deadline(u1, date(2025, 9, 1), date(2025, 9, 2)).describe().startswith(
        "1 dag, inom tidsfristen")


def test_a_date_named_by_two_deadlines_is_the_akts_once() -> None:
    from kvtui.domain.answers import akt_dates, known_dates

    u1 = _deadline("U1", "Anmälan inkom", "Skyddsbedömning gjord")
    u2 = _deadline("U2", "anmälan inkom", "Beslut om att inleda eller inte")
    u7 = _deadline("U7", "Utredning inledd", "Utredning avslutad")
    dates = akt_dates([(u1, date(2025, 9, 1), date(2025, 9, 2)), (u7, None, None)])
    assert dates == {"anmälan inkom": date(2025, 9, 1),
                     "skyddsbedömning gjord": date(2025, 9, 2)}
    assert known_dates(u2, dates) == (date(2025, 9, 1), None)
    assert known_dates(u7, dates) == (None, None)


def test_an_attribute_holding_a_date_is_one_of_the_akts_dates() -> None:
    from kvtui.domain.answers import akt_dates, known_dates

    f3 = _deadline("F3", "Placerad från", "Vårdplan reviderad")
    attributes = {"Placerad från": "2023-02-15", "Placeringsform": "familjehem",
                  "Annat": "2023-02-30"}
    dates = akt_dates([], attributes)
    assert dates == {"placerad från": date(2023, 2, 15)}
    assert known_dates(f3, dates) == (date(2023, 2, 15), None)
    # A date typed in an answer wins over the list's.
    assert known_dates(f3, akt_dates([(f3, date(2023, 3, 1), None)], attributes))[0] == \
        date(2023, 3, 1)
