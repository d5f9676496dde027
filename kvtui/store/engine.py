"""The engine factory: one place where every connection gets the pragmas that keep data safe.

Never built at import time, so that tests and the CLI can point it at any file. SQLAlchemy is
imported only when an engine is made: the app's first frame reads with plain ``sqlite3`` (see
``Store.plain_connection``) and does not wait for SQLAlchemy to load.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def make_engine(path: Path | str, *, read_only: bool = False, echo: bool = False) -> Engine:
    """An engine on the SQLite file at ``path`` with safe pragmas on every connection.

    A read-only engine lets ``kvtui list`` and ``show`` read a store that another copy of
    kvtui is writing to, without ever taking its write lock.
    """
    from sqlalchemy import create_engine, event

    url = f"sqlite:///file:{path}?mode=ro&uri=true" if read_only else f"sqlite:///{path}"
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        apply_pragmas(dbapi_connection, read_only=read_only)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock at the start so a transaction never fails half-way on SQLITE_BUSY.
        # Straight to the driver: every answer key begins a transaction, and SQLAlchemy's
        # handling of the statement took longer than SQLite took to run it.
        connection.connection.driver_connection.execute(
            "BEGIN" if read_only else "BEGIN IMMEDIATE"
        )

    return engine


def connect_plain(path: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
    """A plain ``sqlite3`` connection to ``path`` with the same safety pragmas as the engine's.

    For the few reads that must not wait for SQLAlchemy to load, i.e. the Granskningar list on
    the app's first frame. Autocommit, as the engine's connections: issue ``BEGIN`` for a
    consistent snapshot across several queries.
    """
    target = f"file:{path}?mode=ro" if read_only else str(path)
    connection = sqlite3.connect(
        target, uri=read_only, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
    )
    try:
        apply_pragmas(connection, read_only=read_only)
    except BaseException:
        connection.close()
        raise
    return connection
