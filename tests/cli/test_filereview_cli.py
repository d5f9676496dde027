"""The file-review commands: import-akter, sample and results, on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kvtui.cli.typer_app import app

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def review(tmp_path: Path) -> tuple[str, str]:
    db = str(tmp_path / "db" / "kvtui.db")
    created = run("new", "--template", "familjevard", "--title", "Familjevård", "--db", db)
    return db, created.output.strip()


def write_population(path: Path, rows: int = 60) -> Path:
    lines = ["Aktnummer;Placeringsform;Lagrum;Placerad från"]
    for index in range(1, rows + 1):
        form = ("familjehem", "jourhem", "nätverkshem")[index % 3]
        lines.append(f"BoU-{index:04d};{form};{'LVU' if index % 4 == 0 else 'SoL'};2024-01-15")
    path.write_bytes(("\r\n".join(lines) + "\r\n\r\n").encode("cp1252"))
    return path


def test_import_sample_results(review, tmp_path: Path) -> None:
    db, review_id = review
    source = write_population(tmp_path / "akter.csv")
    result = run("import-akter", review_id, str(source), "--id-column", "Aktnummer", "--json",
                 "--db", db)
    assert result.exit_code == 0, result.output
    imported = json.loads(result.output)
    assert imported["imported"] == 60 and imported["encoding"] == "Windows-1252"
    assert imported["attributes"] == ["Placeringsform", "Lagrum", "Placerad från"]
    drawn = run("sample", review_id, "--fraction", "0,3", "--method", "stratified",
                "--stratify", "Placeringsform", "--seed", "123", "--json", "--db", db)
    assert drawn.exit_code == 0, drawn.output
    first = json.loads(drawn.output)
    assert first["size"] == 18 and first["seed"] == "123"
    shown = json.loads(run("show", review_id, "--json", "--db", db).output)
    assert [i["reference"] for i in shown["sample"]["items"]] == first["references"]
    again = run("sample", review_id, "--size", "5", "--db", db)
    assert again.exit_code == 1 and "redan draget" in again.output
    results = json.loads(run("results", review_id, "--json", "--db", db).output)
    assert results["sample_size"] == 18
    assert results["criteria"][0]["n"] == 0 and results["criteria"][0]["unanswered"] == 18
    assert set(results["criteria"][0]["strata"]) == {"familjehem", "jourhem", "nätverkshem"}


def test_same_seed_same_sample_in_another_review(review, tmp_path: Path) -> None:
    db, review_id = review
    other = run("new", "--template", "familjevard", "--title", "Kopia", "--db", db)
    source = write_population(tmp_path / "akter.csv")
    drawn = []
    for rid in (review_id, other.output.strip()):
        run("import-akter", rid, str(source), "--id-column", "Aktnummer", "--db", db)
        result = run("sample", rid, "--size", "10", "--method", "systematic", "--seed", "42",
                     "--db", db)
        drawn.append(result.stdout.split())
    assert drawn[0] == drawn[1] and len(drawn[0]) == 10


def test_bad_import_leaves_nothing(review, tmp_path: Path) -> None:
    db, review_id = review
    source = tmp_path / "trasig.csv"
    source.write_text("Aktnummer;Lagrum\nA-1;SoL\nA-2\nA-1;LVU\n", encoding="utf-8")
    result = run("import-akter", review_id, str(source), "--id-column", "Aktnummer", "--db", db)
    assert result.exit_code == 1
    assert "rad 3" in result.output and "rad 4" in result.output
    assert "Inget har importerats" in result.output
    shown = json.loads(run("show", review_id, "--json", "--db", db).output)
    assert shown["case_files"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "5", "--fraction", "0.2"], "antingen"),
        (["--size", "500"], "större än populationen"),
        (["--fraction", "1.2"], "högst 1"),
        (["--size", "5", "--method", "stratified"], "--stratify"),
        (["--size", "5", "--method", "lottery"], "Okänd metod"),
    ],
)
def test_sample_refusals(review, tmp_path: Path, args: list[str], message: str) -> None:
    db, review_id = review
    run("import-akter", review_id, str(write_population(tmp_path / "a.csv")), "--id-column",
        "Aktnummer", "--db", db)
    result = run("sample", review_id, *args, "--db", db)
    assert result.exit_code == 1
    assert message in result.output


def test_results_before_sample(review) -> None:
    db, review_id = review
    result = run("results", review_id, "--db", db)
    assert result.exit_code == 1 and "Inget urval" in result.output
