"""The backup folder shared by everything that backs a store up: two processes backing up at
once, a clock that was once wrong, and files there that the system will not let go."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kvtui.paths import backups_dir
from kvtui.store.backup import (
    BackupBusy,
    BackupError,
    integrity_ok,
    list_backups,
    make_backup,
    newest_good_backup,
    restore,
)
from kvtui.store.database import StoreDamaged, open_store
from tests.report.demo_file import demo_at
from tests.sandbox import busy, in_namespace, last_json
from tests.store_files import change_outside, fake_backups

# --- two processes backing up the same store at once --------------------------------------

BACK_UP_IN_A_LOOP = textwrap.dedent("""
    import json, sqlite3, sys, time
    from contextlib import closing
    from datetime import datetime
    from pathlib import Path
    from kvtui.store.backup import BackupError, make_backup
    store, start, who = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    print("READY", flush=True)  # past the imports
    while not start.exists():
        time.sleep(0.001)
    made, failures = 0, []
    for number in range(12):
        with closing(sqlite3.connect(store, timeout=30)) as connection:  # so each is new
            connection.execute(f"PRAGMA user_version = {who * 100 + number}")
        try:
            # One second for all: both processes want the same names, as within one second.
            made += make_backup(store, now=datetime(2026, 12, 1, 9, 0, 0)).new
        except BackupError as error:
            failures.append(str(error))
    print(json.dumps({"made": made, "failures": failures}))
    """)


def test_two_processes_backing_up_at_once_leave_only_good_copies(tmp_path: Path) -> None:
    """The app's periodic backup and ``kvtui backup`` (which takes no write lock) at once."""
    store = tmp_path / "db" / "kvtui.db"
    demo_at(store)
    start = tmp_path / "start"
    runs = [subprocess.Popen([sys.executable, "-c", BACK_UP_IN_A_LOOP, str(store), str(start),
                              str(who)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for who in (1, 2)]
    for run in runs:  # both past their imports, so that both begin at once
        assert run.stdout is not None
        if run.stdout.readline().strip() != "READY":
            pytest.fail(run.communicate(timeout=60)[1])
    start.touch()
    outcomes = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    assert [outcome["failures"] for outcome in outcomes] == [[], []]
    assert not list(backups_dir(store).glob("*.tmp*"))
    backups = list_backups(store)
    assert 12 <= len(backups) <= 13  # rotated (the 13th: the newest that differs, if older)
    assert all(integrity_ok(info.path) for info in backups)


HOLD_THE_FOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from filelock import FileLock
    lock = FileLock(Path(sys.argv[1]) / ".lock")
    with lock:
        print("HELD", flush=True)
        sys.stdin.readline()
    """)


def test_a_second_backup_waits_a_while_then_says_another_is_running(store_path: Path) -> None:
    demo_at(store_path)
    folder = backups_dir(store_path)
    first = make_backup(store_path)
    lock = folder / ".lock"
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    change_outside(store_path, 1)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_FOLDER, str(folder)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
        began = time.monotonic()
        with pytest.raises(BackupBusy) as caught:
            make_backup(store_path, wait=1.0)
        assert 1.0 <= time.monotonic() - began < 10
        assert "En annan säkerhetskopiering" in str(caught.value)
        assert [info.path for info in list_backups(store_path)] == [first.path]
    finally:
        holder.communicate("\n", timeout=60)
    assert make_backup(store_path).new  # free again once the other is done


# --- a clock that was once wrong ---------------------------------------------------------------


@pytest.mark.parametrize("clock", ["once ahead", "now behind"])
def test_the_backup_just_made_is_kept_and_counts_as_newest(store_path: Path, clock: str) -> None:
    demo_at(store_path)
    now = datetime(2026, 12, 1, 9, 0, 0)
    if clock == "once ahead":  # a year ahead for thirty weeks, since put right
        other_times = [now + timedelta(days=365 + 7 * week) for week in range(30)]
    else:  # thirty weeks of backups, and now the clock has fallen back to 2001
        other_times = [now - timedelta(days=7 * week) for week in range(30)]
        now = datetime(2001, 1, 1, 0, 0, 0)
    others = fake_backups(store_path, other_times)
    change_outside(store_path, 9)
    made = make_backup(store_path, now=now)
    assert made.new and made.path.exists()
    assert list_backups(store_path, now=now)[0].path == made.path
    good = newest_good_backup(store_path, now=now)
    assert good is not None and good.path == made.path
    # Unchanged since: compared with the backup just made, not with a misdated one.
    again = make_backup(store_path, now=now + timedelta(minutes=5))
    assert not again.new and again.path == made.path
    # Backups dated after now are kept until the clock reaches them.
    assert all(path.exists() for path in others)



def test_a_misdated_backup_never_makes_the_store_count_as_unchanged(store_path: Path) -> None:
    """Only backups dated after now, and the store holds what they hold: a backup is made,
    rather than "unchanged since" a time that has not come."""
    demo_at(store_path)
    now = datetime(2001, 1, 1, 0, 0, 0)  # the clock has fallen back since they were made
    others = fake_backups(store_path, [datetime(2026, 12, 1, 9, 0, 0) + timedelta(days=day)
                                       for day in range(3)])
    made = make_backup(store_path, now=now)
    assert made.new and made.taken_at == now and not made.misdated
    again = make_backup(store_path, now=now + timedelta(minutes=5))
    assert not again.new and again.path == made.path
    assert [info.misdated for info in list_backups(store_path, now=now)] == [False, True, True,
                                                                            True]
    assert all(path.exists() for path in others)


def test_a_misdated_backup_is_offered_after_damage_only_when_no_other_is_good(
        store_path: Path) -> None:
    demo_at(store_path)
    now = datetime.now()
    misdated = fake_backups(store_path, [now + timedelta(days=400), now + timedelta(days=401)])
    dated = fake_backups(store_path, [now - timedelta(days=1)])
    good = newest_good_backup(store_path)
    assert good is not None and good.path == dated[0] and not good.misdated
    dated[0].write_bytes(b"broken")
    good = newest_good_backup(store_path)
    assert good is not None and good.path == misdated[1] and good.misdated
    store_path.write_bytes(b"")  # truncated: the store is set aside, a backup offered
    with pytest.raises(StoreDamaged) as caught:
        open_store(store_path).close()
    assert caught.value.backup == good
    assert (f"Ingen fungerande säkerhetskopia är märkt med en tid som redan har varit; den som "
            f"erbjuds är märkt {good.label}. Den gjordes medan datorns klocka gick fel, så hur "
            "gammal den är går inte att säga.") in str(caught.value)

# --- files in the backup folder that will not go ----------------------------------------------

STUCK = textwrap.dedent("""
    import json, sys
    from datetime import datetime
    from pathlib import Path
    from kvtui.store.backup import BackupError, list_backups, make_backup
    store = Path(sys.argv[1])
    try:
        info = make_backup(store, keep=1, now=datetime(2026, 12, 1, 9, 0, 0))
        print(json.dumps({"made": info.path.name, "warning": info.warning,
                          "backups": [b.path.name for b in list_backups(store)]}))
    except BackupError as error:
        print(json.dumps({"error": str(error)}))
    """)


def test_backups_and_leftovers_that_cannot_be_deleted_are_named_not_fatal(
        store_path: Path) -> None:
    """A file held by another program (EBUSY here, "in use" on Windows) is left, and said."""
    demo_at(store_path)
    hourly = fake_backups(store_path, [datetime(2026, 11, 1, 0, 0) + timedelta(hours=hour)
                                       for hour in range(30)])
    old = hourly[0]  # neither among the newest nor the last of its day: rotated away
    leftover = backups_dir(store_path) / "kvtui-20261130-120000.db.tmp"
    leftover.write_bytes(b"half a copy")
    change_outside(store_path, 2)
    result = in_namespace(STUCK, str(store_path), prefix=busy(old) + " " + busy(leftover))
    found = last_json(result)
    assert "error" not in found, found
    assert found["backups"][0] == found["made"]
    assert old.name in found["backups"]  # rotation would have deleted it
    warning = found["warning"]
    assert "Säkerhetskopian är gjord" in warning and "2 filer" in warning
    assert old.name in warning and leftover.name in warning
    assert "filen används av ett annat program" in warning


@pytest.mark.parametrize("step", ["backup", "restore"])
def test_a_copy_that_cannot_be_put_in_place_is_explained(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """The rename that puts a checked copy in place fails (as on Windows when a virus scanner
    holds the new file): the user reads why, and no half copy is left. The failure is
    injected at ``os.replace``: a rename of a new file in a writable folder cannot be made to
    fail on Linux."""
    store = tmp_path / "db" / "kvtui.db"
    demo_at(store)
    real_replace = os.replace

    def refused(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        if str(source).endswith((".tmp", ".restoring")):
            raise PermissionError(errno.EACCES, "Permission denied", str(source))
        real_replace(source, target)

    backup = make_backup(store).path
    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(BackupError) as caught:
        if step == "backup":
            change_outside(store, 3)
            make_backup(store)
        else:
            restore(backup, tmp_path / "återställd.db")
    assert "behörighet saknas" in str(caught.value)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith((".tmp", ".restoring"))]
    assert [info.path for info in list_backups(store)] == [backup]
