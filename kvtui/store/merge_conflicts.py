"""The conflicts a merge left open: listed in words a person understands, and settled.

Settling a conflict is a change like any other, made in this store: the chosen value is
written, logged with both values, and stamped with this store's next counter, which every copy
that has seen the two conflicting changes has not seen yet, so the choice wins at the next
merge. A deleted row's conflict is settled by deleting the row or keeping it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from kvtui.domain.log_text import ENTITIES, FIELDS
from kvtui.domain.merge import DELETED, ConflictSide, ConflictView, conflicts_refusal
from kvtui.store import changelog
from kvtui.store.bulk import driver, stored_value
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import writable_review
from kvtui.store.idnumber_rule import Rule
from kvtui.store.log_chain import current_actor, last_entry
from kvtui.store.models import SQLModel, utcnow
from kvtui.store.stamps import STAMPED, site

if TYPE_CHECKING:
    from sqlalchemy import Connection

_OPEN = "SELECT count(*) FROM merge_conflict WHERE review_id = ? AND resolved_at IS NULL"


def open_count(connection: Connection, review_id: str) -> int:
    """How many conflicts of the review are open."""
    return int(driver(connection).execute(_OPEN, (review_id,)).fetchone()[0])


def refuse_open_conflicts(session: Session, review_id: str, what: str) -> None:
    """Refuse (InvalidInput, in Swedish with their number) while conflicts are open: the
    report would otherwise say what only one of two auditors wrote. ``what`` finishes the
    sentence: "den skickas på faktagranskning"."""
    count = open_count(session.connection(), review_id)
    if count:
        raise InvalidInput(conflicts_refusal(count, what))


def _what(raw: Any, entity: str, row_id: str, label: dict[str, str]) -> tuple[
        tuple[str, str], ...]:
    """What the conflict is about, by the names the auditor uses; the stored label when the
    row is gone."""
    queries = {
        "answer": "SELECT 'Akt', c.reference, 'Kriterium', k.code || ' ' || k.question FROM {t} "
                  "x JOIN case_file c ON c.id = x.case_file_id JOIN review_criterion k ON "
                  "k.id = x.criterion_id WHERE x.id = ?",
        "section_text": "SELECT 'Avsnitt', trim(s.number || ' ' || s.title) FROM {t} x JOIN "
                        "review_section s ON s.id = x.section_id WHERE x.id = ?",
        "assessment": "SELECT 'Avsnitt', trim(s.number || ' ' || s.title), 'Bedömning', "
                      "substr(x.statement, 1, 60) FROM {t} x JOIN review_section s ON "
                      "s.id = x.section_id WHERE x.id = ?",
        "observation": "SELECT 'Iakttagelse', substr(x.text, 1, 60) FROM {t} x WHERE x.id = ?",
        "interview": "SELECT 'Intervju', coalesce(x.held_on, '') FROM {t} x WHERE x.id = ?",
        "document": "SELECT 'Dokument', x.title FROM {t} x WHERE x.id = ?",
        "case_file": "SELECT 'Akt', x.reference FROM {t} x WHERE x.id = ?",
        "factcheck_comment": "SELECT 'Synpunkt', substr(x.text, 1, 60) FROM {t} x "
                             "WHERE x.id = ?",
        "review": "SELECT 'Granskning', x.title FROM {t} x WHERE x.id = ?",
    }
    queries["unanswered_comment"] = queries["answer"]
    query = queries.get(entity)
    row = raw.execute(query.format(t=entity), (row_id,)).fetchone() if query else None
    if row is None:
        return tuple(label.items()) or ((ENTITIES.get(entity, entity).capitalize(), row_id[:8]),)
    return tuple((str(row[i]), str(row[i + 1])) for i in range(0, len(row), 2))


def _view(raw: Any, own_site: str, row: Any) -> ConflictView:
    a = ConflictSide(json.loads(row["value_a"]) if row["value_a"] else None,
                     row["actor_a"], row["at_a"], row["site_a"] == own_site)
    b = ConflictSide(json.loads(row["value_b"]) if row["value_b"] else None,
                     row["actor_b"], row["at_b"], row["site_b"] == own_site)
    # Local is the side made here; when neither was (a conflict relayed from two other
    # stores), the side shown.
    a_local = a.here or not b.here
    local, incoming = (a, b) if a_local else (b, a)
    resolution = row["resolution"]
    if resolution in ("a", "b"):
        resolution = "local" if (resolution == "a") == a_local else "incoming"
    field = row["field"]
    return ConflictView(
        id=row["id"], entity=row["entity"], row_id=row["row_id"], field=field,
        what=_what(raw, row["entity"], row["row_id"], json.loads(row["label_json"] or "{}")),
        field_label="raden" if field == DELETED else FIELDS.get(field, field),
        local=local, incoming=incoming, shown_is_local=a_local,
        resolved=row["resolved_at"] is not None, resolution=resolution,
        resolved_by=row["resolved_by"], resolved_at=row["resolved_at"] or "")


def list_conflicts(session: Session, review_id: str, *,
                   with_resolved: bool = False) -> list[ConflictView]:
    """The review's conflicts, open ones (and settled ones when asked), in a fixed order."""
    raw = driver(session.connection())
    cursor = raw.cursor()
    cursor.row_factory = sqlite3.Row
    rows = cursor.execute(
        "SELECT * FROM merge_conflict WHERE review_id = ?"
        + ("" if with_resolved else " AND resolved_at IS NULL")
        + " ORDER BY entity, row_id, field, id", (review_id,)).fetchall()
    own = site(session.connection())
    return [_view(raw, own, row) for row in rows]


def find_conflict(session: Session, review_id: str, ref: str) -> ConflictView:
    """A conflict of the review by its id or the start of it (as ``kvtui conflicts`` shows)."""
    ref = ref.strip().lower()
    found = [view for view in list_conflicts(session, review_id, with_resolved=True)
             if ref and view.id.startswith(ref)]
    if not found:
        raise NotFound("Konflikten finns inte i granskningen.")
    if len(found) > 1:
        raise InvalidInput("Flera konflikter börjar så; skriv fler tecken av id:t.")
    return found[0]


def resolve_conflict(session: Session, review_id: str, conflict_id: str, choice: str,
                     value: str | None = None) -> ConflictView:
    """Settle a conflict with the local value, the incoming one, or (``choice`` "value") a
    new text, and commit. Refused in Swedish, with nothing written, for a settled conflict, a
    signed review, or a new value where one of the two must be chosen."""
    writable_review(session, review_id, "konflikterna")
    view = find_conflict(session, review_id, conflict_id)
    if view.resolved:
        raise InvalidInput("Konflikten är redan avgjord.")
    if choice not in ("local", "incoming", "value"):
        raise InvalidInput("Välj --local, --incoming eller --value.")
    if view.entity not in STAMPED or view.field not in (*STAMPED[view.entity], DELETED):
        raise InvalidInput("Konflikten gäller inget som kan avgöras här.")
    connection = session.connection()
    raw = driver(connection)
    table = SQLModel.metadata.tables[view.entity]
    shown_side = "a" if view.shown_is_local == (choice == "local") else "b"
    if view.deletion:
        if choice == "value":
            raise InvalidInput("En borttagen rad avgörs genom att välja en av sidorna.")
        chosen = view.local if choice == "local" else view.incoming
        keep = chosen.value is not None
        _settle_deletion(session, review_id, view, keep)
        stored = "kvar" if keep else None
    else:
        if view.field not in STAMPED.get(view.entity, ()):
            raise InvalidInput("Fältet kan inte avgöras här.")
        column = table.c[view.field]
        if choice == "value":
            if value is None or not str(column.type).startswith("VARCHAR"):
                raise InvalidInput("Ett eget värde går bara att skriva i ett textfält; välj "
                                   "--local eller --incoming.")
            stored = Rule(connection).row(table, {view.field: value})[view.field]
        else:
            stored = (view.local if choice == "local" else view.incoming).value
        current = raw.execute(f"SELECT {view.field} FROM {view.entity} WHERE id = ?",
                              (view.row_id,)).fetchone()
        if current is None:  # the row was deleted since: nothing left to choose between
            return _mark(session, review_id, view, "value", None)
        try:
            raw.execute(f"UPDATE {view.entity} SET {view.field} = ?, updated_at = ? "
                        "WHERE id = ?", (stored, stored_value(connection, table.c.updated_at,
                                                              utcnow()), view.row_id))
        except sqlite3.IntegrityError:
            raise InvalidInput("Värdet passar inte i fältet.") from None
        # Logged about the row, so the log stamps the field with this store's next counter.
        changelog.append_to(connection, review_id=review_id, entity=view.entity,
                            entity_id=view.row_id, action="resolve", changes={
                                "konflikt": view.id,
                                "värden": [view.local.value, view.incoming.value],
                                "val": choice, view.field: [current[0], stored]})
    return _mark(session, review_id, view, shown_side if choice != "value" else "value", stored)


def _mark(session: Session, review_id: str, view: ConflictView, resolution: str,
          stored: Any) -> ConflictView:
    """Mark the conflict settled, with this store's counter, and commit."""
    connection = session.connection()
    driver(connection).execute(
        "UPDATE merge_conflict SET resolved_at = ?, resolved_by = ?, resolution = ?, "
        "resolved_value = ?, resolved_counter = ? WHERE id = ?",
        (utcnow().isoformat(), Rule(connection).text(current_actor()), resolution,
         json.dumps(stored, ensure_ascii=False), (last_entry(connection) or (0, ""))[0],
         view.id))
    session.commit()
    return find_conflict(session, review_id, view.id)


def _settle_deletion(session: Session, review_id: str, view: ConflictView,
                     keep: bool) -> None:
    """Delete the row (logged as a deletion: a tombstone later than both sides) or keep
    it."""
    connection = session.connection()
    if not keep:
        driver(connection).execute(f"DELETE FROM {view.entity} WHERE id = ?", (view.row_id,))
    changelog.append_to(connection, review_id=review_id, entity=view.entity,
                        entity_id=view.row_id, action="resolve" if keep else "delete",
                        changes={"konflikt": view.id, "val": "kvar" if keep else "borttagen",
                                 "värden": [view.local.value, view.incoming.value]})
