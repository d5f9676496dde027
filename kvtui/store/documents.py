"""The register of documents read during a review: listed under Referenser, cited as evidence.

Every write checks its input first (nothing is written on refusal), adds its change-log entry
in the same transaction and commits before returning.
"""

from __future__ import annotations

from sqlmodel import Session, select

from kvtui.domain.judgement import (
    DEFAULT_DOCUMENT_KINDS,
    DocumentFields,
    DocumentView,
    swedish_sort_key,
)
from kvtui.domain.templates import TemplateError, parse_template
from kvtui.store import changelog
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import writable_review
from kvtui.store.models import Document, ReviewTemplate, utcnow


def _row(session: Session, review_id: str, document_id: str) -> Document:
    row = session.get(Document, document_id)
    if row is None or row.review_id != review_id:
        raise NotFound("Dokumentet finns inte i granskningen.")
    return row


def _view(row: Document) -> DocumentView:
    return DocumentView(row.id, row.title, row.kind, row.dated, row.provided_by)


def _columns(fields: DocumentFields) -> dict[str, object]:
    problems = fields.problems()
    if problems:
        raise InvalidInput(" ".join(problems))
    return {
        "title": " ".join(fields.title.split()),
        "kind": fields.kind.strip(),
        "dated": fields.dated,
        "provided_by": fields.provided_by.strip(),
    }


def suggested_kinds(session: Session, review_id: str) -> tuple[str, ...]:
    """The document kinds the review's template suggests (free kinds are allowed as well)."""
    source = session.exec(
        select(ReviewTemplate.source_toml).where(ReviewTemplate.review_id == review_id)
    ).first()
    if not source:
        return DEFAULT_DOCUMENT_KINDS
    try:
        return parse_template(source, "mallen").document_kinds or DEFAULT_DOCUMENT_KINDS
    except TemplateError:
        return DEFAULT_DOCUMENT_KINDS


def list_documents(session: Session, review_id: str) -> list[DocumentView]:
    """The review's documents in the order Referenser lists them: by title, Swedish order."""
    rows = session.exec(select(Document).where(Document.review_id == review_id)).all()
    return sorted((_view(row) for row in rows),
                  key=lambda d: (swedish_sort_key(d.title),
                                 d.dated.isoformat() if d.dated else "", d.id))


def get_document(session: Session, review_id: str, document_id: str) -> DocumentView:
    """One document of the review."""
    return _view(_row(session, review_id, document_id))


def add_document(
    session: Session, review_id: str, fields: DocumentFields, *, commit: bool = True
) -> DocumentView:
    """Register a document read. ``commit=False`` lets a batch (the demo) write in one go."""
    writable_review(session, review_id, "dokumenten")
    columns = _columns(fields)
    row = Document(review_id=review_id, **columns)  # type: ignore[arg-type]
    session.add(row)
    changelog.append(session, review_id=review_id, entity="document", entity_id=row.id,
                     action="create", changes=columns)
    if commit:
        session.commit()
    else:
        session.flush()
    return _view(row)


def update_document(
    session: Session, review_id: str, document_id: str, fields: DocumentFields
) -> DocumentView:
    """Change a document's title, kind, date or provider, logging old → new."""
    writable_review(session, review_id, "dokumenten")
    row = _row(session, review_id, document_id)
    new = _columns(fields)
    changes = changelog.diff({key: getattr(row, key) for key in new}, new)
    if changes:
        for key, value in new.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        session.add(row)
        changelog.append(session, review_id=review_id, entity="document", entity_id=row.id,
                         action="update", changes=changes)
        session.commit()
    return _view(row)


def delete_document(session: Session, review_id: str, document_id: str) -> None:
    """Remove a document from the register (statements citing it lose that link)."""
    writable_review(session, review_id, "dokumenten")
    row = _row(session, review_id, document_id)
    changes = {"title": [row.title, None], "kind": [row.kind, None]}
    session.delete(row)
    changelog.append(session, review_id=review_id, entity="document", entity_id=document_id,
                     action="delete", changes=changes)
    session.commit()
