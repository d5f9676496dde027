"""Messages that screens post up to the app, which owns the screen stack."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenReview(Message):
    """Open this review's workspace (on top of Granskningar, replacing any open review)."""

    review_id: str
