"""WCAG 2's relative luminance and contrast ratio, checked against known values."""

from __future__ import annotations

import pytest

from kvtui.domain.contrast import contrast_ratio, parse_hex, relative_luminance


def test_black_white_and_grey() -> None:
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#FFFFFF") == pytest.approx(1)
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21)  # order does not matter
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1)
    # #767676 is the lightest grey that passes 4.5:1 on white; #777777 just fails.
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#FFFFFF") < 4.5


def test_primaries_weigh_as_the_eye_does() -> None:
    assert relative_luminance("#FF0000") == pytest.approx(0.2126)
    assert relative_luminance("#00FF00") == pytest.approx(0.7152)
    assert relative_luminance("#0000FF") == pytest.approx(0.0722)
    assert relative_luminance("#808080") == pytest.approx(0.2159, abs=0.0001)


def test_a_colour_that_is_no_hex_triplet_is_refused() -> None:
    assert parse_hex("2e7d32") == (0x2E, 0x7D, 0x32)
    with pytest.raises(ValueError, match="#RRGGBB"):
        parse_hex("#FFF")
