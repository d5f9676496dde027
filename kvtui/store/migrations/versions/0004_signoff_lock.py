"""Fact-check rounds, reopenings, the signed PDF kept, and the lock on signed reviews

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:30:00

A signed review is locked by the store itself: triggers on every table that belongs to a review
refuse INSERT, UPDATE and DELETE while the review's status is 'signed', so a raw SQL update
fails as surely as the app's own writes. The review row itself may leave 'signed' only by a
reopening: the version goes up by one, a review_reopening row for that version exists, and no
content column changes. A review becomes 'signed' only with a sign_off row for its version.
Sign-offs, fact-check rounds and reopenings are never changed or deleted.

A later migration that rebuilds one of these tables (Alembic batch mode copies, drops and
renames it) drops its triggers with it and must create them again (``lock_triggers()`` lists
them); tests/store/test_signoff.py checks that every one exists at head.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "review is signed and locked"

# Each table that belongs to a review, and how to reach the review's id from a row (``{row}`` is
# NEW or OLD).
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
    "factcheck_round": "{row}.review_id",
    "sign_off": "{row}.review_id",
}

# Records that, once written, stay as they are.
IMMUTABLE = ("sign_off", "factcheck_round", "review_reopening")

# Review columns a reopening must leave as they are.
CONTENT_COLUMNS = ("id", "created_at", "title", "unit", "municipality", "committee",
                   "diary_number", "auditors_json", "period_start", "period_end", "purpose",
                   "scope", "method_text")


def _signed(review_id: str) -> str:
    return f"(SELECT status FROM review WHERE id = {review_id}) = 'signed'"


def lock_triggers() -> dict[str, str]:
    """Every trigger of this migration, by name, as CREATE statements."""
    triggers: dict[str, str] = {}
    for table, owner in OWNERS.items():
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")),
                            ("DELETE", ("OLD",))):
            condition = " OR ".join(_signed(owner.format(row=row)) for row in rows)
            name = f"{table}_locked_{event.lower()}"
            triggers[name] = (
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END"
            )
    for table in IMMUTABLE:
        for event in ("UPDATE", "DELETE"):
            name = f"{table}_no_{event.lower()}"
            triggers[name] = (
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in CONTENT_COLUMNS)
    triggers["review_locked_update"] = (
        "CREATE TRIGGER review_locked_update BEFORE UPDATE ON review "
        "WHEN OLD.status = 'signed' AND NOT ("
        "NEW.status <> 'signed' AND NEW.version = OLD.version + 1 "
        "AND EXISTS (SELECT 1 FROM review_reopening r WHERE r.review_id = OLD.id "
        "AND r.to_version = NEW.version) "
        f"AND {unchanged}) "
        f"BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END"
    )
    triggers["review_locked_delete"] = (
        "CREATE TRIGGER review_locked_delete BEFORE DELETE ON review "
        f"WHEN OLD.status = 'signed' BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END"
    )
    triggers["review_sign_needs_sign_off"] = (
        "CREATE TRIGGER review_sign_needs_sign_off BEFORE UPDATE ON review "
        "WHEN NEW.status = 'signed' AND OLD.status <> 'signed' AND NOT EXISTS ("
        "SELECT 1 FROM sign_off s WHERE s.review_id = NEW.id AND s.version = NEW.version) "
        "BEGIN SELECT RAISE(ABORT, 'a review is signed only with a sign-off'); END"
    )
    triggers["review_reopening_needs_signed"] = (
        "CREATE TRIGGER review_reopening_needs_signed BEFORE INSERT ON review_reopening "
        "WHEN NOT (" + _signed("NEW.review_id") + ") "
        "BEGIN SELECT RAISE(ABORT, 'only a signed review can be reopened'); END"
    )
    return triggers


def upgrade() -> None:
    """Add the tables and columns, then the triggers."""
    op.create_table('factcheck_round',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('review_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('content_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('content_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pdf_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_factcheck_round_review_id'), 'factcheck_round', ['review_id'], unique=False)
    op.create_table('review_reopening',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('review_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('from_version', sa.Integer(), nullable=False),
    sa.Column('to_version', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_review_reopening_review_id'), 'review_reopening', ['review_id'], unique=False)
    # Plain ADD COLUMN (no table rebuild), so the triggers of 0003 on other tables stay.
    op.add_column('sign_off', sa.Column('pdf', sa.LargeBinary(), nullable=True))
    op.add_column('sign_off', sa.Column('certificate', sqlmodel.sql.sqltypes.AutoString(),
                                        nullable=False, server_default=''))
    if op.get_bind().dialect.name == "sqlite":  # the archive's lock: 0016
        for statement in lock_triggers().values():
            op.execute(statement)


def downgrade() -> None:
    """Drop the triggers, the columns and the tables."""
    for name in lock_triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('sign_off', schema=None) as batch_op:
        batch_op.drop_column('certificate')
        batch_op.drop_column('pdf')
    op.drop_index(op.f('ix_review_reopening_review_id'), table_name='review_reopening')
    op.drop_table('review_reopening')
    op.drop_index(op.f('ix_factcheck_round_review_id'), table_name='factcheck_round')
    op.drop_table('factcheck_round')
