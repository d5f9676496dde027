"""The store's file moved, deleted or replaced while the app has it open, and any other error
no handler caught: the app closes with a Swedish message, never Textual's traceback (whose
local variables hold case data), and what the auditor had saved is copied where she is told."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from textual.worker import WorkerFailed

from kvtui.crash_log import CRASH_LOG_NAME
from kvtui.paths import backups_dir, data_dir
from kvtui.store.answers import answers_for
from kvtui.store.database import Store, open_store
from kvtui.store.demo import create_demo
from kvtui.store.sampling import draw_sample
from kvtui.tui.app import CLOSED_BY_FAULT, STORE_GONE_TITLE, ClosedByError, KvtuiApp, make_app
from kvtui.tui.screens.reviews import ReviewsScreen
from tests.testdata import PERSONNUMMER_FILE

SIZE = (80, 24)

Calls = list[dict[str, Any]]


def _recorded(app: KvtuiApp, name: str) -> Calls:
    """The arguments of every call of the app's method ``name``, which still does its work."""
    calls: Calls = []
    real = getattr(app, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append({"args": args, **kwargs})
        return real(*args, **kwargs)

    setattr(app, name, recording)
    return calls


def _titles(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("SELECT title FROM review ORDER BY title")]


def _saved_copy(notice: str, store: Store) -> Path:
    """The backup the notice names, which passes its check."""
    [copy] = [path for path in backups_dir(store.path).glob("kvtui-*.db") if str(path) in notice]
    with closing(sqlite3.connect(copy)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    return copy


def _take_away(path: Path, how: str, tmp_path: Path) -> None:
    if how == "moved":
        path.rename(tmp_path / "flyttad.db")
    elif how == "deleted":
        path.unlink()
    else:  # replaced: another file under the store's name, as a copy put back by hand
        shutil.copyfile(path, tmp_path / "annan.db")
        (tmp_path / "annan.db").replace(path)


@pytest.mark.parametrize("how", ["moved", "deleted", "replaced"])
async def test_the_store_taken_away_while_the_list_is_shown(
    store: Store, review_id: str, tmp_path: Path, crash_log: Callable[[], str], how: str,
) -> None:
    """r reads the list again: the file is not where it was, so the app closes; everything
    that was saved is in a checked copy, and the store is written no more."""
    app = make_app(store)
    with pytest.raises(ClosedByError) as closed:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ReviewsScreen)
            _take_away(store.path, how, tmp_path)
            replaced = store.path.read_bytes() if how == "replaced" else None
            await pilot.press("r")
            await pilot.pause()
    assert app.return_code == 1 and store.read_only and store.lost_work_told
    notice = closed.value.message
    assert notice == store.lost_work_notice()
    what = ("har bytts ut mot en annan fil" if how == "replaced" else
            "finns inte längre: den har flyttats eller tagits bort")
    assert f"Databasen {store.path} {what} efter att kvtui öppnade den." in notice
    copy = _saved_copy(notice, store)
    assert _titles(copy) == ["Granskning av familjevården 2026"]
    assert (f"När kvtui är avslutat: kopiera {copy} till {store.path}"
            + (" (flytta först undan filen som ligger där nu)" if how == "replaced" else "")
            + " och starta kvtui igen, så fortsätter du där du var.") in notice
    if replaced is not None:
        assert store.path.read_bytes() == replaced  # the other file is not touched
    else:
        assert not store.path.exists()  # no new, empty store in its place
    assert crash_log() == ""


@pytest.mark.slow
@pytest.mark.parametrize("how", ["moved", "deleted"])
async def test_the_store_taken_away_while_a_review_is_open(
    store: Store, tmp_path: Path, crash_log: Callable[[], str], how: str,
) -> None:
    """One answer saved, the file taken away, a second answer: refused before anything is
    written where the auditor would not look; the first is in the copy she is told of."""
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        akt = draw_sample(session, review_id, size=3, seed="1").active[0].case_file_id
    app = make_app(store, open_review=review_id)
    with pytest.raises(ClosedByError) as closed:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3")  # Aktgranskning; the first two criteria are Ja/Delvis/Nej
            await pilot.pause()
            await pilot.press("j")
            await pilot.pause()
            _take_away(store.path, how, tmp_path)
            await pilot.press("n")
            await pilot.pause()
    assert app.return_code == 1 and store.read_only
    copy = _saved_copy(closed.value.message, store)
    with open_store(copy, read_only=True) as saved, saved.session() as session:
        assert [answer.value for answer in answers_for(session, akt).values()] == ["ja"]
    assert crash_log() == ""


@pytest.mark.slow
async def test_an_export_in_a_worker_meets_a_deleted_store(
    demo_store: Store, demo_id: str, exports: Path, crash_log: Callable[[], str],
) -> None:
    """The draft export reads the store in a worker: it is not called a fault in kvtui, the
    app closes and says where the work is, and no file is exported."""
    app = make_app(demo_store, open_review=demo_id)
    with pytest.raises(ClosedByError) as closed:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("8")  # Rapport
            await pilot.pause()
            demo_store.path.unlink()
            await pilot.press("u")  # Utkast
            with contextlib.suppress(WorkerFailed):
                await app.workers.wait_for_complete()
            await pilot.pause()
    assert closed.value.message == demo_store.lost_work_notice()
    _saved_copy(closed.value.message, demo_store)
    assert not exports.exists() or not list(exports.iterdir())
    assert crash_log() == ""

async def test_the_periodic_backup_notices_a_deleted_store_and_saves_it(
    store: Store, review_id: str, tmp_path: Path,
) -> None:
    """Nothing is being saved when the file goes: the periodic backup notices, saves what
    the store held and says where, and the app stays open, read-only."""
    app = make_app(store)
    notes = _recorded(app, "notify")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        store.path.unlink()
        app.periodic_backup()
        with contextlib.suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and store.read_only
        [said] = [note for note in notes if note.get("title") == STORE_GONE_TITLE]
    notice = store.lost_work_notice()
    assert said["args"] == (notice,) and said["severity"] == "error"
    assert notice is not None
    assert _titles(_saved_copy(notice, store)) == ["Granskning av familjevården 2026"]


async def test_an_unexpected_error_in_a_handler_closes_the_app_in_swedish(
    store: Store, monkeypatch: pytest.MonkeyPatch, crash_log: Callable[[], str],
) -> None:
    """A fault in kvtui while handling a key, with case data in its message: the app closes
    with a Swedish sentence and where the crash log is; the log has the kind and the place."""
    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[3]

    def broken(self: ReviewsScreen) -> None:
        raise KeyError(f"akten {number}")

    monkeypatch.setattr(ReviewsScreen, "action_refresh", broken)
    app = make_app(store)
    with pytest.raises(ClosedByError) as closed:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("r")
            await pilot.pause()
    assert app.return_code == 1
    log = data_dir() / CRASH_LOG_NAME
    assert closed.value.message == (
        f"{CLOSED_BY_FAULT} Ett oväntat fel inträffade. Detaljer finns i {log}.")
    assert isinstance(closed.value.__cause__, KeyError)
    written = crash_log()
    assert "builtins.KeyError" in written and "in broken" in written
    assert number not in written and "akten" not in written
    assert not store.read_only  # nothing was wrong with the store
