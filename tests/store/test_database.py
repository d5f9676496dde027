"""The store on a real SQLite file: pragmas, lock, backups, damaged files, versions."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlmodel import select

from kvtui.paths import backups_dir, running_marker
from kvtui.store.backup import integrity_ok, list_backups, make_backup, newest_good_backup
from kvtui.store.database import (
    StoreDamaged,
    StoreError,
    StoreLocked,
    StoreTooNew,
    check_store,
    open_store,
    restore_backup,
)
from kvtui.store.demo import create_demo
from kvtui.store.models import CaseFile, Review
from kvtui.store.review_detail import list_reviews
from tests.store_files import change_outside


def test_every_connection_has_the_safety_pragmas(store) -> None:
    for _ in range(3):  # several pooled connections, not just the first
        with store.engine.connect() as connection:
            values = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("foreign_keys", "journal_mode", "synchronous", "secure_delete",
                             "busy_timeout")
            }
        assert values == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2,
                          "secure_delete": 1, "busy_timeout": 5000}


def test_foreign_keys_are_enforced(store) -> None:
    with store.session() as session, pytest.raises(Exception, match="FOREIGN KEY"):
        session.add(CaseFile(review_id="no-such-review", reference="X", position=0))
        session.commit()


def test_store_file_is_private(store) -> None:
    assert store.path.stat().st_mode & 0o077 == 0


def test_second_copy_in_another_process_is_refused(store) -> None:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from kvtui.store.database import StoreLocked, open_store
        try:
            open_store(Path({str(store.path)!r}))
        except StoreLocked as error:
            print("LOCKED", error)
        else:
            print("OPENED")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.startswith("LOCKED"), result.stderr
    assert "används redan" in result.stdout


def test_second_copy_in_the_same_process_is_refused(store) -> None:
    with pytest.raises(StoreLocked):
        open_store(store.path)


def test_lock_is_released_on_close(store_path: Path) -> None:
    open_store(store_path).close()
    open_store(store_path).close()


def test_read_only_view_beside_the_writer(store) -> None:
    with store.session() as session:
        create_demo(session, file_review=False)
    reader = open_store(store.path, read_only=True)
    try:
        with reader.session() as session:
            assert [r.title for r in list_reviews(session)] == [
                "Kvalitetsgranskning av familjevården 2026"
            ]
    finally:
        reader.close()


def test_start_makes_a_verified_backup(store_path: Path) -> None:
    first = open_store(store_path)
    with first.session() as session:
        create_demo(session, file_review=False)
    first.close()
    second = open_store(store_path)
    second.close()
    assert second.start_backup is not None
    assert integrity_ok(second.start_backup.path)
    copy = sqlite3.connect(second.start_backup.path)
    assert copy.execute("SELECT count(*) FROM case_file").fetchone() == (44,)
    copy.close()


def test_backups_rotate(store) -> None:
    for number in range(5):  # within a second or two: the names are numbered
        change_outside(store.path, number + 1)
        made = make_backup(store.path, keep=3)
        assert made.new and made.path.exists()
        assert list_backups(store.path)[0].path == made.path
    assert len(list_backups(store.path)) == 3


def test_periodic_backup_only_after_changes(store) -> None:
    assert store.backup_if_changed() is not None  # no backup yet this session
    assert store.backup_if_changed() is None
    with store.session() as session:
        create_demo(session, file_review=False)
    assert store.backup_if_changed() is not None


def test_backup_refuses_to_overwrite(store, tmp_path: Path) -> None:
    from kvtui.store.backup import BackupError

    dest = tmp_path / "copy.db"
    dest.write_text("mine")
    with pytest.raises(BackupError, match="finns redan"):
        store.backup(dest)
    assert dest.read_text() == "mine"


def _store_with_demo_and_backup(store_path: Path) -> None:
    store = open_store(store_path)
    with store.session() as session:
        create_demo(session, file_review=False)
    store.backup()
    store.close()


def test_damaged_file_is_set_aside_untouched_and_backup_offered(store_path: Path) -> None:
    _store_with_demo_and_backup(store_path)
    raw = bytearray(store_path.read_bytes())
    middle = len(raw) // 2
    raw[4096:middle] = bytes((b * 7 + 13) % 256 for b in raw[4096:middle])  # scramble pages
    store_path.write_bytes(bytes(raw))
    damaged = bytes(raw)
    with pytest.raises(StoreDamaged) as caught:
        open_store(store_path)
    error = caught.value
    assert not store_path.exists()
    assert error.set_aside.read_bytes() == damaged  # never written to
    assert error.backup is not None
    assert error.backup.label in str(error)
    assert "Traceback" not in str(error)
    restore_backup(error.backup, store_path)
    store = open_store(store_path)
    with store.session() as session:
        assert len(session.exec(select(CaseFile)).all()) == 44
    store.close()


def test_foreign_file_is_refused_and_left_alone(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    text = "Det här är en textfil, inte en databas.\n" * 50
    store_path.write_text(text, encoding="utf-8")
    with pytest.raises(StoreError, match="inte en kvtui-databas") as caught:
        open_store(store_path)
    assert not isinstance(caught.value, StoreDamaged)
    assert "har inte rört filen" in str(caught.value)
    assert store_path.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in store_path.parent.iterdir()) == ["kvtui.db", "kvtui.db.lock"]


def test_other_sqlite_database_is_not_taken_over(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    other = sqlite3.connect(store_path)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.commit()
    other.close()
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match="annan databas"):
        open_store(store_path)
    assert store_path.read_bytes() == before


def test_damaged_backup_is_not_offered(store_path: Path) -> None:
    _store_with_demo_and_backup(store_path)
    for info in list_backups(store_path):
        info.path.write_bytes(b"broken")
    assert newest_good_backup(store_path) is None


def test_store_from_newer_kvtui_is_refused_and_left_alone(store_path: Path) -> None:
    open_store(store_path).close()
    connection = sqlite3.connect(store_path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = store_path.read_bytes()
    with pytest.raises(StoreTooNew, match="nyare version"):
        open_store(store_path)
    assert store_path.read_bytes() == before


def test_unclean_stop_is_noticed(store_path: Path) -> None:
    store = open_store(store_path)
    store.engine.dispose()
    store._lock.release()  # simulate a killed process: the marker stays behind
    assert running_marker(store_path).exists()
    again = open_store(store_path)
    assert again.was_unclean
    again.close()
    assert not running_marker(store_path).exists()


def test_check_reports_ok_and_finds_foreign_key_damage(store_path: Path) -> None:
    _store_with_demo_and_backup(store_path)
    assert check_store(store_path).ok
    connection = sqlite3.connect(store_path)
    connection.execute("UPDATE case_file SET review_id = 'gone' WHERE rowid = 1")
    connection.commit()
    connection.close()
    result = check_store(store_path)
    assert not result.ok
    assert "Främmande nycklar: 1 felaktig hänvisning (i case_file)" in result.lines



def test_check_explains_an_unreadable_log_in_swedish(store_path: Path) -> None:
    """A column of the change log renamed with raw SQL: the log cannot be read, and the check
    says so with SQLite's reason in kvtui's words, not SQLite's English message."""
    _store_with_demo_and_backup(store_path)
    connection = sqlite3.connect(store_path)
    connection.execute("ALTER TABLE change_log RENAME COLUMN hash TO h")
    connection.commit()
    connection.close()
    result = check_store(store_path)
    assert not result.ok
    assert result.lines[-1] == ("Ändringsloggen och signerade granskningar kunde inte läsas: "
                                "databasfel (SQLITE_ERROR)")
    assert not any("no such column" in line for line in result.lines)

def test_backups_live_beside_the_store(store) -> None:
    info = store.backup()
    assert info.path.parent == backups_dir(store.path)
    assert info.path.parent.parent == store.path.parent


def test_review_rows_survive_reopen(store_path: Path) -> None:
    store = open_store(store_path)
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
    store.close()
    store = open_store(store_path)
    with store.session() as session:
        assert session.get(Review, review_id) is not None
    store.close()


def test_half_written_backups_are_removed(store) -> None:
    folder = backups_dir(store.path)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("kvtui-20260101-000000.db.tmp", "kvtui-20260101-000000.db.tmp-wal",
                 "kvtui-20260101-000000.db.tmp-shm"):
        (folder / name).write_bytes(b"half a copy")
    info = store.backup()
    assert sorted(p.name for p in folder.iterdir()) == [".lock", info.path.name]
    assert info.path.stat().st_mode & 0o077 == 0
