"""Verified, rotated backups made with SQLite's online backup API.

A backup is written to a temporary name, checked with ``integrity_check`` and only then given
its final name, so every file named ``kvtui-*.db`` in the backup folder is a good copy.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kvtui.paths import backups_dir

KEEP = 12
_PREFIX = "kvtui-"
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class BackupInfo:
    """A backup file and the local time it was made."""

    path: Path
    taken_at: datetime

    @property
    def label(self) -> str:
        """The time in the form the user reads it."""
        return self.taken_at.strftime("%Y-%m-%d %H:%M:%S")


class BackupError(RuntimeError):
    """A backup could not be made or verified; the message is for the user."""


def integrity_ok(path: Path) -> bool:
    """Whether the SQLite file at ``path`` passes ``integrity_check`` (read-only)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
        return rows == [("ok",)]
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


def copy_database(source: Path, dest: Path) -> None:
    """Copy a live SQLite database with the backup API (safe while it is in use)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def make_backup(store: Path, *, dest: Path | None = None, keep: int = KEEP) -> BackupInfo:
    """Back up ``store`` into its backup folder (or to ``dest``) and verify the copy.

    Backups in the folder are rotated to the newest ``keep``; a file given as ``dest`` is the
    user's own and is never rotated or overwritten.
    """
    now = datetime.now()
    if dest is None:
        folder = backups_dir(store)
        folder.mkdir(parents=True, exist_ok=True)
        _private(folder, 0o700)
        final = folder / f"{_PREFIX}{now.strftime(_STAMP)}.db"
        counter = 1
        while final.exists():
            final = folder / f"{_PREFIX}{now.strftime(_STAMP)}-{counter}.db"
            counter += 1
    else:
        final = dest
        if final.exists():
            raise BackupError(f"Filen {final} finns redan. Välj ett annat namn.")
        final.parent.mkdir(parents=True, exist_ok=True)
    remove_partial_backups(final.parent)
    partial = final.with_name(final.name + ".tmp")
    partial.touch(mode=0o600)  # private from the first byte; SQLite keeps the mode
    try:
        copy_database(store, partial)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Säkerhetskopian kunde inte göras: {error}") from error
    if not integrity_ok(partial):
        partial.unlink(missing_ok=True)
        raise BackupError("Säkerhetskopian klarade inte kontrollen och har tagits bort.")
    _private(partial, 0o600)
    os.replace(partial, final)
    if dest is None:
        rotate(backups_dir(store), keep)
    return BackupInfo(final, now)


def remove_partial_backups(folder: Path) -> None:
    """Delete copies a killed backup left half-written: they hold case data and are no use."""
    if not folder.is_dir():
        return
    for suffix in ("*.db.tmp", "*.db.tmp-wal", "*.db.tmp-shm", "*.db.tmp-journal"):
        for leftover in folder.glob(suffix):
            leftover.unlink(missing_ok=True)


def list_backups(store: Path) -> list[BackupInfo]:
    """The store's backups, newest first."""
    folder = backups_dir(store)
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for path in folder.glob(f"{_PREFIX}*.db"):
        stamp = path.stem.removeprefix(_PREFIX)[: len("20260101-000000")]
        try:
            taken = datetime.strptime(stamp, _STAMP)
        except ValueError:
            continue
        found.append(BackupInfo(path, taken))
    found.sort(key=lambda info: (info.taken_at, info.path.name), reverse=True)
    return found


def newest_good_backup(store: Path) -> BackupInfo | None:
    """The newest backup that passes the integrity check."""
    for info in list_backups(store):
        if integrity_ok(info.path):
            return info
    return None


def rotate(folder: Path, keep: int) -> None:
    """Delete all but the newest ``keep`` backups in ``folder``."""
    backups = sorted(folder.glob(f"{_PREFIX}*.db"), key=lambda p: p.name, reverse=True)
    for old in backups[keep:]:
        old.unlink(missing_ok=True)


def restore(backup: Path, store: Path) -> None:
    """Put ``backup`` in place as ``store``. The caller has set any old file aside."""
    if store.exists():
        raise BackupError(f"{store} finns redan och skrivs inte över.")
    partial = store.with_name(store.name + ".restoring")
    partial.unlink(missing_ok=True)
    copy_database(backup, partial)
    if not integrity_ok(partial):
        partial.unlink(missing_ok=True)
        raise BackupError("Säkerhetskopian är skadad och kunde inte återställas.")
    _private(partial, 0o600)
    os.replace(partial, store)


def _private(path: Path, mode: int) -> None:
    """Keep files readable by the user alone (a no-op where the OS has no such modes)."""
    with contextlib.suppress(OSError):
        os.chmod(path, mode)
