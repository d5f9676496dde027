"""Merging a copy of a review into the store that already holds the review.

The copy is read from an attached schema (``incoming``) with the store's own schema. Rows are
matched by their ids; each field is decided by its two stamps and the two copies' contexts
(``kvtui.domain.merge.decide``): a change only one side made is taken, a field both changed
since they last met is a conflict whose two values are kept (``merge_conflict``) while the
higher stamp's value is shown. A deletion is honoured unless the other side changed the row
since; then the row stays and the deletion is a conflict. The work is set-based: the stamps
that differ are found with one join, and values are copied with one statement per table and
field, so that a review of thousands of akter merges in a fraction of a second.

A signed review is never changed. Rows written before stamps existed (migration 0014) carry
none: both copies are taken to have started from them, so a field two copies already held
differently before then keeps each store's value until one side changes it again.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kvtui.domain.merge import DELETED, Stamp, shown
from kvtui.domain.reviews import SIGNED
from kvtui.store.bulk import driver
from kvtui.store.errors import InvalidInput
from kvtui.store.log_chain import current_actor, write_entry
from kvtui.store.models import SQLModel
from kvtui.store.review_rows import REVIEW_ROWS
from kvtui.store.stamps import MERGED_TABLES, STAMPED
from kvtui.store.stored_idnumbers import mask_review

if TYPE_CHECKING:
    from sqlalchemy import Connection

_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# From this many changed rows of one table on, its search trigger runs once for all of them.
_IN_BULK = 64


@dataclass(frozen=True)
class MergeOutcome:
    """What a merge did: fields taken from the copy, fields where the store's own value was
    newer, new conflicts, rows added and rows deleted."""

    taken: int = 0
    kept: int = 0
    conflicts: int = 0
    inserted: int = 0
    deleted: int = 0
    signed: bool = False  # the review is signed here: nothing was changed
    skipped: tuple[str, ...] = field(default_factory=tuple)  # rows not merged, in Swedish

    @property
    def changed(self) -> bool:
        """Whether the merge changed the store."""
        return bool(self.taken or self.conflicts or self.inserted or self.deleted)


def _scope(table: str, schema: str) -> str:
    """The condition on alias ``t`` picking ``table``'s rows of the review ``:r`` in
    ``schema`` (the sign-off's list of a review's rows, read from that schema)."""
    condition = REVIEW_ROWS[table].replace("?", ":r")
    return re.sub(r"\b(FROM|JOIN) (\w+)", rf"\1 {schema}.\2", condition)


def _columns(raw: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in raw.execute(f"PRAGMA main.table_info({table})")]


def _parents(table: str) -> list[tuple[str, str]]:
    """(column, parent table) of each foreign key of ``table``."""
    found = []
    for column in SQLModel.metadata.tables[table].columns:
        for key in column.foreign_keys:
            found.append((column.name, key.column.table.name))
    return found


def _unique_keys(table: str) -> list[tuple[str, ...]]:
    """The unique keys of ``table`` other than its id."""
    keys: list[tuple[str, ...]] = []
    model = SQLModel.metadata.tables[table]
    for constraint in model.constraints:
        names = tuple(c.name for c in getattr(constraint, "columns", ()))
        if constraint.__class__.__name__ == "UniqueConstraint" and names:
            keys.append(names)
    keys += [(c.name,) for c in model.columns if c.unique]
    return keys


def _context(raw: sqlite3.Connection, schema: str, review_id: str) -> dict[str, int]:
    return {site: int(counter) for site, counter in raw.execute(
        f"SELECT site, counter FROM {schema}.merge_context WHERE review_id = ?", (review_id,))}


def _conflict_id(entity: str, row_id: str, name: str, a: Stamp, b: Stamp) -> str:
    text = json.dumps([entity, row_id, name, a.site, a.counter, b.site, b.counter])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class _Merge:
    """One merge: the connection, the two schemas and what it did so far."""

    def __init__(self, connection: Connection, review_id: str, schema: str) -> None:
        self.connection = connection
        self.raw = driver(connection)
        self.review_id = review_id
        self.s = schema
        self.local_context = _context(self.raw, "main", review_id)
        self.incoming_context = _context(self.raw, schema, review_id)
        self.taken = self.kept = self.inserted = self.deleted = 0
        self.conflicts: list[dict[str, Any]] = []
        self.changes: list[list[Any]] = []
        self.skipped: list[str] = []
        self.twinned: set[tuple[str, str]] = set()  # local rows kept for a twin in the copy

    # --- helpers ------------------------------------------------------------------------

    def run(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        return self.raw.execute(sql, parameters)

    def seen_by_local(self, stamp: Stamp) -> bool:
        return stamp.bottom or self.local_context.get(stamp.site, 0) >= stamp.counter

    def seen_by_incoming(self, stamp: Stamp) -> bool:
        return stamp.bottom or self.incoming_context.get(stamp.site, 0) >= stamp.counter

    def stamps_of(self, schema: str, entity: str, row_id: str) -> dict[str, tuple[Any, ...]]:
        return {row[0]: tuple(row[1:]) for row in self.run(
            f"SELECT field, site, counter, actor, at FROM {schema}.merge_stamp "
            "WHERE entity = ? AND row_id = ?", (entity, row_id))}

    def put_stamp(self, entity: str, row_id: str, name: str, stamp: tuple[Any, ...]) -> None:
        self.run("INSERT OR REPLACE INTO main.merge_stamp (entity, row_id, field, review_id, "
                 "site, counter, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (entity, row_id, name, self.review_id, *stamp))

    def open_conflict(self, entity: str, row_id: str, name: str, local: tuple[Any, ...],
                      incoming: tuple[Any, ...], local_value: Any,
                      incoming_value: Any) -> bool:
        """Record a conflict (once, the same in both copies); True when it is new."""
        ls, is_ = Stamp(int(local[1]), str(local[0])), Stamp(int(incoming[1]), str(incoming[0]))
        if shown(ls, is_) == ls:
            a, va, b, vb = local, local_value, incoming, incoming_value
        else:
            a, va, b, vb = incoming, incoming_value, local, local_value
        sa, sb = Stamp(int(a[1]), str(a[0])), Stamp(int(b[1]), str(b[0]))
        conflict_id = _conflict_id(entity, row_id, name, sa, sb)
        cursor = self.run(
            "INSERT OR IGNORE INTO main.merge_conflict (id, review_id, entity, row_id, field, "
            "label_json, value_a, site_a, counter_a, actor_a, at_a, value_b, site_b, counter_b,"
            " actor_b, at_b, resolved_at, resolved_by, resolution, resolved_value, "
            "resolved_counter) VALUES (?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL,"
            " '', '', NULL, 0)",
            (conflict_id, self.review_id, entity, row_id, name,
             json.dumps(va, ensure_ascii=False), *a, json.dumps(vb, ensure_ascii=False), *b))
        if cursor.rowcount:
            self.conflicts.append({"id": conflict_id, "tabell": entity, "rad": row_id,
                                   "fält": name, "värden": [local_value, incoming_value]})
            return True
        return False

    # --- the steps ----------------------------------------------------------------------

    def collisions(self) -> list[tuple[str, str, str]]:
        """Rows both copies made independently for the same thing (the same akt and
        criterion, the same section): one row in the end, under the lower id. A local row
        with the higher id is renamed (when no other row refers to it); returns the pairs
        (table, local id, incoming id) whose local id is kept, merged field by field."""
        pairs: list[tuple[str, str, str]] = []
        referred = {parent for table in MERGED_TABLES for _, parent in _parents(table)}
        for table in MERGED_TABLES[1:]:
            for key in _unique_keys(table):
                same = " AND ".join(f"x.{c} = t.{c}" for c in key)
                # A twin may be the row one side deleted and made again for the same key:
                # the new row carries on the old one, and the deletion no longer counts.
                rows = self.run(
                    f"SELECT x.id, t.id FROM {self.s}.{table} t JOIN main.{table} x ON {same} "
                    f"WHERE x.id <> t.id AND {_scope(table, self.s)}",
                    {"r": self.review_id}).fetchall()
                for local_id, incoming_id in rows:
                    # The row was made when the first of the two was made.
                    self.run(f"UPDATE main.{table} SET created_at = min(created_at, (SELECT "
                             f"created_at FROM {self.s}.{table} WHERE id = ?)) WHERE id = ?",
                             (incoming_id, local_id))
                    if incoming_id < local_id and table not in referred:
                        self.run("DELETE FROM main.merge_stamp WHERE entity = ? AND row_id = ?",
                                 (table, incoming_id))
                        self.run(f"UPDATE main.{table} SET id = ? WHERE id = ?",
                                 (incoming_id, local_id))
                        self.run("UPDATE OR REPLACE main.merge_stamp SET row_id = ? "
                                 "WHERE entity = ? AND row_id = ?",
                                 (incoming_id, table, local_id))
                        self.run("UPDATE main.merge_conflict SET row_id = ? "
                                 "WHERE entity = ? AND row_id = ?",
                                 (incoming_id, table, local_id))
                    else:
                        pairs.append((table, local_id, incoming_id))
                        self.twinned.add((table, local_id))
                        if table in referred:
                            self.skipped.append(f"{table} {incoming_id}")
        return pairs

    def candidates(self) -> None:
        """Every incoming stamp of the review that differs from the local one, with its
        verdict (``kvtui.domain.merge.decide`` in SQL)."""
        self.run("CREATE TEMP TABLE IF NOT EXISTS merge_candidate (entity TEXT, row_id TEXT,"
                 " field TEXT, i_site TEXT, i_counter INTEGER, i_actor TEXT, i_at TEXT,"
                 " l_site TEXT, l_counter INTEGER, l_actor TEXT, l_at TEXT, verdict TEXT)")
        self.run("DELETE FROM temp.merge_candidate")
        s = self.s
        self.run(
            "INSERT INTO temp.merge_candidate SELECT i.entity, i.row_id, i.field, i.site, "
            "i.counter, i.actor, i.at, l.site, l.counter, l.actor, l.at, CASE "
            "WHEN i.site = '' OR COALESCE((SELECT c.counter FROM main.merge_context c "
            " WHERE c.review_id = :r AND c.site = i.site), 0) >= i.counter THEN 'keep' "
            "WHEN l.site IS NULL OR l.site = '' OR COALESCE((SELECT c.counter FROM "
            f" {s}.merge_context c WHERE c.review_id = :r AND c.site = l.site), 0) >= l.counter"
            " THEN 'take' ELSE 'conflict' END "
            f"FROM {s}.merge_stamp i LEFT JOIN main.merge_stamp l ON l.entity = i.entity "
            "AND l.row_id = i.row_id AND l.field = i.field WHERE i.review_id = :r "
            "AND (l.site IS NULL OR l.site <> i.site OR l.counter <> i.counter)",
            {"r": self.review_id})

    def fields(self) -> None:
        """Take or set in conflict the fields of rows both copies hold under the same id."""
        counts = self.run("SELECT entity, count(*) FROM temp.merge_candidate WHERE verdict "
                          "<> 'keep' GROUP BY entity").fetchall()
        suspended = {entity: sql for entity, count in counts if count >= _IN_BULK
                     and entity in STAMPED and (sql := self.search_trigger(entity))}
        for entity in suspended:
            self.run(f"DROP TRIGGER main.search_{entity}_au")
        self.field_values()
        for entity, sql in suspended.items():
            touched = (f"(SELECT row_id FROM temp.merge_candidate WHERE entity = '{entity}' "
                       "AND verdict <> 'keep')")
            body = sql[sql.index(" BEGIN ") + 7:sql.rindex(" END")]
            body = body.replace("record_id = old.id", f"record_id IN {touched}").replace(
                "t.id = new.id", f"t.id IN {touched}")
            for statement in body.split(";"):
                if statement.strip():
                    self.run(statement)
            self.run(sql)

    def search_trigger(self, entity: str) -> str | None:
        """The search index's trigger on changes to ``entity``, when it is of the form that
        can be run once for many rows.

        The trigger finds a row's entry in the full-text index by a column the index does not
        index, which reads the whole index for every row changed: for thousands of comments
        taken from a copy, the merge drops it for its own transaction, updates the index once
        for all the rows, and puts it back as it was, text for text (``kvtui check`` compares
        it). A failed merge rolls all three back with the rest.
        """
        row = self.run("SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND "
                       "name = ?", (f"search_{entity}_au",)).fetchone()
        if row is None:
            return None
        sql = str(row[0])
        if sql.count("record_id = old.id") != 1 or sql.count("t.id = new.id") != 1:
            return None
        return sql

    def field_values(self) -> None:
        s = self.s
        self.kept += self.run("SELECT count(*) FROM temp.merge_candidate WHERE verdict = 'keep'"
                              " AND field <> ?", (DELETED,)).fetchone()[0]
        pairs = self.run("SELECT DISTINCT entity, field, verdict FROM temp.merge_candidate "
                         "WHERE verdict <> 'keep' AND field <> ?", (DELETED,)).fetchall()
        for entity, name, verdict in pairs:
            if entity not in STAMPED or name not in STAMPED[entity]:
                continue
            both = (f"FROM temp.merge_candidate c JOIN main.{entity} m ON m.id = c.row_id "
                    f"JOIN {s}.{entity} i ON i.id = c.row_id WHERE c.entity = ? "
                    "AND c.field = ? AND c.verdict = ?")
            rows = self.run(f"SELECT c.row_id, m.{name}, i.{name}, c.i_site, c.i_counter, "
                            f"c.i_actor, c.i_at, c.l_site, c.l_counter, c.l_actor, c.l_at "
                            f"{both}", (entity, name, verdict)).fetchall()
            if verdict == "take":
                self.changes += [[entity, row[0], name, row[1], row[2]] for row in rows
                                 if row[1] != row[2]]
                self.run(
                    f"UPDATE main.{entity} SET {name} = (SELECT i.{name} FROM {s}.{entity} i "
                    f"WHERE i.id = main.{entity}.id), updated_at = max(updated_at, (SELECT "
                    f"i.updated_at FROM {s}.{entity} i WHERE i.id = main.{entity}.id)) "
                    f"WHERE id IN (SELECT c.row_id {both})", (entity, name, verdict))
                self.run(
                    "INSERT OR REPLACE INTO main.merge_stamp (entity, row_id, field, review_id,"
                    " site, counter, actor, at) SELECT c.entity, c.row_id, c.field, ?, "
                    f"c.i_site, c.i_counter, c.i_actor, c.i_at {both}",
                    (self.review_id, entity, name, verdict))
                self.taken += len(rows)
                continue
            for row in rows:
                self.settle(entity, row[0], name, row[1], row[2], tuple(row[7:11]),
                            tuple(row[3:7]))

    def settle(self, entity: str, row_id: str, name: str, local_value: Any,
               incoming_value: Any, local: tuple[Any, ...], incoming: tuple[Any, ...]) -> None:
        """A field both copies changed: the same value is no conflict; either way the field
        ends with the higher stamp's value and stamp."""
        if local[0] is None:
            local = ("", 0, "", "")
        ls, is_ = Stamp(int(local[1]), str(local[0])), Stamp(int(incoming[1]), str(incoming[0]))
        if local_value != incoming_value:
            self.open_conflict(entity, row_id, name, local, incoming, local_value,
                               incoming_value)
        if shown(ls, is_) == is_:
            if local_value != incoming_value:
                self.run(f"UPDATE main.{entity} SET {name} = ? WHERE id = ?",
                         (incoming_value, row_id))
                self.changes.append([entity, row_id, name, local_value, incoming_value])
            self.put_stamp(entity, row_id, name, incoming)

    def pairs(self, pairs: list[tuple[str, str, str]]) -> None:
        """Rows made on both sides for the same thing, whose local id is kept: field by
        field as if they were one row."""
        for table, local_id, incoming_id in pairs:
            fields = sorted(STAMPED.get(table, ()))
            if not fields:
                continue
            names = ", ".join(fields)
            mine = self.run(f"SELECT {names} FROM main.{table} WHERE id = ?",
                            (local_id,)).fetchone()
            theirs = self.run(f"SELECT {names} FROM {self.s}.{table} WHERE id = ?",
                              (incoming_id,)).fetchone()
            local_stamps = self.stamps_of("main", table, local_id)
            incoming_stamps = self.stamps_of(self.s, table, incoming_id)
            for index, name in enumerate(fields):
                local = local_stamps.get(name, ("", 0, "", ""))
                incoming = incoming_stamps.get(name, ("", 0, "", ""))
                ls = Stamp(int(local[1]), str(local[0]))
                is_ = Stamp(int(incoming[1]), str(incoming[0]))
                if ls == is_ or self.seen_by_local(is_):
                    continue
                if self.seen_by_incoming(ls):
                    if mine[index] != theirs[index]:
                        self.run(f"UPDATE main.{table} SET {name} = ? WHERE id = ?",
                                 (theirs[index], local_id))
                        self.changes.append([table, local_id, name, mine[index],
                                             theirs[index]])
                    self.put_stamp(table, local_id, name, incoming)
                    self.taken += 1
                else:
                    self.settle(table, local_id, name, mine[index], theirs[index], local,
                                incoming)

    def inserts(self) -> None:
        """Rows only the copy has: added, unless this store deleted them and the copy did
        not change them since (then the deletion stands) or their parent is gone here."""
        s, r = self.s, {"r": self.review_id}
        for table in MERGED_TABLES[1:]:
            columns = ", ".join(_columns(self.raw, table))
            parents = "".join(
                f" AND (t.{column} IS NULL OR EXISTS (SELECT 1 FROM main.{parent} p "
                f"WHERE p.id = t.{column}))" for column, parent in _parents(table))
            free = "".join(
                " AND NOT EXISTS (SELECT 1 FROM main.{} x WHERE {})".format(
                    table, " AND ".join(f"x.{c} = t.{c}" for c in key))
                for key in _unique_keys(table))
            new = (f"FROM {s}.{table} t WHERE {_scope(table, s)} AND NOT EXISTS (SELECT 1 "
                   f"FROM main.{table} x WHERE x.id = t.id){parents}{free}")
            # Driven from this store's tombstones (few) rather than the copy's rows (many).
            deleted_here = self.run(
                f"SELECT t.id, d.site, d.counter, d.actor, d.at FROM main.merge_stamp d "
                f"JOIN {s}.{table} t ON t.id = d.row_id WHERE d.review_id = :r AND "
                f"d.entity = '{table}' AND d.field = '{DELETED}' AND "
                f"{new.split(' WHERE ', 1)[1]}", r).fetchall()
            self.run("CREATE TEMP TABLE IF NOT EXISTS merge_new (id TEXT PRIMARY KEY)")
            self.run("DELETE FROM temp.merge_new")
            for row_id, *tombstone in deleted_here:
                edit = self.unseen_edit(s, table, row_id, by_local=True)
                if edit is None:
                    continue  # the deletion stands: the copy's row is one this store deleted
                self.run("INSERT INTO temp.merge_new (id) VALUES (?)", (row_id,))
                self.run("DELETE FROM main.merge_stamp WHERE entity = ? AND row_id = ? "
                         "AND field = ?", (table, row_id, DELETED))
                self.deletion_conflict(table, row_id, tuple(tombstone), edit)
            self.run(f"INSERT OR IGNORE INTO temp.merge_new (id) SELECT t.id {new} AND NOT "
                     f"EXISTS (SELECT 1 FROM main.merge_stamp d WHERE d.entity = '{table}' AND "
                     f"d.row_id = t.id AND d.field = '{DELETED}')", r)
            added = self.run(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM "
                             f"{s}.{table} WHERE id IN (SELECT id FROM temp.merge_new)"
                             ).rowcount
            if added:
                self.inserted += added
                self.run(
                    "INSERT OR REPLACE INTO main.merge_stamp (entity, row_id, field, review_id,"
                    " site, counter, actor, at) SELECT i.entity, i.row_id, i.field, :r, i.site,"
                    f" i.counter, i.actor, i.at FROM {s}.merge_stamp i WHERE i.entity = "
                    f"'{table}' AND i.row_id IN (SELECT id FROM temp.merge_new)", r)

    def unseen_edit(self, schema: str, table: str, row_id: str, *,
                    by_local: bool) -> tuple[Any, ...] | None:
        """The newest stamp of the row in ``schema`` that the other copy has not seen."""
        unseen = [stamp for name, stamp in self.stamps_of(schema, table, row_id).items()
                  if name != DELETED and not (
                      self.seen_by_local if by_local else self.seen_by_incoming)(
                          Stamp(int(stamp[1]), str(stamp[0])))]
        return max(unseen, key=lambda s: (int(s[1]), str(s[0]))) if unseen else None

    def deletion_conflict(self, table: str, row_id: str, tombstone: tuple[Any, ...],
                          edit: tuple[Any, ...]) -> None:
        """One copy deleted a row the other changed since: the row stays, and the deletion
        waits as a conflict (the deleting side's value is null)."""
        deleted_here = self.run(f"SELECT 1 FROM main.{table} WHERE id = ?",
                                (row_id,)).fetchone() is None
        local, incoming = (tombstone, edit) if deleted_here else (edit, tombstone)
        self.open_conflict(table, row_id, DELETED, local, incoming,
                           None if deleted_here else "kvar", "kvar" if deleted_here else None)
        # The shown value is always the row kept: a deletion is decided by a person.

    def deletions(self) -> None:
        """Rows the copy deleted: deleted here too unless changed here since."""
        rows = self.run("SELECT entity, row_id, i_site, i_counter, i_actor, i_at FROM "
                        "temp.merge_candidate WHERE field = ? AND verdict <> 'keep'",
                        (DELETED,)).fetchall()
        for entity, row_id, *tombstone in rows:
            if entity not in STAMPED or (entity, row_id) in self.twinned:
                continue  # (a twin: the copy made the row again under another id)
            exists = self.run(f"SELECT 1 FROM main.{entity} WHERE id = ?",
                              (row_id,)).fetchone() is not None
            if not exists:
                local = self.stamps_of("main", entity, row_id).get(DELETED)
                if local is None or Stamp(int(tombstone[1]), str(tombstone[0])) > Stamp(
                        int(local[1]), str(local[0])):
                    self.put_stamp(entity, row_id, DELETED, tuple(tombstone))
                continue
            edit = self.unseen_edit("main", entity, row_id, by_local=False)
            if edit is not None:
                self.deletion_conflict(entity, row_id, tuple(tombstone), edit)
                continue
            self.run(f"DELETE FROM main.{entity} WHERE id = ?", (row_id,))
            self.run("DELETE FROM main.merge_stamp WHERE entity = ? AND row_id = ?",
                     (entity, row_id))
            self.put_stamp(entity, row_id, DELETED, tuple(tombstone))
            self.changes.append([entity, row_id, DELETED, "kvar", None])
            self.deleted += 1

    def conflicts_of_copy(self) -> int:
        """The copy's conflicts and their resolutions: every conflict either copy opened,
        settled if either settled it (the later settling when both did)."""
        s, r = self.s, {"r": self.review_id}
        # Only conflicts about fields a merge decides: a copy cannot block this store's
        # sending and signing with a conflict no one could settle.
        valid = " OR ".join(
            f"(entity = '{entity}' AND field IN ("
            + ", ".join(f"'{name}'" for name in (DELETED, *sorted(names))) + "))"
            for entity, names in STAMPED.items())
        added = self.run(f"INSERT OR IGNORE INTO main.merge_conflict SELECT * FROM "
                         f"{s}.merge_conflict WHERE review_id = :r AND ({valid})", r).rowcount
        settled = self.run(
            "UPDATE main.merge_conflict AS m SET resolved_at = i.resolved_at, resolved_by = "
            "i.resolved_by, resolution = i.resolution, resolved_value = i.resolved_value, "
            f"resolved_counter = i.resolved_counter FROM {s}.merge_conflict i WHERE i.id = m.id"
            " AND m.review_id = :r AND i.resolved_at IS NOT NULL AND (m.resolved_at IS NULL "
            "OR (i.resolved_counter, i.resolved_at, i.resolution, "
            "coalesce(i.resolved_value, '')) > (m.resolved_counter, m.resolved_at, "
            "m.resolution, coalesce(m.resolved_value, '')))", r).rowcount
        return int(added) + int(settled)

    def context(self) -> None:
        self.run("INSERT INTO main.merge_context (review_id, site, counter) SELECT review_id,"
                 f" site, counter FROM {self.s}.merge_context WHERE review_id = ? AND true "
                 "ON CONFLICT (review_id, site) DO UPDATE SET counter = "
                 "max(counter, excluded.counter)", (self.review_id,))


def merge_review(connection: Connection, review_id: str,
                 schema: str = "incoming") -> MergeOutcome:
    """Merge the review ``review_id`` of the attached ``schema`` into the store, in the
    caller's transaction (the caller commits). The merge and each conflict it opens are
    logged with both values. A signed review is left as it is; a copy of a later version of
    it is refused (the store's sign-off ties the signed version to this store's log)."""
    if not _SCHEMA_NAME.match(schema) or schema == "main":
        raise InvalidInput("Den bifogade databasens namn är ogiltigt.")
    raw = driver(connection)
    local = raw.execute("SELECT status, version FROM main.review WHERE id = ?",
                        (review_id,)).fetchone()
    incoming = raw.execute(f"SELECT status, version FROM {schema}.review WHERE id = ?",
                           (review_id,)).fetchone()
    if local is None or incoming is None:
        raise InvalidInput("Granskningen finns inte i båda databaserna; den kan inte slås "
                           "ihop.")
    if local[0] == SIGNED:
        if int(incoming[1]) > int(local[1]):
            raise InvalidInput(
                f"Granskningen är signerad här i version {local[1]} och den som importeras är "
                f"version {incoming[1]}. Öppna granskningen igen här (kvtui reopen) innan den "
                "nyare versionen slås ihop.")
        return MergeOutcome(signed=True)
    merge = _Merge(connection, review_id, schema)
    pairs = merge.collisions()
    merge.candidates()
    merge.fields()
    merge.pairs(pairs)
    merge.deletions()  # first: a row deleted there may hold the key of one made there since
    merge.inserts()
    settled = merge.conflicts_of_copy()
    merge.context()
    outcome = MergeOutcome(merge.taken, merge.kept, len(merge.conflicts), merge.inserted,
                           merge.deleted, skipped=tuple(merge.skipped))
    if outcome.changed:
        # What came in was guarded by the other store's rules (a number its auditor confirmed
        # is not a personnummer is kept as typed there): this store's rules apply here.
        mask_review(connection, review_id)
    if outcome.changed or settled:
        changes = {"tagna": merge.taken, "nya rader": merge.inserted,
                   "borttagna rader": merge.deleted, "konflikter": merge.conflicts,
                   "ändringar": merge.changes}
        write_entry(connection, review_id=review_id, entity="review", entity_id=review_id,
                    action="merge", changes_json=json.dumps(changes, ensure_ascii=False,
                                                            sort_keys=True, default=str),
                    actor=current_actor())
    return outcome
