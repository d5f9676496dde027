"""A small action plan of invented data, built the same way for the store's and the command
line's tests: two risks in area 1 and one in area 2, an action with activities and an
indicator on 1.1, and a follow-up T1 2027 that recorded a light, an assessment and a value."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from kvtui.domain.action_plan import IndicatorKind, TrafficLight, tertial
from kvtui.domain.plan_signoff import round_hash
from kvtui.store.action_plan import (
    FirstGrade,
    Light,
    RoundGrade,
    Value,
    add_action,
    add_indicator,
    add_risk,
    create_plan,
    record_followup,
)
from kvtui.store.plan_lock import lock_round, round_record

DECIDED = date(2026, 12, 1)
T1 = tertial(2027, 1)
T2 = tertial(2027, 2)
PDF_SHA = "a" * 64


def build_plan(session: Session) -> str:
    """A plan with two risks in area 1 and one in area 2, an action with activities and an
    indicator on 1.1, and a follow-up T1 2027 with a light, an assessment and a value."""
    plan_id = create_plan(session, unit="Barn och familjeenheten", municipality="Sjövik kommun",
                          committee="Socialnämnden", decided_on=DECIDED)
    add_risk(session, plan_id, area="1 Självbestämmande och integritet",
             title="Barns delaktighet",
             first=FirstGrade(3, 3, DECIDED, "Riskanalysen hösten 2026"))
    add_risk(session, plan_id, area="1 Självbestämmande och integritet",
             title="Barnets åsikter dokumenteras inte")
    add_risk(session, plan_id, area="2 Trygghet och säkerhet", title="Stöd och skydd",
             first=FirstGrade(2, 3, DECIDED))
    add_action(session, plan_id, "1.1", title="Säkerställa barns delaktighet",
               responsible_role="enhetschef", activities=["Samtal enskilt", "Uppföljning"])
    add_indicator(session, plan_id, "1.1", name="Andel barn som kommit till tals",
                  kind=IndicatorKind.SHARE, baseline=40)
    record_followup(session, plan_id, T1, held_on=date(2027, 5, 10),
                    summary="Ingen risk kvarstår som röd.",
                    lights=[Light("1.1", 1, TrafficLight.YELLOW, "Rekrytering pågår")],
                    grades=[RoundGrade("1.1", 2, 3, "Sänkt efter samtalen")],
                    values=[Value("1.1", 1, value=66.7)])
    return plan_id


def sign(session: Session, plan_id: str, ref: Any = T1) -> None:
    record = round_record(session, plan_id, ref)
    lock_round(session, plan_id, ref, signed_by="Åsa Öberg", role="Nämndsekreterare",
               pdf_sha256=PDF_SHA, content_hash=round_hash(record))
