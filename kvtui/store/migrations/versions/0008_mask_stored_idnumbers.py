"""Personnummer already stored are masked in every review that can still be written

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 10:00:00

A kvtui from before the store's rule for personnummer (``kvtui.store.idnumber_rule``) only
warned, so a store it wrote may hold personnummer in free text. This migration applies the rule
to every free-text column of every review that is not signed, as an ordinary write: each row
changed gets an entry in the change log (action "mask"), and the search index is merged so
that no replaced term stays in it (``kvtui.store.stored_idnumbers.mask_unsigned_reviews``).

Signed reviews are locked by triggers and hashed, and the change log is append-only and
hash-chained: neither is rewritten. ``kvtui check`` counts what they still hold and says what
to do (a new version, by reopening). The backup taken before an upgrade holds what the store
held.

The rows are read and written with plain SQL over the columns the file has at this revision;
the change-log entries are written by ``changelog.append_to`` as the running kvtui writes
them, so a later migration that changes ``change_log`` must keep this one working
(tests/store/test_stored_idnumbers.py upgrades a store of revision 0007).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Mask every personnummer in the free text of the reviews that are not signed."""
    from kvtui.store.stored_idnumbers import mask_unsigned_reviews

    mask_unsigned_reviews(op.get_bind())


def downgrade() -> None:
    """Nothing to undo: a masked number is gone (it is in the backup taken before)."""
