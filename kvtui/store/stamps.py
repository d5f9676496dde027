"""Per-field stamps of every logged change to a review's rows, for merging copies of a review.

The change log sees every write (``kvtui.store.changelog.append_to``); after it writes an entry
about a row of a review it calls ``record``, which stamps each changed column of the row with
(this store's site, the entry's seq) and raises the store's own counter in the review's
context. A deletion leaves a tombstone (``kvtui.domain.merge.DELETED``) so that it travels
with the review. Values written by a merge keep the stamps they came with.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kvtui.domain.merge import DELETED
from kvtui.store.bulk import driver
from kvtui.store.models import SQLModel

if TYPE_CHECKING:
    from sqlalchemy import Connection

# The tables whose rows are merged, parents before children (the order rows are inserted in).
MERGED_TABLES = (
    "review", "review_section", "review_criterion", "case_file", "sample", "sample_item",
    "answer", "unanswered_comment", "interview", "observation", "observation_section",
    "document", "section_text", "assessment", "evidence_link", "factcheck_comment",
)
# Columns never merged: the row's identity and bookkeeping, what ties it to its parents, and
# the review's workflow (status and version belong to each store's own sending and signing).
_NOT_MERGED = frozenset({"id", "created_at", "updated_at", "review_id", "status", "version"})


def _fields() -> dict[str, frozenset[str]]:
    tables = SQLModel.metadata.tables
    stamped: dict[str, frozenset[str]] = {}
    for name in MERGED_TABLES:
        table = tables[name]
        stamped[name] = frozenset(c.name for c in table.columns
                                  if c.name not in _NOT_MERGED and not c.foreign_keys)
    return stamped


# The fields stamped per table (entity names in the log are the tables' names).
STAMPED: dict[str, frozenset[str]] = _fields()

_STAMP = ("INSERT OR REPLACE INTO merge_stamp (entity, row_id, field, review_id, site, counter,"
          " actor, at) SELECT ?, ?, ?, ?, site, ?, ?, ? FROM merge_site")
_OWN_CONTEXT = ("INSERT INTO merge_context (review_id, site, counter) SELECT ?, site, ? "
                "FROM merge_site WHERE true ON CONFLICT (review_id, site) DO UPDATE SET "
                "counter = max(counter, excluded.counter)")


def record(connection: Connection, *, review_id: str | None, entity: str, entity_id: str,
           action: str, changes: dict[str, Any], seq: int, actor: str, at: str) -> None:
    """Stamp what a logged change wrote (called by the change log in its transaction)."""
    fields = STAMPED.get(entity)
    if fields is None or review_id is None:
        return
    if action == "delete":
        stamp_row(connection, review_id, entity, entity_id, (DELETED,), seq, actor, at,
                  drop_fields=True)
        return
    changed = [k for k, v in changes.items() if k in fields and isinstance(v, list)]
    if changed:
        stamp_row(connection, review_id, entity, entity_id, changed, seq, actor, at)


def stamp_row(connection: Connection, review_id: str, entity: str, row_id: str,
              fields: Iterable[str], seq: int, actor: str, at: str, *,
              drop_fields: bool = False) -> None:
    """Stamp ``fields`` of one row with this store's site and ``seq``, and raise the store's
    own counter in the review's context."""
    raw = driver(connection)
    if drop_fields:
        raw.execute("DELETE FROM merge_stamp WHERE entity = ? AND row_id = ?", (entity, row_id))
    raw.executemany(_STAMP, [(entity, row_id, f, review_id, seq, actor, at) for f in fields])
    raw.execute(_OWN_CONTEXT, (review_id, seq))


def site(connection: Connection) -> str:
    """This store's site id."""
    row = driver(connection).execute("SELECT site FROM merge_site").fetchone()
    return str(row[0]) if row else ""


def renew_site(connection: Connection) -> str:
    """Give the store a site id of its own: for a store file made as a copy of another (a
    restored backup that goes on working beside the original, a test), whose changes would
    otherwise carry the stamps the original gives out too."""
    new = secrets.token_hex(8)
    driver(connection).execute("UPDATE merge_site SET site = ? WHERE id = 1", (new,))
    return new
