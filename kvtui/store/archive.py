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
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from kvtui.domain.bundle_format import BundleHeader, ScryptCost
from kvtui.domain.reviews import SIGNED, short_id
from kvtui.store.archive_engine import (
    ArchiveError,
    archive_errors,
    archive_revision,
    make_archive_engine,
)
from kvtui.store.bundle import (
    INCOMING,
    ImportOutcome,
    import_bundle,
    payload_at_head,
    review_payload,
    review_texts,
)
from kvtui.store.bundle_rows import ReviewTable, review_tables
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.merge import MergeOutcome, merge_review
from kvtui.store.migrate import HEAD, is_newer
from kvtui.store.models import ChangeLog

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kvtui.store.database import Store

# The site the archive's own merges are stamped with: the archive writes nothing of its own,
# but a merge needs a site to count in.
ARCHIVE_SITE = "arkiv"
_LOG: Table = ChangeLog.__table__  # type: ignore[attr-defined]


class ArchiveRefused(InvalidInput):
    """The archive will not take or give this review now; ``str()`` says why, in Swedish."""


@dataclass(frozen=True)
class ArchivedReview:
    """One review as the archive lists it."""

    review_id: str
    title: str
    unit: str
    municipality: str
    committee: str
    year: int | None
    status: str
    version: int
    signed: bool
    pushed_by: str
    pushed_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The review as ``kvtui archive list --json`` prints it."""
        return {"id": self.review_id, "title": self.title, "unit": self.unit,
                "municipality": self.municipality, "committee": self.committee,
                "year": self.year, "status": self.status, "version": self.version,
                "signed": self.signed, "pushed_by": self.pushed_by,
                "pushed_at": self.pushed_at.isoformat()}


@dataclass(frozen=True)
class SearchHit:
    """A review whose texts match a search, with the passage that matched."""

    review: ArchivedReview
    passage: str


@dataclass(frozen=True)
class PushOutcome:
    """What a push did."""

    review_id: str
    title: str
    version: int
    signed: bool
    already: bool  # the archive held this already: nothing was written
    merged: MergeOutcome | None  # the merge with the archive's copy, when there was one


# --- the review's payload in memory ------------------------------------------------------------


@dataclass(frozen=True)
class _Copy:
    """What a payload says of its review."""

    title: str
    unit: str
    municipality: str
    committee: str
    status: str
    version: int
    year: int | None
    records_sha256: str  # the signed version's hash over its rows ("" for work in progress)
    counters: dict[str, int]  # the merge context: what each site's changes it has seen

    @property
    def signed(self) -> bool:
        return self.status == SIGNED


def _memory(payload: bytes) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.isolation_level = None
    connection.execute("PRAGMA temp_store = MEMORY")
    connection.deserialize(payload)
    return connection


@contextmanager
def _engine_on(connection: sqlite3.Connection) -> Iterator[Engine]:
    """An engine whose one connection is ``connection``, for the store's own code to run on."""
    engine = create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)

    @event.listens_for(engine, "connect")
    def _autocommit(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None

    try:
        yield engine
    finally:
        engine.dispose()


def _describe(memory: sqlite3.Connection, review_id: str) -> _Copy:
    row = memory.execute("SELECT title, unit, municipality, committee, status, version, "
                         "created_at FROM review WHERE id = ?",
                         (review_id,)).fetchone()
    if row is None:
        raise NotFound("Granskningen finns inte i databasen.")
    title, unit, municipality, committee, status, version, created = row
    signed = memory.execute("SELECT records_sha256, signed_at FROM sign_off WHERE review_id = ? "
                            "AND version = ?", (review_id, version)).fetchone()
    # The review's year: when it was signed, or for work in progress when it was begun.
    year = int(str(signed[1] if signed else created)[:4])
    counters = dict(memory.execute("SELECT site, counter FROM merge_context WHERE review_id = ?",
                                   (review_id,)).fetchall())
    return _Copy(title, unit, municipality, committee, status, int(version), year,
                 str(signed[0]) if signed and status == SIGNED else "", counters)


def _search_text(memory: sqlite3.Connection, review_id: str, copy: _Copy) -> str:
    """The review's words for the archive's full-text search: its name and unit, and every
    free text of its rows and log (personnummer are masked in the store before they get
    here)."""
    texts = [copy.title, copy.unit, copy.municipality, copy.committee]
    texts += [value for _table, _kind, value in review_texts(memory, "main", review_id)]
    return "\n".join(text for text in texts if text)


def _merged(archived: bytes, local: bytes, review_id: str) -> tuple[bytes, MergeOutcome]:
    """The archive's copy with the store's merged into it, by a bundle import's rules."""
    memory = _memory(archived)
    try:
        memory.execute(f"ATTACH DATABASE ':memory:' AS {INCOMING}")
        memory.deserialize(local, name=INCOMING)
        memory.execute("INSERT OR IGNORE INTO merge_site (id, site) VALUES (1, ?)",
                       (ARCHIVE_SITE,))
        with _engine_on(memory) as engine, engine.connect() as connection:
            with connection.begin():
                outcome = merge_review(connection, review_id, INCOMING)
            memory.execute(f"DETACH DATABASE {INCOMING}")
            return memory.serialize(), outcome  # before the engine closes its connection
    finally:
        memory.close()


# --- push --------------------------------------------------------------------------------------


def push(store: Store, engine: Engine, review_id: str) -> PushOutcome:
    """Send the store's review to the archive, in one transaction (see the module's text)."""
    payload, _revision = review_payload(store, review_id)
    memory = _memory(payload)
    try:
        local = _describe(memory, review_id)
    finally:
        memory.close()
    with _archive_errors(engine), engine.begin() as connection:
        _lock(connection, review_id)
        current = _current(connection, review_id)
        if local.signed:
            return _push_signed(connection, review_id, payload, local, current)
        return _push_work(connection, review_id, payload, local, current)


def _push_signed(connection: Connection, review_id: str, payload: bytes, local: _Copy,
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
    _write(connection, review_id, payload, local, replaces_work=current is not None
           and not current.copy.signed)
    return _outcome(review_id, local, already=False)


def _push_work(connection: Connection, review_id: str, payload: bytes, local: _Copy,
               current: _Stored | None) -> PushOutcome:
    merged: MergeOutcome | None = None
    if current is not None:
        if current.copy.signed and current.copy.version >= local.version:
            raise ArchiveRefused(
                f"Granskningen ”{local.title}” är signerad i arkivet i version "
                f"{current.copy.version}; här är den ett arbetsexemplar av version "
                f"{local.version}. Hämta den signerade versionen (kvtui archive pull) innan "
                "du arbetar vidare. Ingenting har skickats.")
        if not current.copy.signed:
            payload, merged = _merged(current.payload, payload, review_id)
            if not merged.changed and not _news_for_archive(local, current.copy):
                return _outcome(review_id, current.copy, already=True, merged=merged)
            memory = _memory(payload)
            try:
                local = _describe(memory, review_id)
            finally:
                memory.close()
    _write(connection, review_id, payload, local, replaces_work=current is not None
           and not current.copy.signed)
    return _outcome(review_id, local, already=False, merged=merged)


def _news_for_archive(local: _Copy, archived: _Copy) -> bool:
    """Whether the store's copy has seen changes that the archive's has not."""
    return any(counter > archived.counters.get(site, 0)
               for site, counter in local.counters.items())


def _outcome(review_id: str, copy: _Copy, *, already: bool,
             merged: MergeOutcome | None = None) -> PushOutcome:
    return PushOutcome(review_id, copy.title, copy.version, copy.signed, already, merged)


def _write(connection: Connection, review_id: str, payload: bytes, copy: _Copy, *,
           replaces_work: bool) -> None:
    """Keep ``payload`` as the review's current version in the archive, with its catalogue
    row."""
    digest = hashlib.sha256(payload).hexdigest()
    at = datetime.now(UTC)
    memory = _memory(payload)
    try:
        search_text = _search_text(memory, review_id, copy)
    finally:
        memory.close()
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
         "at": at, "digest": digest, "search_text": search_text})
    if replaces_work:
        connection.execute(text("DELETE FROM archive_version WHERE review_id = :review AND "
                                "NOT signed"), {"review": review_id})
    connection.execute(text(
        "INSERT INTO archive_version (review_id, version, signed, payload, payload_sha256, "
        "pushed_by, pushed_at) VALUES (:review, :version, :signed, :payload, :digest, "
        "session_user, :at)"), {"review": review_id, "version": copy.version,
                                "signed": copy.signed, "payload": payload, "digest": digest,
                                "at": at})
    _rows_in_tables(connection, review_id, payload)


def _rows_in_tables(connection: Connection, review_id: str, payload: bytes) -> None:
    """The review's rows in kvtui's own tables of the archive, as the payload holds them: the
    archive read with SQL (and its row-level security) shows the review pushed last."""
    tables = [table.table for table in review_tables()] + [_LOG]
    for table in reversed(tables):
        connection.execute(text(f"DELETE FROM {table.name} AS t WHERE "
                                f"{_condition(table, 'public')}"), {"review": review_id})
    memory = _memory(payload)
    try:
        with _engine_on(memory) as engine, engine.connect() as source:
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
    copy: _Copy
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
    memory = _memory(payload)
    try:
        copy = _describe(memory, review_id)
    finally:
        memory.close()
    return _Stored(payload, copy, str(row[1]), row[2])


# --- pull --------------------------------------------------------------------------------------


def pull(store: Store, engine: Engine, review_id: str) -> ImportOutcome:
    """Bring the archive's copy of the review into the store, as a bundle's import does.

    Refused, the store unchanged, when the store holds changes to the review that the archive
    has not seen."""
    with _archive_errors(engine), engine.begin() as connection:
        current = _current(connection, review_id)
    if current is None:
        raise NotFound("Granskningen finns inte i arkivet (eller så får du inte läsa den).")
    local = _local_copy(store, review_id)
    if local is not None and not local.signed and _news_for_archive(local, current.copy):
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


def _local_copy(store: Store, review_id: str) -> _Copy | None:
    try:
        payload, _revision = review_payload(store, review_id)
    except NotFound:
        return None
    memory = _memory(payload)
    try:
        return _describe(memory, review_id)
    finally:
        memory.close()


# --- list and search ---------------------------------------------------------------------------

_COLUMNS = ("review_id, title, unit, municipality, committee, year, status, version, signed, "
            "pushed_by, pushed_at")


def list_archived(engine: Engine, *, unit: str | None = None,
                  year: int | None = None) -> list[ArchivedReview]:
    """The reviews in the archive that this role may read, newest year first. The unit is
    matched in any case here rather than by the server, whose case rules for å ä ö depend on
    how its database was made."""
    where, parameters = ("WHERE year = :year", {"year": year}) if year is not None else ("", {})
    with _archive_errors(engine), engine.connect() as connection:
        rows = connection.execute(text(f"SELECT {_COLUMNS} FROM archive_review {where} "
                                       "ORDER BY year DESC NULLS LAST, unit, title"),
                                  parameters).all()
    found = [_listed(row) for row in rows]
    if unit:
        found = [review for review in found
                 if review.unit.casefold() == unit.strip().casefold()]
    return found


def search(engine: Engine, words: str, *, limit: int = 50) -> list[SearchHit]:
    """The reviews whose texts match ``words`` (Swedish full-text search: "socialsekreterare"
    finds "socialsekreterarens"; "-ord" leaves out, "\"två ord\"" keeps them together), best
    match first."""
    if not words.strip():
        raise InvalidInput("Ange ett eller flera ord att söka efter.")
    query = text(
        f"SELECT {_COLUMNS}, ts_headline('swedish', search_text, q, 'MaxWords=18, MinWords=6, "
        "StartSel=», StopSel=«') FROM archive_review, websearch_to_tsquery('swedish', :words) "
        "AS q WHERE search @@ q ORDER BY ts_rank(search, q) DESC, year DESC NULLS LAST "
        "LIMIT :limit")
    with _archive_errors(engine), engine.connect() as connection:
        rows = connection.execute(query, {"words": words, "limit": limit}).all()
    return [SearchHit(_listed(row[:-1]), " ".join(str(row[-1]).split())) for row in rows]


def _listed(row: Any) -> ArchivedReview:
    (review_id, title, unit, municipality, committee, year, status, version, signed,
     pushed_by, pushed_at) = tuple(row)
    return ArchivedReview(str(review_id), str(title), str(unit), str(municipality),
                          str(committee), None if year is None else int(year), str(status),
                          int(version), bool(signed), str(pushed_by), pushed_at)


def resolve_archived(engine: Engine, reference: str) -> ArchivedReview:
    """The archived review named by its id, the start of its id (as ``kvtui list`` shows it)
    or its exact title."""
    wanted = reference.strip()
    found = [review for review in list_archived(engine)
             if review.review_id.startswith(wanted) or review.title == wanted]
    if not found:
        raise NotFound(f"Arkivet har ingen granskning ”{wanted}” som du får läsa.")
    if len(found) > 1:
        names = ", ".join(f"{short_id(r.review_id)} ({r.title})" for r in found[:5])
        raise InvalidInput(f"”{wanted}” passar flera granskningar i arkivet: {names}. Ange "
                           "fler tecken av id:t.")
    return found[0]


# --- the archive itself ------------------------------------------------------------------------


def checked_archive(target: str) -> Engine:
    """An engine on the archive at ``target``, refused (``ArchiveError``, Swedish) when the
    archive cannot be reached or is not at this kvtui's schema."""
    engine = make_archive_engine(target)
    try:
        revision = archive_revision(engine)
        if revision is None:
            raise ArchiveError("Databasen är inget kvtui-arkiv än: den saknar kvtui:s tabeller. "
                               "Be arkivets administratör köra ”kvtui archive upgrade”.")
        if is_newer(revision):
            raise ArchiveError(f"Arkivet har ett nyare schema ({revision}) än den här versionen "
                               f"av kvtui känner till ({HEAD}). Uppdatera kvtui.")
        if revision != HEAD:
            raise ArchiveError(f"Arkivet har ett äldre schema ({revision}) än den här versionen "
                               f"av kvtui ({HEAD}). Be arkivets administratör köra "
                               "”kvtui archive upgrade”.")
    except BaseException:
        engine.dispose()
        raise
    return engine


# --- errors ------------------------------------------------------------------------------------


@contextmanager
def _archive_errors(engine: Engine) -> Iterator[None]:
    """A lost connection as ``ArchiveError``, the archive's refusals as ``ArchiveRefused``;
    both in Swedish."""
    try:
        with archive_errors(engine):
            yield
    except DBAPIError as error:
        raise ArchiveRefused(archive_failure(error)) from None


def archive_failure(error: DBAPIError) -> str:
    """What went wrong with the archive, in Swedish, without the statement's parameters."""
    code = getattr(error.orig, "sqlstate", None) or ""
    if code == "42501":
        return ("Du har inte behörighet till det i arkivet. Be arkivets administratör om "
                "behörighet. Ingenting har ändrats.")
    if code == "P0001":
        return ("Arkivet vägrade: en signerad granskning är låst där och ändras inte. "
                "Ingenting har ändrats.")
    if code.startswith("23"):
        return ("Arkivet vägrade: det stämmer inte med det som redan finns där. Ingenting har "
                "ändrats.")
    if code == "42P01":
        return ("Arkivet saknar kvtui:s tabeller. Be arkivets administratör köra "
                "”kvtui archive upgrade”. Ingenting har ändrats.")
    return "Arkivet kunde inte utföra det. Ingenting har ändrats."

