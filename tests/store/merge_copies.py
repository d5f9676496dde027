"""Two copies of one review in two store files, and merging one into the other, for the merge
tests and bench/merge_fuzz.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from kvtui.store.bulk import driver
from kvtui.store.database import make_engine
from kvtui.store.merge import MergeOutcome, merge_review
from kvtui.store.stamps import renew_site

# The columns that say when a row was last written on this laptop: not the review's content.
_BOOKKEEPING = {"updated_at"}
CONTENT_TABLES = ("review", "case_file", "answer", "unanswered_comment", "interview",
                  "observation", "document", "section_text", "assessment", "factcheck_comment",
                  "merge_stamp", "merge_context", "merge_conflict")


def copy_store(source: Path, target: Path) -> None:
    """A page-for-page copy of a store, with a site of its own (another auditor's store)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as old, sqlite3.connect(target) as new:
        old.backup(new)
    engine = make_engine(target)
    try:
        with engine.begin() as connection:
            renew_site(connection)
    finally:
        engine.dispose()


def merge_file(local: Path, incoming: Path, review_id: str) -> MergeOutcome:
    """Attach ``incoming`` and merge its copy of the review into ``local`` in one
    transaction, as a bundle's import does."""
    engine = make_engine(local)
    try:
        with engine.connect() as connection:
            driver(connection).execute("ATTACH DATABASE ? AS incoming", (str(incoming),))
            try:
                with connection.begin():
                    outcome = merge_review(connection, review_id)
            finally:
                driver(connection).execute("DETACH DATABASE incoming")
    finally:
        engine.dispose()
    return outcome


def content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a merge writes, in id order, without bookkeeping columns."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with sqlite3.connect(path) as connection:
        for table in CONTENT_TABLES:
            names = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")
                     if row[1] not in _BOOKKEEPING]
            found[table] = sorted(connection.execute(
                f"SELECT {', '.join(names)} FROM {table}").fetchall(), key=repr)
    connection.close()
    return found
