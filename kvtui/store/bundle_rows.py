"""Which tables and rows belong to one review: read from the row models, not listed by hand.

A table belongs to a review when it has a ``review_id`` column, or a foreign key to a table
that belongs; a row belongs when that column names the review or that key names one of its
rows. Walking the models this way, a table that a later migration adds to a review travels in
a bundle without a change here. Two tables are left out on purpose: the change log, which a
bundle carries and re-chains by itself (``kvtui.store.bundle``), and ``LOCAL_ONLY``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table
from sqlmodel import SQLModel

from kvtui.store import models

LOG_TABLE = models.ChangeLog.__tablename__
#: Tables with a review's id that stay in the store they were written in, and why.
LOCAL_ONLY: dict[str, str] = {
    "draft": "text typed in one auditor's open dialog and not saved; never part of a review",
}


@dataclass(frozen=True)
class ReviewTable:
    """A table that belongs to a review, and how to find the review's rows in it."""

    name: str
    columns: tuple[str, ...]
    table: Table

    def condition(self, schema: str) -> str:
        """A condition on the alias ``t`` that holds for the review's rows (``:review`` is the
        review's id), reading the tables of ``schema`` ("main", "incoming" …)."""
        return _condition(self.table, schema)


def _condition(table: Table, schema: str) -> str:
    if table.name == "review":
        return "t.id = :review"
    if "review_id" in table.c:
        return "t.review_id = :review"
    parts = []
    for key in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
        parent = key.column.table
        if parent is table or not _belongs(parent):
            continue
        parts.append(f"t.{key.parent.name} IN (SELECT t.{key.column.name} FROM "
                     f"{schema}.{parent.name} AS t WHERE {_condition(parent, schema)})")
    return "(" + " OR ".join(parts) + ")"


def _belongs(table: Table) -> bool:
    if table.name == LOG_TABLE or table.name in LOCAL_ONLY:
        return False
    if table.name == "review" or "review_id" in table.c:
        return True
    return any(key.column.table is not table and _belongs(key.column.table)
               for key in table.foreign_keys)


def review_tables() -> list[ReviewTable]:
    """Every table of a review, parents before children."""
    return [ReviewTable(table.name, tuple(table.c.keys()), table)
            for table in SQLModel.metadata.sorted_tables if _belongs(table)]


def select_rows(table: ReviewTable, schema: str) -> str:
    """The review's rows of ``table`` in ``schema``, every column in the models' order."""
    listed = ", ".join(f"t.{name}" for name in table.columns)
    return f"SELECT {listed} FROM {schema}.{table.name} AS t WHERE {table.condition(schema)}"
