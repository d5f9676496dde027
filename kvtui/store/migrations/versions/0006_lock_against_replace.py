"""The lock holds against REPLACE and UPSERT; a sign-off anchors the change log and every row

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 23:30:00

SQLite's REPLACE conflict resolution (``INSERT OR REPLACE``, ``REPLACE``, ``UPDATE OR
REPLACE``) deletes the row in the way without firing DELETE triggers unless the connection has
``recursive_triggers`` on, and whoever opens the file with the sqlite3 shell decides that, not
kvtui. The lock of 0004 refused UPDATE and DELETE of a signed review's rows but let a REPLACE
remove them: ``INSERT OR REPLACE INTO review … 'fieldwork' …`` unsigned a review without
touching a trigger. So every write that can remove a row by conflict is refused here before it
starts, whatever the connection's settings:

- an INSERT into a table that belongs to a review, when an existing row with the same id, the
  same rowid or the same value of any UNIQUE key belongs to a signed review;
- an UPDATE that would give a row the id, rowid or unique key of another row that belongs to a
  signed review (``UPDATE OR REPLACE`` would delete that row);
- an INSERT into review over a signed review's id or rowid, and an INSERT of a review that is
  already 'signed' without its sign-off;
- an INSERT into the append-only tables (sign-offs, fact-check rounds, reopenings, the change
  log) over an existing row;
- a sign-off for any version but the review's current one, or a second one for a version; a
  reopening that does not start the next version.

An UPSERT (``ON CONFLICT DO UPDATE``) meets the same INSERT trigger before it looks for the
conflict, and its UPDATE meets the UPDATE triggers of 0004.

The sign-off also gains what ties it to the rest of the store: the change log's head when the
review was signed (``log_seq``, ``log_hash``), a hash over every row of the review
(``records_sha256``, with the columns it covers in ``records_columns``) and the SHA-256
fingerprint of the certificate that signed the PDF (``certificate_sha256``). Plain ADD COLUMN,
so no table is rebuilt and the triggers of 0003 and 0004 stay.

``kvtui check`` compares every trigger of the store with the ones these migrations create on an
empty store (``kvtui.store.schema``), so a trigger dropped, edited through
``writable_schema`` or added is found.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "review is signed and locked"

# Each table that belongs to a review, and how to reach the review's id from a row (``{row}`` is
# the row's alias), as in 0004. The append-only tables are handled below.
OWNERS: dict[str, str] = {
    "review_template": "{row}.review_id",
    "review_section": "{row}.review_id",
    "review_criterion": "{row}.review_id",
    "case_file": "{row}.review_id",
    "sample": "{row}.review_id",
    "sample_item": "(SELECT review_id FROM sample WHERE id = {row}.sample_id)",
    "answer": "{row}.review_id",
    "interview": "{row}.review_id",
    "observation": "(SELECT review_id FROM interview WHERE id = {row}.interview_id)",
    "observation_section": (
        "(SELECT i.review_id FROM observation o JOIN interview i ON i.id = o.interview_id"
        " WHERE o.id = {row}.observation_id)"
    ),
    "document": "{row}.review_id",
    "section_text": "(SELECT review_id FROM review_section WHERE id = {row}.section_id)",
    "assessment": "(SELECT review_id FROM review_section WHERE id = {row}.section_id)",
    "evidence_link": (
        "(SELECT s.review_id FROM assessment a JOIN review_section s ON s.id = a.section_id"
        " WHERE a.id = {row}.assessment_id)"
    ),
    "factcheck_comment": "{row}.review_id",
}

# Records that, once written, stay as they are (0002 and 0004 refuse their UPDATE and DELETE).
APPEND_ONLY = ("sign_off", "factcheck_round", "review_reopening", "change_log")

# Every UNIQUE key besides the primary key ``id`` and the rowid, by table. A row that collides
# with an existing one on any of these is what REPLACE deletes. tests/store/test_lock.py keeps
# this equal to the unique indexes of the schema.
UNIQUE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "review_template": (("review_id",),),
    "review_section": (("review_id", "number", "title"),),
    "review_criterion": (("review_id", "code"),),
    "case_file": (("review_id", "reference"),),
    "sample_item": (("sample_id", "case_file_id"),),
    "answer": (("case_file_id", "criterion_id"),),
    "observation_section": (("observation_id", "section_id"),),
    "section_text": (("section_id",),),
    "change_log": (("seq",),),
}


def _signed(review_id: str) -> str:
    return f"(SELECT status FROM review WHERE id = {review_id}) = 'signed'"


def _colliding(table: str, *, other_than_old: bool) -> str:
    """Rows ``x`` of ``table`` that NEW collides with on the id, the rowid or a unique key."""
    keys = [("id",), ("rowid",), *UNIQUE_KEYS.get(table, ())]
    same = " OR ".join(
        "(" + " AND ".join(f"x.{column} = NEW.{column}" for column in key) + ")" for key in keys)
    where = f"({same})"
    if other_than_old:
        where = f"x.rowid <> OLD.rowid AND {where}"
    return f"SELECT 1 FROM {table} AS x WHERE {where}"


def _refuse(name: str, event: str, table: str, condition: str, message: str) -> str:
    return (f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def replace_triggers() -> dict[str, str]:
    """Every trigger of this migration, by name, as CREATE statements."""
    triggers: dict[str, str] = {}
    for table, owner in OWNERS.items():
        signed_x = _signed(owner.format(row="x"))
        for event, other_than_old in (("INSERT", False), ("UPDATE", True)):
            name = f"{table}_locked_{event.lower()}_replace"
            condition = (f"EXISTS ({_colliding(table, other_than_old=other_than_old)} "
                         f"AND {signed_x})")
            triggers[name] = _refuse(name, event, table, condition, LOCKED)
    triggers["review_locked_insert_replace"] = _refuse(
        "review_locked_insert_replace", "INSERT", "review",
        f"EXISTS ({_colliding('review', other_than_old=False)} AND x.status = 'signed')",
        LOCKED)
    triggers["review_locked_update_replace"] = _refuse(
        "review_locked_update_replace", "UPDATE", "review",
        f"EXISTS ({_colliding('review', other_than_old=True)} AND x.status = 'signed')",
        LOCKED)
    triggers["review_insert_signed_needs_sign_off"] = _refuse(
        "review_insert_signed_needs_sign_off", "INSERT", "review",
        "NEW.status = 'signed' AND NOT EXISTS (SELECT 1 FROM sign_off s "
        "WHERE s.review_id = NEW.id AND s.version = NEW.version)",
        "a review is signed only with a sign-off")
    for table in APPEND_ONLY:
        name = f"{table}_no_replace"
        triggers[name] = _refuse(name, "INSERT", table,
                                 f"EXISTS ({_colliding(table, other_than_old=False)})",
                                 f"{table} is append-only")
    triggers["sign_off_current_version_once"] = _refuse(
        "sign_off_current_version_once", "INSERT", "sign_off",
        "NEW.version IS NOT (SELECT version FROM review WHERE id = NEW.review_id) "
        "OR EXISTS (SELECT 1 FROM sign_off s WHERE s.review_id = NEW.review_id "
        "AND s.version = NEW.version)",
        "a sign-off is for the current version, once")
    triggers["review_reopening_next_version"] = _refuse(
        "review_reopening_next_version", "INSERT", "review_reopening",
        "NEW.from_version IS NOT (SELECT version FROM review WHERE id = NEW.review_id) "
        "OR NEW.to_version IS NOT NEW.from_version + 1",
        "a reopening starts the next version")
    return triggers


TEXT_COLUMNS = ("log_hash", "records_sha256", "records_columns", "certificate_sha256")


def upgrade() -> None:
    """Add the sign-off's anchors, then the triggers."""
    op.add_column("sign_off", sa.Column("log_seq", sa.Integer(), nullable=False,
                                        server_default="0"))
    for name in TEXT_COLUMNS:
        op.add_column("sign_off", sa.Column(name, sqlmodel.sql.sqltypes.AutoString(),
                                            nullable=False, server_default=""))
    if op.get_bind().dialect.name == "sqlite":  # the archive's lock: 0016
        for statement in replace_triggers().values():
            op.execute(statement)


def downgrade() -> None:
    """Drop the triggers and the columns (ALTER TABLE DROP COLUMN: sign_off keeps the triggers
    of 0004, which a rebuild in batch mode would drop)."""
    for name in replace_triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in ("log_seq", *TEXT_COLUMNS):
        op.drop_column("sign_off", name)
