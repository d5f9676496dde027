"""The store's files on disk, attacked as a hostile or unlucky user would: odd folder names, a
truncated or foreign file, a hard link, a killed writer, a read-only folder, a full disk."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from kvtui.paths import backups_dir, lock_path, running_marker
from kvtui.store.backup import (
    BackupCorrupt,
    fingerprint,
    integrity_ok,
    list_backups,
    make_backup,
    rotate,
)
from kvtui.store.database import (
    Store,
    StoreDamaged,
    StoreError,
    StoreGone,
    StoreLocked,
    check_store,
    open_store,
    restore_backup,
)
from kvtui.store.engine import make_engine, sqlite_uri
from kvtui.store.models import CaseFile, Review
from tests.report.demo_file import demo_at
from tests.sandbox import in_namespace, last_json, read_only, small_disk
from tests.store_files import (
    ODD_NAMES,
    break_an_index,
    change_outside,
    fake_backups,
    kill_a_writer,
)


def _case_files(path: Path) -> int:
    connection = sqlite3.connect(path)  # a plain path: no URI, nothing to misread
    try:
        return connection.execute("SELECT count(*) FROM case_file").fetchone()[0]
    finally:
        connection.close()


def _all_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


# --- odd names ---------------------------------------------------------------------------------


def test_uri_quotes_every_character_with_a_meaning(tmp_path: Path) -> None:
    uri = sqlite_uri(tmp_path / "a%b#c?d&e" / "Å ö.db", read_only=True)
    assert uri.endswith("/a%25b%23c%3Fd%26e/%C3%85%20%C3%B6.db?mode=ro")


@pytest.mark.parametrize("name", ODD_NAMES)
def test_store_and_backups_with_odd_names_open_the_right_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name / f"{name}.db"
    demo_at(path)
    before = _all_files(tmp_path)
    with open_store(path) as store:
        assert store.start_backup is not None and store.start_backup.new
        with store.session() as session:
            assert len(session.exec(select(CaseFile)).all()) == 44
            session.add(Review(title="Ny granskning"))
            session.commit()
        to_file = store.backup(tmp_path / name / f"{name} kopia.db")
    backup = store.start_backup.path
    assert backup.parent == backups_dir(path) and backup.parent.parent.name == name
    assert _case_files(backup) == 44 and integrity_ok(backup)
    assert _case_files(to_file.path) == 44
    assert check_store(path).ok
    # Nothing was made anywhere but beside the store: no stray "file" cut at # or ?.
    made = _all_files(tmp_path) - before
    assert {Path(item).parts[0] for item in made} == {name}
    assert all(p.stat().st_size > 0 for p in (path, backup, to_file.path))


@pytest.mark.parametrize("name", ["Granskning #2", "a%b#c?d&e"])
def test_damage_is_found_behind_an_odd_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / name / "kvtui.db"
    demo_at(path)
    open_store(path).close()  # a backup beside it
    raw = bytearray(path.read_bytes())
    raw[4096:len(raw) // 2] = bytes((b * 7 + 13) % 256 for b in raw[4096:len(raw) // 2])
    path.write_bytes(bytes(raw))
    with pytest.raises(StoreDamaged) as caught:
        open_store(path)
    assert caught.value.backup is not None
    restore_backup(caught.value.backup, path)
    assert _case_files(path) == 44


def test_engine_reads_the_file_under_an_odd_name(tmp_path: Path) -> None:
    decoy = tmp_path / "Granskning "
    demo_at(tmp_path / "Granskning #2" / "kvtui.db")
    engine = make_engine(tmp_path / "Granskning #2" / "kvtui.db", read_only=True)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM case_file").scalar() == 44
    finally:
        engine.dispose()
    assert not decoy.exists()


# --- 0-byte, foreign and missing files -----------------------------------------------------


def test_truncated_store_is_damaged_and_the_backup_offered(store_path: Path) -> None:
    demo_at(store_path)
    open_store(store_path).close()
    store_path.write_bytes(b"")
    with pytest.raises(StoreDamaged, match="tom") as caught:
        open_store(store_path)
    assert caught.value.set_aside.stat().st_size == 0
    assert caught.value.backup is not None and "säkerhetskopian" in str(caught.value)
    assert not store_path.exists()  # not silently replaced by an empty store


def test_empty_file_of_a_killed_first_start_becomes_the_new_store(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"")  # no backups, no marker, no log: nothing was ever there
    with open_store(store_path) as store, store.session() as session:
        assert session.exec(select(Review)).all() == []
    assert store_path.stat().st_size > 0


def test_foreign_file_where_a_store_was_is_set_aside(store_path: Path) -> None:
    demo_at(store_path)
    open_store(store_path).close()
    store_path.write_text("inte en databas\n" * 100, encoding="utf-8")
    with pytest.raises(StoreDamaged) as caught:
        open_store(store_path)
    assert caught.value.set_aside.read_text(encoding="utf-8").startswith("inte en databas")


def test_missing_store_beside_backups_is_warned_about(store_path: Path) -> None:
    demo_at(store_path)
    open_store(store_path).close()
    store_path.unlink()
    with open_store(store_path) as store:
        assert store.warning is not None
        assert "finns inte" in store.warning and "1 säkerhetskopia av" in store.warning
    assert len(list_backups(store_path)) == 1
    change_outside(store_path, 3)
    make_backup(store_path)
    store_path.unlink()
    with open_store(store_path) as store:
        assert store.warning is not None and "2 säkerhetskopior av" in store.warning


@pytest.mark.parametrize("how", ["moved", "deleted"])
def test_store_that_vanishes_while_open_is_not_made_again(tmp_path: Path, how: str) -> None:
    path = tmp_path / "db" / "kvtui.db"
    demo_at(path)
    store = open_store(path, backup=False)  # as the app opens it: the engine comes later
    try:
        if how == "moved":
            path.rename(tmp_path / "flyttad.db")
        else:
            path.unlink()
        for use in (lambda: store.session().exec(select(Review)).all(), store.plain_connection):
            with pytest.raises(StoreError, match="finns inte längre") as caught:
                use()
            assert "flyttats eller tagits bort" in str(caught.value)
            assert not path.exists()  # no empty store in its place
    finally:
        store.close()
    if how == "moved":
        assert _case_files(tmp_path / "flyttad.db") == 44


def _titles(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("SELECT title FROM review ORDER BY title")]


def _add_review(store: Store, title: str) -> None:
    with store.session() as session:
        session.add(Review(title=title))
        session.commit()


@pytest.mark.parametrize("how", ["moved", "deleted", "replaced"])
def test_the_work_of_a_store_taken_away_while_open_is_saved_and_can_be_put_back(
        tmp_path: Path, how: str) -> None:
    """A review saved (still in the log, not yet in the file), the file taken away, another
    review: refused before it begins. What was saved is copied, through the connection kept
    open, into a checked backup; put where the notice says, it is the store as it was."""
    path = tmp_path / "db" / "kvtui.db"
    demo_at(path)
    store = open_store(path)
    try:
        _add_review(store, "Före")
        assert (tmp_path / "db" / "kvtui.db-wal").stat().st_size > 0
        other = tmp_path / "annan.db"
        if how == "moved":
            path.rename(tmp_path / "flyttad.db")
        elif how == "deleted":
            path.unlink()
        else:  # a file of the user's own put in its place
            other.write_bytes(b"inte en databas")
            other.replace(path)
        with pytest.raises(StoreGone):
            _add_review(store, "Efter")
        notice = store.lost_work_notice()
        assert store.read_only and notice is not None
        copy = list_backups(path)[0].path
        assert f"har kopierats till {copy} och kontrollerats" in notice
        assert store.lost_work_notice() == notice  # saved once
    finally:
        store.close()
    assert integrity_ok(copy) and "Efter" not in _titles(copy) and "Före" in _titles(copy)
    if how == "replaced":
        assert path.read_bytes() == b"inte en databas"  # not touched
        path.replace(other)
    (path.parent / "kvtui.db.restored").write_bytes(copy.read_bytes())  # as the user copies
    (path.parent / "kvtui.db.restored").replace(path)
    with open_store(path) as again:
        assert not again.was_unclean
    assert _titles(path) == _titles(copy) and check_store(path).ok


def test_work_that_cannot_be_saved_aside_is_said(tmp_path: Path) -> None:
    """The backup folder cannot be used (here: a file has its name): the auditor is told
    that the copy failed, and what is still true of her work."""
    path = tmp_path / "db" / "kvtui.db"
    demo_at(path)
    store = open_store(path)
    try:
        _add_review(store, "Före")
        folder = backups_dir(path)
        for backup in folder.iterdir():
            backup.unlink()
        folder.rmdir()
        folder.write_bytes(b"")
        path.unlink()
        notice = store.lost_work_notice()
    finally:
        store.close()
    assert notice is not None and store.read_only
    assert (f"Det som var sparat i den kunde inte kopieras undan: Mappen {folder} kunde inte "
            "användas för säkerhetskopior") in notice
    assert ("Har filen flyttats finns allt kvar i den: flytta tillbaka den. Har den tagits bort "
            "finns det som var sparat bara kvar tills kvtui avslutas.") in notice


def test_a_store_opened_for_reading_only_says_where_to_put_it_back(tmp_path: Path) -> None:
    path = tmp_path / "db" / "kvtui.db"
    demo_at(path)
    with open_store(path, read_only=True) as reader:
        path.rename(tmp_path / "flyttad.db")
        notice = reader.lost_work_notice()
    assert notice is not None and notice.endswith(
        "Lägg tillbaka filen, eller öppna den där den ligger nu med --db.")
    assert not backups_dir(path).exists()  # nothing was written, nothing to save

@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_a_folder_fifo_or_device_is_refused_and_not_moved(tmp_path: Path, kind: str) -> None:
    if kind == "folder":
        path = tmp_path / "kvtui.db"
        path.mkdir()
    elif kind == "fifo":
        path = tmp_path / "kvtui.db"
        os.mkfifo(path)
    else:
        path = Path("/dev/null")
    for read_only_open in (False, True):
        with pytest.raises(StoreError) as caught:
            open_store(path, read_only=read_only_open)
        assert not isinstance(caught.value, StoreDamaged)
    assert "kvtui.db.skadad" not in " ".join(os.listdir(path.parent))
    assert not check_store(path).ok  # and the check does not wait on a FIFO forever


# --- the write lock follows the file, not its name -----------------------------------------


def test_second_writer_through_a_hard_link_is_refused(tmp_path: Path) -> None:
    first = tmp_path / "a" / "kvtui.db"
    second = tmp_path / "b" / "andra.db"
    demo_at(first)
    second.parent.mkdir()
    os.link(first, second)
    with open_store(first):
        script = textwrap.dedent(f"""
            from pathlib import Path
            from kvtui.store.database import StoreLocked, open_store
            try:
                open_store(Path({str(second)!r}))
            except StoreLocked as error:
                print("LOCKED", error)
            else:
                print("OPENED")
            """)
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.stdout.startswith("LOCKED"), result.stdout + result.stderr
        with pytest.raises(StoreLocked):  # another opening in this process too
            open_store(second)
    with open_store(second):  # free again once the first writer is gone
        pass


def test_lock_file_is_private(store) -> None:
    assert lock_path(store.path).stat().st_mode & 0o077 == 0
    assert running_marker(store.path).stat().st_mode & 0o077 == 0


# --- an unclean stop ----------------------------------------------------------------------------

def test_read_only_opening_after_a_kill_writes_nothing(store_path: Path) -> None:
    open_store(store_path).close()
    kill_a_writer(store_path, 3)
    wal = store_path.with_name("kvtui.db-wal")
    before = (store_path.read_bytes(), wal.read_bytes())
    with open_store(store_path, read_only=True) as reader, reader.session() as session:
        assert len(session.exec(select(Review)).all()) == 3
    assert (store_path.read_bytes(), wal.read_bytes()) == before
    assert running_marker(store_path).exists()  # the next writer still sees the unclean stop
    assert list_backups(store_path) == []
    with open_store(store_path, backup=False) as writer:
        assert writer.was_unclean and writer.recovered_transactions == 3


def test_clean_stop_recovers_nothing(store_path: Path) -> None:
    with open_store(store_path) as store:
        assert store.recovered_transactions == 0 and not store.was_unclean


# --- backups that keep history ----------------------------------------------------------------


def test_no_backup_identical_to_the_newest(store_path: Path) -> None:
    demo_at(store_path)
    first = make_backup(store_path)
    again = make_backup(store_path)
    assert first.new and not again.new and again.path == first.path
    for _ in range(3):  # a store opened and closed without changes adds no backup
        open_store(store_path).close()
    assert len(list_backups(store_path)) == 1
    change_outside(store_path, 7)
    assert make_backup(store_path).new
    assert len(list_backups(store_path)) == 2


def test_fingerprint_ignores_page_layout(tmp_path: Path) -> None:
    path = tmp_path / "kvtui.db"
    demo_at(path)
    before = fingerprint(path)
    connection = sqlite3.connect(path)
    connection.execute("VACUUM")  # every page rewritten, same content
    connection.close()
    assert fingerprint(path) == before


def test_rotation_thins_by_age(store_path: Path) -> None:
    demo_at(store_path)
    now = datetime(2026, 11, 23, 17, 0, 0)
    # Every hour for the last two days, then one a day going back 120 days.
    moments = [now - timedelta(hours=hours) for hours in range(48)]
    moments += [now - timedelta(days=days, hours=1) for days in range(2, 120)]
    fake_backups(store_path, moments)
    rotate(backups_dir(store_path), now=now)
    left = sorted((info.taken_at for info in list_backups(store_path)), reverse=True)
    assert left[:12] == sorted(moments, reverse=True)[:12]  # the twelve newest
    older = left[12:]
    days = [moment.date() for moment in older[:7]]
    assert len(set(days)) == 7  # then one a day for seven days
    weeks = {(moment - timedelta(days=moment.weekday())).date() for moment in older[7:]}
    assert len(older[7:]) == 8 and len(weeks) == 8  # then one a week for eight weeks
    assert min(left) > now - timedelta(days=90)
    assert len(left) == 12 + 7 + 8


def test_rotation_never_deletes_the_last_backup_that_differs(store_path: Path) -> None:
    demo_at(store_path)
    now = datetime(2026, 11, 23, 17, 0, 0)
    oldest = now - timedelta(days=400)
    [different] = fake_backups(store_path, [oldest])
    change_outside(store_path, 42)  # the store moved on; every later backup is of this state
    fake_backups(store_path, [now - timedelta(minutes=m) for m in range(40)])
    rotate(backups_dir(store_path), current=fingerprint(store_path), now=now)
    assert different.exists()
    assert len(list_backups(store_path)) == 13


def test_twelve_commands_after_truncation_keep_the_good_backups(store_path: Path) -> None:
    demo_at(store_path)
    fake_backups(store_path, [datetime(2026, 11, 1, 9, 0) + timedelta(hours=h)
                               for h in range(3)])
    good = {info.path for info in list_backups(store_path)}
    store_path.write_bytes(b"")
    with pytest.raises(StoreDamaged):
        open_store(store_path)
    for _ in range(12):  # the user gives up on the offer and keeps working on a new store
        open_store(store_path).close()
    assert good <= {info.path for info in list_backups(store_path)}


# --- a start backup that fails --------------------------------------------------------------


def test_start_backup_that_fails_its_check_takes_the_damaged_path(store_path: Path) -> None:
    demo_at(store_path)
    open_store(store_path).close()
    change_outside(store_path, 5)  # so the next start makes a backup
    break_an_index(store_path)
    with pytest.raises(StoreDamaged) as caught:
        open_store(store_path)
    assert caught.value.backup is not None
    assert not store_path.exists()


def test_app_start_backup_failing_its_check_stops_writing(store_path: Path) -> None:
    demo_at(store_path)
    break_an_index(store_path)
    store = open_store(store_path, backup=False)  # as the app opens it
    with pytest.raises(BackupCorrupt) as caught:
        store.backup_if_changed()
    message = store.start_backup_failed(caught.value)
    assert store.read_only and "skrivskyddad" in message
    with pytest.raises(sqlite3.OperationalError), closing(store.plain_connection()) as raw:
        raw.execute("UPDATE review SET title = 'x'")
    store.close()
    assert running_marker(store_path).exists()  # so the next start checks in full
    with pytest.raises(StoreDamaged):
        open_store(store_path)


SAVE_IN = textwrap.dedent("""
    import json, shutil, sys
    from pathlib import Path
    from kvtui.store.database import StoreReadOnly, open_store
    source, folder = Path(sys.argv[1]), Path(sys.argv[2])
    path = folder / "kvtui.db"
    if sys.argv[3] == "kopiera":
        shutil.copyfile(source, path)
    try:
        open_store(path).close()
        outcome = "opened"
    except StoreReadOnly as error:
        outcome = str(error)
    with open_store(path, read_only=True) as reader, reader.plain_connection() as raw:
        count = raw.execute("SELECT count(*) FROM case_file").fetchone()[0]
    print(json.dumps({"outcome": outcome, "count": count,
                      "files": sorted(p.name for p in folder.iterdir())}))
    """)


def test_full_disk_at_the_start_backup_opens_read_only(tmp_path: Path) -> None:
    source = tmp_path / "källa.db"
    demo_at(source)
    disk = tmp_path / "disk"
    disk.mkdir()
    size = source.stat().st_size
    prefix = small_disk(disk, size + size // 4)  # room for the store, not for its backup
    result = in_namespace(SAVE_IN, str(source), str(disk), "kopiera", prefix=prefix)
    found = last_json(result)
    assert "inte plats på disken" in found["outcome"]
    assert "oväntat" not in result.stderr
    assert found["count"] == 44
    assert not any(name.endswith(".tmp") for name in found["files"])  # no half copy left


def test_read_only_folder_is_refused_for_writing_and_readable(tmp_path: Path) -> None:
    folder = tmp_path / "skrivskyddad"
    demo_at(folder / "kvtui.db")
    with read_only(folder) as prefix:
        result = in_namespace(SAVE_IN, "", str(folder), "", prefix=prefix)
    found = last_json(result)
    assert "skrivskyddad" in found["outcome"]
    assert found["count"] == 44
    assert found["files"] == ["kvtui.db"]  # nothing made beside it


def test_read_only_store_file_is_refused_for_writing(store_path: Path) -> None:
    demo_at(store_path)
    with read_only(store_path) as prefix:
        result = in_namespace(SAVE_IN, "", str(store_path.parent), "", prefix=prefix)
    found = last_json(result)
    assert "Databasfilen" in found["outcome"] and "skrivskyddad" in found["outcome"]
    assert found["count"] == 44


def test_read_only_opening_in_a_read_only_folder_with_changes_in_its_log(tmp_path: Path) -> None:
    folder = tmp_path / "skrivskyddad"
    path = folder / "kvtui.db"
    open_store(path).close()
    kill_a_writer(path, 2)
    path.with_name("kvtui.db-shm").unlink()  # as a copy of the folder without it would be
    code = textwrap.dedent(f"""
        import json
        from pathlib import Path
        from kvtui.store.database import StoreError, open_store
        try:
            open_store(Path({str(path)!r}), read_only=True)
            print(json.dumps("opened"))
        except StoreError as error:
            print(json.dumps(str(error)))
        """)
    with read_only(folder) as prefix:
        message = last_json(in_namespace(code, prefix=prefix))
    assert "kvtui.db-wal" in message
    assert "skrivbar plats" in message


RAW_WRITER = textwrap.dedent("""
    import os, signal, sqlite3, sys
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA wal_autocheckpoint = 0")
    connection.execute("CREATE TABLE t (x)")
    for number in range(int(sys.argv[2])):
        connection.execute("INSERT INTO t VALUES (?)", (os.urandom(3000),))
        if number == int(sys.argv[3]):
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    os.kill(os.getpid(), signal.SIGKILL)
    """)


def _raw_kill(path: Path, inserts: int, checkpoint_after: int = -1) -> None:
    subprocess.run([sys.executable, "-c", RAW_WRITER, str(path), str(inserts),
                    str(checkpoint_after)], capture_output=True, timeout=60, check=False)


def test_recovered_transactions_count_only_valid_frames(tmp_path: Path) -> None:
    from kvtui.store.wal import recovered_transactions, wal_path

    path = tmp_path / "x.db"
    _raw_kill(path, 5)
    assert recovered_transactions(path) == 6  # the CREATE TABLE and five inserts
    wal = wal_path(path)
    data = bytearray(wal.read_bytes())
    wal.write_bytes(bytes(data[:-100]))  # the last commit frame cut short
    assert recovered_transactions(path) == 5
    data[len(data) // 2] ^= 0xFF  # a flipped bit in the middle: the chain breaks there
    wal.write_bytes(bytes(data))
    assert 0 < recovered_transactions(path) < 5
    wal.write_bytes(b"")
    assert recovered_transactions(path) == 0


def test_transactions_already_in_the_store_file_are_not_counted(tmp_path: Path) -> None:
    from kvtui.store.wal import recovered_transactions

    path = tmp_path / "x.db"
    _raw_kill(path, 6, checkpoint_after=3)  # the log starts again after a full checkpoint
    assert recovered_transactions(path) == 2
    other = tmp_path / "y.db"
    _raw_kill(other, 4, checkpoint_after=3)  # all copied into the file, the log still there
    assert recovered_transactions(other) == 0
    other.with_name("y.db-shm").unlink()  # without the -shm's word, all in the log count
    assert recovered_transactions(other) == 5
