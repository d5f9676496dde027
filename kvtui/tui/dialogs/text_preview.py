"""Förhandsvisning: a section text as the report will read it.

Sub-headings with their numbers, pasted lines joined into paragraphs, list items, quoted
observations written out by role and date, and the auditor's footnotes numbered with the
notes listed last (the report numbers them through the whole document, together with the
legal references). What is wrong with the markup is said first.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

NOTE = "Fotnoterna numreras i rapporten genom hela dokumentet, tillsammans med lagrummen."


class TextPreviewDialog(ModalScreen[None]):
    """Shows ``lines`` (``kvtui.domain.section_text.plain_lines``) under ``title``, with
    ``problems`` above them."""

    BINDINGS = [
        Binding("escape,ctrl+t", "close", "Stäng", id="text_preview.close"),
    ]

    def __init__(self, title: str, lines: Sequence[str], problems: Sequence[str]) -> None:
        super().__init__(classes="dialog")
        self._title = title
        self._lines = list(lines)
        self._problems = list(problems)

    def compose(self) -> ComposeResult:
        with Vertical(id="preview-box", classes="dialog-box"):
            yield Static(f"Förhandsvisning · {self._title}", classes="box-title", markup=False)
            if self._problems:
                yield Static("Att rätta:\n" + "\n".join(f"• {p}" for p in self._problems),
                             id="preview-problems", classes="dialog-problems", markup=False)
            with VerticalScroll(id="preview-body"):
                yield Static("\n".join(self._lines) or "Avsnittet saknar text.",
                             id="preview-text", markup=False)
            yield Static(NOTE, id="preview-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#preview-body", VerticalScroll).focus()

    @property
    def text(self) -> str:
        """The preview as shown, problems first."""
        return "\n".join([*self._problems, *self._lines])

    def action_close(self) -> None:
        """Back to the text."""
        self.dismiss(None)
