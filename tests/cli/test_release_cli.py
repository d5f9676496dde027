"""`kvtui factcheck`, `sign`, `reopen`, `verify` and `log`: a review from draft to signed PDF,
the verdicts on tampered files, and the log's chain checked at the right entry."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.domain.reviews import short_id
from tests.report.demo_file import demo_copy
from tests.report.pki import PASSPHRASE, SigningIdentity, make_identity

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):
    result = runner.invoke(app, list(args), env=env)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """(--db path, review's short id) of a fresh copy of the demo store; exports in tmp."""
    monkeypatch.setattr("kvtui.paths.exports_dir", lambda store=None: tmp_path / "exports")
    path, review_id = demo_copy(tmp_path / "db")
    return str(path), short_id(review_id)


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    folder = tmp_path_factory.mktemp("pki")
    return make_identity(folder)


@pytest.fixture(scope="module")
def signed_file(tmp_path_factory: pytest.TempPathFactory,
                identity: SigningIdentity) -> tuple[str, Path]:
    """A demo review sent for fact-check and signed PAdES by the CLI: (db, PDF)."""
    folder = tmp_path_factory.mktemp("signed")
    path, review_id = demo_copy(folder / "db")
    db, review = str(path), short_id(review_id)
    assert run("factcheck", review, "-o", str(folder / "utkast.pdf"), "--db", db).exit_code == 0
    result = run("sign", review, "--name", "Åsa Öberg", "--role", "Granskningsledare",
                 "--approver", "Jonas Lindwall", "--p12", str(identity.p12),
                 "--passphrase-env", "KVTUI_TEST_PW", "-o", str(folder / "slutlig.pdf"),
                 "--db", db, env={"KVTUI_TEST_PW": PASSPHRASE.decode("utf-8")})
    assert result.exit_code == 0, result.output
    assert "digitalt signerad med certifikatet för Åsa Öberg" in result.output
    return db, folder / "slutlig.pdf"


def test_signed_pdf_verifies_against_the_store_and_the_trusted_ca(
        signed_file: tuple[str, Path], identity: SigningIdentity) -> None:
    db, pdf = signed_file
    result = run("verify", str(pdf), "--trust", str(identity.ca_pem), "--db", db)
    assert result.exit_code == 0, result.output
    assert "Digital signatur:    Åsa Öberg" in result.output
    assert "signerad version 1" in result.output and "GODKÄND" in result.output
    last = PdfReader(io.BytesIO(pdf.read_bytes())).pages[-1]
    assert any(a.get_object().get("/FT") == "/Sig" for a in last.get("/Annots", []))


@pytest.mark.slow
def test_verify_prints_nothing_in_english_from_the_libraries(
        signed_file: tuple[str, Path], identity: SigningIdentity) -> None:
    """pyHanko loads cryptography's DSA support, which warns on stderr on every load."""
    db, pdf = signed_file
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    done = subprocess.run([sys.executable, "-m", "kvtui", "verify", str(pdf), "--trust",
                           str(identity.ca_pem), "--db", db], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert "Warning" not in done.stdout


def test_untrusted_certificate_fails(signed_file: tuple[str, Path],
                                     identity: SigningIdentity) -> None:
    db, pdf = signed_file
    result = run("verify", str(pdf), "--trust", str(identity.other_ca_pem), "--db", db)
    assert result.exit_code == 1
    assert "Betrodd:             NEJ" in result.output and "UNDERKÄND" in result.output


def test_flipped_byte_fails(signed_file: tuple[str, Path], tmp_path: Path) -> None:
    db, pdf = signed_file
    data = bytearray(pdf.read_bytes())
    where = data.index(b"/Title")  # inside the signed range: the document information
    data[where + 8] ^= 0x01
    tampered = tmp_path / "ändrad.pdf"
    tampered.write_bytes(bytes(data))
    result = run("verify", str(tampered), "--db", db)
    assert result.exit_code == 1
    assert "Oförändrad:          NEJ" in result.output
    assert "ingen signering i databasen" in result.output


def test_incremental_update_after_signing_fails(signed_file: tuple[str, Path],
                                                tmp_path: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    db, pdf = signed_file
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()))
    overlay = generic.StreamObject(stream_data=b"1 1 1 rg 70 400 300 60 re f")
    writer.add_stream_to_page(2, writer.add_object(overlay))
    out = io.BytesIO()
    writer.write(out)
    updated = tmp_path / "tillagd.pdf"
    updated.write_bytes(out.getvalue())
    result = run("verify", str(updated), "--db", db)
    assert result.exit_code == 1
    assert "Täcker hela filen:   NEJ" in result.output


def test_not_a_pdf_and_a_missing_file(tmp_path: Path) -> None:
    junk = tmp_path / "inte.pdf"
    junk.write_bytes(b"hej")
    result = run("verify", str(junk), "--db", str(tmp_path / "ingen.db"))
    assert result.exit_code == 1 and "UNDERKÄND" in result.output
    assert not (tmp_path / "ingen.db").exists()  # verify never creates a store
    missing = run("verify", str(tmp_path / "saknas.pdf"))
    assert missing.exit_code == 1 and "kunde inte läsas" in missing.output


@pytest.mark.slow
def test_sign_without_certificate_then_reopen_gives_version_2(demo: tuple[str, str],
                                                              tmp_path: Path) -> None:
    db, review = demo
    same = run("sign", review, "--name", "Karin Ekdahl", "--role", "Granskare",
               "--approver", "karin ekdahl", "--db", db)
    assert same.exit_code == 1 and "samma person" in same.output
    first = run("sign", review, "--name", "Karin Ekdahl", "--role", "Granskare",
                "-o", str(tmp_path / "v1.pdf"), "--db", db)
    assert first.exit_code == 0, first.output
    again = run("sign", review, "--name", "Karin Ekdahl", "--role", "Granskare", "--db", db)
    assert again.exit_code == 1 and "signerad och låst" in again.output
    assert run("verify", str(tmp_path / "v1.pdf"), "--db", db).exit_code == 0
    no_reason = run("reopen", review, "--reason", " ", "--db", db)
    assert no_reason.exit_code == 1 and "skälet" in no_reason.output
    reopened = run("reopen", review, "--reason", "Nämnden bad om komplettering.", "--db", db)
    assert reopened.exit_code == 0 and "version 2" in reopened.output
    shown = run("show", review, "--db", db)
    assert "(version 2)" in shown.output
    second = run("sign", review, "--name", "Karin Ekdahl", "--role", "Granskare",
                 "-o", str(tmp_path / "v2.pdf"), "--db", db)
    assert second.exit_code == 0, second.output
    # The final of a signed review is the signed file itself, byte for byte.
    again_final = run("export", review, "-o", str(tmp_path / "igen.pdf"), "--db", db)
    assert again_final.exit_code == 0, again_final.output
    assert (tmp_path / "igen.pdf").read_bytes() == (tmp_path / "v2.pdf").read_bytes()
    checked = run("check", "--db", db)
    assert checked.exit_code == 0 and "stämmer med signeringen" in checked.output
    document = json.loads(run("show", review, "--json", "--db", db).output)
    assert [s["version"] for s in document["sign_offs"]] == [1, 2]
    assert document["reopenings"][0]["reason"] == "Nämnden bad om komplettering."


def test_passphrase_needed_without_a_terminal(demo: tuple[str, str],
                                              identity: SigningIdentity) -> None:
    db, review = demo
    result = run("sign", review, "--name", "Karin Ekdahl", "--role", "Granskare",
                 "--p12", str(identity.p12), "--db", db)
    assert result.exit_code == 1 and "--passphrase-env" in result.output
    wrong = run("sign", review, "--name", "Karin Ekdahl", "--role", "Granskare",
                "--p12", str(identity.p12), "--passphrase-env", "PW", "--db", db,
                env={"PW": "fel"})
    assert wrong.exit_code == 1 and "lösenord" in wrong.output.lower()
    assert "signerad" not in run("show", review, "--db", db).output.split("Status:")[1][:30]


@pytest.mark.parametrize(("statement", "broken_at"), [
    ("UPDATE change_log SET actor = 'någon' WHERE seq = 5", 5),
    ("DELETE FROM change_log WHERE seq = 7", 8),
    ("UPDATE change_log SET seq = -seq WHERE seq IN (3, 4);"
     "UPDATE change_log SET seq = 4 WHERE seq = -3;"
     "UPDATE change_log SET seq = 3 WHERE seq = -4", 3),
])
def test_log_names_the_first_broken_entry(demo: tuple[str, str], statement: str,
                                          broken_at: int) -> None:
    db, review = demo
    connection = sqlite3.connect(db)
    try:
        connection.execute("DROP TRIGGER change_log_no_update")
        connection.execute("DROP TRIGGER change_log_no_delete")
        connection.executescript(statement)
        connection.commit()
    finally:
        connection.close()
    result = run("log", review, "--db", db)
    assert result.exit_code == 1
    assert f"bruten vid post {broken_at}" in result.output
    checked = run("check", "--db", db)
    assert checked.exit_code == 1


def test_log_is_append_only_and_shows_the_chain(demo: tuple[str, str]) -> None:
    db, review = demo
    connection = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("UPDATE change_log SET actor = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM change_log")
    finally:
        connection.close()
    result = run("log", review, "--limit", "3", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Loggens kedja är obruten" in result.output
    assert len([line for line in result.output.splitlines() if "  " in line[:8]]) == 3


def test_a_missing_file_is_explained_in_swedish(tmp_path: Path) -> None:
    result = run("verify", str(tmp_path / "finns-inte.pdf"), "--db", str(tmp_path / "k.db"))
    assert result.exit_code == 1
    assert "filen eller mappen finns inte" in result.output
    assert "No such file" not in result.output


def test_sign_warns_when_the_certificate_holds_a_personnummer(demo: tuple[str, str],
                                                              tmp_path: Path) -> None:
    from tests.testdata import PERSONNUMMER_FILE

    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[12]
    (tmp_path / "bankid").mkdir()
    bankid = make_identity(tmp_path / "bankid", serial_number=number)
    db, review = demo
    result = run("sign", review, "--name", "Åsa Öberg", "--role", "Granskare", "--p12",
                 str(bankid.p12), "--passphrase-env", "KVTUI_TEST_PW", "-o",
                 str(tmp_path / "s.pdf"), "--db", db,
                 env={"KVTUI_TEST_PW": PASSPHRASE.decode("utf-8")})
    assert result.exit_code == 0, result.output
    assert f"Obs: Certifikatet som rapporten signerades med innehåller ett personnummer " \
           f"({number[:8]}-XXXX)" in result.output
    assert number[8:] not in result.output
