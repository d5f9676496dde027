"""``kvtui assign`` and the granskare's work in ``kvtui show``, on a real store file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kvtui.domain.judgement import InterviewFields
from kvtui.store.answers import review_criteria, save_answer
from kvtui.store.changelog import count_entries
from kvtui.store.database import open_store
from kvtui.store.demo import create_demo
from kvtui.store.interviews import add_interview
from kvtui.store.sampling import draw_sample
from kvtui.user_settings import remember_auditor_name
from tests.cli.invoke import run


@pytest.fixture
def divided(tmp_path: Path) -> tuple[str, str, str, str]:
    """A store with the demo review sampled (six akter, the first answered in full by Karin)
    and one interview: its path, the review, the first akt and the interview."""
    db = str(tmp_path / "db" / "kvtui.db")
    store = open_store(Path(db), backup=False)
    try:
        with store.session() as session:
            review_id = create_demo(session, file_review=False)
            akter = draw_sample(session, review_id, size=6, seed="2").active
            for view in review_criteria(session, review_id):
                save_answer(session, review_id, akter[0].case_file_id, view.id, "ja",
                            answered_by="Karin Ekdahl")
            interview = add_interview(session, review_id, InterviewFields(
                held_on=date(2025, 3, 4), roles=("enhetschef",), participants=1,
                form="individual", notes=""))
    finally:
        store.close()
    return db, review_id, akter[0].reference, interview.id


def _entries(db: str) -> int:
    store = open_store(Path(db), backup=False)
    try:
        with store.session() as session:
            return count_entries(session)
    finally:
        store.close()


def test_assign_and_show_who_has_what(divided: tuple[str, str, str, str]) -> None:
    db, review_id, first, interview = divided
    result = run("assign", review_id, "--auditor", "karin ekdahl", "--akter", "1..2", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Akt 1–2 till karin ekdahl (2 ändrade)" in result.output
    result = run("assign", review_id, "--evenly", "--db", db)
    assert "Fördelat: Karin Ekdahl 1 akt, Jonas Lindwall 3 akter." in result.output
    assert run("assign", review_id, "--auditor", "Jonas Lindwall", "--interview", interview,
               "--db", db).exit_code == 0
    remember_auditor_name("Karin Ekdahl")  # this laptop's granskare
    shown = run("show", review_id, "--db", db).output
    assert "Granskarnas arbete:" in shown
    assert "● Karin Ekdahl: akter klara 1/3 · 19 svar" in shown
    assert ("  Jonas Lindwall: akter klara 0/3 · 0 svar · intervjuer hållna 1/1"
            in shown)
    karin = shown.split("● Karin Ekdahl")[1].split("\n")[1]
    assert karin.startswith("    Akter: " + first)
    work = json.loads(run("show", review_id, "--json", "--db", db).output)["auditor_work"]
    assert [row["akter"] for row in work["auditors"]] == [3, 3]
    assert work["unassigned_akter"] == 0


@pytest.mark.parametrize(("args", "message"), [
    (("--auditor", "Okänd Person", "--akter", "1"), "är inte granskare i granskningen"),
    (("--auditor", "Karin Ekdahl", "--akter", "3..x"), "är inget intervall"),
    (("--auditor", "Karin Ekdahl", "--akter", "5..9"), "mellan 1 och 6"),
    (("--evenly", "--akter", "1"), "Ange precis ett av"),
    (("--akter", "1",), "Ange granskaren"),
    (("--auditor", "Karin Ekdahl", "--interview", "saknas"), "Intervjun finns inte"),
])
def test_refused_in_swedish_and_nothing_written(divided: tuple[str, str, str, str],
                                                args: tuple[str, ...], message: str) -> None:
    db, review_id, _first, _interview = divided
    before = _entries(db)
    result = run("assign", review_id, *args, "--db", db)
    assert result.exit_code == 1
    assert message in result.output
    assert _entries(db) == before
