"""Granskningar: the list, its empty state, and Enter into a review."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import DataTable, Static

from kvtui.store.database import Store
from kvtui.tui.app import make_app
from kvtui.tui.screens.reviews import EMPTY_TEXT, ReviewsScreen
from kvtui.tui.screens.workspace import WorkspaceScreen

SIZE = (80, 24)


async def test_empty_store_says_how_to_start(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewsScreen)
        empty = screen.query_one("#reviews-empty", Static)
        assert empty.display
        assert str(empty.content) == EMPTY_TEXT
        assert not screen.query_one("#reviews-table", DataTable).display
        await pilot.press("enter")  # nothing to open: a hint, no crash
        await pilot.pause()
        assert app.screen is screen


async def test_list_shows_reviews_and_fits_80_columns(
    store: Store, add_review: Callable[..., str]
) -> None:
    first = add_review("Granskning av familjevården 2026")
    second = add_review("Granskning av barnavårdsutredningar [2026] med en mycket lång titel")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewsScreen)
        table = screen.query_one("#reviews-table", DataTable)
        assert table.row_count == 2
        assert [str(c.label) for c in table.columns.values()] == list(screen.HEADERS)
        assert {s.id for s in screen.reviews} == {first, second}
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0] == screen.reviews[0].short_id
        assert row[3] == "Planering"
        assert row[4] == "–"  # no sample drawn yet
        assert table.virtual_size.width <= SIZE[0]
        detail = str(screen.query_one("#reviews-detail", Static).content)
        assert screen.reviews[0].title in detail  # the full title, however narrow the column


@pytest.mark.slow
async def test_enter_opens_the_highlighted_review(
    store: Store, add_review: Callable[..., str]
) -> None:
    add_review("Granskning A")
    add_review("Granskning B")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewsScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        assert workspace.review_id == screen.reviews[1].id
        bar = str(workspace.query_one("#review-bar", Static).content)
        assert screen.reviews[1].title in bar
        assert "Planering" in bar
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.highlighted_id == workspace.review_id  # the cursor stays where it was


async def test_r_reads_the_list_again(store: Store, add_review: Callable[..., str]) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewsScreen)
        assert screen.reviews == []
        add_review("Skapad i ett annat fönster")
        await pilot.press("r")
        await pilot.pause()
        assert [s.title for s in screen.reviews] == ["Skapad i ett annat fönster"]
        assert screen.query_one("#reviews-table", DataTable).display
