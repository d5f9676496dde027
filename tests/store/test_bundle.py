"""Bundles: a review carried to another store whole, and every damaged bundle refused."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kvtui.domain.bundle_format import MAGIC, BundleError, ScryptCost, build_prefix, parse_bundle
from kvtui.domain.judgement import DocumentFields
from kvtui.store.bundle import (
    build_payload,
    export_review,
    import_bundle,
    open_bundle,
    payload_at_head,
)
from kvtui.store.bundle_file import seal
from kvtui.store.bundle_rows import review_tables, select_rows
from kvtui.store.changelog import review_entries
from kvtui.store.database import Store, check_store, open_store
from kvtui.store.documents import add_document
from kvtui.store.engine import make_engine
from kvtui.store.errors import InvalidInput
from kvtui.store.idnumber_rule import as_typed, confirmed_numbers, key_of
from kvtui.store.migrate import HEAD, upgrade
from kvtui.store.report_data import current_content, set_method_text
from kvtui.store.signoff import plan_signoff, record_signoff, reopen
from tests.report.demo_file import demo_copy
from tests.testdata import PERSONNUMMER_FILE

#: A small scrypt cost: the tests check the format, not the key's strength.
CHEAP = ScryptCost(n=2**10, r=8, p=1)
PASSPHRASE = "rätt lösenfras 123"
PDF = b"%PDF-1.7\n% only bytes to hash\n%%EOF\n"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Store, str]]:
    path, review_id = demo_copy(tmp_path / "from")
    store = open_store(path, backup=False)
    try:
        yield store, review_id
    finally:
        store.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "to" / "kvtui.db", backup=False)
    try:
        yield store
    finally:
        store.close()


def _sign(store: Store, review_id: str, pdf: bytes) -> None:
    with store.session() as session:
        plan = plan_signoff(session, review_id, current_content(session, review_id),
                            name="Karin Ekdahl", role="Granskare",
                            approver_name="Jonas Lindwall", approver_role="Enhetschef")
        record_signoff(session, plan, current_content(session, plan.review_id), pdf)


def _rows(path: Path, review_id: str) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return {table.name: sorted(connection.execute(select_rows(table, "main"),
                                                      {"review": review_id}).fetchall(),
                                   key=repr)
                for table in review_tables()}
    finally:
        connection.close()


def _bundle(store: Store, review_id: str, folder: Path) -> bytes:
    dest = folder / "paket #1?%å.kvtui"
    export_review(store, review_id, dest, PASSPHRASE, cost=CHEAP)
    return dest.read_bytes()


def test_a_signed_review_of_two_versions_arrives_whole_signed_and_locked(
        demo: tuple[Store, str], fresh: Store, tmp_path: Path) -> None:
    source, review_id = demo
    _sign(source, review_id, PDF)
    with source.session() as session:
        reopen(session, review_id, "Nämnden bad om en kompletterande uppgift.")
        set_method_text(session, review_id, "Version 2 av metoden.")
    _sign(source, review_id, PDF + b"v2")
    data = _bundle(source, review_id, tmp_path)
    assert b"Version 2" not in data and review_id.encode() in data  # the id alone in clear

    header, payload = open_bundle(data, PASSPHRASE)
    with fresh.session() as session:
        before = len(review_entries(session, "x"))
    outcome = import_bundle(fresh, header, payload)

    assert outcome.signed and outcome.review_id == review_id
    rows = _rows(fresh.path, review_id)
    assert rows == _rows(source.path, review_id)
    assert len(rows["sign_off"]) == 2 and rows["answer"]
    with source.session() as a, fresh.session() as b:
        sent = [(e.at, e.actor, e.entity, e.entity_id, e.action, e.changes)
                for e in review_entries(a, review_id)]
        came = [(e.at, e.actor, e.entity, e.entity_id, e.action, e.changes)
                for e in review_entries(b, review_id)]
        assert came[:-1] == sent and before == 0
        assert came[-1][4] == "bundle_import"
        assert current_content(b, review_id).sha256 == current_content(a, review_id).sha256
    result = check_store(fresh.path)
    assert result.ok, result.lines
    connection = sqlite3.connect(fresh.path)
    try:
        for statement in (
                "UPDATE answer SET value = 'nej' WHERE review_id = ?",
                "DELETE FROM case_file WHERE review_id = ?",
                "INSERT OR REPLACE INTO review SELECT * FROM review WHERE id = ?",
                "UPDATE review SET status = 'fieldwork' WHERE id = ?"):
            with pytest.raises(sqlite3.IntegrityError):
                connection.execute(statement, (review_id,))
    finally:
        connection.close()


def test_an_unsigned_review_arrives_and_a_second_import_changes_nothing(
        demo: tuple[Store, str], fresh: Store, tmp_path: Path) -> None:
    source, review_id = demo
    header, payload = open_bundle(_bundle(source, review_id, tmp_path), PASSPHRASE)
    outcome = import_bundle(fresh, header, payload)
    assert not outcome.signed and outcome.entries > 0
    assert _rows(fresh.path, review_id) == _rows(source.path, review_id)
    assert check_store(fresh.path).ok
    before = _rows(fresh.path, review_id)
    again = import_bundle(fresh, header, payload)
    assert again.merged is not None and not again.merged.changed
    assert again.merge_said() == (f"Paketet innehöll inget nytt för granskningen "
                                  f"{review_id[:8]}.")
    assert _rows(fresh.path, review_id) == before


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path, review_id = demo_copy(tmp_path_factory.mktemp("bundle"))
    store = open_store(path, backup=False)
    try:
        return _bundle(store, review_id, path.parent)
    finally:
        store.close()


def _header_end(data: bytes) -> int:
    return len(MAGIC) + 4 + int.from_bytes(data[len(MAGIC):len(MAGIC) + 4], "big") + 32


@pytest.mark.parametrize("where", ["magic", "length", "header", "header hash", "first cipher",
                                   "middle", "tag"])
def test_a_flipped_byte_anywhere_is_refused(bundle: bytes, where: str) -> None:
    end = _header_end(bundle)
    offset = {"magic": 3, "length": len(MAGIC) + 3, "header": len(MAGIC) + 20,
              "header hash": end - 5, "first cipher": end, "middle": (end + len(bundle)) // 2,
              "tag": len(bundle) - 1}[where]
    damaged = bytearray(bundle)
    damaged[offset] ^= 0x01
    with pytest.raises(BundleError) as refused:
        open_bundle(bytes(damaged), PASSPHRASE)
    message = str(refused.value)
    if where in ("first cipher", "middle", "tag"):
        assert message.startswith("Fel lösenfras eller skadad fil")
    else:
        assert "skadad fil" not in message and ("paket" in message.lower())


@pytest.mark.parametrize("keep", [0, 4, len(MAGIC) + 2, len(MAGIC) + 40, -60, -17, -1])
def test_a_truncated_bundle_is_refused(bundle: bytes, keep: int) -> None:
    cut = bundle[:keep] if keep >= 0 else bundle[:len(bundle) + keep]
    with pytest.raises(BundleError, match=r"avkortat|skadad|tom"):
        open_bundle(cut, PASSPHRASE)


@pytest.mark.parametrize("foreign", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40),
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(40),
    b"SQLite format 3\x00" + bytes(100),
])
def test_a_foreign_file_is_not_a_bundle(foreign: bytes) -> None:
    with pytest.raises(BundleError, match="inget kvtui-paket"):
        open_bundle(foreign, PASSPHRASE)


def test_a_wrong_passphrase_is_refused_in_swedish(bundle: bytes) -> None:
    with pytest.raises(BundleError, match=r"^Fel lösenfras eller skadad fil"):
        open_bundle(bundle, "fel lösenfras 123")


def test_a_newer_format_is_refused_before_the_passphrase(bundle: bytes) -> None:
    parsed = parse_bundle(bundle)
    newer = build_prefix(dataclasses.replace(parsed.header, format=2)) + parsed.ciphertext
    with pytest.raises(BundleError, match=r"nyare version av kvtui.*paketformat 2"):
        open_bundle(newer, "vilken som helst")


def test_a_payload_of_a_newer_schema_is_refused(demo: tuple[Store, str]) -> None:
    store, review_id = demo
    payload, revision = build_payload(store.path, review_id)
    memory = sqlite3.connect(":memory:")
    memory.deserialize(payload)
    memory.execute("UPDATE alembic_version SET version_num = '9999'")
    memory.commit()
    sealed = seal(memory.serialize(), PASSPHRASE, kvtui_version="9.0", review_id=review_id,
                  exported_by="x", exported_at=datetime(2026, 12, 1, tzinfo=UTC),
                  revision="9999", cost=CHEAP)
    with pytest.raises(BundleError, match=r"nyare version av kvtui \(schema 9999"):
        open_bundle(sealed.data, PASSPHRASE)
    assert revision == HEAD and payload_at_head(payload, review_id) == payload


def _sealed_once(payload: bytes, review_id: str) -> bytes:
    return seal(payload, PASSPHRASE, kvtui_version="1", review_id=review_id, exported_by="x",
                exported_at=datetime(2026, 12, 1, tzinfo=UTC), revision=HEAD,
                cost=CHEAP).data


def test_a_payload_of_an_older_schema_is_brought_up_to_date(
        demo: tuple[Store, str], fresh: Store, tmp_path: Path) -> None:
    store, review_id = demo
    older = tmp_path / "older.db"
    older.touch(mode=0o600)
    engine = make_engine(older)
    try:
        upgrade(engine, "0012")
    finally:
        engine.dispose()
    connection = sqlite3.connect(older)
    try:
        connection.execute("ATTACH DATABASE ? AS demo", (str(store.path),))
        for table in ("review", "review_template", "review_section", "review_criterion"):
            connection.execute(f"INSERT INTO main.{table} SELECT * FROM demo.{table} "
                               "WHERE " + ("id" if table == "review" else "review_id") + " = ?",
                               (review_id,))
        connection.commit()
    finally:
        connection.close()
    payload, revision = build_payload(older, review_id)
    assert revision == "0012"
    current = payload_at_head(payload, review_id)
    memory = sqlite3.connect(":memory:")
    memory.deserialize(current)
    assert memory.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    header = parse_bundle(_sealed_once(payload, review_id)).header
    import_bundle(fresh, header, current)
    assert _rows(fresh.path, review_id)["review_criterion"] == _rows(
        store.path, review_id)["review_criterion"]
    assert check_store(fresh.path).ok


def _test_number() -> str:
    return PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[0]


def test_a_bundle_holding_a_personnummer_is_refused(demo: tuple[Store, str],
                                                    fresh: Store) -> None:
    store, review_id = demo
    payload, _revision = build_payload(store.path, review_id)
    memory = sqlite3.connect(":memory:")
    memory.deserialize(payload)
    memory.execute("UPDATE document SET title = ? WHERE review_id = ?",
                   (f"Anteckning om {_test_number()}", review_id))
    memory.commit()
    header = parse_bundle(_sealed_once(payload, review_id)).header
    before = _rows(fresh.path, review_id)
    with pytest.raises(InvalidInput, match=r"ser ut som ett personnummer \(dokument\)"):
        import_bundle(fresh, header, memory.serialize())
    assert _rows(fresh.path, review_id) == before


def test_a_number_confirmed_as_no_personnummer_travels_confirmed(
        demo: tuple[Store, str], fresh: Store) -> None:
    store, review_id = demo
    number = _test_number()
    key = key_of(number)
    assert key is not None
    with as_typed({key}), store.session() as session:
        add_document(session, review_id, DocumentFields(title=f"Växel {number}"))
    payload, _revision = build_payload(store.path, review_id)
    header = parse_bundle(_sealed_once(payload, review_id)).header
    import_bundle(fresh, header, payload_at_head(payload, review_id))
    assert _rows(fresh.path, review_id)["document"] == _rows(store.path, review_id)["document"]
    with fresh.session() as session:
        assert key in confirmed_numbers(session)
    assert check_store(fresh.path).ok


@pytest.mark.parametrize("signed_again", [True, False], ids=["signed", "reopened"])
def test_a_later_version_of_a_review_signed_here_comes_in_as_that_version(
        demo: tuple[Store, str], fresh: Store, tmp_path: Path, signed_again: bool) -> None:
    """Signed here at version 1; the sender reopened it, changed it (and signed it again):
    the bundle brings version 2 in whole, and the store's record of version 1 holds."""
    source, review_id = demo
    _sign(source, review_id, PDF)
    (tmp_path / "v1").mkdir()
    header, payload = open_bundle(_bundle(source, review_id, tmp_path / "v1"), PASSPHRASE)
    import_bundle(fresh, header, payload)
    with source.session() as session:
        reopen(session, review_id, "Nämnden bad om en kompletterande uppgift.")
        set_method_text(session, review_id, "Version 2 av metoden.")
    if signed_again:
        _sign(source, review_id, PDF + b"v2")
    (tmp_path / "v2").mkdir()
    header, payload = open_bundle(_bundle(source, review_id, tmp_path / "v2"), PASSPHRASE)
    outcome = import_bundle(fresh, header, payload)
    assert outcome.signed is signed_again and outcome.merged is None
    assert _rows(fresh.path, review_id) == _rows(source.path, review_id)
    with source.session() as a, fresh.session() as b:
        assert current_content(b, review_id).sha256 == current_content(a, review_id).sha256
    result = check_store(fresh.path)
    assert result.ok, result.lines
    if signed_again:  # version 2 is as locked here as version 1 was
        connection = sqlite3.connect(fresh.path)
        try:
            for statement in ("UPDATE answer SET value = 'nej' WHERE review_id = ?",
                              "INSERT OR REPLACE INTO review SELECT * FROM review WHERE id = ?"):
                with pytest.raises(sqlite3.IntegrityError):
                    connection.execute(statement, (review_id,))
        finally:
            connection.close()
    # The same bundle again: nothing more to bring in.
    again = import_bundle(fresh, header, payload)
    assert again.merged is not None and not again.merged.changed


def test_a_later_version_of_another_signing_is_refused(
        demo: tuple[Store, str], fresh: Store, tmp_path: Path) -> None:
    """A bundle whose version 2 does not continue the version signed here changes nothing."""
    source, review_id = demo
    (tmp_path / "v0").mkdir()
    header, payload = open_bundle(_bundle(source, review_id, tmp_path / "v0"), PASSPHRASE)
    import_bundle(fresh, header, payload)
    _sign(fresh, review_id, PDF + b"here")
    _sign(source, review_id, PDF + b"there")
    with source.session() as session:
        reopen(session, review_id, "Rättelse.")
    (tmp_path / "v2").mkdir()
    header, payload = open_bundle(_bundle(source, review_id, tmp_path / "v2"), PASSPHRASE)
    before = _rows(fresh.path, review_id)
    with pytest.raises(InvalidInput, match="bygger inte på den signeringen"):
        import_bundle(fresh, header, payload)
    assert _rows(fresh.path, review_id) == before
    assert check_store(fresh.path).ok
