"""What the follow-up report says, on plain data: the title for each kind of period, the
cover's facts, the background from the plan's own data, how a risk's level and move are
worded, and an action's light at a round (or none)."""

from __future__ import annotations

from datetime import date

import pytest

from kvtui.domain.action_plan import Grade, month, on_date, tertial
from kvtui.domain.plan_data import (
    ActionView,
    FollowupView,
    PlanView,
    RiskChange,
    RiskView,
    RoundView,
    SourceView,
)
from kvtui.domain.risk_matrix import DEFAULT_MATRIX
from kvtui.report.plan_outline import (
    NO_LIGHT,
    action_lines,
    background,
    chosen_round,
    cover_facts,
    level_words,
    light_words,
    previous_round,
    report_title,
    unbroken_period,
)

DECIDED = date(2026, 1, 20)


def _grade(p: int, s: int, level: str, day: date, key: str | None = None) -> Grade:
    return Grade(day, p, s, level, key)


def _plan(*rounds: RoundView, risks: tuple[RiskView, ...] = ()) -> PlanView:
    return PlanView("p" * 32, "Familjevårdsenheten", "Sjövik kommun", "Socialnämnden",
                    "Åtgärdsplan", DECIDED, DEFAULT_MATRIX, risks, rounds)


def test_title_says_the_period_as_committees_do() -> None:
    t2 = RoundView("a", tertial(2026, 2), date(2026, 9, 15), "")
    later = RoundView("b", tertial(2027, 1), date(2027, 5, 10), "")
    august = RoundView("c", month(2026, 8), date(2026, 9, 2), "")
    day = RoundView("d", on_date(date(2026, 10, 5)), date(2026, 10, 5), "")
    risk = RiskView("r", 1, "Självbestämmande och integritet", 1, "Barns delaktighet", "", ())
    plan = _plan(t2, later, august, day, risks=(risk,))
    assert report_title(plan, t2) == ("Uppföljning av åtgärdsplan 2026 "
                                      "familjevårdsenheten, tertial 2")
    assert report_title(plan, later).endswith(", tertial 1 2027")
    assert report_title(plan, august).endswith(", augusti 2026")
    assert report_title(plan, day).endswith(", 5 oktober 2026")
    assert unbroken_period(report_title(plan, later)).endswith("tertial\u00a01\u00a02027")
    assert chosen_round(plan).key == "2027-T1"  # the latest by its period's end
    assert previous_round(plan, later) == day


def test_cover_and_background_from_the_plans_data() -> None:
    first = RoundView("a", tertial(2026, 1), date(2026, 5, 12), "")
    second = RoundView("b", tertial(2026, 2), date(2026, 9, 15), "")
    source = SourceView("r" * 32, "s", 1, "Granskning av familjehemsvården 2025", "4.2",
                        "Genomförandeplaner saknas.", "rod")
    action = ActionView("x", 1, "Upprätta genomförandeplaner", "", "gruppledare",
                        date(2026, 12, 31), "ongoing", ("Inventera akterna",),
                        (FollowupView("2026-T2", "gul", "Inventeringen pågår."),))
    risk = RiskView("r1", 2, "Trygghet och säkerhet", 1, "Genomförandeplaner", "",
                    (_grade(3, 4, "rod", date(2026, 1, 15)),), (action,), (), source)
    plan = _plan(first, second, risks=(risk,))
    facts = dict(cover_facts(plan, second, "Utkast"))
    assert facts["Uppföljningen avser"] == "maj–augusti 2026"
    assert facts["Förra uppföljningen"] == "Tertial 1 2026"
    assert facts["Planen beslutad"] == "20 januari 2026"
    said = " ".join(background(plan, second))
    assert said.startswith("Socialnämnden beslutade den 20 januari 2026 om en åtgärdsplan "
                           "för familjevårdsenheten i Sjövik kommun.")
    assert "1 risk inom 1 kvalitetsområde, med 1 åtgärd och 0 indikatorer" in said
    assert "1 risk kommer från bedömningar i granskningen Granskning av familjehemsvården 2025"\
        in said
    assert "den andra uppföljningen av planen" in said
    assert action_lines(action) == ("1. Upprätta genomförandeplaner", "",
                                    ["Inventera akterna"],
                                    "Pågår, ansvarig: gruppledare, senast 2026-12-31")
    assert light_words(action, "2026-T2") == ("gul", "Gult", "risk för försening",
                                              "Inventeringen pågår.")
    assert light_words(action, "2026-T1") == ("", NO_LIGHT, "", "")


@pytest.mark.parametrize(("before", "now", "expected"), [
    (None, (2, 3, "gul"), ("Gul", "2 × 3 = 6", "ny")),
    ((3, 4, "rod"), (2, 3, "gul"), ("Gul", "2 × 3 = 6", "sänkt från Röd")),
    ((2, 2, "gul"), (2, 3, "gul"), ("Gul", "2 × 3 = 6", "höjd från 4")),
    ((2, 3, "gul"), (2, 3, "gul"), ("Gul", "2 × 3 = 6", "oförändrad")),
    ((2, 3, "gul"), None, ("Ej bedömd", "", "")),
])
def test_level_and_move_in_words(before: tuple[int, int, str] | None,
                                 now: tuple[int, int, str] | None,
                                 expected: tuple[str, str, str]) -> None:
    risk = RiskView("r", 1, "Självbestämmande och integritet", 1, "Barns delaktighet", "", ())
    day = date(2026, 5, 1)
    change = RiskChange(risk, _grade(*before, day) if before else None,
                        _grade(*now, day) if now else None)
    assert level_words(change) == expected
