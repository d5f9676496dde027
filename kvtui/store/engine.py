"""The engine factory: one place where every connection gets the pragmas that keep data safe.

Never built at import time, so that tests and the CLI can point it at any file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

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
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
