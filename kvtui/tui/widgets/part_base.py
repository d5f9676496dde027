"""What every working part of the review workspace has: the store, the review, and a reload.

The workspace calls ``reload`` each time a part comes to the front, so a part always shows
what the store holds now (a sample drawn in Akter & urval appears in Aktgranskning).
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.message import Message

from kvtui.store.database import Store


class WorkspacePart(Vertical):
    """Base of the parts that read and write the store."""

    class Changed(Message):
        """The part changed the review in the store: the workspace shows fresh counts."""

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(id=id, classes="workspace-part")
        self.store = store
        self.review_id = review_id

    def reload(self) -> None:
        """Read the part's data from the store again and show it."""
