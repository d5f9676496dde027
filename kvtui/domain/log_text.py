"""The change log in Swedish words, as `kvtui log` shows it.

The log itself stores the code's names (``answer/create``, ``status: fieldwork →
fact_check``): they are part of each entry's hash and must never change. The auditor reads
them through these tables: "svar/ny", "status: Pågående → Faktagranskning". A name missing
here is shown as stored, so a new kind of entry is never hidden; the tests check that every
entity and action the store writes has its word (`tests/domain/test_log_text.py`) and every
field name in the demo review's log (`tests/cli/test_swedish_words.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kvtui.domain.action_plan import ACTION_STATUSES, TRAFFIC_LIGHTS
from kvtui.domain.answers import ANSWERS
from kvtui.domain.judgement import EVIDENCE_KINDS, FORMS, RATINGS
from kvtui.domain.reviews import STATUSES
from kvtui.domain.sampling import METHODS
from kvtui.domain.signoff import RESPONSES

ENTITIES: dict[str, str] = {
    "review": "granskning",
    "case_file": "akt",
    "sample": "urval",
    "answer": "svar",
    "akt_assignment": "aktens granskare",
    "interview_assignment": "intervjuns granskare",
    "unanswered_comment": "kommentar före svar",
    "review_criterion": "kriterium",
    "review_section": "avsnitt",
    "interview": "intervju",
    "observation": "iakttagelse",
    "document": "dokument",
    "section_text": "avsnittstext",
    "assessment": "bedömning",
    "evidence_link": "underlag",
    "factcheck_round": "faktagranskning",
    "factcheck_comment": "synpunkt",
    "sign_off": "signering",
    "false_alarm": "inte personnummer",
    "action_plan": "åtgärdsplan",
    "plan_area": "kvalitetsområde",
    "plan_risk": "risk",
    "risk_assessment": "riskbedömning",
    "plan_action": "åtgärd",
    "followup_round": "uppföljning",
    "action_followup": "stoppljus",
    "plan_indicator": "indikator",
    "indicator_value": "indikatorvärde",
    "followup_signoff": "signerad uppföljning",
}

ACTIONS: dict[str, str] = {
    "create": "ny",
    "update": "ändrad",
    "delete": "borttagen",
    "import": "import",
    "draw": "dragning",
    "extend": "utökning",
    "replace": "ersättning",
    "exclude": "utesluten",
    "reference_add": "lagrum tillagt",
    "reference_change": "lagrum ändrat",
    "reference_confirm": "lagrum bekräftat",
    "move": "flyttad",
    "mask": "maskering",
    "evidence": "underlag",
    "reopen": "öppnad igen",
    "respond": "besvarad",
    "send": "skickad",
    "sign": "signerad",
    "merge": "sammanslagen",
    "resolve": "konflikt avgjord",
    "bundle_import": "importerad från paket",
}

FIELDS: dict[str, str] = {
    "action": "åtgärd",
    "activities": "aktiviteter",
    "added": "tillagda",
    "akt": "akt",
    "amount": "antal",
    "answered_by": "besvarad av",
    "approver_name": "godkänd av",
    "approver_role": "godkännarens roll",
    "assessed_on": "bedömd",
    "assessment_id": "bedömning",
    "attributes": "attribut",
    "auditors": "granskare",
    "baseline": "ingångsvärde",
    "by": "ersatt med",
    "comment": "kommentar",
    "committee": "nämnd",
    "computed_value": "beräknat svar",
    "content_sha256": "innehållets SHA-256",
    "count": "antal",
    "dated": "datum",
    "deadline": "tidsgräns",
    "decided_on": "beslutad",
    "description": "beskrivning",
    "diary_number": "diarienummer",
    "digits": "siffror",
    "dimension": "dimension",
    "end_date": "slutdatum",
    "form": "form",
    "granskare": "granskare",
    "intervju": "intervju",
    "from_version": "från version",
    "held_on": "datum",
    "in_summary": "i sammanfattningen",
    "indicator": "indikator",
    "interview_id": "intervju",
    "kind": "typ",
    "kriterium": "kriterium",
    "label": "underlag",
    "level": "risknivå",
    "log_hash": "loggens hash",
    "log_seq": "loggpost",
    "light": "stoppljus",
    "matrix": "riskmatris",
    "method": "metod",
    "method_text": "metodtext",
    "municipality": "kommun",
    "name": "namn",
    "note": "anteckning",
    "notes": "anteckningar",
    "number": "antal",
    "override_reason": "skäl för ändrat svar",
    "participants": "deltagare",
    "pdf_sha256": "PDF-filens SHA-256",
    "period": "period",
    "period_end": "period till",
    "period_start": "period från",
    "plan": "plan",
    "population": "population",
    "position": "plats",
    "previous_review_id": "föregående granskning",
    "probability": "sannolikhet",
    "provided_by": "lämnat av",
    "purpose": "syfte",
    "rating": "kvalitetsnivå",
    "reason": "skäl",
    "received_on": "mottagen",
    "reference": "referens",
    "replaced": "ersatt",
    "response": "svar",
    "response_reason": "motivering",
    "responsible_role": "ansvarig roll",
    "risk": "risk",
    "role": "roll",
    "roles": "roller",
    "scope": "avgränsning",
    "section": "avsnitt",
    "sections": "avsnitt",
    "seed": "frö",
    "sent_on": "skickat",
    "severity": "allvarlighetsgrad",
    "share": "andel",
    "signed_at": "signerad",
    "signed_by": "signerad av",
    "size": "storlek",
    "source_applicable": "tillämpliga svar",
    "source_criterion": "kriterium",
    "source_review_id": "granskning",
    "source_version": "granskningens version",
    "source_yes": "svar Ja",
    "start_date": "startdatum",
    "statement": "bedömning",
    "status": "status",
    "stratify_by": "stratifierat efter",
    "summary": "sammanfattning",
    "target_id": "hänvisar till",
    "template": "mall",
    "text": "text",
    "title": "titel",
    "to_version": "till version",
    "unit": "enhet",
    "value": "svar",
    "version": "version",
}

# Values stored as codes, by the field that holds them.
_VALUE_WORDS: dict[str, Mapping[str, str]] = {
    "status": {**STATUSES, **ACTION_STATUSES},
    "level": RATINGS,
    "light": TRAFFIC_LIGHTS,
    "value": ANSWERS,
    "computed_value": ANSWERS,
    "rating": {**RATINGS, "": "ingen"},
    "form": FORMS,
    "method": METHODS,
    "kind": {code: label.lower() for code, label in EVIDENCE_KINDS.items()},
    "response": RESPONSES,
}
MAX_VALUE = 40


def event_text(entity: str, action: str) -> str:
    """What happened, as "svar/ny"."""
    return f"{ENTITIES.get(entity, entity)}/{ACTIONS.get(action, action)}"


def value_text(field: str, value: Any) -> str:
    """One stored value in words: codes named, yes/no for truth values, lists joined, long
    texts cut short."""
    if value is None or value == "":
        text = _VALUE_WORDS.get(field, {}).get("", "–") if value == "" else "–"
    elif isinstance(value, bool):
        text = "ja" if value else "nej"
    elif isinstance(value, list):
        text = ", ".join(value_text(field, item) for item in value) or "–"
    elif isinstance(value, str):
        text = _VALUE_WORDS.get(field, {}).get(value, value)
    else:
        text = str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def changes_text(changes: Mapping[str, Any]) -> str:
    """The changes on one line: "titel: Gammal → Ny; status: Pågående → Faktagranskning"."""
    parts = []
    for key, value in changes.items():
        name = FIELDS.get(key, key)
        if _is_change(key, value):
            parts.append(f"{name}: {value_text(key, value[0])} → {value_text(key, value[1])}")
        else:
            parts.append(f"{name}: {value_text(key, value)}")
    return "; ".join(parts)


# Fields whose value is itself a list, so that a list of two is not read as old → new.
_LIST_FIELDS = frozenset({"roles", "auditors", "added", "sections", "attributes"})


def _is_change(key: str, value: Any) -> bool:
    """An [old, new] pair, as the log stores a change (a list field's are two lists)."""
    if not isinstance(value, list) or len(value) != 2:
        return False
    return key not in _LIST_FIELDS or all(isinstance(item, list) for item in value)
