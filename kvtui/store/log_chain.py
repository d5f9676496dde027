"""The change log's hash chain: how an entry is hashed, linked to the one before and written.

Below both the change log (``kvtui.store.changelog``, which applies the store's rules for free
text to what it logs) and those rules (``kvtui.store.idnumber_rule``, which logs a confirmed
false alarm from inside a flush): each writes its entries here, so neither imports the other
back.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Collection
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from kvtui.domain.safe_text import typed_text
from kvtui.store.bulk import DriverStatement, driver, insert_sql, stored_value
from kvtui.store.models import ChangeLog, new_id, utcnow

if TYPE_CHECKING:
    from sqlalchemy import Connection

GENESIS = "0" * 64
_LOG = ChangeLog.__table__  # type: ignore[attr-defined]
# An entry is written on every answer key: its two statements are compiled once and run by the
# driver (kvtui.store.bulk), since SQLAlchemy's handling of each cost more than running it. The
# last entry is found through the unique index on ``seq``.
_LAST_ENTRY = DriverStatement(
    select(_LOG.c.seq, _LOG.c.hash).order_by(_LOG.c.seq.desc()).limit(1)
)
_INSERT_ENTRY = insert_sql(_LOG, tuple(_LOG.c.keys()))


def current_actor() -> str:
    """Who makes the change: the operating-system user, without control characters
    (``kvtui.domain.safe_text.typed_text``)."""
    try:
        return typed_text(getpass.getuser())
    except (KeyError, OSError):
        return "okänd"


def plain_value(value: Any) -> Any:
    """A date or a time as the log writes it (ISO text); anything else as it is."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def entry_hash(prev_hash: str, entry: ChangeLog) -> str:
    """The hash of an entry given the previous entry's hash."""
    return _content_hash(
        prev_hash, entry.id, entry.seq, entry.created_at, entry.review_id, entry.entity,
        entry.entity_id, entry.action, entry.changes_json, entry.actor,
    )


def _content_hash(
    prev_hash: str, entry_id: str, seq: int, at: datetime, review_id: str | None, entity: str,
    entity_id: str, action: str, changes_json: str, actor: str,
) -> str:
    """The hash over an entry's content, from its values: ``write_entry`` has them as values,
    and building a ``ChangeLog`` model first (pydantic and instrumented attributes) was a fifth
    of an answer key's time in the store."""
    payload = json.dumps(
        {
            "prev": prev_hash,
            "id": entry_id,
            "seq": seq,
            "at": plain_value(at),
            "review_id": review_id,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "changes": changes_json,
            "actor": actor,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def last_entry(connection: Connection) -> tuple[int, str] | None:
    """The log's last entry as (seq, hash), or None for an empty log."""
    last = _LAST_ENTRY.first(connection)
    return (int(last["seq"]), str(last["hash"])) if last else None


def write_entry(
    connection: Connection,
    *,
    review_id: str | None,
    entity: str,
    entity_id: str,
    action: str,
    changes_json: str,
    actor: str,
    columns: Collection[str] | None = None,
) -> int:
    """Link an entry to the last one and insert it in the caller's transaction; returns its
    seq. The caller gives ``changes_json`` and ``actor`` as the log keeps them (the store's
    rules applied).

    ``columns`` are the columns the file's ``change_log`` has, for a migration that writes to
    a store of its own revision (a later revision may add columns): only those are written.
    None writes every column of the models, as in a store at this kvtui's revision.
    """
    last = last_entry(connection)
    prev_hash = last[1] if last else GENESIS
    now = utcnow()
    entry: dict[str, Any] = {
        "id": new_id(),
        "seq": (last[0] + 1) if last else 1,
        "review_id": review_id,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "changes_json": changes_json,
        "actor": actor,
        "prev_hash": prev_hash,
        "created_at": now,
        "updated_at": now,
    }
    entry["hash"] = _content_hash(
        prev_hash, entry["id"], entry["seq"], now, review_id, entity, entity_id, action,
        changes_json, actor,
    )
    # A plain insert in the caller's transaction: this runs on every answer key.
    if columns is None:
        driver(connection).execute(
            _INSERT_ENTRY, [stored_value(connection, c, entry[c.key]) for c in _LOG.c]
        )
        return int(entry["seq"])
    names = [name for name in entry if name in columns]
    driver(connection).execute(insert_sql(_LOG, names), [
        stored_value(connection, _LOG.c[name], entry[name]) for name in names])
    return int(entry["seq"])
