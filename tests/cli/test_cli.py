"""The command line through Typer's CliRunner, on a real store in a temporary folder."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kvtui.cli.typer_app import app

runner = CliRunner()


def run(*args: str, input: str | None = None):
    result = runner.invoke(app, list(args), input=input)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "db" / "kvtui.db")


@pytest.mark.slow
def test_demo_no_open_prints_id_and_list_shows_it(db: str) -> None:
    result = run("demo", "--no-open", "--db", db)
    assert result.exit_code == 0, result.output
    short = result.output.strip()
    assert len(short) == 8
    listed = json.loads(run("list", "--json", "--db", db).output)
    assert [(r["short_id"], r["case_files"], r["status_label"], r["sampled"], r["answered"],
             r["expected"]) for r in listed] == [(short, 44, "Pågående", 13, 247, 247)]
    text = run("list", "--db", db).output
    assert short in text
    again = run("demo", "--no-open", "--db", db)
    assert again.output.strip() == short  # the demo is reused, never duplicated


def test_new_creates_review_from_template(db: str) -> None:
    result = run("new", "--template", "barnavardsutredning", "--title", "Utredningar 2026",
                 "--unit", "Mottagningsgruppen", "--municipality", "Sjövik kommun",
                 "--committee", "Socialnämnden", "--diary", "SN 2026/0200",
                 "--auditor", "Åsa Öberg", "--auditor", "Per Ärlig",
                 "--period-start", "20260101", "--period-end", "2026-6-30", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    shown = json.loads(run("show", created["short_id"], "--json", "--db", db).output)
    assert shown["title"] == "Utredningar 2026"
    assert shown["auditors"] == ["Åsa Öberg", "Per Ärlig"]
    assert shown["period_start"] == "2026-01-01" and shown["period_end"] == "2026-06-30"
    assert [c["code"] for c in shown["criteria"]][:3] == ["U1", "U2", "U3"]
    assert shown["template"]["name"] == "barnavardsutredning"
    human = run("show", created["short_id"], "--db", db).output
    assert "Mottagningsgruppen" in human and "U11" in human


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "--template", "finns-inte", "--title", "X"], "finns inte"),
        (["new", "--template", "familjevard", "--title", "  "], "Titel saknas"),
        (["new", "--template", "familjevard", "--title", "X", "--period-start", "2026-02-30"],
         "inget giltigt datum"),
        (["new", "--template", "familjevard", "--title", "X", "--period-start", "2026-05-01",
          "--period-end", "2026-04-01"], "efter dess slut"),
        (["show", "abcdef12"], "Ingen granskning"),
        (["show", "ab"], "för kort"),
    ],
)
def test_bad_input_gives_swedish_message_and_exit_1(db: str, args: list[str],
                                                    message: str) -> None:
    result = run(*args, "--db", db)
    assert result.exit_code == 1
    assert message in result.output
    listed = json.loads(run("list", "--json", "--db", db).output)
    assert listed == []


def test_check_and_backup(db: str, tmp_path: Path) -> None:
    run("demo", "--no-open", "--db", db)
    result = run("check", "--db", db)
    assert result.exit_code == 0
    assert "kedjan är obruten" in result.output
    target = tmp_path / "kopia.db"
    result = run("backup", "--to", str(target), "--db", db)
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM case_file").fetchone() == (44,)
    copy.close()
    again = run("backup", "--to", str(target), "--db", db)
    assert again.exit_code == 1 and "finns redan" in again.output


def test_check_fails_on_a_broken_store(db: str) -> None:
    run("demo", "--no-open", "--db", db)
    connection = sqlite3.connect(db)
    connection.execute("UPDATE case_file SET review_id = 'borta' WHERE rowid = 3")
    connection.commit()
    connection.close()
    result = run("check", "--db", db)
    assert result.exit_code == 1
    assert "Främmande nycklar" in result.output


def test_damaged_store_offers_backup(db: str) -> None:
    run("demo", "--no-open", "--db", db)
    run("backup", "--db", db)  # a rotated backup beside the store
    Path(db).write_bytes(b"not a database" * 1000)
    result = run("list", "--db", db)
    assert result.exit_code == 1
    assert "flyttats åt sidan" in result.output
    assert "säkerhetskopian" in result.output


def test_templates_commands(db: str, tmp_path: Path) -> None:
    listed = run("templates", "list", "--db", db).output
    assert "familjevard" in listed and "barnavardsutredning" in listed
    shown = run("templates", "show", "familjevard", "--db", db).output
    assert "F19" in shown and "Verksamhetens förutsättningar" in shown
    target = tmp_path / "min-mall.toml"
    assert run("templates", "export", "familjevard", str(target), "--db", db).exit_code == 0
    text = target.read_text(encoding="utf-8").replace('title = "Familjevård – placerade barn"',
                                                      'title = "Min familjevård"', 1)
    target.write_text(text, encoding="utf-8")
    result = run("templates", "import", str(target), "--db", db)
    assert result.exit_code == 0, result.output
    assert "Min familjevård" in run("templates", "list", "--db", db).output
    broken = tmp_path / "trasig.toml"
    broken.write_text('title = "X"\nversion = 1\n', encoding="utf-8")
    result = run("templates", "import", str(broken), "--db", db)
    assert result.exit_code == 1
    assert "trasig.toml" in result.output
    assert run("templates", "show", "finns-inte", "--db", db).exit_code == 1


@pytest.mark.slow
def test_usage_errors_are_swedish_and_exit_1(tmp_path: Path) -> None:
    env = {**os.environ, "KVTUI_DB": str(tmp_path / "k.db")}
    for args, message in ((["new", "--title", "x"], "--template saknas"),
                          (["okänt"], "Okänt kommando"),
                          (["list", "--felaktig"], "Okänt val"),
                          (["sample", "x", "--size", "tre"],
                           "Ogiltigt värde för --size: ange ett heltal"),
                          (["sample", "x", "--fraction", "en tredjedel"],
                           "'en tredjedel' är ingen andel")):
        result = subprocess.run([sys.executable, "-m", "kvtui", *args], capture_output=True,
                                text=True, env=env, timeout=60)
        assert result.returncode == 1, args
        assert message in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.slow
def test_env_variable_and_option_choose_the_store(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    env_db = tmp_path / "env" / "kvtui.db"
    monkeypatch.setenv("KVTUI_DB", str(env_db))
    run("demo", "--no-open")
    assert env_db.exists()
    option_db = tmp_path / "opt" / "kvtui.db"
    run("--db", str(option_db), "demo", "--no-open")
    assert option_db.exists()
