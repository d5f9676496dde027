"""An encrypted store on real files: converted and back with its content and backups, a wrong
passphrase refused with the store untouched and nothing set aside, backups not readable as
plain SQLite, and no plain text of a note in the file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kvtui.domain.judgement import InterviewFields
from kvtui.store import cipher
from kvtui.store.backup import list_backups
from kvtui.store.database import open_store
from kvtui.store.demo import create_demo
from kvtui.store.encryption import decrypt_store, encrypt_store
from kvtui.store.interviews import add_interview, list_interviews

pytest.importorskip("sqlcipher3")

SECRET = "rätt lösenfras 7"
NOTE = "Handläggaren berättade om rutinen för familjehemsutredningar."


@pytest.fixture(autouse=True)
def _no_passphrase_left() -> Iterator[None]:
    """The passphrase is the process's: each test starts and ends without one."""
    cipher.set_passphrase(None)
    yield
    cipher.set_passphrase(None)


@pytest.fixture
def plain_store(store_path: Path) -> Path:
    """A closed plain store with a review, an interview with a known note and one backup."""
    store = open_store(store_path)
    try:
        with store.session() as session:
            review_id = create_demo(session, file_review=False)
            add_interview(session, review_id, InterviewFields(
                held_on=date(2025, 3, 4), roles=("enhetschef",), participants=1,
                form="individual", notes=NOTE))
        store.backup()
    finally:
        store.close()
    return store_path


def _note(path: Path) -> str:
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            from kvtui.store.review_detail import list_reviews

            review_id = list_reviews(session)[0].id
            return list_interviews(session, review_id)[0].notes
    finally:
        store.close()


def test_encrypt_and_back(plain_store: Path) -> None:
    backups = [info.path for info in list_backups(plain_store)]
    assert backups and NOTE.encode() in plain_store.read_bytes()
    assert encrypt_store(plain_store, SECRET) == len(backups)
    for path in (plain_store, *backups):
        data = path.read_bytes()
        assert cipher.looks_encrypted(path)
        assert NOTE.encode() not in data and b"familjehem" not in data
    leftovers = {p.name for p in plain_store.parent.iterdir() if p.is_file()} - {
        plain_store.name, plain_store.name + ".lock"}
    assert leftovers == set()  # the plain file and its converted copy are gone
    cipher.set_passphrase(None)
    cipher.set_passphrase(SECRET)
    assert _note(plain_store) == NOTE
    assert decrypt_store(plain_store, SECRET) == len(list_backups(plain_store))
    assert not cipher.looks_encrypted(plain_store)
    with sqlite3.connect(plain_store) as plain:
        assert plain.execute("SELECT notes FROM interview").fetchone() == (NOTE,)
    assert _note(plain_store) == NOTE


def test_a_wrong_passphrase_is_refused_and_nothing_is_touched(plain_store: Path) -> None:
    encrypt_store(plain_store, SECRET)
    before = {p.name: p.read_bytes() for p in plain_store.parent.rglob("*") if p.is_file()}
    cipher.set_passphrase("fel lösenfras")
    with pytest.raises(cipher.WrongPassphrase, match="Lösenfrasen öppnar inte databasen"):
        open_store(plain_store)
    with pytest.raises(cipher.WrongPassphrase):
        open_store(plain_store, read_only=True)
    cipher.set_passphrase(None)
    with pytest.raises(cipher.PassphraseNeeded, match="är krypterad"):
        open_store(plain_store)
    with pytest.raises(cipher.WrongPassphrase):
        decrypt_store(plain_store, "fel lösenfras")
    after = {p.name: p.read_bytes() for p in plain_store.parent.rglob("*") if p.is_file()
             and not p.name.endswith(".lock")}
    assert after == {name: data for name, data in before.items() if not name.endswith(".lock")}


def test_a_backup_of_an_encrypted_store_is_encrypted(plain_store: Path, tmp_path: Path) -> None:
    encrypt_store(plain_store, SECRET)
    store = open_store(plain_store, backup=False)
    try:
        target = tmp_path / "kopia.db"
        store.backup(target)
    finally:
        store.close()
    assert NOTE.encode() not in target.read_bytes()
    with sqlite3.connect(target) as plain, pytest.raises(sqlite3.DatabaseError,
                                                        match="not a database"):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert cipher.salt_of(target) == cipher.salt_of(plain_store)  # one key opens both


def test_bundles_travel_from_and_into_an_encrypted_store(plain_store: Path,
                                                          tmp_path: Path) -> None:
    """Exported from an encrypted store, imported into a plain one, changed there and merged
    back into the encrypted one: nothing in the clear on disk on the way."""
    from kvtui.domain.bundle_format import ScryptCost
    from kvtui.store.bundle import export_review, import_bundle, open_bundle
    from kvtui.store.database import check_store
    from kvtui.store.interviews import set_interview_notes
    from kvtui.store.review_detail import list_reviews

    cheap = ScryptCost(n=2**10, r=8, p=1)
    encrypt_store(plain_store, SECRET)
    cipher.set_passphrase(SECRET)
    store = open_store(plain_store, backup=False)
    try:
        with store.session() as session:
            review_id = list_reviews(session)[0].id
        sent = export_review(store, review_id, tmp_path / "från krypterad.kvtui", SECRET,
                             cost=cheap)
    finally:
        store.close()
    assert NOTE.encode() not in sent.path.read_bytes()
    assert not list(tmp_path.glob("kvtui-bundle-*"))  # the plain copy lived in memory only

    other_path = tmp_path / "annan" / "kvtui.db"
    other_path.parent.mkdir()
    cipher.set_passphrase(None)
    other = open_store(other_path, backup=False)
    try:
        header, payload = open_bundle(sent.path.read_bytes(), SECRET)
        assert import_bundle(other, header, payload).merged is None
        with other.session() as session:
            interview = list_interviews(session, review_id)[0]
            assert interview.notes == NOTE
            set_interview_notes(session, review_id, interview.id, NOTE + " Kompletterat.")
        back = export_review(other, review_id, tmp_path / "tillbaka.kvtui", SECRET,
                             cost=cheap)
    finally:
        other.close()
    assert check_store(other_path).ok

    cipher.set_passphrase(SECRET)
    store = open_store(plain_store, backup=False)
    try:
        header, payload = open_bundle(back.path.read_bytes(), SECRET)
        merged = import_bundle(store, header, payload).merged
    finally:
        store.close()
    assert merged is not None and merged.taken >= 1 and not merged.conflicts
    assert _note(plain_store) == NOTE + " Kompletterat."
    assert check_store(plain_store).ok
    assert NOTE.encode() not in plain_store.read_bytes()
