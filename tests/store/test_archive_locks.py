"""The archive's lock, attacked with raw SQL by a role that may write every table but owns none.

A signed version in ``archive_version`` is immutable, and the rows of a signed review in the
ordinary tables are refused every INSERT, UPDATE, DELETE, UPSERT and TRUNCATE, except in the
transaction that pushes a signed version at least as new (a later signed version supersedes).
A version in progress may be replaced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Table
from sqlmodel import SQLModel

from kvtui.store.archive_engine import make_archive_engine, upgrade_archive
from kvtui.store.bundle_rows import LOG_TABLE, review_tables
from tests.pg_server import PgServer


def _revision_0016() -> Any:
    import importlib.util
    from pathlib import Path

    import kvtui.store.migrations as migrations

    script = Path(migrations.__file__).parent / "versions" / "0016_archive.py"
    spec = importlib.util.spec_from_file_location(script.stem, script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REVIEW_OF: dict[str, str] = _revision_0016().REVIEW_OF
TABLES: dict[str, Table] = {table.name: table.table for table in review_tables()}
TABLES[LOG_TABLE] = SQLModel.metadata.tables[LOG_TABLE]
LOCKED = "review is signed and locked|signed review needs its signed version"
IMMUTABLE = "signed version in the archive is immutable|is not truncated"
INTRUDER, PASSWORD = "inkräktare", "skriver överallt"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
MUNICIPALITY = "Sjövik"


def _id(table: str, review_id: str) -> str:
    return review_id if table == "review" else f"{table}-{review_id}"


def _value(table: Table, column: Any, review_id: str) -> Any:
    """A value for ``column`` of the review's one row of ``table``."""
    name = column.name
    if name == "id":
        return _id(table.name, review_id)
    if name == "review_id":
        return review_id
    if column.foreign_keys:
        parent = next(iter(column.foreign_keys)).column.table
        one_target = table.name == "evidence_link" and name in ("observation_id", "document_id")
        if parent is table or one_target or parent.name not in TABLES:
            return None
        return _id(parent.name, review_id)
    special = {("answer", "value"): "ja", ("assessment", "rating"): "",
               ("review", "status"): "fieldwork", ("review", "version"): 1,
               ("review", "municipality"): MUNICIPALITY}
    if (table.name, name) in special:
        return special[table.name, name]
    kind = getattr(column.type, "impl", column.type).python_type
    if kind is str:
        return f"{name}-{review_id}"
    if kind is bool:
        return True
    if kind in (int, float):
        return kind(1)
    if kind is datetime:
        return NOW
    if kind is date:
        return NOW.date()
    return b"x"


def _insert(connection: psycopg.Connection[Any], table: Table, row: dict[str, Any]) -> None:
    connection.execute(sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, row)),
        sql.SQL(", ").join(sql.Placeholder() * len(row))), list(row.values()))


def _payload(text: str) -> tuple[bytes, str]:
    data = text.encode()
    return data, hashlib.sha256(data).hexdigest()


def _push(connection: psycopg.Connection[Any], review_id: str, version: int, signed: bool,
          text: str) -> None:
    payload, sha = _payload(text)
    connection.execute(
        "INSERT INTO archive_version (review_id, version, signed, payload, payload_sha256, "
        "pushed_by) VALUES (%s, %s, %s, %s, %s, 'arkivarie')",
        (review_id, version, signed, payload, sha))


def _signed_review(connection: psycopg.Connection[Any], review_id: str, version: int = 1,
                   *, build: bool = True) -> None:
    """One row of the review in every table of a review, then its version pushed signed and the
    review signed, as a push of a signed version does in one transaction."""
    with connection.transaction():
        if build:
            _listed(connection, review_id)
        _push(connection, review_id, version, True, f"{review_id} version {version}")
        if build:
            for table in TABLES.values():
                _insert(connection, table, {column.name: _value(table, column, review_id)
                                            for column in table.columns})
        connection.execute("UPDATE review SET status = 'signed', version = %s WHERE id = %s",
                           (version, review_id))


def _listed(connection: psycopg.Connection[Any], review_id: str,
            search_text: str = "") -> None:
    """The review's row in the archive's list, in the municipality the intruder works in."""
    connection.execute(
        "INSERT INTO archive_review (review_id, municipality, unit, committee, title, year,"
        " status, version, signed, pushed_by, pushed_at, payload_sha256, search_text)"
        " VALUES (%s, %s, 'Familjehemsenheten', 'Socialnämnden', 'Familjevård', 2026,"
        " 'signed', 1, true, 'arkivarie', now(), %s, %s)",
        (review_id, MUNICIPALITY, _payload(review_id)[1], search_text))


@dataclass
class Archive:
    """The archive of this module: its server and database, with one signed review."""

    server: PgServer
    database: str
    review_id: str = "granskning-signerad"

    def intruder(self) -> psycopg.Connection[Any]:
        """A connection as an auditor of the municipality (``kvtui_granskare``, row-level
        security lets it see and write the reviews) with every privilege on every table,
        TRUNCATE among them, owner of none."""
        return psycopg.connect(self.server.url(INTRUDER, PASSWORD, self.database),
                               autocommit=True)


@pytest.fixture(scope="module")
def archive(pg_server: PgServer) -> Iterator[Archive]:
    url = pg_server.create_database()
    database = url.split("?")[0].rsplit("/", 1)[1]
    engine = make_archive_engine(url)
    try:
        upgrade_archive(engine)
    finally:
        engine.dispose()
    if not pg_server.execute_as_superuser("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                          params=(INTRUDER,)):
        pg_server.create_user(INTRUDER, PASSWORD)
    for statement in (f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{INTRUDER}"',
                      f'GRANT kvtui_granskare TO "{INTRUDER}"',
                      f"INSERT INTO archive_access VALUES ('{INTRUDER}', '{MUNICIPALITY}', '')"):
        pg_server.execute_as_superuser(statement, database)
    found = Archive(pg_server, database)
    with psycopg.connect(url, autocommit=True) as connection:
        _signed_review(connection, found.review_id)
    try:
        yield found
    finally:
        pg_server.drop_database(database)


def _condition(table: str) -> str:
    """Which rows of ``table`` (alias ``t``) are the review ``%(review)s``'s."""
    if table == LOG_TABLE:
        return "t.review_id = %(review)s"
    return next(t for t in review_tables() if t.name == table).condition(
        "public").replace(":review", "%(review)s")


def _rows_of(table: str) -> sql.Composable:
    return sql.SQL("SELECT * FROM {} AS t WHERE " + _condition(table)).format(
        sql.Identifier(table))


def _snapshot(connection: psycopg.Connection[Any], review_id: str) -> dict[str, list[Any]]:
    return {table: sorted(map(repr, connection.execute(_rows_of(table),
                                                       {"review": review_id}).fetchall()))
            for table in TABLES}


def _refused(connection: psycopg.Connection[Any], statement: sql.Composable | str,
             params: Any = None, match: str = LOCKED) -> None:
    with pytest.raises(psycopg.errors.RaiseException, match=match):
        connection.execute(statement, params)


def test_the_lock_knows_every_table_of_a_review() -> None:
    assert set(REVIEW_OF) == set(TABLES)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_a_signed_reviews_rows_refuse_every_write(archive: Archive, table: str) -> None:
    model = TABLES[table]
    key = [column.name for column in model.primary_key.columns]
    column = next(c.name for c in model.columns if c.name not in key)
    target = sql.Identifier(table)
    with archive.intruder() as connection:
        before = _snapshot(connection, archive.review_id)
        cursor = connection.execute(_rows_of(table), {"review": archive.review_id})
        found = cursor.fetchone()
        assert found is not None, f"the signed review has no {table} row to attack"
        row = dict(zip([d.name for d in cursor.description or ()], found, strict=True))
        where = sql.SQL(" AND ").join(sql.SQL("{} = {}").format(
            sql.Identifier(name), sql.Literal(row[name])) for name in key)
        _refused(connection, sql.SQL("UPDATE {} SET {} = {} WHERE {}").format(
            target, sql.Identifier(column), sql.Identifier(column), where))
        _refused(connection, sql.SQL("DELETE FROM {} WHERE {}").format(target, where))
        _refused(connection, sql.SQL(
            "INSERT INTO {} SELECT * FROM {} WHERE {} ON CONFLICT ({}) DO UPDATE SET {} = "
            "excluded.{}").format(target, target, where,
                                  sql.SQL(", ").join(map(sql.Identifier, key)),
                                  sql.Identifier(column), sql.Identifier(column)))
        row[key[-1]] = f"ny-{row[key[-1]]}" if key[-1] != "review_id" else row[key[-1]]
        if key == ["review_id", "site"]:
            row["site"] = "ny-plats"
        _refused(connection, sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            target, sql.SQL(", ").join(map(sql.Identifier, row)),
            sql.SQL(", ").join(sql.Placeholder() * len(row))), list(row.values()))
        _refused(connection, sql.SQL("TRUNCATE {} CASCADE").format(target))
        assert _snapshot(connection, archive.review_id) == before


def test_a_signed_version_is_immutable_and_work_in_progress_is_replaced(
        archive: Archive) -> None:
    review_id = archive.review_id
    with archive.intruder() as connection:
        signed = connection.execute("SELECT * FROM archive_version WHERE review_id = %s",
                                    (review_id,)).fetchall()
        assert len(signed) == 1
        _refused(connection, "UPDATE archive_version SET payload = payload WHERE signed",
                 match=IMMUTABLE)
        _refused(connection, "UPDATE archive_version SET signed = false WHERE review_id = %s",
                 (review_id,), match=IMMUTABLE)
        _refused(connection, "DELETE FROM archive_version WHERE review_id = %s", (review_id,),
                 match=IMMUTABLE)
        _refused(connection, "INSERT INTO archive_version SELECT * FROM archive_version "
                 "ON CONFLICT (review_id, version, payload_sha256) DO UPDATE SET pushed_by = "
                 "'någon annan'", match=IMMUTABLE)
        _refused(connection, "TRUNCATE archive_version", match=IMMUTABLE)
        _refused(connection, "TRUNCATE archive_version, archive_review", match=IMMUTABLE)
        with pytest.raises(psycopg.errors.RaiseException, match=IMMUTABLE):
            _push(connection, review_id, 1, True, "en annan signerad version 1")
        with pytest.raises(psycopg.errors.CheckViolation):  # the hash must be the payload's
            connection.execute(
                "INSERT INTO archive_version (review_id, version, signed, payload, "
                "payload_sha256, pushed_by) VALUES (%s, 9, false, 'x', %s, 'a')",
                (review_id, _payload("y")[1]))
        # Work in progress: replaced, updated and deleted at will.
        _push(connection, review_id, 2, False, "pågående 1")
        _push(connection, review_id, 2, False, "pågående 2")
        payload, sha = _payload("pågående 3")
        connection.execute("UPDATE archive_version SET payload = %s, payload_sha256 = %s "
                           "WHERE review_id = %s AND version = 2 AND payload = %s",
                           (payload, sha, review_id, _payload("pågående 1")[0]))
        connection.execute("DELETE FROM archive_version WHERE review_id = %s AND version = 2 "
                           "AND NOT signed", (review_id,))
        assert connection.execute("SELECT * FROM archive_version WHERE review_id = %s",
                                  (review_id,)).fetchall() == signed


def test_a_later_signed_version_supersedes_and_is_locked_in_turn(archive: Archive) -> None:
    review_id = "granskning-ersatt"
    with archive.intruder() as connection:
        _signed_review(connection, review_id)
        delete = "DELETE FROM review WHERE id = %s"
        # Work in progress on version 2, or a signed version of another review: still locked.
        with pytest.raises(psycopg.errors.RaiseException, match=LOCKED), \
                connection.transaction():
            _push(connection, review_id, 2, False, "pågående")
            connection.execute(delete, (review_id,))
        with pytest.raises(psycopg.errors.RaiseException, match=LOCKED), \
                connection.transaction():
            _push(connection, archive.review_id, 2, True, "en annan granskning")
            connection.execute(delete, (review_id,))
        # A signed version 2 pushed in the transaction: version 1's rows give way to it.
        with connection.transaction():
            _push(connection, review_id, 2, True, "signerad version 2")
            for name in reversed(TABLES):  # children first
                connection.execute(sql.SQL("DELETE FROM {} AS t WHERE " + _condition(name))
                                   .format(sql.Identifier(name)), {"review": review_id})
            for table in TABLES.values():
                row = {column.name: _value(table, column, review_id) for column in table.columns}
                if table.name == "review":
                    row.update(status="signed", version=2, title="Version 2")
                _insert(connection, table, row)
        assert connection.execute("SELECT title, version, status FROM review WHERE id = %s",
                                  (review_id,)).fetchone() == ("Version 2", 2, "signed")
        # Committed, version 2 is locked in its turn; only a version 3 would supersede it.
        _refused(connection, delete, (review_id,))
        _refused(connection, "UPDATE answer SET comment = 'ändrad' WHERE review_id = %s",
                 (review_id,))
        assert connection.execute("SELECT count(*) FROM answer WHERE review_id = %s",
                                  (review_id,)).fetchone() == (1,)


def test_the_change_log_numbers_each_review_on_its_own(archive: Archive) -> None:
    with archive.intruder() as connection:
        seqs = connection.execute("SELECT review_id, seq FROM change_log ORDER BY 1").fetchall()
        assert len(seqs) == 2 and {seq for _review, seq in seqs} == {1}
    with archive.intruder() as connection, connection.transaction(force_rollback=True):
        _listed(connection, "ny-granskning")
        log = TABLES[LOG_TABLE]
        row = {column.name: _value(log, column, "ny-granskning") for column in log.columns}
        _insert(connection, log, row)
        with pytest.raises(psycopg.errors.UniqueViolation), connection.transaction():
            _insert(connection, log, {**row, "id": "en-annan"})


def test_the_archive_finds_a_review_by_swedish_words(archive: Archive) -> None:
    with archive.intruder() as connection, connection.transaction(force_rollback=True):
        _listed(connection, "r", "Familjehemmen besöktes inte två gånger per år")
        found = connection.execute(
            "SELECT review_id FROM archive_review WHERE search @@ "
            "plainto_tsquery('swedish', %s)", ("familjehemmens gången",)).fetchall()
        assert found == [("r",)]


def test_a_table_of_the_writers_own_does_not_stand_in_for_the_archives(
        archive: Archive) -> None:
    """A temporary table named ``review`` comes first on the writer's search path; the lock
    reads the archive's own."""
    with archive.intruder() as connection:
        connection.execute("CREATE TEMPORARY TABLE review (id text, status text, version int)")
        connection.execute("INSERT INTO pg_temp.review VALUES (%s, 'fieldwork', 1)",
                           (archive.review_id,))
        _refused(connection, "DELETE FROM public.answer WHERE review_id = %s",
                 (archive.review_id,))
