"""Comments on criteria not answered yet

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-13 09:00:00

An auditor often notes what she sees ("journal saknas") before she decides the answer. The
answer table cannot hold a comment without an answer (its value is one of four, by a CHECK
constraint), and a row there without a value would count as answered in progress, statistics
and the report. So such a comment has a table of its own, one row per akt and criterion; when
the criterion is answered the comment moves into the answer.

The table belongs to a review, so it is locked with the review as the tables of 0004 and 0006
are: no INSERT, UPDATE or DELETE of a signed review's rows, and no INSERT or UPDATE that would
make REPLACE remove one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "review is signed and locked"
TABLE = "unanswered_comment"
# As in 0004 and 0006: how a row reaches its review, and the table's UNIQUE keys.
OWNERS: dict[str, str] = {TABLE: "{row}.review_id"}
UNIQUE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {TABLE: (("case_file_id", "criterion_id"),)}


def _signed(review_id: str) -> str:
    return f"(SELECT status FROM review WHERE id = {review_id}) = 'signed'"


def _refuse(name: str, event: str, condition: str) -> str:
    return (f"CREATE TRIGGER {name} BEFORE {event} ON {TABLE} WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END")


def lock_triggers() -> dict[str, str]:
    """The triggers of 0004 and 0006 for the new table, by name, as CREATE statements."""
    triggers: dict[str, str] = {}
    owner = OWNERS[TABLE]
    for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        name = f"{TABLE}_locked_{event.lower()}"
        triggers[name] = _refuse(name, event,
                                 " OR ".join(_signed(owner.format(row=row)) for row in rows))
    keys = [("id",), ("rowid",), *UNIQUE_KEYS[TABLE]]
    same = " OR ".join(
        "(" + " AND ".join(f"x.{column} = NEW.{column}" for column in key) + ")" for key in keys)
    for event, other_than_old in (("INSERT", False), ("UPDATE", True)):
        where = f"x.rowid <> OLD.rowid AND ({same})" if other_than_old else f"({same})"
        name = f"{TABLE}_locked_{event.lower()}_replace"
        triggers[name] = _refuse(
            name, event,
            f"EXISTS (SELECT 1 FROM {TABLE} AS x WHERE {where} AND "
            f"{_signed(owner.format(row='x'))})")
    return triggers


def upgrade() -> None:
    """Add the table, its index and its lock."""
    op.create_table(TABLE,
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('review_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('case_file_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('criterion_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['case_file_id'], ['case_file.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['review_criterion.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_file_id', 'criterion_id')
    )
    op.create_index(op.f('ix_unanswered_comment_review_id'), TABLE, ['review_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":  # the archive's lock: 0016
        for statement in lock_triggers().values():
            op.execute(statement)


def downgrade() -> None:
    """Drop the triggers and the table."""
    for name in lock_triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(op.f('ix_unanswered_comment_review_id'), table_name=TABLE)
    op.drop_table(TABLE)
