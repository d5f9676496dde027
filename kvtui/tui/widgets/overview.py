"""Översikt: a review's facts, progress and report sections, read-only at a glance."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from kvtui.domain.assignment import MINE_MARK
from kvtui.domain.assignment import progress_rows as auditor_rows
from kvtui.domain.reviews import ReviewDetail
from kvtui.domain.year_over_year import (
    YearComparison,
    change_cell,
    share_text,
    unmatched_lines,
)
from kvtui.store.assignments import assignments, auditor_progress, review_auditors
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.previous_review import (
    comparison_section,
    review_comparison,
    set_comparison_section,
)
from kvtui.tui.format import DASH, period_text, progress_text
from kvtui.tui.widgets.assignment import my_granskare
from kvtui.tui.widgets.readiness import Readiness
from kvtui.tui.widgets.results import ResultsSummary

# The quality dimensions by the names the auditors' reports use for them.
DIMENSION_NAMES = {
    "struktur": "strukturkvalitet",
    "process": "processkvalitet",
    "resultat": "resultatkvalitet",
}


def _facts_table(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, min_width=13)
    table.add_column(ratio=1)
    for label, value in rows:
        table.add_row(label, Text(value or DASH))
    return table


def facts_rows(detail: ReviewDetail) -> list[tuple[str, str]]:
    """Label and value of each fact, in the order the report's cover and Metod use them."""
    fields = detail.fields
    summary = detail.summary
    template = summary.template_title or detail.template_name
    return [
        ("Status", summary.status_label),
        ("Enhet", fields.unit),
        ("Kommun", fields.municipality),
        ("Nämnd", fields.committee),
        ("Diarienummer", fields.diary_number),
        ("Granskare", ", ".join(fields.auditors)),
        ("Period", period_text(fields.period_start, fields.period_end)),
        ("Mall", f"{template}, version {detail.template_version} ({detail.template_name})"),
    ]


def progress_rows(detail: ReviewDetail) -> list[tuple[str, str]]:
    """How far the file review has come."""
    summary = detail.summary
    sampled = str(summary.sampled) if summary.sampled else "inget urval draget ännu"
    return [
        ("Akter", str(summary.case_files)),
        ("Urval", sampled),
        ("Kriterier", str(len(detail.criteria_codes))),
        ("Besvarade", progress_text(summary.answered, summary.expected)),
    ]


def _sections_table(detail: ReviewDetail) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("Nr", no_wrap=True)
    table.add_column("Avsnitt", ratio=1)
    table.add_column("Dimension", no_wrap=True)
    for section in detail.sections:
        indent = "  " * max(section.number.count("."), 0)
        table.add_row(
            Text(section.number),
            Text(indent + section.title),
            Text(DIMENSION_NAMES.get(section.dimension, section.dimension)),
        )
    return table


def previous_table(found: YearComparison) -> Table:
    """Last time's share beside this time's per criterion, with the change and its interval.
    """
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("Kriterium", no_wrap=True)
    table.add_column("Förra", justify="right", no_wrap=True)
    table.add_column("Nu", justify="right", no_wrap=True)
    table.add_column("Skillnad (95 % intervall)", justify="right")
    for change in found.changes:
        established = change.comparison is not None and change.comparison.established
        table.add_row(Text(change.label), share_text(change.earlier),
                      share_text(change.later),
                      Text(change_cell(change.comparison), style="bold" if established else ""))
    return table


def previous_lines(found: YearComparison, in_report: bool) -> list[str]:
    """What is said above and under the table."""
    period = f" ({found.previous_period})" if found.previous_period else ""
    report = ("Avsnittet Jämfört med föregående granskning är med i rapporten (j tar bort "
              "det)." if in_report else
              "Avsnittet Jämfört med föregående granskning är inte med i rapporten (j tar med "
              "det).")
    return [f"Utgår från {found.previous_title}{period}. Skillnad i procentenheter; fetstil "
            "där skillnaden är säkerställd.", report]


class ReviewOverview(VerticalScroll):
    """Shows the review set in ``detail``; the workspace sets it after every change.

    Setting ``detail`` always redraws, even with a detail equal to the last one: a text, a
    rating, an observation or a document leaves the detail as it was, but not "Inför
    rapporten" and "Saknas före rapport", which read the store again. While another part is
    on show they are left until Översikt is shown again (the workspace then sets ``detail``),
    so that a save elsewhere does not wait for them.
    """

    # Only for a review started from an earlier one, so not in the footer: Hjälp (F1), the
    # palette (Ctrl+P) and the notes under Förra granskningen name it.
    BINDINGS = [
        Binding("j", "toggle_comparison", "Jämförelse", show=False,
                tooltip="Jämförelse: ta med eller ta bort avsnittet Jämfört med föregående "
                        "granskning i rapporten", id="overview.comparison"),
    ]

    detail: reactive[ReviewDetail | None] = reactive(None, always_update=True)

    def compose(self) -> ComposeResult:
        yield Static("Uppgifter", classes="part-heading")
        yield Static(id="overview-facts")
        yield Static("Framsteg", classes="part-heading")
        yield Static(id="overview-progress")
        heading = Static("Granskarnas arbete", id="overview-auditors-heading",
                         classes="part-heading")
        auditors = Static(id="overview-auditors")
        heading.display = auditors.display = False  # until the work is divided
        yield heading
        yield auditors
        yield Static("Inför rapporten", classes="part-heading")
        yield Vertical(id="overview-readiness")
        yield Static("Resultat av aktgranskningen", classes="part-heading")
        yield ResultsSummary(id="overview-results")
        heading = Static("Förra granskningen", id="overview-previous-heading",
                         classes="part-heading")
        table = Static(id="overview-previous-table")
        notes = Static(id="overview-previous-notes", markup=False)
        heading.display = table.display = notes.display = False  # until it came from another
        yield heading
        yield table
        yield notes
        yield Static("Rapportens avsnitt", classes="part-heading")
        yield Static(id="overview-sections")
        yield Static("Syfte", classes="part-heading")
        yield Static(id="overview-purpose", markup=False)
        yield Static("Omfattning och avgränsningar", classes="part-heading")
        yield Static(id="overview-scope", markup=False)

    def _show_readiness(self, review_id: str) -> None:
        """Colour counts and what is missing: read from the store by the widget itself."""
        holder = self.query_one("#overview-readiness", Vertical)
        current = holder.query(Readiness)
        if current and current.first().review_id == review_id:
            current.first().reload()
            return
        holder.remove_children()
        holder.mount(Readiness(self.app.store, review_id))  # type: ignore[attr-defined]

    def _show_auditors(self, review_id: str) -> None:
        """Each granskare's share and progress, read from the store by the widget itself;
        shown once the work is divided (a review done by one auditor has nothing to show)."""
        store = self.app.store  # type: ignore[attr-defined]
        with store.session() as session:
            divided = assignments(session, review_id).any
            progress = auditor_progress(session, review_id) if divided else []
            me = my_granskare(review_auditors(session, review_id)) if divided else ""
        rows = auditor_rows(progress, me)
        if divided:
            rows.append(("", f"{MINE_MARK} = du (o under Akter & urval väljer vem du är)"
                         if me else "o under Akter & urval väljer vem du är"))
        self.query_one("#overview-auditors", Static).update(_facts_table(rows))
        for widget_id in ("#overview-auditors-heading", "#overview-auditors"):
            self.query_one(widget_id).display = divided

    def _show_previous(self, review_id: str) -> None:
        """Last time's shares beside this time's, when the review came from an earlier one;
        read from the store by the widget itself, as the results are."""
        store = self.app.store  # type: ignore[attr-defined]
        with store.session() as session:
            found = review_comparison(session, review_id)
            in_report = comparison_section(session, review_id) is not None
        shown = found is not None
        for widget_id in ("#overview-previous-heading", "#overview-previous-table",
                          "#overview-previous-notes"):
            self.query_one(widget_id).display = shown
        if found is None:
            return
        self.query_one("#overview-previous-table", Static).update(previous_table(found))
        self.query_one("#overview-previous-notes", Static).update(
            "\n".join([*previous_lines(found, in_report), *unmatched_lines(found)]))

    def action_toggle_comparison(self) -> None:
        """Take the comparison's section into the report, or leave it out."""
        if self.detail is None:
            return
        review_id = self.detail.summary.id
        store = self.app.store  # type: ignore[attr-defined]
        try:
            with store.session() as session:
                on = comparison_section(session, review_id) is None
                set_comparison_section(session, review_id, on)
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify("Avsnittet Jämfört med föregående granskning är med i rapporten." if on
                    else "Avsnittet Jämfört med föregående granskning är borttaget ur "
                         "rapporten; ändringsloggen har kvar dess text.", markup=False)
        self.screen.reload()  # type: ignore[attr-defined]

    def watch_detail(self, detail: ReviewDetail | None) -> None:
        """Redraw from the new detail; the widget never reads the store itself."""
        if detail is None or not self.is_mounted:
            return
        self.query_one("#overview-facts", Static).update(_facts_table(facts_rows(detail)))
        self.query_one("#overview-progress", Static).update(
            _facts_table(progress_rows(detail))
        )
        if self.display:  # hidden, it reads the store when the workspace shows it again
            self._show_auditors(detail.summary.id)
            self.query_one("#overview-results", ResultsSummary).show_review(detail.summary.id)
            self._show_readiness(detail.summary.id)
            self._show_previous(detail.summary.id)
        sections = (
            _sections_table(detail) if detail.sections else Text("Mallen har inga avsnitt.")
        )
        self.query_one("#overview-sections", Static).update(sections)
        self.query_one("#overview-purpose", Static).update(
            detail.fields.purpose or "Inget syfte skrivet ännu. Tryck e för att skriva det."
        )
        self.query_one("#overview-scope", Static).update(
            detail.fields.scope or "Ingen omfattning skriven ännu. Tryck e för att skriva den."
        )

    def on_mount(self) -> None:
        self.watch_detail(self.detail)
