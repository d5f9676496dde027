"""Contrast between colours as WCAG 2 measures it: relative luminance and contrast ratio.

The quality levels are told apart by their names and by their fills; the fills must also
differ in lightness, so that a greyscale print and a reader who does not see red and green
apart still see three different levels, and the level's name must stay legible on its fill.
WCAG 2.x asks 4.5:1 for normal text; between the fills the report asks 1.5:1 pairwise.
"""

from __future__ import annotations

TEXT_CONTRAST = 4.5  # WCAG 2, success criterion 1.4.3, normal text
FILL_CONTRAST = 1.5  # between any two level fills


def _channel(value: int) -> float:
    """An sRGB channel (0–255) made linear."""
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def parse_hex(colour: str) -> tuple[int, int, int]:
    """"#2E7D32" or "2e7d32" as its red, green and blue (0–255)."""
    text = colour.strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"Färgen {colour!r} är inte på formen #RRGGBB.")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of an sRGB colour: 0 for black, 1 for white."""
    red, green, blue = (_channel(value) for value in parse_hex(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
