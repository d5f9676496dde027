"""`kvtui new --from` starts a review from an earlier one, refuses what it cannot use in
Swedish with the store unchanged, and `kvtui results` shows last time's share beside this
time's."""

from __future__ import annotations

import json
from pathlib import Path

from kvtui.cli.typer_app import app
from kvtui.domain.reviews import short_id
from tests.cli.invoke import run, runner
from tests.report.demo_file import demo_copy
from tests.store.year_pair import year_pair


def _reviews(db: str) -> list[dict[str, str]]:
    return json.loads(run("list", "--json", "--db", db).output)  # type: ignore[no-any-return]


def _log(db: str, review: str) -> str:
    return run("log", review, "--db", db).output


def test_new_from_starts_a_review_of_the_same_unit_a_year_later(tmp_path: Path) -> None:
    path, previous_id = demo_copy(tmp_path)
    db = str(path)
    made = run("new", "--from", short_id(previous_id), "--diary", "SN 2026/17",
               "--committee", "Barn- och familjenämnden", "--json", "--db", db)
    assert made.exit_code == 0, made.output
    document = json.loads(made.stdout)
    assert document["previous_id"] == previous_id and document["warnings"] == []
    shown = json.loads(run("show", document["short_id"], "--json", "--db", db).output)
    before = json.loads(run("show", short_id(previous_id), "--json", "--db", db).output)
    assert shown["previous_review_id"] == previous_id and before["previous_review_id"] is None
    assert shown["unit"] == before["unit"] and shown["auditors"] == before["auditors"]
    assert shown["diary_number"] == "SN 2026/17"
    assert shown["committee"] == "Barn- och familjenämnden" != before["committee"]
    assert (shown["period_start"], shown["period_end"]) == ("2026-01-01", "2026-06-30")
    assert [c["code"] for c in shown["criteria"]] == [c["code"] for c in before["criteria"]]
    assert shown["progress"]["case_files"] == 0 and shown["status"] == "planning"
    assert "Jämfört med föregående granskning" in [s["title"] for s in shown["sections"]]


def test_new_from_an_unknown_review_is_refused_in_swedish(tmp_path: Path) -> None:
    path, previous_id = demo_copy(tmp_path)
    db = str(path)
    reviews = _reviews(db)
    log = _log(db, short_id(previous_id))
    refused = run("new", "--from", "abcdef99", "--db", db)
    assert refused.exit_code == 1
    assert "Ingen granskning har id 'abcdef99'" in refused.output
    both = run("new", "--from", short_id(previous_id), "--template", "familjevard",
               "--db", db)
    assert both.exit_code == 1 and "antingen --template eller --from" in both.output
    neither = run("new", "--db", db)
    assert neither.exit_code == 1 and "--from" in neither.output
    assert _reviews(db) == reviews
    assert _log(db, short_id(previous_id)) == log


def test_results_show_last_times_share_and_the_change(tmp_path: Path) -> None:
    pair = year_pair(tmp_path)
    db, review = str(pair.path), short_id(pair.review_id)
    shown = runner.invoke(app, ["results", review, "--db", db], env={"COLUMNS": "80"})
    assert shown.exit_code == 0, shown.output
    # A table of its own under the results, whole in 80 columns.
    _results, compared = shown.output.split("Jämfört med Kvalitetsgranskning av familjevården")
    assert "Förra andelen" in compared and "95 % intervall" in compared
    f4 = next(line for line in compared.splitlines() if line.strip(" │|").startswith("F4"))
    assert "23,1 %" in f4 and "−23,1" in f4 and "till −0,9" in f4
    document = json.loads(run("results", review, "--json", "--db", db).output)
    previous = document["previous_review"]
    assert previous["id"] == pair.previous_id and previous["only_now"] == []
    f2 = next(c for c in previous["criteria"] if c["code"] == "F2")
    assert f2["share"] == 1.0 and f2["difference"] > 0 and f2["low"] < 0 < f2["high"]
    assert f2["established"] is False and "har ökat" in f2["sentence"]
    # The review it came from has no previous review: its document is as it was.
    assert "previous_review" not in json.loads(
        run("results", short_id(pair.previous_id), "--json", "--db", db).output)
