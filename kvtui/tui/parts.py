"""The parts of the review workspace, in the order the work is done.

Kept apart from the screen so that the command palette and the help screen list the same parts
with the same keys as the workspace itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One part of the workspace: its key (1–8), widget id and title."""

    key: str
    id: str
    title: str

    @property
    def widget_id(self) -> str:
        """The id of the widget that shows the part."""
        return f"part-{self.id}"


PARTS: tuple[Part, ...] = (
    Part("1", "overview", "Översikt"),
    Part("2", "casefiles", "Akter & urval"),
    Part("3", "filereview", "Aktgranskning"),
    Part("4", "interviews", "Intervjuer"),
    Part("5", "documents", "Dokument"),
    Part("6", "assessments", "Bedömningar"),
    Part("7", "factcheck", "Faktagranskning"),
    Part("8", "report", "Rapport"),
)


def part_by_id(part_id: str) -> Part:
    """The part with this id; KeyError for an unknown id, which is a programming error."""
    for part in PARTS:
        if part.id == part_id:
            return part
    raise KeyError(part_id)
