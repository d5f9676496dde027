"""`kvtui export REVIEW --docx FIL`: the Word working copy; taken files, odd folders, errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.domain.reviews import short_id
from kvtui.report.word import WORD_COPY_NOTICE
from tests.report.demo_file import demo_copy

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(--db path, review's short id) of a copy of the demo store (only read here)."""
    path, review_id = demo_copy(tmp_path_factory.mktemp("word-db"))
    return str(path), short_id(review_id)


def test_word_copy_to_a_chosen_file_never_over_one(demo: tuple[str, str],
                                                    tmp_path: Path) -> None:
    db, review = demo
    target = tmp_path / "rapport.docx"
    first = run("export", review, "--docx", str(target), "--db", db)
    assert first.exit_code == 0, first.output
    assert f"Word-kopian är exporterad till {target}" in first.output
    assert "inte den signerade rapporten" in first.output
    doc = Document(io.BytesIO(target.read_bytes()))
    assert doc.core_properties.title == "Kvalitetsgranskning av familjevården 2026"
    assert WORD_COPY_NOTICE in doc.sections[0].header.paragraphs[0].text
    assert any(p.style is not None and p.style.name == "Heading 1"
               and p.text == "1 Sammanfattning" for p in doc.paragraphs)
    before = target.read_bytes()
    again = run("export", review, "--docx", str(target), "--db", db)
    assert again.exit_code == 1
    assert "finns redan" in again.output and "skriver aldrig över" in again.output
    assert target.read_bytes() == before


def test_a_folder_with_odd_characters_gets_the_default_name(demo: tuple[str, str],
                                                             tmp_path: Path) -> None:
    db, review = demo
    folder = tmp_path / "Granskning #2 ? 100% åäö"
    folder.mkdir()
    result = run("export", review, "--docx", str(folder), "--db", db)
    assert result.exit_code == 0, result.output
    files = list(folder.iterdir())
    assert len(files) == 1
    assert files[0].name.startswith("SN-2026-0147_Familjevardsenheten_")
    assert files[0].name.endswith("_arbetskopia.docx")
    named = folder / "kopia #1 ? 50% å.docx"
    assert run("export", review, "--docx", str(named), "--db", db).exit_code == 0
    assert Document(str(named)).core_properties.language == "sv-SE"


def test_a_missing_folder_is_made_as_for_the_pdf(demo: tuple[str, str], tmp_path: Path) -> None:
    db, review = demo
    target = tmp_path / "ny mapp" / "under" / "kopia.docx"
    result = run("export", review, "--docx", str(target), "--db", db)
    assert result.exit_code == 0, result.output
    assert target.is_file()


def test_bad_targets_and_reviews_are_refused_in_swedish(demo: tuple[str, str],
                                                        tmp_path: Path) -> None:
    db, review = demo
    blocker = tmp_path / "en fil"
    blocker.write_text("x", encoding="utf-8")
    in_file = run("export", review, "--docx", str(blocker / "kopia.docx"), "--db", db)
    assert in_file.exit_code == 1 and "är en fil, inte en mapp" in in_file.output
    not_docx = run("export", review, "--docx", str(tmp_path / "kopia.pdf"), "--db", db)
    assert not_docx.exit_code == 1 and "ska sluta på .docx" in not_docx.output
    unknown = run("export", "ffffffff", "--docx", str(tmp_path / "x.docx"), "--db", db)
    assert unknown.exit_code == 1 and "Ingen granskning har id" in unknown.output
    mixed = run("export", review, "--docx", str(tmp_path / "y.docx"), "--draft", "--db", db)
    assert mixed.exit_code == 1 and "ange inte --draft" in mixed.output
    empty = run("export", review, "--docx", " ", "--db", db)
    assert empty.exit_code == 1 and "Ange en fil eller mapp efter --docx" in empty.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en fil"]


HELP_ONLY = textwrap.dedent(
    """
    import json, sys
    from kvtui.cli.typer_app import app
    try:
        app(["export", "--help"])
    except SystemExit:
        pass
    print(json.dumps([name for name in ("docx", "lxml", "reportlab") if name in sys.modules]))
    """
)


def test_help_loads_no_word_library() -> None:
    result = subprocess.run([sys.executable, "-c", HELP_ONLY], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "--docx" in result.stdout
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
