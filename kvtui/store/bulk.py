"""Reading and writing past SQLAlchemy where its overhead outweighs SQLite's own work.

Two places, each kept because a bench's goal needs it: many rows at once (a population of
10,000 akter and its sample: bench/population.py), where SQLAlchemy handles each row's
parameters and results in Python, and the few statements of one answer key (bench/entry.py),
where SQLAlchemy builds, compiles and executes each statement in Python around the little
work SQLite does. These helpers hand SQL (SQLAlchemy's own, where it is compiled from a
statement) and plain values to the sqlite3 driver inside the session's transaction, with values
stored and read exactly as SQLAlchemy stores and reads them, and rows read by column name.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import ClauseElement, Column, Connection, Dialect, Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.compiler import SQLCompiler


def insert_sql(table: Table, columns: Sequence[str]) -> str:
    """An INSERT of ``columns`` into ``table`` with one ``?`` placeholder per column (sqlite3's
    parameter style), for ``Connection.exec_driver_sql`` with a list of tuples."""
    unknown = [name for name in columns if name not in table.c]
    if unknown:  # a typo fails at import time, not in the middle of an import
        raise KeyError(f"{table.name} has no column {', '.join(unknown)}")
    return (f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


def stored_value(connection: Connection, column: Column[Any], value: Any) -> Any:
    """``value`` as SQLAlchemy stores it in ``column`` on this connection's dialect (a
    timestamp as its text, for example), for rows written past SQLAlchemy's parameter handling.
    """
    process = _processors(column, connection.dialect)[0]
    return process(value) if process is not None and value is not None else value


def read_value(connection: Connection, column: Column[Any], stored: Any) -> Any:
    """A value of ``column`` read past SQLAlchemy, as SQLAlchemy would have returned it (a
    date from its text, for example)."""
    process = _processors(column, connection.dialect)[1]
    return process(stored) if process is not None and stored is not None else stored


@functools.lru_cache(maxsize=128)
def _processors(column: Column[Any], dialect: Dialect) -> tuple[Any, Any]:
    """The column type's bind and result processors on a dialect, looked up once (for the
    values of every answer key: bench/entry.py)."""
    kind = column.type.dialect_impl(dialect)
    return kind.bind_processor(dialect), kind.result_processor(dialect, None)


def driver(connection: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy connection: statements run on it are part of
    the same transaction."""
    return cast(sqlite3.Connection, connection.connection.driver_connection)


def driver_rows(
    connection: Connection, sql: str, parameters: Sequence[Any] = ()
) -> list[sqlite3.Row]:
    """The rows of ``sql`` run by the driver in the connection's transaction, read by column
    name."""
    cursor = driver(connection).cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, parameters).fetchall()


class DriverStatement:
    """A SQLAlchemy statement compiled once for SQLite and run by the driver, its rows read by
    column name (``sqlite3.Row``; label a column whose name another one shares).

    For the statements of one answer key (bench/entry.py) and the read of a population
    (bench/population.py): no execution context and no result processing in Python. The
    SQL is SQLAlchemy's, so it stays in step with the models; values go in and come out as
    the driver has them (see ``stored_value`` and ``read_value``).
    """

    def __init__(self, statement: ClauseElement) -> None:
        compiled = statement.compile(dialect=sqlite.dialect())
        assert isinstance(compiled, SQLCompiler)  # a query or a row change, not DDL
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup or ())
        # Values given in the statement itself (a LIMIT); the others must be passed.
        self.fixed = {name: value for name, value in compiled.params.items()
                      if value is not None}

    def all(self, connection: Connection, **values: Any) -> list[sqlite3.Row]:
        """Every row for the values of the statement's bound parameters."""
        return self._run(connection, values).fetchall()

    def first(self, connection: Connection, **values: Any) -> sqlite3.Row | None:
        """The first row for the values of the statement's bound parameters, or None."""
        row: sqlite3.Row | None = self._run(connection, values).fetchone()
        return row

    def _run(self, connection: Connection, values: dict[str, Any]) -> sqlite3.Cursor:
        given = {**self.fixed, **values}
        cursor = driver(connection).cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(self.sql, [given[name] for name in self.names])


def new_ids(count: int) -> list[str]:
    """``count`` fresh random UUIDs (version 4) as text, the same as ``str(uuid.uuid4())``.

    ``uuid.uuid4`` builds a ``UUID`` object and reads the random source once per id; here the
    random bytes for all ids come in one read and only the version and variant bits are set,
    as RFC 4122 says (bench/population.py needs it).
    """
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes((byte & 0x0F) | 0x40 for byte in raw[6::16])  # version 4
    raw[8::16] = bytes((byte & 0x3F) | 0x80 for byte in raw[8::16])  # variant RFC 4122
    text = raw.hex()
    return [
        f"{text[i:i + 8]}-{text[i + 8:i + 12]}-{text[i + 12:i + 16]}-{text[i + 16:i + 20]}-"
        f"{text[i + 20:i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a population is read, checked and written.

    Those steps make tens of thousands of lists, tuples and dictionaries that hold no cycles,
    and they set off collections that walk every object of the running process (in the app:
    Textual, SQLAlchemy) again and again; bench/population.py needs the pause. Reference
    counting still frees everything as usual; collection resumes afterwards, also after an
    error.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
