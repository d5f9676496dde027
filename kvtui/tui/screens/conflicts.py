"""Konflikter: what two auditors both changed since their copies last met, and the choice.

A merge keeps both values of such a field (``kvtui.store.merge``); the review cannot be sent
for fact-check or signed until each is settled here or with ``kvtui resolve``. A choice is
written to the change log with both values and cannot be taken back, so each one is asked
before it is made.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from kvtui.domain.merge import ConflictView, side_text, what_text, who_text
from kvtui.domain.plural import plural
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.idnumber_rule import as_typed
from kvtui.store.merge_conflicts import list_conflicts, resolve_conflict
from kvtui.tui.dialogs.answer_text import AnswerTextDialog
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.format import shorten
from kvtui.tui.widgets.idnumber_guard import TypedText
from kvtui.tui.widgets.key_footer import KeyFooter

WHAT_WIDTH = 30
VALUE_WIDTH = 22
_CHOICES = {"local": "värdet här", "incoming": "det inkomna värdet"}
_SETTLED = {**_CHOICES, "value": "ett nytt värde"}


class ConflictsScreen(Screen[None]):
    """The review's conflicts as a list, the one under the cursor in full below it."""

    BINDINGS = [
        Binding("h", "choose('local')", "Behåll här", id="conflicts.local"),
        Binding("i", "choose('incoming')", "Ta inkommet", id="conflicts.incoming"),
        Binding("n", "new_value", "Nytt värde", id="conflicts.value"),
        Binding("a", "toggle_settled", "Visa avgjorda", id="conflicts.settled"),
        Binding("escape", "back", "Tillbaka", id="conflicts.back"),
    ]

    def __init__(self, store: Store, review_id: str) -> None:
        super().__init__()
        self._store = store
        self._review_id = review_id
        self._with_settled = False
        self.conflicts: list[ConflictView] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="conflicts-bar", markup=False)
        yield DataTable(id="conflicts-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="conflicts-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Konflikter från en sammanslagning"
        table = self.query_one("#conflicts-table", DataTable)
        table.add_column("Vad", key="what", width=WHAT_WIDTH)
        table.add_column("Här", key="local", width=VALUE_WIDTH)
        table.add_column("Inkommet", key="incoming", width=VALUE_WIDTH)
        table.add_column("Status", key="status", width=10)
        self.reload()
        table.focus()

    def reload(self) -> None:
        """Read the conflicts again and show them, the cursor kept where it was."""
        table = self.query_one("#conflicts-table", DataTable)
        row = table.cursor_row
        with self._store.session() as session:
            self.conflicts = list_conflicts(session, self._review_id,
                                            with_resolved=self._with_settled)
        table.clear()
        for view in self.conflicts:
            table.add_row(Text(shorten(what_text(view), WHAT_WIDTH)),
                          Text(shorten(side_text(view, view.local), VALUE_WIDTH)),
                          Text(shorten(side_text(view, view.incoming), VALUE_WIDTH)),
                          Text("avgjord" if view.resolved else "öppen",
                               style="" if view.resolved else "bold"),
                          key=view.id)
        open_count = sum(not view.resolved for view in self.conflicts)
        self.query_one("#conflicts-bar", Static).update(
            "Inga öppna konflikter." if not open_count else
            plural(open_count, "öppen konflikt", "öppna konflikter")
            + ". h behåller värdet här, i tar det inkomna, n skriver ett nytt.")
        if self.conflicts:
            table.move_cursor(row=min(row, len(self.conflicts) - 1))
        self._show(table.cursor_row)

    def _show(self, row: int) -> None:
        view = self.current(row)
        if view is None:
            text = "Inga konflikter att visa."
        else:
            text = (f"{what_text(view)}\n"
                    f"Här:      {side_text(view, view.local)}  ({who_text(view.local)})\n"
                    f"Inkommet: {side_text(view, view.incoming)}  ({who_text(view.incoming)})")
            if view.resolved:
                chosen = _SETTLED.get(view.resolution, view.resolution)
                text += (f"\nAvgjord med {chosen} av {view.resolved_by or 'okänd'}, "
                         f"{view.resolved_at[:16].replace('T', ' ')}")
        self.query_one("#conflicts-detail", Static).update(text)

    def current(self, row: int | None = None) -> ConflictView | None:
        """The conflict under the cursor (or on ``row``)."""
        if row is None:
            row = self.query_one("#conflicts-table", DataTable).cursor_row
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The conflict under the cursor, in full."""
        self._show(event.cursor_row)

    def _open_conflict(self) -> ConflictView | None:
        view = self.current()
        if view is None:
            self.notify("Det finns ingen konflikt att avgöra.", severity="warning")
            return None
        if view.resolved:
            self.notify("Konflikten är redan avgjord.", severity="warning")
            return None
        return view

    def action_choose(self, choice: str) -> None:
        """Settle the conflict with one side's value, after a question."""
        view = self._open_conflict()
        if view is None:
            return
        side = view.local if choice == "local" else view.incoming
        question = (f"Avgör konflikten med {_CHOICES[choice]} ({side_text(view, side)})?\n"
                    f"{what_text(view)}\nValet skrivs i ändringsloggen med båda värdena.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._resolve(view, choice)

        self.app.push_screen(ConfirmDialog(question, yes="Avgör"), answered)

    def action_new_value(self) -> None:
        """Settle the conflict with a new text, written in a dialog that keeps a draft."""
        view = self._open_conflict()
        if view is None:
            return
        start = view.local.value if isinstance(view.local.value, str) else ""
        dialog = AnswerTextDialog(
            "Nytt värde", f"{what_text(view)}\nHär: {side_text(view, view.local)}\n"
            f"Inkommet: {side_text(view, view.incoming)}", initial=start, required=True,
        ).for_subject(f"konflikt:{view.id}")

        def written(typed: TypedText | None) -> None:
            if typed is not None:
                self._resolve(view, "value", typed)

        self.app.push_screen(dialog, written)

    def _resolve(self, view: ConflictView, choice: str, typed: TypedText | None = None
                 ) -> None:
        value, not_ids = (None, frozenset[str]()) if typed is None else (typed.text,
                                                                         typed.not_ids)
        try:
            with as_typed(not_ids), self._store.session() as session:
                resolve_conflict(session, self._review_id, view.id, choice, value)
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify("Konflikten är avgjord.", timeout=3)
        self.reload()

    def action_toggle_settled(self) -> None:
        """Show the settled conflicts too, or only the open ones."""
        self._with_settled = not self._with_settled
        self.reload()

    def action_back(self) -> None:
        """Back to the review."""
        self.dismiss(None)
