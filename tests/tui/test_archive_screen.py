"""Arkivet in the app: the archive's reviews beside the store's own, a search whose letters go
to the field and not to the keys, and a review brought in after a question."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from kvtui.store import archive
from kvtui.store.archive_engine import make_archive_engine, upgrade_archive
from kvtui.store.database import Store, open_store
from kvtui.store.report_data import set_method_text
from kvtui.tui.app import make_app
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.screens.archive import ArchiveScreen
from kvtui.tui.screens.reviews import ReviewsScreen
from kvtui.user_settings import remember_archive_address
from tests.report.demo_file import demo_copy
from tests.waiting import pilot_until


async def test_the_archive_is_listed_searched_and_a_review_pulled(
        pg_database: str, store: Store, tmp_path: Path) -> None:
    engine = make_archive_engine(pg_database)
    upgrade_archive(engine)
    path, review_id = demo_copy(tmp_path / "kollega")
    colleague = open_store(path, backup=False)
    try:
        with colleague.session() as session:
            set_method_text(session, review_id, "Vi läste journalanteckningarna i akterna.")
        archive.push(colleague, engine, review_id)
    finally:
        colleague.close()
        engine.dispose()
    assert remember_archive_address(pg_database)

    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, ArchiveScreen)
        await pilot_until(pilot, lambda: len(screen.archived) == 1)
        table = screen.query_one("#archive-table", DataTable)
        assert table.get_row_at(0)[4] == ""  # not in this store
        await pilot.press("enter")
        assert isinstance(app.screen, ArchiveScreen)  # nothing to open here yet

        await pilot.press("s", *"hushåll", "enter")  # h and s are keys, but typed here
        await pilot_until(pilot, lambda: "träffar" in _bar(screen) or "träff " in _bar(screen))
        assert screen.archived == [] and "0 träffar" in _bar(screen)
        assert isinstance(app.screen, ArchiveScreen)
        screen.query_one("#archive-search", Input).value = ""
        await pilot.press("s", *"journalanteckning", "enter")
        await pilot_until(pilot, lambda: len(screen.archived) == 1)
        assert "journalanteckningarna" in str(
            screen.query_one("#archive-detail", Static).render())

        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # asked, and no: nothing is taken
        await pilot.pause()
        assert isinstance(app.screen, ArchiveScreen) and store_ids(store) == []
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("j")
        await pilot_until(pilot, lambda: store_ids(store) == [review_id])
        await pilot_until(pilot, lambda: table.get_row_at(0)[4] == "ja")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewsScreen)
        assert [r.id for r in app.screen.reviews] == [review_id]


def _bar(screen: ArchiveScreen) -> str:
    return str(screen.query_one("#archive-bar", Static).render())


def store_ids(store: Store) -> list[str]:
    with sqlite3.connect(store.path) as raw:
        ids = [row[0] for row in raw.execute("SELECT id FROM review")]
    raw.close()
    return ids
