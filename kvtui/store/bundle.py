"""A review carried to another store in one encrypted file: ``kvtui bundle export`` / ``import``.

The payload is a SQLite database at the exporting store's schema that holds one review: every
row of every table that belongs to it (``kvtui.store.bundle_rows``; its template is its own
copy, ``review_template``), and its change-log entries as they stand. It is built and read in
memory only (``serialize`` / ``deserialize``), so the review never lies on disk in clear
outside the store.

Import brings a payload of an older schema up to date with the store's own migrations and
refuses one from a newer kvtui. A review the store does not hold is copied in one transaction:
every row exactly as it was, under the store's own triggers (a signed review is signed again
through its sign-offs and reopenings in order, so the lock's rules hold all the way and the
review ends as locked as it left), the search index filled by its triggers, the change-log
entries re-chained after this store's last one with their original id, time and actor, and one
entry that records the import. Any failure rolls all of it back. A review the store already
holds is merged with the store's copy (``kvtui.store.merge``), or, when it is signed here and
the bundle holds a later version of it, replaced by that version (``_advance``).

A signed review's sign-off names the change-log entry it was signed after in the store where
it was signed; the import entry records each of those anchors in this store's chain, and
``imported_anchor`` is what ``kvtui check`` accepts in their place.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, col, select

from kvtui.domain.bundle_format import BundleError, BundleHeader, ScryptCost
from kvtui.domain.log_text import ENTITIES
from kvtui.domain.merge import merge_text
from kvtui.domain.reviews import SIGNED, short_id
from kvtui.domain.safe_text import typed_text
from kvtui.store import changelog
from kvtui.store.bulk import driver, read_value
from kvtui.store.bundle_cipher import attach_payload, plain_copy
from kvtui.store.bundle_file import seal, unseal, write_bundle
from kvtui.store.bundle_rows import LOG_TABLE, ReviewTable, review_tables, select_rows
from kvtui.store.cipher import looks_encrypted
from kvtui.store.engine import sqlite_uri
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.idnumber_rule import Rule, as_typed, free_text_columns, numbers_in
from kvtui.store.log_chain import GENESIS, current_actor, entry_hash, last_entry
from kvtui.store.merge import MergeOutcome, merge_review
from kvtui.store.migrate import REVISIONS, MigrationError, current_revision, is_newer, upgrade
from kvtui.store.models import ChangeLog, Review

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from kvtui.store.database import Store

IMPORT_ACTION = "bundle_import"
INCOMING = "incoming"
# The status a signed review holds while its versions are signed again one by one on import.
_BETWEEN_SIGNINGS = "fieldwork"
_LOG = ChangeLog.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ExportOutcome:
    """A bundle written: where, and what its header says."""

    path: Path
    header: BundleHeader
    size: int


@dataclass(frozen=True)
class ImportOutcome:
    """A bundle imported: the review, whether it is signed, and how many log entries came."""

    review_id: str
    title: str
    signed: bool
    entries: int
    header: BundleHeader
    merged: MergeOutcome | None = None  # the store held the review: what the merge did

    def merge_said(self) -> str | None:
        """What the merge did, in Swedish; None when the review came in as new."""
        if self.merged is None:
            return None
        m = self.merged
        return merge_text(short_id(self.review_id), taken=m.taken, inserted=m.inserted,
                          deleted=m.deleted, conflicts=m.conflicts, signed=m.signed)


# --- export ------------------------------------------------------------------------------------


def export_review(store: Store, review_id: str, dest: Path, passphrase: str, *,
                  cost: ScryptCost | None = None) -> ExportOutcome:
    """Write the review to a new bundle file at ``dest`` (never over an existing file)."""
    if dest.exists():
        raise BundleError(f"Filen {dest} finns redan och skrivs inte över. Ange ett annat namn.")
    payload, revision = review_payload(store, review_id)
    sealed = seal(payload, passphrase, kvtui_version=version("kvtui"), review_id=review_id,
                  exported_by=current_actor(), exported_at=datetime.now(UTC).replace(
                      microsecond=0), revision=revision, cost=cost)
    write_bundle(dest, sealed.data)
    return ExportOutcome(dest, sealed.header, len(sealed.data))


def review_payload(store: Store, review_id: str) -> tuple[bytes, str]:
    """The payload of one review of ``store`` (encrypted or not) and its schema revision."""
    store.check_file()
    if looks_encrypted(store.path):
        with store.engine.connect() as connection, plain_copy(driver(connection)) as uri:
            return build_payload(store.path, review_id, source_uri=uri)
    return build_payload(store.path, review_id, immutable=store.immutable)


def build_payload(path: Path, review_id: str, *, immutable: bool = False,
                  source_uri: str | None = None) -> tuple[bytes, str]:
    """The payload of one review of the store at ``path``, and the store's schema revision.

    The store is attached read-only to an in-memory database that gets its schema (tables and
    indexes first, then the review's rows, then the triggers, which would refuse the rows of a
    signed review) and is serialized: nothing is written to the store or beside it.
    ``source_uri`` attaches another database in the store's place (an encrypted store's
    plain copy in memory, ``kvtui.store.bundle_cipher``).
    """
    memory = memory_database()
    try:
        memory.execute("ATTACH DATABASE ? AS store", (
            source_uri or sqlite_uri(path, read_only=True, immutable=immutable),))
        memory.execute("BEGIN")  # one snapshot of the store across every table
        if memory.execute("SELECT 1 FROM store.review WHERE id = ?",
                          (review_id,)).fetchone() is None:
            raise NotFound("Granskningen finns inte i databasen.")
        revision = _revision(memory, "store")
        entries = memory.execute("SELECT type, name, sql FROM store.sqlite_master WHERE sql IS "
                                 "NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
                                 ).fetchall()
        shadows = tuple(f"{name}_" for kind, name, sql in entries
                        if kind == "table" and sql.upper().startswith("CREATE VIRTUAL"))
        for kind in ("table", "index", "view"):
            for entry_kind, name, sql in entries:
                if entry_kind == kind and not name.startswith(shadows):
                    memory.execute(sql)
        existing = {name for kind, name, _sql in entries if kind == "table"}
        for table in review_tables():
            if table.name in existing:
                _copy(memory, table, "store", review_id)
        _copy_false_alarms(memory, review_id)
        log_columns = ", ".join(_LOG.c.keys())
        memory.execute(f"INSERT INTO main.{LOG_TABLE} ({log_columns}) SELECT {log_columns} "
                       f"FROM store.{LOG_TABLE} WHERE review_id = ?", (review_id,))
        memory.execute("INSERT INTO main.alembic_version (version_num) VALUES (?)",
                       (revision,))
        for kind, _name, sql in entries:
            if kind == "trigger":
                memory.execute(sql)
        memory.execute("COMMIT")
        memory.execute("DETACH DATABASE store")
        return memory.serialize(), revision
    finally:
        memory.close()


def review_texts(connection: sqlite3.Connection, schema: str,
           review_id: str) -> Iterator[tuple[str, str, str]]:
    """Every free text of the review's rows and log entries in ``schema``, as (table, kind,
    value); ``kind`` is "text" or "json" (``free_text_columns``)."""
    tables = [(table.name, table.table, table.condition(schema)) for table in review_tables()]
    tables.append((LOG_TABLE, _LOG, "t.review_id = :review"))
    for name, table, condition in tables:
        kinds = free_text_columns(table)
        if not kinds:
            continue
        columns = sorted(kinds)
        listed = ", ".join(f"t.{column}" for column in columns)
        rows = connection.execute(f"SELECT {listed} FROM {schema}.{name} AS t WHERE {condition}",
                                  {"review": review_id})
        for row in rows:
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and value:
                    yield name, kinds[column], value


def _copy_false_alarms(memory: sqlite3.Connection, review_id: str) -> None:
    """The store's confirmations that a number in the review's texts is not a personnummer:
    without them the receiving store would take the number for one."""
    keys = sorted({number.key for _table, _kind, value in review_texts(memory, "store", review_id)
                   for number in numbers_in(typed_text(value))})
    if keys:
        memory.execute("INSERT INTO main.false_alarm SELECT * FROM store.false_alarm WHERE "
                       "digits IN (SELECT value FROM json_each(?))", (json.dumps(keys),))


def _copy(connection: sqlite3.Connection, table: ReviewTable, source: str,
          review_id: str) -> None:
    # A store of an older revision lacks the columns later migrations added to a table; the
    # payload keeps its revision and is brought up to date on import.
    present = {row[1] for row in connection.execute(f"PRAGMA {source}.table_info({table.name})")}
    table = replace(table, columns=tuple(name for name in table.columns if name in present))
    listed = ", ".join(table.columns)
    connection.execute(f"INSERT INTO main.{table.name} ({listed}) "
                       f"{select_rows(table, source)}", {"review": review_id})


def memory_database(payload: bytes | None = None) -> sqlite3.Connection:
    """An in-memory database (a payload's, when given) that keeps its temporary tables in
    memory too."""
    connection = sqlite3.connect(":memory:", uri=True, check_same_thread=False)
    connection.isolation_level = None
    connection.execute("PRAGMA temp_store = MEMORY")
    if payload is not None:
        connection.deserialize(payload)
    return connection


@contextmanager
def engine_on(connection: sqlite3.Connection) -> Iterator[Engine]:
    """An engine whose one connection is ``connection`` (an in-memory database), for the
    store's own code to run on. Disposing of it closes the connection: serialize first."""
    engine = create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)

    @event.listens_for(engine, "connect")
    def _autocommit(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None

    try:
        yield engine
    finally:
        engine.dispose()


def _revision(connection: sqlite3.Connection, schema: str) -> str:
    row = connection.execute(f"SELECT version_num FROM {schema}.alembic_version").fetchone()
    if row is None:
        raise BundleError("Databasen saknar schemaversion.")
    return str(row[0])


# --- import ------------------------------------------------------------------------------------


def open_bundle(data: bytes, passphrase: str) -> tuple[BundleHeader, bytes]:
    """The header and the payload at the store's schema, checked before the store is touched.

    ``BundleError`` (Swedish) for a damaged or foreign file, a wrong passphrase, a payload from
    a newer kvtui or one that does not hold the review its header names.
    """
    header, payload = unseal(data, passphrase)
    return header, payload_at_head(payload, header.review_id)


def payload_at_head(payload: bytes, review_id: str) -> bytes:
    """The payload brought up to this kvtui's schema (its own migrations), as bytes again."""
    memory = memory_database()
    try:
        try:
            memory.deserialize(payload)
            ok = memory.execute("PRAGMA quick_check").fetchone()
            revision = current_revision(memory)
        except sqlite3.Error:
            raise BundleError("Paketets innehåll är ingen kvtui-databas.") from None
        if not ok or ok[0] != "ok" or revision is None:
            raise BundleError("Paketets innehåll är ingen hel kvtui-databas.")
        if is_newer(revision):
            raise BundleError(
                f"Paketet är skapat av en nyare version av kvtui (schema {revision}, den här "
                f"versionen känner till {REVISIONS[-1]}). Uppdatera kvtui för att importera "
                "det. Databasen har inte ändrats.")
        if revision != REVISIONS[-1]:
            memory = _upgraded(memory)
        if memory.execute("SELECT 1 FROM review WHERE id = ?", (review_id,)).fetchone() is None:
            raise BundleError("Paketet innehåller inte granskningen som dess huvud anger.")
        return memory.serialize()
    finally:
        memory.close()


def _upgraded(memory: sqlite3.Connection) -> sqlite3.Connection:
    """The payload on ``memory`` after the migrations, on a new connection (the engine closes
    the one it ran on)."""
    try:
        with engine_on(memory) as engine:
            upgrade(engine)
            data = memory.serialize()
    except (DBAPIError, sqlite3.Error, MigrationError):
        raise BundleError("Paketet är från en äldre version av kvtui och kunde inte "
                          "uppgraderas.") from None
    return memory_database(data)


def import_bundle(store: Store, header: BundleHeader, payload: bytes) -> ImportOutcome:
    """Bring the review of an opened bundle (``open_bundle``) into the store, in one
    transaction: all of it, or nothing."""
    review_id = header.review_id
    encrypted = looks_encrypted(store.path)
    with store.engine.connect() as connection:
        raw = driver(connection)
        if not encrypted:
            raw.execute(f"ATTACH DATABASE ':memory:' AS {INCOMING}")
        try:
            if encrypted:
                attach_payload(raw, payload, INCOMING)
            else:
                raw.deserialize(payload, name=INCOMING)
            with connection.begin():
                entries, merged = _bring_in(connection, header)
        except (DBAPIError, sqlite3.Error):
            raise BundleError("Granskningen i paketet kunde inte läggas in: den är inte hel "
                              "eller stämmer inte med sig själv. Databasen har inte "
                              "ändrats.") from None
        finally:
            raw.execute(f"DETACH DATABASE {INCOMING}")
    with Session(store.engine) as session:
        review = session.get(Review, review_id)
        assert review is not None
    return ImportOutcome(review_id, review.title, review.status == SIGNED, entries, header,
                         merged)


def _bring_in(connection: Connection, header: BundleHeader) -> tuple[int, MergeOutcome | None]:
    """Copy the review in (the number of log entries that came), or merge it with the
    store's own copy (what the merge did)."""
    review_id = header.review_id
    raw = driver(connection)
    local = raw.execute("SELECT status, version FROM main.review WHERE id = ?",
                        (review_id,)).fetchone()
    if local is not None:
        incoming = raw.execute(f"SELECT status, version FROM {INCOMING}.review WHERE id = ?",
                               (review_id,)).fetchone()
        if local[0] == SIGNED and incoming is not None and int(incoming[1]) > int(local[1]):
            return _advance(connection, header, int(local[1])), None
        if (local[0] != SIGNED and incoming is not None and incoming[0] == SIGNED
                and not _changed_since(raw, review_id)):
            return _signed_in_place(connection, header), None
        return 0, merge_review(connection, review_id, INCOMING)
    _refuse_numbers(connection, review_id)
    raw.execute("PRAGMA defer_foreign_keys = ON")
    anchors = _copy_review(connection, review_id)
    entries = _rechain(connection, review_id)
    _log_import(connection, header, entries, anchors)
    return entries, None


def _changed_since(raw: sqlite3.Connection, review_id: str) -> bool:
    """Whether the store's copy has seen changes (its own or merged in) that the bundle's has
    not: some site's counter in its merge context is higher here."""
    return raw.execute(
        f"SELECT 1 FROM main.merge_context AS m LEFT JOIN {INCOMING}.merge_context AS i ON "
        "i.review_id = m.review_id AND i.site = m.site WHERE m.review_id = ? AND "
        "m.counter > coalesce(i.counter, 0) LIMIT 1", (review_id,)).fetchone() is not None


def _signed_in_place(connection: Connection, header: BundleHeader) -> int:
    """The review is in progress here, the bundle holds it signed, and nothing here is newer
    than the bundle's copy (another auditor signed what both had): the copy here is replaced
    by the signed one, as if it had come new. The log keeps its own entries; the bundle's
    that it lacks are re-chained after them."""
    review_id = header.review_id
    raw = driver(connection)
    _refuse_numbers(connection, review_id)
    raw.execute("PRAGMA defer_foreign_keys = ON")
    for table in reversed(review_tables()):
        raw.execute(f"DELETE FROM main.{table.name} AS t WHERE {table.condition('main')}",
                    {"review": review_id})
    anchors = _copy_review(connection, review_id)
    entries = _rechain(connection, review_id, only_new=True)
    _log_import(connection, header, entries, anchors)
    return entries


def _advance(connection: Connection, header: BundleHeader, signed: int) -> int:
    """The review is signed here at version ``signed`` and the bundle holds a later version of
    it: it comes in as that version.

    Signed and locked, the copy here cannot have changed since it was signed, so nothing of
    its own is lost: it is opened again with the bundle's own reopening, its rows are replaced
    by the bundle's, and the later versions are signed and opened as they were there. The
    bundle's log entries this log lacks are re-chained after its last, and the import entry
    records the later sign-offs' anchors. Refused when the bundle's history does not continue
    this signed version."""
    review_id = header.review_id
    raw = driver(connection)
    key = {"review": review_id}
    tables = {table.name: table for table in review_tables()}
    ours = raw.execute("SELECT id FROM main.sign_off WHERE review_id = ? AND version = ?",
                       (review_id, signed)).fetchone()
    theirs = raw.execute(f"SELECT id FROM {INCOMING}.sign_off WHERE review_id = ? AND "
                         "version = ?", (review_id, signed)).fetchone()
    reopened = raw.execute(f"SELECT id FROM {INCOMING}.review_reopening WHERE review_id = ? "
                           "AND from_version = ?", (review_id, signed)).fetchone()
    if ours is None or theirs is None or ours[0] != theirs[0] or reopened is None:
        raise InvalidInput(f"Granskningen är signerad här i version {signed}, och paketets "
                           "senare version bygger inte på den signeringen. Databasen har "
                           "inte ändrats.")
    _refuse_numbers(connection, review_id)
    raw.execute("PRAGMA defer_foreign_keys = ON")
    _copy_one(raw, tables["review_reopening"], reopened[0])
    raw.execute("UPDATE main.review SET status = :status, version = version + 1 WHERE id = "
                ":review", {**key, "status": _BETWEEN_SIGNINGS})
    kept = ("review", "sign_off", "review_reopening")
    for name in reversed(list(tables)):
        if name not in kept:
            raw.execute(f"DELETE FROM main.{name} AS t WHERE {tables[name].condition('main')}",
                        key)
    for name, table in tables.items():
        if name not in kept:
            _copy_into_store(raw, table, review_id)
    listed = [name for name in tables["review"].columns
              if name not in ("id", "status", "version", "updated_at")]
    raw.execute(f"UPDATE main.review SET ({', '.join(listed)}) = (SELECT "
                f"{', '.join(listed)} FROM {INCOMING}.review WHERE id = :review) "
                "WHERE id = :review", key)
    review = _named_rows(raw, f"SELECT status, version, updated_at FROM {INCOMING}.review"
                              " WHERE id = :review", key)[0]
    sign_offs = {int(row["version"]): row for row in _named_rows(
        raw, f"SELECT id, version, log_seq, log_hash FROM {INCOMING}.sign_off "
             "WHERE review_id = :review AND version > :signed", {**key, "signed": signed})}
    reopenings = {int(row["from_version"]): row for row in _named_rows(
        raw, f"SELECT id, from_version FROM {INCOMING}.review_reopening WHERE review_id = "
             ":review AND from_version > :signed", {**key, "signed": signed})}
    final_version = int(review["version"])
    _replay(raw, review_id, range(signed + 1, final_version + 1), sign_offs, reopenings,
            review)
    for table in tables.values():
        _same_rows(raw, table, review_id)
    entries = _rechain(connection, review_id, only_new=True)
    anchors = {row["id"]: {"log_seq": int(row["log_seq"]), "log_hash": row["log_hash"]}
               for row in sign_offs.values() if row["log_hash"]}
    _log_import(connection, header, entries, anchors, version=[signed, final_version])
    return entries


def _log_import(connection: Connection, header: BundleHeader, entries: int,
                anchors: dict[str, dict[str, Any]], **more: Any) -> None:
    """The import's own log entry: the bundle, how many entries came, and the sign-offs'
    anchors in the log they were signed in (``imported_anchor``)."""
    changelog.append_to(connection, review_id=header.review_id, entity="review",
                        entity_id=header.review_id, action=IMPORT_ACTION, changes={
                            "bundle_sha256": header.payload_sha256,
                            "exported_by": header.exported_by,
                            "exported_at": header.exported_at.isoformat(),
                            "kvtui_version": header.kvtui_version,
                            "entries": entries, **more, "sign_off_anchors": anchors})


def _refuse_numbers(connection: Connection, review_id: str) -> None:
    """Refuse a review whose texts hold a number this store would mask as a personnummer.

    The rows are copied exactly (a signed review's row hash must hold), so the store's rule
    for free text is applied here as a check rather than a rewrite: a number the sending
    store confirmed was no personnummer came with the bundle and is confirmed here too (in
    this transaction, logged); any other refuses the whole bundle.
    """
    raw = driver(connection)
    carried = frozenset(row[0] for row in raw.execute(
        f"SELECT digits FROM {INCOMING}.false_alarm"))
    rule = Rule(connection)
    with as_typed(carried):
        held = sorted({ENTITIES.get(table, "ändringsloggen" if table == LOG_TABLE else table)
                       for table, kind, value in review_texts(raw, INCOMING, review_id)
                       if rule.holds_number(kind, value)})
        rule.confirm(carried)
    if held:
        raise InvalidInput("Paketet innehåller något som ser ut som ett personnummer ("
                           + ", ".join(held) + ") och tas inte emot. Databasen har inte "
                           "ändrats.")


def _copy_review(connection: Connection, review_id: str) -> dict[str, dict[str, Any]]:
    """Copy every row, signing a signed review again version by version; the sign-offs'
    anchors in the log they were signed in, by sign-off id."""
    raw = driver(connection)
    key = {"review": review_id}
    tables = {table.name: table for table in review_tables()}
    review = _named_rows(raw, f"SELECT status, version, updated_at FROM {INCOMING}.review"
                                     " WHERE id = :review", key)[0]
    sign_offs = {int(row["version"]): row for row in _named_rows(
        raw, f"SELECT id, version, log_seq, log_hash FROM {INCOMING}.sign_off "
                    "WHERE review_id = :review", key)}
    reopenings = {int(row["from_version"]): row for row in _named_rows(
        raw, f"SELECT id, from_version FROM {INCOMING}.review_reopening "
                    "WHERE review_id = :review", key)}
    final_version = int(review["version"])
    first = min([final_version, *sign_offs, *reopenings])
    listed = tables["review"].columns
    chosen = ", ".join(f":status AS {name}" if name == "status" else
                       f":first AS {name}" if name == "version" else f"t.{name}"
                       for name in listed)
    raw.execute(f"INSERT INTO main.review ({', '.join(listed)}) SELECT {chosen} FROM "
                f"{INCOMING}.review AS t WHERE t.id = :review",
                {**key, "status": _BETWEEN_SIGNINGS, "first": first})
    for name, table in tables.items():
        if name not in ("review", "sign_off", "review_reopening"):
            _copy_into_store(raw, table, review_id)
    _replay(raw, review_id, range(first, final_version + 1), sign_offs, reopenings, review)
    for table in tables.values():
        _same_rows(raw, table, review_id)
    return {row["id"]: {"log_seq": int(row["log_seq"]), "log_hash": row["log_hash"]}
            for row in sign_offs.values() if row["log_hash"]}


def _replay(raw: sqlite3.Connection, review_id: str, versions: range,
            sign_offs: dict[int, Any], reopenings: dict[int, Any], review: Any) -> None:
    """Sign and open the review again version by version as the bundle's was, under the
    store's lock, and end in the bundle's status."""
    key = {"review": review_id}
    tables = {table.name: table for table in review_tables()}
    final_version = versions[-1] if versions else int(review["version"])
    for number in versions:
        if number in sign_offs:
            _copy_one(raw, tables["sign_off"], sign_offs[number]["id"])
            last = number == final_version and review["status"] == SIGNED
            raw.execute("UPDATE main.review SET status = :signed, updated_at = CASE WHEN :last "
                        "THEN :at ELSE updated_at END WHERE id = :review",
                        {**key, "signed": SIGNED, "last": last, "at": review["updated_at"]})
        if number in reopenings:
            _copy_one(raw, tables["review_reopening"], reopenings[number]["id"])
            raw.execute("UPDATE main.review SET status = :status, version = version + 1 "
                        "WHERE id = :review", {**key, "status": _BETWEEN_SIGNINGS})
    if review["status"] != SIGNED:
        raw.execute("UPDATE main.review SET status = :status, updated_at = :at WHERE id = "
                    ":review", {**key, "status": review["status"], "at": review["updated_at"]})


def _named_rows(raw: sqlite3.Connection, sql: str, parameters: dict[str, Any]
                ) -> list[sqlite3.Row]:
    cursor = raw.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, parameters).fetchall()


def _copy_into_store(raw: sqlite3.Connection, table: ReviewTable, review_id: str) -> None:
    listed = ", ".join(table.columns)
    raw.execute(f"INSERT INTO main.{table.name} ({listed}) {select_rows(table, INCOMING)}",
                {"review": review_id})


def _copy_one(raw: sqlite3.Connection, table: ReviewTable, row_id: str) -> None:
    listed = ", ".join(table.columns)
    raw.execute(f"INSERT INTO main.{table.name} ({listed}) SELECT {listed} FROM "
                f"{INCOMING}.{table.name} WHERE id = ?", (row_id,))


def _same_rows(raw: sqlite3.Connection, table: ReviewTable, review_id: str) -> None:
    """Every row came over exactly, and no other: else the transaction is rolled back."""
    key = {"review": review_id}
    for first, second in ((INCOMING, "main"), ("main", INCOMING)):
        differ = raw.execute(f"{select_rows(table, first)} EXCEPT {select_rows(table, second)}"
                             " LIMIT 1", key).fetchone()
        if differ is not None:
            raise sqlite3.IntegrityError(f"{table.name} came over changed")


def _rechain(connection: Connection, review_id: str, *, only_new: bool = False) -> int:
    """Append the review's log entries after this store's last, each with its own id, time,
    actor and content, linked into this store's chain; ``only_new``: those this log lacks."""
    raw = driver(connection)
    lacking = f" AND id NOT IN (SELECT id FROM main.{LOG_TABLE})" if only_new else ""
    rows = _named_rows(raw, f"SELECT * FROM {INCOMING}.{LOG_TABLE} WHERE review_id = "
                            f":review{lacking} ORDER BY seq", {"review": review_id})
    if not only_new and rows and raw.execute(
            f"SELECT 1 FROM main.{LOG_TABLE} WHERE id IN (SELECT id FROM {INCOMING}.{LOG_TABLE}"
            " WHERE review_id = ?) LIMIT 1", (review_id,)).fetchone():
        raise sqlite3.IntegrityError("change-log entries already in the store")
    last = last_entry(connection)
    seq, prev = last if last else (0, GENESIS)
    names = list(_LOG.c.keys())
    insert = (f"INSERT INTO main.{LOG_TABLE} ({', '.join(names)}) "
              f"VALUES ({', '.join('?' * len(names))})")
    for row in rows:
        seq += 1
        entry = ChangeLog(
            id=row["id"], seq=seq, review_id=row["review_id"], entity=row["entity"],
            entity_id=row["entity_id"], action=row["action"], changes_json=row["changes_json"],
            actor=row["actor"], prev_hash=prev, hash="",
            created_at=read_value(connection, _LOG.c.created_at, row["created_at"]))
        digest = entry_hash(prev, entry)
        values = {**dict(zip(row.keys(), row, strict=True)), "seq": seq, "prev_hash": prev,
                  "hash": digest}
        raw.execute(insert, [values[name] for name in names])
        prev = digest
    return len(rows)


def imported_anchor(session: Session, review_id: str, sign_off_id: str, log_seq: int,
                    log_hash: str) -> bool:
    """Whether an import of the review into this store recorded the sign-off with this anchor
    in the log it was signed in (which this store's log does not hold)."""
    rows = session.exec(select(ChangeLog.changes_json).where(
        ChangeLog.entity == "review", ChangeLog.entity_id == review_id,
        ChangeLog.review_id == review_id, ChangeLog.action == IMPORT_ACTION)
        .order_by(col(ChangeLog.seq)))
    for changes_json in rows:
        anchors = changelog.parse_changes(changes_json).get("sign_off_anchors")
        if isinstance(anchors, dict) and anchors.get(sign_off_id) == {
                "log_seq": log_seq, "log_hash": log_hash}:
            return True
    return False
