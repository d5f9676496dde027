"""The personnummer guard for free text: mark a number as it is typed, and ask what to do.

The people in the files are children under secrecy law. Whatever is typed, the store masks a
personnummer or samordningsnummer (ÅÅMMDD-XXXX) before it is written, unless the auditor has
confirmed it is not one (``kvtui.store.idnumber_rule``). The guard shows that rule before it
acts: it marks each number the store would mask and says so under the editor; Ctrl+K masks it
here too, Ctrl+G says it is not a personnummer, and the owner saves with that confirmation
(``accepted``, passed to ``kvtui.store.idnumber_rule.as_typed``).

A confirmation holds for the whole store from then on, so Ctrl+G asks first, in a small
dialog that shows the numbers masked (``not_an_id_question``), and takes only numbers the
auditor has been shown: those marked in a text, or masked in a field by the first save.

Three pieces:

- ``GuardedTextArea``: a TextArea that highlights every number the store would mask, masks
  them all on Ctrl+K (posting ``Masked``, so its owner can save at once) and accepts them as
  typed on Ctrl+G (posting ``Accepted``). Without a number in the text, Ctrl+K keeps the
  TextArea's own meaning (delete to the end of the line).
- ``IdNumberWarning``: the warning line shown under the editor while a number is in the text.
- ``FieldGuard``: the same step for a form's fields on saving: the first save masks what the
  store would mask and says so; Ctrl+G (``ask_and_accept``) puts the text back as typed and
  saves it so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static, TextArea
from textual.widgets.text_area import Document

from kvtui.domain.personnummer import IdNumber, mask_found
from kvtui.store.idnumber_rule import confirmed_numbers, numbers_to_mask
from kvtui.tui.dialogs.confirm import ConfirmDialog

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from kvtui.store.database import Store

MASK_KEY = "Ctrl+K"
ACCEPT_KEY = "Ctrl+G"
HIGHLIGHT = Style(color="white", bgcolor="red", bold=True)


def guard_warning(numbers: list[IdNumber] | tuple[IdNumber, ...]) -> str:
    """The warning under an editor holding ``numbers``, in Swedish; "" when there are none."""
    if not numbers:
        return ""
    shown = ", ".join(number.masked for number in numbers[:2])
    if len(numbers) > 2:
        shown += ", …"
    samordning = all(number.kind == "samordningsnummer" for number in numbers)
    what = "samordningsnummer" if samordning else "personnummer"
    if len(numbers) == 1:
        return (f"Texten innehåller något som ser ut som ett {what} ({shown}); det sparas "
                f"maskerat. Tryck {MASK_KEY} för att maskera det här också, eller {ACCEPT_KEY} "
                f"om det inte är ett {what}.")
    return (f"Texten innehåller {len(numbers)} nummer som ser ut som {what} ({shown}); de "
            f"sparas maskerade. Tryck {MASK_KEY} för att maskera dem här också, eller "
            f"{ACCEPT_KEY} om de inte är {what}.")


#: The command that takes a confirmation back (``kvtui.cli.maintenance``).
WITHDRAW_COMMAND = "kvtui inte-personnummer ta-bort NUMMER"


def not_an_id_question(numbers: Sequence[IdNumber]) -> str:
    """What Ctrl+G asks before the store keeps ``numbers`` as typed, in Swedish, each number
    masked."""
    shown = ", ".join(dict.fromkeys(number.masked for number in numbers))
    if len({number.key for number in numbers}) == 1:
        return (f"Är {shown} inte ett personnummer? Då sparas numret som du skrev det, här och "
                "överallt där det står i databasen, också i fortsättningen. Bekräftelsen "
                f"loggas och kan tas tillbaka med {WITHDRAW_COMMAND}.")
    return (f"Är {shown} inte personnummer? Då sparas numren som du skrev dem, här och "
            "överallt där de står i databasen, också i fortsättningen. Bekräftelsen loggas "
            f"och kan tas tillbaka med {WITHDRAW_COMMAND}.")


def ask_not_an_id(node: DOMNode, numbers: Sequence[IdNumber],
                  then: Callable[[], None]) -> None:
    """Ask (``not_an_id_question``) whether ``numbers`` are not personnummer; ``then`` runs
    only on yes."""

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    node.app.push_screen(ConfirmDialog(not_an_id_question(numbers), yes="Inte personnummer",
                                       no="Avbryt"), answered)


def confirmed_in(app: App[object]) -> frozenset[str]:
    """The numbers the store already keeps as typed (none without a store: a bare app)."""
    store: Store | None = getattr(app, "store", None)
    if store is None:
        return frozenset()
    with store.session() as session:
        return confirmed_numbers(session)


class GuardedTextArea(TextArea):
    """A TextArea that marks personnummer, masks them on Ctrl+K and accepts them on Ctrl+G."""

    BINDINGS = [
        # Two bindings on one key: the first applies only while the text holds a number
        # (``check_action``); otherwise Ctrl+K deletes to the end of the line as usual.
        Binding("ctrl+k", "mask_ids", "Maskera personnummer", id="guard.mask"),
        Binding("ctrl+k", "delete_to_end_of_line_or_delete_line", show=False,
                id="guard.delete_to_end"),
        Binding("ctrl+g", "accept_ids", "Inte personnummer", id="guard.accept"),
        # Select all, as in every other program the auditor writes in (Home goes to the line's
        # start, as before).
        Binding("ctrl+a", "select_all", "Markera allt", show=False, id="guard.select_all"),
        # A long text opens at its start; Ctrl+End goes on writing at its end.
        Binding("ctrl+home", "text_start", "Till början", show=False, id="guard.text_start"),
        Binding("ctrl+end", "text_end", "Till slutet", show=False, id="guard.text_end"),
    ]

    def action_text_start(self) -> None:
        """Ctrl+Home: the cursor to the start of the text."""
        self.move_cursor((0, 0))

    def action_text_end(self) -> None:
        """Ctrl+End: the cursor to the end of the text."""
        self.move_cursor(self.document.end)

    def open_for_reading(self) -> None:
        """Place the cursor once the text is laid out: a text longer than the area opens at
        its start, to be read from the beginning; a shorter one at its end, ready to go on
        writing."""

        def place() -> None:
            if self.wrapped_document.height > self.content_size.height:
                self.move_cursor((0, 0))
                self.scroll_home(animate=False)
            else:
                self.move_cursor(self.document.end)

        self.call_after_refresh(place)

    @dataclass
    class Masked(Message):
        """Numbers in the text were masked: ``count`` of them. The owner saves now."""

        text_area: GuardedTextArea
        count: int

        @property
        def control(self) -> GuardedTextArea:
            """The text area that masked its text."""
            return self.text_area

    @dataclass
    class Accepted(Message):
        """The auditor said the numbers marked are not personnummer: ``count`` of them. The
        owner saves now, with ``GuardedTextArea.accepted``."""

        text_area: GuardedTextArea
        count: int

        @property
        def control(self) -> GuardedTextArea:
            """The text area whose numbers were accepted."""
            return self.text_area

    @dataclass
    class IdsChanged(Message):
        """The numbers in the text changed (found, masked, accepted or deleted); ``warning`` is
        "" when there are none left."""

        text_area: GuardedTextArea
        warning: str

        @property
        def control(self) -> GuardedTextArea:
            """The text area whose numbers changed."""
            return self.text_area

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(text, **kwargs)  # type: ignore[arg-type]
        self._warning = ""
        self._confirmed: frozenset[str] | None = None
        self._accepted: set[str] = set()
        self._found: tuple[str, list[IdNumber]] = ("", [])

    # --- finding ------------------------------------------------------------------------------

    def reread_confirmed(self) -> None:
        """Ask the store again what it keeps as typed (another record is shown)."""
        self._confirmed = None
        self._found = ("", [])

    def _kept(self) -> frozenset[str]:
        """Keys the store keeps as typed: confirmed before (read once), or accepted here."""
        if self._confirmed is None:
            self._confirmed = confirmed_in(self.app)
        return self._confirmed | self._accepted

    @property
    def found(self) -> list[IdNumber]:
        """Every number in the text now that the store would mask, in order (a number may
        span a line break; positions are offsets in ``text``)."""
        text = self.text
        if self._found[0] != text:
            numbers = numbers_to_mask(text, ())
            if numbers:
                kept = self._kept()
                numbers = [number for number in numbers if number.key not in kept]
            self._found = (text, numbers)
        return self._found[1]

    @property
    def accepted(self) -> frozenset[str]:
        """Keys of the numbers in the text the auditor said are not personnummer: the owner
        saves within ``kvtui.store.idnumber_rule.as_typed(accepted)``."""
        if not self._accepted:
            return frozenset()
        return frozenset(number.key for number in numbers_to_mask(self.text, ())
                         if number.key in self._accepted)

    @property
    def warning(self) -> str:
        """The warning for the text as it is now ("" without a number)."""
        return self._warning

    def get_line(self, line_index: int) -> Text:
        """A line of the text with every number on it highlighted."""
        line = super().get_line(line_index)
        found = self.found
        if not found:
            return line
        document = self.document
        assert isinstance(document, Document)  # every TextArea document is one, also with syntax
        start = document.get_index_from_location((line_index, 0))
        end = start + len(line.plain)
        for number in found:
            if number.start < end and number.end > start:
                line.stylize(HIGHLIGHT, max(number.start - start, 0),
                             min(number.end, end) - start)
        return line

    @on(TextArea.Changed)
    def _check(self, event: TextArea.Changed) -> None:
        """After each change: the warning, and whether Ctrl+K and Ctrl+G act."""
        if event.text_area is not self:
            return
        self._update_warning()

    def _update_warning(self) -> None:
        warning = guard_warning(self.found)
        if warning != self._warning:
            self._warning = warning
            self.refresh_bindings()
            self.post_message(self.IdsChanged(self, warning))

    # --- masking and accepting -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Maskera and Inte personnummer only while the text holds a number."""
        if action in ("mask_ids", "accept_ids"):
            return not self.read_only and bool(self.found)
        return True

    def mask_ids(self) -> int:
        """Mask every number in the text (ÅÅMMDD-XXXX); the cursor stays with its words.

        Returns how many were masked. Each number is replaced in place, from the last to the
        first, so the positions of those before it stay valid and the cursor moves only by
        the change in length before it.
        """
        found = self.found
        document = self.document
        assert isinstance(document, Document)  # every TextArea document is one, also with syntax
        for number in reversed(found):
            self.replace(number.masked, document.get_location_from_index(number.start),
                         document.get_location_from_index(number.end),
                         maintain_selection_offset=True)
        return len(found)

    def accept_ids(self) -> int:
        """Take every number marked as not a personnummer; returns how many."""
        found = self.found
        self._accepted.update(number.key for number in found)
        self._found = ("", [])
        self.refresh()
        self._update_warning()
        return len(found)

    def action_mask_ids(self) -> None:
        """Ctrl+K: mask every number, then tell the owner to save."""
        if self.read_only:
            return
        count = self.mask_ids()
        if count:
            self.post_message(self.Masked(self, count))

    def action_accept_ids(self) -> None:
        """Ctrl+G: asks whether the numbers marked are not personnummer; on yes, tells the
        owner to save."""
        if self.read_only or not self.found:
            return

        def accept() -> None:
            count = self.accept_ids()
            if count:
                self.post_message(self.Accepted(self, count))

        ask_not_an_id(self, self.found, accept)


class IdNumberWarning(Static):
    """The warning line under a guarded editor; hidden while the text holds no number."""

    DEFAULT_CSS = """
    IdNumberWarning {
        height: auto;
        color: $text-error;
        background: $error-muted;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.display = False

    def show_warning(self, warning: str) -> None:
        """Show ``warning``, or hide the line when it is ""."""
        self.update(warning)
        self.display = bool(warning)


@dataclass(frozen=True)
class TypedText:
    """A text from a one-line dialog, with the numbers in it the auditor said are not
    personnummer: whoever saves it does so within ``as_typed(not_ids)``."""

    text: str
    not_ids: frozenset[str] = frozenset()


class FieldGuard:
    """The personnummer step of a form on saving, for its Inputs and guarded text areas.

    ``mask`` masks what the store would mask and remembers what was typed; the form says so
    and waits for another save. ``ask_and_accept`` (Ctrl+G) asks about the numbers the auditor
    has been shown (masked in a field, marked in a text) and, on yes, puts the typed text back
    (if the field was not edited since) and takes those numbers as not personnummer; the form
    then saves within ``as_typed(accepted)``.
    """

    NOTICE = (f"Var det inget personnummer? Tryck {ACCEPT_KEY} så sparas texten som du "
              "skrev den.")

    def __init__(self, owner: DOMNode) -> None:
        self._owner = owner  # the form; its app is asked for the store when needed
        self._confirmed: frozenset[str] | None = None
        # Each field masked: what was typed, what masking made of it, and the numbers masked.
        self._typed: dict[Input | GuardedTextArea, tuple[str, str, list[IdNumber]]] = {}
        self._accepted: set[str] = set()
        self._areas: set[GuardedTextArea] = set()

    def _to_mask(self, text: str) -> list[IdNumber]:
        numbers = numbers_to_mask(text, self._accepted)
        if numbers:
            if self._confirmed is None:
                self._confirmed = confirmed_in(self._owner.app)
            numbers = [number for number in numbers if number.key not in self._confirmed]
        return numbers

    @property
    def accepted(self) -> frozenset[str]:
        """What the auditor said is not a personnummer, in every field."""
        return frozenset(self._accepted.union(*(area.accepted for area in self._areas)))

    def mask(self, fields: Iterable[Input | GuardedTextArea]) -> bool:
        """Mask every number the store would mask in ``fields``; True when one was found."""
        found = False
        for field in fields:
            if isinstance(field, GuardedTextArea):
                self._areas.add(field)
                numbers = field.found
                if numbers:
                    typed = field.text
                    field.mask_ids()
                    self._typed[field] = (typed, field.text, numbers)
                    found = True
                continue
            numbers = self._to_mask(field.value)
            if numbers:
                typed = field.value
                field.value = mask_found(typed, numbers)
                self._typed[field] = (typed, field.value, numbers)
                found = True
        return found

    def shown(self, fields: Iterable[Input | GuardedTextArea]) -> list[IdNumber]:
        """The numbers in ``fields`` the auditor has been shown and may say are not
        personnummer: masked by ``mask`` (in a field not edited since), or marked in a text."""
        numbers: list[IdNumber] = []
        for field in fields:
            typed = self._typed.get(field)
            current = field.text if isinstance(field, GuardedTextArea) else field.value
            if typed is not None and current == typed[1]:
                numbers += typed[2]
            elif isinstance(field, GuardedTextArea):
                numbers += field.found
        return numbers

    def restore_and_accept(self, fields: Iterable[Input | GuardedTextArea]) -> bool:
        """Put back what was typed before masking (unless edited since) and take the numbers
        shown (``shown``) as not personnummer; True when there was something to accept."""
        accepted = False
        for field in fields:
            typed, made, numbers = self._typed.pop(field, ("", None, []))
            if isinstance(field, GuardedTextArea):
                self._areas.add(field)
                if made is not None and field.text == made:
                    field.load_text(typed)
                accepted = field.accept_ids() > 0 or accepted
            elif made is not None and field.value == made:
                field.value = typed
                self._accepted.update(number.key for number in numbers)
                accepted = accepted or bool(numbers)
        return accepted

    def ask_and_accept(self, fields: Iterable[Input | GuardedTextArea],
                       then: Callable[[], None]) -> None:
        """Ctrl+G: ask about the numbers shown in ``fields``; on yes, restore and accept them
        and run ``then`` (the form saves). Nothing shown: a bell, nothing asked."""
        fields = tuple(fields)
        numbers = self.shown(fields)
        if not numbers:
            self._owner.app.bell()
            return

        def accept() -> None:
            if self.restore_and_accept(fields):
                then()

        ask_not_an_id(self._owner, numbers, accept)
