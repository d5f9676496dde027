"""An unexpected error in the app's import and backup workers: the auditor reads a Swedish
sentence and where the crash log is, never Python's English class name or a message that may
quote the file or the store (a personnummer, an escape sequence); the log gets the details."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.events import Paste
from textual.widgets import Input, Static
from textual.worker import WorkerFailed

from kvtui.crash_log import CRASH_LOG_NAME
from kvtui.paths import data_dir
from kvtui.store.casefiles import list_case_files
from kvtui.store.database import Store, StoreError
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.import_file import ImportFileDialog
from kvtui.tui.dialogs.import_mapping import ImportMappingDialog
from tests.testdata import PERSONNUMMER_FILE

SIZE = (80, 24)


def _number() -> str:
    """A published test personnummer, read at test time."""
    return PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[11]


def _log_sentence() -> str:
    return f"Ett oväntat fel inträffade. Detaljer finns i {data_dir() / CRASH_LOG_NAME}."


async def _open_import(app: KvtuiApp, pilot: Any) -> ImportFileDialog:
    """Akter & urval (key 2), into its table, and i for Importera."""
    await pilot.pause()
    await pilot.press("2", "i")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ImportFileDialog)
    return dialog


async def _read_path(app: KvtuiApp, pilot: Any, dialog: ImportFileDialog, path: str) -> str:
    """Paste ``path`` into the dialog, press Enter, and return the problem the dialog then
    shows ("" when the file was read)."""
    field = dialog.query_one("#import-path", Input)
    field.value = ""
    field.post_message(Paste(path))
    await pilot.pause()
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    if app.screen is not dialog:
        return ""  # read, and on to the mapping
    return str(dialog.query_one("#import-file-problem", Static).content)


@pytest.mark.slow
async def test_reading_fails_unexpectedly(
    store: Store, review_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    crash_log: Callable[[], str],
) -> None:
    """The system fails in a way kvtui does not expect, with case data in its message."""
    path = tmp_path / "akter.csv"
    path.write_bytes(b"Referens;Lagrum\r\nFV-1;SoL\r\n")
    number = _number()
    real_open = Path.open

    def failing_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == path.name:
            raise RuntimeError(f"disken svarade \x1b[2J{number}")
        return real_open(self, *args, **kwargs)

    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open_import(app, pilot)
        with monkeypatch.context() as patched:
            patched.setattr(Path, "open", failing_open)
            shown = await _read_path(app, pilot, dialog, str(path))
    assert shown == f"Filen kunde inte läsas. {_log_sentence()}"
    written = crash_log()
    assert "builtins.RuntimeError" in written and "in read_list_bytes" in written
    assert number not in written and "disken" not in written


@pytest.mark.slow
async def test_a_pasted_path_with_a_nul_is_refused_in_swedish(
    store: Store, review_id: str, tmp_path: Path,
) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open_import(app, pilot)
        shown = await _read_path(app, pilot, dialog, f"{tmp_path}/akter\x00.csv")
    assert "Sökvägen innehåller tecken som inte kan finnas i ett filnamn." in shown
    assert "ValueError" not in shown and "\x00" not in shown


def _stop_inserts(store: Store, table: str) -> str:
    """A trigger put in the store with raw SQL: every insert into ``table`` fails with a
    message that quotes a personnummer, which is returned."""
    number = _number()
    connection = sqlite3.connect(store.path)
    connection.execute(f"CREATE TRIGGER stopp BEFORE INSERT ON {table} BEGIN SELECT "
                       f"RAISE(ABORT, 'akten gäller {number}'); END")
    connection.commit()
    connection.close()
    return number


def _recorded_notes(app: KvtuiApp) -> list[str]:
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
    return notes


async def _settle(app: KvtuiApp, pilot: Any) -> None:
    """Every worker done, failed ones too, and what they started."""
    for _ in range(3):
        with contextlib.suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def _open_part(pilot: Any, key: str) -> None:
    """The part on ``key``, with the keyboard in it, where its keys work."""
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()


def _told_and_logged(shown: list[str], sentence: str, number: str, logged: str,
                     kind: str) -> None:
    """The auditor read ``sentence`` and where the log is, nothing of the error; the log has
    the error's ``kind`` and nothing of its message."""
    assert any(f"{sentence} {_log_sentence()}" in text for text in shown), shown
    assert not any(number in text or "Error" in text for text in shown)
    assert kind in logged and number not in logged and "gäller" not in logged


@pytest.mark.slow
async def test_import_fails_unexpectedly_in_the_store(
    store: Store, review_id: str, tmp_path: Path, crash_log: Callable[[], str],
) -> None:
    """A trigger stops the import with a message quoting a personnummer: nothing is written,
    and neither the number nor SQLite's English reaches the screen."""
    number = _stop_inserts(store, "case_file")
    path = tmp_path / "akter.csv"
    path.write_bytes(b"Referens;Lagrum\r\nFV-1;SoL\r\n")
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open_import(app, pilot)
        await _read_path(app, pilot, dialog, str(path))
        mapping = app.screen
        assert isinstance(mapping, ImportMappingDialog)
        await pilot.press("enter")  # Referens, the first column
        await _settle(app, pilot)
        shown = str(mapping.query_one("#import-problems", Static).content)
    _told_and_logged([shown], "Importen misslyckades; inget har sparats.", number, crash_log(),
                     "sqlalchemy.exc.IntegrityError")
    assert "in import_case_files" in crash_log()
    with store.session() as session:
        assert list_case_files(session, review_id) == []


async def test_backup_fails_unexpectedly(
    store: Store, monkeypatch: pytest.MonkeyPatch, crash_log: Callable[[], str],
) -> None:
    number = _number()

    def broken() -> None:
        raise RuntimeError(f"fel i kvtui vid {number}")

    monkeypatch.setattr(store, "backup_if_changed", broken)
    app = make_app(store)
    notes = _recorded_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.periodic_backup()
        await _settle(app, pilot)
    _told_and_logged(notes, "Säkerhetskopian kunde inte göras.", number, crash_log(),
                     "builtins.RuntimeError")
    periodic = (f"Säkerhetskopian kunde inte göras. {_log_sentence()} Ditt arbete är sparat "
                "i databasen; kvtui försöker igen om en stund.")
    start = ("Säkerhetskopian kunde inte göras. Databasen är nu skrivskyddad: kvtui ändrar inte "
             "en databas som inte kunde säkerhetskopieras. Avsluta kvtui och starta igen när "
             f"det är löst. {_log_sentence()}")
    assert periodic in notes and set(notes) <= {periodic, start}  # the start backup too



async def test_a_store_error_in_a_backup_is_said_not_logged_as_a_fault(
    store: Store, monkeypatch: pytest.MonkeyPatch, crash_log: Callable[[], str],
) -> None:
    """The store's own Swedish reason is what the auditor reads from the start backup (a new
    store has none yet) and the periodic one, not "an unexpected error", and nothing goes to
    the crash log. (A store whose file has gone has a way of its own: test_store_gone.)"""
    refused = StoreError("Databasen kan inte användas just nu.")

    def broken() -> None:
        raise refused

    monkeypatch.setattr(store, "backup_if_changed", broken)
    app = make_app(store)
    notes: list[tuple[str, dict[str, Any]]] = []
    app.notify = lambda message, **kwargs: notes.append((message, kwargs))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)  # the start backup, which runs by itself
        app.periodic_backup()
        await _settle(app, pilot)
    failures = [(m, o) for m, o in notes if o.get("title") == "Säkerhetskopiering misslyckades"]
    assert [o["timeout"] for _m, o in failures] == [30, 15]  # the start and the periodic one
    assert all(m.startswith(str(refused)) and o["severity"] == "error" for m, o in failures)
    assert not any("oväntat" in m for m, _o in failures) and crash_log() == ""


@pytest.mark.slow
async def test_sending_a_draft_fails_unexpectedly(
    demo_store: Store, demo_id: str, exports: Path, crash_log: Callable[[], str],
) -> None:
    number = _stop_inserts(demo_store, "factcheck_round")
    app = make_app(demo_store, open_review=demo_id)
    notes = _recorded_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(pilot, "7")  # Faktagranskning
        await pilot.press("u", "j")  # Skicka utkast, Ja
        await _settle(app, pilot)
    _told_and_logged(notes, "Utkastet kunde inte skickas.", number, crash_log(),
                     "sqlalchemy.exc.IntegrityError")


@pytest.mark.slow
async def test_signing_fails_unexpectedly(
    demo_store: Store, demo_id: str, exports: Path, crash_log: Callable[[], str],
) -> None:
    number = _stop_inserts(demo_store, "sign_off")
    app = make_app(demo_store, open_review=demo_id)
    notes = _recorded_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(pilot, "8")  # Rapport
        await pilot.press("s")  # Signera
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#signoff-name", Input).value = "Karin Ekdahl"
        dialog.query_one("#signoff-approver", Input).value = "Jonas Lindwall"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("j")
        await _settle(app, pilot)
    _told_and_logged(notes, "Exporten misslyckades.", number, crash_log(),
                     "sqlalchemy.exc.IntegrityError")


@pytest.mark.slow
async def test_the_store_gone_during_an_import_is_not_called_a_fault(
    store: Store, review_id: str, tmp_path: Path, crash_log: Callable[[], str],
) -> None:
    """The store's file deleted while the mapping dialog is open: the import is refused, the
    app closes saying where the saved work is, and nothing is logged as a fault in kvtui."""
    from textual.worker import WorkerFailed

    from kvtui.tui.app import ClosedByError

    path = tmp_path / "akter.csv"
    path.write_bytes(b"Referens;Lagrum\r\nFV-1;SoL\r\n")
    app = make_app(store, open_review=review_id)
    with pytest.raises(ClosedByError) as closed:
        async with app.run_test(size=SIZE) as pilot:
            dialog = await _open_import(app, pilot)
            await _read_path(app, pilot, dialog, str(path))
            assert isinstance(app.screen, ImportMappingDialog)
            store.path.unlink()
            await pilot.press("enter")
            with contextlib.suppress(WorkerFailed):
                await app.workers.wait_for_complete()
            await pilot.pause()
    assert closed.value.message == store.lost_work_notice()
    assert crash_log() == ""
