"""`kvtui export`: the report as draft or final, the answers as CSV or Excel; Swedish errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.domain.reviews import short_id
from kvtui.domain.section_text import MISSING_QUOTE, quote_markup
from kvtui.store.assessments import review_sections, set_section_text
from kvtui.store.database import open_store
from kvtui.store.interviews import delete_observation, list_interviews
from kvtui.store.review_detail import list_reviews
from tests.report.demo_file import demo_copy

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def demo(tmp_path: Path) -> tuple[str, str]:
    """(--db path, review's short id) of a fresh copy of the demo store."""
    path, review_id = demo_copy(tmp_path / "db")
    return str(path), short_id(review_id)


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "exports"
    monkeypatch.setattr("kvtui.paths.exports_dir", lambda store=None: folder)
    return folder


def test_export_draft_to_exports_never_overwriting(demo: tuple[str, str], exports: Path) -> None:
    db, review = demo
    first = run("export", review, "--draft", "--db", db)
    assert first.exit_code == 0, first.output
    files = sorted(exports.glob("*.pdf"))
    assert len(files) == 1 and files[0].name.startswith("SN-2026-0147_Familjevardsenheten_")
    assert files[0].name.endswith("_utkast.pdf")
    assert f"exporterat till {files[0]}" in first.output
    reader = PdfReader(io.BytesIO(files[0].read_bytes()))
    assert "Utkast för faktagranskning" in reader.pages[1].extract_text()  # its header
    second = run("export", review, "--draft", "--db", db)
    assert second.exit_code == 0
    names = {p.name for p in exports.glob("*.pdf")}
    assert names == {files[0].name, files[0].name.replace("_utkast.pdf", "_utkast-2.pdf")}


def test_export_final_to_a_chosen_file(demo: tuple[str, str], exports: Path,
                                       tmp_path: Path) -> None:
    db, review = demo
    target = tmp_path / "rapport.pdf"
    result = run("export", review, "-o", str(target), "--db", db)
    assert result.exit_code == 0, result.output
    assert "ej signerad" in result.output
    text = PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert "Slutlig version – ej signerad" in text and "UTKAST" not in text
    again = run("export", review, "-o", str(target), "--db", db)
    assert again.exit_code == 1
    assert "finns redan" in again.output and "skriver aldrig över" in again.output
    assert not list(exports.glob("*"))


def test_export_answers_as_csv_and_xlsx(demo: tuple[str, str], tmp_path: Path) -> None:
    db, review = demo
    csv_path, xlsx_path = tmp_path / "svar.csv", tmp_path / "svar.xlsx"
    result = run("export", review, "--csv", str(csv_path), "--xlsx", str(xlsx_path), "--db", db)
    assert result.exit_code == 0, result.output
    assert csv_path.read_bytes().startswith("\ufeffAkt;".encode())
    assert xlsx_path.read_bytes()[:2] == b"PK"
    again = run("export", review, "--csv", str(csv_path), "--db", db)
    assert again.exit_code == 1 and "finns redan" in again.output


def test_export_errors_are_swedish(demo: tuple[str, str], tmp_path: Path) -> None:
    db, review = demo
    mixed = run("export", review, "--csv", str(tmp_path / "a.csv"), "--draft", "--db", db)
    assert mixed.exit_code == 1 and "ange inte --draft eller -o" in mixed.output
    unknown = run("export", "ffffffff", "--db", db)
    assert unknown.exit_code == 1 and "Ingen granskning har id" in unknown.output
    help_text = run("export", "--help")
    assert help_text.exit_code == 0 and "--draft" in help_text.output


def _break_markup(db: str) -> None:
    """Section 4.1 quotes an observation that is then deleted, and leaves a footnote open."""
    store = open_store(Path(db), backup=False)
    try:
        with store.session() as session:
            review_id = list_reviews(session)[0].id
            observation = list_interviews(session, review_id)[0].observations[0]
            section = next(s for s in review_sections(session, review_id) if s.number == "4.1")
            set_section_text(session, review_id, section.id,
                             f"Citerat: {quote_markup(observation.id)}\n\n"
                             "Stycke med [fotnot: en not som aldrig stängs")
            delete_observation(session, review_id, observation.id)
    finally:
        store.close()


def test_broken_markup_exports_whole_with_warnings_and_refuses_signing(
        demo: tuple[str, str], exports: Path, tmp_path: Path) -> None:
    db, review = demo
    _break_markup(db)
    result = run("export", review, "--draft", "--db", db)
    assert result.exit_code == 0, result.output
    assert ("Obs: Avsnitt 4.1 Uppdrag: ett citat hänvisar till en iakttagelse som har tagits "
            "bort") in result.output
    assert "Obs: Avsnitt 4.1 Uppdrag: en fotnot saknar avslutande ]" in result.output
    (pdf,) = exports.glob("*.pdf")
    text = " ".join(" ".join(page.extract_text() for page in
                             PdfReader(io.BytesIO(pdf.read_bytes())).pages).split())
    assert MISSING_QUOTE in text and "Stycke med [fotnot: en not som aldrig stängs" in text
    target = tmp_path / "signerad.pdf"
    signed = run("sign", review, "--name", "Karin Ekdahl", "--role", "Granskare",
                 "-o", str(target), "--db", db)
    assert signed.exit_code == 1
    assert "Rapporten kan inte signeras förrän märkningen i texterna är rättad" in signed.output
    assert "ett citat hänvisar till en iakttagelse som har tagits bort" in signed.output
    assert not target.exists()
    shown = run("show", review, "--db", db)
    assert "Signerad" not in shown.output
