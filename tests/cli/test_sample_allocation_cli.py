"""`kvtui sample` says what a stratified sample takes from each stratum, and the report prints
it in its appendix, on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.invoke import run

FOSTER_CARE = {"familjehem": 55, "jourhem": 10, "HVB": 8}
PARTS = ["HVB 2 av 8", "familjehem 17 av 55", "jourhem 3 av 10"]


@pytest.fixture
def review(tmp_path: Path) -> tuple[str, str]:
    """A review with 73 akter: 55 in familjehem, 10 in jourhem, 8 in HVB."""
    db = str(tmp_path / "db" / "kvtui.db")
    review_id = run("new", "--template", "familjevard", "--title", "Familjevård", "--db",
                    db).output.strip()
    lines = ["Aktnummer;Placeringsform"]
    lines += [f"BoU-{name}-{i:03d};{name}" for name, size in FOSTER_CARE.items()
              for i in range(size)]
    source = tmp_path / "akter.csv"
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    imported = run("import-akter", review_id, str(source), "--id-column", "Aktnummer",
                   "--db", db)
    assert imported.exit_code == 0, imported.output
    return db, review_id


def test_sample_prints_the_allocation_per_stratum(review: tuple[str, str]) -> None:
    db, review_id = review
    result = run("sample", review_id, "--size", "22", "--method", "stratified", "--stratify",
                 "Placeringsform", "--seed", "4711", "--db", db)
    assert result.exit_code == 0, result.output
    assert f"Per placeringsform: {', '.join(PARTS)}." in result.stderr.splitlines()
    assert len(result.stdout.split()) == 22 and "Per " not in result.stdout


def test_sample_json_has_the_allocation(review: tuple[str, str]) -> None:
    db, review_id = review
    result = run("sample", review_id, "--fraction", "30 %", "--method", "stratified",
                 "--stratify", "Placeringsform", "--seed", "4711", "--json", "--db", db)
    drawn = json.loads(result.stdout)
    assert drawn["allocation"] == [
        {"stratum": "HVB", "sampled": 2, "population": 8},
        {"stratum": "familjehem", "sampled": 17, "population": 55},
        {"stratum": "jourhem", "sampled": 3, "population": 10},
    ]
    by_stratum = {entry["stratum"]: entry["sampled"] for entry in drawn["allocation"]}
    assert sum(by_stratum.values()) == drawn["size"]
    assert sum(1 for ref in drawn["references"] if ref.startswith("BoU-HVB-")) == 2


@pytest.mark.parametrize("as_json", [False, True])
def test_a_simple_sample_has_no_allocation(review: tuple[str, str], as_json: bool) -> None:
    db, review_id = review
    result = run("sample", review_id, "--size", "5", "--seed", "1", "--db", db,
                 *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.output
    if as_json:
        assert json.loads(result.stdout)["allocation"] == []
    else:
        assert "Per " not in result.output and len(result.stdout.split()) == 5
