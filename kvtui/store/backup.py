"""Verified backups that keep history, made with SQLite's online backup API.

A backup is written to a temporary name, checked with ``integrity_check`` and only then given
its final name, so every file named ``kvtui-*.db`` in the backup folder is a good copy.

History, as Anki and Zotero keep theirs:

- no backup is made when the store holds what the newest backup holds (``fingerprint``), so
  opening and closing kvtui, or a command that changed nothing, never pushes an older copy out;
- rotation thins by age (``kvtui.domain.backup_retention``): the twelve newest, then one a day
  for seven days, then one a week for eight weeks;
- rotation never deletes the newest backup that differs from the store as it is now: the last
  copy of what was there before, whatever happened to the store since.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kvtui.domain.backup_retention import Retention, backups_to_keep
from kvtui.domain.file_errors import database_error_reason, file_error_reason
from kvtui.file_modes import create_private_file
from kvtui.paths import backups_dir
from kvtui.store.engine import open_connection

KEEP = Retention().newest
_PREFIX = "kvtui-"
_STAMP = "%Y%m%d-%H%M%S"
_SQLITE_FULL = 13
_NO_ROOM_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


@dataclass(frozen=True)
class BackupInfo:
    """A backup file, the local time it was made, and whether this call made it."""

    path: Path
    taken_at: datetime
    new: bool = True

    @property
    def label(self) -> str:
        """The time in the form the user reads it."""
        return self.taken_at.strftime("%Y-%m-%d %H:%M:%S")


class BackupError(RuntimeError):
    """A backup could not be made or verified; the message is for the user."""


class BackupNoRoom(BackupError):
    """The disk (or the user's quota) is full: there is no room for a backup."""


class BackupCorrupt(BackupError):
    """The copy failed its integrity check: the store itself may be damaged."""


def is_no_room(error: BaseException) -> bool:
    """Whether an error from SQLite or the file system means that the disk is full."""
    if isinstance(error, sqlite3.Error):
        return getattr(error, "sqlite_errorcode", None) == _SQLITE_FULL
    return isinstance(error, OSError) and error.errno in _NO_ROOM_ERRNOS


def no_room_message(folder: Path) -> str:
    """The user's explanation of a full disk."""
    return (f"Det finns inte plats på disken för en säkerhetskopia i {folder}. "
            "Frigör utrymme (till exempel genom att flytta gamla exporter) och försök igen.")


def integrity_ok(path: Path) -> bool:
    """Whether the SQLite file at ``path`` passes ``integrity_check`` (read-only)."""
    try:
        connection = open_connection(path, read_only=True)
    except sqlite3.Error:
        return False
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
        return rows == [("ok",)]
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


def fingerprint(path: Path, *, immutable: bool = False) -> str | None:
    """What the file at ``path`` holds, as a digest; None when it cannot be read.

    Cheap enough to take at every start of a large store: SQLite counts a table's rows from
    its b-tree without decoding them, and the change log's head is one row found by its key.
    It covers the schema, the number of rows in every table and the head of the change log.
    Every change kvtui makes appends an entry to the hash-chained change log in the same
    transaction, so the log's newest sequence number and hash name the content kvtui wrote;
    row counts and the schema also catch rows added or removed and migrations made outside
    the log. Page layout does not enter, so two backups of the same content compare equal
    however SQLite arranged their pages.
    """
    try:
        connection = open_connection(path, read_only=True, immutable=immutable)
    except sqlite3.Error:
        return None
    digest = hashlib.sha256()
    try:
        connection.execute("BEGIN")
        schema = connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"
        ).fetchall()
        digest.update(repr(schema).encode("utf-8"))
        for _type, name, _table, sql in schema:
            if _type == "table" and not (sql or "").upper().startswith("CREATE VIRTUAL"):
                quoted = '"' + name.replace('"', '""') + '"'
                count = connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()
                digest.update(f"{name}:{count[0]};".encode())
        if any(row[1] == "change_log" for row in schema):
            head = connection.execute(
                "SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            digest.update(repr(head).encode("utf-8"))
        digest.update(repr(connection.execute("PRAGMA user_version").fetchone()).encode())
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()
    return digest.hexdigest()


def copy_database(source: Path, dest: Path, *, immutable: bool = False) -> None:
    """Copy a live SQLite database into the existing, empty file ``dest`` with the backup API.

    Safe while the source is in use. The copy is left in rollback-journal mode, a single file
    that can be read, copied and restored without a ``-wal`` beside it.
    """
    src = open_connection(source, read_only=True, immutable=immutable)
    try:
        dst = open_connection(dest)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _free_name(folder: Path, now: datetime) -> Path:
    final = folder / f"{_PREFIX}{now.strftime(_STAMP)}.db"
    counter = 1
    while final.exists():
        final = folder / f"{_PREFIX}{now.strftime(_STAMP)}-{counter}.db"
        counter += 1
    return final


def make_backup(store: Path, *, dest: Path | None = None, keep: int = KEEP,
                immutable: bool = False, now: datetime | None = None) -> BackupInfo:
    """Back up ``store`` into its backup folder (or to ``dest``) and verify the copy.

    Into the folder, a backup is made only when the store differs from the newest backup;
    otherwise that backup is returned with ``new`` false. Backups in the folder are then
    thinned (``rotate``); a file given as ``dest`` is the user's own, always made, never
    rotated and never overwritten. Raises ``BackupNoRoom`` when the disk is full,
    ``BackupCorrupt`` when the copy fails its check, ``BackupError`` otherwise.
    """
    now = now or datetime.now()
    current = None
    if dest is None:
        folder = backups_dir(store)
        current = fingerprint(store, immutable=immutable)
        newest = _backups_in(folder)[:1]
        if newest and current is not None and fingerprint(newest[0].path) == current:
            return BackupInfo(newest[0].path, newest[0].taken_at, new=False)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _file_error(error, folder) from error
        remove_partial_backups(folder)
        final = _free_name(folder, now)
    else:
        final = dest
        if final.exists():
            raise BackupError(f"Filen {final} finns redan. Välj ett annat namn.")
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _file_error(error, final.parent) from error
    partial = final.with_name(final.name + ".tmp")
    try:
        create_private_file(partial)
        copy_database(store, partial, immutable=immutable)
    except (sqlite3.Error, OSError) as error:
        _remove_partial(partial)
        if is_no_room(error):
            raise BackupNoRoom(no_room_message(final.parent)) from error
        if isinstance(error, FileExistsError):
            raise BackupError(f"Filen {partial} finns redan. Välj ett annat namn.") from error
        raise BackupError(f"Säkerhetskopian kunde inte göras: {failure_reason(error)}") from error
    if not integrity_ok(partial):
        _remove_partial(partial)
        raise BackupCorrupt("Säkerhetskopian klarade inte kontrollen och har tagits bort.")
    os.replace(partial, final)
    if dest is None:
        rotate(final.parent, keep, current=current)
    return BackupInfo(final, now)


def failure_reason(error: BaseException) -> str:
    """Why reading or writing a store or a backup failed, in Swedish.

    The file system's or SQLite's reason, also from inside SQLAlchemy's wrapper (``orig``);
    any other error is named by its kind only, since its message may quote case data.
    """
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, OSError):
        return file_error_reason(cause)
    if isinstance(cause, sqlite3.Error):
        return database_error_reason(getattr(cause, "sqlite_errorname", None))
    return f"ett oväntat fel ({type(error).__name__})"


def _file_error(error: OSError, folder: Path) -> BackupError:
    if is_no_room(error):
        return BackupNoRoom(no_room_message(folder))
    return BackupError(f"Mappen {folder} kunde inte användas för säkerhetskopior: "
                       f"{failure_reason(error)}.")


def _remove_partial(partial: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            partial.with_name(partial.name + suffix).unlink(missing_ok=True)


def remove_partial_backups(folder: Path) -> None:
    """Delete copies a killed backup left half-written: they hold case data and are no use."""
    if not folder.is_dir():
        return
    for suffix in ("*.db.tmp", "*.db.tmp-wal", "*.db.tmp-shm", "*.db.tmp-journal"):
        for leftover in folder.glob(suffix):
            leftover.unlink(missing_ok=True)


def _backups_in(folder: Path) -> list[BackupInfo]:
    """The backups in ``folder``, newest first."""
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
    found.sort(key=lambda info: (info.taken_at, _counter(info.path)), reverse=True)
    return found


def _counter(path: Path) -> int:
    """The "-N" a second backup within the same second gets in its name (0 for none)."""
    rest = path.stem.removeprefix(_PREFIX)[len("20260101-000000"):]
    return int(rest[1:]) if rest.startswith("-") and rest[1:].isdigit() else 0


def list_backups(store: Path) -> list[BackupInfo]:
    """The store's backups, newest first."""
    return _backups_in(backups_dir(store))


def newest_good_backup(store: Path) -> BackupInfo | None:
    """The newest backup that passes the integrity check."""
    for info in list_backups(store):
        if integrity_ok(info.path):
            return info
    return None


def rotate(folder: Path, keep: int = KEEP, *, current: str | None = None) -> list[Path]:
    """Thin the backups in ``folder`` by age; return the files deleted.

    ``current`` is the store's fingerprint: the newest backup that differs from it is kept
    whatever its age, so that what the store held before is never rotated away.
    """
    backups = _backups_in(folder)
    policy = Retention(newest=keep)
    kept = backups_to_keep([info.taken_at for info in backups], policy)
    if current is not None and len(kept) < len(backups):
        for index, info in enumerate(backups):
            found = fingerprint(info.path)
            if found is not None and found != current:
                kept.add(index)
                break
    deleted = []
    for index, info in enumerate(backups):
        if index not in kept:
            info.path.unlink(missing_ok=True)
            deleted.append(info.path)
    return deleted


def restore(backup: Path, store: Path) -> None:
    """Put ``backup`` in place as ``store``. The caller has set any old file aside."""
    if store.exists():
        raise BackupError(f"{store} finns redan och skrivs inte över.")
    partial = store.with_name(store.name + ".restoring")
    _remove_partial(partial)
    try:
        create_private_file(partial)
        copy_database(backup, partial)
    except (sqlite3.Error, OSError) as error:
        _remove_partial(partial)
        if is_no_room(error):
            raise BackupNoRoom(no_room_message(store.parent)) from error
        raise BackupError("Säkerhetskopian kunde inte återställas: "
                          f"{failure_reason(error)}") from error
    if not integrity_ok(partial):
        _remove_partial(partial)
        raise BackupError("Säkerhetskopian är skadad och kunde inte återställas.")
    os.replace(partial, store)
