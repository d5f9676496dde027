"""`kvtui sample-size` and `kvtui sample --tolerable`: the attribute planner on the command
line, on a real store; bad rates are refused in Swedish and nothing is drawn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kvtui.domain.attribute_sampling import plan_attribute_sample
from tests.cli.invoke import run


def _review(tmp_path: Path, akter: int) -> tuple[str, str]:
    """A review with ``akter`` imported akter: the store and the review's id."""
    db = str(tmp_path / "db" / "kvtui.db")
    review_id = run("new", "--template", "familjevard", "--title", "Familjevård", "--db",
                    db).output.strip()
    lines = ["Aktnummer;Placeringsform"] + [f"BoU-{i:03d};familjehem" for i in range(akter)]
    source = tmp_path / "akter.csv"
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    imported = run("import-akter", review_id, str(source), "--id-column", "Aktnummer",
                   "--db", db)
    assert imported.exit_code == 0, imported.output
    return db, review_id


def _nothing_drawn(db: str, review_id: str) -> bool:
    shown = run("results", review_id, "--db", db)
    return shown.exit_code == 1 and "Inget urval är draget ännu" in shown.output


def test_sample_size_for_a_large_population_is_the_guides_table() -> None:
    result = run("sample-size", "--tolerable", "5", "--expected", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "93 akter räcker: om högst 1 av dem har bristen visar urvalet med 95 % säkerhet att "
        "färre än 5 % av akterna har den.")
    table = json.loads(run("sample-size", "--tolerable", "5 %", "--expected", "3,5",
                           "--confidence", "90", "--json").stdout)
    assert (table["size"], table["allowed_deviations"], table["population"]) == (400, 14, None)
    assert table["risk"] <= 0.10


def test_sample_size_for_a_review_uses_its_akter(tmp_path: Path) -> None:
    db, review_id = _review(tmp_path, 60)
    result = run("sample-size", review_id, "--tolerable", "5", "--expected", "1", "--json",
                 "--db", db)
    assert result.exit_code == 0, result.output
    planned = json.loads(result.stdout)
    assert planned["population"] == 60
    assert planned["size"] == plan_attribute_sample(0.05, 0.01, 0.95, 60).size == 52
    assert planned["text"].startswith("52 av 60 akter räcker")
    assert _nothing_drawn(db, review_id)


def test_sample_draws_the_planned_size(tmp_path: Path) -> None:
    db, review_id = _review(tmp_path, 200)
    result = run("sample", review_id, "--tolerable", "5", "--expected", "1",
                 "--confidence", "90", "--seed", "4711", "--db", db)
    assert result.exit_code == 0, result.output
    planned = plan_attribute_sample(0.05, 0.01, 0.90, 200)
    assert len(result.stdout.split()) == planned.size
    assert (f"Attributtest: {planned.size} av 200 akter räcker: om högst 1 av dem har bristen "
            "visar urvalet med 90 % säkerhet") in result.stderr


def test_sample_json_carries_the_plan(tmp_path: Path) -> None:
    db, review_id = _review(tmp_path, 200)
    drawn = json.loads(run("sample", review_id, "--tolerable", "10", "--seed", "1", "--json",
                           "--db", db).stdout)
    assert drawn["size"] == drawn["attribute_plan"]["size"] == len(drawn["references"])
    plan = drawn["attribute_plan"]
    assert (plan["expected"], plan["confidence"]) == (0, 0.95)


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--tolerable", "2", "--expected", "3"],
         "Den tolerabla avvikelsen (2 %) måste vara större än den förväntade (3 %)"),
        (["--tolerable", "5", "--confidence", "100"],
         "Säkerheten måste ligga mellan 0 % och 100 %"),
        (["--tolerable", "5", "--confidence", "0"], "inte 0 %"),
        (["--tolerable", "fem"], "--tolerable: 'fem' är ingen procentsats"),
        (["--tolerable", "5", "--expected", "1"], "Populationen (20 akter) är för liten"),
        (["--tolerable", "5", "--size", "10"],
         "Ange antingen --fraction, --size eller --tolerable"),
        (["--size", "10", "--expected", "1"], "--expected och --confidence används bara med"),
    ],
)
def test_bad_rates_are_refused_and_nothing_is_drawn(
        tmp_path: Path, options: list[str], says: str) -> None:
    db, review_id = _review(tmp_path, 20)
    result = run("sample", review_id, *options, "--db", db)
    assert result.exit_code == 1
    assert result.stderr.startswith("Fel: ") and says in result.stderr, result.stderr
    assert _nothing_drawn(db, review_id)


def test_sample_size_refuses_in_swedish() -> None:
    result = run("sample-size", "--tolerable", "5", "--expected", "5")
    assert result.exit_code == 1
    assert "måste vara större än den förväntade" in result.stderr
    assert "Inget urval har dragits" not in result.stderr
