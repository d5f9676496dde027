"""Fixtures shared by every test: the user's real folders are never touched."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import typer.testing

import kvtui.store.database
from kvtui.store.database import Store, open_store
from kvtui.store.migrate import upgrade

# Typer's test runner turns the Typer app into its click command on every ``invoke``, which
# costs more than most commands run; the app's commands do not change while the tests run, so
# each test process builds the command once, as one run of ``kvtui`` builds it once.
typer.testing._get_command = cache(typer.testing._get_command)

if TYPE_CHECKING:
    from tests.pg_server import PgServer

_migrated: list[Path] = []  # the store the real migrations made in this test process
_folder: list[Path] = []  # the test process's base temporary folder


def _migrated_store() -> Path:
    """An empty store brought to the current schema by the real migrations, once per process."""
    if not _migrated:
        path = _folder[0] / "migrated.db"
        path.touch(mode=0o600)
        engine = kvtui.store.database.make_engine(path)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _migrated.append(path)
    return _migrated[0]


def copying_upgrade(engine: object, target: str = "head") -> None:
    """``upgrade``, except that a new store is made a page-for-page copy of the one the real
    migrations made in this test process, with a merge site of its own."""
    from sqlalchemy import Engine

    from kvtui.store.stamps import renew_site

    assert isinstance(engine, Engine)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        empty = raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        if target == "head" and empty:
            with sqlite3.connect(_migrated_store()) as template:
                template.backup(raw)
            renew_site(connection)  # each store its own site, as the migration gives it
            raw.commit()
            return
    upgrade(engine, target)


@pytest.fixture(autouse=True)
def _new_stores_as_migrated(request: pytest.FixtureRequest,
                            tmp_path_factory: pytest.TempPathFactory,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new store a test opens is a copy of the one the real migrations made in this
    process, so the suite runs the migrations once per process rather than once per store.
    A store being upgraded, or brought to another revision, goes through the real
    migrations, and so does every new store in a test marked ``real_migrations``."""
    if not _folder:
        _folder.append(tmp_path_factory.getbasetemp())
    if not request.node.get_closest_marker("real_migrations"):
        monkeypatch.setattr(kvtui.store.database, "upgrade", copying_upgrade)


@pytest.fixture(autouse=True)
def _isolated_folders(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the store and the user's data folders at a temporary place for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("KVTUI_DB", str(home / "db" / "kvtui.db"))
    monkeypatch.setenv("KVTUI_DATA", str(home / "data"))  # the crash log, one per test
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's store lives."""
    return tmp_path / "db" / "kvtui.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    """A fresh store on a real SQLite file, closed after the test."""
    opened = open_store(store_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def crash_log() -> Iterator[Callable[[], str]]:
    """What kvtui appends to its crash log (``kvtui-fel.log``) during the test, read when
    called; a log the test made is removed after it."""
    from kvtui.crash_log import CRASH_LOG_NAME
    from kvtui.paths import data_dir

    log = data_dir() / CRASH_LOG_NAME
    existed = log.exists()
    start = log.stat().st_size if existed else 0

    def appended() -> str:
        if not log.exists():
            return ""
        with log.open("rb") as handle:
            handle.seek(start)
            return handle.read().decode("utf-8")

    try:
        yield appended
    finally:
        if not existed:
            log.unlink(missing_ok=True)


# ``--dist loadfile`` hands the test files to the two test processes in the order collected.
# The long files go first and the many short ones last, so that at the end neither process
# is left alone with a long file while the other waits.
_FIRST = ("tests/test_types.py", "tests/tui/")
_LAST = ("tests/domain/",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        if item.nodeid.startswith(_FIRST):
            return 0
        return 2 if item.nodeid.startswith(_LAST) else 1

    items.sort(key=rank)  # stable: a file's tests keep their order

@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL server of this test process, started by the first test that needs one
    and stopped at the end of the session. No server binaries: the test fails, saying so."""
    from tests.pg_server import PgServer, PgUnavailable

    server = PgServer()
    try:
        server.start()
    except PgUnavailable as error:
        server.stop()
        pytest.fail(f"PostgreSQL could not be started: {error}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[str]:
    """A fresh empty database on the test process's server: its superuser URL (libpq form,
    over the unix socket); dropped after the test."""
    url = pg_server.create_database()
    try:
        yield url
    finally:
        pg_server.drop_database(url.split("?")[0].rsplit("/", 1)[1])
