"""`kvtui plan report`: the follow-up report of a plan in a real store as a draft, a final and
a signed final (PAdES, checked by kvtui's own verification, `kvtui verify` and poppler's
pdfsig), and its refusals in Swedish, with no file written."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pdfua import Severity, validate
from pypdf import PdfReader

from kvtui.report.signature import verify_pdf
from kvtui.store.action_plan import create_plan
from kvtui.store.database import open_store
from kvtui.store.plan_lock import round_sign_off
from kvtui.store.plan_view import list_plans
from tests.cli.invoke import run
from tests.report.pki import PASSPHRASE, SIGNER_NAME, SigningIdentity, make_identity
from tests.report.plan_demo import UNIT, build_demo_plan
from tests.report.structure import assert_all_text_tagged

PASS_VARIABLE = "KVTUI_TEST_PLAN_PASSPHRASE"


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A store holding the demo plan and its two rounds."""
    path = tmp_path / "kvtui.db"
    build_demo_plan(path)
    return str(path)


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    """A test CA and a signer's PKCS#12 file."""
    return make_identity(tmp_path_factory.mktemp("pki"))


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_draft_and_final_of_the_only_plan(db: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run("plan", "report", "--draft", "--period", "T1 2026", "-o", str(out),
                 "--db", db)
    assert result.exit_code == 0, result.output
    [draft] = out.glob("*utkast.pdf")
    assert draft.name == "Barn-och-familjeenheten_2026-T1_uppfoljning_utkast.pdf"
    assert f"Utkastet (6 sidor) är exporterat till {draft}" in result.output
    assert "tertial 1" in _text(draft).replace("\u00a0", " ")

    result = run("plan", "report", UNIT, "-o", str(out / "final.pdf"), "--db", db)
    assert result.exit_code == 0, result.output
    assert "Obs: rapporten är inte signerad" in result.output
    text = _text(out / "final.pdf")
    assert "tertial 2" in text.replace("\u00a0", " ")
    assert "Slutlig version – ej signerad" in text
    # An existing file is never overwritten.
    again = run("plan", "report", "-o", str(out / "final.pdf"), "--db", db)
    assert again.exit_code == 1 and "Fel:" in again.output


def test_signed_final_verifies(db: str, tmp_path: Path, identity: SigningIdentity,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASS_VARIABLE, PASSPHRASE.decode("utf-8"))
    target = tmp_path / "signed.pdf"
    result = run("plan", "report", "--p12", str(identity.p12), "--passphrase-env",
                 PASS_VARIABLE, "--name", SIGNER_NAME, "--role", "Enhetschef", "-o",
                 str(target), "--db", db)
    assert result.exit_code == 0, result.output
    assert f"Den signerade rapporten (7 sidor) är exporterad till {target}" in result.output
    data = target.read_bytes()
    verdict = verify_pdf(data, [identity.ca_pem])
    assert verdict.ok and verdict.signed and verdict.intact and verdict.covers_whole_file
    assert verdict.trusted is True
    assert f"PDF-filens kontrollsumma (SHA-256):  {verdict.sha256}" in result.output
    assert "Uppföljningen Tertial 2 2026 är signerad och låst." in result.output
    store = open_store(Path(db), backup=False)
    try:
        with store.session() as session:
            [plan] = list_plans(session)
            signed = round_sign_off(session, plan.id, "2026-T2")
    finally:
        store.close()
    assert signed is not None and signed.pdf_sha256 == verdict.sha256
    assert f"Innehållets kontrollsumma (SHA-256): {signed.content_sha256}" in result.output
    # Signed once: a second signing is refused and leaves no file.
    again = run("plan", "report", "--p12", str(identity.p12), "--passphrase-env",
                PASS_VARIABLE, "--name", SIGNER_NAME, "--role", "Enhetschef", "-o",
                str(tmp_path / "again.pdf"), "--db", db)
    assert again.exit_code == 1 and "redan signerad och låst" in again.output
    assert not (tmp_path / "again.pdf").exists()
    text = PdfReader(io.BytesIO(data)).pages[-1].extract_text()
    assert "Signering" in text and SIGNER_NAME in text and "Enhetschef" in text
    assert "Slutlig version – ej signerad" not in _text(target)
    assert_all_text_tagged(data)
    report = validate(str(target))
    assert [(f.rule_id, f.message) for f in report.findings
            if f.severity in (Severity.ERROR, Severity.WARNING)] == []

    checked = run("verify", str(target), "--trust", str(identity.ca_pem), "--db", db)
    assert checked.exit_code == 0, checked.output
    assert "Resultat:            GODKÄND" in checked.output
    # Without --trust the store vouches for the file: the round signed with its hash.
    in_store = run("verify", str(target), "--db", db)
    assert in_store.exit_code == 0, in_store.output
    assert ("signerad uppföljning Tertial 2 2026 av åtgärdsplanen för" in in_store.output
            and SIGNER_NAME in in_store.output)
    as_json = json.loads(run("verify", str(target), "--json", "--db", db).output)
    assert as_json["ok"] and as_json["followup_sign_off"]["period"] == "2026-T2"
    # A copy with one byte changed is no longer the signed file.
    changed = tmp_path / "ändrad.pdf"
    changed.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    refused = run("verify", str(changed), "--db", db)
    assert refused.exit_code == 1 and "UNDERKÄND" in refused.output
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler's pdfsig is not installed")
    found = subprocess.run(["pdfsig", str(target)], capture_output=True, text=True,
                           check=False)
    assert found.returncode == 0, found.stderr
    assert "Signature Validation: Signature is Valid." in found.stdout
    assert "Total document signed" in found.stdout


def test_refusals_in_swedish_write_nothing(db: str, tmp_path: Path,
                                           identity: SigningIdentity,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    cases = [
        (("--draft", "--p12", str(identity.p12), "--name", "A"), "ange inte --draft"),
        (("--name", "Åsa Öberg"), "ange också --p12"),
        (("--p12", str(identity.p12)), "Ange namnet på den som signerar. (--name, --role)"),
        (("--p12", str(identity.p12), "--name", "Åsa Öberg"), "Ange rollen"),
        (("--period", "T3 2026"), "Planen har ingen uppföljning för Tertial 3 2026"),
        (("--period", "vår 2026"), "Perioden 'vår 2026' kan inte läsas"),
    ]
    for args, message in cases:
        result = run("plan", "report", *args, "-o", str(out), "--db", db)
        assert result.exit_code == 1, result.output
        assert message in result.output and "Traceback" not in result.output
    monkeypatch.setenv(PASS_VARIABLE, "fel lösenord")
    wrong = run("plan", "report", "--p12", str(identity.p12), "--passphrase-env",
                PASS_VARIABLE, "--name", "Åsa Öberg", "--role", "Enhetschef", "-o", str(out),
                "--db", db)
    assert wrong.exit_code == 1 and "lösenord" in wrong.output.lower()
    assert list(out.iterdir()) == []


def test_plan_without_risks_or_rounds_and_several_plans(tmp_path: Path) -> None:
    path = tmp_path / "kvtui.db"
    build_demo_plan(path, risks=False)
    db = str(path)
    empty = run("plan", "report", "--db", db)
    assert empty.exit_code == 1 and "Planen har inga risker ännu" in empty.output
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            create_plan(session, unit="Vuxenenheten", decided_on=date(2026, 2, 1))
    finally:
        store.close()
    several = run("plan", "report", "--db", db)
    assert several.exit_code == 1 and "flera åtgärdsplaner; ange vilken" in several.output
    other = tmp_path / "rounds.db"
    build_demo_plan(other, rounds=0)
    no_rounds = run("plan", "report", "--db", str(other))
    assert no_rounds.exit_code == 1
    assert "Planen har ingen uppföljning ännu" in no_rounds.output
