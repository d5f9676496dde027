"""The action plans as the app, the command line and the exports read them: a list of plans,
and one plan whole (``kvtui.domain.plan_data``), with each risk's history of assessments,
its actions and their traffic lights per round, and its indicators with their values.

Only reads; the records are written in ``kvtui.store.action_plan``.
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from kvtui.domain.action_plan import Grade, parse_period
from kvtui.domain.plan_data import (
    ActionView,
    FollowupView,
    IndicatorView,
    PlanSummary,
    PlanView,
    RiskView,
    RoundView,
    SourceView,
    ValueView,
)
from kvtui.store.action_plan import get_plan, plan_matrix
from kvtui.store.models import (
    ActionFollowup,
    ActionPlan,
    FollowupRound,
    FollowupSignOff,
    IndicatorValue,
    PlanAction,
    PlanActivity,
    PlanArea,
    PlanIndicator,
    PlanRisk,
    RiskAssessment,
)


def list_plans(session: Session) -> list[PlanSummary]:
    """Every plan, by unit."""
    risks = dict(session.exec(select(PlanRisk.plan_id, func.count())
                              .group_by(col(PlanRisk.plan_id))).all())
    rounds = dict(session.exec(select(FollowupRound.plan_id, func.count())
                               .group_by(col(FollowupRound.plan_id))).all())
    plans = session.exec(select(ActionPlan)).all()
    return sorted((PlanSummary(p.id, p.unit, p.municipality, p.committee, p.title, p.decided_on,
                               int(risks.get(p.id, 0)), int(rounds.get(p.id, 0)))
                   for p in plans), key=lambda p: (p.unit.casefold(), p.municipality))


def plan_view(session: Session, plan_id: str) -> PlanView:
    """One plan whole: risks ordered by their numbers, rounds in the order they report."""
    plan = get_plan(session, plan_id)
    round_rows = session.exec(select(FollowupRound).where(FollowupRound.plan_id == plan.id)
                              ).all()
    signed = set(session.exec(select(FollowupSignOff.round_id)
                              .where(FollowupSignOff.plan_id == plan.id)).all())
    rounds = sorted((RoundView(r.id, parse_period(r.period), r.held_on, r.summary,
                               r.id in signed)
                     for r in round_rows), key=lambda r: (r.period.end, r.held_on, r.key))
    key_of = {r.id: r.key for r in rounds}
    pairs = session.exec(select(PlanRisk, PlanArea)
                         .join(PlanArea, col(PlanArea.id) == col(PlanRisk.area_id))
                         .where(PlanRisk.plan_id == plan.id)).all()
    risk_ids = [risk.id for risk, _area in pairs]
    grades: dict[str, list[Grade]] = {}
    for row in session.exec(select(RiskAssessment)
                            .where(col(RiskAssessment.risk_id).in_(risk_ids))
                            .order_by(col(RiskAssessment.assessed_on),
                                      col(RiskAssessment.created_at))).all():
        grades.setdefault(row.risk_id, []).append(Grade(
            row.assessed_on, row.probability, row.severity, row.level,
            key_of.get(row.round_id) if row.round_id else None, row.comment))
    actions = _actions(session, risk_ids, key_of)
    indicators = _indicators(session, risk_ids, key_of)
    risks = [
        RiskView(
            id=risk.id, area_number=area.number, area_name=area.name, number=risk.number,
            title=risk.title, description=risk.description,
            history=tuple(grades.get(risk.id, ())),
            actions=tuple(actions.get(risk.id, ())),
            indicators=tuple(indicators.get(risk.id, ())),
            source=SourceView(risk.source_review_id, risk.source_assessment_id or "",
                              risk.source_version, risk.source_review_title,
                              risk.source_section, risk.source_statement, risk.source_rating)
            if risk.source_review_id else None,
        )
        for risk, area in sorted(pairs, key=lambda p: (p[1].number, p[0].number))
    ]
    return PlanView(plan.id, plan.unit, plan.municipality, plan.committee, plan.title,
                    plan.decided_on, plan_matrix(plan), tuple(risks), tuple(rounds))


def _actions(session: Session, risk_ids: list[str],
             key_of: dict[str, str]) -> dict[str, list[ActionView]]:
    rows = session.exec(select(PlanAction).where(col(PlanAction.risk_id).in_(risk_ids))
                        .order_by(col(PlanAction.number))).all()
    ids = [row.id for row in rows]
    activities: dict[str, list[str]] = {}
    for action_id, text in session.exec(
            select(PlanActivity.action_id, PlanActivity.text)
            .where(col(PlanActivity.action_id).in_(ids))
            .order_by(col(PlanActivity.position))).all():
        activities.setdefault(action_id, []).append(text)
    followups: dict[str, list[FollowupView]] = {}
    for light in session.exec(select(ActionFollowup)
                              .where(col(ActionFollowup.action_id).in_(ids))).all():
        followups.setdefault(light.action_id, []).append(
            FollowupView(key_of.get(light.round_id, ""), light.light, light.comment))
    found: dict[str, list[ActionView]] = {}
    for row in rows:
        found.setdefault(row.risk_id, []).append(ActionView(
            row.id, row.number, row.title, row.description, row.responsible_role,
            row.deadline, row.status, tuple(activities.get(row.id, ())),
            tuple(followups.get(row.id, ()))))
    return found


def _indicators(session: Session, risk_ids: list[str],
                key_of: dict[str, str]) -> dict[str, list[IndicatorView]]:
    rows = session.exec(select(PlanIndicator).where(col(PlanIndicator.risk_id).in_(risk_ids))
                        .order_by(col(PlanIndicator.position))).all()
    values: dict[str, list[ValueView]] = {}
    for value in session.exec(select(IndicatorValue).where(
            col(IndicatorValue.indicator_id).in_([r.id for r in rows]))).all():
        number = value.share if value.share is not None else value.amount
        values.setdefault(value.indicator_id, []).append(ValueView(
            key_of.get(value.round_id, ""), number, value.note, value.source_review_id,
            value.source_criterion, value.source_yes, value.source_applicable))
    found: dict[str, list[IndicatorView]] = {}
    for row in rows:
        found.setdefault(row.risk_id, []).append(IndicatorView(
            row.id, row.position + 1, row.name, row.kind, row.baseline,
            tuple(values.get(row.id, ()))))
    return found
