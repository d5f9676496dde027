"""`kvtui results` and `kvtui export --resultat` print the weighted headline of the stratified
demo, the same figure the app and the report show."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.domain.reviews import short_id
from tests.report.demo_file import demo_copy

runner = CliRunner()


def test_results_and_the_results_csv_show_the_weighted_share(tmp_path: Path) -> None:
    path, review_id = demo_copy(tmp_path / "db")
    db, review = str(path), short_id(review_id)
    shown = runner.invoke(app, ["results", review, "--db", db], env={"COLUMNS": "140"})
    assert shown.exit_code == 0, shown.output
    f4 = next(line for line in shown.output.splitlines() if line.strip(" │|").startswith("F4"))
    # 3 Ja of 13 sampled akter is 23,1 %; weighted by placement 22,7 % (8,9–47,4 %).
    assert "22,7 %" in f4 and "8,9–47,4 %" in f4 and "23,1 %" not in f4
    assert "Korn–Graubard" in shown.output
    document = json.loads(runner.invoke(app, ["results", review, "--json", "--db", db]).output)
    row = next(c for c in document["criteria"] if c["code"] == "F4")
    assert round(row["share"] * 100, 1) == 22.7 and row["ja"] == 3 and row["n"] == 13
    assert row["estimate"]["weighted"] and row["estimate"]["interval"] == "korn-graubard"
    assert document["reviewed"] == 13
    assert all(stratum["reviewed"] for stratum in row["strata"].values())
    target = tmp_path / "resultat.csv"
    written = runner.invoke(app, ["export", review, "--resultat", str(target), "--db", db])
    assert written.exit_code == 0, written.output
    assert "Resultaten är exporterade" in written.output
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig")), delimiter=";"))
    line = next(r for r in rows if r[0] == "F4" and r[2] == "Samtliga")
    assert (line[8], line[9], line[10]) == ("22,7", "8,9", "47,4")
