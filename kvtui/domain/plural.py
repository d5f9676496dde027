"""Counts with their noun in the right number: "1 iakttagelse", "3 iakttagelser".

Swedish nouns take the singular after 1 (and only then); an f-string with a fixed plural
said "1 iakttagelser" wherever one of a thing was counted.
"""

from __future__ import annotations


def noun(count: int, one: str, many: str) -> str:
    """The noun for ``count`` things: ``one`` for exactly 1, else ``many``."""
    return one if count == 1 else many


def plural(count: int, one: str, many: str) -> str:
    """The count and its noun: ``plural(1, "akt", "akter")`` is "1 akt"."""
    return f"{count} {noun(count, one, many)}"
