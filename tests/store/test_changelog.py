"""The change log: written with the change, chained, append-only in the store itself."""

from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import col, select

from kvtui.domain.reviews import ReviewFields
from kvtui.store.changelog import verify_chain
from kvtui.store.demo import create_demo
from kvtui.store.models import ChangeLog, Review
from kvtui.store.reviews import update_review


def test_every_change_is_logged_with_old_and_new(store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        update_review(session, review_id, ReviewFields(title="Ny titel", unit="Enheten"))
        entries = session.exec(select(ChangeLog).order_by(col(ChangeLog.seq))).all()
    assert [e.action for e in entries] == ["create", "reference_add", "import", "update"]
    assert '"title": ["Kvalitetsgranskning av familjevården 2026", "Ny titel"]' in (
        entries[-1].changes_json
    )
    assert verify_chain(store.session()).ok


def test_log_entry_is_rolled_back_with_its_change(store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        before = len(session.exec(select(ChangeLog)).all())
        review = session.get(Review, review_id)
        assert review is not None
        review.title = "x"
        from kvtui.store import changelog

        changelog.append(session, review_id=review_id, entity="review", entity_id=review_id,
                         action="update", changes={"title": ["a", "x"]})
        session.rollback()
        assert len(session.exec(select(ChangeLog)).all()) == before


def test_log_rejects_update_and_delete(store) -> None:
    with store.session() as session:
        create_demo(session, file_review=False)
    connection = sqlite3.connect(store.path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("UPDATE change_log SET actor = 'someone' WHERE seq = 1")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM change_log WHERE seq = 1")
    finally:
        connection.close()


def test_tampering_is_found_at_the_right_entry(store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        for index in range(3):
            update_review(session, review_id, ReviewFields(title=f"Titel {index}"))
    connection = sqlite3.connect(store.path)
    connection.execute("DROP TRIGGER change_log_no_update")
    connection.execute(
        "UPDATE change_log SET changes_json = '{\"title\": [\"a\", \"b\"]}' WHERE seq = 4"
    )
    connection.commit()
    connection.close()
    with store.session() as session:
        verdict = verify_chain(session)
    assert verdict.first_broken == 4
