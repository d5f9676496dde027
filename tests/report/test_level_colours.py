"""The quality levels' fills tell apart without colour vision (greyscale print, red-green
colour blindness): their luminances differ pairwise by 1.5:1, and each level's name keeps
4.5:1 on its fill. The names stay printed, so colour is never the only carrier."""

from __future__ import annotations

from itertools import combinations

from reportlab.lib import colors

from kvtui.domain.contrast import FILL_CONTRAST, TEXT_CONTRAST, contrast_ratio
from kvtui.domain.judgement import RATINGS
from kvtui.domain.vocabulary import Rating
from kvtui.report.styles import LEVEL_COLOURS
from tests.report.conftest import Pdf

LEVELS = (Rating.GREEN, Rating.YELLOW, Rating.RED)


def hex_of(colour: colors.Color) -> str:
    """ReportLab's colour as "#RRGGBB"."""
    return "#" + colour.hexval()[2:].upper()


def test_fills_differ_in_luminance_pairwise() -> None:
    fills = {level: hex_of(LEVEL_COLOURS[level][0]) for level in LEVELS}
    for first, second in combinations(LEVELS, 2):
        ratio = contrast_ratio(fills[first], fills[second])
        assert ratio >= FILL_CONTRAST, (first, second, round(ratio, 2))


def test_each_name_is_legible_on_its_fill() -> None:
    for level in LEVELS:
        fill, text = (hex_of(colour) for colour in LEVEL_COLOURS[level])
        ratio = contrast_ratio(fill, text)
        assert ratio >= TEXT_CONTRAST, (level, round(ratio, 2))


def test_the_names_are_printed(final_pdf: Pdf) -> None:
    legend = " ".join(final_pdf.pages[2].split()).split("Kvalitetsnivåer")[-1]
    for level in LEVELS:
        assert RATINGS[level] in legend
