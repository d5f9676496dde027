"""The document register on a real store: listed in Swedish order, logged, validated."""

from __future__ import annotations

from datetime import date

import pytest

from kvtui.domain.judgement import DocumentFields
from kvtui.store.assessments import add_assessment, citing, link_evidence, review_sections
from kvtui.store.changelog import count_entries
from kvtui.store.demo import create_demo
from kvtui.store.documents import (
    add_document,
    delete_document,
    get_document,
    list_documents,
    suggested_kinds,
    update_document,
)
from kvtui.store.errors import InvalidInput, NotFound


@pytest.fixture
def review(store):
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
    return store, review_id


def test_register_in_swedish_order(review) -> None:
    store, review_id = review
    with store.session() as session:
        for title in ("Översikt av placeringar", "Delegationsordning", "Årshjul för egenkontroll",
                      "Verksamhetsplan 2025"):
            add_document(session, review_id, DocumentFields(title, "rutin", date(2025, 1, 1)))
        titles = [d.title for d in list_documents(session, review_id)]
    assert titles == ["Delegationsordning", "Verksamhetsplan 2025", "Årshjul för egenkontroll",
                      "Översikt av placeringar"]


def test_add_update_delete_logged(review) -> None:
    store, review_id = review
    with store.session() as session:
        before = count_entries(session)
        doc = add_document(session, review_id,
                           DocumentFields("  Rutin  för barnsamtal ", "rutin", None, "Enheten "))
        assert (doc.title, doc.provided_by) == ("Rutin för barnsamtal", "Enheten")
        changed = update_document(session, review_id, doc.id,
                                  DocumentFields("Rutin för barnsamtal", "rutin",
                                                 date(2025, 2, 3), "Enheten"))
        assert changed.dated == date(2025, 2, 3)
        update_document(session, review_id, doc.id,
                        DocumentFields("Rutin för barnsamtal", "rutin", date(2025, 2, 3),
                                       "Enheten"))
        assert count_entries(session) == before + 2  # the unchanged update logs nothing
        delete_document(session, review_id, doc.id)
        assert list_documents(session, review_id) == []
        assert count_entries(session) == before + 3
        with pytest.raises(NotFound):
            get_document(session, review_id, doc.id)


def test_bad_documents_refused(review) -> None:
    store, review_id = review
    with store.session() as session:
        other_id = create_demo(session, file_review=False)
        before = count_entries(session)
        with pytest.raises(InvalidInput, match="titel saknas"):
            add_document(session, review_id, DocumentFields("  "))
        doc = add_document(session, review_id, DocumentFields("Delegationsordning"))
        with pytest.raises(InvalidInput, match="titel saknas"):
            update_document(session, review_id, doc.id, DocumentFields(""))
        with pytest.raises(NotFound):
            update_document(session, other_id, doc.id, DocumentFields("Annat"))
        assert get_document(session, review_id, doc.id).title == "Delegationsordning"
        assert count_entries(session) == before + 1


def test_deleting_a_cited_document_removes_the_link(review) -> None:
    store, review_id = review
    with store.session() as session:
        section = next(s for s in review_sections(session, review_id) if s.number == "6.2")
        doc = add_document(session, review_id, DocumentFields("Verksamhetsplan 2025"))
        statement = add_assessment(session, review_id, section.id, "Systematiskt arbete.",
                                   rating="gron")
        link_evidence(session, review_id, statement.id, "document", doc.id)
        assert [a.id for a in citing(session, "document", doc.id)] == [statement.id]
        delete_document(session, review_id, doc.id)
        assert citing(session, "document", doc.id) == []


def test_kinds_suggested_by_the_template(review) -> None:
    store, review_id = review
    with store.session() as session:
        kinds = suggested_kinds(session, review_id)
    assert "styrdokument" in kinds and "rutin" in kinds
