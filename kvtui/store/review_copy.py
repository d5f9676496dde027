"""A copy of one review as a bundle's payload holds it, read and merged in memory.

The archive keeps each review as a payload (``kvtui.store.bundle``): what it says of its
review is read from it here, and two copies are merged here by a bundle import's rules,
without a file on disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kvtui.domain.json_texts import texts_in
from kvtui.domain.reviews import SIGNED
from kvtui.store.bundle import INCOMING, engine_on, memory_database, review_texts
from kvtui.store.errors import NotFound
from kvtui.store.merge import MergeOutcome, merge_review

# The site the archive's merges count in: the archive writes nothing of its own, but a merge
# needs a site of the store it runs in.
ARCHIVE_SITE = "arkiv"


@dataclass(frozen=True)
class ReviewCopy:
    """What a payload says of its review."""

    title: str
    unit: str
    municipality: str
    committee: str
    status: str
    version: int
    year: int
    records_sha256: str  # the signed version's hash over its rows ("" for work in progress)
    counters: dict[str, int]  # the merge context: how many of each site's changes it has seen

    @property
    def signed(self) -> bool:
        """Whether the copy is a signed version."""
        return self.status == SIGNED

    def has_seen_more_than(self, other: ReviewCopy) -> bool:
        """Whether this copy has seen changes (of any site) that ``other`` has not."""
        return any(counter > other.counters.get(site, 0)
                   for site, counter in self.counters.items())


def describe(payload: bytes, review_id: str) -> ReviewCopy:
    """What ``payload`` says of the review ``review_id``."""
    memory = memory_database(payload)
    try:
        row = memory.execute("SELECT title, unit, municipality, committee, status, version, "
                             "created_at FROM review WHERE id = ?", (review_id,)).fetchone()
        if row is None:
            raise NotFound("Granskningen finns inte i databasen.")
        title, unit, municipality, committee, status, version, created = row
        signed = memory.execute("SELECT records_sha256, signed_at FROM sign_off WHERE "
                                "review_id = ? AND version = ?", (review_id, version)).fetchone()
        counters = dict(memory.execute("SELECT site, counter FROM merge_context WHERE "
                                       "review_id = ?", (review_id,)).fetchall())
    finally:
        memory.close()
    # The review's year: when it was signed, or for work in progress when it was begun.
    year = int(str(signed[1] if signed else created)[:4])
    return ReviewCopy(title, unit, municipality, committee, status, int(version), year,
                      str(signed[0]) if signed and status == SIGNED else "", counters)


def search_text(payload: bytes, review_id: str, copy: ReviewCopy) -> str:
    """The review's words for a full-text search: its name and unit, and every free text of
    its rows and log (personnummer are masked in the store before they get here)."""
    memory = memory_database(payload)
    try:
        texts = [copy.title, copy.unit, copy.municipality, copy.committee]
        for _table, kind, value in review_texts(memory, "main", review_id):
            texts += _words_of_json(value) if kind == "json" else [value]
    finally:
        memory.close()
    return "\n".join(text for text in texts if text)


def merged(into: bytes, other: bytes, review_id: str) -> tuple[bytes, MergeOutcome]:
    """The copy ``into`` with ``other`` merged into it by a bundle import's rules: the
    newer change wins per field, two changes made apart are kept as a conflict."""
    memory = memory_database(into)
    try:
        memory.execute(f"ATTACH DATABASE ':memory:' AS {INCOMING}")
        memory.deserialize(other, name=INCOMING)
        memory.execute("INSERT OR IGNORE INTO merge_site (id, site) VALUES (1, ?)",
                       (ARCHIVE_SITE,))
        with engine_on(memory) as engine, engine.connect() as connection:
            with connection.begin():
                outcome = merge_review(connection, review_id, INCOMING)
            memory.execute(f"DETACH DATABASE {INCOMING}")
            return memory.serialize(), outcome
    finally:
        memory.close()


def _words_of_json(value: str) -> list[str]:
    """The texts inside a JSON column (an akt's attributes, a log entry's changes): its
    values, not its keys or punctuation."""
    try:
        return list(texts_in(json.loads(value), names=False))
    except ValueError:
        return [value]
