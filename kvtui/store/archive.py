"""The unit's archive on PostgreSQL: reviews pushed from the auditors' stores, pulled back,
listed and searched.

The laptop works on its own store and never needs the archive; the archive is where the
reviews meet. A review travels as a bundle's payload does (``kvtui.store.bundle``): the
serialized SQLite database of its rows, its log and its template. The archive keeps:

- ``archive_version``: the payloads. A signed version is kept as it was pushed, for good (the
  archive's triggers refuse to change or delete it); the work in progress is one payload per
  review, replaced by each push.
- ``archive_review``: one row per review, what ``list`` and ``search`` read (unit, year,
  status, its texts as a Swedish full-text vector).
- the review's rows in kvtui's own tables (the same schema as the store, by the same
  migrations), for whoever reads the archive with SQL; rebuilt from the payload by each push.

A push of work in progress merges the store's copy into the archive's by the rules of a
bundle's import (``kvtui.store.merge``: the newer change wins per field, two changes made apart
become a conflict kept in the review, never overwritten), in memory on the laptop, then writes
the result in one transaction, under a lock on the review. A lost connection or a killed
server leaves the archive as it was, and the store is only read. Pushing twice is pushing once.

A pull brings the archive's copy into the store as a bundle's import does. It is refused while
the store holds changes the archive has not seen (push first, so that they are merged there),
so that a pull never has to choose between the two.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine, Table, text

from kvtui.domain.bundle_format import BundleHeader, ScryptCost
from kvtui.domain.reviews import SIGNED, short_id
from kvtui.store.archive_engine import ArchiveRefused, checked_archive, refusals
from kvtui.store.bundle import (
    ImportOutcome,
    engine_on,
    import_bundle,
    memory_database,
    payload_at_head,
    review_payload,
)
from kvtui.store.bundle_rows import ReviewTable, review_tables
from kvtui.store.errors import NotFound
from kvtui.store.merge import MergeOutcome
from kvtui.store.models import ChangeLog
from kvtui.store.review_copy import ReviewCopy, describe, merged, search_text

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kvtui.store.database import Store

_LOG: Table = ChangeLog.__table__  # type: ignore[attr-defined]
T = TypeVar("T")


@dataclass(frozen=True)
class PushOutcome:
    """What a push did."""

    review_id: str
    title: str
    version: int
    signed: bool
    already: bool  # the archive held this already: nothing was written
    merged: MergeOutcome | None  # the merge with the archive's copy, when there was one


# --- push --------------------------------------------------------------------------------------


def push(store: Store, engine: Engine, review_id: str) -> PushOutcome:
    """Send the store's review to the archive, in one transaction (see the module's text)."""
    payload, _revision = review_payload(store, review_id)
    local = describe(payload, review_id)
    with refusals(engine), engine.begin() as connection:
        _lock(connection, review_id)
        current = _current(connection, review_id)
        if local.signed:
            return _push_signed(connection, review_id, payload, local, current)
        return _push_work(connection, review_id, payload, local, current)


def _push_signed(connection: Connection, review_id: str, payload: bytes, local: ReviewCopy,
                 current: _Stored | None) -> PushOutcome:
    if current is not None and current.copy.signed:
        if current.copy.version > local.version:
            return _outcome(review_id, current.copy, already=True)
        if current.copy.version == local.version:
            if current.copy.records_sha256 != local.records_sha256:
                raise ArchiveRefused(
                    f"Arkivet har en annan signerad version {local.version} av granskningen "
                    f"”{local.title}” än den här datorn. Ingenting har skickats.")
            return _outcome(review_id, local, already=True)
    if current is not None and not current.copy.signed and current.copy.has_seen_more_than(
            local):
        raise ArchiveRefused(
            f"Arkivets arbetsexemplar av ”{local.title}” har ändringar som inte finns i den "
            "signerade versionen här, till exempel en annan granskares. Ingenting har "
            "skickats. Öppna granskningen igen (kvtui reopen), skicka och hämta den så att "
            "ändringarna kommer med, och signera den på nytt.")
    _write(connection, review_id, payload, local, replaces_work=current is not None
           and not current.copy.signed)
    return _outcome(review_id, local, already=False)


def _push_work(connection: Connection, review_id: str, payload: bytes, local: ReviewCopy,
               current: _Stored | None) -> PushOutcome:
    merge: MergeOutcome | None = None
    if current is not None:
        if current.copy.signed and current.copy.version >= local.version:
            raise ArchiveRefused(
                f"Granskningen ”{local.title}” är signerad i arkivet i version "
                f"{current.copy.version}; här är den ett arbetsexemplar av version "
                f"{local.version}. Hämta den signerade versionen (kvtui archive pull) innan "
                "du arbetar vidare. Ingenting har skickats.")
        if not current.copy.signed:
            payload, merge = merged(current.payload, payload, review_id)
            if not merge.changed and not local.has_seen_more_than(current.copy):
                return _outcome(review_id, current.copy, already=True, merged=merge)
            local = describe(payload, review_id)
    _write(connection, review_id, payload, local, replaces_work=current is not None
           and not current.copy.signed)
    return _outcome(review_id, local, already=False, merged=merge)


def _outcome(review_id: str, copy: ReviewCopy, *, already: bool,
             merged: MergeOutcome | None = None) -> PushOutcome:
    return PushOutcome(review_id, copy.title, copy.version, copy.signed, already, merged)


def _write(connection: Connection, review_id: str, payload: bytes, copy: ReviewCopy, *,
           replaces_work: bool) -> None:
    """Keep ``payload`` as the review's current version in the archive, with its catalogue
    row."""
    digest = hashlib.sha256(payload).hexdigest()
    at = datetime.now(UTC)
    words = search_text(payload, review_id, copy)
    connection.execute(text(
        "INSERT INTO archive_review (review_id, municipality, unit, committee, title, year, "
        "status, version, signed, pushed_by, pushed_at, payload_sha256, search_text) VALUES "
        "(:review, :municipality, :unit, :committee, :title, :year, :status, :version, "
        ":signed, session_user, :at, :digest, :search_text) ON CONFLICT (review_id) DO UPDATE "
        "SET municipality = excluded.municipality, unit = excluded.unit, committee = "
        "excluded.committee, title = excluded.title, year = excluded.year, status = "
        "excluded.status, version = excluded.version, signed = excluded.signed, pushed_by = "
        "excluded.pushed_by, pushed_at = excluded.pushed_at, payload_sha256 = "
        "excluded.payload_sha256, search_text = excluded.search_text"),
        {"review": review_id, "municipality": copy.municipality, "unit": copy.unit,
         "committee": copy.committee, "title": copy.title, "year": copy.year,
         "status": copy.status, "version": copy.version, "signed": copy.signed,
         "at": at, "digest": digest, "search_text": words})
    if replaces_work:
        connection.execute(text("DELETE FROM archive_version WHERE review_id = :review AND "
                                "NOT signed"), {"review": review_id})
    connection.execute(text(
        "INSERT INTO archive_version (review_id, version, signed, payload, payload_sha256, "
        "pushed_by, pushed_at) VALUES (:review, :version, :signed, :payload, :digest, "
        "session_user, :at)"), {"review": review_id, "version": copy.version,
                                "signed": copy.signed, "payload": payload, "digest": digest,
                                "at": at})
    if copy.signed or not _signed_in_tables(connection, review_id):
        _rows_in_tables(connection, review_id, payload)


def _signed_in_tables(connection: Connection, review_id: str) -> bool:
    return connection.execute(text("SELECT status FROM review WHERE id = :review"),
                              {"review": review_id}).scalar() == SIGNED


def _rows_in_tables(connection: Connection, review_id: str, payload: bytes) -> None:
    """The review's rows in kvtui's own tables of the archive, as the payload holds them: the
    archive read with SQL (and its row-level security) shows the review pushed last, or once
    it has been signed, its latest signed version (the tables lock a signed review's rows, and
    work on a later version does not replace them until that version is signed)."""
    tables = [table.table for table in review_tables()] + [_LOG]
    for table in reversed(tables):
        connection.execute(text(f"DELETE FROM {table.name} AS t WHERE "
                                f"{_condition(table, 'public')}"), {"review": review_id})
    memory = memory_database(payload)
    try:
        with engine_on(memory) as engine, engine.connect() as source:
            for table in tables:
                listed = ", ".join(f"t.{column.name}" for column in table.c)
                rows = source.execute(text(
                    f"SELECT {listed} FROM main.{table.name} AS t WHERE "
                    f"{_condition(table, 'main')}").columns(*table.c), {"review": review_id}
                ).mappings().all()
                if rows:
                    connection.execute(table.insert(), [dict(row) for row in rows])
    finally:
        memory.close()


def _condition(table: Table, schema: str) -> str:
    if table.name == _LOG.name:
        return "t.review_id = :review"
    return ReviewTable(table.name, tuple(table.c.keys()), table).condition(schema)


# --- the archive's current copy ----------------------------------------------------------------


@dataclass(frozen=True)
class _Stored:
    payload: bytes
    copy: ReviewCopy
    pushed_by: str
    pushed_at: datetime


def _lock(connection: Connection, review_id: str) -> None:
    """One push or pull of a review at a time; others wait (till this transaction ends)."""
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:review, 0))"),
                       {"review": review_id})


def _current(connection: Connection, review_id: str) -> _Stored | None:
    """The archive's current version of the review (its latest push), or for a role that
    may read signed versions only, the latest signed version."""
    row = connection.execute(text(
        "SELECT v.payload, v.pushed_by, v.pushed_at FROM archive_version AS v LEFT JOIN "
        "archive_review AS r ON r.review_id = v.review_id AND r.payload_sha256 = "
        "v.payload_sha256 WHERE v.review_id = :review ORDER BY r.review_id IS NOT NULL DESC, "
        "v.signed DESC, v.version DESC LIMIT 1"), {"review": review_id}).first()
    if row is None:
        return None
    payload = bytes(row[0])
    return _Stored(payload, describe(payload, review_id), str(row[1]), row[2])


# --- pull --------------------------------------------------------------------------------------


def pull(store: Store, engine: Engine, review_id: str) -> ImportOutcome:
    """Bring the archive's copy of the review into the store, as a bundle's import does.

    Refused, the store unchanged, when the store holds changes to the review that the archive
    has not seen."""
    with refusals(engine), engine.begin() as connection:
        current = _current(connection, review_id)
    if current is None:
        raise NotFound("Granskningen finns inte i arkivet (eller så får du inte läsa den).")
    local = _local_copy(store, review_id)
    if local is not None and not local.signed and local.has_seen_more_than(current.copy):
        raise ArchiveRefused(
            f"Granskningen ”{local.title}” har ändrats på den här datorn sedan den senast "
            "skickades till arkivet. Skicka den först (kvtui archive push), så slås "
            "ändringarna ihop i arkivet, och hämta den sedan. Databasen har inte ändrats.")
    header = BundleHeader(
        format=1, kvtui_version=package_version("kvtui"), review_id=review_id,
        exported_by=current.pushed_by, exported_at=current.pushed_at,
        revision="", payload_sha256=hashlib.sha256(current.payload).hexdigest(),
        payload_size=len(current.payload), compression="none", cost=ScryptCost(),
        salt=b"", nonce=b"")
    payload = payload_at_head(current.payload, review_id)
    return import_bundle(store, header, payload)


def pulled_said(done: ImportOutcome) -> str:
    """What a pull did, in Swedish: the merge's words, or that the review came."""
    return done.merge_said() or (
        f"Granskningen {short_id(done.review_id)} ({done.title}) är hämtad från arkivet"
        + (", signerad och låst." if done.signed else "."))


def on_archive(target: str, work: Callable[[Engine], T]) -> T:
    """``work`` done on the archive at ``target`` through a connection of its own, closed
    after (for the app's workers, which reach the archive now and then)."""
    engine = checked_archive(target)
    try:
        return work(engine)
    finally:
        engine.dispose()


def _local_copy(store: Store, review_id: str) -> ReviewCopy | None:
    try:
        payload, _revision = review_payload(store, review_id)
    except NotFound:
        return None
    return describe(payload, review_id)
