"""The archive on a real PostgreSQL server: push, pull, list, search, and what stays safe when
the server goes away in the middle of a push."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from kvtui.store import archive, archive_catalog
from kvtui.store.archive_engine import (
    ArchiveError,
    checked_archive,
    make_archive_engine,
    upgrade_archive,
)
from kvtui.store.bundle_rows import review_tables, select_rows
from kvtui.store.database import Store, check_store, open_store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.report_data import set_method_text
from kvtui.store.signoff import reopen
from tests.pg_server import PgServer
from tests.report.demo_file import demo_copy
from tests.signing import sign_review

PDF = b"%PDF-1.7\n% only bytes to hash\n%%EOF\n"


@pytest.fixture
def engine(pg_database: str) -> Iterator[Engine]:
    engine = make_archive_engine(pg_database)
    upgrade_archive(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Store, str]]:
    path, review_id = demo_copy(tmp_path / "a #?%å")
    store = open_store(path, backup=False)
    try:
        yield store, review_id
    finally:
        store.close()


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "b" / "kvtui.db", backup=False)
    try:
        yield store
    finally:
        store.close()


def _rows(path: Path, review_id: str) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return {table.name: sorted(connection.execute(select_rows(table, "main"),
                                                      {"review": review_id}).fetchall(),
                                   key=repr)
                for table in review_tables()}
    finally:
        connection.close()


def _method(store: Store, review_id: str) -> str:
    with sqlite3.connect(store.path) as connection:
        return str(connection.execute("SELECT method_text FROM review WHERE id = ?",
                                      (review_id,)).fetchone()[0])


def _archived(engine: Engine, sql: str, **parameters: object) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), parameters)]


def test_a_review_pushed_and_pulled_arrives_whole_and_pushing_twice_is_pushing_once(
        engine: Engine, demo: tuple[Store, str], other: Store) -> None:
    store, review_id = demo
    first = archive.push(store, engine, review_id)
    assert not first.already and not first.signed
    again = archive.push(store, engine, review_id)
    assert again.already
    assert _archived(engine, "SELECT count(*) FROM archive_version") == [(1,)]

    # kvtui's own tables in the archive hold the review's rows, as the store does.
    answers = len(_rows(store.path, review_id)["answer"])
    assert answers > 0
    assert _archived(engine, "SELECT count(*) FROM answer WHERE review_id = :r",
                     r=review_id) == [(answers,)]

    pulled = archive.pull(other, engine, review_id)
    assert pulled.review_id == review_id
    assert _rows(other.path, review_id) == _rows(store.path, review_id)
    assert archive.push(other, engine, review_id).already


def test_two_auditors_changes_are_merged_in_the_archive_and_a_clash_is_kept(
        engine: Engine, demo: tuple[Store, str], other: Store) -> None:
    store, review_id = demo
    archive.push(store, engine, review_id)
    archive.pull(other, engine, review_id)
    with store.session() as session:
        set_method_text(session, review_id, "Metoden enligt Anna.")
    with other.session() as session:
        set_method_text(session, review_id, "Metoden enligt Bertil.")

    archive.push(store, engine, review_id)
    second = archive.push(other, engine, review_id)
    assert second.merged is not None and second.merged.conflicts == 1
    # Anna's store was only read; the clash lives in the archive's copy until it is pulled.
    assert _method(store, review_id) == "Metoden enligt Anna."

    refused = "har ändrats på den här datorn"
    with store.session() as session:
        set_method_text(session, review_id, "Anna igen, efter sin push.")
    before = _rows(store.path, review_id)
    with pytest.raises(InvalidInput, match=refused):
        archive.pull(store, engine, review_id)
    assert _rows(store.path, review_id) == before

    archive.push(store, engine, review_id)
    archive.pull(store, engine, review_id)
    with sqlite3.connect(store.path) as connection:
        open_conflicts = connection.execute(
            "SELECT count(*) FROM merge_conflict WHERE review_id = ? AND resolved_at IS NULL",
            (review_id,)).fetchone()[0]
    assert open_conflicts >= 1


def test_a_signed_version_is_kept_as_pushed_and_a_draft_cannot_replace_it(
        engine: Engine, demo: tuple[Store, str], other: Store) -> None:
    store, review_id = demo
    archive.push(store, engine, review_id)
    archive.pull(other, engine, review_id)
    colleague = open_store(store.path.parent.parent / "d" / "kvtui.db", backup=False)
    try:
        archive.pull(colleague, engine, review_id)
        with store.session() as session:
            sign_review(session, review_id)
        done = archive.push(store, engine, review_id)
        assert done.signed and not done.already
        assert archive.push(store, engine, review_id).already
        # A colleague's copy in progress that has nothing newer becomes the signed version.
        assert archive.pull(colleague, engine, review_id).signed
        assert _rows(colleague.path, review_id) == _rows(store.path, review_id)
        assert check_store(colleague.path).ok

        # Reopened and signed again: the archive keeps both signed versions, and the
        # colleague's signed copy advances to the second.
        with store.session() as session:
            reopen(session, review_id, "Nämnden bad om en komplettering.")
            set_method_text(session, review_id, "Version 2 av metoden.")
        work = archive.push(store, engine, review_id)  # version 2 in progress
        assert not work.signed and work.version == 2
        signed_method = _archived(engine, "SELECT method_text FROM review")
        assert signed_method != [("Version 2 av metoden.",)]  # the tables keep version 1
        with store.session() as session:
            sign_review(session, review_id)
        assert archive.push(store, engine, review_id).version == 2
        assert _archived(engine, "SELECT version, signed FROM archive_version ORDER BY "
                                 "version, signed") == [(1, True), (2, True)]
        assert _archived(engine, "SELECT method_text FROM review") == [
            ("Version 2 av metoden.",)]
        assert archive.pull(colleague, engine, review_id).signed
        assert _method(colleague, review_id) == "Version 2 av metoden."
        assert check_store(colleague.path).ok
    finally:
        colleague.close()

    with other.session() as session:
        set_method_text(session, review_id, "Ändrat efter att granskningen signerats.")
    with pytest.raises(InvalidInput, match="signerad i arkivet"):
        archive.push(other, engine, review_id)
    assert _archived(engine, "SELECT signed FROM archive_version") == [(True,), (True,)]

    fresh = open_store(store.path.parent.parent / "c" / "kvtui.db", backup=False)
    try:
        assert archive.pull(fresh, engine, review_id).signed
        assert _rows(fresh.path, review_id) == _rows(store.path, review_id)
    finally:
        fresh.close()


def test_a_signed_version_that_lacks_a_colleagues_pushed_work_is_refused(
        engine: Engine, demo: tuple[Store, str], other: Store) -> None:
    store, review_id = demo
    archive.push(store, engine, review_id)
    archive.pull(other, engine, review_id)
    with other.session() as session:
        set_method_text(session, review_id, "Bertils tillägg.")
    archive.push(other, engine, review_id)
    with store.session() as session:
        sign_review(session, review_id)
    with pytest.raises(InvalidInput, match="ändringar som inte finns i den signerade"):
        archive.push(store, engine, review_id)
    assert _archived(engine, "SELECT signed FROM archive_version") == [(False,)]


def test_list_and_search_in_swedish(engine: Engine, demo: tuple[Store, str]) -> None:
    store, review_id = demo
    with store.session() as session:
        set_method_text(session, review_id, "Vi läste socialsekreterarnas journalanteckningar.")
    archive.push(store, engine, review_id)
    listed = archive_catalog.list_archived(engine)
    assert [review.review_id for review in listed] == [review_id]
    year = listed[0].year
    assert archive_catalog.list_archived(engine, year=year) == listed
    assert archive_catalog.list_archived(engine, year=1999) == []
    assert archive_catalog.list_archived(engine, unit=listed[0].unit.upper()) == listed
    hits = archive_catalog.search(engine, "journalanteckning")  # another form of the word
    assert [hit.review.review_id for hit in hits] == [review_id]
    assert "journalanteckningar" in hits[0].passage
    assert archive_catalog.search(engine, "journalanteckning -socialsekreterare") == []
    with pytest.raises(InvalidInput):
        archive_catalog.search(engine, "   ")
    with pytest.raises(NotFound):
        archive_catalog.resolve_archived(engine, "finns-inte")
    assert archive_catalog.resolve_archived(engine, review_id[:8]).review_id == review_id


def test_an_archive_of_a_newer_kvtui_is_refused(pg_database: str,
                                                engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(ArchiveError, match="nyare schema"):
        checked_archive(pg_database)


def test_a_server_killed_mid_push_leaves_both_sides_as_they_were_and_a_retry_works(
        pg_server: PgServer, pg_database: str, engine: Engine,
        demo: tuple[Store, str]) -> None:
    store, review_id = demo
    before = _rows(store.path, review_id)
    # Another session holds the review's lock, so the push waits inside its transaction,
    # after it has sent what it read; then the server dies.
    blocker = make_archive_engine(pg_database)
    failures: list[BaseException] = []

    def push() -> None:
        try:
            archive.push(store, engine, review_id)
        except BaseException as error:
            failures.append(error)

    holding = blocker.connect()
    holding.execute(text("SELECT pg_advisory_lock(hashtextextended(:r, 0))"), {"r": review_id})
    worker = threading.Thread(target=push)
    worker.start()
    _wait_for_lock_wait(engine)
    pg_server.kill()
    worker.join(timeout=30)
    holding.invalidate()
    blocker.dispose()
    assert len(failures) == 1 and isinstance(failures[0], ArchiveError)
    assert "svarar inte" in str(failures[0])
    pg_server.restart()
    engine.dispose()
    assert _archived(engine, "SELECT count(*) FROM archive_version") == [(0,)]
    assert _archived(engine, "SELECT count(*) FROM review") == [(0,)]
    assert _rows(store.path, review_id) == before
    assert not archive.push(store, engine, review_id).already
    assert archive.push(store, engine, review_id).already


def _wait_for_lock_wait(engine: Engine) -> None:
    import time

    for _ in range(200):
        waiting = _archived(engine, "SELECT count(*) FROM pg_stat_activity WHERE "
                                    "wait_event_type = 'Lock' AND wait_event = 'advisory'")
        if waiting[0][0]:
            return
        time.sleep(0.05)
    raise AssertionError("the push never waited for the review's lock")
