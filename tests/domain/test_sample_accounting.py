"""The words for akter of the sample not yet reviewed, replaced or excluded: counted and named."""

from __future__ import annotations

from datetime import UTC, datetime

from kvtui.domain.filereview import (
    SampledAkt,
    SampleInfo,
    akter_count,
    named,
    unreviewed_line,
    unreviewed_refusal,
)
from kvtui.domain.judgement import missing_before_report


def test_counts_in_singular_and_plural() -> None:
    assert unreviewed_line(28, 36) == "28 av 36 akter är inte granskade"
    assert unreviewed_line(1, 36) == "1 av 36 akter är inte granskad"
    assert unreviewed_line(1, 1) == "1 av 1 akt är inte granskad"
    assert (akter_count(1), akter_count(0), akter_count(2)) == ("1 akt", "0 akter", "2 akter")


def test_the_refusal_names_the_first_ten_and_counts_the_rest() -> None:
    references = [f"FV-{n}" for n in range(1, 29)]
    message = unreviewed_refusal(references, 36)
    assert message.startswith("28 av 36 akter är inte granskade: FV-1, FV-2, ")
    assert "FV-10 och 18 till." in message and "FV-11" not in message
    assert "ersätt eller uteslut" in message
    assert named(["A", "B"]) == "A, B"


def test_the_missing_line_names_akter_not_answers() -> None:
    lines = missing_before_report([], [], 55, (3, 13))
    assert lines == ["3 av 13 akter är inte granskade (55 kriteriesvar saknas)"]
    assert missing_before_report([], [], 0, (0, 13)) == []


def test_drawn_counts_every_akt_drawn_once() -> None:
    items = (
        SampledAkt("1", "A", 1, "replaced", "Fel kategori", replaced_by="D"),
        SampledAkt("2", "B", 2, "excluded", "Saknas"),
        SampledAkt("3", "C", 3),
        SampledAkt("4", "D", 4),
    )
    info = SampleInfo("s", "simple", "1", 10, 3, None, "", "", datetime.now(UTC), items)
    assert info.drawn == 3  # A, B and C; D took A's place
    assert [a.reference for a in info.active] == ["C", "D"]
    assert [a.reference for a in info.replaced] == ["A"]
    assert [a.reference for a in info.excluded] == ["B"]
