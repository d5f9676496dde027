"""`kvtui plan delete-…`, `sign-round`, `check` and `log` on a real store: a deletion asks
first and names what goes, --ja skips the question, what a signed round names is refused in
Swedish with nothing changed, and the plan's log lists its entries newest first."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from kvtui.cli.typer_app import app
from kvtui.store.database import open_store
from tests.cli.invoke import run, runner
from tests.store.plan_fixture import build_plan

PLAN = "Barn och familjeenheten"


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A store with the plan of tests/store/plan_fixture.py, nothing signed."""
    path = tmp_path / "kvtui.db"
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            build_plan(session)
    finally:
        store.close()
    return str(path)


def _answered(answer: str, *args: str) -> Result:
    """``kvtui ARGS`` with ``answer`` typed at the question."""
    result = runner.invoke(app, list(args), input=answer)
    assert "Traceback" not in result.output
    return result


def _json(*args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _count(db: str, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_a_deletion_asks_first_naming_what_goes(db: str) -> None:
    result = _answered("n\n", "plan", "delete-risk", PLAN, "1.1", "--db", db)
    assert result.exit_code == 1
    assert ("Ta bort risk 1.1 Barns delaktighet? Med den tas bort: åtgärd 1.1:1 Säkerställa "
            "barns delaktighet (2 aktiviteter, 1 stoppljus i Tertial 1 2027)") in result.stderr
    assert "Ingenting togs bort." in result.stderr
    # No terminal and no answer: nothing is deleted, and the message says how to go on.
    result = _answered("", "plan", "delete-risk", PLAN, "1.1", "--db", db)
    assert result.exit_code == 1
    assert "ange --ja för att ta bort utan att fråga" in result.stderr
    assert _count(db, "plan_risk") == 3
    result = _answered("j\n", "plan", "delete-risk", PLAN, "1.1", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Risk 1.1 Barns delaktighet är borttagen med åtgärd 1.1:1" in result.stdout
    assert (_count(db, "plan_risk"), _count(db, "plan_action"),
            _count(db, "plan_indicator")) == (2, 0, 0)


def test_deletions_with_ja_and_json(db: str) -> None:
    assert _json("plan", "delete-activity", PLAN, "1.1", "1", "2", "--ja", "--json",
                 "--db", db) == {"action": "1.1:1", "deleted": "Uppföljning"}
    assert _json("plan", "delete-indicator", PLAN, "1.1", "1", "--yes", "--json",
                 "--db", db) == {"deleted": "indikator 1.1:1 Andel barn som kommit till tals",
                                 "with": ["1 värde i Tertial 1 2027"]}
    assert _json("plan", "delete-action", PLAN, "1.1", "1", "--ja", "--json", "--db", db) == {
        "deleted": "åtgärd 1.1:1 Säkerställa barns delaktighet",
        "with": ["1 aktivitet", "1 stoppljus i Tertial 1 2027"]}
    assert _json("plan", "delete-risk", PLAN, "1.2", "--ja", "--json", "--db", db) == {
        "deleted": "risk 1.2 Barnets åsikter dokumenteras inte", "with": []}
    shown = _json("plan", "show", PLAN, "--json", "--db", db)
    assert [risk["number"] for risk in shown["risks"]] == ["1.1", "2.1"]
    result = run("plan", "delete-risk", PLAN, "1.2", "--ja", "--db", db)
    assert result.exit_code == 1
    assert "Fel: Planen har ingen risk 1.2." in result.stderr


def test_a_signed_round_is_locked_and_checked(db: str, tmp_path: Path) -> None:
    pdf = tmp_path / "uppföljning.pdf"
    pdf.write_bytes(b"%PDF-1.7 uppf\xc3\xb6ljning T1")
    signed = _json("plan", "sign-round", PLAN, "--period", "T1 2027", "--name", "Åsa Öberg",
                   "--role", "Nämndsekreterare", "--pdf", str(pdf), "--json", "--db", db)
    assert (signed["label"], signed["signed_by"]) == ("Tertial 1 2027", "Åsa Öberg")
    assert len(signed["pdf_sha256"]) == 64
    before = {t: _count(db, t) for t in ("plan_risk", "plan_action", "plan_indicator",
                                         "action_followup", "indicator_value", "change_log")}
    for args, message in (
        (("delete-risk", PLAN, "1.1", "--ja"), "Risk 1.1 kan inte tas bort: den finns i "
         "uppföljningen Tertial 1 2027, som är signerad och låst."),
        (("delete-action", PLAN, "1.1", "1", "--ja"), "Åtgärd 1.1:1 kan inte tas bort"),
        (("delete-indicator", PLAN, "1.1", "1", "--ja"), "Indikator 1.1:1 kan inte tas bort"),
        (("follow-up", PLAN, "--period", "T1 2027", "--light", "1.1:1=grönt"),
         "Uppföljningen Tertial 1 2027 är signerad och låst"),
        (("sign-round", PLAN, "--period", "T1 2027", "--name", "Åsa Öberg", "--role", "x"),
         "redan signerad och låst"),
    ):
        result = run("plan", *args, "--db", db)
        assert result.exit_code == 1, args
        assert message in result.stderr
    assert {t: _count(db, t) for t in before} == before
    checked = _json("plan", "check", PLAN, "--json", "--db", db)
    assert checked["ok"] is True
    assert [r["signed"] for r in _json("plan", "show", PLAN, "--json", "--db", db)["rounds"]
            ] == [True]
    assert "Uppföljning Tertial 1 2027 (2027-05-10, signerad och låst)" in run(
        "plan", "show", PLAN, "--db", db).stdout
    whole = run("check", "--db", db)
    assert whole.exit_code == 0, whole.output
    assert "Åtgärdsplaner: 1 signerad uppföljning, alla oförändrade sedan signeringen" in (
        whole.stdout)
    assert [s["label"] for s in checked["signed"]] == ["Tertial 1 2027"]
    with sqlite3.connect(db, isolation_level=None) as connection:
        connection.execute("DROP TRIGGER action_followup_locked_update")
        connection.execute("UPDATE action_followup SET comment = 'Ändrad i efterhand'")
    result = run("plan", "check", PLAN, "--db", db)
    assert result.exit_code == 1
    assert "Uppföljningen Tertial 1 2027 har ändrats efter signeringen." in result.stdout
    whole = run("check", "--db", db)
    assert whole.exit_code == 1
    assert ("Åtgärdsplanen för Barn och familjeenheten: uppföljningen Tertial 1 2027 har "
            "ändrats efter signeringen") in whole.stdout
    assert "triggern action_followup_locked_update saknas" in whole.stdout


def test_the_plans_log(db: str) -> None:
    run("plan", "delete-risk", PLAN, "1.2", "--ja", "--db", db)
    entries = _json("plan", "log", "--json", "--db", db)
    assert [e["seq"] for e in entries] == sorted((e["seq"] for e in entries), reverse=True)
    assert (entries[0]["event"], entries[0]["entity"]) == ("risk/borttagen", "plan_risk")
    assert "titel: Barnets åsikter dokumenteras inte" in entries[0]["summary"]
    assert entries[-1]["event"] == "åtgärdsplan/ny"
    result = run("plan", "log", PLAN, "--limit", "2", "--db", db)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and "risk/borttagen" in lines[0]
    assert lines[-1] == f"{len(entries)} poster för planen."
    # Two plans: which one must be said.
    run("plan", "new", "--unit", "Solgården", "--date", "2026-12-01", "--db", db)
    result = run("plan", "log", "--db", db)
    assert result.exit_code == 1
    assert "Ange planen" in result.stderr
    assert _json("plan", "log", "Solgården", "--json", "--db", db)[0]["event"] == (
        "åtgärdsplan/ny")
