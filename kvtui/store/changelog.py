"""The change log: every change, written in the same transaction as the change itself.

Entries are hash-chained: each entry's hash covers the previous entry's hash and the entry's
own content, so an edited, deleted or reordered entry breaks the chain at that point.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, func, select

from kvtui.domain.log_text import changes_text, event_text
from kvtui.store.idnumber_rule import Rule
from kvtui.store.log_chain import (
    GENESIS,
    current_actor,
    entry_hash,
    last_entry,
    plain_value,
    write_entry,
)
from kvtui.store.models import ChangeLog, utcnow
from kvtui.store.stamps import STAMPED, record

if TYPE_CHECKING:
    from sqlalchemy import Connection



def _logged_changes(rule: Rule, changes: dict[str, Any]) -> str | None:
    """The changes as the log keeps them (JSON), with the store's rules for free text applied
    (control characters out, personnummer masked); None when every old → new pair changed
    nothing.

    A pair changes nothing when the new value, as the store keeps it, is the old value as
    stored: the same text typed again with a control character or the number where the masked
    one is stored. An old value stored before the rules (a control character, a number) that
    the new value leaves out is a change the store writes, and is logged.
    """
    plain = {k: plain_value(v) for k, v in changes.items()}
    text = json.dumps(plain, ensure_ascii=False, sort_keys=True)
    if rule.json(text) == text:
        return text
    kept: dict[str, Any] = {}
    pairs = changed = 0
    for key, value in plain.items():
        if isinstance(value, list) and len(value) == 2:
            pairs += 1
            old, new = value
            stored = rule.value(new)
            if stored == old:
                continue
            changed += 1
            value = [old, stored]
        kept[key] = value
    if pairs and not changed:
        return None
    return json.dumps(rule.value(kept), ensure_ascii=False, sort_keys=True)


def append(
    session: Session,
    *,
    review_id: str | None,
    entity: str,
    entity_id: str,
    action: str,
    changes: dict[str, Any] | None = None,
) -> None:
    """Add an entry to the log inside the caller's transaction (the caller commits).

    Texts in ``changes`` are logged as the store keeps them (``kvtui.store.idnumber_rule``):
    control characters out and a personnummer masked, in the log as in the row. An update that
    changes nothing the store keeps is not logged.
    """
    append_to(session.connection(), review_id=review_id, entity=entity, entity_id=entity_id,
              action=action, changes=changes)


def append_to(
    connection: Connection,
    *,
    review_id: str | None,
    entity: str,
    entity_id: str,
    action: str,
    changes: dict[str, Any] | None = None,
    columns: Collection[str] | None = None,
) -> None:
    """``append`` on a connection: for texts masked after they were stored
    (``kvtui.store.stored_idnumbers``) and the migrations that do it, which have no session.

    ``columns`` are the columns the file's ``change_log`` has, for a migration that writes to
    a store of its own revision (a later revision may add columns): only those are written.
    None writes every column of the models, as in a store at this kvtui's revision.
    """
    rule = Rule(connection)
    # The rule may log a confirmation of its own first; the entry links to whatever is last
    # after that.
    logged = _logged_changes(rule, changes or {})
    if logged is None:
        return
    actor = rule.text(current_actor())
    seq = write_entry(connection, review_id=review_id, entity=entity, entity_id=entity_id,
                      action=action, changes_json=logged, actor=actor, columns=columns)
    if columns is None and entity in STAMPED:
        # Each changed field of a review's row carries this change's stamp, for the merge.
        record(connection, review_id=review_id, entity=entity, entity_id=entity_id,
               action=action, changes=changes or {}, seq=seq, actor=actor,
               at=utcnow().isoformat())


def head(session: Session) -> tuple[int, str]:
    """The log's last entry as (seq, hash), or (0, GENESIS) for an empty log: what a sign-off
    records, so that a log cut back or rebuilt after it no longer matches."""
    return last_entry(session.connection()) or (0, GENESIS)


def entry_hash_at(session: Session, seq: int) -> str | None:
    """The hash of the entry numbered ``seq``, or None when there is none (GENESIS for 0)."""
    if seq == 0:
        return GENESIS
    return session.exec(select(ChangeLog.hash).where(ChangeLog.seq == seq)).first()


def entries_of(session: Session, entity: str, entity_id: str) -> list[dict[str, Any]]:
    """The recorded changes of every entry about one record, oldest first.

    An entry whose changes cannot be read (the file edited by hand) gives its action alone,
    so that whatever compares it finds it different rather than stopping.
    """
    rows = session.exec(select(ChangeLog.action, ChangeLog.changes_json)
                        .where(ChangeLog.entity == entity, ChangeLog.entity_id == entity_id)
                        .order_by(col(ChangeLog.seq)))
    return [{"action": action, **parse_changes(changes)} for action, changes in rows]


def parse_changes(changes_json: str) -> dict[str, Any]:
    """An entry's changes as a dict; {} for what is not a JSON object."""
    try:
        changes = json.loads(changes_json)
    except (json.JSONDecodeError, TypeError):
        return {}
    return changes if isinstance(changes, dict) else {}


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Fields that changed, as ``{field: [old, new]}``."""
    return {key: [plain_value(old.get(key)), plain_value(value)] for key, value in new.items()
            if old.get(key) != value}


@dataclass(frozen=True)
class ChainVerdict:
    """The result of checking the chain: how many entries, and the first broken one if any."""

    entries: int
    first_broken: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """Whether the whole chain is intact."""
        return self.first_broken is None


def verify_chain(session: Session) -> ChainVerdict:
    """Walk the log in order and name the first entry whose hash or link does not hold."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in session.exec(select(ChangeLog).order_by(col(ChangeLog.seq))):
        count += 1
        if entry.seq != expected_seq:
            return ChainVerdict(count, entry.seq, f"post {expected_seq} saknas")
        if entry.prev_hash != prev:
            return ChainVerdict(count, entry.seq, "länken till föregående post stämmer inte")
        if entry_hash(prev, entry) != entry.hash:
            return ChainVerdict(count, entry.seq, "postens innehåll har ändrats")
        prev = entry.hash
        expected_seq += 1
    return ChainVerdict(count, None)


def count_entries(session: Session) -> int:
    """How many entries the log holds (used to notice work since the last backup)."""
    return int(session.exec(select(func.count()).select_from(ChangeLog)).one())


@dataclass(frozen=True)
class LogEntry:
    """One entry of the log as ``kvtui log`` shows it."""

    seq: int
    at: datetime
    actor: str
    entity: str
    entity_id: str
    action: str
    changes: dict[str, Any]

    @property
    def event(self) -> str:
        """What happened, in Swedish: "svar/ny"."""
        return event_text(self.entity, self.action)

    @property
    def summary(self) -> str:
        """The changes on one line in Swedish: "titel: Gammal → Ny; status: Pågående →
        Faktagranskning", long values cut short."""
        return changes_text(self.changes)


def review_entries(session: Session, review_id: str) -> list[LogEntry]:
    """The review's entries in the order they were written."""
    rows = session.exec(select(ChangeLog).where(ChangeLog.review_id == review_id)
                        .order_by(col(ChangeLog.seq)))
    return [LogEntry(row.seq, row.created_at, row.actor, row.entity, row.entity_id, row.action,
                     json.loads(row.changes_json)) for row in rows]
