"""Granskningar's f (Ny granskning utifrån …) starts a review from the highlighted one, and
its Översikt shows Förra granskningen with j taking the comparison out of the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.widgets import DataTable, Static

from kvtui.store.database import Store
from kvtui.store.models import Review
from kvtui.store.previous_review import comparison_section, previous_review_id
from kvtui.tui.app import make_app
from kvtui.tui.screens.reviews import ReviewsScreen
from kvtui.tui.screens.workspace import WorkspaceScreen
from kvtui.tui.widgets.overview import ReviewOverview


async def test_f_starts_a_review_from_the_highlighted_one(
        store: Store, add_review: Callable[..., str]) -> None:
    earlier = add_review("Granskning av familjevården 2026")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewsScreen)
        await pilot.press("f")
        await pilot.pause()
        assert len(screen.reviews) == 2
        new_id = screen.highlighted_id
        assert new_id is not None and new_id != earlier
        assert screen.query_one("#reviews-table", DataTable).row_count == 2
        with store.session() as session:
            review = session.get(Review, new_id)
            assert review is not None
            assert review.title == "Granskning av familjevården 2027"
            assert (review.period_start, review.period_end) == (date(2027, 9, 1),
                                                                date(2027, 11, 30))
            assert previous_review_id(session, new_id) == earlier
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)
        await pilot.press("1")
        await pilot.pause()
        overview = app.screen.query_one(ReviewOverview)
        assert overview.query_one("#overview-previous-table").display
        notes = str(overview.query_one("#overview-previous-notes", Static).content)
        assert "Utgår från Granskning av familjevården 2026" in notes
        assert "är med i rapporten (j tar bort det)" in notes
        await pilot.press("j")
        await pilot.pause()
        with store.session() as session:
            assert comparison_section(session, new_id) is None
        notes = str(overview.query_one("#overview-previous-notes", Static).content)
        assert "är inte med i rapporten (j tar med det)" in notes
