"""What counts as a deviation (brist) when the file review's results are read as assurance.

The auditor answers Ja, Delvis, Nej or Ej aktuellt. Whether a Delvis is a deviation depends on
the criterion: "Genomförandeplan finns" answered Delvis (a plan without the child's view) may be
a deficiency in one municipality's reading and acceptable in another's. So the template says
it, once for all its criteria and, where one criterion differs, for that criterion; a review
keeps the setting in its own copy of each criterion, so a later edit of the template never
changes what an earlier review's statements say. Nej alone is the default, since a Nej is a
deviation in every reading.
"""

from __future__ import annotations

from enum import StrEnum

from kvtui.domain.statistics import CriterionCounts


class Deviation(StrEnum):
    """Which answers are deviations; the values are the words written in a template."""

    NO = "nej"
    NO_OR_PARTLY = "nej_och_delvis"


DEFAULT_DEVIATION = Deviation.NO

#: How each setting is said to the auditor and in the report.
DEVIATION_NAMES: dict[Deviation, str] = {
    Deviation.NO: "Nej",
    Deviation.NO_OR_PARTLY: "Nej och Delvis",
}


def deviation_problem(value: object) -> str | None:
    """Why ``value`` is not a deviation setting (Swedish, for the template's problem list)."""
    if value in {member.value for member in Deviation}:
        return None
    allowed = ", ".join(f"'{member.value}'" for member in Deviation)
    return f"okänd avvikelsedefinition {value!r} (tillåtna: {allowed})"


def deviations(counts: CriterionCounts, deviation: str = DEFAULT_DEVIATION) -> int:
    """The akter with a deviation among those answered: Nej, and Delvis when it counts."""
    if deviation == Deviation.NO_OR_PARTLY:
        return counts.nej + counts.delvis
    return counts.nej
