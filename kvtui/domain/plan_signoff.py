"""What a signed follow-up round of an action plan holds, and the hash that pins it.

A follow-up round records, for its period, a traffic light and comment per action, a new
assessment per risk and a value per indicator. When the committee signs the round (the
follow-up report), the store locks those records and keeps the hash of their canonical JSON:
``kvtui.store.plan_lock`` builds the record, the follow-up report prints it and hashes it the
same way, and a check later hashes the records again to see that nothing moved.

The hash covers what the round recorded and what names it (the plan's id, the period, the
risk, action and indicator numbers), not the wording of risks and actions, which the plan may
still improve after the round: the signed PDF's own SHA-256 pins the wording as printed.
Numbers the round names are frozen by the store, so a label in the hash always means the same
record.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

CONTENT_VERSION = 1
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class RoundLight:
    """An action's traffic light and comment at the round."""

    risk: str  # "1.1"
    action: int
    light: str  # 'gron', 'gul', 'rod'
    comment: str = ""


@dataclass(frozen=True)
class RoundAssessment:
    """A risk's assessment made at the round."""

    risk: str
    assessed_on: date
    probability: int
    severity: int
    level: str
    comment: str = ""


@dataclass(frozen=True)
class RoundValue:
    """An indicator's value at the round (None: not measured), with where it came from."""

    risk: str
    indicator: int
    kind: str  # 'share' or 'count'
    value: float | None
    note: str = ""
    source_review_id: str | None = None
    source_criterion: str = ""
    source_yes: int | None = None
    source_applicable: int | None = None


@dataclass(frozen=True)
class RoundRecord:
    """Everything one follow-up round recorded."""

    plan_id: str
    period: str  # the stored key: "2020-T2", "2020-08", "2020-08-31"
    held_on: date
    summary: str
    lights: tuple[RoundLight, ...] = ()
    assessments: tuple[RoundAssessment, ...] = ()
    values: tuple[RoundValue, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether the round recorded nothing a committee could sign."""
        return not (self.lights or self.assessments or self.values or self.summary.strip())


@dataclass(frozen=True)
class RoundSignOffView:
    """A stored sign-off of a follow-up round, as the rest of kvtui sees it."""

    id: str
    round_id: str
    period: str
    signed_by: str
    role: str
    signed_at: datetime
    content_sha256: str
    pdf_sha256: str | None
    log_seq: int
    log_hash: str


def _label_key(label: str) -> tuple[int, ...]:
    """"1.10" after "1.9": numbers compared as numbers."""
    return tuple(int(part) if part.isdigit() else 0 for part in label.split("."))


def _number(value: float | None) -> float | int | None:
    """A value as JSON writes it the same way every time: whole numbers without ".0"."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def round_content(record: RoundRecord) -> dict[str, Any]:
    """The round's content as a plain structure in canonical order: lights by risk and
    action, assessments by risk, values by risk and indicator. Dates as ISO text."""
    lights = sorted(record.lights, key=lambda x: (_label_key(x.risk), x.action))
    grades = sorted(record.assessments, key=lambda x: (_label_key(x.risk), x.assessed_on))
    values = sorted(record.values, key=lambda x: (_label_key(x.risk), x.indicator))
    return {
        "content_version": CONTENT_VERSION,
        "plan_id": record.plan_id,
        "period": record.period,
        "held_on": record.held_on.isoformat(),
        "summary": record.summary,
        "lights": [{"risk": x.risk, "action": x.action, "light": x.light,
                    "comment": x.comment} for x in lights],
        "assessments": [{"risk": x.risk, "assessed_on": x.assessed_on.isoformat(),
                         "probability": x.probability, "severity": x.severity,
                         "level": x.level, "comment": x.comment} for x in grades],
        "values": [{"risk": x.risk, "indicator": x.indicator, "kind": x.kind,
                    "value": _number(x.value), "note": x.note,
                    "source_review_id": x.source_review_id,
                    "source_criterion": x.source_criterion, "source_yes": x.source_yes,
                    "source_applicable": x.source_applicable} for x in values],
    }


def canonical_json(content: dict[str, Any]) -> str:
    """The one text a content has: keys sorted, no spaces, UTF-8 characters as they are."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of a content's canonical JSON."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def round_hash(record: RoundRecord) -> str:
    """SHA-256 (hex) of the round's canonical JSON: what its sign-off keeps."""
    return content_hash(round_content(record))


def sha256_problem(value: str | None, what: str, *, optional: bool = False) -> str | None:
    """Why ``value`` is not a SHA-256 in hex (64 characters 0–9, a–f), in Swedish."""
    if value is None and optional:
        return None
    if value is None or not _SHA256.match(value):
        return f"{what} ska vara en SHA-256 i hex (64 tecken 0–9 och a–f)."
    return None
