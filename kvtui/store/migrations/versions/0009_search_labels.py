"""Search labels follow the records they name

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-12 10:00:00

The search index (migration 0003) labels a row by another table's record: an answer by its
criterion's code and its akt's reference, a section's text, its statements and the fact-check
comments on it by the section's number and title. Only the rows' own tables had triggers, so
a reference or a title changed afterwards (an akt renamed before its sample is drawn, a text
masked when a signed review is reopened) left the old label in the index, where the search
showed it and the file kept it. These triggers make the labelled rows again when the record
naming them changes, as 0003's trigger on interviews does for observations, with 0003's own
statements; and the index is made again once from the records, for labels left stale before,
then merged so that no replaced text stays in it.
"""

from collections.abc import Sequence
from typing import Any

from alembic import context, op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each record that labels rows of the index: its table, the columns the labels show, and the
# kinds of index rows it labels with the column that points at it.
LABELLING = (
    ("case_file", ("reference",), (("answer", "case_file_id"),)),
    ("review_criterion", ("code",), (("answer", "criterion_id"),)),
    ("review_section", ("number", "title"), (("section_text", "section_id"),
                                             ("assessment", "section_id"),
                                             ("factcheck", "section_id"))),
)


def _sources() -> dict[str, Any]:
    """Migration 0003's sources of index rows, by kind."""
    index = context.script.get_revision("0003").module  # type: ignore[union-attr]
    return {source.kind: source for source in index.SOURCES}


def _trigger(table: str, columns: tuple[str, ...], labelled: tuple[tuple[str, str], ...],
             sources: dict[str, Any]) -> str:
    changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)
    body = []
    for kind, pointer in labelled:
        source = sources[kind]
        body.append(source.forget(f"IN (SELECT id FROM {source.table} WHERE {pointer} = new.id)"))
        body.append(source.select(f"t.{pointer} = new.id"))
    return (f"CREATE TRIGGER search_{table}_au AFTER UPDATE OF {', '.join(columns)} ON {table}"
            f" WHEN {changed} BEGIN {'; '.join(body)}; END")


def upgrade() -> None:
    """Add the triggers, make the index again from the records and merge it (SQLite's index;
    the archive on PostgreSQL has none of it)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    sources = _sources()
    for table, columns, labelled in LABELLING:
        op.execute(_trigger(table, columns, labelled, sources))
    op.execute("DELETE FROM search_index")
    for source in sources.values():
        op.execute(source.select())
    op.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")


def downgrade() -> None:
    """Drop the triggers (the index keeps its rows)."""
    for table, _columns, _labelled in LABELLING:
        op.execute(f"DROP TRIGGER IF EXISTS search_{table}_au")
