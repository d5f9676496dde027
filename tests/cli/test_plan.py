"""`kvtui plan`: the path from a signed review's Röd statement to a risk, an action and a
follow-up in which the risk goes to Gul, all through the command line with --json; and its
refusals in Swedish, with nothing written."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from kvtui.domain.reviews import short_id
from kvtui.store.database import open_store
from kvtui.store.models import Review
from tests.cli.invoke import run
from tests.report.demo_file import demo_copy
from tests.signing import sign_review


@pytest.fixture
def signed(tmp_path: Path) -> tuple[str, str, str]:
    """A store with the demo review signed: its path, the review's short id, and its unit."""
    path, review_id = demo_copy(tmp_path)
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            sign_review(session, review_id)
            review = session.get(Review, review_id)
            assert review is not None
            unit = review.unit
    finally:
        store.close()
    return str(path), short_id(review_id), unit


def _json(*args: str) -> object:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _rows(db: str) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("action_plan", "plan_risk", "risk_assessment", "plan_action",
                              "followup_round", "action_followup", "indicator_value",
                              "change_log")}


def test_from_a_red_statement_to_a_risk_that_goes_to_gul(signed: tuple[str, str, str],
                                                         tmp_path: Path) -> None:
    db, review, unit = signed
    found = _json("plan", "findings", review, "--json", "--db", db)
    assert isinstance(found, list)
    [red] = [f for f in found if f["rating"] == "rod"]
    assert red["rating_label"] == "Röd"

    plan = _json("plan", "new", "--unit", unit, "--municipality", "Sjövik kommun",
                 "--committee", "Socialnämnden", "--date", "2026-12-01", "--json", "--db", db)
    assert isinstance(plan, dict)
    risk = _json("plan", "add-risk", "--from-statement", red["short_id"],
                 "--area", "2 Trygghet och säkerhet", "--title", "Genomförandeplaner saknas",
                 "--probability", "3", "--severity", "4", "--date", "2026-12-01",
                 "--json", "--db", db)
    assert isinstance(risk, dict)
    assert (risk["number"], risk["level"], risk["current"]["product"]) == ("2.1", "rod", 12)
    assert risk["source"]["statement"] == red["statement"]
    assert risk["source"]["review_id"] == red["review_id"]

    action = _json("plan", "add-action", plan["short_id"], "2.1",
                   "--title", "Upprätta genomförandeplaner", "--role", "gruppledare",
                   "--deadline", "2027-04-30", "--activity", "Inventera akterna",
                   "--activity", "Följ upp varje månad i gruppen", "--json", "--db", db)
    assert action == {"risk": "2.1", "action": 1}
    assert _json("plan", "add-indicator", unit, "2.1", "--name",
                 "Andel barn med genomförandeplan", "--baseline", "40", "--json",
                 "--db", db) == {"risk": "2.1", "indicator": 1}

    round_ = _json("plan", "follow-up", unit, "--period", "T1 2027", "--date", "2027-05-11",
                   "--light", "2.1:1=gult", "--comment", "2.1:1=Inventeringen är klar",
                   "--assess", "2.1=2x3", "--criterion", "2.1:1=F4", "--review", review,
                   "--summary", "Risken har sänkts till gul.", "--json", "--db", db)
    assert isinstance(round_, dict)
    assert (round_["period"], round_["label"], round_["opened"]) == (
        "2027-T1", "Tertial 1 2027", True)
    assert round_["went_down"] == ["2.1"]
    [change] = round_["changes"]
    assert (change["before"]["level_label"], change["now"]["level_label"]) == ("Röd", "Gul")
    assert change["change_label"] == "sänkt"
    assert round_["summary"] == [
        "Ingen risk kvarstår som röd, det vill säga som en kritisk, oacceptabel risk.",
        "1 risk har sänkts sedan förra uppföljningen.",
        "Risk 2.1 Genomförandeplaner saknas har sänkts från Röd till Gul."]

    shown = _json("plan", "show", unit, "--json", "--db", db)
    assert isinstance(shown, dict)
    [plan_risk] = shown["risks"]
    assert [g["level"] for g in plan_risk["history"]] == ["rod", "gul"]
    [followup] = plan_risk["actions"][0]["followups"]
    assert (followup["light_label"], followup["comment"]) == (
        "Gult – risk för försening", "Inventeringen är klar")
    [value] = plan_risk["indicators"][0]["values"]
    assert value["criterion"] == "F4" and value["applicable"] > 0
    assert value["value"] == round(100 * value["yes"] / value["applicable"], 1)
    assert shown["rounds"][0]["went_down"] == ["2.1"]

    placed = _json("plan", "matrix", unit, "--json", "--db", db)
    assert isinstance(placed, dict)
    assert [(c["probability"], c["severity"]) for c in placed["cells"] if c["risks"]] == [(2, 3)]
    [moved] = placed["risks"]
    assert (moved["risk"], moved["was"]["product"], moved["is"]["product"]) == ("2.1", 12, 6)
    assert "Risk 2.1: Röd (3 × 4 = 12) → Gul (2 × 3 = 6)" in run(
        "plan", "matrix", unit, "--db", db).output

    listed = _json("plan", "list", "--json", "--db", db)
    assert isinstance(listed, list)
    assert [(p["unit"], p["risks"], p["rounds"]) for p in listed] == [(unit, 1, 1)]

    text = run("plan", "show", unit, "--db", db)
    assert "2.1  Genomförandeplaner saknas  [Gul (2 × 3 = 6)]" in text.output
    assert "T1 2027: Gult – risk för försening. Inventeringen är klar" in text.output

    target = tmp_path / "plan.xlsx"
    exported = run("plan", "export", unit, "-o", str(target), "--db", db)
    assert exported.exit_code == 0, exported.output
    book = openpyxl.load_workbook(target, read_only=True)
    rows = list(book["Risker och åtgärder"].iter_rows(values_only=True))
    assert rows[1][rows[0].index("Risknivå T1 2027")] == "Gul"
    book.close()


def test_the_matrix_shown_and_set_from_a_file(signed: tuple[str, str, str],
                                              tmp_path: Path) -> None:
    db, _review, unit = signed
    shown = run("plan", "matrix", "--db", db)
    assert shown.exit_code == 0
    assert "4 Sannolik" in shown.output and "8 Röd" in shown.output
    cells = _json("plan", "matrix", "--json", "--db", db)
    assert isinstance(cells, dict)
    assert len(cells["cells"]) == 16 and cells["default"] is True
    run("plan", "new", "--unit", unit, "--date", "2026-12-01", "--db", db)
    text = run("plan", "matrix", "--text", "--db", db).output
    incomplete = tmp_path / "matris.txt"
    incomplete.write_text("\n".join(line for line in text.splitlines()
                                    if not line.startswith("2 × 4")), encoding="utf-8")
    before = _rows(db)
    refused = run("plan", "matrix", unit, "--set", str(incomplete), "--db", db)
    assert refused.exit_code == 1
    assert "Matrisen är ofullständig: 1 ruta saknar nivå: sannolikhet 2 Mindre sannolik × " \
           "allvarlighetsgrad 4 Hög" in refused.output
    assert _rows(db) == before
    own = tmp_path / "egen.txt"
    own.write_text(text.replace("2 × 4 = Röd", "2 × 4 = Gul"), encoding="utf-8")
    done = run("plan", "matrix", unit, "--set", str(own), "--db", db)
    assert done.exit_code == 0, done.output
    assert "2 × 4: Röd → Gul" in done.output
    after = _json("plan", "matrix", unit, "--json", "--db", db)
    assert isinstance(after, dict)
    assert after["default"] is False
    assert next(c for c in after["cells"] if (c["probability"], c["severity"]) == (2, 4))[
        "level_label"] == "Gul"


@pytest.mark.parametrize(("args", "words"), [
    (("add-action", "{unit}", "1.1", "--title", "X", "--deadline", "2026-11-30"),
     "Tidsgränsen 2026-11-30 ligger före planens datum 2026-12-01"),
    (("assess", "{unit}", "1.1", "--probability", "5", "--severity", "2"),
     "Sannolikhet måste vara 1–4"),
    (("follow-up", "{unit}", "--period", "T1 2027", "--light", "1.1:1=grönt",
      "--value", "1.1:1=101"), "En andel måste ligga mellan 0 och 100 %"),
    (("follow-up", "{unit}", "--period", "T4 2027"), "tertial 1, 2 och 3"),
    (("follow-up", "{unit}", "--period", "T1 2027", "--light", "1.1:1=blått"),
     "Okänt stoppljus 'blått'"),
    (("add-risk", "{unit}", "--area", "1 Självbestämmande och integritet"),
     "Ange PLAN, --area och --title"),
    (("show", "Äldreomsorgen"), "Ingen åtgärdsplan heter"),
])
def test_refusals_are_swedish_and_write_nothing(signed: tuple[str, str, str],
                                                args: tuple[str, ...], words: str) -> None:
    db, _review, unit = signed
    run("plan", "new", "--unit", unit, "--date", "2026-12-01", "--db", db)
    run("plan", "add-risk", unit, "--area", "1 Självbestämmande och integritet", "--title",
        "Barns delaktighet", "--probability", "3", "--severity", "3", "--db", db)
    run("plan", "add-action", unit, "1.1", "--title", "Säkerställa barns delaktighet",
        "--db", db)
    assert run("plan", "add-indicator", unit, "1.1", "--name", "Andel barn som kommit till "
               "tals", "--db", db).exit_code == 0
    before = _rows(db)
    result = run("plan", *(arg.replace("{unit}", unit) for arg in args), "--db", db)
    assert result.exit_code == 1
    assert words in result.output
    assert result.output.startswith("Fel: ")
    assert _rows(db) == before


def test_an_action_is_edited_and_its_status_set(signed: tuple[str, str, str]) -> None:
    db, _review, unit = signed
    run("plan", "new", "--unit", unit, "--date", "2026-12-01", "--db", db)
    run("plan", "add-risk", unit, "--area", "5 Effektivitet", "--title", "Kontinuitet",
        "--db", db)
    run("plan", "add-action", unit, "5.1", "--title", "Rätt bemanning", "--activity",
        "Rekrytera", "--db", db)
    edited = run("plan", "edit-action", unit, "5.1", "1", "--role", "enhetschef",
                 "--deadline", "2027-08-31", "--activity", "Rekrytera", "--activity",
                 "Introducera", "--db", db)
    assert edited.exit_code == 0, edited.output
    assert run("plan", "set-status", unit, "5.1", "1", "pågår", "--db", db).exit_code == 0
    assert run("plan", "edit-risk", unit, "5.1", "--description", "Hög personalomsättning",
               "--db", db).exit_code == 0
    shown = _json("plan", "show", unit, "--json", "--db", db)
    assert isinstance(shown, dict)
    [risk] = shown["risks"]
    [action] = risk["actions"]
    assert risk["description"] == "Hög personalomsättning"
    assert (action["responsible_role"], action["deadline"], action["status_label"],
            action["activities"]) == ("enhetschef", "2027-08-31", "Pågår",
                                      ["Rekrytera", "Introducera"])
    refused = run("plan", "set-status", unit, "5.1", "1", "klar", "--db", db)
    assert refused.exit_code == 1 and "Okänd status 'klar'" in refused.output


def test_an_unsigned_review_has_no_findings(tmp_path: Path) -> None:
    path, review_id = demo_copy(tmp_path)
    result = run("plan", "findings", short_id(review_id), "--db", str(path))
    assert result.exit_code == 0
    assert "inte signerad" in result.output
