"""``kvtui conflicts`` and ``kvtui resolve`` on a store where a merge left a conflict: listed in
Swedish and as JSON with both values and who changed them, settled by choosing a side, bad
input refused in Swedish with the store unchanged, and ``kvtui check`` passing after."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.store.answers import set_comment
from kvtui.store.database import open_store
from kvtui.store.demo import create_demo
from tests.store.merge_copies import copy_store, merge_file

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def conflicted(tmp_path: Path) -> tuple[str, str, tuple[str, str]]:
    """Anna's store after merging Bertil's copy: one comment changed on both sides."""
    base = tmp_path / "base.db"
    store = open_store(base, backup=False)
    with store.session() as session:
        review_id = create_demo(session, judgement=False)
    store.close()
    with sqlite3.connect(base) as raw:
        key = raw.execute("SELECT case_file_id, criterion_id FROM answer LIMIT 1").fetchone()
    raw.close()
    anna, bertil = tmp_path / "anna.db", tmp_path / "bertil.db"
    for path, text in ((anna, "Annas kommentar."), (bertil, "Bertils kommentar.")):
        copy_store(base, path)
        with open_store(path, backup=False) as store, store.session() as session:
            set_comment(session, review_id, *key, text)
    merge_file(anna, bertil, review_id)
    return str(anna), review_id, key


def test_conflicts_listed_and_settled(conflicted) -> None:
    db, review_id, key = conflicted
    listed = run("conflicts", review_id[:8], "--db", db)
    assert listed.exit_code == 0, listed.output
    assert "lokalt:     Annas kommentar." in listed.output
    assert "importerat: Bertils kommentar." in listed.output
    assert "1 öppen konflikt." in listed.output and "kommentar" in listed.output
    [conflict] = json.loads(run("conflicts", review_id, "--json", "--db", db).output)
    assert conflict["lokalt"]["värde"] == "Annas kommentar."
    assert conflict["importerat"]["värde"] == "Bertils kommentar."
    assert conflict["vad"]["Akt"] and not conflict["avgjord"]

    both = run("resolve", review_id, conflict["id"][:8], "--local", "--incoming", "--db", db)
    assert both.exit_code == 1 and "precis ett" in both.output
    unknown = run("resolve", review_id, "ffffffff", "--local", "--db", db)
    assert unknown.exit_code == 1 and "Konflikten finns inte" in unknown.output

    settled = run("resolve", review_id, conflict["id"][:8], "--incoming", "--db", db)
    assert settled.exit_code == 0, settled.output
    assert "Konflikten är avgjord" in settled.output
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT comment FROM answer WHERE case_file_id = ? AND "
                           "criterion_id = ?", key).fetchone() == ("Bertils kommentar.",)
    raw.close()
    again = run("resolve", review_id, conflict["id"][:8], "--local", "--db", db)
    assert again.exit_code == 1 and "redan avgjord" in again.output
    assert "inga öppna konflikter" in run("conflicts", review_id, "--db", db).output
    checked = run("check", "--db", db)
    assert checked.exit_code == 0, checked.output


def test_a_new_value_is_written_and_logged_with_both_values(conflicted) -> None:
    db, review_id, key = conflicted
    [conflict] = json.loads(run("conflicts", review_id, "--json", "--db", db).output)
    written = run("resolve", review_id, conflict["id"], "--value", "Gemensam kommentar.",
                  "--db", db)
    assert written.exit_code == 0, written.output
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT comment FROM answer WHERE case_file_id = ? AND "
                           "criterion_id = ?", key).fetchone() == ("Gemensam kommentar.",)
        [logged] = raw.execute("SELECT changes_json FROM change_log WHERE action = 'resolve'"
                               ).fetchone()
    raw.close()
    assert json.loads(logged)["värden"] == ["Annas kommentar.", "Bertils kommentar."]
