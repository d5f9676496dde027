"""The plan's rules: risk numbers per area, traffic lights, follow-up periods, the checks with
their Swedish messages, and which risks went down since the previous round."""

from __future__ import annotations

from datetime import date

import pytest

from kvtui.domain.action_plan import (
    ActionStatus,
    Change,
    Grade,
    IndicatorKind,
    PlanError,
    RoundRef,
    TrafficLight,
    area_label,
    change_between,
    change_sentence,
    deadline_problem,
    format_value,
    grade_at,
    grade_before,
    level_lowered,
    month,
    next_number,
    on_date,
    parse_action_status,
    parse_area,
    parse_indicator_kind,
    parse_period,
    parse_traffic_light,
    parse_value,
    risk_label,
    share_of,
    tertial,
    traffic_light_label,
    unit_key,
    value_problem,
)
from kvtui.domain.plan_data import PlanView, RiskView, RoundView
from kvtui.domain.risk_matrix import DEFAULT_MATRIX


def test_risks_are_numbered_per_area_and_a_number_is_never_reused() -> None:
    assert risk_label(1, 1) == "1.1"
    assert risk_label(5, 2) == "5.2"
    assert next_number([]) == 1
    assert next_number([1, 3]) == 4  # 2 was removed: 4, not 2, so reports stay right
    assert area_label(2, "Trygghet och säkerhet") == "2 Trygghet och säkerhet"


def test_an_area_is_typed_with_or_without_its_number() -> None:
    assert parse_area("2 Trygghet och säkerhet") == (2, "Trygghet och säkerhet")
    assert parse_area("  5.  Effektivitet ") == (5, "Effektivitet")
    assert parse_area("Helhetssyn och  samordning") == (None, "Helhetssyn och samordning")
    with pytest.raises(PlanError, match="Kvalitetsområdet saknas"):
        parse_area("   ")
    with pytest.raises(PlanError, match="1 eller större"):
        parse_area("0 Effektivitet")


def test_the_unit_is_the_same_across_case_and_spacing() -> None:
    assert unit_key("Barn och familjeenheten", "Sjövik kommun") == unit_key(
        " barn och  Familjeenheten", "SJÖVIK kommun")
    assert unit_key("Barn", "Sjövik") != unit_key("Barn", "Åby")


def test_traffic_lights_in_the_words_of_the_report() -> None:
    assert traffic_light_label(TrafficLight.GREEN) == "Grönt – följer tidplanen"
    assert traffic_light_label(TrafficLight.YELLOW) == "Gult – risk för försening"
    assert traffic_light_label(TrafficLight.RED) == "Rött – försenad"
    assert parse_traffic_light("Gult") == TrafficLight.YELLOW
    assert parse_traffic_light("rött") == TrafficLight.RED
    assert parse_traffic_light("grön") == TrafficLight.GREEN
    with pytest.raises(PlanError, match="Okänt stoppljus 'blått'"):
        parse_traffic_light("blått")


def test_statuses_and_kinds() -> None:
    assert parse_action_status("pågår") == ActionStatus.ONGOING
    assert parse_action_status("Genomförd") == ActionStatus.DONE
    with pytest.raises(PlanError, match="Planerad, Pågår, Genomförd, Avbruten"):
        parse_action_status("klar")
    assert parse_indicator_kind("Antal") == IndicatorKind.COUNT
    assert parse_indicator_kind("andel") == IndicatorKind.SHARE
    with pytest.raises(PlanError):
        parse_indicator_kind("kvot")


@pytest.mark.parametrize(("text", "key", "label", "end"), [
    ("T2 2020", "2020-T2", "Tertial 2 2020", date(2020, 8, 31)),
    ("tertial 1 2021", "2021-T1", "Tertial 1 2021", date(2021, 4, 30)),
    ("2020-T3", "2020-T3", "Tertial 3 2020", date(2020, 12, 31)),
    ("2020-08", "2020-08", "Augusti 2020", date(2020, 8, 31)),
    ("februari 2024", "2024-02", "Februari 2024", date(2024, 2, 29)),
    ("Feb 2023", "2023-02", "Februari 2023", date(2023, 2, 28)),
    ("2020-09-15", "2020-09-15", "2020-09-15", date(2020, 9, 15)),
])
def test_periods(text: str, key: str, label: str, end: date) -> None:
    period = parse_period(text)
    assert (period.key, period.label, period.end) == (key, label, end)
    assert parse_period(period.key) == period


def test_a_tertial_spans_four_months() -> None:
    assert tertial(2020, 2).span == "maj–augusti 2020"
    assert tertial(2020, 2).short_label == "T2 2020"
    assert month(2020, 8).short_label == "aug 2020"
    assert on_date(date(2020, 8, 31)).kind == "date"


@pytest.mark.parametrize(("text", "words"), [
    ("T4 2020", "tertial 1, 2 och 3"),
    ("2020-13", "1–12"),
    ("2020-02-30", "finns inte"),
    ("sommaren 2020", "kan inte läsas"),
    ("T1 0020", "rimligt"),
])
def test_a_period_that_cannot_be_is_refused(text: str, words: str) -> None:
    with pytest.raises(PlanError, match=words):
        parse_period(text)


def test_a_deadline_before_the_plans_date_is_refused() -> None:
    plan_date = date(2020, 2, 1)
    assert deadline_problem(date(2020, 1, 31), plan_date) == (
        "Tidsgränsen 2020-01-31 ligger före planens datum 2020-02-01. Ange ett datum från och "
        "med planens datum.")
    assert deadline_problem(plan_date, plan_date) is None
    assert deadline_problem(None, plan_date) is None


@pytest.mark.parametrize(("kind", "value", "ok"), [
    ("share", 0.0, True), ("share", 100.0, True), ("share", 61.5, True),
    ("share", -0.1, False), ("share", 100.1, False), ("share", float("nan"), False),
    ("count", 0.0, True), ("count", 93.0, True), ("count", -1.0, False), ("count", 2.5, False),
    ("share", None, True),
])
def test_indicator_values(kind: str, value: float | None, ok: bool) -> None:
    assert (value_problem(kind, value) is None) is ok


def test_a_share_outside_zero_to_hundred_says_so() -> None:
    assert value_problem("share", 120.0) == "En andel måste ligga mellan 0 och 100 %, inte 120 %."


def test_numbers_as_swedes_write_them() -> None:
    assert parse_value("2,4") == 2.4
    assert parse_value("67 %") == 67.0
    with pytest.raises(PlanError, match="inte ett tal"):
        parse_value("u.s.")
    assert format_value("share", 2.4) == "2,4 %"
    assert format_value("share", 67.0) == "67 %"
    assert format_value("count", 9.0) == "9"
    assert format_value("count", None) == "u.s."
    assert share_of(23, 38) == 60.5
    assert share_of(0, 0) is None


# --- History ----------------------------------------------------------------------------------

T1 = RoundRef("2020-T1", tertial(2020, 1), date(2020, 5, 12))
T2 = RoundRef("2020-T2", tertial(2020, 2), date(2020, 9, 10))


def _grade(day: date, p: int, s: int, round_key: str | None = None) -> Grade:
    return Grade(day, p, s, DEFAULT_MATRIX.level(p, s), round_key)


def test_where_a_risk_stood_at_each_round() -> None:
    history = [_grade(date(2020, 1, 15), 3, 4),          # the risk analysis: Röd 12
               _grade(date(2020, 5, 12), 3, 3, T1.key),  # T1: Röd 9
               _grade(date(2020, 9, 10), 2, 3, T2.key)]  # T2: Gul 6
    assert grade_at(history, T1) == history[1]
    assert grade_at(history, T2) == history[2]
    assert grade_before(history, [T2, T1], T1) == history[0]
    assert grade_before(history, [T1, T2], T2) == history[1]
    assert change_between(history[0], history[1]) == Change.DOWN  # lower within Röd
    assert not level_lowered(history[0], history[1])
    assert level_lowered(history[1], history[2])
    assert change_sentence("5.2", "Kontinuitet", history[1], history[2]) == (
        "Risk 5.2 Kontinuitet har sänkts från Röd till Gul.")
    assert change_sentence("5.2", "Kontinuitet", history[0], history[1]) == (
        "Risk 5.2 Kontinuitet har minskat inom Röd (12 → 9).")


def test_a_risk_not_assessed_at_a_round_stands_where_it_was() -> None:
    history = [_grade(date(2020, 1, 15), 2, 2)]
    assert grade_at(history, T2) == history[0]
    assert change_between(grade_before(history, [T1, T2], T2), grade_at(history, T2)) == (
        Change.SAME)
    assert change_between(None, None) == Change.NOT_ASSESSED
    assert change_between(None, history[0]) == Change.NEW
    assert change_between(_grade(date(2020, 1, 1), 1, 1), history[0]) == Change.UP


def test_which_risks_went_down_since_the_previous_round() -> None:
    def risk(rid: str, number: int, *grades: Grade) -> RiskView:
        return RiskView(rid, 1, "Självbestämmande och integritet", number, rid, "",
                        tuple(grades))

    plan = PlanView(
        "p", "Barn och familjeenheten", "Sjövik kommun", "Socialnämnden", "Åtgärdsplan 2020",
        date(2020, 1, 1), DEFAULT_MATRIX,
        (risk("a", 1, _grade(date(2020, 1, 2), 4, 3), _grade(date(2020, 5, 12), 3, 3, T1.key),
              _grade(date(2020, 9, 10), 2, 2, T2.key)),
         risk("b", 2, _grade(date(2020, 1, 2), 2, 3), _grade(date(2020, 9, 10), 2, 3, T2.key)),
         risk("c", 3, _grade(date(2020, 1, 2), 2, 2), _grade(date(2020, 9, 10), 3, 3, T2.key))),
        (RoundView("r2", T2.period, T2.held_on, ""), RoundView("r1", T1.period, T1.held_on, "")),
    )
    assert plan.ordered_round_keys() == ["2020-T1", "2020-T2"]
    assert [c.risk.label for c in plan.went_down_at("2020-T2")] == ["1.1"]
    assert [c.change for c in plan.changes_at("2020-T2")] == [Change.DOWN, Change.SAME,
                                                              Change.UP]
    assert [c.risk.label for c in plan.went_down_at("2020-T1")] == ["1.1"]
    assert plan.summary_at("2020-T2") == [
        "1 risk kvarstår som röd: 1.3.",
        "1 risk har sänkts sedan förra uppföljningen.",
        "Risk 1.1 a har sänkts från Röd till Gul.",
        "Risk 1.3 c har höjts från Gul till Röd.",
    ]
    assert plan.summary_at("2020-T1") == [
        "1 risk kvarstår som röd: 1.1.",
        "Ingen risk har sänkts sedan förra uppföljningen.",
        "Risk 1.1 a har minskat inom Röd (12 → 9).",
    ]
    assert plan.summary_at("2019-T1") == []
    # On the matrix: where each risk was at T1 and is at T2, and the cells now.
    assert [(c.risk.label, c.before.product if c.before else None, c.now.product)
            for c in plan.placements("2020-T2") if c.now] == [("1.1", 9, 4), ("1.2", 6, 6),
                                                               ("1.3", 4, 9)]
    assert plan.cells_at("2020-T2") == {(2, 2): ["1.1"], (2, 3): ["1.2"], (3, 3): ["1.3"]}
    assert [(c.risk.label, c.before.product if c.before else None)
            for c in plan.placements()] == [("1.1", 9), ("1.2", 6), ("1.3", 4)]
