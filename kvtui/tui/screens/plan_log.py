"""The plan's log: every change to the unit's action plan, newest first.

A plan's entries carry no review, so a review's log never shows them; the committee secretary
reads here who changed what in the plan and when, deleted risks and actions included.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from kvtui.domain.plural import plural
from kvtui.store.database import Store
from kvtui.store.plan_log import plan_log
from kvtui.tui.format import shorten
from kvtui.tui.widgets.key_footer import KeyFooter

EVENT_WIDTH = 22
CHANGES_WIDTH = 34


class PlanLogScreen(Screen[None]):
    """The plan's change log as a list; the change under the cursor in full below it."""

    BINDINGS = [Binding("escape", "back", "Tillbaka", id="plan_log.back")]

    def __init__(self, store: Store, plan_id: str, unit: str) -> None:
        super().__init__()
        self._store = store
        self._plan_id = plan_id
        self._unit = unit
        self._full: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plan-log-bar", markup=False)
        yield DataTable(id="plan-log-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="plan-log-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"Åtgärdsplanens logg · {self._unit}"
        table = self.query_one("#plan-log-table", DataTable)
        table.add_column("Tid", key="at", width=16)
        table.add_column("Händelse", key="event", width=EVENT_WIDTH)
        table.add_column("Ändring", key="changes", width=CHANGES_WIDTH)
        with self._store.session() as session:
            entries = plan_log(session, self._plan_id)
        for entry in entries:
            table.add_row(entry.at.strftime("%Y-%m-%d %H:%M"),
                          Text(shorten(entry.event, EVENT_WIDTH)),
                          Text(shorten(entry.summary, CHANGES_WIDTH)), key=str(entry.seq))
            self._full.append(f"{entry.at:%Y-%m-%d %H:%M} · {entry.actor} · {entry.event}\n"
                              f"{entry.summary}")
        self.query_one("#plan-log-bar", Static).update(
            plural(len(entries), "händelse", "händelser") + ", den senaste först")
        self._show(0)
        table.focus()

    def _show(self, row: int) -> None:
        detail = self._full[row] if 0 <= row < len(self._full) else "Loggen är tom."
        self.query_one("#plan-log-detail", Static).update(detail)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The change under the cursor, in full."""
        self._show(event.cursor_row)

    def action_back(self) -> None:
        """Back to the plan."""
        self.dismiss(None)

    @property
    def rows(self) -> list[Any]:
        """The log's rows as shown (time, event, changes)."""
        table = self.query_one("#plan-log-table", DataTable)
        return [table.get_row_at(index) for index in range(table.row_count)]
