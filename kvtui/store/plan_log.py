"""An action plan's own change log: every entry about the plan and its records.

The plan belongs to a unit, not to a review, so its entries carry no review id and
``kvtui log REVIEW`` never shows them. They are found by what they are about: the plan, its
areas, risks, assessments, actions, indicators, rounds, traffic lights, values and signed
rounds, as they are now, and the records deleted from it (each deletion's entry names the
plan's id, and with it the record's earlier entries are found too).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from kvtui.domain.log_text import changes_text
from kvtui.store.action_plan import get_plan
from kvtui.store.changelog import LogEntry, parse_changes
from kvtui.store.models import (
    ActionFollowup,
    ChangeLog,
    FollowupRound,
    FollowupSignOff,
    IndicatorValue,
    PlanAction,
    PlanArea,
    PlanIndicator,
    PlanRisk,
    RiskAssessment,
)

PLAN_ENTITIES = ("action_plan", "plan_area", "plan_risk", "risk_assessment", "plan_action",
                 "followup_round", "action_followup", "plan_indicator", "indicator_value",
                 "followup_signoff")
# What an entry records for the log's own use, not for the reader of the plan's log.
_NOT_SHOWN = frozenset({"plan_id", "plan", "log_hash"})


@dataclass(frozen=True)
class PlanLogEntry(LogEntry):
    """One entry of a plan's log: as ``kvtui log`` shows it, without the plan's own id."""

    @property
    def summary(self) -> str:
        """The changes on one line in Swedish, without the plan's own id and name."""
        return changes_text({k: v for k, v in self.changes.items() if k not in _NOT_SHOWN})


def _ids(session: Session, plan_id: str) -> set[str]:
    """The ids of every record the plan has now."""
    risks = list(session.exec(select(PlanRisk.id).where(PlanRisk.plan_id == plan_id)).all())
    rounds = list(session.exec(select(FollowupRound.id)
                               .where(FollowupRound.plan_id == plan_id)).all())
    ids = {plan_id, *risks, *rounds}
    ids |= set(session.exec(select(PlanArea.id).where(PlanArea.plan_id == plan_id)).all())
    ids |= set(session.exec(select(FollowupSignOff.id)
                            .where(FollowupSignOff.plan_id == plan_id)).all())
    ids |= set(session.exec(select(RiskAssessment.id)
                            .where(col(RiskAssessment.risk_id).in_(risks))).all())
    ids |= set(session.exec(select(PlanAction.id)
                            .where(col(PlanAction.risk_id).in_(risks))).all())
    ids |= set(session.exec(select(PlanIndicator.id)
                            .where(col(PlanIndicator.risk_id).in_(risks))).all())
    ids |= set(session.exec(select(ActionFollowup.id)
                            .where(col(ActionFollowup.round_id).in_(rounds))).all())
    ids |= set(session.exec(select(IndicatorValue.id)
                            .where(col(IndicatorValue.round_id).in_(rounds))).all())
    return ids


def plan_log(session: Session, plan_id: str) -> list[PlanLogEntry]:
    """The plan's entries, newest first."""
    plan = get_plan(session, plan_id)
    rows = session.exec(select(ChangeLog).where(col(ChangeLog.entity).in_(PLAN_ENTITIES))
                        .order_by(col(ChangeLog.seq).desc())).all()
    entries = [(row, parse_changes(row.changes_json)) for row in rows]
    ids = _ids(session, plan.id)
    ids |= {row.entity_id for row, changes in entries
            if row.action == "delete" and changes.get("plan_id") == plan.id}
    return [PlanLogEntry(row.seq, row.created_at, row.actor, row.entity, row.entity_id,
                         row.action, changes)
            for row, changes in entries if row.entity_id in ids]
