"""The lock on a signed review against every write that removes a row by conflict.

SQLite's REPLACE deletes the row in its way without firing DELETE triggers (unless the
connection turns ``recursive_triggers`` on, which the sqlite3 shell does not), and an UPSERT
turns an INSERT into an UPDATE. Each test here is what someone with the sqlite3 shell and the
file would try: for every table that belongs to a signed review, the same row inserted over
itself, a row that collides on the rowid only, on each unique key only, an UPSERT, and an
``UPDATE OR REPLACE`` that moves an unsigned row onto a signed one. Foreign keys are off, as
they are in the shell.
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import kvtui.store.migrations as migrations
from kvtui.store.answers import set_early_comment
from kvtui.store.assignments import assign_evenly, assign_interview, review_auditors
from kvtui.store.database import check_store, open_store
from kvtui.store.factcheck import add_comment, send_for_factcheck
from kvtui.store.interviews import list_interviews
from kvtui.store.models import Review
from kvtui.store.report_data import current_content
from kvtui.store.review_rows import REVIEW_ROWS
from kvtui.store.signoff import reopen
from tests.report.demo_file import demo_copy
from tests.signing import TEST_PDF, sign_review


def _migration(name: str) -> ModuleType:
    script = Path(migrations.__file__).parent / "versions" / name
    spec = importlib.util.spec_from_file_location(script.stem, script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LOCK = _migration("0004_signoff_lock.py")
REPLACE = _migration("0006_lock_against_replace.py")
# Tables added later, each locked by its own migration in the same way.
LATER = [_migration("0010_unanswered_comment.py"), _migration("0015_assignment.py")]
MERGE = _migration("0016_archive.py")  # the merge bookkeeping of a review, locked alike
LOCKED_TABLES = sorted({"review", *LOCK.OWNERS, *REPLACE.APPEND_ONLY,
                        *(table for module in LATER for table in module.OWNERS)})
UNIQUE_KEYS = {**REPLACE.UNIQUE_KEYS,
               **{table: keys for module in LATER for table, keys in module.UNIQUE_KEYS.items()}}
LOCKED = r"locked|append-only|sign-off is for|reopening"


@pytest.fixture(scope="module")
def signed_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo review fact-checked, signed, reopened and signed again, so that every table of
    a review has rows, in a store built once for this module."""
    path, review_id = demo_copy(tmp_path_factory.mktemp("signed"))
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            send_for_factcheck(session, review_id, current_content(session, review_id))
            add_comment(session, review_id, section_id=None, role="Enhetschef",
                        text="Antalet familjehem är 31, inte 30.")
            unanswered = session.connection().exec_driver_sql(
                "SELECT f.id, c.id FROM case_file f JOIN review_criterion c"
                " ON c.review_id = f.review_id WHERE f.review_id = ? AND NOT EXISTS"
                " (SELECT 1 FROM answer a WHERE a.case_file_id = f.id"
                " AND a.criterion_id = c.id) LIMIT 1", (review_id,)).one()
            set_early_comment(session, review_id, *unanswered, "Journalen saknas i akten.")
            auditor = review_auditors(session, review_id)[0]
            assign_evenly(session, review_id)  # every akt: one is among those attacked
            assign_interview(session, review_id, list_interviews(session, review_id)[0].id,
                             auditor)
            session.connection().exec_driver_sql(  # a conflict a merge left, since resolved
                "INSERT INTO merge_conflict (id, review_id, entity, row_id, field, label_json,"
                " value_a, site_a, counter_a, actor_a, at_a, value_b, site_b, counter_b,"
                " actor_b, at_b, resolved_at, resolved_by, resolution, resolved_value,"
                " resolved_counter) VALUES ('konflikt-1', ?, 'review', ?, 'purpose', '{}',"
                " 'A', 'plats-a', 1, 'anna', '2026-01-01T00:00:00+00:00', 'B', 'plats-b', 1,"
                " 'bo', '2026-01-01T00:00:00+00:00', '2026-01-02T00:00:00+00:00', 'anna',"
                " 'a', 'A', 2)", (review_id, review_id))
            sign_review(session, review_id)
            reopen(session, review_id, "Nämnden bad om en rättelse.")
            sign_review(session, review_id, TEST_PDF + b"version 2")
            assert session.get(Review, review_id).status == "signed"
    finally:
        store.close()
    return path, review_id


@pytest.fixture
def signed(signed_file: tuple[Path, str], tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A fresh copy of the signed store for one test."""
    source, review_id = signed_file
    target = tmp_path / "kvtui.db"
    shutil.copyfile(source, target)
    yield target, review_id


def _shell(path: Path) -> sqlite3.Connection:
    """A connection as the sqlite3 shell makes one: autocommit, foreign keys and recursive
    triggers off."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("PRAGMA recursive_triggers = OFF")
    return connection


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def _foreign_keys(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row[3] for row in connection.execute(f"PRAGMA foreign_key_list({table})")}


def _one_signed_row(connection: sqlite3.Connection, table: str, review_id: str) -> int:
    if table == "change_log":
        query, args = "SELECT rowid FROM change_log WHERE seq = 1", ()
    elif table == "sign_off":
        query, args = "SELECT rowid FROM sign_off WHERE review_id = ?", (review_id,)
    else:
        query, args = (f"SELECT t.rowid FROM {table} AS t WHERE {REVIEW_ROWS[table]}",
                       (review_id,))
    row = connection.execute(query + " LIMIT 1", args).fetchone()
    assert row is not None, f"the demo has no {table} row to attack"
    return int(row[0])


def _copy(connection: sqlite3.Connection, table: str, rowid: int,
          **changes: Any) -> tuple[str, list[Any]]:
    """An INSERT's column list and values: the row at ``rowid`` with ``changes``."""
    columns = _columns(connection, table)
    values = list(connection.execute(
        f"SELECT {', '.join(columns)} FROM {table} WHERE rowid = ?", (rowid,)).fetchone())
    row = dict(zip(columns, values, strict=True))
    row.update(changes)
    return ", ".join(row), list(row.values())


def _orphaned(connection: sqlite3.Connection, table: str, rowid: int,
              keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Changes that make a copy belong to no review: every foreign key that is set, but those
    in ``keep``, pointed nowhere; a review copy is not signed."""
    values = dict(zip(_columns(connection, table), connection.execute(
        f"SELECT * FROM {table} WHERE rowid = ?", (rowid,)).fetchone(), strict=True))
    changes = {column: "ingen-förälder" for column in _foreign_keys(connection, table)
               if values[column] is not None and column not in keep}
    if table == "review":
        changes["status"] = "planning"
    return changes


def _refused(connection: sqlite3.Connection, sql: str, params: list[Any] | tuple = ()) -> None:
    with pytest.raises(sqlite3.DatabaseError, match=LOCKED):
        connection.execute(sql, params)


def _snapshot(connection: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    return {table: connection.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
            for table in LOCKED_TABLES}


@pytest.mark.parametrize("table", LOCKED_TABLES)
def test_replace_and_upsert_cannot_touch_a_signed_row(signed: tuple[Path, str],
                                                      table: str) -> None:
    path, review_id = signed
    connection = _shell(path)
    try:
        before = _snapshot(connection)
        rowid = _one_signed_row(connection, table, review_id)
        columns, values = _copy(connection, table, rowid)
        marks = ", ".join("?" * len(values))
        # The same row inserted over itself, with REPLACE in each of its spellings.
        _refused(connection, f"INSERT OR REPLACE INTO {table} ({columns}) VALUES ({marks})",
                 values)
        _refused(connection, f"REPLACE INTO {table} ({columns}) VALUES ({marks})", values)
        # A row of no review that collides on the rowid alone.
        changes = {"id": "förfalskad", **_orphaned(connection, table, rowid)}
        columns, values = _copy(connection, table, rowid, **changes)
        _refused(connection, f"REPLACE INTO {table} (rowid, {columns}) VALUES (?, {marks})",
                 [rowid, *values])
        # Rows that collide on one unique key alone.
        for key in UNIQUE_KEYS.get(table, ()):
            changes = {"id": "förfalskad", **_orphaned(connection, table, rowid, keep=key)}
            columns, values = _copy(connection, table, rowid, **changes)
            _refused(connection, f"INSERT OR REPLACE INTO {table} ({columns}) "
                     f"VALUES ({marks})", values)
        # An UPSERT of the same row.
        columns, values = _copy(connection, table, rowid)
        _refused(connection, f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
                 "ON CONFLICT DO UPDATE SET updated_at = '2000-01-01 00:00:00.000000'", values)
        assert _snapshot(connection) == before
    finally:
        connection.close()
    assert check_store(path).ok


@pytest.mark.parametrize("table", sorted(set(LOCKED_TABLES) - set(REPLACE.APPEND_ONLY)))
def test_update_or_replace_cannot_move_a_row_onto_a_signed_one(signed: tuple[Path, str],
                                                               table: str) -> None:
    path, review_id = signed
    connection = _shell(path)
    try:
        rowid = _one_signed_row(connection, table, review_id)
        signed_row = dict(zip(_columns(connection, table), connection.execute(
            f"SELECT * FROM {table} WHERE rowid = ?", (rowid,)).fetchone(), strict=True))
        # A row of no review, which may be changed freely.
        columns, values = _copy(connection, table, rowid, id="fri",
                                **_orphaned(connection, table, rowid))
        connection.execute(f"INSERT INTO {table} ({columns}) VALUES "
                           f"({', '.join('?' * len(values))})", values)
        before = _snapshot(connection)
        _refused(connection, f"UPDATE OR REPLACE {table} SET rowid = ? WHERE id = 'fri'",
                 (rowid,))
        _refused(connection, f"UPDATE OR REPLACE {table} SET id = ? WHERE id = 'fri'",
                 (signed_row["id"],))
        for key in UNIQUE_KEYS.get(table, ()):
            assignments = ", ".join(f"{column} = ?" for column in key)
            _refused(connection, f"UPDATE OR REPLACE {table} SET {assignments} "
                     "WHERE id = 'fri'", [signed_row[column] for column in key])
        assert _snapshot(connection) == before
        connection.execute(f"DELETE FROM {table} WHERE id = 'fri'")
    finally:
        connection.close()
    assert check_store(path).ok


def test_the_attack_that_unsigned_a_review_is_refused(signed: tuple[Path, str]) -> None:
    """The statements that once unsigned a review and forged its sign-off, as they were run."""
    path, _review_id = signed
    connection = _shell(path)
    columns = _columns(connection, "review")
    unsigned = ", ".join("'fieldwork'" if column == "status" else column for column in columns)
    try:
        _refused(connection, f"INSERT OR REPLACE INTO review ({', '.join(columns)}) "
                 f"SELECT {unsigned} FROM review")
        sign_off_columns = _columns(connection, "sign_off")
        forged = ", ".join("'Någon annan'" if c == "name" else "NULL" if c == "pdf" else c
                           for c in sign_off_columns)
        _refused(connection, f"INSERT OR REPLACE INTO sign_off ({', '.join(sign_off_columns)})"
                 f" SELECT {forged} FROM sign_off")
        _refused(connection, "INSERT INTO sign_off SELECT * FROM sign_off "
                 "WHERE true ON CONFLICT DO UPDATE SET name = 'Någon annan'")
        _refused(connection, "INSERT OR REPLACE INTO change_log SELECT * FROM change_log "
                 "WHERE seq = 1")
        assert connection.execute("SELECT DISTINCT status FROM review").fetchall() == [
            ("signed",)]
    finally:
        connection.close()
    assert check_store(path).ok


def test_a_sign_off_is_for_the_current_version_once(signed: tuple[Path, str]) -> None:
    """On a review reopened (version 3, not signed, so 0004's lock lets rows in): a sign-off
    for an earlier or a later version, or a second one for version 3, is refused."""
    path, review_id = signed
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            reopen(session, review_id, "En tredje version behövs.")
    finally:
        store.close()
    connection = _shell(path)
    try:
        rowid = _one_signed_row(connection, "sign_off", review_id)
        once = "a sign-off is for the current version, once"
        for version, new_id in ((1, "tidigare"), (2, "tidigare-2"), (4, "senare")):
            columns, values = _copy(connection, "sign_off", rowid, id=new_id, version=version)
            with pytest.raises(sqlite3.DatabaseError, match=once):
                connection.execute(f"INSERT INTO sign_off ({columns}) VALUES "
                                   f"({', '.join('?' * len(values))})", values)
        columns, values = _copy(connection, "sign_off", rowid, id="första", version=3)
        insert = f"INSERT INTO sign_off ({columns}) VALUES ({', '.join('?' * len(values))})"
        connection.execute(insert, values)
        columns, values = _copy(connection, "sign_off", rowid, id="andra", version=3)
        with pytest.raises(sqlite3.DatabaseError, match=once):
            connection.execute(insert, values)
    finally:
        connection.close()


def test_a_reopening_starts_the_next_version(signed: tuple[Path, str]) -> None:
    path, review_id = signed
    connection = _shell(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="a reopening starts the next version"):
            connection.execute(
                "INSERT INTO review_reopening (id, created_at, updated_at, review_id, "
                "from_version, to_version, reason, actor) VALUES ('o', '2026-01-01', "
                "'2026-01-01', ?, 2, 5, 'hoppar över', 'x')", (review_id,))
    finally:
        connection.close()


def test_the_lock_knows_every_unique_key_and_every_table_of_a_review(
        signed: tuple[Path, str]) -> None:
    """A new unique key or a new table of a review must reach the lock and the row hash."""
    from sqlmodel import SQLModel

    import kvtui.store.models  # noqa: F401

    path, _review_id = signed
    connection = sqlite3.connect(path)
    try:
        for table in LOCKED_TABLES:
            keys = set()
            for row in connection.execute(f"PRAGMA index_list({table})"):
                if row[2] and row[3] != "pk":
                    keys.add(tuple(info[2] for info in connection.execute(
                        f"PRAGMA index_info({row[1]})")))
            assert keys == set(UNIQUE_KEYS.get(table, ())), table
    finally:
        connection.close()
    metadata = SQLModel.metadata
    owned = {"review"}
    grew = True
    while grew:
        grew = False
        for name, table in metadata.tables.items():
            if name not in owned and any(fk.column.table.name in owned
                                         for fk in table.foreign_keys):
                owned.add(name)
                grew = True
    assert owned <= set(LOCKED_TABLES)
    assert set(REVIEW_ROWS) == owned - {"sign_off"}


# A key of each merge table's row that no row of the store has.
_FREE_KEY = {"merge_stamp": "row_id", "merge_context": "site", "merge_conflict": "id"}


@pytest.mark.parametrize("table", sorted(MERGE.OWNERS))
def test_a_signed_reviews_merge_bookkeeping_is_locked(signed: tuple[Path, str],
                                                      table: str) -> None:
    """The stamps, contexts and conflicts of a signed review as the shell would attack them:
    each write of 0015's list refused, and the rows as they were."""
    path, review_id = signed
    connection = _shell(path)
    try:
        before = connection.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
        row = connection.execute(f"SELECT rowid FROM {table} WHERE review_id = ? LIMIT 1",
                                 (review_id,)).fetchone()
        assert row is not None, f"the signed review has no {table} row to attack"
        rowid = int(row[0])
        free = _FREE_KEY[table]
        columns, values = _copy(connection, table, rowid)
        marks = ", ".join("?" * len(values))
        _refused(connection, f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
                 "ON CONFLICT DO UPDATE SET review_id = excluded.review_id", values)
        _refused(connection, f"INSERT OR REPLACE INTO {table} ({columns}) VALUES ({marks})",
                 values)
        columns, values = _copy(connection, table, rowid, **{free: "ny"})
        _refused(connection, f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        _refused(connection, f"UPDATE {table} SET {free} = {free} WHERE rowid = ?", (rowid,))
        _refused(connection, f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
        # A row of no review, free to change, cannot be moved onto the signed one.
        columns, values = _copy(connection, table, rowid, review_id="ingen", **{free: "fri"})
        _refused(connection, f"REPLACE INTO {table} (rowid, {columns}) VALUES (?, {marks})",
                 [rowid, *values])
        connection.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        signed_key = connection.execute(f"SELECT {free} FROM {table} WHERE rowid = ?",
                                        (rowid,)).fetchone()[0]
        _refused(connection, f"UPDATE OR REPLACE {table} SET rowid = ? WHERE {free} = 'fri'",
                 (rowid,))
        if table != "merge_context":  # its key holds the review: moved, the row is signed
            _refused(connection, f"UPDATE OR REPLACE {table} SET review_id = 'ingen', "
                     f"{free} = ? WHERE {free} = 'fri'", (signed_key,))
        connection.execute(f"DELETE FROM {table} WHERE {free} = 'fri'")
        assert connection.execute(
            f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall() == before
    finally:
        connection.close()
    assert check_store(path).ok
