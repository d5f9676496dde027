"""Case files (akter) of a review's population."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from kvtui.store import changelog
from kvtui.store.errors import InvalidInput
from kvtui.store.models import CaseFile, Sample, new_id, utcnow


def add_case_files(
    session: Session, review_id: str, rows: Iterable[tuple[str, dict[str, str]]]
) -> list[str]:
    """Add case files (reference, attributes) all or nothing; returns their ids. Commits.

    The population is fixed once the sample is drawn, so that the sample can be redrawn.
    """
    if session.exec(select(Sample.id).where(Sample.review_id == review_id)).first():
        raise InvalidInput("Urvalet är redan draget; akter kan inte läggas till eller ändras.")
    existing = set(
        session.exec(select(CaseFile.reference).where(CaseFile.review_id == review_id)).all()
    )
    position = int(
        session.exec(
            select(func.coalesce(func.max(CaseFile.position), -1))
            .where(CaseFile.review_id == review_id)
        ).one()
    )
    cleaned: list[tuple[str, dict[str, str]]] = []
    for reference, attributes in rows:  # check every row before adding any
        reference = reference.strip()
        if not reference:
            raise InvalidInput("En akt saknar referens.")
        if reference in existing:
            raise InvalidInput(f"Akten {reference} finns redan i granskningen.")
        existing.add(reference)
        cleaned.append((reference, attributes))
    now = utcnow()
    values = []
    for offset, (reference, attributes) in enumerate(cleaned, start=1):
        values.append({
            "id": new_id(), "created_at": now, "updated_at": now, "review_id": review_id,
            "reference": reference, "position": position + offset,
            "attributes_json": json.dumps(attributes, ensure_ascii=False),
        })
    if values:  # one bulk insert: a 10,000-row population would take seconds as ORM objects
        session.connection().execute(insert(CaseFile.__table__), values)  # type: ignore[attr-defined]
    ids = [row["id"] for row in values]
    if ids:
        changelog.append(
            session, review_id=review_id, entity="case_file", entity_id=review_id,
            action="import", changes={"count": len(ids)},
        )
    session.commit()
    return ids


def case_file_ids(session: Session, review_id: str) -> list[str]:
    """The review's case files in population order."""
    return list(
        session.exec(
            select(CaseFile.id).where(CaseFile.review_id == review_id)
            .order_by(col(CaseFile.position))
        ).all()
    )
