"""Aktgranskning, one akt at a time: the criteria, one key per answer, saved at once.

Each answering key makes exactly one ``save_answer`` call (which commits before it returns)
and then changes only what the answer changed: the answer of that criterion, the progress
line and the detail lines under the list. The rows themselves are built once per review and
reused for every akt, so the keys stay instant on a weak laptop. What an answer means (computed
deadline and count results, overrides that need a reason, criteria that do not apply) is
decided by ``kvtui.domain.answers`` and the store; this view only shows and asks.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from kvtui.domain.answers import (
    akt_dates,
    answer_label,
    known_dates,
    override_needs_reason,
)
from kvtui.domain.assignment import MINE_MARK
from kvtui.domain.criterion_kinds import (
    AnswerError,
    Basis,
    DeadlineResult,
    Entry,
    criterion_kind,
    evaluate_deadline,
)
from kvtui.domain.filereview import AnswerView, CriterionView, SampledAkt
from kvtui.domain.vocabulary import AnswerValue
from kvtui.store.answers import (
    answers_for,
    early_comments,
    not_applicable_in,
    restore_answer,
    save_answer,
    set_comment,
    set_early_comment,
    share_akt_dates,
)
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.idnumber_rule import as_typed
from kvtui.tui.dialogs.answer_count import AnswerCountDialog
from kvtui.tui.dialogs.answer_deadline import AnswerDeadlineDialog
from kvtui.tui.dialogs.answer_text import AnswerTextDialog
from kvtui.tui.format import progress_text
from kvtui.tui.key_guard import refuse
from kvtui.tui.widgets.filereview_format import (
    MISSING_REFERENCE,
    MISSING_REFERENCE_LEGEND,
    answer_text,
    attributes_line,
)
from kvtui.tui.widgets.filereview_list import CriteriaList
from kvtui.tui.widgets.filereview_text import KeptText, LineText
from kvtui.tui.widgets.idnumber_guard import TypedText

READ_ONLY = "Databasen är öppnad skrivskyddad; svaren kan inte ändras."
ANSWER_HINT = "Svara med j (Ja), d (Delvis), n (Nej) eller e (Ej aktuellt)."
_ANSWER_KEYS = Binding.Group("Svar")
_AKT_KEYS = Binding.Group("Akt")


class AktView(Vertical):
    """One sampled akt: its reference and attributes, the criteria and their answers."""

    # Not priority bindings, though those would skip the key's trip down to the list of
    # criteria and back up: a priority key is handled as it arrives, ahead of keys typed before
    # it that are still on their way (↓ then j would answer the criterion above the one meant).
    BINDINGS = [
        Binding("j", "answer('ja')", "Ja", group=_ANSWER_KEYS, id="filereview.answer.ja"),
        Binding("d", "answer('delvis')", "Delvis", group=_ANSWER_KEYS,
                id="filereview.answer.delvis"),
        Binding("n", "answer('nej')", "Nej", group=_ANSWER_KEYS, id="filereview.answer.nej"),
        Binding("e", "answer('ej_aktuellt')", "Ej aktuellt", group=_ANSWER_KEYS,
                id="filereview.answer.ej_aktuellt"),
        # Not in the footer, which is full at 80 columns: the line under the list says what
        # Enter does for the criterion at hand (dates, a number, or Ej aktuellt).
        Binding("enter", "fill_in", "Fyll i", show=False, tooltip="Datum, antal eller Ej aktuellt",
                id="filereview.fill_in"),
        Binding("t", "dates", "Datum", show=False, id="filereview.dates"),
        Binding("k", "comment", "Kommentar", id="filereview.comment"),
        Binding("full_stop,pagedown", "next_akt", "Nästa akt", group=_AKT_KEYS,
                id="filereview.next_akt"),
        Binding("comma,pageup", "previous_akt", "Föregående akt", group=_AKT_KEYS,
                id="filereview.previous_akt"),
        # Not in the footer either: each answer's row stands out for a moment, and a wrong one
        # is put right with Ctrl+Z.
        Binding("ctrl+z", "undo", "Ångra svar", show=False, id="filereview.undo"),
    ]

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(id=id)
        self.store = store
        self.review_id = review_id
        self._akter: tuple[SampledAkt, ...] = ()
        self._criteria: list[CriterionView] = []
        self._index = 0
        self._answers: dict[str, AnswerView] = {}
        # Comments written on criteria of the akt not answered yet, by criterion id.
        self._early_comments: dict[str, str] = {}
        self._reasons: dict[str, str] = {}
        self._answered = 0
        self._day = date.today()
        # A paste or Tab sent with the key that opens the date dialog (see ``on_key``).
        self._early_keys: list[tuple[str, str]] = []
        self._opening = False
        # The answers given since the part was opened, newest last: (akt, criterion, what the
        # answer was before), for Ctrl+Z.
        self._undo: list[tuple[str, str, AnswerView | None]] = []
        # Who has which akt (by case file id), and the granskare working here ("" if unknown).
        self._assigned: Mapping[str, str] = {}
        self._me = ""
        # The children, kept at hand: a key updates three of them, and finding each by a
        # query every time was a cost of its own.
        self._title = LineText(id="fr-title")
        self._attributes = Static("", id="fr-attributes", markup=False)
        self._list = CriteriaList(id="fr-criteria")
        self._detail = KeptText(id="fr-detail")

    def compose(self) -> ComposeResult:
        yield self._title
        yield self._attributes
        yield self._list
        yield self._detail

    # --- what is on show -----------------------------------------------------------------------

    @property
    def criteria_list(self) -> CriteriaList:
        """The list of criteria."""
        return self._list

    @property
    def akt_index(self) -> int:
        """The position (0-based) of the akt on show among the sampled akter."""
        return self._index

    @property
    def current_akt(self) -> SampledAkt | None:
        """The akt on show, None before a sample is loaded."""
        return self._akter[self._index] if self._akter else None

    @property
    def current_criterion(self) -> CriterionView | None:
        """The criterion under the cursor."""
        row = self.criteria_list.cursor_row
        return self._criteria[row] if 0 <= row < len(self._criteria) else None

    @property
    def answered(self) -> tuple[int, int]:
        """Answers given and answers expected in the whole sample."""
        return self._answered, len(self._akter) * len(self._criteria)

    # --- loading -------------------------------------------------------------------------------

    def set_division(self, assigned: Mapping[str, str], me: str) -> None:
        """Who has which akt, and who works here: her answers are saved as hers and her akter
        are marked."""
        self._assigned = dict(assigned)
        self._me = me

    def load(
        self,
        akter: Sequence[SampledAkt],
        criteria: list[CriterionView],
        answered: Mapping[str, int],
        day: date | None = None,
    ) -> None:
        """Show the sample; stays on the akt and criterion on show if they are still there,
        otherwise starts at the first akt with an unanswered criterion. ``day`` is the day on
        which criteria are judged to apply (``applicability_day``; today when not given)."""
        previous = self.current_akt
        self._day = day or date.today()
        criterion = self.current_criterion
        self._akter = tuple(akter)
        if [view.id for view in criteria] != [view.id for view in self._criteria]:
            self._criteria = list(criteria)
            criterion = None
            self._build_rows()
        elif ([view.reference is None for view in criteria]
              != [view.reference is None for view in self._criteria]):
            self._criteria = list(criteria)  # a reference added: the marks "!" change
            self._build_rows()
        else:
            self._criteria = list(criteria)
        self._answered = sum(answered.get(akt.case_file_id, 0) for akt in self._akter)
        ids = [akt.case_file_id for akt in self._akter]
        if previous is not None and previous.case_file_id in ids:
            self.show_akt(ids.index(previous.case_file_id),
                          criterion.id if criterion is not None else None)
            return
        expected = len(self._criteria)
        start = next((i for i, akt in enumerate(self._akter)
                      if answered.get(akt.case_file_id, 0) < expected), 0)
        self.show_akt(start)

    def _build_rows(self) -> None:
        """The rows, one per criterion: built once per review, never per key."""
        codes = []
        for view in self._criteria:
            code = Text(view.code)
            if view.reference is None:
                code.append("!", style="bold yellow")
            codes.append(code)
        self.criteria_list.set_rows(codes, [self._answer_cell(view) for view in self._criteria],
                                    [view.criterion.question for view in self._criteria])

    def show_akt(self, index: int, criterion_id: str | None = None) -> None:
        """Show the akt at ``index``, with the cursor on ``criterion_id`` or else on the first
        unanswered criterion."""
        if not self._akter:
            return
        index = min(max(index, 0), len(self._akter) - 1)
        akt = self._akter[index]
        with self.store.session() as session:
            answers = answers_for(session, akt.case_file_id)
            self._early_comments = early_comments(session, akt.case_file_id)
        self._index = index
        self._answers = answers
        # The criteria and the akt's attributes are at hand: which criteria apply is decided
        # here rather than read again from the store for every akt.
        self._reasons = not_applicable_in(self._criteria, akt.attributes, self._day)
        rows = self.criteria_list
        rows.set_answers([self._answer_cell(view) for view in self._criteria])
        self._show_attributes(attributes_line(akt.attributes))
        self._show_progress()
        ids = [view.id for view in self._criteria]
        if criterion_id in ids:
            row = ids.index(criterion_id)
        else:
            row = next((i for i, cid in enumerate(ids) if cid not in answers), 0)
        rows.move_cursor(row)
        self._show_detail()

    def _show_attributes(self, line: str) -> None:
        """The akt's attributes under its title, one or two lines.

        A new layout of the whole screen cost more than the rest of a key, so it is asked for
        only when the text changes between one line and two (at most two are shown).
        """
        widget = self._attributes
        width = widget.content_size.width
        old = str(widget.content)
        layout = width <= 0 or (cell_len(old) > width) != (cell_len(line) > width)
        widget.update(line, layout=layout)

    def jump_to(self, case_file_id: str, criterion_id: str | None) -> None:
        """Show an akt (chosen in the matrix) with the cursor on a criterion."""
        for index, akt in enumerate(self._akter):
            if akt.case_file_id == case_file_id:
                self.show_akt(index, criterion_id)
                return

    def focus_table(self) -> None:
        """Put the keyboard in the list of criteria."""
        self.criteria_list.focus()

    # --- drawing one thing at a time -----------------------------------------------------------

    def _answer_cell(self, view: CriterionView) -> Text:
        answer = self._answers.get(view.id)
        return answer_text(answer.value if answer else None,
                           not_applicable=view.id in self._reasons)

    def _show_progress(self) -> None:
        """One line: the akt, its own count on the left, the whole sample's on the right; on
        two lines where one is too narrow for both.

        The line has a fixed size, so an answer redraws it without a new layout (only a
        change between one line and two lays the part out anew).
        """
        akt = self.current_akt
        if akt is None:
            return
        answered, expected = self.answered
        here = sum(1 for view in self._criteria if view.id in self._answers)
        title = self._title
        left = Text.assemble((f"Akt {self._index + 1} av {len(self._akter)}", "bold"), "  ",
                             (akt.reference, "bold"), f"  {here}/{len(self._criteria)}")
        owner = self._assigned.get(akt.case_file_id, "")
        if owner:
            left.append(f"  {MINE_MARK} min akt" if owner == self._me else f"  {owner}",
                        style="bold" if owner == self._me else "dim")
        right = Text(f"Alla: {progress_text(answered, expected)}", style="dim")
        gap = title.size.width - left.cell_len - right.cell_len
        wraps = title.size.width > 0 and gap < 2
        title.set_class(wraps, "-wrapped")
        title.show(Text.assemble(left, "\n" if wraps else " " * gap, right))

    def on_resize(self) -> None:
        """The progress sits at the right edge: place it again."""
        self._show_progress()

    def _show_detail(self) -> None:
        """The detail of the criterion under the cursor, kept by what it shows (the criterion,
        its answer and why it does not apply): most keys show a detail drawn before."""
        view = self.current_criterion
        detail = self._detail
        if view is None:
            detail.show(None, str)
            return
        key: Hashable = (view, self._answers.get(view.id), self._reasons.get(view.id),
                         self._early_comments.get(view.id))
        try:
            hash(key)
        except TypeError:  # a template value that cannot be hashed: draw it every time
            key = object()
        detail.show(key, lambda: self._detail_text(view))

    def _detail_text(self, view: CriterionView) -> Text:
        """Kind, group, question, legal reference, the answer and what it rests on; why the
        criterion does not apply, unless Ej aktuellt already says so."""
        criterion = view.criterion
        kind = criterion_kind(criterion.kind)
        text = Text()
        text.append(criterion.code, style="bold")
        text.append(f" {kind.label}")
        if criterion.group:
            text.append(f" · {criterion.group}")
        text.append(f"\n{criterion.question}\n")
        if view.reference:
            text.append(f"Lagrum: {view.reference}")
        else:
            text.append(f"! {MISSING_REFERENCE}", style="bold yellow")
        answer = self._answers.get(view.id)
        if answer is not None:
            text.append("\nSvar: ")
            text.append_text(answer_text(answer.value))
            text.append(self._answer_basis(view, answer))
            if answer.comment:
                text.append(f"\nKommentar: {answer.comment}")
        elif view.id in self._early_comments:
            text.append(f"\nKommentar (inget svar ännu): {self._early_comments[view.id]}")
        reason = self._reasons.get(view.id)
        if reason and (answer is None or answer.value != AnswerValue.NOT_APPLICABLE):
            text.append(f"\nGäller inte akten: {reason} (e eller Enter: Ej aktuellt)",
                        style="italic")
        elif answer is None and kind.enter_hint:
            text.append(f"\n{kind.enter_hint}", style="dim")
        if view.reference and any(other.reference is None for other in self._criteria):
            text.append(f"\n{MISSING_REFERENCE_LEGEND}", style="dim")
        return text

    @staticmethod
    def _answer_basis(view: CriterionView, answer: AnswerView) -> str:
        """What a deadline or count answer rests on, and why it differs from the computed."""
        criterion = view.criterion
        basis = Basis(answer.start_date, answer.end_date, answer.number)
        parts = [criterion_kind(criterion.kind).explained(criterion, basis)]
        if answer.computed_value and answer.value != answer.computed_value:
            parts.append(f"ändrat från {answer_label(answer.computed_value)}: "
                         f"{answer.override_reason}")
        return "".join(f" · {part}" for part in parts if part)

    @on(CriteriaList.Highlighted)
    def _row_highlighted(self) -> None:
        self._show_detail()

    # --- saving --------------------------------------------------------------------------------

    def _save(
        self,
        view: CriterionView,
        value: str | None,
        *,
        start: date | None = None,
        end: date | None = None,
        number: int | None = None,
        override_reason: str = "",
        comment: str | None = None,
    ) -> bool:
        """One ``save_answer`` (committed when it returns), then only the changed row."""
        akt = self.current_akt
        if akt is None:
            return False
        if self.store.read_only:
            refuse(self, READ_ONLY)
            return False
        try:
            with self.store.session() as session:
                saved = save_answer(
                    session, self.review_id, akt.case_file_id, view.id, value, start=start,
                    end=end, number=number, override_reason=override_reason, comment=comment,
                    answered_by=self._me,
                )
        except (InvalidInput, NotFound) as error:
            refuse(self, str(error), severity="error", markup=False)
            return False
        previous = self._answers.get(view.id)
        if previous is None:
            self._answered += 1
        if saved != previous:
            self._undo.append((akt.case_file_id, view.id, previous))
        self._answers[view.id] = saved
        self._early_comments.pop(view.id, None)  # moved into the answer by the store
        row = self._criteria.index(view)
        rows = self.criteria_list
        if row == rows.cursor_row and row < len(self._criteria) - 1:
            # The usual key: the answer and the cursor's step down in one repaint of the list.
            rows.set_answer(row, self._answer_cell(view), move_to=row + 1, flash=True)
            self._show_progress()
            self._show_detail()
            return True
        rows.set_answer(row, self._answer_cell(view), flash=True)
        self._show_progress()
        self._advance()
        return True

    def _advance(self) -> None:
        """To the next criterion; after the last one, to the next akt's first unanswered."""
        rows = self.criteria_list
        row = rows.cursor_row
        if row < len(self._criteria) - 1:
            rows.move_cursor(row + 1)
            self._show_detail()
            return
        missing = [i for i, view in enumerate(self._criteria) if view.id not in self._answers]
        if missing:
            rows.move_cursor(missing[0])
            self._show_detail()
            first = self._criteria[missing[0]].code
            self.notify(f"Akten har {len(missing)} obesvarade kriterier; först {first}.",
                        timeout=4, markup=False)
        elif self._index + 1 < len(self._akter):
            self.show_akt(self._index + 1)
        else:
            self._show_detail()
            self.notify("Det här är den sista akten i urvalet.", timeout=4)

    def action_answer(self, value: str) -> None:
        """j / d / n / e: answer the current criterion and move on.

        A computed deadline or count result is kept (its dates or number go along); choosing
        another answer asks for the reason first. Ej aktuellt on a criterion that does not
        apply to the akt takes the template's reason.
        """
        view = self.current_criterion
        if view is None:
            return
        existing = self._answers.get(view.id)
        basis: dict[str, Any] = {}
        override = ""
        comment = None
        if existing is not None:
            basis = {"start": existing.start_date, "end": existing.end_date,
                     "number": existing.number}
            if existing.value == value:
                override = existing.override_reason
        reason = self._reasons.get(view.id, "")
        if value == AnswerValue.NOT_APPLICABLE and reason:
            override = override or reason
            if existing is None or not existing.comment:
                comment = reason
        computed = existing.computed_value if existing is not None else ""
        try:
            override_needs_reason(computed, value, override)
        except AnswerError as error:
            self._ask_override(view, value, basis, str(error))
            return
        self._save(view, value, override_reason=override, comment=comment, **basis)

    def _ask_override(
        self, view: CriterionView, value: str, basis: dict[str, Any], message: str
    ) -> None:
        akt = self.current_akt

        def answered(reason: TypedText | None) -> None:
            if reason and reason.text:
                with as_typed(reason.not_ids):
                    self._save(view, value, override_reason=reason.text, **basis)

        self.app.push_screen(
            AnswerTextDialog(
                f"{view.code} Ändra det beräknade svaret till {answer_label(value)}",
                message,
                placeholder="skäl, t.ex. beslut fattat muntligen enligt journalen",
                required=True,
                required_message="Ange ett skäl för att ändra det beräknade svaret.",
            ).for_subject(f"skäl:{akt.case_file_id}:{view.id}" if akt else ""),
            answered,
        )

    def action_undo(self) -> None:
        """Ctrl+Z: the last answer given is put back as it was (or unanswered again); again
        and again, newest first. Each undo is logged as a change of its own."""
        if not self._undo:
            refuse(self, "Inget svar att ångra sedan Aktgranskning öppnades.", timeout=3)
            return
        if self.store.read_only:
            refuse(self, READ_ONLY)
            return
        case_file_id, criterion_id, previous = self._undo[-1]
        try:
            with self.store.session() as session:
                restored = restore_answer(session, self.review_id, case_file_id, criterion_id,
                                          previous)
        except (InvalidInput, NotFound) as error:
            refuse(self, str(error), severity="error", markup=False)
            return
        self._undo.pop()
        ids = [akt.case_file_id for akt in self._akter]
        if case_file_id not in ids:  # no longer in the sample: nothing on show changes
            self.notify("Svaret är ångrat.", timeout=3)
            return
        self._answered -= restored is None  # the answer undone was there
        current = self.current_akt
        if current is not None and current.case_file_id == case_file_id:
            if restored is None:
                # An undone answer's comment stays, as a comment before the answer.
                undone = self._answers.pop(criterion_id, None)
                if undone is not None and undone.comment:
                    self._early_comments[criterion_id] = undone.comment
            else:
                self._answers[criterion_id] = restored
        else:
            self.show_akt(ids.index(case_file_id), criterion_id)
        view = next(v for v in self._criteria if v.id == criterion_id)
        row = self._criteria.index(view)
        self.criteria_list.set_answer(row, self._answer_cell(view), move_to=row, flash=True)
        self._show_progress()
        self._show_detail()
        now = answer_label(restored.value) if restored is not None else "obesvarat"
        self.notify(f"Ångrat: {view.code} är {now} igen.", timeout=3, markup=False)

    def action_fill_in(self) -> None:
        """Enter: Ej aktuellt where the criterion does not apply, else the dates or number."""
        early, self._early_keys, self._opening = self._early_keys, [], False
        view = self.current_criterion
        if view is None:
            return
        entry = criterion_kind(view.criterion.kind).entry
        if view.id in self._reasons:
            self.action_answer(AnswerValue.NOT_APPLICABLE)
        elif entry is Entry.DATES:
            self._ask_dates(view, early)
        elif entry is Entry.NUMBER:
            self._ask_count(view)
        else:
            refuse(self, ANSWER_HINT, timeout=3)

    def action_dates(self) -> None:
        """t: the dates of a deadline criterion."""
        early, self._early_keys, self._opening = self._early_keys, [], False
        view = self.current_criterion
        if view is None:
            return
        if criterion_kind(view.criterion.kind).entry is not Entry.DATES:
            refuse(self, f"Kriteriet {view.code} har ingen tidsfrist. {ANSWER_HINT}", timeout=3,
                   markup=False)
            return
        self._ask_dates(view, early)

    # A quick hand sends Enter, a pasted date and Tab together. Enter's binding runs only when
    # the key has travelled up to the app, after the paste and Tab have reached this view, so
    # they are kept here and handed to the date dialog that Enter (or t) opens.

    def on_key(self, event: events.Key) -> None:
        """Notes the key that opens the date dialog; a Tab right after it is the dialog's."""
        if event.key in ("enter", "t"):
            self._early_keys = []
            self._opening = True
        elif event.key in ("tab", "shift+tab") and (self._opening or self._dialog_above()):
            event.stop()
            event.prevent_default()
            self._hand_early(event.key, "")
        else:
            self._opening = False

    def on_paste(self, event: events.Paste) -> None:
        """A date pasted at once after Enter belongs in the date dialog."""
        if self._opening or self._dialog_above():
            event.stop()
            self._hand_early("paste", event.text)

    def _dialog_above(self) -> AnswerDeadlineDialog | None:
        dialog = self.app.screen
        return dialog if isinstance(dialog, AnswerDeadlineDialog) and dialog is not self.screen \
            else None

    def _hand_early(self, kind: str, text: str) -> None:
        dialog = self._dialog_above()
        if dialog is not None:
            dialog.take_early(kind, text)
        else:
            self._early_keys.append((kind, text))

    def _akt_dates(self) -> dict[str, date]:
        """The akt's dates by label, as typed for its deadline criteria so far or listed
        among its attributes."""
        akt = self.current_akt
        return akt_dates(((view.criterion, answer.start_date, answer.end_date)
                          for view in self._criteria
                          if (answer := self._answers.get(view.id)) is not None),
                         akt.attributes if akt is not None else None)

    def _ask_dates(self, view: CriterionView, early: Sequence[tuple[str, str]] = ()) -> None:
        """The dates of a deadline criterion; those the akt already has are not asked again
        (both known: saved at once), and a date changed here changes for every criterion
        that names it. ``early``: a paste or Tab sent with the key that asked (``on_key``)."""
        existing = self._answers.get(view.id)
        start, end = known_dates(view.criterion, self._akt_dates())
        if existing is not None and existing.start_date and existing.end_date:
            start, end = existing.start_date, existing.end_date
        elif start is not None and end is not None:
            try:
                evaluate_deadline(view.criterion, start, end)
            except AnswerError:
                pass  # the known dates do not fit this criterion: ask
            else:
                self._save_dates(view, start, end)
                return

        def entered(result: DeadlineResult | None) -> None:
            if result is not None:
                self._save_dates(view, result.start, result.end)

        akt = self.current_akt
        dialog = AnswerDeadlineDialog(view.criterion, start, end).for_subject(
            f"datum:{akt.case_file_id}:{view.id}" if akt else "")
        for kind, text in early:
            dialog.take_early(kind, text)
        self.app.push_screen(dialog, entered)

    def _save_dates(self, view: CriterionView, start: date, end: date) -> None:
        """Save the dates, then give them to the akt's other criteria that name them."""
        akt = self.current_akt
        if akt is None or not self._save(view, None, start=start, end=end):
            return
        try:
            with self.store.session() as session:
                changed = share_akt_dates(session, self.review_id, akt.case_file_id, view.id)
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        for answer in changed:
            self._answers[answer.criterion_id] = answer
            row = next(i for i, v in enumerate(self._criteria) if v.id == answer.criterion_id)
            self.criteria_list.set_answer(row, self._answer_cell(self._criteria[row]))
        if changed:
            codes = ", ".join(v.code for v in self._criteria
                              if v.id in {a.criterion_id for a in changed})
            self.notify(f"Aktens datum ändrat även i {codes}.", timeout=4, markup=False)
            self._show_detail()

    def _ask_count(self, view: CriterionView) -> None:
        existing = self._answers.get(view.id)
        akt = self.current_akt

        def entered(number: int | None) -> None:
            if number is not None:
                self._save(view, None, number=number)

        self.app.push_screen(
            AnswerCountDialog(view.criterion, existing.number if existing else None).for_subject(
                f"antal:{akt.case_file_id}:{view.id}" if akt else ""),
            entered,
        )

    def action_comment(self) -> None:
        """k: a comment on the current answer, or on a criterion not answered yet (the
        auditor often notes what she found before she decides the answer)."""
        view = self.current_criterion
        akt = self.current_akt
        if view is None or akt is None:
            return
        existing = self._answers.get(view.id)
        if existing is None:
            self._comment_before_answer(view, akt)
            return
        if self.store.read_only:
            refuse(self, READ_ONLY)
            return

        def written(comment: TypedText | None) -> None:
            if comment is None:
                return
            try:
                with as_typed(comment.not_ids), self.store.session() as session:
                    saved = set_comment(session, self.review_id, akt.case_file_id, view.id,
                                        comment.text)
            except (InvalidInput, NotFound) as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self._answers[view.id] = saved
            self._show_detail()

        self.app.push_screen(
            AnswerTextDialog(f"{view.code} Kommentar", view.criterion.question,
                             initial=existing.comment, placeholder="kommentar till svaret",
                             ).for_subject(f"kommentar:{akt.case_file_id}:{view.id}"),
            written,
        )

    def _comment_before_answer(self, view: CriterionView, akt: SampledAkt) -> None:
        """The comment editor for a criterion not answered yet; the criterion stays
        unanswered, and the comment moves into the answer when it is given."""
        if self.store.read_only:
            refuse(self, READ_ONLY)
            return

        def written(comment: TypedText | None) -> None:
            if comment is None:
                return
            try:
                with as_typed(comment.not_ids), self.store.session() as session:
                    stored = set_early_comment(session, self.review_id, akt.case_file_id,
                                               view.id, comment.text)
            except (InvalidInput, NotFound) as error:
                refuse(self, str(error), severity="error", markup=False)
                return
            if stored:
                self._early_comments[view.id] = stored
            else:
                self._early_comments.pop(view.id, None)
            self._show_detail()
            self.notify(f"Kommentaren till {view.code} är sparad; kriteriet är inte besvarat "
                        f"än. {ANSWER_HINT}", timeout=4, markup=False)

        self.app.push_screen(
            AnswerTextDialog(f"{view.code} Kommentar (inget svar ännu)", view.criterion.question,
                             initial=self._early_comments.get(view.id, ""),
                             placeholder="kommentar; svaret ger du sedan med j, d, n eller e",
                             ).for_subject(f"kommentar:{akt.case_file_id}:{view.id}"),
            written,
        )

    def action_next_akt(self) -> None:
        """. or PgDn: the next akt."""
        if self._index + 1 >= len(self._akter):
            refuse(self, "Det här är den sista akten i urvalet.", timeout=3)
            return
        self.show_akt(self._index + 1)

    def action_previous_akt(self) -> None:
        """, or PgUp: the previous akt."""
        if self._index == 0:
            refuse(self, "Det här är den första akten i urvalet.", timeout=3)
            return
        self.show_akt(self._index - 1)
