"""Text typed into a list is never taken as one-key commands.

In the workspace's lists a letter is a command: j answers Ja, a opens Ny bedömning, 0 takes a
statement's level away, a digit chooses a part. An auditor who thinks she is in a text field
and types "journal saknas" or "2025-03-14" would otherwise give a dozen commands. So a key that
is refused, or that means nothing where it lands, makes the keys right behind it *held*: while
keys keep coming, letters, digits, space, Enter and Backspace are not acted on; a moment after
the last one, one message shows what was held and that it was not taken. Arrow keys, Tab,
Escape and Ctrl keys are never held. A part chosen by a digit that is followed at once by such
a key is left again, so a date typed into a list does not walk the workspace.

Keys typed at once after a key that opens a dialog (k, then the comment) go into the dialog's
text field once it is there, rather than nowhere.

The guard belongs to a screen (``GuardedScreen``) and sees each key at the app, after the
widgets and before the bindings; a widget refuses a key through ``refuse``, which says why and
starts the hold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, TextArea

#: How long keys stay held after the last refused or held key.
HOLD_SECONDS = 0.8
#: A key that means nothing this soon after a part was chosen by its digit undoes the choice.
SWITCH_SECONDS = 0.6
#: Keys that are typing, not moving: held while the guard holds.
TYPING_KEYS = frozenset({"space", "enter", "backspace"})
SHOWN_LENGTH = 60


def is_typing(event: events.Key) -> bool:
    """Whether the key writes text (a letter, digit, sign, space, Enter or Backspace)."""
    if event.key in TYPING_KEYS:
        return True
    return event.is_printable and not event.key.startswith("ctrl+")


def _shown(event: events.Key) -> str:
    if event.key == "enter":
        return "⏎"
    if event.key == "backspace":
        return "⌫"
    return event.character or ""


def held_message(text: str) -> str:
    """What the auditor is told about the keys that were held."""
    if len(text) > SHOWN_LENGTH:
        text = text[:SHOWN_LENGTH - 1] + "…"
    if len(text.strip()) <= 1:
        return f"Tangenten ”{text}” togs inte emot som kommando."
    return f"Tangenterna ”{text}” togs inte emot som kommandon; inget ändrades."


class KeyGuard:
    """Holds the keys that follow a refused key, and says which they were.

    ``is_command(key)`` tells whether a key would do something where the keyboard is now. Keys
    are judged by when they were typed (the event's time), not by when the app got round to
    them: keys typed while the app was busy drawing a part arrive together.
    """

    def __init__(self, owner: Widget, is_command: Callable[[str], bool]) -> None:
        self._owner = owner
        self._is_command = is_command
        self._last_key = 0.0  # when the last key seen was typed
        self._held_at: float | None = None  # when the last refused or held key was typed
        self._held: list[str] = []
        self._timer: Timer | None = None
        self._switch: tuple[Callable[[], Any], str, float] | None = None
        self._passed: list[str] = []

    @property
    def held_text(self) -> str:
        """The keys held and not yet reported."""
        return "".join(self._held)

    def _holding(self, typed: float) -> bool:
        return self._held_at is not None and typed - self._held_at < HOLD_SECONDS

    def hold(self, shown: str = "") -> None:
        """Hold the keys typed soon after the last key (``shown``: that key, if it is text)."""
        self._held_at = self._last_key
        if shown:
            self._held.append(shown)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self._owner.set_timer(HOLD_SECONDS, self._report)

    def switched(self, undo: Callable[[], Any], shown: str) -> None:
        """A part was chosen by the key ``shown``; ``undo`` goes back if typing follows."""
        self._switch = (undo, shown, self._last_key)

    def take(self, event: events.Key) -> bool:
        """Look at a key on its way to the bindings; True when it is held (and stopped)."""
        self._last_key = event.time
        if not is_typing(event):
            return False
        if not self._holding(event.time):
            if self._is_command(event.key):
                return False
            switch, self._switch = self._switch, None
            if switch is not None and event.time - switch[2] < SWITCH_SECONDS:
                switch[0]()
                self._held.append(switch[1])
        self.hold(_shown(event))
        event.stop()
        event.prevent_default()
        return True

    def pass_on(self, event: events.Key, screen: Screen[Any]) -> None:
        """A key typed into the guarded screen just before a command opened ``screen`` over it
        (k, then the comment at once): the text goes into the dialog's text field, as soon as
        the field is there, rather than nowhere."""
        focused = screen.focused
        if not event.is_printable or event.key.startswith("ctrl+") or (
                focused is not None and not isinstance(focused, Input | TextArea)):
            return
        active = screen.active_bindings.get(event.key)
        if active is not None and active.enabled:
            return
        event.stop()
        event.prevent_default()
        self._passed.append(event.character or "")
        if focused is not None:
            self._write_passed(screen)
        elif len(self._passed) == 1:
            screen.call_after_refresh(self._write_passed, screen)

    def _write_passed(self, screen: Screen[Any]) -> None:
        text, self._passed = "".join(self._passed), []
        if not text:
            return
        field = screen.focused
        if not isinstance(field, Input | TextArea):
            field = next(iter(screen.query(Input | TextArea)), None)  # type: ignore[arg-type]
        if isinstance(field, Input):
            field.insert_text_at_cursor(text)
        elif isinstance(field, TextArea):
            field.insert(text)
        else:
            self._held.append(text)
            self.hold()

    def _report(self) -> None:
        self._timer = None
        text, self._held = self.held_text, []
        if text:
            self._owner.notify(held_message(text), severity="warning", timeout=6,
                               markup=False)


class GuardedScreen:
    """A screen whose lists guard their one-key commands (mixed into a Textual Screen)."""

    key_guard: KeyGuard


def refuse(widget: Widget, message: str, **notify: Any) -> None:
    """Say why a key was refused, and hold the keys typed right after it."""
    notify.setdefault("severity", "warning")
    widget.notify(message, **notify)
    screen = widget.screen
    if isinstance(screen, GuardedScreen):
        screen.key_guard.hold()
