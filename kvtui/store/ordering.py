"""Moving a row among its siblings (statements in a section, observations in an interview)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session


def move_among(session: Session, siblings: Sequence[Any], row_id: str,
               offset: int) -> tuple[int, int] | None:
    """Move the row ``row_id`` by ``offset`` places among ``siblings`` (in their order) and
    renumber their ``position`` from 0; the old and new index, or None when it cannot move.

    Only rows whose position changes are added to the session; the caller logs and commits.
    """
    ordered = list(siblings)
    index = next(i for i, sibling in enumerate(ordered) if sibling.id == row_id)
    target = max(0, min(len(ordered) - 1, index + offset))
    if target == index:
        return None
    ordered.insert(target, ordered.pop(index))
    for position, sibling in enumerate(ordered):
        if sibling.position != position:
            sibling.position = position
            session.add(sibling)
    return index, target
