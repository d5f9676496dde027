"""Deleting risks, actions, activities and indicators of an action plan on a real store, and
the plan's own log: what goes is named first and logged, numbers are never renumbered nor
given again (the minutes say "risk 1.3"), and what a signed follow-up round names is refused
in Swedish with the round named and nothing changed."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

import pytest

from kvtui.domain.action_plan import IndicatorKind, TrafficLight
from kvtui.store.action_plan import (
    Light,
    RoundGrade,
    Value,
    add_action,
    add_indicator,
    add_risk,
    create_plan,
    record_followup,
)
from kvtui.store.changelog import verify_chain
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.plan_delete import (
    action_deletion,
    delete_action,
    delete_activity,
    delete_indicator,
    delete_risk,
    indicator_deletion,
    risk_deletion,
)
from kvtui.store.plan_log import plan_log
from kvtui.store.plan_view import plan_view
from tests.store.plan_fixture import DECIDED, T2, build_plan, sign


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(store.path) as connection:
        return {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=str)
                for table in ("plan_risk", "plan_action", "plan_activity", "plan_indicator",
                              "risk_assessment", "action_followup", "indicator_value",
                              "change_log")}


def _labels(store: Store, plan_id: str) -> list[str]:
    with store.session() as session:
        return [risk.label for risk in plan_view(session, plan_id).risks]


def test_numbers_left_stay_and_are_never_given_again(store: Store) -> None:
    """Risk numbers are quoted in the committee's minutes: deleting 1.2 leaves 1.1 and 1.3
    as they were, and the next risk of the area is 1.4 even after 1.3 goes too."""
    with store.session() as session:
        plan_id = build_plan(session)
        add_risk(session, plan_id, area="Självbestämmande och integritet", title="Tredje")
    assert _labels(store, plan_id) == ["1.1", "1.2", "1.3", "2.1"]
    with store.session() as session:
        delete_risk(session, plan_id, "1.2")
    assert _labels(store, plan_id) == ["1.1", "1.3", "2.1"]
    with store.session() as session:
        delete_risk(session, plan_id, "1.3")
        add_risk(session, plan_id, area="Självbestämmande och integritet", title="Ny risk")
        # Actions and indicators of a risk alike.
        add_action(session, plan_id, "2.1", title="Första")
        add_action(session, plan_id, "2.1", title="Andra")
        delete_action(session, plan_id, "2.1", 2)
        assert add_action(session, plan_id, "2.1", title="Tredje") == 3
        add_indicator(session, plan_id, "2.1", name="Andel", kind=IndicatorKind.SHARE)
        delete_indicator(session, plan_id, "2.1", 1)
        assert add_indicator(session, plan_id, "2.1", name="Antal",
                             kind=IndicatorKind.COUNT) == 2
        view = plan_view(session, plan_id)
    assert [r.label for r in view.risks] == ["1.1", "1.4", "2.1"]
    [risk] = [r for r in view.risks if r.label == "2.1"]
    assert [a.number for a in risk.actions] == [1, 3]
    assert [i.number for i in risk.indicators] == [2]


def test_a_risk_goes_with_what_belongs_to_it_named_and_logged(store: Store) -> None:
    with store.session() as session:
        plan_id = build_plan(session)
        # Risk 1.1 in a round not signed: its light, value and assessment go with it.
        record_followup(session, plan_id, T2, held_on=date(2027, 9, 10),
                        lights=[Light("1.1", 1, TrafficLight.GREEN)],
                        grades=[RoundGrade("1.1", 1, 3)], values=[Value("1.1", 1, value=80)])
        preview = risk_deletion(session, plan_id, "1.1")
        assert preview.what == "risk 1.1 Barns delaktighet"
        assert preview.goes == (
            "åtgärd 1.1:1 Säkerställa barns delaktighet (2 aktiviteter, 2 stoppljus i "
            "Tertial 1 2027, Tertial 2 2027)",
            "indikator 1.1:1 Andel barn som kommit till tals (2 värden i Tertial 1 2027, "
            "Tertial 2 2027)",
            "3 riskbedömningar")
        assert preview.question.startswith("Ta bort risk 1.1 Barns delaktighet? Med den tas "
                                           "bort: åtgärd 1.1:1")
        done = delete_risk(session, plan_id, "1.1")
        assert done == preview
        assert verify_chain(session).ok
        log = plan_log(session, plan_id)
    assert _labels(store, plan_id) == ["1.2", "2.1"]
    deleted = [(e.entity, e.action) for e in log if e.action == "delete"]
    assert sorted(deleted) == sorted(
        [("action_followup", "delete")] * 2 + [("plan_action", "delete")]
        + [("indicator_value", "delete")] * 2 + [("plan_indicator", "delete")]
        + [("risk_assessment", "delete")] * 3 + [("plan_risk", "delete")])
    with sqlite3.connect(store.path) as connection:
        for table in ("plan_action", "plan_activity", "plan_indicator", "action_followup",
                      "indicator_value"):
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_what_a_signed_round_names_is_not_deleted(store: Store) -> None:
    with store.session() as session:
        plan_id = build_plan(session)
        sign(session, plan_id)
    before = _dump(store)
    with store.session() as session:
        for call, what in (
            (lambda: risk_deletion(session, plan_id, "1.1"), "Risk 1.1"),
            (lambda: delete_risk(session, plan_id, "1.1"), "Risk 1.1"),
            (lambda: action_deletion(session, plan_id, "1.1", 1), "Åtgärd 1.1:1"),
            (lambda: delete_action(session, plan_id, "1.1", 1), "Åtgärd 1.1:1"),
            (lambda: indicator_deletion(session, plan_id, "1.1", 1), "Indikator 1.1:1"),
            (lambda: delete_indicator(session, plan_id, "1.1", 1), "Indikator 1.1:1"),
        ):
            with pytest.raises(InvalidInput) as refused:
                call()
            assert str(refused.value) == (
                f"{what} kan inte tas bort: den finns i uppföljningen Tertial 1 2027, som är "
                "signerad och låst.")
    assert _dump(store) == before
    with store.session() as session:
        # What the round does not name goes as before, and an activity is no part of it.
        assert delete_activity(session, plan_id, "1.1", 1, 1) == "Samtal enskilt"
        delete_risk(session, plan_id, "1.2")
        delete_risk(session, plan_id, "2.1")
        view = plan_view(session, plan_id)
    assert [r.label for r in view.risks] == ["1.1"]
    assert view.risks[0].actions[0].activities == ("Uppföljning",)


def test_two_signed_rounds_are_both_named(store: Store) -> None:
    with store.session() as session:
        plan_id = build_plan(session)
        sign(session, plan_id)
        record_followup(session, plan_id, T2, held_on=date(2027, 9, 10),
                        lights=[Light("1.1", 1, TrafficLight.GREEN)])
        sign(session, plan_id, T2)
        with pytest.raises(InvalidInput, match="finns i uppföljningarna Tertial 1 2027 och "
                                               "Tertial 2 2027, som är signerade och låsta"):
            delete_action(session, plan_id, "1.1", 1)


def test_deleting_what_is_not_there(store: Store) -> None:
    with store.session() as session:
        plan_id = build_plan(session)
        for call, message in (
            (lambda: delete_risk(session, plan_id, "1.9"), "Planen har ingen risk 1.9"),
            (lambda: delete_action(session, plan_id, "1.1", 4), "Risk 1.1 har ingen åtgärd 4"),
            (lambda: delete_indicator(session, plan_id, "1.2", 1),
             "Risk 1.2 har ingen indikator 1"),
            (lambda: delete_activity(session, plan_id, "1.1", 1, 3),
             "Åtgärd 1.1:1 har 2 aktiviteter; aktivitet 3 finns inte"),
        ):
            with pytest.raises(NotFound, match=message):
                call()


def test_the_plans_log_newest_first_and_only_its_own(store: Store) -> None:
    with store.session() as session:
        plan_id = build_plan(session)
        other = create_plan(session, unit="Äldreboendet Solgården", decided_on=DECIDED)
        add_risk(session, other, area="1 Trygghet", title="Fall")
        delete_action(session, plan_id, "1.1", 1)
        sign(session, plan_id)
        log = plan_log(session, plan_id)
        other_log = plan_log(session, other)
    assert [e.seq for e in log] == sorted((e.seq for e in log), reverse=True)
    assert log[0].event == "signerad uppföljning/signerad"
    assert "signerad av: Åsa Öberg" in log[0].summary
    assert "plan_id" not in log[0].summary
    # The deleted action's whole history: created, lit at T1, deleted.
    action = [e for e in log if e.entity == "plan_action"]
    assert [e.action for e in action] == ["delete", "create"]
    assert action[0].event == "åtgärd/borttagen"
    assert "titel: Säkerställa barns delaktighet" in action[0].summary
    assert {e.entity for e in log} >= {"action_plan", "plan_area", "plan_risk",
                                       "risk_assessment", "plan_indicator", "followup_round",
                                       "action_followup", "indicator_value"}
    assert [(e.entity, e.action) for e in other_log] == [
        ("plan_risk", "create"), ("plan_area", "create"), ("action_plan", "create")]
    assert not {e.seq for e in log} & {e.seq for e in other_log}
