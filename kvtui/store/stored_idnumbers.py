"""Personnummer already in the store: masked where a text can still be written, counted where
it cannot.

The store's rules for free text (``kvtui.store.idnumber_rule``: control characters out, then
every personnummer masked) apply to a text before it is first written. Texts can break them all
the same: written by a kvtui from before the rules (which only warned about numbers and kept
control characters), or kept as typed under a confirmation that has since been withdrawn. This
module applies the rules to them afterwards:

- ``mask_review``: every free-text column of every row of a review that is not signed, each
  row changed written with an entry in the change log (action "mask", the columns' new
  values, as stored). Migration 0008 runs it for every such review, a withdrawn confirmation
  (``withdraw_confirmation``) too, and so does reopening a signed review: the new version
  starts masked (``kvtui.store.signoff.reopen`` calls ``mask_reopened``). The search index
  follows through its triggers, which rewrite the index rows of the texts changed and of the
  records they label (an answer is labelled by its akt's reference, a section's text and
  statements by the section's title: migration 0009); it is then merged
  (``merge_search_index``) so that no replaced term stays in it.
- ``confirmations`` and ``withdraw_confirmation``: the numbers the auditor has confirmed are
  not personnummer, and taking a confirmation back (``kvtui inte-personnummer``).
- ``stored_numbers_report``: ``kvtui check`` counts the texts that cannot be rewritten and
  still hold something that looks like a personnummer: in signed reviews (locked by
  triggers and hashed), in what a sign-off, a fact-check round or a reopening froze (never
  changed), and in the change log (append-only and hash-chained). They are reported, not
  failed: nothing but a new version can help, and the report says so.

Every free-text column is masked as the rule masks it on a write, a sample's seed and the
akter's references and attributes too, and that changes what a sample is drawn from. The akter
drawn stay as they are (a sample is stored akt by akt, in drawn order), but the seeded order
they were drawn in is computed from the seed and the references (``kvtui.domain.sampling``):
once one of them is masked, the seed and references as stored give another order. kvtui masks
all the same (a personnummer must not stay so that a sample can be redrawn) and records it:
each value masked is in its "mask" entry of the change log, replacements and extensions after
it continue the stored sample in the seeded order of the values as now stored
(``kvtui.store.sampling``), each logged with the akt it took, and the order the sample was
drawn in can be redrawn from a backup made before the masking (migration 0008 makes one).

Texts are read and written with plain SQL over what the store's file has (its text columns,
its unique keys, the columns of its change log), not over the models, so that migration 0008
works on a store of its own revision whatever later revisions add to the models.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from kvtui.domain.reviews import SIGNED, short_id
from kvtui.store import changelog
from kvtui.store.bulk import driver, driver_rows, stored_value
from kvtui.store.errors import InvalidInput
from kvtui.store.idnumber_rule import Rule, free_text, numbers_in
from kvtui.store.models import FalseAlarm, utcnow
from kvtui.store.review_rows import REVIEW_ROWS

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlmodel import Session

# Records that are never changed once written (migration 0004): they belong to a review but
# cannot be rewritten, whatever its status.
FROZEN = ("sign_off", "factcheck_round", "review_reopening")
# Columns that hold copies of texts although the rule leaves them alone (machine columns of
# ``MACHINE_COLUMNS``): counted by the report.
_FROZEN_COPIES = {"sign_off": ("content_json",), "factcheck_round": ("content_json",)}
# Each frozen record's rows of one review (as ``REVIEW_ROWS``), for the report.
_OWNED_FROZEN = {name: "t.review_id = ?" for name in FROZEN}
# A declared type SQLite stores as text (its rule for a column's affinity).
_TEXT_TYPE = re.compile("CHAR|CLOB|TEXT", re.IGNORECASE)
# Every table stores its timestamps as this column does.
_TIMESTAMP = FalseAlarm.__table__.c.updated_at  # type: ignore[attr-defined]


def _pragma(connection: Connection, pragma: str, name: str) -> list[sqlite3.Row]:
    quoted = name.replace('"', '""')
    return driver_rows(connection, f'PRAGMA {pragma}("{quoted}")')


def _text_columns(connection: Connection, name: str) -> dict[str, str]:
    """The free-text columns (``idnumber_rule.free_text``) the store's file has in table
    ``name``, with the copies the report counts; none for a table the file does not have."""
    keys = {row["from"] for row in _pragma(connection, "foreign_key_list", name)}
    columns = _pragma(connection, "table_info", name)
    kinds = free_text(name, ((row["name"], bool(_TEXT_TYPE.search(row["type"] or ""))
                              and not row["pk"] and row["name"] not in keys) for row in columns))
    present = {row["name"] for row in columns}
    return kinds | {column: "json" for column in _FROZEN_COPIES.get(name, ())
                    if column in present}


# --- Masking what can be written ---------------------------------------------------------------


def _unique_keys(connection: Connection, name: str,
                 texts: dict[str, str]) -> list[tuple[str, ...]]:
    """The UNIQUE keys the store's file has on table ``name`` that hold one of its free-text
    columns."""
    keys = []
    for index in _pragma(connection, "index_list", name):
        if index["unique"]:
            columns = tuple(row["name"]
                            for row in _pragma(connection, "index_info", index["name"]))
            if set(columns) & texts.keys():
                keys.append(columns)
    return keys


def _kept_unique(values: dict[str, Any], changed: dict[str, str],
                 keys: list[tuple[str, ...]], taken: dict[tuple[str, ...], set[tuple[Any, ...]]],
                 ) -> None:
    """Make ``changed`` keep each UNIQUE key of the row unique: two references masked alike
    (twins have the same birth date) become "ÅÅMMDD-XXXX" and "ÅÅMMDD-XXXX (2)"."""
    for columns in keys:
        mine = [column for column in columns if column in changed]
        if not mine:
            continue
        before = tuple(values[column] for column in columns)
        masked = changed[mine[-1]]
        after = tuple(changed.get(column, values[column]) for column in columns)
        count = 2
        while after in taken[columns]:
            changed[mine[-1]] = f"{masked} ({count})"
            after = tuple(changed.get(column, values[column]) for column in columns)
            count += 1
        taken[columns].discard(before)
        taken[columns].add(after)


def mask_review(connection: Connection, review_id: str) -> int:
    """Apply the rules to every free text of a review that is not signed; returns how many
    texts changed. Each row changed is written with its entry in the change log, in the
    caller's transaction.
    """
    rule = Rule(connection)
    log_columns = {row["name"] for row in _pragma(connection, "table_info", "change_log")}
    changed_texts = 0
    for name in sorted(REVIEW_ROWS.keys() - FROZEN):
        texts = _text_columns(connection, name)
        if not texts:
            continue
        keys = _unique_keys(connection, name, texts)
        wanted = list(dict.fromkeys(["id", *texts, *(c for key in keys for c in key)]))
        rows = driver_rows(
            connection, f"SELECT {', '.join(f't.{c}' for c in wanted)} FROM {name} AS t"
            f" WHERE {REVIEW_ROWS[name]} ORDER BY t.id", (review_id,))
        found = [{column: row[column] for column in wanted} for row in rows]
        taken = {key: {tuple(values[c] for c in key) for values in found} for key in keys}
        for values in found:
            changed = {}
            for column, kind in texts.items():
                value = values[column]
                if isinstance(value, str) and value:
                    guarded = rule.column(kind, value)
                    if guarded != value:
                        changed[column] = guarded
            if not changed:
                continue
            _kept_unique(values, changed, keys, taken)
            now = stored_value(connection, _TIMESTAMP, utcnow())
            driver(connection).execute(
                f"UPDATE {name} SET {', '.join(f'{c} = ?' for c in changed)}, updated_at = ?"
                " WHERE id = ?", (*changed.values(), now, values["id"]))
            changelog.append_to(connection, review_id=review_id, entity=name,
                                entity_id=values["id"], action="mask", changes=changed,
                                columns=log_columns)
            changed_texts += len(changed)
    return changed_texts


def merge_search_index(connection: Connection) -> None:
    """Merge the search index (an FTS5 table keeps a replaced term in its segments until they
    are merged), so that a masked number is not left in it."""
    driver(connection).execute("INSERT INTO search_index (search_index) VALUES ('optimize')")


def mask_unsigned_reviews(connection: Connection) -> dict[str, int]:
    """``mask_review`` for every review that is not signed: how many texts changed in each
    review where any did. The caller merges the search index."""
    reviews = [row["id"] for row in driver_rows(
        connection, "SELECT id FROM review WHERE status != ? ORDER BY created_at, id",
        (SIGNED,))]
    changed = {review_id: mask_review(connection, review_id) for review_id in reviews}
    return {review_id: texts for review_id, texts in changed.items() if texts}


def mask_reopened(session: Session, review_id: str) -> None:
    """A review just reopened (its status has left "signed", flushed) starts its new version
    with the rules applied."""
    connection = session.connection()
    if mask_review(connection, review_id):
        merge_search_index(connection)


@dataclass(frozen=True)
class Confirmation:
    """A number confirmed as not a personnummer: its digits, who confirmed it and when."""

    digits: str
    actor: str
    confirmed_at: datetime


def confirmations(session: Session) -> list[Confirmation]:
    """Every number confirmed as not a personnummer, oldest first."""
    rows = session.exec(select(FalseAlarm).order_by(col(FalseAlarm.created_at),
                                                    col(FalseAlarm.digits)))
    return [Confirmation(row.digits, row.actor, row.created_at) for row in rows]


@dataclass(frozen=True)
class Withdrawn:
    """A confirmation taken back: the number as the log now shows it, and how many texts of
    reviews that are not signed were masked because of it."""

    masked: str
    texts: int


def withdraw_confirmation(session: Session, number: str) -> Withdrawn:
    """Take back the confirmation that ``number`` is not a personnummer: it is masked from now
    on, at once in every review that is not signed. Commits.

    The withdrawal is logged with the number masked: it is no longer confirmed.
    """
    found = numbers_in(number)
    if len(found) != 1:
        raise InvalidInput(f"'{number}' ser inte ut som ett personnummer; ange numret som det "
                           "står i texten.")
    row = session.exec(select(FalseAlarm).where(FalseAlarm.digits == found[0].key)).first()
    if row is None:
        raise InvalidInput(f"{found[0].masked} finns inte bland numren som har bekräftats inte "
                           "vara personnummer (se kvtui inte-personnummer list).")
    session.delete(row)
    session.flush()
    changelog.append(session, review_id=None, entity="false_alarm", entity_id=row.id,
                     action="delete", changes={"digits": row.digits})
    texts = sum(mask_unsigned_reviews(session.connection()).values())
    if texts:
        merge_search_index(session.connection())
    session.commit()
    return Withdrawn(found[0].masked, texts)


# --- Counting what cannot ---------------------------------------------------------------------


def _holding(connection: Connection, rule: Rule, name: str, condition: str,
             parameters: tuple[Any, ...]) -> int:
    """How many texts of the rows of ``name`` meeting ``condition`` hold a number the rule
    would mask (once their control characters are out)."""
    texts = _text_columns(connection, name)
    if not texts:
        return 0
    selected = ", ".join(f"t.{column}" for column in texts)
    rows = driver_rows(connection, f"SELECT {selected} FROM {name} AS t WHERE {condition}",
                       parameters)
    return sum(
        isinstance(row[column], str) and bool(row[column])
        and rule.holds_number(kind, row[column])
        for row in rows for column, kind in texts.items())


def stored_numbers_report(session: Session) -> list[str]:
    """What ``kvtui check`` says, in Swedish, of texts that cannot be rewritten and hold
    something that looks like a personnummer (confirmed false alarms aside): how many, where,
    and what to do. Never a failure of the check."""
    connection = session.connection()
    rule = Rule(connection)
    reviews = driver_rows(connection, "SELECT id, status FROM review ORDER BY created_at, id")
    in_reviews = 0
    named: list[str] = []
    for review in reviews:
        review_id, status = review["id"], review["status"]
        tables = {**REVIEW_ROWS, **_OWNED_FROZEN} if status == SIGNED else _OWNED_FROZEN
        count = sum(_holding(connection, rule, name, condition,
                             (review_id,) * condition.count("?"))
                    for name, condition in tables.items())
        if count:
            in_reviews += count
            named.append(short_id(review_id))
    in_log = _holding(connection, rule, "change_log", "1", ())
    if not in_reviews and not in_log:
        return ["Personnummer i texter som inte kan ändras (signerade versioner, "
                "ändringsloggen): inga"]
    found = []
    if in_reviews:
        found.append(f"{in_reviews} {'text' if in_reviews == 1 else 'texter'} i låsta delar "
                     f"av {len(named)} {'granskning' if len(named) == 1 else 'granskningar'} "
                     f"({', '.join(named)})")
    if in_log:
        found.append(f"{in_log} {'post' if in_log == 1 else 'poster'} i ändringsloggen")
    return [
        f"Personnummer i texter som inte kan ändras: {' och '.join(found)} innehåller något "
        "som ser ut som ett personnummer. Signerade versioner och det som frystes vid "
        "signering och faktagranskning är låsta, och ändringsloggen kan bara fyllas på, så "
        "numren finns kvar där (och i säkerhetskopior, signerade PDF-filer och exporter). "
        "Öppna en signerad granskning igen (kvtui reopen) så maskeras numren i den nya "
        "versionen, och signera den; den tidigare versionen behåller dem. Detta är en "
        "upplysning, inget fel i databasen."
    ]
