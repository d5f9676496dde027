"""A text editor that saves as the auditor types: interview notes and section texts.

There is no save key. The text is saved ``SAVE_DELAY`` seconds after the last keystroke, and
at once when the editor loses the keyboard (Tab, Esc, a dialog opening), when another record
is loaded into it, and when it is removed (leaving the review, quitting). So never more than
about a second of typing is at risk. Unchanged text is never written: each save is a commit and
a change-log entry in the store.

The owner says what a save does by handing ``load`` a function that writes the text (a store
call); the editor knows nothing about interviews or sections. A personnummer in the text is
marked by the guard (``kvtui.tui.widgets.idnumber_guard``) and saved masked by the store;
Ctrl+K masks it in the editor too, Ctrl+G says it is not one, and either saves at once.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import TextArea

from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.idnumber_rule import as_typed
from kvtui.tui.widgets.idnumber_guard import GuardedTextArea, IdNumberWarning

SAVE_DELAY = 0.6
Saver = Callable[[str], None]


class EditorArea(GuardedTextArea):
    """The editor's text area: Esc leaves it (instead of leaving the review)."""

    BINDINGS = [
        Binding("escape", "leave", "Lämna texten", id="editor.leave"),
    ]

    @dataclass
    class Leave(Message):
        """Esc in the text: the owner moves the keyboard elsewhere."""

        text_area: EditorArea

    def action_leave(self) -> None:
        """Esc: ask the owner to take the keyboard back."""
        self.post_message(self.Leave(self))


class AutoSaveEditor(Vertical):
    """A guarded text area that saves through ``saver`` as the auditor types.

    ``title`` is shown on the frame; the frame's subtitle says when the text was last saved.
    """

    DEFAULT_CSS = """
    AutoSaveEditor {
        height: 1fr;
    }
    AutoSaveEditor > EditorArea {
        height: 1fr;
        min-height: 3;
        border: round $primary-darken-2;
        padding: 0;
    }
    AutoSaveEditor > EditorArea:focus {
        border: round $primary;
    }
    """

    @dataclass
    class Saved(Message):
        """The text was written to the store (``text`` is what was saved)."""

        editor: AutoSaveEditor
        text: str

        @property
        def control(self) -> AutoSaveEditor:
            """The editor that saved."""
            return self.editor

    def __init__(
        self, title: str, *, placeholder: str = "", id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._saver: Saver | None = None
        self._saved = ""
        self._timer: Timer | None = None
        self._failed = False
        # Kept, not queried: the text must still be reachable while the editor is removed.
        self._area = EditorArea(placeholder=placeholder, soft_wrap=True,
                                tab_behavior="focus", read_only=True)
        self._area.border_title = title

    def compose(self) -> ComposeResult:
        yield self._area
        yield IdNumberWarning()

    # --- what is on show -----------------------------------------------------------------------

    @property
    def area(self) -> EditorArea:
        """The text area."""
        return self._area

    @property
    def text(self) -> str:
        """The text as typed so far."""
        return self.area.text

    @property
    def saved_text(self) -> str:
        """The text as last saved (or loaded)."""
        return self._saved

    def load(self, text: str, saver: Saver | None, *, title: str | None = None) -> None:
        """Show a record's text, saving what was typed for the previous record first.

        With ``saver`` None the text is shown read-only (nothing to save it to).
        """
        self.flush()
        self._saver = saver
        self._saved = text
        self._failed = False
        area = self.area
        if title is not None:
            area.border_title = title
        area.read_only = saver is None
        area.reread_confirmed()
        if area.text != text:
            area.load_text(text)
            area.open_for_reading()
        area.border_subtitle = ""
        self._show_warning(area.warning if area.text == text else "")

    def focus(self, scroll_visible: bool = True) -> AutoSaveEditor:
        """Put the keyboard in the text."""
        self.area.focus(scroll_visible)
        return self

    # --- saving --------------------------------------------------------------------------------

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def flush(self, *, again: bool = False) -> bool:
        """Save now if the text changed since the last save (or ``again``: the store is to keep
        numbers the auditor has just accepted as typed); True when it was written."""
        self._stop_timer()
        if self._saver is None:
            return False
        text = self.area.text
        if text == self._saved and not again:
            return False
        try:
            with as_typed(self.area.accepted):
                self._saver(text)
        except (InvalidInput, NotFound) as error:
            self.area.border_subtitle = "Inte sparad"
            if not self._failed:  # once, not at every keystroke
                self.notify(str(error), severity="error", markup=False)
            self._failed = True
            return False
        self._saved = text
        self._failed = False
        self.area.border_subtitle = f"Sparad {datetime.now():%H:%M:%S}"
        self.post_message(self.Saved(self, text))
        return True

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._saver is None or self.area.text == self._saved:
            self._stop_timer()
            return
        self.area.border_subtitle = "Sparas …"
        self._stop_timer()
        self._timer = self.set_timer(SAVE_DELAY, self.flush, name="autosave")

    @on(GuardedTextArea.IdsChanged)
    def _ids_changed(self, event: GuardedTextArea.IdsChanged) -> None:
        event.stop()
        self._show_warning(event.warning)

    def _show_warning(self, warning: str) -> None:
        line = self.query_one(IdNumberWarning)
        if line.display != bool(warning):
            # The text area changes height: keep the cursor in sight.
            self.call_after_refresh(self.area.scroll_cursor_visible)
        line.show_warning(warning)

    @on(GuardedTextArea.Masked)
    def _masked(self, event: GuardedTextArea.Masked) -> None:
        event.stop()
        self._show_warning("")
        saved = self.flush()
        done = "; texten är sparad" if saved else ""
        if event.count == 1:
            self.notify(f"Personnumret är maskerat{done}.", timeout=4)
        else:
            self.notify(f"{event.count} personnummer är maskerade{done}.", timeout=4)

    @on(GuardedTextArea.Accepted)
    def _accepted(self, event: GuardedTextArea.Accepted) -> None:
        event.stop()
        self._show_warning("")
        saved = self.flush(again=True)
        one = event.count == 1
        what = "Numret är inget personnummer" if one else "Numren är inga personnummer"
        if saved:
            self.notify(f"{what}; texten är sparad som du skrev den.", timeout=4)
        else:
            self.notify(f"{what} och sparas som du skrev {'det' if one else 'dem'}.", timeout=4)

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        """Leaving the text (Tab, Esc, a dialog) saves it."""
        self.flush()

    def on_unmount(self) -> None:
        """Leaving the review or quitting saves what is pending."""
        self._stop_timer()
        if self._saver is not None and self.area.text != self._saved:
            # The review gone or locked: there is nowhere to save it.
            with suppress(InvalidInput, NotFound), as_typed(self.area.accepted):
                self._saver(self.area.text)
