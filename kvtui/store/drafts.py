"""Drafts: text typed in an open dialog that is not saved yet, kept while the auditor types.

A dialog writes its fields here a moment after each keystroke (and at once when the terminal
is closed or the process is told to stop), and deletes its draft when it saves or the auditor
discards what she typed. A draft left behind by a killed terminal is found again by its key
when the same dialog is opened for the same record, and listed when kvtui starts.

Drafts are outside the signed record (``kvtui.store.models.Draft``): they are not logged and
no lock covers them. They are written through the ORM, so the store's rule for free text
(``kvtui.store.idnumber_rule``) masks a personnummer in a draft as in everything else.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from kvtui.store.models import Draft, Review, utcnow


@dataclass(frozen=True)
class DraftView:
    """A draft as kept: which dialog, what it held, and when it was last written."""

    key: str
    review_id: str | None
    title: str
    fields: dict[str, str]
    saved_at: datetime  # in UTC

    @property
    def saved_label(self) -> str:
        """When it was last written, in local time, as the auditor reads it."""
        return self.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")


def _view(row: Draft) -> DraftView:
    try:
        loaded = json.loads(row.fields_json)
    except ValueError:
        loaded = {}
    fields = ({str(name): str(value) for name, value in loaded.items()}
              if isinstance(loaded, dict) else {})
    # Stored in UTC, read back without its zone.
    return DraftView(row.key, row.review_id, row.title, fields,
                     row.updated_at.replace(tzinfo=UTC))


def save_draft(session: Session, key: str, *, title: str, review_id: str | None,
               fields: dict[str, str]) -> None:
    """Keep ``fields`` (field id → text) as the draft under ``key``, replacing any before."""
    row = session.exec(select(Draft).where(Draft.key == key)).first()
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    if row is None:
        row = Draft(key=key, review_id=review_id, title=title, fields_json=text)
    else:
        row.title = title
        row.fields_json = text
        row.updated_at = utcnow()
    session.add(row)
    session.commit()


def load_draft(session: Session, key: str) -> DraftView | None:
    """The draft under ``key``, if one was left."""
    row = session.exec(select(Draft).where(Draft.key == key)).first()
    return _view(row) if row is not None else None


def drop_draft(session: Session, key: str) -> None:
    """Delete the draft under ``key``, if there is one."""
    row = session.exec(select(Draft).where(Draft.key == key)).first()
    if row is not None:
        session.delete(row)
        session.commit()


def list_drafts(session: Session) -> list[DraftView]:
    """Every draft left, newest first, but for those of a review that no longer exists."""
    known = set(session.exec(select(Review.id)))
    rows = session.exec(select(Draft).order_by(col(Draft.updated_at).desc()))
    return [_view(row) for row in rows if row.review_id is None or row.review_id in known]


def drafts_left(connection: sqlite3.Connection) -> list[DraftView]:
    """``list_drafts`` over a plain connection: read at start without a write transaction, so
    that another program holding the store cannot make kvtui wait for it."""
    rows = connection.execute(
        "SELECT d.key, d.review_id, d.title, d.fields_json, d.updated_at FROM draft d"
        " WHERE d.review_id IS NULL OR d.review_id IN (SELECT id FROM review)"
        " ORDER BY d.updated_at DESC").fetchall()
    return [_view(Draft(key=key, review_id=review_id, title=title, fields_json=fields,
                        updated_at=datetime.fromisoformat(updated)))
            for key, review_id, title, fields, updated in rows]
