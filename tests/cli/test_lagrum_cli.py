"""`kvtui lagrum`: the criteria's references for the review's period, and the auditor's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.store import changelog
from kvtui.store.criteria import criterion_row
from kvtui.store.database import open_store
from kvtui.store.reviews import resolve_review_id

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def review(tmp_path: Path) -> tuple[str, str]:
    db = str(tmp_path / "db" / "kvtui.db")
    created = run("new", "--template", "familjevard", "--title", "Familjevård", "--period-start",
                  "2026-01-01", "--period-end", "2026-12-31", "--db", db)
    assert created.exit_code == 0, created.output
    return db, created.output.strip()


def test_list_add_change_confirm(review: tuple[str, str]) -> None:
    db, review_id = review
    listed = run("lagrum", review_id, "--db", db)
    assert listed.exit_code == 0, listed.output
    assert "F1\t9 kap. 1 § SoL (2025:400); 11 § LVU" in listed.output
    assert "F15\t! Lagrum saknas för granskningsperioden" in listed.output

    added = run("lagrum", review_id, "f15", "SOSFS 2014:6", "--db", db)
    assert added.exit_code == 0, added.output
    assert added.output.strip() == "Lagrum tillagt för F15: SOSFS 2014:6"
    confirmed = run("lagrum", review_id, "F2", "--bekräfta", "--db", db)
    assert confirmed.output.strip() == "Lagrum bekräftat för F2: 9 kap. 12 § SoL (2025:400)"
    changed = run("lagrum", review_id, "F1", "9 kap. 1 § SoL (2025:400)", "--db", db)
    assert changed.output.strip() == "Lagrum ändrat för F1: 9 kap. 1 § SoL (2025:400)"
    assert run("lagrum", review_id, "F15", "--db", db).output == "F15\tSOSFS 2014:6\n"

    store = open_store(Path(db), backup=False)
    try:
        with store.session() as session:
            full = resolve_review_id(session, review_id)
            actions = [changelog.entries_of(session, "review_criterion",
                                            criterion_row(session, full, code).id)[0]["action"]
                       for code in ("F15", "F2", "F1")]
    finally:
        store.close()
    assert actions == ["reference_add", "reference_confirm", "reference_change"]


def test_mistakes_get_a_swedish_message(review: tuple[str, str]) -> None:
    db, review_id = review
    for args, message in (
        (("F99", "SOSFS 2014:6"), "inget kriterium F99"),
        (("F15", "--bekräfta"), "inget lagrum för granskningsperioden att bekräfta"),
        (("F15", "x", "--bekräfta"), "inte båda"),
        (("F15", "  "), "Skriv lagrummet"),
    ):
        result = run("lagrum", review_id, *args, "--db", db)
        assert result.exit_code != 0
        assert message in result.output, (args, result.output)
