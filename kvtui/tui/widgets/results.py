"""File-review results per criterion: n, Ja, Delvis, Nej, Ej aktuellt, share Ja and 95 % KI.

Two forms: ``ResultsView``, the full table in Aktgranskning (key s) with the question, the
legal reference, the strata and the assurance statement (``kvtui.domain.assurance``, per
stratum too) of the criterion under the cursor, and ``ResultsSummary``, a
compact table for Översikt. The figures come from ``kvtui.store.results`` and are written
with ``format_share`` / ``format_interval``, exactly as the report will write them. The share
and interval shown are the criterion's headline (``CriterionRow.headline``, weighted by stratum
for a stratified sample), the same figure in the table, the detail, Översikt and the report.
"""

from __future__ import annotations

from rich.console import Group, JustifyMethod
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Show
from textual.message import Message
from textual.widgets import DataTable, Static

from kvtui.domain.assurance import (
    bound_percent,
    deviation_note,
    row_statement,
    strata_assurance,
    unbroken,
)
from kvtui.domain.filereview import METHODS
from kvtui.domain.headline_text import (
    coverage_sentence,
    estimate_explained,
    estimate_name,
    headline_interval,
    headline_share,
    stratum_interval,
    stratum_name,
    stratum_share,
    uncovered_summary,
    uncovered_text,
)
from kvtui.domain.plural import plural
from kvtui.domain.results import CriterionRow, ReviewResults
from kvtui.store.database import Store
from kvtui.store.errors import NotFound
from kvtui.store.results import review_results
from kvtui.tui.widgets.filereview_format import MISSING_REFERENCE, MISSING_REFERENCE_LEGEND

NO_SAMPLE_RESULTS = "Inget urval är draget ännu, så det finns inga resultat."
SHARE_NOTE = (
    "Andel Ja räknas av Ja, Delvis och Nej; Ej aktuellt ingår inte. 95 % KI gäller hela "
    "populationen, exakt för ett urval utan återläggning (hypergeometriskt)."
)


def load_results(store: Store, review_id: str) -> ReviewResults | None:
    """The review's results, or None before a sample is drawn (or if the review is gone)."""
    try:
        with store.session() as session:
            return review_results(session, review_id)
    except NotFound:
        return None


def basis_text(results: ReviewResults) -> str:
    """What the results rest on: "Urval 13 av 44 akter, stratifierat urval … (frö 4711)"."""
    method = METHODS.get(results.method, results.method)
    by = f" efter {results.stratify_by}" if results.stratify_by else ""
    coverage = coverage_sentence(results)
    return (f"Urval {results.sample_size} av {plural(results.population_size, 'akt', 'akter')}, "
            f"{method}{by} (frö {results.seed})." + (f" {coverage}" if coverage else ""))


def _count_cells(row: CriterionRow) -> list[str]:
    counts = row.result.counts
    return [str(counts.n), str(counts.ja), str(counts.delvis), str(counts.nej),
            str(counts.ej_aktuellt)]


def _cell(text: str, *, justify: JustifyMethod = "right") -> Text:
    """A cell (or a label, line by line) with one space before it, in place of padding."""
    return Text("\n".join(f" {line}" for line in text.split("\n")), justify=justify)


def compact_table(results: ReviewResults) -> Table:
    """The results as a narrow table for Översikt: criterion, n, headline share and interval."""
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold", expand=True)
    table.add_column("Kriterium", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("n", justify="right", no_wrap=True, width=3)
    table.add_column("Andel Ja", justify="right", no_wrap=True, width=8)
    table.add_column("95 % KI", justify="right", no_wrap=True, width=13)
    for row in results.rows:
        table.add_row(
            Text(f"{row.code} {row.question}"),
            str(row.result.counts.n),
            headline_share(row.headline),
            headline_interval(row.headline),
        )
    return table


def compact_results(results: ReviewResults) -> Group | Table:
    """The compact table, with what the share is and what it leaves out under it when the
    sample is stratified or not fully answered."""
    notes = [coverage_sentence(results)]
    if results.method == "stratified" and results.stratify_by:
        notes.append(f"{estimate_name(results)}.")
    notes += uncovered_summary(results)
    notes = [note for note in notes if note]
    if not notes:
        return compact_table(results)
    return Group(compact_table(results), Text(" ".join(notes), style="dim"))


class ResultsSummary(Static):
    """The compact results of a review in Översikt; reads them again each time it is shown.

    Översikt gets its review from the workspace and has no store of its own, so this widget
    reads through the app's store (``KvtuiApp.store``).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._review_id: str | None = None

    def show_review(self, review_id: str) -> None:
        """Show this review's results now."""
        self._review_id = review_id
        self.refresh_results()

    def refresh_results(self) -> None:
        """Read the results again from the store."""
        store = getattr(self.app, "store", None)
        if self._review_id is None or not isinstance(store, Store):
            return
        results = load_results(store, self._review_id)
        if results is None:
            self.update(NO_SAMPLE_RESULTS)
            return
        answered = sum(row.result.counts.n for row in results.rows)
        if answered == 0:
            self.update(f"{basis_text(results)} Inga akter är granskade ännu.")
            return
        self.update(compact_results(results))

    def on_show(self, _event: Show) -> None:
        """Back in Översikt after answering: show the new figures."""
        self.refresh_results()


class ResultsView(Vertical):
    """The full results table of the file review, with the criterion under the cursor."""

    BINDINGS = [Binding("escape", "close", "Till akten", id="results.close")]

    class Closed(Message):
        """Back to the one-at-a-time view."""

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(id=id)
        self.store = store
        self.review_id = review_id
        self._results: ReviewResults | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="results-title", markup=False)
        # No cell padding: each cell brings one space of its own (``_cell``), so that the
        # eight columns fit the 56 columns the part has at 80×24.
        table: DataTable[str | Text] = DataTable(id="results-table", cursor_type="row",
                                                 header_height=2, cell_padding=0)
        yield table
        yield Static("", id="results-detail", markup=False)

    @property
    def table(self) -> DataTable[str | Text]:
        """The results table."""
        return self.query_one("#results-table", DataTable)

    @property
    def results(self) -> ReviewResults | None:
        """The results on show."""
        return self._results

    def reload(self) -> None:
        """Read the results again; the cursor stays on its row."""
        self._results = results = load_results(self.store, self.review_id)
        table = self.table
        row = table.cursor_row
        table.clear(columns=True)
        title = self.query_one("#results-title", Static)
        if results is None:
            title.update(NO_SAMPLE_RESULTS)
            self.query_one("#results-detail", Static).update("")
            return
        title.update(basis_text(results))
        for key, label in (("code", "Krit."), ("n", "n"), ("ja", "Ja"), ("delvis", "Delvis"),
                           ("nej", "Nej"), ("ej", "Ej\naktuellt"), ("share", "Andel\nJa"),
                           ("interval", "95 % KI")):
            table.add_column(_cell(label, justify="left" if key == "code" else "right"),
                             key=key)
        for line in results.rows:
            table.add_row(
                _cell(line.code + ("" if line.reference else "!"), justify="left"),
                *(_cell(cell) for cell in _count_cells(line)),
                _cell(headline_share(line.headline)),
                _cell(headline_interval(line.headline)),
                key=line.code,
            )
        if results.rows:
            table.move_cursor(row=min(max(row, 0), len(results.rows) - 1), animate=False)
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#results-detail", Static)
        results = self._results
        row = self.table.cursor_row
        if results is None or not 0 <= row < len(results.rows):
            detail.update(SHARE_NOTE)
            return
        line = results.rows[row]
        text = Text()
        text.append(line.code, style="bold")
        text.append(f" {line.question}\n")
        if line.reference:
            text.append(f"Lagrum: {line.reference}")
        else:
            text.append(f"! {MISSING_REFERENCE}", style="bold yellow")
        if line.unanswered:
            text.append(f" · Obesvarade akter: {line.unanswered}")
        text.append(f"\n{estimate_name(results)}: {headline_share(line.headline)} "
                    f"(95 % KI {headline_interval(line.headline)})")
        if line.strata is not None:
            bounds = strata_assurance(line)
            parts = []
            for name, result in line.strata.strata.items():
                share = stratum_share(result)
                if result.counts.applicable:
                    share += (f" ({stratum_interval(result)}, n = {result.counts.n}), brist "
                              f"högst {bound_percent(bounds.get(name))}")
                elif result.counts.n:
                    share = f"ej aktuellt (n = {result.counts.n})"
                parts.append(f"{stratum_name(name)} {share}")
            text.append(unbroken(f"\nPer {results.stratify_by}: " + "; ".join(parts) + "."))
            uncovered = uncovered_text(line, results.stratify_by)
            if uncovered:
                text.append(f"\n{uncovered}", style="bold yellow")
        assurance = row_statement(line)
        if assurance:
            text.append(f"\n{unbroken(assurance)}")
        if line.reference and any(not other.reference for other in results.rows):
            text.append(f"\n{MISSING_REFERENCE_LEGEND}", style="dim")
        text.append(f"\n{estimate_explained(results)} {deviation_note((line,))}", style="dim")
        detail.update(text)

    @on(DataTable.RowHighlighted, "#results-table")
    def _highlighted(self) -> None:
        self._show_detail()

    def focus_table(self) -> None:
        """Put the keyboard in the table."""
        self.table.focus()

    def action_close(self) -> None:
        """Esc: back to the akt."""
        self.post_message(self.Closed())
