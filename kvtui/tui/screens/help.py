"""Hjälp (F1): every key kvtui knows, grouped by where it works."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from kvtui.tui.part_widgets import PART_KEY_SOURCES
from kvtui.tui.parts import PARTS
from kvtui.tui.screens.plan import PlanScreen

HelpSection = tuple[str, tuple[tuple[str, str], ...]]

_KEY_NAMES = {
    "enter": "Enter", "escape": "Esc", "delete": "Delete", "pagedown": "PgDn",
    "pageup": "PgUp", "home": "Home", "end": "End", "up": "↑", "down": "↓", "left": "←",
    "right": "→", "plus": "+", "minus": "-", "full_stop": ".", "comma": ",",
    "left_square_bracket": "[", "right_square_bracket": "]", "slash": "/", "space": "Mellanslag",
}


def key_label(keys: str) -> str:
    """A binding's keys as the auditor reads them: "full_stop,pagedown" → ". / PgDn"."""
    labels = []
    for key in keys.split(","):
        parts = key.strip().split("+")
        named = [_KEY_NAMES.get(part, part.upper() if len(part) == 1 else part.capitalize())
                 for part in parts]
        labels.append("+".join(named))
    return " / ".join(dict.fromkeys(labels))


def part_key_sections() -> tuple[HelpSection, ...]:
    """One section per working part, read from the parts' own bindings so help never lags."""
    sections: list[HelpSection] = []
    for part in PARTS:
        rows: dict[str, str] = {}
        for widget_class in PART_KEY_SOURCES.get(part.id, ()):
            for binding in widget_class.BINDINGS:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                text = binding.tooltip or binding.description
                rows.setdefault(key_label(binding.key), text)
        if rows:
            sections.append((f"{part.key} {part.title}", tuple(rows.items())))
    return tuple(sections)


def plan_key_rows() -> tuple[tuple[str, str], ...]:
    """Åtgärdsplan's keys, read from its own bindings, and the keys of its choice fields."""
    rows: dict[str, str] = {"↑ ↓": "Välj risk, åtgärd eller indikator"}
    for binding in PlanScreen.BINDINGS:
        if isinstance(binding, Binding) and binding.description:
            tip, said = binding.tooltip, binding.description
            text = tip if tip.startswith(said) else f"{said}: {tip}" if tip else said
            rows.setdefault(key_label(binding.key), text)
    rows["Enter"] = "Ändra risken eller åtgärden"
    rows["1–4, ← →"] = ("I en bedömning: sannolikhet och allvarlighetsgrad (← → byter); "
                        "nivån visas direkt")
    rows["G / U / R / 0"] = "I uppföljningen: stoppljus grönt, gult, rött eller inget"
    return tuple(rows.items())


HELP_SECTIONS: tuple[HelpSection, ...] = (
    (
        "Överallt",
        (
            ("F1", "Hjälp: den här sidan"),
            ("Ctrl+P", "Kommandon: sök bland allt du kan göra"),
            ("Ctrl+Q", "Avsluta kvtui (frågar först om en dialog har text som inte är sparad)"),
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
            ("F", "Ny granskning utifrån den valda: samma enhet, mall och avsnitt, perioden "
                  "ett år senare; inga svar eller bedömningar följer med"),
            ("R", "Uppdatera listan"),
            ("P", "Åtgärdsplan för den valda granskningens enhet (skapas om den saknas)"),
            ("I", "Inställningar: nämndens namn och logotyp på rapportens omslag"),
            ("X", "Exportera paket: den valda granskningen i en krypterad fil"),
            ("M", "Importera paket: en granskning från en annan granskares paket"),
            ("A", "Arkivet: enhetens granskningar i arkivet, skrivskyddat"),
            ("U", "Skicka till arkivet: den valda granskningen (frågar först)"),
        ),
    ),
    (
        "Arkivet",
        (
            ("↑ ↓", "Välj granskning"),
            ("H", "Hämta hit: den valda granskningen till den här datorn (frågar först)"),
            ("S", "Sök i arkivets texter; Enter söker, Esc tömmer sökfältet"),
            ("Enter", "Öppna granskningen om den finns här"),
            ("R", "Uppdatera listan"),
            ("Esc", "Tillbaka till Granskningar"),
        ),
    ),
    (
        "Granskningens arbetsyta",
        (
            ("1–8", "Gå till en del av granskningen"),
            *((part.key, f"  {part.title}") for part in PARTS),
            ("↑ ↓", "Välj del i listan till vänster"),
            ("E", "Redigera uppgifter (titel, enhet, period, syfte …)"),
            ("P", "Åtgärdsplan för granskningens enhet (skapas om den saknas)"),
            ("K", "Konflikter från en sammanslagning: behåll värdet här (H), ta det inkomna "
                  "(I) eller skriv ett nytt (N)"),
            ("R", "Uppdatera"),
            ("Esc", "Tillbaka till Granskningar"),
        ),
    ),
    *part_key_sections(),
    ("Åtgärdsplan", plan_key_rows()),
    (
        "Texter i Bedömningar (rubriker, fotnoter, citat)",
        (
            ("Tom rad", "Nytt stycke; rader utan tom rad emellan blir ett stycke"),
            ("# Rubrik", "En rad som börjar med # och mellanslag blir en numrerad underrubrik"),
            ("[fotnot: text]", "En fotnot; numreras med lagrumsnoterna genom rapporten"),
            ("• / - / *", "Först på raden: en punkt i en punktlista"),
            ("Ctrl+O", "Citera en iakttagelse (väljs i en lista; skrivs med roll och datum)"),
            ("Ctrl+T", "Förhandsvisa texten som rapporten skriver den"),
        ),
    ),
    (
        "Formuläret Ny granskning / Redigera uppgifter",
        (
            ("Ctrl+S", "Spara"),
            ("Esc", "Avbryt (frågar Spara / Släng / Fortsätt om du har ändrat något)"),
            ("Enter, ↓", "Öppna listan med mallar (i fältet Mall)"),
            ("Tab", "Nästa fält, även från textrutorna Syfte och Omfattning"),
            ("Ctrl+G", "Inte personnummer: spara det som liknar ett personnummer som det är "
                       "skrivet"),
        ),
    ),
    (
        "Dialoger och texter",
        (
            ("Ctrl+S", "Spara"),
            ("Esc", "Stäng (frågar Spara / Släng / Fortsätt om du har skrivit något)"),
            ("S / L / F", "I frågan: Spara, Släng eller Fortsätt skriva (Esc)"),
            ("Ctrl+A", "Markera hela texten"),
            ("Ctrl+Home / Ctrl+End", "Till textens början / slut"),
            ("Ctrl+G", "Inte personnummer: spara det som liknar ett personnummer som det är "
                       "skrivet"),
            ("Ctrl+O", "Välj fil (Importera akter, logotypen i Inställningar)"),
        ),
    ),
    (
        "Frågor (Ja/Nej)",
        (
            ("J", "Ja"),
            ("N", "Nej"),
            ("Esc", "Avbryt (som Nej)"),
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
