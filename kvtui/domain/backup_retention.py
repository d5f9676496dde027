"""Which backups to keep as they age: many recent ones, then fewer and fewer older ones.

The rule is Anki's backup thinning: walking from the newest backup to the oldest, the newest
``newest`` are kept whatever their age; after them, one backup for each of the next ``daily``
days that have backups (the newest of its day), then one for each of the next ``weekly`` weeks
that have backups (weeks start on Monday); everything older goes. A day or week already
represented by a kept backup gets no second one. Counting days *with* backups rather than
calendar days means that an auditor who opens kvtui twice a month still has copies going
back months, while one who works daily keeps the last week day by day.

Pure: dates in, positions out. Deleting files, and sparing the one copy that differs from the
current store, is ``kvtui.store.backup``'s part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Retention:
    """How many backups each stage keeps."""

    newest: int = 12
    daily: int = 7
    weekly: int = 8


def _week(moment: datetime) -> int:
    """A serial week number that changes on Mondays (day 1 of the calendar was a Monday)."""
    return (moment.toordinal() - 1) // 7


def backups_to_keep(taken: Sequence[datetime], policy: Retention = Retention()) -> set[int]:
    """The positions in ``taken`` (backup times, in any order) of the backups to keep."""
    order = sorted(range(len(taken)), key=lambda index: taken[index], reverse=True)
    kept: set[int] = set()
    daily, weekly = policy.daily, policy.weekly
    last_day = last_week = None
    for rank, index in enumerate(order):
        moment = taken[index]
        day, week = moment.toordinal(), _week(moment)
        if rank < policy.newest:
            keep = True
        elif daily > 0:
            keep = last_day is None or day < last_day
            daily -= keep
        elif weekly > 0:
            keep = last_week is None or week < last_week
            weekly -= keep
        else:
            break
        if keep:
            kept.add(index)
            last_day, last_week = day, week
    return kept
