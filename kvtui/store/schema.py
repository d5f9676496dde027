"""What the store's schema must be, and where a store's schema differs from it.

The lock on signed reviews, the append-only change log and the search index are triggers in
the store. Anyone with the file can drop one, or edit its text through ``PRAGMA
writable_schema``, and SQLite will not complain: ``kvtui check`` therefore compares the store's
schema with the one kvtui's own migrations create. That schema is not written out a second time
here; it is made by running the migrations on an empty in-memory database, so it is exactly
what a store at this revision holds.

Triggers are compared by their full text: kvtui writes them verbatim and SQLite keeps the text
as written. Tables and indexes are compared by their columns and uniqueness rather than by
text, which SQLAlchemy renders and which the full-text index's shadow tables get from the
SQLite version at hand.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import create_engine, event
from sqlalchemy.pool import StaticPool

from kvtui.store.migrate import upgrade

# The full-text index's shadow tables are FTS5's own; their definitions follow the SQLite
# version that made them.
_FTS_SHADOW = "search_index_"


@dataclass(frozen=True)
class Schema:
    """A schema as compared: triggers by text, tables by columns, indexes by columns."""

    triggers: dict[str, str]
    tables: dict[str, tuple[tuple[str, str, int, int], ...]]
    indexes: dict[str, tuple[str, int, tuple[str, ...]]]


def read_schema(connection: sqlite3.Connection) -> Schema:
    """The schema of the database on ``connection``."""
    triggers: dict[str, str] = {}
    tables: dict[str, tuple[tuple[str, str, int, int], ...]] = {}
    indexes: dict[str, tuple[str, int, tuple[str, ...]]] = {}
    entries = _rows(connection, "SELECT type, name, tbl_name, sql FROM sqlite_master"
                                " WHERE name NOT LIKE 'sqlite_%'")
    for entry in entries:
        name = entry["name"]
        if entry["type"] == "trigger":
            triggers[name] = entry["sql"] or ""
        elif entry["type"] == "table" and not name.startswith(_FTS_SHADOW):
            tables[name] = tuple(
                (column["name"], str(column["type"]).upper(), int(column["notnull"]),
                 int(column["pk"]))
                for column in _rows(connection, f"PRAGMA table_info({_quoted(name)})"))
    for entry in entries:
        table = entry["tbl_name"]
        if entry["type"] != "table" or table.startswith(_FTS_SHADOW) or table == "search_index":
            continue
        for index in _rows(connection, f"PRAGMA index_list({_quoted(table)})"):
            columns = tuple(str(info["name"]) for info in _rows(
                connection, f"PRAGMA index_info({_quoted(index['name'])})"))
            indexes[index["name"]] = (table, int(index["unique"]), columns)
    return Schema(triggers, tables, indexes)


def _rows(connection: sqlite3.Connection, sql: str) -> list[sqlite3.Row]:
    """The rows of ``sql``, read by column name."""
    cursor = connection.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql).fetchall()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def expected_schema() -> Schema:
    """The schema that kvtui's migrations create, read from an empty database migrated now
    (it loads Alembic and runs every migration)."""
    engine = create_engine("sqlite://", poolclass=StaticPool)

    @event.listens_for(engine, "connect")
    def _autocommit(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None

    try:
        upgrade(engine)
        with engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            return read_schema(raw)
    finally:
        engine.dispose()


def schema_problems(connection: sqlite3.Connection) -> list[str]:
    """How the store's schema differs from what kvtui's migrations make, in Swedish; empty
    when it is the same. Only meaningful for a store at this kvtui's revision."""
    found, expected = read_schema(connection), expected_schema()
    problems: list[str] = []
    problems += _differences("triggern", expected.triggers, found.triggers)
    problems += _differences("tabellen", expected.tables, found.tables)
    problems += _differences("indexet", expected.indexes, found.indexes)
    return problems


def _differences(what: str, expected: Mapping[str, object],
                 found: Mapping[str, object]) -> list[str]:
    lines: list[str] = []
    missing = sorted(set(expected) - set(found))
    changed = sorted(name for name in set(expected) & set(found)
                     if expected[name] != found[name])
    unknown = sorted(set(found) - set(expected))
    lines += [f"{what} {name} saknas" for name in missing]
    lines += [f"{what} {name} är ändrad" for name in changed]
    lines += [f"{what} {name} hör inte till kvtui" for name in unknown]
    return lines

