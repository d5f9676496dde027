"""The content hash of a signed follow-up round: one text for one content whatever order the
records come in, and a different hash for any change to what the round recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kvtui.domain.plan_signoff import (
    RoundAssessment,
    RoundLight,
    RoundRecord,
    RoundValue,
    canonical_json,
    round_content,
    round_hash,
    sha256_problem,
)

LIGHTS = (RoundLight("1.10", 1, "gron"), RoundLight("1.2", 2, "gul", "Rekrytering pågår"),
          RoundLight("1.2", 1, "rod"))
RECORD = RoundRecord(
    plan_id="plan", period="2027-T1", held_on=date(2027, 5, 10), summary="Ingen risk är röd.",
    lights=LIGHTS,
    assessments=(RoundAssessment("2.1", date(2027, 5, 10), 2, 3, "gul", "Sänkt"),),
    values=(RoundValue("1.2", 1, "share", 66.0), RoundValue("1.2", 2, "count", None, "u.s.")))


def test_the_order_of_the_records_does_not_matter() -> None:
    shuffled = replace(RECORD, lights=LIGHTS[::-1], values=RECORD.values[::-1])
    assert round_hash(shuffled) == round_hash(RECORD)
    content = round_content(RECORD)
    # Labels in number order: 1.2 before 1.10.
    assert [(x["risk"], x["action"]) for x in content["lights"]] == [
        ("1.2", 1), ("1.2", 2), ("1.10", 1)]
    # Whole numbers without ".0", å ä ö as they are.
    text = canonical_json(content)
    assert '"value":66}' in text and "Rekrytering pågår" in text
    assert round_hash(RECORD) == round_hash(replace(RECORD, values=(
        RoundValue("1.2", 1, "share", 66), RECORD.values[1])))


def test_every_change_to_what_was_recorded_changes_the_hash() -> None:
    changed = [
        replace(RECORD, summary="Ingen risk är röd"),
        replace(RECORD, held_on=date(2027, 5, 11)),
        replace(RECORD, period="2027-T2"),
        replace(RECORD, plan_id="annan"),
        replace(RECORD, lights=(*LIGHTS[:2], RoundLight("1.2", 1, "gul"))),
        replace(RECORD, lights=LIGHTS[:2]),
        replace(RECORD, assessments=(RoundAssessment("2.1", date(2027, 5, 10), 2, 2, "gul",
                                                     "Sänkt"),)),
        replace(RECORD, values=(RoundValue("1.2", 1, "share", 66.5), RECORD.values[1])),
        replace(RECORD, values=(RECORD.values[0], RoundValue("1.2", 2, "count", 0, "u.s."))),
    ]
    hashes = {round_hash(record) for record in changed}
    assert len(hashes) == len(changed)
    assert round_hash(RECORD) not in hashes
    assert not RECORD.is_empty
    assert RoundRecord("p", "2027-T1", date(2027, 5, 10), " ").is_empty


def test_a_sha256_is_64_lower_case_hex_characters() -> None:
    assert sha256_problem(round_hash(RECORD), "Hashen") is None
    assert sha256_problem(None, "PDF-filens hash", optional=True) is None
    assert sha256_problem(None, "Hashen") == (
        "Hashen ska vara en SHA-256 i hex (64 tecken 0–9 och a–f).")
    assert sha256_problem("A" * 64, "Hashen") is not None
    assert sha256_problem("a" * 63, "Hashen") is not None
