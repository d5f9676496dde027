"""Hjälp (F1): every key kvtui knows, grouped by where it works."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from kvtui.tui.parts import PARTS

HelpSection = tuple[str, tuple[tuple[str, str], ...]]

HELP_SECTIONS: tuple[HelpSection, ...] = (
    (
        "Överallt",
        (
            ("F1", "Hjälp: den här sidan"),
            ("Ctrl+P", "Kommandon: sök bland allt du kan göra"),
            ("Ctrl+Q", "Avsluta kvtui (frågar först om ett formulär inte är sparat)"),
            ("Tab / Shift+Tab", "Nästa / föregående fält eller lista"),
            ("Ctrl+C", "Kopiera markerad text"),
        ),
    ),
    (
        "Granskningar",
        (
            ("↑ ↓", "Välj granskning"),
            ("Enter", "Öppna den valda granskningen"),
            ("N", "Ny granskning"),
            ("R", "Uppdatera listan"),
        ),
    ),
    (
        "Granskningens arbetsyta",
        (
            ("1–8", "Gå till en del av granskningen"),
            *((part.key, f"  {part.title}") for part in PARTS),
            ("↑ ↓", "Välj del i listan till vänster"),
            ("E", "Redigera uppgifter (titel, enhet, period, syfte …)"),
            ("R", "Uppdatera"),
            ("Esc", "Tillbaka till Granskningar"),
        ),
    ),
    (
        "Formuläret Ny granskning / Redigera uppgifter",
        (
            ("Ctrl+S", "Spara"),
            ("Esc", "Avbryt (frågar först om du har ändrat något)"),
            ("Enter, ↓", "Öppna listan med mallar (i fältet Mall)"),
            ("Tab", "Nästa fält, även från textrutorna Syfte och Omfattning"),
        ),
    ),
    (
        "Frågor (Ja/Nej)",
        (
            ("J", "Ja"),
            ("N / Esc", "Nej"),
        ),
    ),
    (
        "Hjälp",
        (("Esc, F1 eller Q", "Stäng hjälpen"),),
    ),
)


def _section_table(rows: tuple[tuple[str, str], ...]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", min_width=16, no_wrap=True)
    table.add_column(ratio=1)
    for key, description in rows:
        table.add_row(key, description)
    return table


def help_text() -> str:
    """All sections as plain text, for tests and for anyone who wants to print the keys."""
    lines: list[str] = []
    for title, rows in HELP_SECTIONS:
        lines.append(title)
        lines.extend(f"  {key}: {description.strip()}" for key, description in rows)
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """Lists every key, so nothing in kvtui needs the mouse or a manual to find."""

    BINDINGS = [
        Binding("escape,q", "close", "Stäng", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog-box"):
            yield Static("Hjälp – tangenter i kvtui", id="help-title", classes="box-title")
            with VerticalScroll(id="help-body"):
                for title, rows in HELP_SECTIONS:
                    yield Static(title, classes="help-heading")
                    yield Static(_section_table(rows), classes="help-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def action_close(self) -> None:
        """Back to where F1 was pressed."""
        self.dismiss(None)
