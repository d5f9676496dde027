"""The results view and Översikt show one figure per criterion: for the stratified demo the
weighted share, the same in the table, in the detail under it and in Översikt."""

from __future__ import annotations

from rich.console import Console
from textual.widgets import DataTable, Static

from kvtui.domain.headline_text import headline_interval, headline_share
from kvtui.store.database import Store
from kvtui.tui.app import make_app
from kvtui.tui.widgets.results import ResultsSummary, ResultsView

SIZE = (100, 40)


def _rendered(renderable: object, width: int = 100) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


async def test_table_detail_and_overview_show_the_same_weighted_figure(
        demo_store: Store, demo_id: str) -> None:
    app = make_app(demo_store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        summary = _rendered(app.screen.query_one(ResultsSummary).content)
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        view = app.screen.query_one(ResultsView)
        results = view.results
        assert results is not None and results.method == "stratified"
        table: DataTable[object] = view.table
        # F4: 3 Ja of 13 sampled akter (23,1 %), weighted by placement 22,7 %.
        f4 = next(i for i, row in enumerate(results.rows) if row.code == "F4")
        row = results.rows[f4]
        assert row.headline.weighted
        share, interval = headline_share(row.headline), headline_interval(row.headline)
        assert share == "22,7 %" and share != "23,1 %"
        table.move_cursor(row=f4)
        await pilot.pause()
        cells = [str(cell).strip() for cell in table.get_row_at(f4)]
        assert cells[-2:] == [share, interval]
        detail = str(view.query_one("#results-detail", Static).content)
        assert f"Andel Ja, vägd efter placeringsform: {share} (95 % KI {interval})" in detail
        assert "23,1 %" not in detail and "Vägd andel" not in detail
        assert "familjehem" in detail and "Korn–Graubard" in detail
        # Översikt's compact table: the same figure on F4's line.
        f4_line = next(line for line in summary.splitlines() if line.lstrip().startswith("F4"))
        assert share in f4_line and interval in f4_line and "23,1 %" not in f4_line
        assert "Andel Ja, vägd efter placeringsform." in summary
