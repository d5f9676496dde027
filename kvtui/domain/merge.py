"""The rules for merging two copies of a review field by field, without I/O.

A stamp says which change a field holds: the site (store) that made it and that site's counter
at the time. A context says, per site, the highest counter a copy has seen. Comparing a field's
two stamps with the two contexts decides, the same way whichever copy merges the other: that is
what makes a merge commutative and a second import of the same copy a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from kvtui.domain.log_text import value_text
from kvtui.domain.plural import plural
from kvtui.domain.safe_text import printable

# The stamp of a field no logged change has written (a row made before stamps existed, or
# by a path that logs no fields): the state both copies started from, seen by every copy.
BOTTOM_SITE = ""
# The field name of a deleted row's tombstone.
DELETED = "#deleted"


@dataclass(frozen=True, order=True)
class Stamp:
    """A change: ordered by counter, then site, so that of two concurrent changes the same one
    is shown in every copy."""

    counter: int
    site: str

    @property
    def bottom(self) -> bool:
        """Whether no logged change made it."""
        return self.site == BOTTOM_SITE


NO_STAMP = Stamp(0, BOTTOM_SITE)


def seen(stamp: Stamp, context: Mapping[str, int]) -> bool:
    """Whether a copy with ``context`` has seen the change ``stamp``."""
    return stamp.bottom or context.get(stamp.site, 0) >= stamp.counter


class Verdict(Enum):
    """What a merge does with one field."""

    SAME = "same"  # the same change on both sides
    KEEP = "keep"  # the incoming change is one the local copy has seen (or overwritten)
    TAKE = "take"  # the local change is one the incoming copy has seen: take its value
    CONFLICT = "conflict"  # both changed it since they last met


def decide(local: Stamp, incoming: Stamp, local_context: Mapping[str, int],
           incoming_context: Mapping[str, int]) -> Verdict:
    """The verdict for a field with these stamps in the two copies."""
    if local == incoming:
        return Verdict.SAME
    if seen(incoming, local_context):
        return Verdict.KEEP
    if seen(local, incoming_context):
        return Verdict.TAKE
    return Verdict.CONFLICT


def merged_context(local: Mapping[str, int], incoming: Mapping[str, int]) -> dict[str, int]:
    """What a copy has seen after the merge: the higher counter of each site."""
    merged = dict(local)
    for site, counter in incoming.items():
        merged[site] = max(merged.get(site, 0), counter)
    return merged


def shown(a: Stamp, b: Stamp) -> Stamp:
    """Of two concurrent changes, the one whose value the field holds until the conflict is
    settled: the higher stamp, the same in both copies."""
    return max(a, b)


@dataclass(frozen=True)
class ConflictSide:
    """One side of a conflict: its value (JSON-decoded; None for a deleted row), who changed
    it and when (ISO time, UTC), and whether it was made in this store."""

    value: Any
    actor: str
    at: str
    here: bool


@dataclass(frozen=True)
class ConflictView:
    """A conflict as a person reads it: what (``what``: akt, criterion, section …), which
    field, both values, and whether and how it was settled."""

    id: str
    entity: str
    row_id: str
    field: str
    what: tuple[tuple[str, str], ...]  # (label, text) pairs: ("Akt", "2024-017"), …
    field_label: str
    local: ConflictSide  # the value made in this store (or the one shown, when neither was)
    incoming: ConflictSide
    shown_is_local: bool
    resolved: bool
    resolution: str = ""  # "local", "incoming" or "value" once settled
    resolved_by: str = ""
    resolved_at: str = ""

    @property
    def deletion(self) -> bool:
        """Whether one side deleted the row the other changed."""
        return self.field == DELETED


def conflicts_refusal(count: int, what: str) -> str:
    """The Swedish refusal of sending or signing while conflicts are open."""
    noun = "1 öppen konflikt" if count == 1 else f"{count} öppna konflikter"
    return (f"Granskningen har {noun} från en sammanslagning; avgör dem först (kvtui "
            f"conflicts) innan {what}.")


def merge_text(short_id: str, *, taken: int, inserted: int, deleted: int, conflicts: int,
               signed: bool) -> str:
    """What a bundle's merge with the store's copy of review ``short_id`` did, in Swedish."""
    if signed:
        return f"Granskningen {short_id} är signerad här; paketet ändrade ingenting i den."
    done = [plural(count, one, many) for count, one, many in (
        (taken, "ändring hämtad", "ändringar hämtade"), (inserted, "ny rad", "nya rader"),
        (deleted, "rad borttagen", "rader borttagna")) if count]
    said = f"Paketet är sammanslaget med granskningen {short_id}"
    if done:
        said += ": " + ", ".join(done) + "."
    elif conflicts:
        said += "."
    else:
        said = f"Paketet innehöll inget nytt för granskningen {short_id}."
    if conflicts:
        said += (f" {plural(conflicts, 'konflikt', 'konflikter')} att avgöra: båda "
                 f"värdena finns kvar (k i granskningen, eller kvtui conflicts {short_id}).")
    return said



def side_text(view: ConflictView, side: ConflictSide) -> str:
    """A side's value as the auditor reads it: "borttagen" or "ändrad" for a deleted row's
    two sides."""
    if view.deletion:
        return "borttagen" if side.value is None else "ändrad"
    return printable(value_text(view.field, side.value))


def who_text(side: ConflictSide) -> str:
    """Who changed a side and when: "Karin, 2026-12-07 23:04"."""
    return f"{side.actor or 'okänd'}, {side.at[:16].replace('T', ' ')}"


def what_text(view: ConflictView) -> str:
    """What the conflict is about: "Akt: 2024-017, Kriterium: F1 … – kommentar"."""
    return printable(", ".join(f"{label}: {text}" for label, text in view.what)
                     + f" – {view.field_label}")
