"""Writing many rows at once: a population of 10,000 akter, a sample of 3,000.

SQLAlchemy handles each row's parameters in Python (type processing, a dictionary per row),
which for a whole population cost more than SQLite's own work. These helpers let a store
module hand the rows to the driver's ``executemany`` as plain tuples, inside the session's
transaction, with values stored exactly as SQLAlchemy would have stored them.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Table


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
    dialect = connection.dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process is not None else value


def new_ids(count: int) -> list[str]:
    """``count`` fresh random UUIDs (version 4) as text, the same as ``str(uuid.uuid4())``.

    ``uuid.uuid4`` builds a ``UUID`` object per call, which for a 10,000-row population took
    longer than writing the rows; here the random bytes come in one read and only the version
    and variant bits are set, as RFC 4122 says.
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
    and each of them set off collections that walked every object of the running app (Textual,
    SQLAlchemy): in the app they cost as much as the work itself. Reference counting still
    frees everything as usual; collection resumes afterwards, also after an error.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
