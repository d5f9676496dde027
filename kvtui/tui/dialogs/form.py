"""What the small edit dialogs share: the line under the fields that says why nothing was
saved, the refusal in a read-only store, the personnummer step before saving, and Escape.

A dialog names its problem line in ``PROBLEM_ID``. Saving first asks ``_refused_read_only``,
then ``_masked`` over the fields that take free text: a personnummer found there is masked and
the dialog waits for Ctrl+S once more, so the auditor sees what will be saved.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kvtui.domain.personnummer import find_ids, mask
from kvtui.store.database import Store
from kvtui.tui.widgets.idnumber_guard import GuardedTextArea

READ_ONLY = "Databasen är öppnad skrivskyddad; inget kan sparas."
MASKED_NOTICE = "Ett personnummer är nu maskerat. Kontrollera och spara igen (Ctrl+S)."

ResultT = TypeVar("ResultT")


def mask_fields(*fields: Input | GuardedTextArea) -> bool:
    """Mask every personnummer in ``fields``; True when one was found."""
    found = False
    for field in fields:
        if isinstance(field, GuardedTextArea):
            if field.found:
                field.mask_ids()
                found = True
        elif find_ids(field.value):
            field.value = mask(field.value)
            found = True
    return found


class FormDialog(ModalScreen[ResultT | None]):
    """A modal dialog with a problem line (a Static with the id ``PROBLEM_ID``); it dismisses
    with what was saved, or None when closed without saving."""

    #: The id of the Static under the fields that says why nothing was saved.
    PROBLEM_ID: ClassVar[str] = ""
    #: What the problem line says when saving masked a personnummer instead.
    MASKED_NOTICE: ClassVar[str] = MASKED_NOTICE

    _store: Store

    def _show_problem(self, text: str) -> None:
        """Say ``text`` under the fields; an empty text hides the line."""
        problem = self.query_one(f"#{self.PROBLEM_ID}", Static)
        problem.update(text)
        problem.display = bool(text)

    def _refused_read_only(self) -> bool:
        """Whether the store is read-only; then the dialog says that nothing can be saved."""
        if self._store.read_only:
            self._show_problem(READ_ONLY)
            return True
        return False

    def _masked(self, *fields: Input | GuardedTextArea) -> bool:
        """Mask any personnummer in ``fields``; when one was found, say so and return True
        (the dialog then saves nothing until Ctrl+S once more)."""
        if mask_fields(*fields):
            self._show_problem(self.MASKED_NOTICE)
            return True
        return False

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
