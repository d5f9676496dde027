"""Redo för rapport: statements per colour per quality dimension, and what is still missing.

A self-contained widget for Översikt: give it the store and the review, call ``reload`` when
the review may have changed (the workspace does after each ``WorkspacePart.Changed``). The
counts come from ``kvtui.domain.judgement.colour_counts``, the missing lines from
``kvtui.store.assessments.missing_for_review``; each level is written as a word on its colour.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from kvtui.domain.judgement import DIMENSION_QUALITY, RATINGS, colour_counts
from kvtui.store.assessments import missing_for_review, review_sections
from kvtui.store.database import Store
from kvtui.store.errors import NotFound
from kvtui.tui.widgets.judgement_format import RATING_STYLES

READY = "Inget saknas: rapporten kan exporteras."
MAX_MISSING = 12


def counts_table(counts: dict[str, dict[str, int]]) -> Table:
    """Dimension × level (Grön, Gul, Röd, Ingen) with totals; a level's header on its colour."""
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("Dimension", no_wrap=True)
    for rating, label in RATINGS.items():
        table.add_column(Text(label, style=RATING_STYLES.get(rating, "")), justify="right",
                         no_wrap=True)
    table.add_column("Summa", justify="right", no_wrap=True)
    totals = dict.fromkeys(RATINGS, 0)
    for dimension, per in counts.items():
        name = DIMENSION_QUALITY.get(dimension, dimension or "utan dimension")
        cells = [str(per.get(rating, 0)) for rating in RATINGS]
        for rating in RATINGS:
            totals[rating] += per.get(rating, 0)
        table.add_row(name, *cells, str(sum(per.values())))
    table.add_row(Text("Alla", style="bold"), *(str(totals[r]) for r in RATINGS),
                  str(sum(totals.values())), style="bold")
    return table


def missing_text(lines: list[str], limit: int = MAX_MISSING) -> Text:
    """What is missing, one line each, at most ``limit`` lines and a count of the rest."""
    if not lines:
        return Text(READY, style="bold")
    text = Text()
    text.append(f"Saknas före rapport ({len(lines)}):", style="bold")
    for line in lines[:limit]:
        text.append(f"\n• {line}")
    if len(lines) > limit:
        text.append(f"\n… och {len(lines) - limit} till.", style="italic")
    return text


class Readiness(Vertical):
    """Colour counts per dimension and the lines missing before a report."""

    DEFAULT_CSS = """
    Readiness {
        height: auto;
    }
    Readiness > #readiness-counts {
        height: auto;
    }
    Readiness > #readiness-missing {
        height: auto;
        margin-top: 1;
    }
    """

    def __init__(self, store: Store, review_id: str, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.store = store
        self.review_id = review_id
        self._missing: list[str] = []
        self._counts: dict[str, dict[str, int]] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="readiness-counts")
        yield Static(id="readiness-missing")

    def on_mount(self) -> None:
        self.reload()

    def on_show(self) -> None:
        """Back in Översikt after a change the review's facts do not show (a criterion's
        legal reference): read what is missing again."""
        self.reload()

    @property
    def missing(self) -> list[str]:
        """The missing lines as last read."""
        return list(self._missing)

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Statements per level per dimension as last read."""
        return self._counts

    def reload(self) -> None:
        """Read the counts and the missing lines again and show them."""
        try:
            with self.store.session() as session:
                self._counts = colour_counts(review_sections(session, self.review_id))
                self._missing = missing_for_review(session, self.review_id)
        except NotFound as error:
            self.query_one("#readiness-counts", Static).update(Text(str(error)))
            self.query_one("#readiness-missing", Static).update("")
            return
        self.query_one("#readiness-counts", Static).update(counts_table(self._counts))
        self.query_one("#readiness-missing", Static).update(missing_text(self._missing))
