"""An action plan as tables and as a document: what the CSV and XLSX exports hold for the
unit's own reporting, and what ``kvtui plan show --json`` prints.

Both come from the plan as read (``kvtui.domain.plan_data.PlanView``), so a spreadsheet, the
command line and the follow-up report cannot say different things about a risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kvtui.domain.action_plan import (
    CHANGES,
    INDICATOR_KINDS,
    Grade,
    action_status_label,
    area_label,
    format_value,
    traffic_light_label,
)
from kvtui.domain.plan_data import PlanView, RiskChange
from kvtui.domain.risk_matrix import PROBABILITY_LABELS, SEVERITY_LABELS, level_label


@dataclass(frozen=True)
class Table:
    """A titled table: its column names and rows of plain values."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def _grade_cells(grade: Grade | None) -> tuple[Any, ...]:
    if grade is None:
        return ("", None, None, None, None)
    return (level_label(grade.level), grade.probability, grade.severity, grade.product,
            grade.assessed_on)


def risk_table(plan: PlanView) -> Table:
    """One row per action (a risk without actions gets one row): the risk, its level now
    and at each round, the action with its activities, role, deadline, status, and its
    traffic light and comment at each round."""
    keys = plan.ordered_round_keys()
    labels = {r.key: r.period.short_label for r in plan.rounds}
    columns = ("Kvalitetsområde", "Risk nr", "Risk", "Beskrivning", "Risknivå",
               "Sannolikhet", "Allvarlighetsgrad", "Riskvärde", "Bedömd",
               *(f"Risknivå {labels[k]}" for k in keys),
               "Åtgärd nr", "Åtgärd", "Aktiviteter", "Ansvarig roll", "Tidsgräns", "Status",
               *(f"Stoppljus {labels[k]}" for k in keys),
               *(f"Kommentar {labels[k]}" for k in keys),
               "Från granskning", "Bedömning i granskningen")
    rows: list[tuple[Any, ...]] = []
    for risk in plan.risks:
        at_rounds = {c_key: _level_at(plan, risk.id, c_key) for c_key in keys}
        head = (area_label(risk.area_number, risk.area_name), risk.label, risk.title,
                risk.description, *_grade_cells(risk.current),
                *(at_rounds[k] for k in keys))
        source = risk.source
        tail = ((f"{source.review_title} (version {source.version})", source.statement)
                if source else ("", ""))
        if not risk.actions:
            rows.append((*head, None, "", "", "", None, "", *("" for _ in keys),
                         *("" for _ in keys), *tail))
        for action in risk.actions:
            lights = [action.light_at(k) for k in keys]
            rows.append((*head, action.number, action.title, "\n".join(action.activities),
                         action.responsible_role, action.deadline,
                         action_status_label(action.status),
                         *(traffic_light_label(f.light) if f else "" for f in lights),
                         *(f.comment if f else "" for f in lights), *tail))
    return Table("Risker och åtgärder", columns, tuple(rows))


def _level_at(plan: PlanView, risk_id: str, key: str) -> str:
    for change in plan.changes_at(key):
        if change.risk.id == risk_id:
            return level_label(change.now.level) if change.now else ""
    return ""


def indicator_table(plan: PlanView) -> Table:
    """One row per indicator: its risk, kind, starting value and a value per round."""
    keys = plan.ordered_round_keys()
    labels = {r.key: r.period.short_label for r in plan.rounds}
    columns = ("Risk nr", "Risk", "Indikator", "Sort", "Ingångsvärde",
               *(labels[k] for k in keys))
    rows = tuple(
        (risk.label, risk.title, indicator.name, INDICATOR_KINDS.get(indicator.kind, ""),
         format_value(indicator.kind, indicator.baseline) if indicator.baseline is not None
         else "", *(indicator.text_at(k) for k in keys))
        for risk in plan.risks for indicator in risk.indicators)
    return Table("Indikatorer", columns, rows)


def plan_tables(plan: PlanView) -> list[Table]:
    """The tables of an export, in order."""
    return [risk_table(plan), indicator_table(plan)]


# --- As a document (JSON) -----------------------------------------------------------------------


def grade_document(grade: Grade | None) -> dict[str, Any] | None:
    """A grade as JSON: cell, product, level and its Swedish words."""
    if grade is None:
        return None
    return {"assessed_on": grade.assessed_on.isoformat(), "probability": grade.probability,
            "probability_label": PROBABILITY_LABELS[grade.probability],
            "severity": grade.severity, "severity_label": SEVERITY_LABELS[grade.severity],
            "product": grade.product, "level": grade.level,
            "level_label": level_label(grade.level), "round": grade.round_key,
            "comment": grade.comment}


def change_document(change: RiskChange) -> dict[str, Any]:
    """A risk's move between two follow-ups, as JSON."""
    return {"risk": change.risk.label, "title": change.risk.title,
            "change": str(change.change), "change_label": CHANGES[change.change],
            "before": grade_document(change.before), "now": grade_document(change.now)}


def plan_document(plan: PlanView) -> dict[str, Any]:
    """The whole plan as JSON."""
    return {
        "id": plan.id, "short_id": plan.short_id, "unit": plan.unit,
        "municipality": plan.municipality, "committee": plan.committee, "title": plan.title,
        "decided_on": plan.decided_on.isoformat(),
        "matrix": {"default": plan.matrix.is_default,
                   "cells": {f"{p}x{s}": str(level) for (p, s), level
                             in sorted(plan.matrix.cells.items())}},
        "rounds": [{"period": r.key, "label": r.period.label, "held_on": r.held_on.isoformat(),
                    "summary": r.summary, "signed": r.signed,
                    "went_down": [c.risk.label for c in plan.went_down_at(r.key)]}
                   for r in plan.rounds],
        "risks": [{
            "id": risk.id, "number": risk.label, "area": risk.area_number,
            "area_name": risk.area_name, "title": risk.title, "description": risk.description,
            "level": risk.current.level if risk.current else None,
            "current": grade_document(risk.current),
            "history": [grade_document(g) for g in risk.history],
            "source": None if risk.source is None else {
                "review_id": risk.source.review_id,
                "statement_id": risk.source.assessment_id,
                "version": risk.source.version, "review_title": risk.source.review_title,
                "section": risk.source.section, "statement": risk.source.statement,
                "rating": risk.source.rating},
            "actions": [{
                "number": a.number, "title": a.title, "description": a.description,
                "responsible_role": a.responsible_role,
                "deadline": a.deadline.isoformat() if a.deadline else None,
                "status": a.status, "status_label": action_status_label(a.status),
                "activities": list(a.activities),
                "followups": [{"period": f.round_key, "light": f.light,
                               "light_label": traffic_light_label(f.light),
                               "comment": f.comment} for f in a.followups]}
                for a in risk.actions],
            "indicators": [{
                "number": i.number, "name": i.name, "kind": i.kind, "baseline": i.baseline,
                "values": [{"period": v.round_key, "value": v.value,
                            "text": format_value(i.kind, v.value), "note": v.note,
                            "review_id": v.source_review_id, "criterion": v.source_criterion,
                            "yes": v.source_yes, "applicable": v.source_applicable}
                           for v in i.values]}
                for i in risk.indicators],
        } for risk in plan.risks],
    }
