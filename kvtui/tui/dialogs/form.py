"""What the small edit dialogs share: the line under the fields that says why nothing was
saved, the refusal in a read-only store, the personnummer step before saving, and Escape
(which asks before it loses what was typed, ``kvtui.tui.dialogs.unsaved.TextDialog``).

A dialog names its problem line in ``PROBLEM_ID``. Saving first asks ``_refused_read_only``,
then ``_masked`` over the fields that take free text: a personnummer the store would mask is
masked there and the dialog waits for Ctrl+S once more, so the auditor sees what will be
saved; Ctrl+G instead asks whether it is not a personnummer and, on yes, saves the text as
typed. The dialog writes through ``_session``, which carries that confirmation to the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.binding import Binding
from textual.widgets import Input, Static

from kvtui.store.database import Store
from kvtui.store.idnumber_rule import as_typed
from kvtui.tui.dialogs.unsaved import TextDialog
from kvtui.tui.widgets.idnumber_guard import FieldGuard, GuardedTextArea

if TYPE_CHECKING:
    from sqlmodel import Session

READ_ONLY = "Databasen är öppnad skrivskyddad; inget kan sparas."
MASKED_NOTICE = "Ett personnummer är nu maskerat. Kontrollera och spara igen (Ctrl+S)."

ResultT = TypeVar("ResultT")


class FormDialog(TextDialog[ResultT]):
    """A modal dialog with a problem line (a Static with the id ``PROBLEM_ID``); it dismisses
    with what was saved, or None when closed without saving."""

    BINDINGS = [
        Binding("ctrl+g", "not_an_id", "Inte personnummer", show=False, id="form.not_an_id"),
    ]

    #: The id of the Static under the fields that says why nothing was saved.
    PROBLEM_ID: ClassVar[str] = ""
    #: What the problem line says when saving masked a personnummer instead.
    MASKED_NOTICE: ClassVar[str] = MASKED_NOTICE

    _store: Store
    _guard: FieldGuard | None = None
    _guarded: tuple[Input | GuardedTextArea, ...] = ()

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

    @property
    def guard(self) -> FieldGuard:
        """The personnummer step of this dialog's fields."""
        if self._guard is None:
            self._guard = FieldGuard(self)
        return self._guard

    def _masked(self, *fields: Input | GuardedTextArea) -> bool:
        """Mask any personnummer the store would mask in ``fields``; when one was found, say so
        and return True (the dialog then saves nothing until Ctrl+S once more, or Ctrl+G)."""
        self._guarded = fields
        if self.guard.mask(fields):
            self._show_problem(f"{self.MASKED_NOTICE} {FieldGuard.NOTICE}")
            return True
        return False

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """A session for saving, with the numbers the auditor said are not personnummer
        stored as typed."""
        with as_typed(self.guard.accepted), self._store.session() as session:
            yield session

    def action_not_an_id(self) -> None:
        """Ctrl+G: asks whether what was marked or masked is not a personnummer; on yes,
        saves it as typed."""
        fields = self._guarded or tuple(self.query(GuardedTextArea))

        def save() -> None:
            self._show_problem("")
            self.action_save()

        self.guard.ask_and_accept(fields, save)

    def on_guarded_text_area_accepted(self, _event: GuardedTextArea.Accepted) -> None:
        """Ctrl+G in a text: its numbers are saved as typed with the rest (Ctrl+S)."""
        self._show_problem("")

