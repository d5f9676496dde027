"""The engine factory: one place where every connection gets the pragmas that keep data safe.

Never built at import time, so that tests and the CLI can point it at any file. SQLAlchemy is
imported only when an engine is made: the app's first frame reads with plain ``sqlite3`` (see
``Store.plain_connection``) and does not wait for SQLAlchemy to load.

Every connection to a kvtui file, the store's and the backups' alike, is opened here through a
percent-quoted ``file:`` URI. Built by hand, a URI reads "#", "?" and "%" in a folder name
("Granskning #2") as the start of a fragment, a query or an escape, and quietly opens another
file. SQLAlchemy gets the same connections through ``creator``, never through a URL string.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kvtui.store import cipher

if TYPE_CHECKING:
    from sqlalchemy import Engine

BUSY_TIMEOUT_MS = 5000

PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA secure_delete = ON",
)


def sqlite_uri(path: Path | str, *, read_only: bool = False, immutable: bool = False) -> str:
    """The ``file:`` URI that opens exactly the file at ``path``.

    ``Path.as_uri`` percent-quotes every character with a meaning in a URI (# ? % & = space
    and all non-ASCII), so å ä ö and "Granskning #2" reach SQLite as they are. The mode is
    ``rw``, never ``rwc``: kvtui creates its files itself, private from the first byte, and a
    store that vanished while open is not silently made again as an empty one.
    ``immutable`` is for a store in a folder nobody can write to (see ``database``).
    """
    uri = Path(path).absolute().as_uri() + ("?mode=ro" if read_only else "?mode=rw")
    return uri + "&immutable=1" if immutable else uri


def open_connection(
    path: Path | str, *, read_only: bool = False, immutable: bool = False
) -> sqlite3.Connection:
    """A raw ``sqlite3`` connection to the file at ``path`` (which must exist), no pragmas.

    An encrypted store (``kvtui.store.cipher``) is opened with the passphrase given, through a
    connection that behaves as ``sqlite3``'s; ``PassphraseError`` when it cannot be.
    """
    if cipher.looks_encrypted(path):
        return cipher.connect(path, sqlite_uri(path, read_only=read_only, immutable=immutable),
                              timeout=BUSY_TIMEOUT_MS / 1000)
    return sqlite3.connect(
        sqlite_uri(path, read_only=read_only, immutable=immutable),
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
    )


def apply_pragmas(dbapi_connection: sqlite3.Connection, *, read_only: bool = False) -> None:
    """Put a raw connection in autocommit mode and set the safety pragmas on it.

    Autocommit lets the engine's ``begin`` event issue a real ``BEGIN IMMEDIATE``, which
    Python 3.11's sqlite3 module would otherwise defer until the first write.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in PRAGMAS:
            if read_only and "journal_mode" in pragma:
                continue
            cursor.execute(pragma)
    finally:
        cursor.close()


def make_engine(
    path: Path | str, *, read_only: bool = False, immutable: bool = False, echo: bool = False
) -> Engine:
    """An engine on the SQLite file at ``path`` (which must exist) with safe pragmas on every
    connection.

    The file is never made here: a store is created where kvtui decides to create one
    (``database.open_store``), private from its first byte, and a store that was moved or
    deleted while kvtui had it open is not made again as an empty file.

    A read-only engine lets ``kvtui list`` and ``show`` read a store that another copy of
    kvtui is writing to, without ever taking its write lock. Statements' parameters are kept
    out of error messages (``hide_parameters``): they hold case data, and a message can end
    up in a log.
    """
    from sqlalchemy import URL, create_engine, event

    engine = create_engine(
        # The URL only tells SQLAlchemy that this is a file (a pool of connections); every
        # connection comes from ``creator``, through the quoted URI.
        URL.create("sqlite", database=str(path)),
        creator=partial(open_connection, path, read_only=read_only, immutable=immutable),
        echo=echo,
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        apply_pragmas(dbapi_connection, read_only=read_only)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock at the start so a transaction never fails half-way on SQLITE_BUSY.
        # Straight to the driver, past SQLAlchemy's handling of a statement: every answer key
        # begins a transaction (bench/entry.py needs it).
        connection.connection.driver_connection.execute(
            "BEGIN" if read_only else "BEGIN IMMEDIATE"
        )

    return engine


def check_before_each_transaction(engine: Engine, check: Callable[[], None]) -> None:
    """Call ``check`` as each transaction on ``engine`` begins, before its ``BEGIN``: what it
    raises stops the transaction before anything is read or written."""
    from sqlalchemy import event

    event.listen(engine, "begin", lambda _connection: check(), insert=True)


def connect_plain(
    path: Path | str, *, read_only: bool = False, immutable: bool = False
) -> sqlite3.Connection:
    """A plain ``sqlite3`` connection to ``path`` with the same safety pragmas as the engine's.

    For the few reads that must not wait for SQLAlchemy to load, i.e. the Granskningar list on
    the app's first frame. Autocommit, as the engine's connections: issue ``BEGIN`` for a
    consistent snapshot across several queries.
    """
    connection = open_connection(path, read_only=read_only, immutable=immutable)
    try:
        apply_pragmas(connection, read_only=read_only)
    except BaseException:
        connection.close()
        raise
    return connection
