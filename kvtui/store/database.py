"""Opening a store safely: one writer, checks before use, backup, migration.

Order matters. The lock comes first, so no second copy of kvtui interferes. Then the file is
checked through a read-only connection: a damaged or foreign file is never written to, only set
aside under a new name. Then a verified backup, then migrations, then the store is in use.

Everything up to that point uses plain ``sqlite3``. SQLAlchemy, SQLModel and the row models
(together about half a second to import) are loaded only when a migration needs them or when
``Store.engine`` is first used, so the app can draw its first frame before they are loaded.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from kvtui.paths import lock_path, running_marker, storage_warning
from kvtui.store import backup as backups
from kvtui.store.engine import connect_plain, make_engine
from kvtui.store.migrate import REVISIONS, current_revision, is_newer, needs_upgrade, upgrade

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(RuntimeError):
    """A store cannot be used; ``str()`` is a plain Swedish message for the user."""


class StoreLocked(StoreError):
    """Another copy of kvtui is writing to the store."""


class StoreTooNew(StoreError):
    """The store was written by a newer kvtui."""


class StoreDamaged(StoreError):
    """The file was damaged or not a kvtui store; it has been set aside, untouched."""

    def __init__(self, message: str, *, set_aside: Path, backup: backups.BackupInfo | None):
        super().__init__(message)
        self.set_aside = set_aside
        self.backup = backup


@dataclass(frozen=True)
class CheckResult:
    """What ``kvtui check`` found: one line per check, and whether all passed."""

    lines: list[str]
    ok: bool


def file_problem(path: Path, *, full: bool) -> str | None:
    """Why the file at ``path`` cannot be used as a kvtui store, or None if it can.

    Reads only. ``full`` runs ``integrity_check`` (after an unclean stop), otherwise the
    faster ``quick_check``.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return f"filen kan inte läsas ({error.strerror})"
    if header != SQLITE_HEADER:
        return "filen är inte en kvtui-databas"
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return f"filen kan inte öppnas ({error})"
    try:
        pragma = "integrity_check" if full else "quick_check"
        rows = connection.execute(f"PRAGMA {pragma}").fetchall()
        if rows != [("ok",)]:
            return "databasen är skadad (" + "; ".join(str(r[0]) for r in rows[:3]) + ")"
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if tables and "alembic_version" not in tables:
            return "filen är en annan databas än kvtui:s"
    except sqlite3.DatabaseError as error:
        return f"databasen är skadad ({error})"
    finally:
        connection.close()
    return None


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


@dataclass
class Store:
    """An open store: its lock, its engine once used, and what was noticed while opening it."""

    path: Path
    read_only: bool = False
    warning: str | None = None
    was_unclean: bool = False
    start_backup: backups.BackupInfo | None = None
    _lock: FileLock | None = None
    _logged_at_backup: int = field(default=-1)
    _engine: Engine | None = field(default=None, repr=False)
    _engine_guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def engine(self) -> Engine:
        """SQLAlchemy's engine on the store, made on first use.

        Made lazily so that opening a store does not import SQLAlchemy; the app warms it up in
        the background after its first frame (``prepare_orm``). Thread-safe, since that warm-up
        and the start backup run in worker threads.
        """
        with self._engine_guard:
            if self._engine is None:
                self._engine = make_engine(self.path, read_only=self.read_only)
            return self._engine

    def session(self) -> Session:
        """A new session; objects stay usable after commit so screens can keep them."""
        from sqlmodel import Session

        return Session(self.engine, expire_on_commit=False)

    def plain_connection(self) -> sqlite3.Connection:
        """A plain ``sqlite3`` connection with the engine's pragmas; the caller closes it.

        For reads that must not wait for SQLAlchemy to load: the Granskningar list on the app's
        first frame. Writes go through ``session()``, where the change log is kept.
        """
        return connect_plain(self.path, read_only=self.read_only)

    def prepare_orm(self) -> None:
        """Load SQLAlchemy, SQLModel and the row models and make the engine, ahead of use.

        The app calls this in a worker thread after its first frame, so that opening a review
        later does not stall on half a second of imports.
        """
        from sqlalchemy.orm import configure_mappers

        from kvtui.store import models  # noqa: F401  (registers and maps the tables)

        configure_mappers()
        _ = self.engine

    def backup(self, dest: Path | None = None) -> backups.BackupInfo:
        """A verified backup now, into the rotated folder or to ``dest``."""
        info = backups.make_backup(self.path, dest=dest)
        if dest is None:
            self._logged_at_backup = self._log_size()
        return info

    def backup_if_changed(self) -> backups.BackupInfo | None:
        """A backup if anything was logged since the last one: the periodic backup."""
        if self.read_only or self._log_size() == self._logged_at_backup:
            return None
        return self.backup()

    def _log_size(self) -> int:
        from kvtui.store.changelog import count_entries

        with self.session() as session:
            return count_entries(session)

    def close(self) -> None:
        """Release the engine, mark a clean stop and give up the lock."""
        with self._engine_guard:
            if self._engine is not None:
                self._engine.dispose()
        if not self.read_only:
            running_marker(self.path).unlink(missing_ok=True)
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _acquire_lock(path: Path) -> FileLock:
    lock = FileLock(lock_path(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StoreLocked(
            f"Databasen {path} används redan av ett annat kvtui-fönster. "
            "Stäng det först; bara ett kvtui åt gången kan skriva i samma databas."
        ) from None
    return lock


def open_store(path: Path, *, read_only: bool = False, backup: bool = True) -> Store:
    """Open (or create) the store at ``path`` for use; raises ``StoreError`` subclasses."""
    if read_only:
        return _open_read_only(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _acquire_lock(path)
    try:
        return _open_locked(path, lock, backup=backup)
    except BaseException:
        lock.release()
        raise


def _open_locked(path: Path, lock: FileLock, *, backup: bool) -> Store:
    marker = running_marker(path)
    unclean = marker.exists()
    exists = path.exists() and path.stat().st_size > 0
    start_backup = None
    if exists:
        problem = file_problem(path, full=unclean)
        if problem is not None:
            aside = set_aside(path)
            good = backups.newest_good_backup(path)
            message = (
                f"Databasen {path} kan inte användas: {problem}. "
                f"Filen har flyttats åt sidan till {aside.name} och har inte ändrats."
            )
            if good is not None:
                message += f" Den senaste fungerande säkerhetskopian är från {good.label}."
            else:
                message += " Det finns ingen fungerande säkerhetskopia."
            raise StoreDamaged(message, set_aside=aside, backup=good)
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as probe:
            revision = current_revision(probe)
        probe.close()
        if is_newer(revision):
            raise StoreTooNew(
                f"Databasen {path} är skapad av en nyare version av kvtui "
                f"(schema {revision}, den här versionen känner till {REVISIONS[-1]}). "
                "Uppdatera kvtui för att öppna den. Databasen har inte ändrats."
            )
        if backup or needs_upgrade(revision):
            start_backup = backups.make_backup(path)
    else:
        revision = None
    engine = None
    if needs_upgrade(revision):  # a new store, or one from an older kvtui (backed up above)
        engine = make_engine(path)
        upgrade(engine)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
    marker.touch()
    store = Store(
        path=path,
        _engine=engine,
        warning=storage_warning(path),
        was_unclean=unclean,
        start_backup=start_backup,
        _lock=lock,
    )
    store._logged_at_backup = store._log_size() if start_backup else -1
    return store


def _open_read_only(path: Path) -> Store:
    if not path.exists():
        raise StoreError(f"Databasen {path} finns inte.")
    problem = file_problem(path, full=False)
    if problem is not None:
        raise StoreError(f"Databasen {path} kan inte användas: {problem}.")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as probe:
        revision = current_revision(probe)
    probe.close()
    if is_newer(revision):
        raise StoreTooNew(
            f"Databasen {path} är skapad av en nyare version av kvtui. Uppdatera kvtui."
        )
    if needs_upgrade(revision):
        raise StoreError(
            f"Databasen {path} behöver uppgraderas. Öppna den med kvtui först (utan andra "
            "kvtui-fönster öppna)."
        )
    return Store(path=path, read_only=True, warning=storage_warning(path))


def restore_backup(info: backups.BackupInfo, path: Path) -> None:
    """Put a backup in place of a store that has been set aside."""
    backups.restore(info.path, path)


def check_store(path: Path) -> CheckResult:
    """Run quick, integrity and foreign-key checks, compare the schema with kvtui's, verify the
    change log's chain and that every signed review is what was signed."""
    from kvtui.store.changelog import verify_chain
    from kvtui.store.schema import schema_problems
    from kvtui.store.signed_record import signed_record_report

    lines: list[str] = []
    ok = True
    if not path.exists():
        return CheckResult([f"Databasen {path} finns inte."], False)
    problem = file_problem(path, full=True)
    if problem is not None:
        return CheckResult([f"Fel: {problem}."], False)
    lines.append("Snabbkontroll (quick_check): ok")
    lines.append("Fullständig kontroll (integrity_check): ok")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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
        lines.append(
            f"Främmande nycklar: {len(fk)} felaktiga hänvisningar (i {', '.join(tables)})"
        )
    else:
        lines.append("Främmande nycklar (foreign_key_check): ok")
    lines.append(f"Schemaversion: {revision or 'saknas'}")
    if not current:
        lines.append(
            f"Databasen har schemaversion {revision or 'saknas'}, den här versionen av kvtui "
            f"{REVISIONS[-1]}: ändringsloggen och signerade granskningar kan inte kontrolleras. "
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

    engine = make_engine(path, read_only=True)
    try:
        with Session(engine) as session:
            verdict = verify_chain(session)
            signed_lines, signed_ok = signed_record_report(
                session, [(b.label, b.path) for b in backups.list_backups(path)
                          if backups.integrity_ok(b.path)])
    except (DBAPIError, sqlite3.Error) as error:
        # Tables dropped or altered around the triggers: the schema line above says which.
        lines.append("Ändringsloggen och signerade granskningar kunde inte läsas: "
                     f"{getattr(error, 'orig', None) or error}")
        return CheckResult(lines, False)
    finally:
        engine.dispose()
    if verdict.ok:
        lines.append(f"Ändringsloggen: {verdict.entries} poster, kedjan är obruten")
    else:
        ok = False
        lines.append(
            f"Ändringsloggen: kedjan är bruten vid post {verdict.first_broken} "
            f"({verdict.reason})"
        )
    lines += signed_lines
    return CheckResult(lines, ok and signed_ok)
