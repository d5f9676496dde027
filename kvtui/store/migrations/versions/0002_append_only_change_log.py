"""Append-only change log: the store itself rejects edits and deletions of log entries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The triggers' text as SQLite keeps it (``kvtui check`` compares it with a store's).
NO_UPDATE = """
        CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
        BEGIN
            SELECT RAISE(ABORT, 'change_log is append-only');
        END
        """
NO_DELETE = """
        CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
        BEGIN
            SELECT RAISE(ABORT, 'change_log is append-only');
        END
        """


def upgrade() -> None:
    """Add triggers that make the change log append-only, and an index for reading it by time.
    The archive on PostgreSQL locks its log with its signed reviews instead (0016)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(NO_UPDATE)
        op.execute(NO_DELETE)
    op.create_index("ix_change_log_created_at", "change_log", ["created_at"])


def downgrade() -> None:
    """Drop the triggers and the index."""
    op.drop_index("ix_change_log_created_at", table_name="change_log")
    op.execute("DROP TRIGGER IF EXISTS change_log_no_delete")
    op.execute("DROP TRIGGER IF EXISTS change_log_no_update")
