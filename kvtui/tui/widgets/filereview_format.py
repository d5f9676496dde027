"""How the file review writes answers on screen: the word (or letter) first, colour second.

Colour is never the only carrier: a cell always shows "Ja", "Delvis", "Nej", "Ej aktuellt"
(or J/D/N/E in the matrix), so the answers read the same on a monochrome screen.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from kvtui.domain.answers import ANSWERS
from kvtui.domain.vocabulary import AnswerValue
from kvtui.store.criteria import MISSING
from kvtui.tui.format import DASH

ANSWER_STYLES: dict[str, str] = {
    AnswerValue.YES: "bold green",
    AnswerValue.PARTLY: "bold yellow",
    AnswerValue.NO: "bold red",
    AnswerValue.NOT_APPLICABLE: "dim",
}
LETTERS: dict[str, str] = {AnswerValue.YES: "J", AnswerValue.PARTLY: "D", AnswerValue.NO: "N",
                           AnswerValue.NOT_APPLICABLE: "E"}
NOT_APPLICABLE_HINT = "gäller ej?"
MISSING_REFERENCE = MISSING
#: Said under a list where some criterion's code is marked with "!".
MISSING_REFERENCE_LEGEND = "! efter en kod: lagrum saknas för granskningsperioden"


def answer_text(value: str | None, *, not_applicable: bool = False) -> Text:
    """An answer as its Swedish word in its colour; a dash (or a hint) when unanswered."""
    if value in ANSWERS:
        return Text(ANSWERS[value], style=ANSWER_STYLES[value])
    if not_applicable:
        return Text(NOT_APPLICABLE_HINT, style="dim italic")
    return Text(DASH, style="dim")


def answer_letter(value: str | None) -> Text:
    """An answer as one letter (J, D, N, E) in its colour, a dash when unanswered."""
    if value in LETTERS:
        return Text(LETTERS[value], style=ANSWER_STYLES[value])
    return Text(DASH, style="dim")


def attributes_line(attributes: Mapping[str, object]) -> str:
    """An akt's attributes on one line: "Placeringsform: familjehem · Lagrum: SoL"."""
    parts = [f"{key}: {value}" for key, value in attributes.items() if str(value).strip()]
    return " · ".join(parts) if parts else "Inga uppgifter om akten."
