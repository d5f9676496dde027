"""Taking risks, actions, activities and indicators out of an action plan.

The committee strikes a risk from the plan, an action that was never started, an indicator
that measured the wrong thing. Each deletion is first shown (``*_deletion``: what goes, or the
refusal) and then made (``delete_*``) in one transaction, with a change-log entry for every
record removed, so the log still tells what the plan held.

Two promises hold. What a signed follow-up round recorded stays: a risk, action or indicator
that such a round names cannot be deleted, and the refusal names the round. And numbers are
never given again: the minutes say "risk 1.3", so the risks, actions and indicators left keep
their numbers, and the area or risk remembers the highest number deleted so that a new one
gets the next (migration 0013).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from kvtui.domain.action_plan import risk_label
from kvtui.domain.plural import plural
from kvtui.store import changelog
from kvtui.store.action_plan import get_plan
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.models import (
    ActionFollowup,
    ActionPlan,
    FollowupRound,
    IndicatorValue,
    PlanAction,
    PlanActivity,
    PlanArea,
    PlanIndicator,
    PlanRisk,
    RiskAssessment,
    utcnow,
)
from kvtui.store.plan_guards import (
    labels_in_order,
    one_transaction,
    rounds_text,
    signed_rounds_naming,
)


@dataclass(frozen=True)
class Deletion:
    """What a deletion removes: the record named ("risk 1.2 Barns delaktighet") and, in
    Swedish, what goes with it."""

    what: str
    goes: tuple[str, ...] = ()

    @property
    def question(self) -> str:
        """The confirmation asked before the deletion."""
        with_it = f" Med den tas bort: {'; '.join(self.goes)}." if self.goes else ""
        return f"Ta bort {self.what}?{with_it}"

    @property
    def done(self) -> str:
        """What is said after it."""
        with_it = f" med {'; '.join(self.goes)}" if self.goes else ""
        return f"{self.what[0].upper()}{self.what[1:]} är borttagen{with_it}."



def _refuse_if_signed(session: Session, what: str, *, risk_ids: Sequence[str] = (),
                      action_ids: Sequence[str] = (),
                      indicator_ids: Sequence[str] = ()) -> None:
    labels = signed_rounds_naming(session, risk_ids=risk_ids, action_ids=action_ids,
                                  indicator_ids=indicator_ids)
    if labels:
        signed = "signerad och låst" if len(labels) == 1 else "signerade och låsta"
        raise InvalidInput(f"{what[0].upper()}{what[1:]} kan inte tas bort: den finns i "
                           f"{rounds_text(labels)}, som är {signed}.")


def _risk(session: Session, plan: ActionPlan, label: str) -> tuple[PlanRisk, PlanArea, str]:
    for risk, area in session.exec(select(PlanRisk, PlanArea)
                                   .join(PlanArea, col(PlanArea.id) == col(PlanRisk.area_id))
                                   .where(PlanRisk.plan_id == plan.id)).all():
        if risk_label(area.number, risk.number) == label.strip():
            return risk, area, label.strip()
    raise NotFound(f"Planen har ingen risk {label.strip()}.")


def _action(session: Session, plan: ActionPlan, risk: str,
            number: int) -> tuple[PlanAction, PlanRisk, str]:
    row, _area, label = _risk(session, plan, risk)
    action = session.exec(select(PlanAction).where(PlanAction.risk_id == row.id,
                                                   PlanAction.number == number)).first()
    if action is None:
        raise NotFound(f"Risk {label} har ingen åtgärd {number}.")
    return action, row, f"{label}:{number}"


def _indicator(session: Session, plan: ActionPlan, risk: str,
               number: int) -> tuple[PlanIndicator, PlanRisk, str]:
    row, _area, label = _risk(session, plan, risk)
    found = session.exec(select(PlanIndicator).where(PlanIndicator.risk_id == row.id,
                                                     PlanIndicator.position == number - 1)
                         ).first()
    if found is None:
        raise NotFound(f"Risk {label} har ingen indikator {number}.")
    return found, row, f"{label}:{number}"


# --- What goes -----------------------------------------------------------------------------------


@dataclass
class _Removal:
    """The rows a deletion removes, children first, with the change-log entry of each."""

    rows: list[tuple[object, str, dict[str, object]]]
    goes: list[str]


def _round_keys(session: Session, round_ids: set[str]) -> dict[str, str]:
    if not round_ids:
        return {}
    return dict(session.exec(select(FollowupRound.id, FollowupRound.period)
                             .where(col(FollowupRound.id).in_(list(round_ids)))).all())


def _action_removal(session: Session, plan: ActionPlan, action: PlanAction,
                    label: str) -> _Removal:
    lights = list(session.exec(select(ActionFollowup)
                               .where(ActionFollowup.action_id == action.id)).all())
    activities = list(session.exec(select(PlanActivity)
                                   .where(PlanActivity.action_id == action.id)
                                   .order_by(col(PlanActivity.position))).all())
    periods = _round_keys(session, {light.round_id for light in lights})
    rows: list[tuple[object, str, dict[str, object]]] = [
        (light, "action_followup",
         {"plan_id": plan.id, "action": label, "period": periods.get(light.round_id, ""),
          "light": light.light, "comment": light.comment}) for light in lights]
    rows += [(activity, "", {}) for activity in activities]
    rows.append((action, "plan_action",
                 {"plan_id": plan.id, "action": label, "title": action.title,
                  "description": action.description,
                  "responsible_role": action.responsible_role, "deadline": action.deadline,
                  "status": action.status, "activities": [a.text for a in activities]}))
    goes = []
    if activities:
        goes.append(plural(len(activities), "aktivitet", "aktiviteter"))
    if lights:
        goes.append(f"{plural(len(lights), 'stoppljus', 'stoppljus')} i "
                    + ", ".join(labels_in_order([periods.get(x.round_id, "") for x in lights])))
    return _Removal(rows, goes)


def _indicator_removal(session: Session, plan: ActionPlan, indicator: PlanIndicator,
                       label: str) -> _Removal:
    values = list(session.exec(select(IndicatorValue)
                               .where(IndicatorValue.indicator_id == indicator.id)).all())
    periods = _round_keys(session, {value.round_id for value in values})
    rows: list[tuple[object, str, dict[str, object]]] = [
        (value, "indicator_value",
         {"plan_id": plan.id, "indicator": label, "period": periods.get(value.round_id, ""),
          "share": value.share, "amount": value.amount, "note": value.note}) for value in values]
    rows.append((indicator, "plan_indicator",
                 {"plan_id": plan.id, "indicator": label, "name": indicator.name,
                  "kind": indicator.kind, "baseline": indicator.baseline}))
    goes = ([f"{plural(len(values), 'värde', 'värden')} i "
             + ", ".join(labels_in_order([periods.get(v.round_id, "") for v in values]))]
            if values else [])
    return _Removal(rows, goes)


def _risk_removal(session: Session, plan: ActionPlan, risk: PlanRisk, label: str) -> _Removal:
    removal = _Removal([], [])
    for action in session.exec(select(PlanAction).where(PlanAction.risk_id == risk.id)
                               .order_by(col(PlanAction.number))).all():
        part = _action_removal(session, plan, action, f"{label}:{action.number}")
        removal.rows += part.rows
        extra = f" ({', '.join(part.goes)})" if part.goes else ""
        removal.goes.append(f"åtgärd {label}:{action.number} {action.title}{extra}")
    for indicator in session.exec(select(PlanIndicator)
                                  .where(PlanIndicator.risk_id == risk.id)
                                  .order_by(col(PlanIndicator.position))).all():
        number = f"{label}:{indicator.position + 1}"
        part = _indicator_removal(session, plan, indicator, number)
        removal.rows += part.rows
        extra = f" ({', '.join(part.goes)})" if part.goes else ""
        removal.goes.append(f"indikator {number} {indicator.name}{extra}")
    grades = list(session.exec(select(RiskAssessment).where(RiskAssessment.risk_id == risk.id)
                               .order_by(col(RiskAssessment.assessed_on))).all())
    periods = _round_keys(session, {g.round_id for g in grades if g.round_id})
    removal.rows += [
        (grade, "risk_assessment",
         {"plan_id": plan.id, "risk": label, "assessed_on": grade.assessed_on,
          "period": periods.get(grade.round_id or "", ""), "probability": grade.probability,
          "severity": grade.severity, "level": grade.level, "comment": grade.comment})
        for grade in grades]
    if grades:
        removal.goes.append(plural(len(grades), "riskbedömning", "riskbedömningar"))
    removal.rows.append((risk, "plan_risk",
                         {"plan_id": plan.id, "risk": label, "title": risk.title,
                          "description": risk.description,
                          "source_review_id": risk.source_review_id,
                          "statement": risk.source_statement}))
    return removal


def _remove(session: Session, removal: _Removal) -> None:
    """Delete the rows in order (children flushed before their parents) and log each."""
    for row, entity, changes in removal.rows:
        session.delete(row)
        session.flush()
        if entity:
            changelog.append(session, review_id=None, entity=entity,
                             entity_id=row.id,  # type: ignore[attr-defined]
                             action="delete", changes=changes)


# --- Risks ---------------------------------------------------------------------------------------


def risk_deletion(session: Session, plan_id: str, risk: str) -> Deletion:
    """What deleting the risk ``risk`` ("1.2") removes; refused when a signed round names it."""
    plan = get_plan(session, plan_id)
    row, _area, label = _risk(session, plan, risk)
    return _checked_risk(session, plan, row, label)[0]


def _checked_risk(session: Session, plan: ActionPlan, row: PlanRisk,
                  label: str) -> tuple[Deletion, _Removal]:
    what = f"risk {label} {row.title}"
    action_ids = list(session.exec(select(PlanAction.id)
                                   .where(PlanAction.risk_id == row.id)).all())
    indicator_ids = list(session.exec(select(PlanIndicator.id)
                                      .where(PlanIndicator.risk_id == row.id)).all())
    _refuse_if_signed(session, f"risk {label}", risk_ids=[row.id], action_ids=action_ids,
                      indicator_ids=indicator_ids)
    removal = _risk_removal(session, plan, row, label)
    return Deletion(what, tuple(removal.goes)), removal


def delete_risk(session: Session, plan_id: str, risk: str) -> Deletion:
    """Delete the risk with its actions (their activities and traffic lights), its indicators
    (their values) and its assessments, in one transaction; what went.

    A risk struck from the plan takes what belongs to it along: its actions and indicators
    exist only for it, and a secretary who had to remove each first would remove them all the
    same, one command at a time. The confirmation (``risk_deletion``) names every one of them
    and each is logged with its content, so nothing goes unseen. A risk that a signed
    follow-up round names is refused whole. The other risks keep their numbers; the number
    is never given to another risk.
    """
    plan = get_plan(session, plan_id)
    row, area, label = _risk(session, plan, risk)
    deletion, removal = _checked_risk(session, plan, row, label)
    with one_transaction(session):
        _remove(session, removal)
        area.retired_risk_number = max(area.retired_risk_number, row.number)
        area.updated_at = utcnow()
        session.add(area)
    return deletion


# --- Actions and activities ----------------------------------------------------------------------


def action_deletion(session: Session, plan_id: str, risk: str, number: int) -> Deletion:
    """What deleting action ``number`` of the risk removes; refused when a signed round
    gave it a traffic light."""
    plan = get_plan(session, plan_id)
    action, _risk_row, label = _action(session, plan, risk, number)
    return _checked_action(session, plan, action, label)[0]


def _checked_action(session: Session, plan: ActionPlan, action: PlanAction,
                    label: str) -> tuple[Deletion, _Removal]:
    _refuse_if_signed(session, f"åtgärd {label}", action_ids=[action.id])
    removal = _action_removal(session, plan, action, label)
    return Deletion(f"åtgärd {label} {action.title}", tuple(removal.goes)), removal


def delete_action(session: Session, plan_id: str, risk: str, number: int) -> Deletion:
    """Delete an action with its activities and traffic lights; what went. The risk's other
    actions keep their numbers, and this number is not given again."""
    plan = get_plan(session, plan_id)
    action, risk_row, label = _action(session, plan, risk, number)
    deletion, removal = _checked_action(session, plan, action, label)
    with one_transaction(session):
        _remove(session, removal)
        risk_row.retired_action_number = max(risk_row.retired_action_number, action.number)
        risk_row.updated_at = utcnow()
        session.add(risk_row)
    return deletion


def delete_activity(session: Session, plan_id: str, risk: str, action: int,
                    activity: int) -> str:
    """Delete the ``activity``-th activity (from 1) of an action; its text. Activities are
    the action's own list, not numbered in reports, so those after it move up; the action's
    change-log entry records the list before and after."""
    plan = get_plan(session, plan_id)
    row, _risk_row, label = _action(session, plan, risk, action)
    rows = list(session.exec(select(PlanActivity).where(PlanActivity.action_id == row.id)
                             .order_by(col(PlanActivity.position))).all())
    if not 1 <= activity <= len(rows):
        count = plural(len(rows), "aktivitet", "aktiviteter")
        raise NotFound(f"Åtgärd {label} har {count}; aktivitet {activity} finns inte.")
    gone = rows[activity - 1]
    kept = [r for r in rows if r is not gone]
    with one_transaction(session):
        session.delete(gone)
        for position, other in enumerate(kept):
            if other.position != position:
                other.position = position
                other.updated_at = utcnow()
                session.add(other)
        row.updated_at = utcnow()
        session.add(row)
        changelog.append(session, review_id=None, entity="plan_action", entity_id=row.id,
                         action="update",
                         changes={"action": label,
                                  "activities": [[r.text for r in rows],
                                                 [r.text for r in kept]]})
    return gone.text


# --- Indicators ----------------------------------------------------------------------------------


def indicator_deletion(session: Session, plan_id: str, risk: str, number: int) -> Deletion:
    """What deleting indicator ``number`` of the risk removes; refused when a signed round
    recorded a value of it."""
    plan = get_plan(session, plan_id)
    indicator, _risk_row, label = _indicator(session, plan, risk, number)
    return _checked_indicator(session, plan, indicator, label)[0]


def _checked_indicator(session: Session, plan: ActionPlan, indicator: PlanIndicator,
                       label: str) -> tuple[Deletion, _Removal]:
    _refuse_if_signed(session, f"indikator {label}", indicator_ids=[indicator.id])
    removal = _indicator_removal(session, plan, indicator, label)
    return Deletion(f"indikator {label} {indicator.name}", tuple(removal.goes)), removal


def delete_indicator(session: Session, plan_id: str, risk: str, number: int) -> Deletion:
    """Delete an indicator with its values; what went. The risk's other indicators keep
    their numbers, and this number is not given again."""
    plan = get_plan(session, plan_id)
    indicator, risk_row, label = _indicator(session, plan, risk, number)
    deletion, removal = _checked_indicator(session, plan, indicator, label)
    with one_transaction(session):
        _remove(session, removal)
        risk_row.retired_indicator_number = max(risk_row.retired_indicator_number,
                                                indicator.position + 1)
        risk_row.updated_at = utcnow()
        session.add(risk_row)
    return deletion


