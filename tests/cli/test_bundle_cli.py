"""``kvtui bundle export`` and ``import``: a review from one store to another, and every bad
bundle refused with the store left byte for byte as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from kvtui.domain.bundle_format import MAGIC, ScryptCost
from kvtui.store.bundle import export_review
from kvtui.store.database import open_store
from tests.cli.invoke import run
from tests.report.demo_file import demo_copy

PASSPHRASE = "en lång lösenfras"
CHEAP = ScryptCost(n=2**10, r=8, p=1)


def _state(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by its SHA-256: the store, its log, backups, markers."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _empty_store(folder: Path) -> Path:
    path = folder / "kvtui.db"
    open_store(path, backup=False).close()
    return path


def test_export_and_import_through_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, review_id = demo_copy(tmp_path / "a")
    monkeypatch.setenv("KVTUI_LOSEN", PASSPHRASE)
    dest = tmp_path / "Granskning #2 ?%å" / "paket å#.kvtui"
    dest.parent.mkdir()
    exported = run("bundle", "export", review_id[:8], "-o", str(dest), "--passphrase-env",
                   "KVTUI_LOSEN", "--db", str(source))
    assert exported.exit_code == 0, exported.output
    assert "är exporterad till" in exported.output and dest.exists()
    again = run("bundle", "export", review_id[:8], "-o", str(dest), "--passphrase-env",
                "KVTUI_LOSEN", "--db", str(source))
    assert again.exit_code == 1 and "finns redan och skrivs inte över" in again.output

    target = tmp_path / "b" / "kvtui.db"
    imported = run("bundle", "import", str(dest), "--passphrase-env", "KVTUI_LOSEN",
                   "--db", str(target))
    assert imported.exit_code == 0, imported.output
    assert "är importerad från paketet" in imported.output
    checked = run("check", "--db", str(target))
    assert checked.exit_code == 0, checked.output
    def shown(db: Path) -> list[str]:
        # The import is the newest change of the copy: Ändrad is its time.
        result = run("show", review_id[:8], "--db", str(db))
        assert result.exit_code == 0
        return [line for line in result.output.splitlines() if not line.startswith("Ändrad:")]

    assert shown(target) == shown(source)
    twice = run("bundle", "import", str(dest), "--passphrase-env", "KVTUI_LOSEN",
                "--db", str(target))
    assert twice.exit_code == 0 and "innehöll inget nytt" in twice.output, twice.output
    assert shown(target) == shown(source)


def test_a_short_passphrase_or_a_missing_variable_writes_no_bundle(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, review_id = demo_copy(tmp_path / "a")
    dest = tmp_path / "paket.kvtui"
    monkeypatch.setenv("KORT", "kort")
    short = run("bundle", "export", review_id[:8], "-o", str(dest), "--passphrase-env", "KORT",
                "--db", str(source))
    assert short.exit_code == 1 and "minst 10 tecken" in short.output
    missing = run("bundle", "export", review_id[:8], "-o", str(dest), "--passphrase-env",
                  "SAKNAS", "--db", str(source))
    assert missing.exit_code == 1 and "Miljövariabeln SAKNAS finns inte" in missing.output
    assert not dest.exists()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path, review_id = demo_copy(tmp_path_factory.mktemp("bundle"))
    store = open_store(path, backup=False)
    try:
        dest = path.parent / "paket.kvtui"
        export_review(store, review_id, dest, PASSPHRASE, cost=CHEAP)
        return dest.read_bytes()
    finally:
        store.close()


def _flipped(data: bytes, offset: int) -> bytes:
    changed = bytearray(data)
    changed[offset] ^= 0x80
    return bytes(changed)


@pytest.mark.parametrize(("kind", "expected"), [
    ("wrong passphrase", "Fel lösenfras eller skadad fil"),
    ("flipped header", "Paketets huvud är skadat"),
    ("flipped ciphertext", "Fel lösenfras eller skadad fil"),
    ("flipped tag", "Fel lösenfras eller skadad fil"),
    ("truncated", "Paketet är avkortat"),
    ("empty", "Filen är tom (0 byte)"),
    ("png", "Filen är inget kvtui-paket"),
])
def test_a_bad_bundle_is_refused_and_the_store_stays_byte_identical(
        bundle: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str,
        expected: str, capfd: pytest.CaptureFixture[str]) -> None:
    store = _empty_store(tmp_path / "db")
    before = _state(tmp_path / "db")
    data = {
        "wrong passphrase": bundle,
        "flipped header": _flipped(bundle, len(MAGIC) + 30),
        "flipped ciphertext": _flipped(bundle, len(bundle) // 2),
        "flipped tag": _flipped(bundle, len(bundle) - 3),
        "truncated": bundle[:len(MAGIC) + 50],
        "empty": b"",
        "png": b"\x89PNG\r\n\x1a\n" + bytes(60),
    }[kind]
    path = tmp_path / "paket #3.kvtui"
    path.write_bytes(data)
    monkeypatch.setenv("LOSEN", "fel lösenfras här" if kind == "wrong passphrase" else PASSPHRASE)
    capfd.readouterr()
    result = run("bundle", "import", str(path), "--passphrase-env", "LOSEN", "--db", str(store))
    assert result.exit_code == 1
    assert result.output.startswith(f"Fel: {expected}") and result.output.count("\n") == 1
    assert capfd.readouterr() == ("", "")  # nothing from the crypto library past our message
    assert _state(tmp_path / "db") == before


@pytest.mark.parametrize(("typed", "expected"), [
    ("kort\n", "minst 10 tecken"),
    ("en lång lösenfras\nen annan lösenfras\n", "Lösenfraserna är inte lika"),
])
def test_the_hidden_prompt_asks_twice_and_refuses_a_short_or_differing_passphrase(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str, expected: str) -> None:
    from typer.testing import CliRunner

    from kvtui.cli import bundle as bundle_cli
    from kvtui.cli.typer_app import app

    source, review_id = demo_copy(tmp_path / "a")
    monkeypatch.setattr(bundle_cli, "_need_terminal", lambda: None)  # the runner has no tty
    dest = tmp_path / "paket.kvtui"
    result = CliRunner().invoke(app, ["bundle", "export", review_id[:8], "-o", str(dest),
                                      "--db", str(source)], input=typed)
    assert result.exit_code == 1 and expected in result.output
    assert all(line not in result.output for line in typed.splitlines())  # hidden
    assert not dest.exists()


def test_two_auditors_exchange_bundles_and_settle_a_conflict(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Anna sends the review to Bertil; both change the same comment; the bundles cross; the
    conflict is shown with both values, settled in Anna's store, and the choice travels."""
    from kvtui.store.answers import set_comment
    from tests.store.merge_copies import content

    monkeypatch.setenv("KVTUI_LOSEN", PASSPHRASE)
    anna, review_id = demo_copy(tmp_path / "anna")
    bertil = _empty_store(tmp_path / "bertil")

    def send(source: Path, target: Path, name: str) -> str:
        dest = tmp_path / f"{name}.kvtui"
        exported = run("bundle", "export", review_id[:8], "-o", str(dest),
                       "--passphrase-env", "KVTUI_LOSEN", "--db", str(source))
        assert exported.exit_code == 0, exported.output
        imported = run("bundle", "import", str(dest), "--passphrase-env", "KVTUI_LOSEN",
                       "--db", str(target))
        assert imported.exit_code == 0, imported.output
        return imported.output

    send(anna, bertil, "till-bertil")
    with sqlite3.connect(anna) as raw:
        file_id, criterion_id = raw.execute(
            "SELECT case_file_id, criterion_id FROM answer ORDER BY id LIMIT 1").fetchone()
    raw.close()
    for path, text in ((anna, "Anna: beslut saknas."), (bertil, "Bertil: beslut finns.")):
        store = open_store(path, backup=False)
        try:
            with store.session() as session:
                set_comment(session, review_id, file_id, criterion_id, text)
        finally:
            store.close()
    said = send(bertil, anna, "till-anna")
    assert "1 konflikt att avgöra" in said and f"kvtui conflicts {review_id[:8]}" in said
    listed = run("conflicts", review_id[:8], "--db", str(anna))
    assert "Anna: beslut saknas." in listed.output and "Bertil: beslut finns." in listed.output
    refused = run("factcheck", review_id[:8], "-o", str(tmp_path / "utkast.pdf"),
                  "--db", str(anna))
    assert refused.exit_code == 1 and "1 öppen konflikt" in refused.output, refused.output
    assert not (tmp_path / "utkast.pdf").exists()
    conflict_id = listed.output.split()[0]
    settled = run("resolve", review_id[:8], conflict_id, "--incoming", "--db", str(anna))
    assert settled.exit_code == 0 and "Konflikten är avgjord" in settled.output
    said = send(anna, bertil, "tillbaka")
    assert "sammanslaget" in said and "konflikt" not in said
    assert content(anna) == content(bertil)
    for path in (anna, bertil):
        assert run("check", "--db", str(path)).exit_code == 0
        assert "inga öppna konflikter" in run("conflicts", review_id[:8], "--db",
                                              str(path)).output
