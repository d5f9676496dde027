"""What every working part of the review workspace has: the store, the review, and a reload.

The workspace calls ``reload`` each time a part comes to the front, so a part always shows
what the store holds now (a sample drawn in Akter & urval appears in Aktgranskning). Writes go
through ``writable`` and ``remove_after_asking`` so that every part refuses and reports them
the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session
from textual.containers import Vertical
from textual.message import Message

from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.confirm import ConfirmDialog

READ_ONLY = "Databasen är öppnad skrivskyddad; inget kan ändras."


class WorkspacePart(Vertical):
    """Base of the parts that read and write the store."""

    #: Said when the review is signed and locked; each part names what cannot change.
    LOCKED_MESSAGE = "Granskningen är signerad och låst och kan inte ändras."

    class Changed(Message):
        """The part changed the review in the store: the workspace shows fresh counts."""

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(id=id, classes="workspace-part")
        self.store = store
        self.review_id = review_id
        self._locked = False

    def reload(self) -> None:
        """Read the part's data from the store again and show it."""

    def writable(self) -> bool:
        """Whether the part may write now; says why not when it may not."""
        if self.store.read_only:
            self.notify(READ_ONLY, severity="warning")
            return False
        if self._locked:
            self.notify(self.LOCKED_MESSAGE, severity="warning")
            return False
        return True

    def remove_after_asking(
        self, question: str, remove: Callable[[Session], object], done: Callable[[], None]
    ) -> None:
        """Ask, then run ``remove`` in its own session; on refusal show the store's message
        and re-read, so the screen never shows what the store does not hold."""

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                with self.store.session() as session:
                    remove(session)
            except (InvalidInput, NotFound) as error:
                self.notify(str(error), severity="error", markup=False)
                self.reload()
                return
            done()

        self.app.push_screen(ConfirmDialog(question), answered)
