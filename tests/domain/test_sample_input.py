"""Reading a sample's size, share and wanted precision as the auditor types them."""

from __future__ import annotations

import pytest

from kvtui.domain.sample_input import parse_fraction, parse_points, parse_size


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [("13", (13, None)), ("30 %", (None, 0.3)), ("0,3", (None, 0.3)), (" 33,3% ", (None, 0.333))],
)
def test_size_is_a_number_or_a_fraction(
    typed: str, parsed: tuple[int | None, float | None]
) -> None:
    assert parse_size(typed) == parsed


def test_bad_size_and_precision_say_why() -> None:
    with pytest.raises(ValueError, match="varken ett antal eller en andel"):
        parse_size("tretton")
    with pytest.raises(ValueError, match="Ange urvalets storlek"):
        parse_size(" ")
    assert parse_points("±7,5") == 7.5 and parse_points("") is None
    with pytest.raises(ValueError, match="inget tal"):
        parse_points("mycket")


@pytest.mark.parametrize(
    ("typed", "share"), [("0,3", 0.3), ("0.3", 0.3), ("30 %", 0.3), ("30%", 0.3), ("1", 1.0)]
)
def test_a_fraction_is_read_the_swedish_and_the_english_way(typed: str, share: float) -> None:
    assert parse_fraction(typed) == share


def test_a_fraction_that_is_no_number_says_so() -> None:
    with pytest.raises(ValueError, match="'en tredjedel' är ingen andel"):
        parse_fraction("en tredjedel")
