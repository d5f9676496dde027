"""Konflikter in the app: a comment both auditors changed is shown with both values, settled by
a key and a question, and the review's bar says when none is left."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Static

from kvtui.store.answers import set_comment
from kvtui.store.database import Store, open_store
from kvtui.store.merge_conflicts import list_conflicts
from kvtui.tui.app import make_app
from kvtui.tui.dialogs.answer_text import AnswerTextDialog
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.screens.conflicts import ConflictsScreen
from tests.store.merge_copies import copy_store, merge_file


def _conflicting_comments(store: Store, review_id: str, folder: Path) -> tuple[str, str]:
    """Another auditor's copy of the store with the first answer's comment changed there and
    here; hers merged into this store. The akt and criterion ids."""
    with sqlite3.connect(store.path) as raw:
        file_id, criterion_id = raw.execute(
            "SELECT case_file_id, criterion_id FROM answer WHERE review_id = ? "
            "ORDER BY case_file_id, criterion_id LIMIT 1", (review_id,)).fetchone()
    raw.close()
    other = folder / "bertil.db"
    copy_store(store.path, other)
    with store.session() as session:
        set_comment(session, review_id, file_id, criterion_id, "Anna: beslut saknas.")
    theirs = open_store(other, backup=False)
    try:
        with theirs.session() as session:
            set_comment(session, review_id, file_id, criterion_id, "Bertil: beslut finns.")
    finally:
        theirs.close()
    merge_file(store.path, other, review_id)
    return file_id, criterion_id


def _bar(app: object) -> str:
    return str(app.screen.query_one("#review-bar", Static).render())  # type: ignore[attr-defined]


async def test_a_conflict_is_settled_in_the_app(demo_store: Store, demo_id: str,
                                                tmp_path: Path) -> None:
    _conflicting_comments(demo_store, demo_id, tmp_path)
    app = make_app(demo_store, open_review=demo_id)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        assert "1 öppen konflikt (k)" in _bar(app)
        await pilot.press("k")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConflictsScreen)
        [shown] = screen.conflicts
        detail = str(screen.query_one("#conflicts-detail", Static).render())
        assert "Anna: beslut saknas." in detail and "Bertil: beslut finns." in detail
        # A new value is asked in a dialog that keeps what is typed; Esc with nothing typed
        # beyond the start closes it and settles nothing.
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, AnswerTextDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        # Ta inkommet asks first; Nej settles nothing.
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        with demo_store.session() as session:
            assert [c.id for c in list_conflicts(session, demo_id)] == [shown.id]
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        with demo_store.session() as session:
            assert list_conflicts(session, demo_id) == []
            [settled] = list_conflicts(session, demo_id, with_resolved=True)
        assert settled.resolution == "incoming"
        assert "Inga öppna konflikter" in str(screen.query_one("#conflicts-bar",
                                                                Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert "konflikt" not in _bar(app)
