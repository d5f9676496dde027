"""`kvtui results`: the Brist högst column, the statements under the table (--statements) and
the bound in the JSON, on the demo review in a real store."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.domain.assurance import upper_bound

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args), env={"COLUMNS": "160"})
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    db = str(tmp_path_factory.mktemp("assurance") / "db" / "kvtui.db")
    created = run("demo", "--no-open", "--db", db)
    assert created.exit_code == 0, created.output
    return db, created.output.strip()


def test_the_json_carries_each_bound(demo: tuple[str, str]) -> None:
    db, review = demo
    found = json.loads(run("results", review, "--json", "--db", db).output)
    first = found["criteria"][0]
    bound = first["assurance"]
    assert bound["deviation"] == "nej" and bound["found"] == first["nej"]
    assert bound["upper"] == upper_bound(first["nej"], first["ja"] + first["delvis"]
                                         + first["nej"], bound["population"])
    assert bound["statement"].startswith(f"Brist i {first['nej']} av de {first['n']} granskade")
    for stratum in first["strata"].values():
        assert stratum["assurance"] is None or stratum["assurance"]["found"] == stratum["nej"]


def test_the_column_and_the_statements(demo: tuple[str, str]) -> None:
    db, review = demo
    found = json.loads(run("results", review, "--json", "--db", db).output)
    bound = found["criteria"][0]["assurance"]
    plain = run("results", review, "--db", db)
    assert plain.exit_code == 0, plain.output
    assert "Brist högst" in plain.output
    assert f"({bound['upper']} av {bound['population']})" in plain.output
    assert "säkerhet har högst" not in plain.output
    told = run("results", review, "--statements", "--db", db)
    assert told.exit_code == 0, told.output
    assert "Som brist räknas svaret Nej." in told.output
    assert f"F1: {bound['statement']}" in " ".join(told.output.split())
    assert "Brist högst (95 % säkerhet) per placeringsform:" in told.output
