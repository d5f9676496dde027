"""Dividing the work: akter and interviews assigned to a granskare, and who gave each answer

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 21:40:00

Two auditors share one review: each akt of the sample and each interview may be assigned to
one of the review's granskare (``akt_assignment``, ``interview_assignment``: one row per akt or
interview, by the name the review lists; two tables so that each row's key is never empty and
cascades with what it assigns). They belong to a review, so they are locked with the review as
the tables of 0004, 0006 and 0010 are: no INSERT, UPDATE or DELETE of a signed review's rows, and no INSERT
or UPDATE that would make REPLACE remove one.

``answer.answered_by`` keeps the granskare who gave the answer. The change log's actor is the
laptop's user, which names no granskare, and an answer copied from the other auditor's laptop
must still say whose it is. Plain ADD COLUMN, so the answer table is not rebuilt and keeps its
triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "review is signed and locked"
# What each table assigns: its column, and the table that column points to.
TARGETS: dict[str, tuple[str, str]] = {
    "akt_assignment": ("case_file_id", "case_file"),
    "interview_assignment": ("interview_id", "interview"),
}
# As in 0004, 0006 and 0010: how a row reaches its review, and the tables' UNIQUE keys.
OWNERS: dict[str, str] = dict.fromkeys(TARGETS, "{row}.review_id")
UNIQUE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    table: ((column,),) for table, (column, _target) in TARGETS.items()}


def _signed(review_id: str) -> str:
    return f"(SELECT status FROM review WHERE id = {review_id}) = 'signed'"


def _refuse(table: str, name: str, event: str, condition: str) -> str:
    return (f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END")


def lock_triggers() -> dict[str, str]:
    """The triggers of 0004 and 0006 for the new tables, by name, as CREATE statements."""
    triggers: dict[str, str] = {}
    for table, owner in OWNERS.items():
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")),
                            ("DELETE", ("OLD",))):
            name = f"{table}_locked_{event.lower()}"
            triggers[name] = _refuse(table, name, event, " OR ".join(
                _signed(owner.format(row=row)) for row in rows))
        keys = [("id",), ("rowid",), *UNIQUE_KEYS[table]]
        same = " OR ".join("(" + " AND ".join(f"x.{column} = NEW.{column}" for column in key)
                           + ")" for key in keys)
        for event, other_than_old in (("INSERT", False), ("UPDATE", True)):
            where = f"x.rowid <> OLD.rowid AND ({same})" if other_than_old else f"({same})"
            name = f"{table}_locked_{event.lower()}_replace"
            triggers[name] = _refuse(
                table, name, event,
                f"EXISTS (SELECT 1 FROM {table} AS x WHERE {where} AND "
                f"{_signed(owner.format(row='x'))})")
    return triggers


def upgrade() -> None:
    """Add the tables, their indexes and their lock, and the answer's granskare."""
    for table, (column, target) in TARGETS.items():
        op.create_table(table,
        sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('review_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(column, sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('auditor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint([column], [f'{target}.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint(column)
        )
        op.create_index(op.f(f'ix_{table}_review_id'), table, ['review_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":  # the archive's lock: 0016
        for statement in lock_triggers().values():
            op.execute(statement)
    op.add_column('answer', sa.Column('answered_by', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=False, server_default=''))


def downgrade() -> None:
    """Drop the answer's granskare, the triggers and the tables."""
    # Not batch mode: a rebuilt answer table would lose the triggers of 0003 and 0004.
    op.execute("ALTER TABLE answer DROP COLUMN answered_by")
    for name in lock_triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in TARGETS:
        op.drop_index(op.f(f'ix_{table}_review_id'), table_name=table)
        op.drop_table(table)
