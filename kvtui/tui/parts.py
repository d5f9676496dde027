"""The parts of the review workspace, in the order the work is done.

Kept apart from the screen so that the command palette and the help screen list the same parts
with the same keys as the workspace itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One part of the workspace: its key (1–8), widget id, title and what it will hold."""

    key: str
    id: str
    title: str
    description: str

    @property
    def widget_id(self) -> str:
        """The id of the widget that shows the part."""
        return f"part-{self.id}"


PARTS: tuple[Part, ...] = (
    Part(
        "1",
        "overview",
        "Översikt",
        "Granskningens uppgifter, framsteg och rapportens avsnitt.",
    ),
    Part(
        "2",
        "casefiles",
        "Akter & urval",
        "Här importerar du akter (en lista ur verksamhetens verksamhetssystem, CSV eller "
        "Excel) och drar ett slumpmässigt urval som vem som helst kan dra om med samma frö.",
    ),
    Part(
        "3",
        "filereview",
        "Aktgranskning",
        "Här går du igenom de utvalda akterna en i taget och besvarar mallens kriterier med en "
        "tangent per svar: Ja, Delvis, Nej eller Ej aktuellt. Varje svar sparas direkt. "
        "En matris visar alla akter och kriterier.",
    ),
    Part(
        "4",
        "interviews",
        "Intervjuer",
        "Här antecknar du intervjuerna: datum, roller (aldrig namn), antal deltagare, "
        "enskild intervju eller grupp, anteckningar och iakttagelser kopplade till rapportens "
        "avsnitt.",
    ),
    Part(
        "5",
        "documents",
        "Dokument",
        "Här förtecknar du dokumenten du har läst, till exempel styrdokument, rutiner, "
        "enhetsplan och statistik. De listas under Referenser i rapporten.",
    ),
    Part(
        "6",
        "assessments",
        "Bedömningar",
        "Här skriver du texten till rapportens avsnitt och formulerar bedömningar med "
        "kvalitetsnivå Grön, Gul eller Röd, kopplade till underlaget: kriterier, intervjuer "
        "och dokument.",
    ),
    Part(
        "7",
        "factcheck",
        "Faktagranskning",
        "Här skickar du ett utkast som verksamheten faktagranskar, antecknar deras "
        "synpunkter och hur du har hanterat dem, och jämför rapporten med utkastet.",
    ),
    Part(
        "8",
        "report",
        "Rapport",
        "Här exporterar du rapporten som PDF, signerar den slutliga versionen (granskningen "
        "låses), öppnar en signerad granskning igen som ny version, och exporterar "
        "aktgranskningens svar som CSV eller Excel.",
    ),
)


def part_by_id(part_id: str) -> Part:
    """The part with this id; KeyError for an unknown id, which is a programming error."""
    for part in PARTS:
        if part.id == part_id:
            return part
    raise KeyError(part_id)
