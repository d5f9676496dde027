"""Checks every write makes first: the review exists and is not signed off and locked."""

from __future__ import annotations

from sqlmodel import Session

from kvtui.domain.reviews import SIGNED
from kvtui.store.errors import InvalidInput
from kvtui.store.models import Review
from kvtui.store.reviews import get_review


def writable_review(session: Session, review_id: str, what: str) -> Review:
    """The review, if it may still change; ``what`` names what the refused write would change
    ("akterna", "intervjuerna" …) in the Swedish message."""
    review = get_review(session, review_id)
    if review.status == SIGNED:
        raise InvalidInput(f"Granskningen är signerad och låst; {what} kan inte ändras.")
    return review


def finish(session: Session, commit: bool) -> None:
    """Commit, or only flush when the caller batches several writes in one transaction."""
    if commit:
        session.commit()
    else:
        session.flush()
