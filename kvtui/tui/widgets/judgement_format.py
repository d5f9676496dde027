"""How the judgement parts write ratings, statements and sections, so they all look the same.

Colour is never the only carrier: a rating is always written as its word (Grön, Gul, Röd)
on its colour, so it reads the same in a terminal without colour and to a colour-blind eye.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from rich.text import Text

from kvtui.domain.judgement import AssessmentView, SectionView, rating_label
from kvtui.domain.section_kinds import written
from kvtui.domain.vocabulary import Rating

T = TypeVar("T")

RATING_STYLES: dict[str, str] = {
    Rating.GREEN: "bold black on green3",
    Rating.YELLOW: "bold black on yellow3",
    Rating.RED: "bold white on red3",
    Rating.NONE: "dim",
}
BADGE_WIDTH = 5  # "Grön", "Gul", "Röd", "Ingen" padded to one width


def rating_badge(rating: str) -> Text:
    """The rating's word on its colour, padded so that statements line up."""
    return Text(f" {rating_label(rating):<{BADGE_WIDTH}}", style=RATING_STYLES.get(rating, ""))


def statement_prompt(assessment: AssessmentView) -> Text:
    """A statement as a list entry: badge, summary mark, evidence count, then its text."""
    text = Text()
    text.append_text(rating_badge(assessment.rating))
    marks = []
    if assessment.in_summary:
        marks.append("i sammanf.")
    count = len(assessment.evidence)
    marks.append("inget underlag" if not count else
                 f"{count} underlag" if count > 1 else "1 underlag")
    text.append(" " + " · ".join(marks), style="italic")
    text.append("\n")
    text.append(assessment.statement)
    return text


def citing_prompt(assessment: AssessmentView, headings: Mapping[str, str]) -> Text:
    """A statement that cites some evidence, with the section it stands in."""
    text = Text()
    text.append_text(rating_badge(assessment.rating))
    where = headings.get(assessment.section_id, assessment.section_number)
    text.append(f" {where}", style="bold")
    text.append("\n")
    text.append(assessment.statement)
    return text


def section_prompt(section: SectionView) -> Text:
    """A section in the tree: indented by level, numbered, with its statement count; chapters
    also with their quality dimension. Sections kvtui fills in itself are dimmed."""
    indent = "  " * max(section.level - 1, 0)
    text = Text(indent)
    style = "" if written(section.kind) else "dim"
    text.append(section.heading, style=style)
    if section.assessments:
        text.append(f" ({len(section.assessments)})", style="dim")
    if section.level == 1 and section.quality:
        text.append(f"\n{indent}  {section.quality}", style="italic dim")
    return text


def with_dividers(options: Iterable[T]) -> list[T | None]:
    """Options with a divider (None, for ``OptionList``) between each two."""
    result: list[T | None] = []
    for option in options:
        if result:
            result.append(None)
        result.append(option)
    return result
