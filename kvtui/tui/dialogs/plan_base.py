"""What the action plan's dialogs share: they belong to the unit's plan, not to a review.

A plan's dialog may be opened over a review's workspace or over Granskningar; its draft is
kept under the plan (its key names no review), so that text typed once comes back wherever the
plan is opened from next time. Dates are typed as everywhere else (2026-12-07) and read by
``field_date``, which says in Swedish which field holds what is not a date.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from textual.widgets import Input

from kvtui.domain.reviews import parse_date
from kvtui.tui.dialogs.form import FormDialog

ResultT = TypeVar("ResultT")


def field_date(field: Input, label: str, *, required: bool = True) -> date | None:
    """The date typed in ``field``; ``ValueError`` naming ``label`` when it is not one, or
    when it is empty and ``required``."""
    text = field.value.strip()
    if not text:
        if required:
            raise ValueError(f"{label} saknas (skriv till exempel {date.today().isoformat()}).")
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        raise ValueError(f"{label}: {error}") from None


class PlanDialog(FormDialog[ResultT]):
    """A form over the unit's plan; ``draft_subject`` names the plan and the record."""

    def _draft_review(self) -> str | None:
        """No review: the plan outlives them."""
        return None
