"""A part of the workspace that is not built yet: what it will hold, in plain Swedish."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kvtui.tui.parts import Part


class PartNote(VerticalScroll):
    """Tells the auditor what the part is for, so the workspace already shows the whole job."""

    def __init__(self, part: Part) -> None:
        super().__init__(id=part.widget_id, classes="part-note")
        self._part = part

    def compose(self) -> ComposeResult:
        yield Static(self._part.title, classes="part-heading")
        yield Static(self._part.description, classes="part-text", markup=False)
