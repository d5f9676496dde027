"""Drop two indexes that the unique constraints already provide

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 09:00:00

``case_file`` had an index on ``review_id`` beside UNIQUE (review_id, reference), and
``sample_item`` one on ``sample_id`` beside UNIQUE (sample_id, case_file_id). SQLite answers a
lookup by the first column from the unique index just as well, so the single-column indexes
only cost: every imported akt and every drawn one was written into one index more, about a
fifth of the time SQLite took to store a 10,000-akt population. Plain DROP INDEX, no table is
rebuilt, so the triggers of 0003 and 0004 stay as they are.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Drop the covered indexes."""
    op.drop_index("ix_case_file_review_id", table_name="case_file")
    op.drop_index("ix_sample_item_sample_id", table_name="sample_item")


def downgrade() -> None:
    """Create them again."""
    op.create_index("ix_sample_item_sample_id", "sample_item", ["sample_id"], unique=False)
    op.create_index("ix_case_file_review_id", "case_file", ["review_id"], unique=False)
