"""What every working part of the review workspace has: the store, the review, and a reload.

The workspace calls ``reload`` each time a part comes to the front, so a part always shows
what the store holds now (a sample drawn in Akter & urval appears in Aktgranskning). Writes go
through ``writable`` and ``remove_after_asking`` so that every part refuses and reports them
the same way. ``cursor_key`` and ``move_cursor_to`` keep a part's table on the same row across
a reload. ``show_target`` selects a record the workspace was asked to show (``JumpTo``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress

from sqlmodel import Session
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from kvtui.domain.judgement import AssessmentView
from kvtui.domain.reviews import SIGNED
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.reviews import get_review
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.evidence_citing import CitingDialog
from kvtui.tui.key_guard import refuse
from kvtui.tui.messages import JumpTarget, JumpTo

READ_ONLY = "Databasen är öppnad skrivskyddad; inget kan ändras."


def cursor_key(table: DataTable) -> str | None:
    """The key of the row under the table's cursor, or None in an empty table."""
    if table.row_count == 0:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
    except CellDoesNotExist:
        return None
    return key.value


def move_cursor_to(table: DataTable, key: str | None) -> None:
    """Put the cursor on the row with ``key``; where there is none, it stays where it is."""
    if key is not None:
        with suppress(RowDoesNotExist):
            table.move_cursor(row=table.get_row_index(key))


def takes_focus(part: Widget) -> bool:
    """Whether a part just brought to the front should take the keyboard.

    A part key pressed inside another part leaves the keyboard on a widget about to be hidden
    (and then nowhere): the new part takes it, so its keys work at once. From the workspace's
    list of parts the list keeps it (Enter or Tab moves into the part), as in every part.
    """
    focused = part.screen.focused
    if focused is None:
        return True
    if focused.id == "part-list":
        return False
    return part not in focused.ancestors


class WorkspacePart(Vertical):
    """Base of the parts that read and write the store."""

    #: Said when the review is signed and locked; each part names what cannot change.
    LOCKED_MESSAGE = "Granskningen är signerad och låst och kan inte ändras."

    class Changed(Message):
        """The part changed the review in the store: the workspace shows fresh counts, and
        the part on show, when another part (a worker finishing late) made the change, reads
        the review again."""

        def __init__(self, part: WorkspacePart) -> None:
            super().__init__()
            self.part = part

        @property
        def control(self) -> WorkspacePart:
            """The part that made the change."""
            return self.part

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(id=id, classes="workspace-part")
        self.store = store
        self.review_id = review_id
        self._locked = False

    def reload(self) -> None:
        """Read the part's data from the store again and show it."""

    def show_target(self, target: JumpTarget) -> None:
        """Select the record ``target`` names and put the keyboard on it; a part that shows
        no single records just takes the keyboard."""
        self.focus()

    def read_status(self, session: Session) -> str:
        """The review's status, read in ``session``; a signed review, or a read-only store,
        locks the part against changes."""
        status = get_review(session, self.review_id).status
        self._locked = self.store.read_only or status == SIGNED
        return status

    def writable(self) -> bool:
        """Whether the part may write now; says why not when it may not."""
        if self.store.read_only:
            refuse(self, READ_ONLY)
            return False
        if self._locked:
            refuse(self, self.LOCKED_MESSAGE)
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

    def show_citing(
        self, what: str, statements: Sequence[AssessmentView], headings: Mapping[str, str]
    ) -> None:
        """Citeras av: list the statements citing ``what``; Enter on one shows it in
        Bedömningar."""

        def chosen(assessment: AssessmentView | None) -> None:
            if assessment is not None:
                self.post_message(JumpTo(JumpTarget("assessments",
                                                    section_id=assessment.section_id,
                                                    assessment_id=assessment.id)))

        self.app.push_screen(CitingDialog(what, statements, headings), chosen)
