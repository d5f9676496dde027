"""Personnummer already stored are masked in every review that can still be written

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 10:00:00

A kvtui from before the store's rules for free text (``kvtui.store.idnumber_rule``) only
warned about personnummer and kept control characters, so a store it wrote may hold both. This
migration applies the rules (control characters out, then every personnummer masked) to every
free-text column of every review that is not signed, as an ordinary write: each row changed
gets an entry in the change log (action "mask";
``kvtui.store.stored_idnumbers.mask_unsigned_reviews``).

The search index labels an answer by its akt's reference and a section's text and statements
by the section's title, and no trigger at this revision follows a change of those: the index
rows of every review changed are made again from its records, as migration 0003 makes them,
and the index is merged so that no replaced term stays in it.

Signed reviews are locked by triggers and hashed, and the change log is append-only and
hash-chained: neither is rewritten. ``kvtui check`` counts what they still hold and says what
to do (a new version, by reopening). The backup taken before an upgrade holds what the store
held.

What this revision's file has is read from the file itself, not from the models of the kvtui
running it: its text columns, its unique keys and the columns of its change log (a later
revision may add to any of them). The index rows are made by migration 0003's own statements.
tests/store/test_stored_idnumbers.py upgrades a store of revision 0007 with models that have
more than it.
"""

from collections.abc import Sequence

from alembic import context, op

from kvtui.store.bulk import driver
from kvtui.store.stored_idnumbers import mask_unsigned_reviews, merge_search_index

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Mask every personnummer in the free text of the reviews that are not signed, and make
    their search index rows again. The archive on PostgreSQL was made after the rules, with
    the search index of its own: nothing to do there."""
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    changed = mask_unsigned_reviews(connection)
    index = context.script.get_revision("0003").module  # type: ignore[union-attr]
    raw = driver(connection)
    for review_id in changed:
        raw.execute("DELETE FROM search_index WHERE review_id = ?", (review_id,))
        for source in index.SOURCES:
            raw.execute(source.select(f"{source.review_id} = ?"), (review_id,))
    if changed:
        merge_search_index(connection)


def downgrade() -> None:
    """Nothing to undo: a masked number is gone (it is in the backup taken before)."""
