"""Fact-check and sign-off in the store: frozen drafts, the lock held by SQLite itself, reopening
as version 2, and the content hash that shows what was signed."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from kvtui.domain.signoff import content_hash, sha256_hex
from kvtui.store.database import Store, check_store, open_store
from kvtui.store.errors import InvalidInput
from kvtui.store.factcheck import add_comment, list_comments, respond, send_for_factcheck
from kvtui.store.factcheck_changes import changes_since_factcheck
from kvtui.store.models import Review, ReviewSection, SignOff
from kvtui.store.report_data import current_content, load_report_data, set_method_text
from kvtui.store.signed_record import check_sign_offs, match_report_file, verified_signed_pdf
from kvtui.store.signoff import (
    plan_signoff,
    record_signoff,
    reopen,
    sign_offs,
)
from tests.report.demo_file import demo_copy

PDF = b"%PDF-1.7\n% not a real report, only bytes to hash\n%%EOF\n"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Store, str]]:
    path, review_id = demo_copy(tmp_path / "copy")
    store = open_store(path, backup=False)
    try:
        yield store, review_id
    finally:
        store.close()


def _sign(store: Store, review_id: str, pdf: bytes = PDF) -> None:
    with store.session() as session:
        plan = plan_signoff(session, review_id, current_content(session, review_id),
                            name="Karin Ekdahl", role="Granskare",
                            approver_name="Jonas Lindwall", approver_role="Enhetschef")
        record_signoff(session, plan, current_content(session, plan.review_id), pdf)


def _raw(store: Store) -> sqlite3.Connection:
    connection = sqlite3.connect(store.path)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def test_sending_a_draft_freezes_its_content_and_shows_what_changed(
        demo: tuple[Store, str]) -> None:
    store, review_id = demo
    with store.session() as session:
        sent = send_for_factcheck(session, review_id, current_content(session, review_id),
                                  sent_on=date(2026, 11, 10))
        assert session.get(Review, review_id).status == "fact_check"
        assert sent.content_sha256 == current_content(session, review_id).sha256
        last, changes = changes_since_factcheck(session, review_id)
        assert last.number == 1 and changes == []
        set_method_text(session, review_id, "Granskningen gjordes med aktgranskning. "
                        "Verksamheten har lämnat synpunkter.")
        _last, changes = changes_since_factcheck(session, review_id)
    assert [c.where for c in changes] == ["Metod"]
    assert "+ Verksamheten har lämnat synpunkter." in changes[0].lines()


def test_comments_need_a_sent_draft_and_a_reason_when_nothing_changed(
        demo: tuple[Store, str]) -> None:
    store, review_id = demo
    with store.session() as session:
        section = session.exec(select(ReviewSection).where(
            ReviewSection.review_id == review_id, ReviewSection.kind == "text")).first()
        with pytest.raises(InvalidInput, match="Skicka först"):
            add_comment(session, review_id, section_id=section.id, role="Enhetschef",
                        text="Antalet placerade barn är 46, inte 44.")
        send_for_factcheck(session, review_id, current_content(session, review_id))
        comment = add_comment(session, review_id, section_id=section.id, role="Enhetschef",
                              text="Antalet placerade barn är 46, inte 44.",
                              received_on=date(2026, 11, 17))
        with pytest.raises(InvalidInput, match="varför"):
            respond(session, review_id, comment.id, "not_changed")
        respond(session, review_id, comment.id, "not_changed",
                "Urvalet gjordes ur 44 akter den 1 november.")
        [view] = list_comments(session, review_id)
    assert view.response_label == "Ej ändrat" and view.section_label.startswith(section.number)
    assert view.received_on == date(2026, 11, 17)


def test_sign_off_stores_the_content_and_pdf_and_locks_the_review(
        demo: tuple[Store, str]) -> None:
    store, review_id = demo
    with store.session() as session:
        send_for_factcheck(session, review_id, current_content(session, review_id))
        with pytest.raises(InvalidInput, match="samma person"):
            plan_signoff(session, review_id, current_content(session, review_id),
                         name="Karin Ekdahl", role="Granskare",
                         approver_name=" karin  ekdahl")
    _sign(store, review_id)
    with store.session() as session:
        [signed] = sign_offs(session, review_id)
        assert signed.pdf_sha256 == sha256_hex(PDF)
        assert verified_signed_pdf(session, review_id) == PDF
        assert match_report_file(session, sha256_hex(PDF), None, None).review_id == review_id
        assert signed.content_sha256 == current_content(session, review_id).sha256
        data = load_report_data(session, review_id)
        assert data.signed and data.sign_off == signed and len(data.factcheck_rounds) == 1
        with pytest.raises(InvalidInput, match="signerad och låst"):
            set_method_text(session, review_id, "Ändrad i efterhand.")
        assert check_sign_offs(session)[0].ok


@pytest.mark.parametrize("statement", [
    "UPDATE review SET title = 'Ändrad' WHERE status = 'signed'",
    "UPDATE answer SET value = 'ja' WHERE value = 'nej'",
    "DELETE FROM answer",
    "UPDATE section_text SET text = 'Ändrad'",
    "UPDATE assessment SET rating = 'gron'",
    "DELETE FROM evidence_link",
    "UPDATE observation SET text = 'Ändrad'",
    "DELETE FROM sample_item",
    "UPDATE sign_off SET name = 'Någon annan'",
    "DELETE FROM sign_off",
    "DELETE FROM factcheck_round",
    "UPDATE review SET status = 'fieldwork', version = version + 1",
    "DELETE FROM review",
])
def test_raw_sql_cannot_change_a_signed_review(demo: tuple[Store, str], statement: str) -> None:
    store, review_id = demo
    with store.session() as session:
        send_for_factcheck(session, review_id, current_content(session, review_id))
    _sign(store, review_id)
    connection = _raw(store)
    try:
        with pytest.raises(sqlite3.DatabaseError, match=r"locked|append-only"):
            connection.execute(statement)
    finally:
        connection.close()
    assert check_store(store.path).ok


def test_a_review_becomes_signed_only_with_a_sign_off(demo: tuple[Store, str]) -> None:
    store, _review_id = demo
    connection = _raw(store)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="only with a sign-off"):
            connection.execute("UPDATE review SET status = 'signed'")
    finally:
        connection.close()


def test_reopening_needs_a_reason_and_starts_version_2(demo: tuple[Store, str]) -> None:
    store, review_id = demo
    _sign(store, review_id)
    with store.session() as session:
        with pytest.raises(InvalidInput, match="skälet"):
            reopen(session, review_id, "  ")
        reopened = reopen(session, review_id, "Nämnden bad om en kompletterande uppgift.")
        assert (reopened.from_version, reopened.to_version) == (1, 2)
        review = session.get(Review, review_id)
        assert (review.status, review.version) == ("fieldwork", 2)
        set_method_text(session, review_id, "Version 2 av metoden.")
        data = load_report_data(session, review_id)
        assert data.version == 2 and data.sign_off is None
        assert data.replaces is not None and data.replaces.version == 1
        assert data.reopen_reason == "Nämnden bad om en kompletterande uppgift."
        with pytest.raises(InvalidInput, match="inte signerad"):
            reopen(session, review_id, "En gång till.")
    _sign(store, review_id, PDF + b"v2")
    with store.session() as session:
        assert [s.version for s in sign_offs(session, review_id)] == [1, 2]
        assert session.exec(select(SignOff.pdf).where(SignOff.version == 1)).one() == PDF
        assert verified_signed_pdf(session, review_id) == PDF + b"v2"


def test_a_change_around_the_triggers_is_caught_by_the_content_hash(
        demo: tuple[Store, str]) -> None:
    store, review_id = demo
    _sign(store, review_id)
    connection = _raw(store)
    try:
        connection.execute("DROP TRIGGER section_text_locked_update")
        connection.execute("UPDATE section_text SET text = text || ' Tillagt i efterhand.'")
        connection.commit()
    finally:
        connection.close()
    with store.session() as session:
        [result] = check_sign_offs(session)
    assert not result.ok


def test_every_lock_trigger_exists_at_head(demo: tuple[Store, str]) -> None:
    import importlib.util

    import kvtui.store.migrations as migrations

    script = Path(migrations.__file__).parent / "versions" / "0004_signoff_lock.py"
    spec = importlib.util.spec_from_file_location("migration_0004", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    store, _review_id = demo
    connection = _raw(store)
    try:
        names = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        connection.close()
    assert set(module.lock_triggers()) <= names


def test_content_hash_is_canonical() -> None:
    assert content_hash({"b": 1, "a": "å"}) == content_hash({"a": "å", "b": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})


def test_a_sign_off_made_before_the_log_anchor_is_checked_for_what_it_has(
        demo: tuple[Store, str]) -> None:
    """Stores signed by a kvtui before migration 0006 have no log anchor or row hash: their
    sign-off is still compared with its log entry and its PDF, and the rest is said skipped."""
    from kvtui.store import changelog

    store, review_id = demo
    with store.session() as session:
        frozen = current_content(session, review_id)
        content, digest = frozen.content, frozen.sha256
        row = SignOff(review_id=review_id, version=1, name="Karin Ekdahl", role="Granskare",
                      content_json=json.dumps(content, ensure_ascii=False, sort_keys=True),
                      content_sha256=digest, pdf=PDF, pdf_sha256=sha256_hex(PDF))
        session.add(row)
        session.flush()
        review = session.get(Review, review_id)
        review.status = "signed"
        changelog.append(session, review_id=review_id, entity="sign_off", entity_id=row.id,
                         action="sign", changes={
                             "version": 1, "name": row.name, "role": row.role,
                             "approver_name": "", "content_sha256": digest,
                             "pdf_sha256": row.pdf_sha256, "certificate": "",
                             "status": ["planning", "signed"]})
        session.commit()
    result = check_store(store.path)
    assert result.ok, result.lines
    assert any("signerad före radkontrollen" in line for line in result.lines)
    connection = _raw(store)
    try:
        connection.execute("DROP TRIGGER sign_off_locked_update")
        connection.execute("DROP TRIGGER sign_off_no_update")
        connection.execute("UPDATE sign_off SET name = 'Någon annan'")
        connection.commit()
    finally:
        connection.close()
    result = check_store(store.path)
    assert not result.ok
    assert any("stämmer inte med ändringsloggens post (name)" in line for line in result.lines)
