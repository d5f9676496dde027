"""Numbers the auditor confirmed are not personnummer

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00

Free text is written with every personnummer masked (``kvtui.store.idnumber_rule``). When the
auditor confirms that a flagged number is not one (a phone number whose digits happen to form
a date and a valid check digit), its digits are recorded here, with who confirmed it and when,
and from then on it is stored as typed. A new table only: nothing else changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the table of confirmed false alarms."""
    op.create_table(
        "false_alarm",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("digits", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digits"),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("false_alarm")
