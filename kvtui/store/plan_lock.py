"""Signing a follow-up round of an action plan, and the lock that follows.

The follow-up report of a round (``kvtui.report``) is built from ``round_record``; its
content hash (``kvtui.domain.plan_signoff.round_hash``) and the PDF's SHA-256 are then handed
to ``lock_round``, which checks that the round still holds exactly what was hashed and stores
the sign-off with its change-log entry in one transaction. From then on the store refuses,
in Swedish before SQL and by trigger below it (migration 0013), every change to what the round
recorded; later rounds go on as before. ``check_round_sign_offs`` hashes every signed round
again so that a store edited outside kvtui is found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from kvtui.domain.action_plan import Period, PlanError, parse_period, risk_label
from kvtui.domain.plan_signoff import (
    RoundAssessment,
    RoundLight,
    RoundRecord,
    RoundSignOffView,
    RoundValue,
    canonical_json,
    content_hash,
    round_content,
    round_hash,
    sha256_problem,
)
from kvtui.domain.signoff import SignOffRuleError, check_signers
from kvtui.store import changelog
from kvtui.store.action_plan import get_plan
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.idnumber_rule import Rule
from kvtui.store.models import (
    ActionFollowup,
    ActionPlan,
    FollowupRound,
    FollowupSignOff,
    IndicatorValue,
    PlanAction,
    PlanArea,
    PlanIndicator,
    PlanRisk,
    RiskAssessment,
    utcnow,
)
from kvtui.store.plan_guards import one_transaction, period_label


def _round(session: Session, plan: ActionPlan, ref: Period | str) -> FollowupRound:
    """The plan's round named by its period ("T1 2027", "2027-T1", a Period) or its id."""
    rounds = session.exec(select(FollowupRound).where(FollowupRound.plan_id == plan.id)).all()
    if isinstance(ref, str):
        by_id = [r for r in rounds if r.id == ref.strip()]
        if by_id:
            return by_id[0]
        try:
            ref = parse_period(ref)
        except PlanError as error:
            raise InvalidInput(str(error)) from None
    found = next((r for r in rounds if r.period == ref.key), None)
    if found is None:
        raise NotFound(f"Planen har ingen uppföljning för {ref.label}.")
    return found


def _labels(session: Session, plan_id: str) -> dict[str, str]:
    """Each of the plan's risks by id, as its label "1.1"."""
    return {risk_id: risk_label(area, number) for risk_id, number, area in session.exec(
        select(PlanRisk.id, PlanRisk.number, PlanArea.number)
        .join(PlanArea, col(PlanArea.id) == col(PlanRisk.area_id))
        .where(PlanRisk.plan_id == plan_id)).all()}


def _record(session: Session, plan: ActionPlan, row: FollowupRound) -> RoundRecord:
    labels = _labels(session, plan.id)
    lights = tuple(
        RoundLight(labels[action.risk_id], action.number, light.light, light.comment)
        for light, action in session.exec(
            select(ActionFollowup, PlanAction)
            .join(PlanAction, col(PlanAction.id) == col(ActionFollowup.action_id))
            .where(ActionFollowup.round_id == row.id)).all())
    grades = tuple(
        RoundAssessment(labels[g.risk_id], g.assessed_on, g.probability, g.severity, g.level,
                        g.comment)
        for g in session.exec(select(RiskAssessment)
                              .where(RiskAssessment.round_id == row.id)).all())
    values = tuple(
        RoundValue(labels[indicator.risk_id], indicator.position + 1, indicator.kind,
                   value.share if value.share is not None else value.amount, value.note,
                   value.source_review_id, value.source_criterion, value.source_yes,
                   value.source_applicable)
        for value, indicator in session.exec(
            select(IndicatorValue, PlanIndicator)
            .join(PlanIndicator, col(PlanIndicator.id) == col(IndicatorValue.indicator_id))
            .where(IndicatorValue.round_id == row.id)).all())
    return RoundRecord(plan.id, row.period, row.held_on, row.summary, lights, grades, values)


def round_record(session: Session, plan_id: str, round_ref: Period | str) -> RoundRecord:
    """What the round of ``round_ref`` (its period, or its id) recorded, as the follow-up
    report prints it and ``round_hash`` hashes it."""
    plan = get_plan(session, plan_id)
    return _record(session, plan, _round(session, plan, round_ref))


def _view(row: FollowupSignOff) -> RoundSignOffView:
    return RoundSignOffView(row.id, row.round_id, row.period, row.signed_by, row.role,
                            row.signed_at, row.content_sha256, row.pdf_sha256, row.log_seq,
                            row.log_hash)


def round_sign_offs(session: Session, plan_id: str) -> list[RoundSignOffView]:
    """The plan's signed rounds, in period order."""
    rows = session.exec(select(FollowupSignOff).where(FollowupSignOff.plan_id == plan_id)).all()
    return [_view(row) for row in sorted(rows, key=lambda r: _period_order(r.period))]


@dataclass(frozen=True)
class PlanFileMatch:
    """A follow-up report file found in the store by its hash: the round's sign-off, the
    plan's unit, and what no longer holds of the plan's signed rounds (Swedish)."""

    plan_id: str
    unit: str
    sign_off: RoundSignOffView
    problems: tuple[str, ...]

    @property
    def period(self) -> str:
        """"Tertial 2 2027"."""
        return period_label(self.sign_off.period)


def match_plan_file(session: Session, pdf_sha256: str) -> PlanFileMatch | None:
    """The signed follow-up round whose report file has this SHA-256, None when none has:
    ``kvtui verify`` asks this when no review's sign-off has the file."""
    row = session.exec(select(FollowupSignOff)
                       .where(FollowupSignOff.pdf_sha256 == pdf_sha256)).first()
    if row is None:
        return None
    plan = get_plan(session, row.plan_id)
    return PlanFileMatch(plan.id, plan.unit, _view(row),
                         tuple(check_round_sign_offs(session, plan.id)))


def _period_order(key: str) -> tuple[int, object]:
    try:
        return (0, parse_period(key))
    except PlanError:
        return (1, key)


def round_sign_off(session: Session, plan_id: str,
                   round_ref: Period | str) -> RoundSignOffView | None:
    """The sign-off of the round of ``round_ref``, None when it is not signed."""
    plan = get_plan(session, plan_id)
    row = _round(session, plan, round_ref)
    found = session.exec(select(FollowupSignOff)
                         .where(FollowupSignOff.round_id == row.id)).first()
    return _view(found) if found is not None else None



def lock_round(
    session: Session,
    plan_id: str,
    period_or_round_ref: Period | str,
    *,
    signed_by: str,
    role: str,
    pdf_sha256: str | None,
    content_hash: str,
    now: datetime | None = None,
) -> RoundSignOffView:
    """Sign the round of ``period_or_round_ref`` and lock what it recorded. Commits.

    ``content_hash`` is ``round_hash`` of the record the caller printed: the round is
    refused when it no longer holds exactly that (something was written after the report
    was made, and the PDF would not show what is signed). ``pdf_sha256`` is the signed
    PDF's hash, None when the committee signs without one from kvtui. Who signs is taken as
    the store keeps names (a personnummer masked).
    """
    plan = get_plan(session, plan_id)
    row = _round(session, plan, period_or_round_ref)
    label = period_label(row.period)
    earlier = session.exec(select(FollowupSignOff)
                           .where(FollowupSignOff.round_id == row.id)).first()
    if earlier is not None:
        raise InvalidInput(f"Uppföljningen {label} är redan signerad och låst (av "
                           f"{earlier.signed_by}, {earlier.signed_at.date().isoformat()}).")
    rule = Rule.of(session)
    name, title = " ".join(rule.text(signed_by).split()), " ".join(rule.text(role).split())
    try:
        check_signers(name, title)
    except SignOffRuleError as error:
        raise InvalidInput(str(error)) from None
    for problem in (sha256_problem(content_hash, "Innehållets hash"),
                    sha256_problem(pdf_sha256, "PDF-filens hash", optional=True)):
        if problem:
            raise InvalidInput(problem)
    record = _record(session, plan, row)
    if record.is_empty:
        raise InvalidInput(f"Uppföljningen {label} har ingenting registrerat ännu; det finns "
                           "inget att signera.")
    content = round_content(record)
    if round_hash(record) != content_hash:
        raise InvalidInput(f"Uppföljningen {label} har ändrats sedan rapporten togs fram; ta "
                           "fram den igen och signera den.")
    log_seq, log_hash = changelog.head(session)
    signed = FollowupSignOff(plan_id=plan.id, round_id=row.id, period=row.period,
                             signed_by=name, role=title,
                             signed_at=(now or utcnow()).replace(microsecond=0),
                             content_json=canonical_json(content),
                             content_sha256=content_hash, pdf_sha256=pdf_sha256,
                             log_seq=log_seq, log_hash=log_hash)
    with one_transaction(session):
        session.add(signed)
        # Written, the sign-off holds the store's write lock: read once more, the round is
        # what is signed, whatever another kvtui wrote since it was read above.
        session.flush()
        if round_hash(_record(session, plan, row)) != content_hash:
            raise InvalidInput(f"Uppföljningen {label} ändrades medan den signerades; ta fram "
                               "rapporten igen och signera den.")
        changelog.append(session, review_id=None, entity="followup_signoff",
                         entity_id=signed.id, action="sign",
                         changes={"plan": plan.unit, "plan_id": plan.id, "period": row.period,
                                  "signed_by": name, "role": title,
                                  "signed_at": signed.signed_at,
                                  "content_sha256": content_hash, "pdf_sha256": pdf_sha256,
                                  "log_seq": log_seq, "log_hash": log_hash})
    return _view(signed)


def check_round_sign_offs(session: Session, plan_id: str) -> list[str]:
    """Where the plan's signed rounds no longer hold what was signed, in Swedish; empty
    when every one does. Each round's records are hashed again and compared with the hash
    signed, the content kept with the sign-off and its change-log entry."""
    plan = get_plan(session, plan_id)
    problems: list[str] = []
    for signed in session.exec(select(FollowupSignOff)
                               .where(FollowupSignOff.plan_id == plan.id)).all():
        label = period_label(signed.period)
        row = session.get(FollowupRound, signed.round_id)
        if row is None:
            problems.append(f"uppföljningen {label} finns inte längre")
            continue
        try:
            now = round_hash(_record(session, plan, row))
        except KeyError:
            now = ""
        if now != signed.content_sha256:
            problems.append(f"uppföljningen {label} har ändrats efter signeringen")
        try:
            kept = json.loads(signed.content_json)
        except json.JSONDecodeError:
            kept = None
        if not isinstance(kept, dict) or content_hash(kept) != signed.content_sha256:
            problems.append(f"det sparade innehållet för uppföljningen {label} stämmer inte "
                            "med signeringens hash")
        entries = changelog.entries_of(session, "followup_signoff", signed.id)
        if not any(e.get("action") == "sign"
                   and e.get("content_sha256") == signed.content_sha256
                   and e.get("signed_by") == signed.signed_by for e in entries):
            problems.append(f"signeringen av uppföljningen {label} saknas i ändringsloggen")
        if changelog.entry_hash_at(session, signed.log_seq) != signed.log_hash:
            problems.append(f"ändringsloggen före signeringen av uppföljningen {label} "
                            "har ändrats")
    return problems


def plan_sign_off_report(session: Session) -> tuple[list[str], bool]:
    """What ``kvtui check`` says of the signed follow-up rounds of every plan: nothing when
    there are none, a line of each round that no longer holds what was signed, and whether
    all do."""
    plans = session.exec(select(ActionPlan.id, ActionPlan.unit)
                         .where(col(ActionPlan.id).in_(select(FollowupSignOff.plan_id)))).all()
    if not plans:
        return [], True
    count = len(session.exec(select(FollowupSignOff.id)).all())
    problems = [f"Åtgärdsplanen för {unit}: {problem}"
                for plan_id, unit in sorted(plans, key=lambda p: p[1].casefold())
                for problem in check_round_sign_offs(session, plan_id)]
    rounds = "1 signerad uppföljning" if count == 1 else f"{count} signerade uppföljningar"
    if not problems:
        return [f"Åtgärdsplaner: {rounds}, alla oförändrade sedan signeringen"], True
    return [f"Åtgärdsplaner: {rounds}, {len(problems)} stämmer inte", *problems], False
