"""Jämför: what has changed in the report since the last draft was sent to the unit.

The unit commented on the draft it read; the auditor goes on working meanwhile. Before the
report is signed off she needs to see what the unit has not seen: each place that changed
(a field, Metod, a section, a document, an interview, a criterion's result), how, and the
sentences that went (−) and came (+). The comparison itself is the store's and the domain's
(``changes_since_factcheck``); this screen only shows it, scrollable, and Escape closes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from kvtui.domain.plural import plural
from kvtui.domain.signoff import ContentChange, FactCheckRoundView

NOTHING_CHANGED = "Inget har ändrats sedan utkastet skickades."
REMOVED_STYLE = "red"
ADDED_STYLE = "green"


def round_label(sent: FactCheckRoundView) -> str:
    """"Utkast 2, skickat 2026-11-20", with the report version once it has been reopened."""
    version = f" (version {sent.version})" if sent.version > 1 else ""
    return f"Utkast {sent.number}{version}, skickat {sent.sent_on.isoformat()}"


def changes_heading(sent: FactCheckRoundView, changes: Sequence[ContentChange]) -> str:
    """The line over the list: which draft is compared with, and how many places changed."""
    if not changes:
        return f"{round_label(sent)}. {NOTHING_CHANGED}"
    count = len(changes)
    return (f"{round_label(sent)}. Sedan dess har rapporten ändrats på "
            f"{plural(count, 'ställe', 'ställen')}:")


def changes_text(changes: Sequence[ContentChange]) -> Text:
    """Every change: where and how in bold, then its removed and added sentences."""
    text = Text()
    for index, change in enumerate(changes):
        if index:
            text.append("\n\n")
        text.append(f"{change.where} · {change.kind}", style="bold")
        for line in change.lines():
            style = REMOVED_STYLE if line.startswith("−") else ADDED_STYLE
            text.append("\n")
            text.append(line, style=style)
    return text


class ChangesScreen(ModalScreen[None]):
    """Lists the changes since ``sent`` was sent; ↑ ↓ PgUp PgDn scroll, Escape closes."""

    BINDINGS = [
        Binding("escape,q", "close", "Stäng", id="factcheck_changes.close"),
    ]

    def __init__(self, sent: FactCheckRoundView, changes: Sequence[ContentChange]) -> None:
        super().__init__(classes="dialog")
        self._sent = sent
        self._changes = list(changes)

    @property
    def changes(self) -> list[ContentChange]:
        """The changes shown."""
        return list(self._changes)

    def compose(self) -> ComposeResult:
        with Vertical(id="changes-box", classes="dialog-box"):
            yield Static("Jämför med utkastet", classes="box-title")
            yield Static(changes_heading(self._sent, self._changes), id="changes-heading",
                         markup=False)
            with VerticalScroll(id="changes-body"):
                yield Static(changes_text(self._changes), id="changes-list")
        yield Footer()

    def on_mount(self) -> None:
        body = self.query_one("#changes-body", VerticalScroll)
        body.display = bool(self._changes)
        body.focus()

    def action_close(self) -> None:
        """Back to Faktagranskning."""
        self.dismiss(None)
