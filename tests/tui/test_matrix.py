"""The matrix (m) and the results (s) in Aktgranskning: read page by page, Enter jumps."""

from __future__ import annotations

import pytest
from rich.console import Group
from rich.table import Table

from kvtui.store import matrix as store_matrix
from kvtui.store.answers import review_criteria, save_answer
from kvtui.store.database import Store
from kvtui.store.demo import create_demo
from kvtui.store.sampling import draw_sample
from kvtui.tui.app import make_app
from kvtui.tui.widgets import matrix as matrix_module
from kvtui.tui.widgets.filereview_part import FileReviewPart
from kvtui.tui.widgets.matrix import MatrixView
from kvtui.tui.widgets.results import ResultsSummary

SIZE = (80, 24)


@pytest.mark.slow
async def test_matrix_pages_and_jumps_and_results(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matrix_module, "PAGE_SIZE", 2)  # three akter: two pages
    offsets: list[int] = []
    real_page = store_matrix.matrix_page

    def counted(session, review_id, offset, limit):  # type: ignore[no-untyped-def]
        offsets.append(offset)
        return real_page(session, review_id, offset, limit)

    monkeypatch.setattr(matrix_module, "matrix_page", counted)
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        sample = draw_sample(session, review_id, size=3, seed="1")
        criteria = review_criteria(session, review_id)
        first = sample.active[0].case_file_id
        save_answer(session, review_id, first, criteria[0].id, "ja")
        save_answer(session, review_id, first, criteria[1].id, "nej")
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        part = app.screen.query_one(FileReviewPart)
        await pilot.press("m")
        await pilot.pause()
        assert part.current_view == "matrix"
        matrix = part.query_one(MatrixView)
        grid = matrix.grid
        # On the akt and criterion that were on show: the first unanswered, F3.
        assert (matrix.akt_count, grid.row_count, grid.cursor_row, grid.cursor_column) == (
            3, 3, 0, 3)
        assert [grid.cell_text(0, column) for column in range(4)] == [
            sample.active[0].reference, "J", "N", "–"]
        assert offsets == [0, 2]  # the akter on screen, read a page at a time, once
        await pilot.press("down", "down")  # the third akt is on the second page
        await pilot.pause()
        assert grid.cursor_row == 2 and grid.cell_text(2, 0) == sample.active[2].reference
        assert offsets == [0, 2]
        await pilot.press("up", "home", "right", "enter")  # jump to akt 2, criterion F1
        await pilot.pause()
        assert part.current_view == "akt"
        view = part.akt_view
        assert view.akt_index == 1
        assert view.current_criterion.id == criteria[0].id
        await pilot.press("j")  # an answer, then the matrix again shows it
        await pilot.press("m")
        await pilot.pause()
        assert grid.cell_text(1, 1) == "J" and grid.cursor_row == 1
        await pilot.press("escape")
        await pilot.pause()
        assert part.current_view == "akt"
        await pilot.press("s")
        await pilot.pause()
        assert part.current_view == "results"
        results = part.results_view
        assert results.table.row_count == len(criteria)
        assert results.table.get_cell_at((0, 1)).plain.strip() == "2"  # F1: n = 2
        assert results.table.get_cell_at((0, 2)).plain.strip() == "2"  # both Ja
        assert results.table.get_cell_at((0, 6)).plain.strip() == "100,0 %"
        await pilot.press("s")
        await pilot.pause()
        assert part.current_view == "akt"
        await pilot.press("1")  # Översikt shows the results too, read when it is shown
        await pilot.pause()
        summary = app.screen.query_one(ResultsSummary)
        # Two akter answered in part: the table, and under it that the sample is not done.
        content = summary.content
        assert isinstance(content, Group)
        table, note = content.renderables
        assert isinstance(table, Table) and table.row_count == len(criteria)
        assert "akter i urvalet har granskats" in str(note)
