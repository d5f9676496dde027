"""Stamps, context and conflicts for merging two copies of a review

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 21:30:00

Two auditors work on copies of one review in stores of their own; a copy brought back is merged
field by field (``kvtui.store.merge``). Each store gets a site id, made once here; every logged
change of a review's row stamps the fields it changed with (site, the change log's seq), and a
deletion leaves a tombstone; each store keeps, per review and site, the highest counter it has
seen. Rows written before this revision have no stamps: the merge treats them as the state
both copies started from.
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=nullable)


def upgrade() -> None:
    """Create the four tables and this store's site."""
    op.create_table("merge_site", sa.Column("id", sa.Integer(), nullable=False),
                    _text("site"), sa.PrimaryKeyConstraint("id"))
    op.create_table(
        "merge_stamp", _text("entity"), _text("row_id"), _text("field"), _text("review_id"),
        _text("site"), sa.Column("counter", sa.Integer(), nullable=False), _text("actor"),
        _text("at"), sa.PrimaryKeyConstraint("entity", "row_id", "field"))
    op.create_index("ix_merge_stamp_review_id", "merge_stamp", ["review_id"])
    op.create_index("ix_merge_stamp_tombstone", "merge_stamp", ["review_id", "entity"],
                    sqlite_where=sa.text("field = '#deleted'"),
                    postgresql_where=sa.text("field = '#deleted'"))
    op.create_table(
        "merge_context", _text("review_id"), _text("site"),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("review_id", "site"))
    sides = []
    for side in ("a", "b"):
        sides += [_text(f"value_{side}", True), _text(f"site_{side}"),
                  sa.Column(f"counter_{side}", sa.Integer(), nullable=False),
                  _text(f"actor_{side}"), _text(f"at_{side}")]
    op.create_table(
        "merge_conflict", _text("id"), _text("review_id"), _text("entity"), _text("row_id"),
        _text("field"), _text("label_json"), *sides, _text("resolved_at", True),
        _text("resolved_by"), _text("resolution"), _text("resolved_value", True),
        sa.Column("resolved_counter", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_merge_conflict_review_id", "merge_conflict", ["review_id"])
    op.execute(sa.text("INSERT INTO merge_site (id, site) VALUES (1, :site)")
               .bindparams(site=secrets.token_hex(8)))


def downgrade() -> None:
    """Drop them."""
    for table in ("merge_conflict", "merge_context", "merge_stamp", "merge_site"):
        op.drop_table(table)
