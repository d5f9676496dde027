"""Nothing typed in a dialog is lost: the question on Esc and Ctrl+Q, and the draft.

Every dialog that holds text the auditor types is a ``TextDialog``. It remembers what its
fields held when it opened; when she closes it (Esc) or quits kvtui (Ctrl+Q) with anything
changed, ``UnsavedQuestion`` asks Spara / Släng / Fortsätt.

While she types, the dialog keeps its fields as a draft in the store
(``kvtui.store.drafts``), a moment after each change (``DRAFT_INTERVAL``) and at once when
the terminal goes away (``keep_all_drafts``, called on SIGHUP and SIGTERM). So a killed
terminal or a power cut loses at most that moment. Opening the same dialog for the same
record again brings the draft back, with a notice saying from when; saving or discarding
deletes it. The store's rule for free text applies to drafts too: a personnummer in one is
kept masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Literal, Self, TypeVar

from textual.app import App, ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Button, Input, Static, TextArea

from kvtui.store.database import Store

#: How often a dialog writes its fields as a draft when they have changed.
DRAFT_INTERVAL = 0.25

Answer = Literal["save", "discard", "continue"]
ResultT = TypeVar("ResultT")


class UnsavedQuestion(ModalScreen[Answer]):
    """Spara / Släng / Fortsätt for a dialog closed with text not saved.

    Esc and Fortsätt keep the dialog open with its text: the safe choice is the easy one.
    """

    BINDINGS = [
        Binding("s,ctrl+s", "answer('save')", "Spara", id="unsaved.save"),
        Binding("l", "answer('discard')", "Släng", id="unsaved.discard"),
        Binding("f,escape", "answer('continue')", "Fortsätt", id="unsaved.continue"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__(classes="dialog")
        self._what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="unsaved-box", classes="dialog-box"):
            yield Static(f"Det du har skrivit i ”{self._what}” är inte sparat.",
                         id="unsaved-question", markup=False)
            with Horizontal(id="unsaved-buttons", classes="dialog-buttons"):
                yield Button("Spara (s)", id="unsaved-save", variant="primary")
                yield Button("Släng (l)", id="unsaved-discard", variant="warning")
                yield Button("Fortsätt (f)", id="unsaved-continue", variant="default")

    def on_mount(self) -> None:
        self.query_one("#unsaved-continue", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        answers: dict[str | None, Answer] = {"unsaved-save": "save",
                                             "unsaved-discard": "discard"}
        self.dismiss(answers.get(event.button.id, "continue"))

    def action_answer(self, answer: Answer) -> None:
        """Close the question with the answer."""
        self.dismiss(answer)


class TextDialog(ModalScreen[ResultT | None]):
    """A modal dialog whose typed text is never lost (see the module's docstring).

    A dialog names itself for the question in ``DRAFT_TITLE`` ("Ny synpunkt") and says which
    record it edits in ``draft_subject`` (a new one by default), so that its draft is found
    again; ``action_save`` saves (and dismisses), ``action_cancel`` closes, asking first.
    Fields whose ids are in ``NOT_TYPED_TEXT`` (a search field) are neither asked about nor
    kept; a password field never is.
    """

    DRAFT_TITLE: ClassVar[str] = "dialogen"
    #: Whether the text is kept as a draft (when a draft could not be told apart from another
    #: record's, the question on Esc is still asked).
    KEEPS_DRAFTS: ClassVar[bool] = True
    NOT_TYPED_TEXT: ClassVar[frozenset[str]] = frozenset()

    _named_subject = ""
    _loaded: dict[str, str] | None = None
    _kept: dict[str, str] | None = None
    _draft_timer: Timer | None = None

    # --- what was typed ------------------------------------------------------------------------

    def _text_fields(self) -> Iterable[Input | TextArea]:
        for widget in self.query("Input, TextArea"):
            if not widget.id or widget.id in self.NOT_TYPED_TEXT:
                continue
            if isinstance(widget, TextArea) or (isinstance(widget, Input)
                                                 and not widget.password):
                yield widget

    def typed_fields(self) -> dict[str, str]:
        """Every field's text by its id, as shown now."""
        return {field.id or "": field.text if isinstance(field, TextArea) else field.value
                for field in self._text_fields()}

    @property
    def has_changes(self) -> bool:
        """Whether anything differs from what the dialog opened with."""
        return self._loaded is not None and self.typed_fields() != self._loaded

    # --- the draft -----------------------------------------------------------------------------

    def draft_subject(self) -> str:
        """Which record the dialog edits: its id, or "ny" for a new one."""
        return self._named_subject or "ny"

    def for_subject(self, subject: str) -> Self:
        """Names what the text is about for a dialog that cannot tell it itself (an answer's
        dialog knows its criterion but not the akt); its text is then kept as a draft."""
        self._named_subject = subject
        return self

    def draft_key(self) -> str:
        """The draft's key: the dialog, its review and its record."""
        return f"{type(self).__name__}:{self._draft_review() or '-'}:{self.draft_subject()}"

    def _draft_review(self) -> str | None:
        """The review the dialog belongs to: its own, or the one open under it."""
        for screen in [self, *reversed(self.app.screen_stack)]:
            review_id = getattr(screen, "_review_id", None)
            if isinstance(review_id, str):
                return review_id
        return None

    def draft_title(self) -> str:
        """The dialog's name in the question and the notice."""
        return self.DRAFT_TITLE

    def keeps_drafts(self) -> bool:
        """Whether the text is kept as a draft."""
        return self.KEEPS_DRAFTS or bool(self._named_subject)

    def _draft_store(self) -> Store | None:
        if not self.keeps_drafts():
            return None
        store = getattr(self, "_store", None) or getattr(self.app, "store", None)
        if not isinstance(store, Store) or store.read_only:
            return None
        store.prepare_orm()  # waits for a worker that may be loading it
        return store

    def on_mount(self) -> None:
        # After the dialog's own on_mount (Textual runs the subclass's first), and before any
        # key reaches the fields: what they hold now is what the dialog opened with.
        self._start_drafts()

    def _start_drafts(self) -> None:
        self._loaded = self.typed_fields()
        self._kept = dict(self._loaded)
        store = self._draft_store()
        if store is None:
            return
        from kvtui.store.drafts import load_draft

        with store.session() as session:
            draft = load_draft(session, self.draft_key())
        if draft is not None and self._restore(draft.fields):
            # Once the dialog is on show, so that the notice shows over it.
            self.call_after_refresh(
                self.notify, f"Osparad text från {draft.saved_label} återställd. "
                "Esc och Släng tar bort den.", title=self.draft_title(), timeout=10,
                markup=False)
        self._draft_timer = self.set_interval(DRAFT_INTERVAL, self.keep_draft,
                                              name="draft")

    def _restore(self, fields: dict[str, str]) -> bool:
        """Put a draft's texts into the fields; whether anything differed."""
        restored = False
        for field in self._text_fields():
            text = fields.get(field.id or "")
            if text is None:
                continue
            if isinstance(field, TextArea) and field.text != text:
                field.load_text(text)
                restored = True
            elif isinstance(field, Input) and field.value != text:
                field.value = text
                restored = True
        self._kept = self.typed_fields()
        return restored

    def keep_draft(self) -> None:
        """Write the fields as the draft if they changed since the last time (and delete the
        draft when they are back to what the dialog opened with)."""
        if self._loaded is None:
            return
        fields = self.typed_fields()
        if fields == self._kept:
            return
        store = self._draft_store()
        if store is None:
            return
        from kvtui.store.drafts import drop_draft, save_draft

        with store.session() as session:
            if fields == self._loaded:
                drop_draft(session, self.draft_key())
            else:
                save_draft(session, self.draft_key(), title=self.draft_title(),
                           review_id=self._draft_review(), fields=fields)
        self._kept = fields

    def forget_draft(self) -> None:
        """Stop keeping a draft and delete the one kept: what was typed is saved or
        discarded."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self._loaded is None:
            return
        store = self._draft_store()
        if store is not None:
            from kvtui.store.drafts import drop_draft

            with store.session() as session:
                drop_draft(session, self.draft_key())
        self._loaded = None

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        """Close the dialog: what it held is saved or discarded, so its draft goes."""
        self.forget_draft()
        return super().dismiss(result)

    # --- closing -------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save; each dialog says how."""

    def action_cancel(self) -> None:
        """Close without saving; ask Spara / Släng / Fortsätt first if anything was typed."""
        if not self.has_changes:
            self.dismiss(None)
            return

        def answered(answer: Answer | None) -> None:
            if answer == "save":
                self.action_save()
            elif answer == "discard":
                self.dismiss(None)

        self.app.push_screen(UnsavedQuestion(self.draft_title()), answered)


def unsaved_dialogs(stack: Iterable[Screen[object]]) -> list[TextDialog[object]]:
    """The dialogs in ``stack`` with text not saved, topmost first."""
    return [screen for screen in reversed(list(stack))
            if isinstance(screen, TextDialog) and screen.has_changes]


def keep_all_drafts(app: App[Any]) -> None:
    """Write every open dialog's draft now: the terminal is going away."""
    for screen in app.screen_stack:
        if isinstance(screen, TextDialog):
            screen.keep_draft()
