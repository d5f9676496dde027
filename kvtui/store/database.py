"""Opening a store safely: one writer, checks before use, backup, migration.

Order matters. The write lock comes first (``write_lock``: on the store's name and on the file
itself), so no second copy of kvtui interferes, whatever name it uses. Then the file is
checked through a read-only connection: a damaged file is never written to, only set aside
under a new name, and a file that is not a kvtui store is not touched at all. Then a verified
backup (when the store changed since the newest one), then migrations, then the store is in
use. A store that cannot be written (a read-only file or folder, a full disk, a backup that
could not be made) is refused for writing with a Swedish reason, ``StoreReadOnly``, and can
still be opened for reading.

While it is in use, the store's path is checked before every transaction
(``Store.check_file``): a file moved, deleted or replaced meanwhile is not written to, and what
it held is copied into a verified backup through a connection kept open on it since it was
opened (``Store.lost_work_notice``); deleted, it would otherwise be gone when kvtui stops.

Opening goes through plain ``sqlite3``. SQLAlchemy, SQLModel and the row models (together
about half a second to import) are loaded only when a migration needs them or when
``Store.engine`` is first used, so the app can draw its first frame before they are loaded.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kvtui.domain.file_errors import NO_ROOM, database_error_reason, file_error_reason
from kvtui.domain.plural import plural
from kvtui.file_modes import PRIVATE_FILE, create_private_file, keep_files_private
from kvtui.paths import backups_dir, running_marker, storage_warning
from kvtui.store import backup as backups
from kvtui.store import cipher
from kvtui.store.engine import (
    check_before_each_transaction,
    connect_plain,
    make_engine,
    open_connection,
)
from kvtui.store.migrate import (
    REVISIONS,
    MigrationError,
    current_revision,
    is_newer,
    needs_upgrade,
    upgrade,
)
from kvtui.store.wal import recovered_transactions, wal_path
from kvtui.store.write_lock import LockHeld, WriteLock

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

SQLITE_HEADER = b"SQLite format 3\x00"
_SQLITE_CANTOPEN = 14


class StoreError(RuntimeError):
    """A store cannot be used; ``str()`` is a plain Swedish message for the user."""


class StoreLocked(StoreError):
    """Another copy of kvtui is writing to the store."""


class StoreTooNew(StoreError):
    """The store was written by a newer kvtui."""


class StoreReadOnly(StoreError):
    """The store cannot be written now (read-only file or folder, no room for its backup);
    it can still be opened for reading."""


class StoreNeedsWriter(StoreError):
    """A read-only opening found a store that must first be created, upgraded or set aside,
    which only a writer may do."""


class StoreGone(StoreError):
    """The store's file was moved or deleted after it was opened."""


class StoreDamaged(StoreError):
    """The file was damaged; it has been set aside, untouched."""

    def __init__(self, message: str, *, set_aside: Path, backup: backups.BackupInfo | None):
        super().__init__(message)
        self.set_aside = set_aside
        self.backup = backup


@dataclass(frozen=True)
class CheckResult:
    """What ``kvtui check`` found: one line per check, and whether all passed."""

    lines: list[str]
    ok: bool


@dataclass(frozen=True)
class _Finding:
    """What is wrong with a file, and whether it is simply not a kvtui store (``foreign``)."""

    problem: str
    foreign: bool = False


# Held while SQLAlchemy and the row models are first loaded (``Store.prepare_orm``).
_ORM_LOADING = threading.RLock()


def not_a_file(path: Path) -> str | None:
    """Why ``path`` is no place for a store (a folder, a FIFO, a device), or None.

    Checked before anything opens the path: opening a FIFO would wait for a writer forever.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"{path} kan inte läsas ({file_error_reason(error)})"
    if stat.S_ISDIR(mode):
        return f"{path} är en mapp, inte en databasfil"
    if not stat.S_ISREG(mode):
        return (f"{path} är ingen vanlig fil (utan till exempel en enhet eller en namngiven "
                "rörledning)")
    return None


def read_immutably(path: Path) -> bool:
    """Whether the store at ``path`` can only be read as an immutable file.

    SQLite reads a WAL-mode store through a ``-shm`` file beside it, which a read-only folder
    (a write-protected USB stick, a read-only share) does not let it make. Such a store is
    read as immutable, which SQLite allows because nobody can change it there either: a
    writer would need the same folder for its ``-wal``. Not when a ``-wal`` with content
    already lies beside it: immutable reading would skip those transactions.
    """
    try:
        connection = open_connection(path, read_only=True)
    except sqlite3.Error:
        return False
    try:
        connection.execute("PRAGMA schema_version").fetchone()
        return False
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorcode", None) != _SQLITE_CANTOPEN:
            return False
        wal = wal_path(path)
        return not (wal.exists() and wal.stat().st_size > 0)
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


def _read_connection(path: Path) -> sqlite3.Connection:
    return open_connection(path, read_only=True, immutable=read_immutably(path))


def _database_reason(error: sqlite3.Error) -> str:
    return database_error_reason(getattr(error, "sqlite_errorname", None))


def _inspect(path: Path, *, full: bool) -> _Finding | None:
    """What is wrong with the file at ``path`` as a kvtui store, or None if nothing is."""
    problem = not_a_file(path)
    if problem is not None:
        return _Finding(problem, foreign=True)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return _Finding(f"filen kan inte läsas ({file_error_reason(error)})")
    if not header:
        return _Finding("filen är tom (0 byte)")
    # An encrypted store is opened with its passphrase below; a wrong one stops there
    # (``PassphraseError``), never taken for damage.
    if header != SQLITE_HEADER and not cipher.looks_encrypted(path):
        return _Finding("filen är inte en kvtui-databas", foreign=True)
    try:
        connection = _read_connection(path)
    except sqlite3.Error as error:
        return _Finding(f"filen kan inte öppnas ({_database_reason(error)})")
    try:
        pragma = "integrity_check" if full else "quick_check"
        rows = connection.execute(f"PRAGMA {pragma}").fetchall()
        if rows != [("ok",)]:
            # SQLite's own diagnosis, quoted for whoever helps the user.
            return _Finding("databasen är skadad (SQLite: "
                            + "; ".join(str(r[0]) for r in rows[:3]) + ")")
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if tables and "alembic_version" not in tables:
            return _Finding("filen är en annan databas än kvtui:s", foreign=True)
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorcode", None) == _SQLITE_CANTOPEN:
            return _Finding(_cannot_read_wal(path), foreign=True)
        return _Finding(f"databasen är skadad ({_database_reason(error)})")
    except sqlite3.DatabaseError as error:
        return _Finding(f"databasen är skadad ({_database_reason(error)})")
    finally:
        connection.close()
    return None


def _cannot_read_wal(path: Path) -> str:
    return (f"mappen {path.parent} är skrivskyddad, och databasen har ändringar i filen "
            f"{wal_path(path).name} som bara kan läsas där kvtui får skriva. Kopiera mappen "
            "till en skrivbar plats och öppna databasen där")


def file_problem(path: Path, *, full: bool) -> str | None:
    """Why the file at ``path`` cannot be used as a kvtui store, or None if it can.

    Reads only. ``full`` runs ``integrity_check`` (after an unclean stop), otherwise the
    faster ``quick_check``.
    """
    finding = _inspect(path, full=full)
    return finding.problem if finding else None


def was_a_store(path: Path) -> bool:
    """Whether kvtui has kept a store at ``path``: its backups, its open marker or its log.

    What tells a store that was truncated or overwritten from a file that was never one.
    """
    wal = wal_path(path)
    return (bool(backups.list_backups(path)) or running_marker(path).exists()
            or (wal.is_file() and wal.stat().st_size > 0))


def set_aside(path: Path) -> Path:
    """Rename a bad store (and its WAL files) out of the way without writing to it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.skadad-{stamp}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.skadad-{stamp}-{counter}")
        counter += 1
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, target.with_name(target.name + suffix))
    return target


def missing_store_warning(path: Path) -> str | None:
    """A warning when no store is at ``path`` but backups of one lie beside it, else None."""
    found = backups.list_backups(path)
    if not found:
        return None
    copies = plural(len(found), "säkerhetskopia", "säkerhetskopior")
    return (
        f"Varning: databasen {path} finns inte, men i {backups_dir(path)} finns "
        f"{copies} av en databas, den senaste från {found[0].label}. "
        "Har databasen flyttats eller tagits bort? Stäng kvtui och kopiera den senaste "
        f"säkerhetskopian till {path} för att fortsätta där du var."
    )


def unclean_notice(store: Store) -> str:
    """What the user is told after an unclean stop, with the transactions recovered."""
    text = "kvtui avslutades inte korrekt förra gången; databasen har kontrollerats och är hel."
    count = store.recovered_transactions
    if count:
        text += (f" {plural(count, 'sparad ändring', 'sparade ändringar')} som bara fanns i "
                 f"loggfilen {wal_path(store.path).name} har tagits med.")
    return text


@dataclass
class Store:
    """An open store: its lock, its engine once used, and what was noticed while opening it."""

    path: Path
    read_only: bool = False
    immutable: bool = False
    warning: str | None = None
    was_unclean: bool = False
    recovered_transactions: int = 0
    start_backup: backups.BackupInfo | None = None
    #: Whether the auditor has been told where the work of a lost file is, as the app closed.
    lost_work_told: bool = False
    _lock: WriteLock | None = None
    _logged_at_backup: int = field(default=-1)
    _keep_marker: bool = False
    _engine: Engine | None = field(default=None, repr=False)
    _engine_guard: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _identity: FileIdentity | None = field(default=None, repr=False)
    _keeper: sqlite3.Connection | None = field(default=None, repr=False)
    _lost_notice: str | None = field(default=None, repr=False)
    _lost_guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self._engine is not None:  # made by the migrations while opening
            check_before_each_transaction(self._engine, self.check_file)

    @property
    def engine(self) -> Engine:
        """SQLAlchemy's engine on the store, made on first use.

        Made lazily so that opening a store does not import SQLAlchemy; the app warms it up in
        the background after its first frame (``prepare_orm``). Thread-safe, since that warm-up
        and the start backup run in worker threads.
        """
        with self._engine_guard:
            if self._engine is None:
                self.check_file()
                self._engine = make_engine(self.path, read_only=self.read_only,
                                           immutable=self.immutable)
                check_before_each_transaction(self._engine, self.check_file)
            return self._engine

    def session(self) -> Session:
        """A new session; objects stay usable after commit so screens can keep them. Its writes
        pass through the store's rules for free text (``idnumber_rule.install``)."""
        from sqlmodel import Session

        from kvtui.store.idnumber_rule import install

        install()
        return Session(self.engine, expire_on_commit=False)

    def plain_connection(self) -> sqlite3.Connection:
        """A plain ``sqlite3`` connection with the engine's pragmas; the caller closes it.

        For reads that must not wait for SQLAlchemy to load: the Granskningar list on the app's
        first frame. Writes go through ``session()``, where the change log is kept.
        """
        self.check_file()
        return connect_plain(self.path, read_only=self.read_only, immutable=self.immutable)

    def check_file(self) -> None:
        """``StoreGone`` when the store's path no longer names the file kvtui opened: the file
        was moved or deleted, or another file was put in its place.

        Checked before every transaction and every new connection (one ``stat``), so that
        nothing is written where the auditor cannot find it, nothing is read from another file
        by the same name, and she reads why in Swedish rather than SQLite's "unable to open
        database file". No new, empty store is made in its place.
        """
        what = self._what_became_of_the_file()
        if what is not None:
            raise StoreGone(f"{what} {_PUT_IT_BACK}")

    def _what_became_of_the_file(self) -> str | None:
        """What happened to the file at the store's path since it was opened, or None."""
        try:
            found = _identity_of(self.path)
        except (FileNotFoundError, NotADirectoryError):
            return (f"Databasen {self.path} finns inte längre: den har flyttats eller tagits "
                    "bort efter att kvtui öppnade den. kvtui gör ingen ny, tom databas i dess "
                    "ställe.")
        except OSError:  # cannot tell; SQLite says why when it cannot read it either
            return None
        if self._identity is not None and found is not None and found != self._identity:
            return (f"Databasen {self.path} har bytts ut mot en annan fil efter att kvtui "
                    "öppnade den. kvtui läser inte och skriver inte i den nya filen.")
        return None

    def lost_work_notice(self) -> str | None:
        """What to tell the auditor when the store's path no longer names its file (moved,
        deleted or replaced, ``check_file``); None while it does.

        The first time, a store kvtui has been writing to stops writing (``become_read_only``)
        and what was saved in it is copied into a verified backup through the connection kept
        open on the file since it was opened (``backups.save_from``): a deleted file's content
        is otherwise lost when kvtui stops, and a moved one's is where kvtui cannot find it.
        Later calls return the same notice.
        """
        with self._lost_guard:
            if self._lost_notice is None:
                what = self._what_became_of_the_file()
                if what is None:
                    return None
                self._lost_notice = self._save_lost_work(what)
            return self._lost_notice

    def _save_lost_work(self, what: str) -> str:
        if self._keeper is None:  # opened for reading only: nothing was written to it
            return f"{what} {_PUT_IT_BACK}"
        self.become_read_only()
        try:
            copy = backups.save_from(self._keeper, self.path)
        except backups.BackupError as error:
            return (f"{what} Det som var sparat i den kunde inte kopieras undan: {error} Har "
                    "filen flyttats finns allt kvar i den: flytta tillbaka den. Har den tagits "
                    "bort finns det som var sparat bara kvar tills kvtui avslutas.")
        move_aside = (" (flytta först undan filen som ligger där nu)" if self.path.exists()
                      else "")
        return (f"{what} Allt som var sparat i den har kopierats till {copy.path} och "
                "kontrollerats; kvtui ändrar inget mer i databasen. När kvtui är avslutat: "
                f"kopiera {copy.path} till {self.path}{move_aside} och starta kvtui igen, så "
                "fortsätter du där du var.")

    def prepare_orm(self) -> None:
        """Load SQLAlchemy, SQLModel and the row models and make the engine, ahead of use.

        The app calls this in a worker thread after its first frame, so that opening a review
        later does not stall on half a second of imports. Every thread that is about to use
        the ORM first calls it too: two threads importing SQLAlchemy at once can each find
        the other's modules half loaded (an ImportError), so the loading is done under a lock.
        """
        with _ORM_LOADING:
            from sqlalchemy.orm import configure_mappers

            from kvtui.store import models  # noqa: F401  (registers and maps the tables)

            configure_mappers()
            _ = self.engine

    def backup(self, dest: Path | None = None) -> backups.BackupInfo:
        """A verified backup now, into the rotated folder or to ``dest``.

        Into the folder only when the store changed since the newest backup; otherwise that
        backup is returned (``new`` is false).
        """
        self.check_file()
        info = backups.make_backup(self.path, dest=dest, immutable=self.immutable)
        if dest is None and not self.read_only:
            self._logged_at_backup = self._log_size()
        return info

    def backup_if_changed(self) -> backups.BackupInfo | None:
        """A backup if anything was logged since the last one: the periodic backup."""
        if self.read_only:
            return None
        self.check_file()
        if self._log_size() == self._logged_at_backup:
            return None
        return self.backup()

    def start_backup_failed(self, error: BaseException) -> str:
        """Stop writing after the start backup failed, in whatever way; return what to tell
        the user.

        kvtui does not change a store it could not back up first. A copy that failed its
        check may mean the store itself is damaged: the open marker is then left in place,
        so that the next start runs the full check and, if the store is damaged, sets it
        aside and offers the newest good backup.
        """
        self.become_read_only()
        if isinstance(error, backups.BackupCorrupt):
            self._keep_marker = True
            return (f"{error} Databasen kan vara skadad och är nu skrivskyddad. Avsluta kvtui "
                    "och starta igen: databasen kontrolleras då helt.")
        if isinstance(error, backups.BackupError | StoreError):
            what = str(error)
        elif backups.is_store_failure(error):
            what = f"Säkerhetskopian kunde inte göras ({backups.failure_reason(error)})."
        else:  # a fault in kvtui: the caller writes it to the crash log
            what = "Säkerhetskopian kunde inte göras."
        return (f"{what} Databasen är nu skrivskyddad: kvtui ändrar inte en databas som inte "
                "kunde säkerhetskopieras. Avsluta kvtui och starta igen när det är löst.")

    def become_read_only(self) -> None:
        """From now on, read only: the UI refuses changes, and new connections cannot write."""
        with self._engine_guard:
            self.read_only = True
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def _log_size(self) -> int:
        from kvtui.store.changelog import count_entries

        with self.session() as session:
            return count_entries(session)

    def close(self) -> None:
        """Release the engine, mark a clean stop and give up the lock."""
        with self._engine_guard:
            if self._engine is not None:
                self._engine.dispose()
        with self._lost_guard:  # not while a worker saves through it
            if self._keeper is not None:
                self._keeper.close()
                self._keeper = None
        if self._lock is not None:
            if not self._keep_marker:
                # Left behind, it only makes the next start check the store in full.
                with contextlib.suppress(OSError):
                    running_marker(self.path).unlink(missing_ok=True)
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


#: The device and inode (on Windows, the file index) of a file: what a rename keeps and
#: another file put under the same name does not share.
FileIdentity = tuple[int, int]

_PUT_IT_BACK = "Lägg tillbaka filen, eller öppna den där den ligger nu med --db."


def _identity_of(path: Path) -> FileIdentity | None:
    """The identity of the file at ``path``; None where the file system gives none."""
    found = os.stat(path)
    return (found.st_dev, found.st_ino) if found.st_ino else None


def _keep_open(path: Path) -> sqlite3.Connection:
    """A connection kept open on the store while kvtui writes to it; nothing is written
    through it.

    Should the file be deleted or moved meanwhile, what was saved in it is still read
    through this connection (its own descriptors of the file and of its log), and can be
    copied into a backup (``Store.lost_work_notice``). Not read-only: closed last, it must
    write the log into the file and remove it, as the last connection of a clean stop does.
    """
    connection = open_connection(path)
    try:
        connection.execute("PRAGMA schema_version").fetchone()  # opens the log as well
    except BaseException:
        connection.close()
        raise
    return connection


def _locked_message(path: Path) -> str:
    return (f"Databasen {path} används redan av ett annat kvtui-fönster. "
            "Stäng det först; bara ett kvtui åt gången kan skriva i samma databas.")


def _read_only_reason(path: Path) -> str | None:
    """Why kvtui cannot write to the store at ``path`` or beside it, or None."""
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        return f"Databasfilen {path} är skrivskyddad"
    if folder.exists() and not os.access(folder, os.W_OK):
        return f"Mappen {folder} är skrivskyddad"
    return None


def open_store(path: Path, *, read_only: bool = False, backup: bool = True) -> Store:
    """Open (or create) the store at ``path`` for use; raises ``StoreError`` subclasses.

    ``read_only`` opens it for reading only: no lock, no backup, nothing written (a store that
    must be created, upgraded or set aside first raises ``StoreNeedsWriter``). ``backup``
    makes the start backup (when the store changed since the newest backup); the app passes
    False and makes it in the background after its first frame.
    """
    keep_files_private()
    if read_only:
        return _open_read_only(path)
    problem = not_a_file(path)
    if problem is not None:
        raise StoreError(f"Databasen kan inte öppnas: {problem}. Ange en databasfil med --db.")
    reason = _read_only_reason(path)
    if reason is not None:
        raise StoreReadOnly(f"{reason}; kvtui kan inte ändra något i den.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"Mappen {path.parent} kunde inte skapas "
                         f"({file_error_reason(error)}).") from None
    lock = WriteLock(path)
    try:
        lock.acquire_name()
    except LockHeld:
        raise StoreLocked(_locked_message(path)) from None
    except OSError as error:
        raise StoreReadOnly(f"Låsfilen bredvid {path} kunde inte skapas "
                            f"({file_error_reason(error)}); kvtui kan inte ändra något i "
                            "databasen.") from None
    try:
        return _open_locked(path, lock, backup=backup)
    except BaseException:
        lock.release()
        raise


def _damaged(path: Path, problem: str, lock: WriteLock) -> StoreError:
    """Set the file aside and say so, offering the newest good backup (``StoreDamaged``); a
    file that cannot be moved is left, and said so (``StoreError``)."""
    lock.release_file()  # Windows renames no file that is open
    try:
        aside = set_aside(path)
    except OSError as error:
        return StoreError(f"Databasen {path} kan inte användas: {problem}. Den kunde inte "
                          f"flyttas åt sidan ({file_error_reason(error)}) och har inte "
                          "ändrats. Stäng program som kan ha den öppen och försök igen.")
    good = backups.newest_good_backup(path)
    message = (
        f"Databasen {path} kan inte användas: {problem}. "
        f"Filen har flyttats åt sidan till {aside.name} och har inte ändrats."
    )
    if good is not None and good.misdated:
        message += (" Ingen fungerande säkerhetskopia är märkt med en tid som redan har varit; "
                    f"den som erbjuds är märkt {good.label}. Den gjordes medan datorns klocka "
                    "gick fel, så hur gammal den är går inte att säga.")
    elif good is not None:
        message += f" Den senaste fungerande säkerhetskopian är från {good.label}."
    else:
        message += " Det finns ingen fungerande säkerhetskopia."
    return StoreDamaged(message, set_aside=aside, backup=good)


def _open_locked(path: Path, lock: WriteLock, *, backup: bool) -> Store:
    """Open under the name lock.

    A 0-byte file is what a truncated store looks like, and also what a first start killed
    between creating the file and writing to it leaves behind. It is treated as damaged (set
    aside, newest good backup offered) when kvtui has kept a store there before
    (``was_a_store``: backups, an open marker or a log beside it), and otherwise taken as the
    new store it was about to become: it holds nothing, so nothing is lost, and the user is
    never stuck on it. A file that is not SQLite, or another program's database, is set aside
    only where a store was; otherwise it is refused and left where it is, untouched.
    """
    marker = running_marker(path)
    unclean = marker.exists()
    # Before any connection: the first one replays the log, after which it cannot be counted.
    recovered = recovered_transactions(path) if unclean else 0
    warnings: list[str] = []
    start_backup = None
    created = not path.exists()
    if created:
        notice = missing_store_warning(path)
        if notice:
            warnings.append(notice)
        try:
            create_private_file(path)
        except OSError as error:
            raise StoreError(f"Databasen {path} kunde inte skapas "
                             f"({file_error_reason(error)}).") from None
    try:
        lock.acquire_file()
    except LockHeld:
        raise StoreLocked(_locked_message(path)) from None
    except OSError as error:  # e.g. held open by another program (Windows), or append-only
        raise StoreReadOnly(f"Databasfilen {path} kan inte öppnas för att skrivas "
                            f"({file_error_reason(error)}); kvtui kan inte ändra något i "
                            "den.") from None
    size = path.stat().st_size
    if size == 0 and not created and was_a_store(path):
        raise _damaged(path, "filen är tom (0 byte)", lock)
    revision = None
    if size > 0:
        finding = _inspect(path, full=unclean)
        if finding is not None:
            if finding.foreign and not was_a_store(path):
                raise StoreError(f"Databasen {path} kan inte användas: {finding.problem}. "
                                 "kvtui har inte rört filen. Ange en kvtui-databas med --db.")
            raise _damaged(path, finding.problem, lock)
        probe = open_connection(path, read_only=True)
        try:
            revision = current_revision(probe)
        finally:
            probe.close()
        if is_newer(revision):
            raise StoreTooNew(
                f"Databasen {path} är skapad av en nyare version av kvtui "
                f"(schema {revision}, den här versionen känner till {REVISIONS[-1]}). "
                "Uppdatera kvtui för att öppna den. Databasen har inte ändrats."
            )
        if backup or needs_upgrade(revision):
            start_backup = _start_backup(path, lock)
            if start_backup.warning:
                warnings.append(start_backup.warning)
    engine = None
    if needs_upgrade(revision):  # a new store, or one from an older kvtui (backed up above)
        engine = _upgraded(path, revision, start_backup)
    for own in (path, wal_path(path), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):  # files an older kvtui made before modes were set
            if own.exists() and own.stat().st_mode & 0o077:
                os.chmod(own, PRIVATE_FILE)
    try:
        marker.touch(mode=PRIVATE_FILE)
    except OSError as error:
        if engine is not None:
            engine.dispose()
        raise StoreReadOnly(f"Filen {marker} kunde inte skapas ({file_error_reason(error)}); "
                            "kvtui kan inte ändra något i databasen.") from None
    try:
        keeper = _keep_open(path)
        identity = _identity_of(path)
    except (sqlite3.Error, OSError) as error:
        if engine is not None:
            engine.dispose()
        raise StoreError(f"Databasen {path} kunde inte öppnas "
                         f"({backups.failure_reason(error)}).") from None
    warning = storage_warning(path)
    store = Store(
        path=path,
        _engine=engine,
        warning="\n".join([*warnings, warning] if warning else warnings) or None,
        was_unclean=unclean,
        recovered_transactions=recovered,
        start_backup=start_backup,
        _lock=lock,
        _identity=identity,
        _keeper=keeper,
    )
    store._logged_at_backup = store._log_size() if start_backup else -1
    return store


def _upgraded(path: Path, revision: str | None,
              start_backup: backups.BackupInfo | None) -> Engine:
    """An engine on the store after the migrations have brought it up to date (or made it).

    A migration that fails (a full disk, a file another program holds) is said in Swedish,
    with the backup taken before it.
    """
    from sqlalchemy.exc import DBAPIError

    engine = make_engine(path)
    try:
        upgrade(engine)
    except (DBAPIError, sqlite3.Error, OSError, MigrationError) as error:
        engine.dispose()
        if isinstance(error, MigrationError):
            message = f"Databasen {path} kunde inte uppgraderas. {error}"
        else:
            what = "skapas" if revision is None else "uppgraderas"
            reason = (NO_ROOM if backups.is_no_room(error, path.parent)
                      else backups.failure_reason(error))
            message = f"Databasen {path} kunde inte {what} ({reason})."
        if start_backup is not None:
            message += (f" Säkerhetskopian från {start_backup.label}, gjord innan, finns i "
                        f"{start_backup.path.parent}.")
        raise StoreError(message) from None
    return engine


def _start_backup(path: Path, lock: WriteLock) -> backups.BackupInfo:
    """The backup before a store is changed; a store that cannot be backed up is not changed.

    No room, or another backup that holds the backup folder too long: refused for writing
    (``StoreReadOnly``), readable. Any other failure (a copy that fails its check, or that
    SQLite could not make): the store is checked in full, and set aside if it is damaged.
    """
    try:
        return backups.make_backup(path)
    except (backups.BackupNoRoom, backups.BackupBusy) as error:
        raise StoreReadOnly(f"{error} Innan dess kan kvtui bara visa databasen, inte ändra "
                            "den.") from None
    except backups.BackupError as error:
        problem = file_problem(path, full=True)
        if problem is not None:
            raise _damaged(path, problem, lock) from None
        raise StoreReadOnly(f"{error} kvtui ändrar inte en databas som inte kunde "
                            "säkerhetskopieras; den kan bara visas.") from None


def _open_read_only(path: Path) -> Store:
    problem = not_a_file(path)
    if problem is not None:
        raise StoreError(f"Databasen kan inte öppnas: {problem}. Ange en databasfil med --db.")
    if not path.exists():
        notice = missing_store_warning(path)
        raise StoreNeedsWriter(f"Databasen {path} finns inte." + (f" {notice}" if notice else ""))
    finding = _inspect(path, full=False)
    if finding is not None:
        raise StoreNeedsWriter(f"Databasen {path} kan inte användas: {finding.problem}.")
    immutable = read_immutably(path)
    probe = open_connection(path, read_only=True, immutable=immutable)
    try:
        revision = current_revision(probe)
    finally:
        probe.close()
    if is_newer(revision):
        raise StoreTooNew(
            f"Databasen {path} är skapad av en nyare version av kvtui. Uppdatera kvtui."
        )
    if needs_upgrade(revision):
        raise StoreNeedsWriter(
            f"Databasen {path} behöver uppgraderas. Öppna den med kvtui först (utan andra "
            "kvtui-fönster öppna)."
        )
    return Store(path=path, read_only=True, immutable=immutable, warning=storage_warning(path),
                 _identity=_identity_of(path))


def restore_backup(info: backups.BackupInfo, path: Path) -> None:
    """Put a backup in place of a store that has been set aside."""
    backups.restore(info.path, path)


def check_store(path: Path) -> CheckResult:
    """Run quick, integrity and foreign-key checks, compare the schema with kvtui's, verify the
    change log's chain and that every signed review is what was signed."""
    from kvtui.store.changelog import verify_chain
    from kvtui.store.plan_lock import plan_sign_off_report
    from kvtui.store.schema import schema_problems
    from kvtui.store.signed_record import signed_record_report
    from kvtui.store.stored_idnumbers import stored_numbers_report

    lines: list[str] = []
    ok = True
    if not path.exists():
        return CheckResult([f"Databasen {path} finns inte."], False)
    problem = file_problem(path, full=True)
    if problem is not None:
        return CheckResult([f"Fel: {problem}."], False)
    lines.append("Snabbkontroll (quick_check): ok")
    lines.append("Fullständig kontroll (integrity_check): ok")
    connection = _read_connection(path)
    try:
        fk = connection.execute("PRAGMA foreign_key_check").fetchall()
        revision = current_revision(connection)
        current = revision is not None and not is_newer(revision) and not needs_upgrade(
            revision)
        schema = schema_problems(connection) if current else []
    finally:
        connection.close()
    if fk:
        ok = False
        tables = sorted({row[0] for row in fk})
        wrong = "1 felaktig hänvisning" if len(fk) == 1 else f"{len(fk)} felaktiga hänvisningar"
        lines.append(f"Främmande nycklar: {wrong} (i {', '.join(tables)})")
    else:
        lines.append("Främmande nycklar (foreign_key_check): ok")
    lines.append(f"Schemaversion: {revision or 'saknas'}")
    if not current:
        lines.append(
            f"Databasen har schemaversion {revision or 'saknas'} och den här versionen av kvtui "
            f"har {REVISIONS[-1]}: ändringsloggen och signerade granskningar kan inte "
            "kontrolleras. "
            + ("Uppdatera kvtui." if is_newer(revision) else
               "Öppna databasen med kvtui en gång, så uppgraderas den, och kör sedan kontrollen "
               "igen."))
        return CheckResult(lines, False)
    if schema:
        ok = False
        lines.append("Schemat (låsets och loggens triggrar, tabeller, index) stämmer inte: "
                     + "; ".join(schema))
    else:
        lines.append("Schemat (låsets och loggens triggrar, tabeller, index): ok")
    from sqlalchemy.exc import DBAPIError
    from sqlmodel import Session

    engine = make_engine(path, read_only=True, immutable=read_immutably(path))
    try:
        with Session(engine) as session:
            verdict = verify_chain(session)
            signed_lines, signed_ok = signed_record_report(
                session, [(b.label, b.path) for b in backups.list_backups(path)
                          if backups.integrity_ok(b.path)])
            stored_lines = stored_numbers_report(session)
            plan_lines, plans_ok = plan_sign_off_report(session)
    except (DBAPIError, sqlite3.Error, ValueError) as error:
        # Tables dropped or altered around the triggers (the schema line above says which), or
        # values edited into rows that are not what their columns hold (a date, JSON).
        reason = ("ett värde är inte av det slag kvtui skriver i sin kolumn; det har ändrats "
                  "utanför kvtui" if isinstance(error, ValueError)
                  else backups.failure_reason(error))
        lines.append(f"Ändringsloggen och signerade granskningar kunde inte läsas: {reason}")
        return CheckResult(lines, False)
    finally:
        engine.dispose()
    if verdict.ok:
        entries = "1 post" if verdict.entries == 1 else f"{verdict.entries} poster"
        lines.append(f"Ändringsloggen: {entries}, kedjan är obruten")
    else:
        ok = False
        lines.append(
            f"Ändringsloggen: kedjan är bruten vid post {verdict.first_broken} "
            f"({verdict.reason})"
        )
    lines += signed_lines + stored_lines + plan_lines
    return CheckResult(lines, ok and signed_ok and plans_ok)
