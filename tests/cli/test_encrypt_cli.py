"""``kvtui encrypt`` and ``decrypt`` and opening an encrypted store from the command line: the
passphrase from ``KVTUI_PASSPHRASE`` (no terminal here to ask at), a wrong one a Swedish
message with the store untouched and nothing set aside."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kvtui.store import cipher
from kvtui.store.database import open_store
from kvtui.store.demo import create_demo
from tests.cli.invoke import run

pytest.importorskip("sqlcipher3")

SECRET = "kommandoradens fras"


@pytest.fixture(autouse=True)
def _no_passphrase_left() -> Iterator[None]:
    cipher.set_passphrase(None)
    yield
    cipher.set_passphrase(None)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A plain store with the demo review's facts (no file review), closed."""
    path = tmp_path / "db" / "kvtui.db"
    store = open_store(path)
    try:
        with store.session() as session:
            create_demo(session, file_review=False)
    finally:
        store.close()
    return str(path)


def _files(db: str) -> dict[str, bytes]:
    folder = Path(db).parent
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.name.endswith(".lock")}


def test_encrypt_open_refuse_and_decrypt(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cipher.PASSPHRASE_VARIABLE, "kort")
    short = run("encrypt", "--db", db)
    assert short.exit_code == 1 and "minst 10 tecken" in short.output
    assert not cipher.looks_encrypted(db)

    monkeypatch.setenv(cipher.PASSPHRASE_VARIABLE, SECRET)
    done = run("encrypt", "--db", db)
    assert done.exit_code == 0, done.output
    assert "är krypterad" in done.output and cipher.looks_encrypted(db)
    cipher.set_passphrase(None)
    assert "Kvalitetsgranskning av familjevården" in run("list", "--json", "--db", db).output

    before = _files(db)
    monkeypatch.setenv(cipher.PASSPHRASE_VARIABLE, "en annan fras")
    for command in (("list",), ("check",), ("backup",), ("decrypt",)):
        cipher.set_passphrase(None)
        refused = run(*command, "--db", db)
        assert refused.exit_code == 1, command
        assert "Lösenfrasen öppnar inte databasen" in refused.output, command
        assert "flyttats åt sidan" not in refused.output
    monkeypatch.delenv(cipher.PASSPHRASE_VARIABLE)
    cipher.set_passphrase(None)
    asked = run("list", "--db", db)
    assert asked.exit_code == 1 and "är krypterad" in asked.output
    assert "KVTUI_PASSPHRASE" in asked.output
    assert _files(db) == before  # untouched, nothing set aside

    monkeypatch.setenv(cipher.PASSPHRASE_VARIABLE, SECRET)
    back = run("decrypt", "--db", db)
    assert back.exit_code == 0, back.output
    assert not cipher.looks_encrypted(db)
    monkeypatch.delenv(cipher.PASSPHRASE_VARIABLE)
    cipher.set_passphrase(None)
    assert "Kvalitetsgranskning av familjevården" in run("list", "--json", "--db", db).output
