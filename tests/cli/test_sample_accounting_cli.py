"""`kvtui sign` refuses a review with akter of its sample unreviewed and names them;
`kvtui ersätt-akt` and `kvtui uteslut-akt` account for them, and the signed PDF says so."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.domain.reviews import short_id
from kvtui.store.database import open_store
from kvtui.store.reviews import resolve_review_id
from kvtui.store.sampling import extend_sample, sampled_case_file
from tests.report.demo_file import demo_copy
from tests.store.test_sample_accounting import answer_all
from tests.testdata import PERSONNUMMER_FILE

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def half_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, list[str]]:
    """The demo with its sample extended by three akter never answered: (db, review, akter)."""
    monkeypatch.setattr("kvtui.paths.exports_dir", lambda store=None: tmp_path / "exports")
    path, review_id = demo_copy(tmp_path / "db")
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            added = [a.reference for a in extend_sample(session, review_id, 3).items[-3:]]
    finally:
        store.close()
    return str(path), short_id(review_id), added


def _sign(db: str, review: str, output: Path):
    return run("sign", review, "--name", "Karin Ekdahl", "--role", "Granskare", "-o",
               str(output), "--db", db)


@pytest.mark.slow
def test_sign_names_the_akter_not_reviewed_until_each_is_accounted_for(
        half_done: tuple[str, str, list[str]], tmp_path: Path) -> None:
    db, review, (first, second, third) = half_done
    refused = _sign(db, review, tmp_path / "slutlig.pdf")
    assert refused.exit_code != 0
    assert "3 av 16 akter är inte granskade: " in refused.output
    assert all(akt in refused.output for akt in (first, second, third))
    assert "saker" not in refused.output
    assert not (tmp_path / "slutlig.pdf").exists()

    done = run("uteslut-akt", review, first, "--orsak", "Akten saknas i verksamhetssystemet",
               "--db", db)
    assert done.exit_code == 0, done.output
    assert f"Akten {first} är utesluten ur urvalet." in done.output
    done = run("ersätt-akt", review, second, "--orsak", "Akten avser familjerätt", "--db", db)
    assert done.exit_code == 0, done.output
    replacement = done.output.split(" är ersatt av ")[1].split(",")[0]
    again = run("uteslut-akt", review, first, "--orsak", "igen", "--db", db)
    assert again.exit_code != 0 and "redan utesluten" in again.output

    refused = _sign(db, review, tmp_path / "slutlig.pdf")
    assert refused.exit_code != 0
    # 16 drawn, one excluded: 15 to review, the third and the replacement still unanswered
    assert f"2 av 15 akter är inte granskade: {third}, {replacement}." in refused.output

    store = open_store(Path(db), backup=False)
    try:
        with store.session() as session:
            review_id = resolve_review_id(session, review)
            for akt in (third, replacement):
                answer_all(session, review_id, sampled_case_file(session, review_id, akt))
    finally:
        store.close()
    signed = _sign(db, review, tmp_path / "slutlig.pdf")
    assert signed.exit_code == 0, signed.output

    text = " ".join(" ".join(page.extract_text().split()) for page in
                    PdfReader(io.BytesIO((tmp_path / "slutlig.pdf").read_bytes())).pages)
    assert "16 av 44 akter drogs med slumpfröet" in text
    assert "En akt ersattes med nästa akt i dragningsordningen (skäl: Akten avser familjerätt)" \
        in text
    assert "En akt uteslöts utan ersättning (skäl: Akten saknas i verksamhetssystemet)" in text
    assert "Därmed granskades 15 akter (34 procent av populationen)" in text
    # The demo is stratified: the Metod counts the akter the weighted estimate rests on.
    assert "utifrån 15 granskade akter" in text
    assert "därmed granskades 15 akter" in text  # the appendix
    assert "i aktgranskningen av 15 akter, se bilaga 1" in text  # a chapter's footnote
    assert (f"Akt {second} ersattes av {replacement}, nästa akt i dragningsordningen. "
            "Skäl: Akten avser familjerätt") in text
    assert f"Akt {first} uteslöts utan ersättning. Skäl: Akten saknas i verksamhetssystemet" \
        in text

    locked = run("uteslut-akt", review, third, "--orsak", "efteråt", "--db", db)
    assert locked.exit_code != 0 and "signerad och låst" in locked.output


def test_unknown_akt_and_a_personnummer_in_the_reason_are_refused(
        half_done: tuple[str, str, list[str]]) -> None:
    db, review, (first, _second, _third) = half_done
    unknown = run("uteslut-akt", review, "FINNS-INTE", "--orsak", "x", "--db", db)
    assert unknown.exit_code != 0 and "Akten 'FINNS-INTE' ingår inte i urvalet." in unknown.output
    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[0]
    guarded = run("uteslut-akt", review, first, "--orsak", f"Fel barn {number}", "--db", db)
    assert guarded.exit_code != 0 and "--inte-personnummer" in guarded.output
    missing = run("ersätt-akt", review, first, "--orsak", "  ", "--db", db)
    assert missing.exit_code != 0 and "Ange varför akten ersätts." in missing.output


def test_show_lists_the_work_as_text(half_done: tuple[str, str, list[str]]) -> None:
    db, review, (first, second, _third) = half_done
    assert run("uteslut-akt", review, first, "--orsak", "Akten saknas", "--db", db
               ).exit_code == 0
    replaced = run("ersätt-akt", review, second, "--orsak", "Fel kategori", "--db", db)
    by = replaced.output.split(" är ersatt av ")[1].split(",")[0]
    shown = run("show", review, "--db", db)
    assert shown.exit_code == 0, shown.output
    text = shown.output
    assert "Ändrad:        20" in text
    assert f"  {first}: utesluten – Akten saknas" in text
    assert f"  {second}: ersatt av {by} – Fel kategori" in text
    assert "Intervjuer:\n  2026-10-06  enhetschef (1 person, enskild)\n    • " in text
    assert "Dokument:\n  Delegationsordning (delegationsordning, 2024-12-11, från " in text
    assert "Bedömningar:\n  4.2 Organisation och ledning\n    [Grön] " in text
    assert "(underlag: 5, i sammanfattningen)" in text


def test_show_says_when_nothing_is_recorded_yet(tmp_path: Path) -> None:
    db = str(tmp_path / "kvtui.db")
    created = run("new", "--template", "familjevard", "--title", "Tom granskning", "--db", db)
    assert created.exit_code == 0, created.output
    review = created.output.strip().split()[-1]
    text = run("show", review, "--db", db).output
    for part in ("Intervjuer:", "Dokument:", "Bedömningar:"):
        assert f"{part}\n  (inga)" in text
    assert "Ersatta och uteslutna" not in text
