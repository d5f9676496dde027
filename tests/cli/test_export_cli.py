"""`kvtui export`: the report as draft or final, the answers as CSV or Excel; Swedish errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.domain.reviews import short_id
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
