"""Every row that belongs to a review, read as stored, for the hash a sign-off records.

The report's content hash (``kvtui.domain.report_content``) covers what the report prints. A
signed review is more than that: every answer of every akt with its comment, the akter's references
and attributes, the drawn sample, the interviews' notes. This module reads all of it straight
from SQLite, in a fixed order, so that ``kvtui.domain.signoff.records_hash`` can cover it.

The columns hashed are recorded beside the hash (``records_columns``): a later migration that
adds a column to one of these tables does not change the hash of a review signed before it,
while a column dropped or renamed does, as it should.

Left out: the review's ``status``, ``version`` and ``updated_at``, which signing itself changes;
the sign-offs, which are checked against their change-log entries instead; and the change log,
which has a chain of its own.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from kvtui.domain.signoff import records_hash

# Each table's rows of one review: a condition on the table's alias ``t`` with ``?`` the review.
# tests/store/test_lock.py keeps this in step with the tables the lock protects.
REVIEW_ROWS: dict[str, str] = {
    "review": "t.id = ?",
    "review_template": "t.review_id = ?",
    "review_section": "t.review_id = ?",
    "review_criterion": "t.review_id = ?",
    "case_file": "t.review_id = ?",
    "sample": "t.review_id = ?",
    "sample_item": "t.sample_id IN (SELECT id FROM sample WHERE review_id = ?)",
    "answer": "t.review_id = ?",
    "unanswered_comment": "t.review_id = ?",
    "interview": "t.review_id = ?",
    "observation": "t.interview_id IN (SELECT id FROM interview WHERE review_id = ?)",
    "observation_section": (
        "t.observation_id IN (SELECT o.id FROM observation o JOIN interview i"
        " ON i.id = o.interview_id WHERE i.review_id = ?)"
    ),
    "document": "t.review_id = ?",
    "section_text": "t.section_id IN (SELECT id FROM review_section WHERE review_id = ?)",
    "assessment": "t.section_id IN (SELECT id FROM review_section WHERE review_id = ?)",
    "evidence_link": (
        "t.assessment_id IN (SELECT a.id FROM assessment a JOIN review_section s"
        " ON s.id = a.section_id WHERE s.review_id = ?)"
    ),
    "factcheck_comment": "t.review_id = ?",
    "factcheck_round": "t.review_id = ?",
    "review_reopening": "t.review_id = ?",
    "akt_assignment": "t.review_id = ?",
    "interview_assignment": "t.review_id = ?",
}

# Columns that signing or reopening changes on the review row itself.
UNHASHED: dict[str, frozenset[str]] = {"review": frozenset({"status", "version", "updated_at"})}


def _table_columns(connection: sqlite3.Connection) -> dict[str, set[str]]:
    return {table: {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
            for table in REVIEW_ROWS}


def current_columns(connection: sqlite3.Connection) -> dict[str, list[str]]:
    """The columns hashed for a review signed now: every column of every table, but those that
    signing changes."""
    return {table: sorted(names - UNHASHED.get(table, frozenset()))
            for table, names in _table_columns(connection).items()}


def _rows(connection: sqlite3.Connection, review_id: str,
          columns: Mapping[str, Sequence[str]]) -> Iterator[tuple[str, Sequence[Any]]]:
    for table in sorted(columns):
        selected = ", ".join(f"t.{name}" for name in columns[table])
        query = (f"SELECT {selected} FROM {table} AS t WHERE {REVIEW_ROWS[table]} "
                 "ORDER BY t.id")
        for row in connection.execute(query, (review_id,)):
            yield table, row


def review_records_hash(connection: sqlite3.Connection, review_id: str,
                        columns_json: str | None = None) -> tuple[str, str]:
    """The hash over every row of the review, and the columns it covers as JSON.

    With ``columns_json`` (what a sign-off recorded) exactly those columns are hashed, so the
    result can be compared with the sign-off's hash; ``ValueError`` when they cannot be read
    (a table or column that does not exist, or not a list of columns at all).
    """
    if columns_json is None:
        columns = current_columns(connection)
    else:
        columns = _recorded_columns(connection, columns_json)
    recorded = json.dumps(columns, sort_keys=True, separators=(",", ":"))
    return records_hash(_rows(connection, review_id, columns)), recorded


def _recorded_columns(connection: sqlite3.Connection, columns_json: str) -> dict[str, list[str]]:
    """The recorded columns, each checked against the schema before it goes into a query."""
    try:
        columns = json.loads(columns_json)
    except json.JSONDecodeError as error:
        raise ValueError("the recorded columns are not JSON") from error
    existing = _table_columns(connection)
    if not isinstance(columns, dict) or not all(
            isinstance(names, list) and table in existing and set(names) <= existing[table]
            for table, names in columns.items()):
        raise ValueError("the recorded columns are not columns of the review's tables")
    return columns
