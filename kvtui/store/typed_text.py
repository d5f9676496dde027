"""The store's rule for control characters: taken out of every free text before its first write.

A case-file list that holds an escape character, a C1 control or a direction override is refused
(``kvtui.domain.casefile_import``): the auditor can mend the file. Text she types or pastes is
not refused but kept without them (``kvtui.domain.safe_text.typed_text``): a paste from a web
page or a word processor can carry such characters unseen, and nothing she writes has use for
them. Stored, they would reach the terminal (the app, ``kvtui show``), the report and the
exports of everyone who later reads the review.

Where the rule is applied, beside the rule for personnummer (``kvtui.store.idnumber_rule``) and
before it, so that a number split by a control character is whole when it is looked for:

- Every row written through the ORM: a ``before_flush`` listener on every session, put ahead of
  the personnummer rule's, cleans each free-text column (as ``idnumber_rule.
  free_text_columns`` names them) of each new row and each changed column of each changed row.
- The writes past the ORM call it themselves: answers (``answers._write``, ``typed_row``), the
  change log (``changelog.append``, ``typed_changes``) and case files (``casefiles``, before
  their references are compared: two references that differ only by a control character are
  the same akt).
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from kvtui.domain.safe_text import first_unsafe, typed_text
from kvtui.store.idnumber_rule import free_text_columns

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.orm import Mapper, Session, UOWTransaction


def typed_value(value: Any) -> Any:
    """A value of any JSON shape with every text in it (names too) as ``typed_text`` keeps it."""
    if isinstance(value, str):
        return typed_text(value)
    if isinstance(value, list | tuple):
        return [typed_value(item) for item in value]
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for name, item in value.items():
            name = typed_text(name) if isinstance(name, str) else name
            while name in out:  # two names alike once cleaned: both kept
                name = f"{name} (2)"
            out[name] = typed_value(item)
        return out
    return value


def typed_json(text: str) -> str:
    """JSON text with ``typed_value`` applied to what it holds; unchanged when it holds no
    such character, raw or written as a \\u escape."""
    if "\\u" not in text and first_unsafe(text) < 0:
        return text
    try:
        decoded = json.loads(text)
    except ValueError:
        return typed_text(text)
    cleaned = typed_value(decoded)
    return text if cleaned == decoded else json.dumps(cleaned, ensure_ascii=False)


def typed_row(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` of a row of ``table`` with its free-text columns cleaned."""
    columns = free_text_columns(table)
    out = dict(values)
    for name, value in values.items():
        kind = columns.get(name)
        if kind is not None and isinstance(value, str) and value:
            out[name] = typed_json(value) if kind == "json" else typed_text(value)
    return out


def typed_changes(changes: dict[str, Any]) -> dict[str, Any] | None:
    """Changes for the change log with their texts cleaned; an old → new pair that cleaning
    made the same is left out, and None is returned when every change went that way (the
    same text typed again with a control character in it: nothing changed)."""
    cleaned: dict[str, Any] = {}
    vanished = False
    for key, value in typed_value(changes).items():
        before = changes.get(key)
        if (isinstance(value, list) and len(value) == 2 and value[0] == value[1]
                and isinstance(before, list | tuple) and before[0] != before[1]):
            vanished = True
            continue
        cleaned[key] = value
    return None if vanished and not cleaned else cleaned


@functools.lru_cache(maxsize=64)
def _mapped_columns(mapper: Mapper[Any]) -> tuple[tuple[str, str], ...]:
    """(attribute, kind) of the free-text columns of a mapped class."""
    kinds = free_text_columns(mapper.local_table)  # type: ignore[arg-type]
    return tuple((prop.key, kinds[prop.columns[0].name])
                 for prop in mapper.column_attrs if prop.columns[0].name in kinds)


def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    """Clean the free text of every row about to be written (new rows whole, changed rows in
    their changed columns), in the objects themselves, so the session shows what is stored."""
    from sqlalchemy import inspect

    for obj, new in [*((o, True) for o in session.new), *((o, False) for o in session.dirty)]:
        state = inspect(obj)
        for key, kind in _mapped_columns(state.mapper):
            if new:
                value = state.dict.get(key)
            else:
                added = state.attrs[key].history.added
                value = added[0] if added else None
            if not isinstance(value, str) or not value:
                continue
            cleaned = typed_json(value) if kind == "json" else typed_text(value)
            if cleaned != value:
                setattr(obj, key, cleaned)


def install() -> None:
    """Clean every session's writes, ahead of the rule for personnummer (once;
    ``kvtui.store.models`` calls it)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush, insert=True)
