"""Verified backups that keep history, made with SQLite's online backup API.

A backup is written to a temporary name, checked with ``integrity_check`` and only then given
its final name, so every file named ``kvtui-*.db`` in the backup folder is a good copy.

History, as Anki and Zotero keep theirs:

- no backup is made when the store holds what the newest backup holds (``fingerprint``), so
  opening and closing kvtui, or a command that changed nothing, never pushes an older copy out;
- rotation thins by age (``kvtui.domain.backup_retention``): the twelve newest, then one a day
  for seven days, then one a week for eight weeks;
- rotation never deletes the newest backup that differs from the store as it is now: the last
  copy of what was there before, whatever happened to the store since; nor the backup it has
  just made.

One process at a time works in a backup folder: the app's start and periodic backups and
``kvtui backup`` (a reading command, so it can run beside the app) take the folder's lock,
``.lock`` in it, around cleaning up, naming, copying and thinning. Without it, one would delete
the other's half-made copy as a leftover of a killed backup, or both would pick one name.

Which backup is the newest: the one whose name carries the latest time that is not later than
now. The time in the name is the clock's when the copy was made; the file's modification time
comes from the same clock and changes when the folder is copied, so it tells nothing more. A
name dated after now was written while the clock was wrong (ahead then, or behind now); when
that copy was made, compared with the others, cannot be known, except that it was before the
copy being made now. Such backups (``misdated``) therefore rank after all others and are
never taken as the newest: a store that holds what one of them holds is backed up again. After
damage one is offered only when no backup dated up to now is good, said to be of unknown age:
a copy of unknown age is better than none. They are not thinned until the clock reaches their
time: no new ones appear once the clock is right, so they cannot pile up.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from kvtui.domain.backup_retention import Retention, backups_to_keep
from kvtui.domain.file_errors import database_error_reason, file_error_reason
from kvtui.domain.plural import plural
from kvtui.file_modes import PRIVATE_FILE, create_private_file
from kvtui.paths import backups_dir
from kvtui.store import cipher
from kvtui.store.engine import BUSY_TIMEOUT_MS, open_connection, sqlite_uri

KEEP = Retention().newest
LOCK_NAME = ".lock"
#: How long a backup waits for another one of the same store to finish.
LOCK_WAIT_SECONDS = 30.0
_PREFIX = "kvtui-"
_STAMP = "%Y%m%d-%H%M%S"
_SQLITE_FULL = 13
_NO_ROOM_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


#: A file that could not be deleted, and the system's reason.
Stuck = tuple[Path, OSError]


@dataclass(frozen=True)
class BackupInfo:
    """A backup file, the local time it was made, whether this call made it, what the user
    should know although it was made (files in the folder that would not go), and whether its
    name was dated after the clock's now when it was listed (``misdated``)."""

    path: Path
    taken_at: datetime
    new: bool = True
    warning: str | None = None
    misdated: bool = False

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


class BackupBusy(BackupError):
    """Another backup of the same store is being made, and did not finish in time."""


def is_no_room(error: BaseException, folder: Path | None = None) -> bool:
    """Whether an error from SQLite or the file system means that the disk is full.

    SQLite reports a file it could not create (a ``-journal``, ``-wal`` or ``-shm`` on a disk
    with no room for one more file) only as "cannot open", without the system's reason; so
    where ``folder`` is given, a disk with no free space or no free file entries there counts
    as full too.
    """
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, sqlite3.Error) and getattr(cause, "sqlite_errorcode", None) == (
            _SQLITE_FULL):
        return True
    if isinstance(cause, OSError) and cause.errno in _NO_ROOM_ERRNOS:
        return True
    return folder is not None and _disk_full(folder)


def _disk_full(folder: Path) -> bool:
    try:
        if hasattr(os, "statvfs"):
            usage = os.statvfs(folder)
            return usage.f_bavail == 0 or usage.f_favail == 0
        return shutil.disk_usage(folder).free == 0
    except OSError:
        return False


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
        copy_from(src, dest)
    finally:
        src.close()


def copy_from(source: sqlite3.Connection, dest: Path) -> None:
    """Copy what the open connection ``source`` reads into the existing, empty file ``dest``,
    as ``copy_database`` does; for a store whose file is no longer at its path."""
    keyed = cipher.cipher_of(source)
    # A backup of an encrypted store is encrypted with the same key (and salt).
    dst = (open_connection(dest) if keyed is None else
           cipher.connect_new(dest, sqlite_uri(dest), key=keyed[0], salt=keyed[1],
                              timeout=BUSY_TIMEOUT_MS / 1000))
    try:
        source.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()


def _backup_folder_lock(folder: Path, wait: float) -> FileLock:
    """The lock that lets one process at a time write, name and delete in ``folder``, taken.

    A second backup (``kvtui backup`` beside the app, which takes no write lock on the store)
    waits up to ``wait`` seconds for the first to finish, then gives up with ``BackupBusy``.
    Held through an open file, so a killed process lets it go.
    """
    lock = FileLock(folder / LOCK_NAME, timeout=wait, mode=PRIVATE_FILE, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise BackupBusy("En annan säkerhetskopiering av databasen pågår och blev inte klar "
                         f"på {wait:.0f} sekunder. Försök igen om en stund.") from None
    except OSError as error:
        raise _folder_error(error, folder) from error
    return lock


def make_backup(store: Path, *, dest: Path | None = None, keep: int = KEEP,
                immutable: bool = False, now: datetime | None = None,
                wait: float = LOCK_WAIT_SECONDS) -> BackupInfo:
    """Back up ``store`` into its backup folder (or to ``dest``) and verify the copy.

    Into the folder, a backup is made only when the store differs from the newest backup;
    otherwise that backup is returned with ``new`` false. Backups in the folder are then
    thinned (``rotate``), all under the folder's lock (``wait`` seconds at most for another
    backup to finish). A file given as ``dest`` is the user's own, always made, never rotated
    and never overwritten. Raises ``BackupNoRoom`` when the disk is full, ``BackupCorrupt``
    when the copy fails its check, ``BackupBusy`` when another backup holds the folder too
    long, ``BackupError`` otherwise. Files in the folder that could not be deleted do not
    fail the backup: ``warning`` names them.
    """
    now = now or datetime.now()
    copy = functools.partial(copy_database, store, immutable=immutable)
    if dest is not None:
        if _exists(dest):
            raise BackupError(f"Filen {dest} finns redan. Välj ett annat namn.")
        _make_folder(dest.parent)
        _copy_checked(copy, dest)
        return BackupInfo(dest, now)
    folder = backups_dir(store)
    _make_folder(folder)
    lock = _backup_folder_lock(folder, wait)
    try:
        current = fingerprint(store, immutable=immutable)
        newest = [info for info in _backups_in(folder, now) if not info.misdated][:1]
        if newest and current is not None and fingerprint(newest[0].path) == current:
            return BackupInfo(newest[0].path, newest[0].taken_at, new=False)
        stuck = remove_partial_backups(folder)
        final = _free_name(folder, now)
        _copy_checked(copy, final)
        stuck += rotate(folder, keep, current=current, now=now, made=final)
    finally:
        lock.release()
    return BackupInfo(final, now, warning=_stuck_warning(folder, stuck))


def _free_name(folder: Path, now: datetime) -> Path:
    """A backup name for ``now``, after every name of that second in the folder.

    A second backup within one second gets "-1", the next "-2", and so on: always above the
    highest number there (of a backup or of a leftover partial copy), never a lower one that
    rotation has freed, since the number orders backups made within one second.
    """
    stamp = now.strftime(_STAMP)
    same_second = re.compile(rf"{re.escape(_PREFIX + stamp)}(?:-(\d+))?\.db")
    numbers = [int(found.group(1) or 0) for path in folder.glob(f"{_PREFIX}{stamp}*")
               if (found := same_second.match(path.name))]
    if not numbers:
        return folder / f"{_PREFIX}{stamp}.db"
    return folder / f"{_PREFIX}{stamp}-{max(numbers) + 1}.db"


def save_from(connection: sqlite3.Connection, store: Path, *, now: datetime | None = None,
              wait: float = LOCK_WAIT_SECONDS) -> BackupInfo:
    """A verified backup of what the open ``connection`` reads, into ``store``'s backup folder.

    For a store whose path no longer names the file kvtui has open (moved, deleted, or another
    file put in its place): what was saved in it is then reachable only through a connection
    opened before, and is lost with it when kvtui stops. Always made, under the folder's lock;
    nothing is thinned, since nothing should be deleted in such a moment. Raises what
    ``make_backup`` raises.
    """
    now = now or datetime.now()
    folder = backups_dir(store)
    _make_folder(folder)
    lock = _backup_folder_lock(folder, wait)
    try:
        final = _free_name(folder, now)
        _copy_checked(functools.partial(copy_from, connection), final)
    finally:
        lock.release()
    return BackupInfo(final, now)


def _copy_checked(copy: Callable[[Path], None], final: Path) -> None:
    """Copy with ``copy`` into a temporary file beside ``final``, check it, and rename it."""
    partial = final.with_name(final.name + ".tmp")
    try:
        create_private_file(partial)
    except FileExistsError:  # someone else's file: not ours to delete
        raise BackupError(f"Filen {partial} finns redan. Välj ett annat namn.") from None
    except OSError as error:
        raise _folder_error(error, final.parent) from error
    try:
        copy(partial)
    except (sqlite3.Error, OSError) as error:
        _remove_partial(partial)
        if is_no_room(error, final.parent):
            raise BackupNoRoom(no_room_message(final.parent)) from error
        raise BackupError(f"Säkerhetskopian kunde inte göras: {failure_reason(error)}") from error
    if not integrity_ok(partial):
        _remove_partial(partial)
        raise BackupCorrupt("Säkerhetskopian klarade inte kontrollen och har tagits bort.")
    _put_in_place(partial, final)


def _put_in_place(partial: Path, final: Path) -> None:
    """Rename a checked copy to its final name; on failure, delete it and say why."""
    try:
        os.replace(partial, final)
    except OSError as error:
        _remove_partial(partial)
        raise BackupError(f"Kopian kunde inte sparas som {final}: {failure_reason(error)}. "
                          "Den har tagits bort.") from error


def is_store_failure(error: BaseException) -> bool:
    """Whether ``error`` is the file system's or SQLite's (also inside SQLAlchemy's wrapper),
    which ``failure_reason`` can explain, rather than a fault in kvtui."""
    cause = getattr(error, "orig", None) or error
    return isinstance(cause, OSError | sqlite3.Error)


def failure_reason(error: BaseException) -> str:
    """Why reading or writing a store or a backup failed, in Swedish.

    The file system's or SQLite's reason, also from inside SQLAlchemy's wrapper (``orig``);
    any other error is only called unexpected, since its message may quote case data and its
    name is English (the caller writes it to the crash log).
    """
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, OSError):
        return file_error_reason(cause)
    if isinstance(cause, sqlite3.Error):
        return database_error_reason(getattr(cause, "sqlite_errorname", None))
    return "ett oväntat fel"


def _folder_error(error: OSError, folder: Path) -> BackupError:
    if is_no_room(error):
        return BackupNoRoom(no_room_message(folder))
    return BackupError(f"Mappen {folder} kunde inte användas för säkerhetskopior: "
                       f"{failure_reason(error)}.")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _folder_error(error, folder) from error


def _exists(path: Path) -> bool:
    """``path.exists()``, with a name the system refuses (too long, say) as a ``BackupError``."""
    try:
        return path.exists()
    except OSError as error:
        raise BackupError(f"{path} kan inte användas: {failure_reason(error)}.") from error


def _remove_partial(partial: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            partial.with_name(partial.name + suffix).unlink(missing_ok=True)


def _delete(paths: Iterable[Path]) -> list[Stuck]:
    """Delete ``paths``; the ones the system would not let go, with why."""
    stuck: list[Stuck] = []
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            stuck.append((path, error))
    return stuck


def _stuck_warning(folder: Path, stuck: list[Stuck]) -> str | None:
    """What to tell the user about files in the backup folder that could not be deleted."""
    if not stuck:
        return None
    files = plural(len(stuck), "fil", "filer")
    reasons = "; ".join(sorted({file_error_reason(error) for _path, error in stuck}))
    names = ", ".join(sorted(path.name for path, _error in stuck))
    return (f"Säkerhetskopian är gjord, men {files} i {folder} kunde inte tas bort "
            f"({reasons}): {names}. kvtui försöker igen vid nästa säkerhetskopia.")


def remove_partial_backups(folder: Path) -> list[Stuck]:
    """Delete copies a killed backup left half-written: they hold case data and are no use.

    Only under the folder's lock, where no backup is being written. Returns the files that
    could not be deleted, with why.
    """
    if not folder.is_dir():
        return []
    return _delete(leftover for pattern in ("*.db.tmp", "*.db.tmp-wal", "*.db.tmp-shm",
                                            "*.db.tmp-journal")
                   for leftover in folder.glob(pattern))


def _backups_in(folder: Path, now: datetime | None = None) -> list[BackupInfo]:
    """The backups in ``folder``, newest first: see "Which backup is the newest" above."""
    now = now or datetime.now()
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for path in folder.glob(f"{_PREFIX}*.db"):
        stamp = path.stem.removeprefix(_PREFIX)[: len("20260101-000000")]
        try:
            taken = datetime.strptime(stamp, _STAMP)
        except ValueError:
            continue
        found.append(BackupInfo(path, taken, misdated=taken > now))
    found.sort(key=lambda info: (not info.misdated, info.taken_at, _counter(info.path)),
               reverse=True)
    return found


def _counter(path: Path) -> int:
    """The "-N" a second backup within the same second gets in its name (0 for none)."""
    rest = path.stem.removeprefix(_PREFIX)[len("20260101-000000"):]
    return int(rest[1:]) if rest.startswith("-") and rest[1:].isdigit() else 0


def list_backups(store: Path, *, now: datetime | None = None) -> list[BackupInfo]:
    """The store's backups, newest first (by the clock's ``now``, normally the present)."""
    return _backups_in(backups_dir(store), now)


def newest_good_backup(store: Path, *, now: datetime | None = None) -> BackupInfo | None:
    """The newest backup that passes the integrity check; a ``misdated`` one only when none
    dated up to now does (see "Which backup is the newest" above)."""
    for info in list_backups(store, now=now):
        if integrity_ok(info.path):
            return info
    return None


EARLIER_PREFIX = "tidigare-"


def keep_earlier_backups(store: Path, *, now: datetime | None = None,
                         wait: float = LOCK_WAIT_SECONDS) -> Path | None:
    """Move the backups of a store that is no longer there into a folder of their own, where
    they are never thinned, before a new store begins in its place; the folder, or None when
    there were none.

    Backups are thinned by age among themselves, so a dozen backups of the new store would
    otherwise take the place of the last good copies of the old one. Under the folder's lock.
    """
    folder = backups_dir(store)
    if not _backups_in(folder):
        return None
    lock = _backup_folder_lock(folder, wait)
    try:
        stamp = (now or datetime.now()).strftime(_STAMP)
        target = folder / f"{EARLIER_PREFIX}{stamp}"
        counter = 1
        while _exists(target):
            target = folder / f"{EARLIER_PREFIX}{stamp}-{counter}"
            counter += 1
        try:
            _make_folder(target)
            for info in _backups_in(folder):
                os.replace(info.path, target / info.path.name)
        except OSError as error:
            raise _folder_error(error, folder) from None
    finally:
        lock.release()
    return target


def rotate(folder: Path, keep: int = KEEP, *, current: str | None = None,
           now: datetime | None = None, made: Path | None = None) -> list[Stuck]:
    """Thin the backups in ``folder`` by age; return the files that could not be deleted.

    Always kept: ``made`` (the backup just made), backups dated after ``now`` (see "Which
    backup is the newest" above), and, where ``current`` is the store's fingerprint, the
    newest backup that differs from it, whatever its age, so that what the store held before
    is never rotated away.
    """
    now = now or datetime.now()
    backups = _backups_in(folder, now)
    dated = [index for index, info in enumerate(backups) if not info.misdated]
    by_age = backups_to_keep([backups[index].taken_at for index in dated],
                             Retention(newest=keep))
    kept = {dated[position] for position in by_age}
    kept |= {index for index, info in enumerate(backups) if info.misdated or info.path == made}
    if current is not None and len(kept) < len(backups):
        for index, info in enumerate(backups):
            found = fingerprint(info.path)
            if found is not None and found != current:
                kept.add(index)
                break
    return _delete(info.path for index, info in enumerate(backups) if index not in kept)


def restore(backup: Path, store: Path) -> None:
    """Put ``backup`` in place as ``store``. The caller has set any old file aside."""
    if _exists(store):
        raise BackupError(f"{store} finns redan och skrivs inte över.")
    partial = store.with_name(store.name + ".restoring")
    _remove_partial(partial)
    try:
        create_private_file(partial)
        copy_database(backup, partial)
    except (sqlite3.Error, OSError) as error:
        _remove_partial(partial)
        if is_no_room(error, store.parent):
            raise BackupNoRoom(no_room_message(store.parent)) from error
        raise BackupError("Säkerhetskopian kunde inte återställas: "
                          f"{failure_reason(error)}") from error
    if not integrity_ok(partial):
        _remove_partial(partial)
        raise BackupError("Säkerhetskopian är skadad och kunde inte återställas.")
    _put_in_place(partial, store)
