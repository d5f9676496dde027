"""Bundles and an encrypted store: rows carried across between SQLCipher and plain SQLite.

A bundle's payload is built and read with SQLite's ``serialize`` and ``deserialize``, which
SQLCipher's module does not have, and a database of one library cannot be attached to a
connection of the other. So the rows are carried across in memory, table by table:

- on export, the encrypted store is copied into a plain in-memory database (shared cache, so
  that ``build_payload`` attaches it as it attaches a store file) from which the payload is
  built as from any store;
- on import, the payload's tables and rows are copied into an in-memory schema attached to the
  encrypted store's own connection, where the import or the merge reads them as always.

Nothing in the clear touches the disk either way.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Entries of ``sqlite_master`` made in this order, so that rows are copied into tables with no
# trigger yet (the lock's triggers would refuse a signed review's rows) and a full-text index
# (a virtual table) is made over its rows rather than under them.
_FIRST, _LAST = ("table", "index", "view"), ("trigger",)


def _entries(connection: Any, schema: str) -> list[tuple[str, str, str]]:
    """The schema's (type, name, sql), without the virtual tables' own shadow tables."""
    rows = connection.execute(
        f"SELECT type, name, sql FROM {schema}.sqlite_master WHERE sql IS NOT NULL AND name "
        "NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
    virtual = tuple(f"{name}_" for kind, name, sql in rows
                    if kind == "table" and sql.upper().startswith("CREATE VIRTUAL"))
    return [(kind, name, sql) for kind, name, sql in rows
            if not (virtual and name.startswith(virtual))]


def _copy_rows(source: Any, source_schema: str, target: Any, target_schema: str,
               tables: list[str]) -> None:
    for name in tables:
        cursor = source.execute(f'SELECT * FROM {source_schema}."{name}"')
        width = len(cursor.description)
        marks = ", ".join("?" * width)
        insert = f'INSERT INTO {target_schema}."{name}" VALUES ({marks})'
        while batch := cursor.fetchmany(2000):
            target.executemany(insert, batch)


def _copy_database(source: Any, source_schema: str, target: Any, target_schema: str, *,
                   triggers: bool) -> None:
    """Every table and row of ``source_schema`` into the empty ``target_schema``."""
    entries = _entries(source, source_schema)
    plain_tables = []
    for kind, name, sql in entries:
        if kind in _FIRST and not sql.upper().startswith("CREATE VIRTUAL"):
            target.execute(_in_schema(sql, target_schema))
            if kind == "table":
                plain_tables.append(name)
    _copy_rows(source, source_schema, target, target_schema, plain_tables)
    for kind, _name, sql in entries:
        if (kind == "table" and sql.upper().startswith("CREATE VIRTUAL")) or (
                triggers and kind in _LAST):
            target.execute(_in_schema(sql, target_schema))


def _in_schema(sql: str, schema: str) -> str:
    """A ``CREATE …`` statement made in ``schema`` (``main`` leaves it as it is)."""
    if schema == "main":
        return sql
    for word in ("TABLE", "INDEX", "VIEW", "TRIGGER"):
        for prefix in (f"CREATE {word} ", f"CREATE UNIQUE {word} ", f"CREATE VIRTUAL {word} "):
            if sql.upper().startswith(prefix):
                rest = sql[len(prefix):]
                if rest.upper().startswith("IF NOT EXISTS "):
                    prefix, rest = prefix + rest[:14], rest[14:]
                return f"{prefix}{schema}.{rest}"
    raise ValueError(sql)


@contextmanager
def plain_copy(store_connection: Any) -> Iterator[str]:
    """The encrypted store of ``store_connection`` copied into a plain in-memory database;
    yields the URI that attaches it (alive until the block ends)."""
    uri = f"file:kvtui-bundle-{secrets.token_hex(8)}?mode=memory&cache=shared"
    memory = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        memory.isolation_level = None
        memory.execute("BEGIN")
        _copy_database(store_connection, "main", memory, "main", triggers=True)
        memory.execute("COMMIT")
        yield uri
    finally:
        memory.close()


def attach_payload(store_connection: Any, payload: bytes, schema: str) -> None:
    """The payload's tables and rows in an in-memory ``schema`` attached to the encrypted
    store's connection (``KEY ''``: a plain database of SQLCipher's own)."""
    memory = sqlite3.connect(":memory:")
    try:
        memory.deserialize(payload)
        store_connection.execute(f"ATTACH DATABASE ':memory:' AS {schema} KEY ''")
        _copy_database(memory, "main", store_connection, schema, triggers=False)
        store_connection.commit()
    finally:
        memory.close()
