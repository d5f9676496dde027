"""What every write to a plan's records checks and how it commits: which signed follow-up
rounds hold the records, asked before SQL is reached so that a refusal is a Swedish sentence
naming the round rather than the database's trigger (migration 0013), which stays as the last
guard; and one transaction per write, rolled back whole on any refusal."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kvtui.domain.action_plan import PlanError, parse_period
from kvtui.store.errors import InvalidInput
from kvtui.store.models import (
    ActionFollowup,
    FollowupRound,
    FollowupSignOff,
    IndicatorValue,
    RiskAssessment,
)


@contextmanager
def one_transaction(session: Session) -> Iterator[None]:
    """Commit what the block wrote, or roll all of it back: nothing half-written. What a
    trigger refuses after the checks is the database's refusal, in Swedish."""
    try:
        yield
        session.commit()
    except IntegrityError:
        session.rollback()
        raise InvalidInput("Databasen vägrade ändringen; ingenting sparades.") from None
    except BaseException:
        session.rollback()
        raise


def period_label(key: str) -> str:
    """"Tertial 1 2027" for a stored period key (the key itself if it cannot be read)."""
    try:
        return parse_period(key).label
    except PlanError:
        return key


def labels_in_order(keys: Collection[str]) -> list[str]:
    """The period labels of stored period keys, in the order the periods end."""
    def order(key: str) -> tuple[int, object]:
        try:
            return (0, parse_period(key))
        except PlanError:
            return (1, key)

    return [period_label(key) for key in sorted(set(keys), key=order)]


def rounds_text(labels: Collection[str]) -> str:
    """"uppföljningen Tertial 1 2027" or "uppföljningarna Tertial 1 2027 och Tertial 2 2027"."""
    ordered = list(labels)
    if len(ordered) == 1:
        return f"uppföljningen {ordered[0]}"
    return f"uppföljningarna {', '.join(ordered[:-1])} och {ordered[-1]}"


def signed_round_label(session: Session, round_id: str) -> str | None:
    """The period label of the round when it is signed and locked; None when it is not."""
    period = session.exec(select(FollowupSignOff.period)
                          .where(FollowupSignOff.round_id == round_id)).first()
    return period_label(period) if period is not None else None


def signed_rounds_naming(
    session: Session,
    *,
    risk_ids: Collection[str] = (),
    action_ids: Collection[str] = (),
    indicator_ids: Collection[str] = (),
) -> list[str]:
    """The period labels of the signed rounds that recorded something about these risks
    (an assessment), actions (a traffic light) or indicators (a value), in period order."""
    round_ids: set[str] = set()
    if risk_ids:
        round_ids |= {r for r in session.exec(select(RiskAssessment.round_id).where(
            col(RiskAssessment.risk_id).in_(list(risk_ids)))).all() if r}
    if action_ids:
        round_ids |= set(session.exec(select(ActionFollowup.round_id).where(
            col(ActionFollowup.action_id).in_(list(action_ids)))).all())
    if indicator_ids:
        round_ids |= set(session.exec(select(IndicatorValue.round_id).where(
            col(IndicatorValue.indicator_id).in_(list(indicator_ids)))).all())
    if not round_ids:
        return []
    rows = session.exec(select(FollowupRound.period)
                        .join(FollowupSignOff,
                              col(FollowupSignOff.round_id) == col(FollowupRound.id))
                        .where(col(FollowupRound.id).in_(list(round_ids)))).all()
    return labels_in_order(rows)
