"""Dividing a review's work between its granskare: who has which akt and interview, and how far
each has come.

An auditor is one of the review's granskare, by the name the review lists; the laptop's own
auditor ("jag") is the name saved in her settings. Names are compared as the review spells
them, so a progress line and an assignment always name a granskare the report also names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kvtui.domain.plural import plural

UNASSIGNED = "Ej tilldelade"
MINE_MARK = "●"


class AssignmentError(ValueError):
    """A request to assign that cannot be carried out; the message is Swedish."""


def auditor_named(auditors: Sequence[str], name: str) -> str:
    """The review's granskare called ``name`` (case and spacing ignored), as the review spells
    it; AssignmentError naming the granskare there are when there is none."""
    wanted = " ".join(name.split()).casefold()
    for auditor in auditors:
        if " ".join(auditor.split()).casefold() == wanted:
            return auditor
    if not auditors:
        raise AssignmentError("Granskningen har inga granskare. Lägg till dem under "
                              "granskningens uppgifter först.")
    raise AssignmentError(f"”{name.strip()}” är inte granskare i granskningen. Granskare: "
                          + ", ".join(auditors) + ".")


def granskare_called(auditors: Sequence[str], name: str) -> str:
    """The review's granskare called ``name`` as the review spells it, or "" when the review
    does not list the name (or no name is given)."""
    if not name.strip():
        return ""
    try:
        return auditor_named(auditors, name)
    except AssignmentError:
        return ""


def spread_evenly(unassigned: Sequence[str], auditors: Sequence[str],
                  held: Mapping[str, int]) -> dict[str, str]:
    """Each unassigned item (in order) to the granskare who holds the fewest so far, ties to
    the one listed first: the work ends as even as it can be, whatever was assigned by hand
    before. ``held`` counts what each granskare already has."""
    if not auditors:
        raise AssignmentError("Granskningen har inga granskare att fördela mellan.")
    counts = {auditor: held.get(auditor, 0) for auditor in auditors}
    chosen: dict[str, str] = {}
    for item in unassigned:
        auditor = min(auditors, key=lambda name: counts[name])
        chosen[item] = auditor
        counts[auditor] += 1
    return chosen


def next_auditor(auditors: Sequence[str], current: str) -> str:
    """The granskare after ``current`` in the review's list, and none ("") after the last: one
    key steps an akt through every granskare and back to unassigned."""
    if not auditors:
        raise AssignmentError("Granskningen har inga granskare. Lägg till dem under "
                              "granskningens uppgifter först.")
    if current not in auditors:
        return auditors[0]
    index = auditors.index(current) + 1
    return auditors[index] if index < len(auditors) else ""


def mine_first(items: Iterable[str], assigned: Mapping[str, str], me: str) -> list[str]:
    """Items assigned to ``me`` first, the rest after, each group in its own order."""
    ordered = list(items)
    if not me:
        return ordered
    return ([item for item in ordered if assigned.get(item) == me]
            + [item for item in ordered if assigned.get(item) != me])


@dataclass(frozen=True)
class AuditorProgress:
    """One granskare's share of the work and how far she has come.

    ``akter_done`` counts her akter with every criterion answered; ``answers`` counts the
    answers she gave herself, whoever the akt belongs to.
    """

    auditor: str
    akter: int = 0
    akter_done: int = 0
    answers: int = 0
    interviews: int = 0
    interviews_held: int = 0

    def line(self) -> str:
        """Her progress on one line, in Swedish: "akter klara 3/5 · 42 svar · intervjuer
        hållna 1/2"."""
        parts = [f"akter klara {self.akter_done}/{self.akter}",
                 plural(self.answers, "svar", "svar")]
        if self.interviews:
            parts.append(f"intervjuer hållna {self.interviews_held}/{self.interviews}")
        return " · ".join(parts)


def progress_rows(progress: Sequence[AuditorProgress], me: str) -> list[tuple[str, str]]:
    """Label and text per granskare (hers marked), for Översikt and ``kvtui show``."""
    rows = []
    for item in progress:
        label = item.auditor
        if item.auditor == me:
            label = f"{MINE_MARK} {label}"
        rows.append((label, item.line()))
    return rows
