"""The workspace part 'interviews' (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kvtui.tui.widgets.part_base import WorkspacePart


class InterviewsPart(WorkspacePart):
    """Placeholder until the part is built."""

    def compose(self) -> ComposeResult:
        yield Static("Delen byggs.")
