"""The command line and personnummer: `new`, `sign` and `reopen` stop before writing when an
option's text holds something that looks like one, and take --inte-personnummer for a false
alarm. Nobody can be asked at a command line, so nothing is masked silently there."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kvtui.domain.personnummer import as_read
from kvtui.domain.reviews import short_id
from tests.cli.invoke import run
from tests.idnumber_forms import spelt_anyhow, store_texts, written_forms
from tests.report.demo_file import demo_copy
from tests.testdata import PERSONNUMMER_FILE


@pytest.fixture(scope="module")
def numbers() -> list[str]:
    return PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[3000:3010]


def test_new_stops_and_names_the_option(tmp_path: Path, numbers: list[str]) -> None:
    db = str(tmp_path / "db" / "kvtui.db")
    pasted = written_forms(numbers[0])["nollbreddsblanksteg"]
    result = run("new", "--template", "familjevard", "--title", "Granskning",
                 "--purpose", f"Barnet {pasted} och andra", "--db", db)
    assert result.exit_code == 1
    assert (f"--purpose innehåller något som ser ut som ett personnummer ({numbers[0][2:8]}-XXXX)"
            in result.output)
    assert "--inte-personnummer" in result.output
    assert numbers[0][8:] not in as_read(result.output)
    assert json.loads(run("list", "--json", "--db", db).output) == []
    assert not spelt_anyhow(numbers[0]).search(store_texts(Path(db).parent))


def test_a_number_split_by_a_control_character_stops_new(tmp_path: Path,
                                                        numbers: list[str]) -> None:
    """An option is refused as the store would see it: with its control characters out, the
    number is whole, and would otherwise be masked silently."""
    db = str(tmp_path / "db" / "kvtui.db")
    number = numbers[9]
    result = run("new", "--template", "familjevard", "--title", "Granskning",
                 "--purpose", f"Barnet {number[:7]}\x1b{number[7:]}", "--db", db)
    assert result.exit_code == 1
    assert f"--purpose innehåller något som ser ut som ett personnummer ({number[:8]}-XXXX)" in (
        result.output)
    assert json.loads(run("list", "--json", "--db", db).output) == []


def test_new_stores_a_false_alarm_as_typed(tmp_path: Path, numbers: list[str]) -> None:
    db = str(tmp_path / "db" / "kvtui.db")
    phone = numbers[1][2:]
    other = f"{numbers[2][2:8]}-{numbers[2][8:]}"
    refused = run("new", "--template", "familjevard", "--title", "Granskning",
                  "--scope", f"Ring {phone}; barnet {other}", "--inte-personnummer", phone,
                  "--db", db)
    assert refused.exit_code == 1 and f"({other[:6]}-XXXX)" in refused.output
    made = run("new", "--template", "familjevard", "--title", "Granskning",
               "--scope", f"Ring {phone}", "--inte-personnummer", phone, "--json", "--db", db)
    assert made.exit_code == 0, made.output
    shown = json.loads(run("show", json.loads(made.output)["short_id"], "--json",
                           "--db", db).output)
    assert shown["scope"] == f"Ring {phone}"
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT digits FROM false_alarm").fetchall() == [(phone,)]
    connection.close()
    odd = run("new", "--template", "familjevard", "--title", "x", "--inte-personnummer",
              "070-123 45 67", "--db", db)
    assert odd.exit_code == 1
    assert "'070-123 45 67' ser inte ut som ett personnummer" in odd.output


def test_sign_and_reopen_stop_on_a_number(tmp_path: Path, numbers: list[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kvtui.paths.exports_dir", lambda store=None: tmp_path / "exports")
    path, review_id = demo_copy(tmp_path / "db")
    db, review = str(path), short_id(review_id)
    number = written_forms(numbers[3])["helbredda siffror"]
    signed = run("sign", review, "--name", "Karin Ekdahl", "--role", f"Granskare {number}",
                 "--db", db)
    assert signed.exit_code == 1 and "--role innehåller" in signed.output
    assert not (tmp_path / "exports").exists() or not any((tmp_path / "exports").iterdir())
    assert run("sign", review, "--name", "Karin Ekdahl", "--role", "Granskare",
               "--db", db).exit_code == 0
    reason = f"Fel personnummer {numbers[4][2:8]}-{numbers[4][8:]} i rapporten"
    refused = run("reopen", review, "--reason", reason, "--db", db)
    assert refused.exit_code == 1 and "--reason innehåller" in refused.output
    assert run("reopen", review, "--reason", "Nämnden bad om komplettering.",
               "--db", db).exit_code == 0
    text = store_texts(Path(db).parent)
    for digits12 in numbers[3:5]:
        assert not spelt_anyhow(digits12).search(text)


def test_templates_import_takes_a_false_alarm_named(tmp_path: Path, numbers: list[str]) -> None:
    """`templates import` refuses a template holding a number, as creating a review from it
    would, and takes it when the number is named with --inte-personnummer."""
    from kvtui.store.template_library import load_template

    db = str(tmp_path / "db" / "kvtui.db")
    phone = numbers[5][2:]
    _template, text = load_template("familjevard", None)
    source = tmp_path / "egen.toml"
    source.write_text(text.replace('question = "', f'question = "Ring växeln {phone}: ', 1),
                      encoding="utf-8")
    refused = run("templates", "import", str(source), "--db", db)
    assert refused.exit_code == 1
    assert f"innehåller något som ser ut som ett personnummer ({phone[:6]}-XXXX)" in (
        refused.output)
    imported = run("templates", "import", str(source), "--inte-personnummer", phone,
                   "--inte-personnummer", f"{numbers[8][2:8]}-{numbers[8][8:]}", "--db", db)
    assert imported.exit_code == 0, imported.output
    assert "Mallen egen" in imported.output
    # The confirmation is the store's, recorded and logged as every confirmation is (a number
    # named that the template does not hold is not); a review is then made from the template.
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT digits FROM false_alarm").fetchall() == [(phone,)]
        logged = connection.execute("SELECT action, changes_json FROM change_log"
                                    " WHERE entity = 'false_alarm'").fetchall()
    connection.close()
    assert logged == [("create", json.dumps({"digits": phone}))]
    made = run("new", "--template", "egen", "--title", "Granskning", "--json", "--db", db)
    assert made.exit_code == 0, made.output
    with sqlite3.connect(db) as connection:
        questions = [row[0] for row in connection.execute(
            "SELECT question FROM review_criterion")]
    connection.close()
    assert f"Ring växeln {phone}: " in "\n".join(questions)
    assert run("check", "--db", db).exit_code == 0


def test_a_confirmation_is_listed_and_taken_back(tmp_path: Path, numbers: list[str]) -> None:
    db = str(tmp_path / "db" / "kvtui.db")
    phone = numbers[6][2:]
    assert "Inga nummer" in run("inte-personnummer", "list", "--db", db).output
    made = run("new", "--template", "familjevard", "--title", "Granskning",
               "--scope", f"Ring {phone}", "--inte-personnummer", phone, "--json", "--db", db)
    review = json.loads(made.output)["short_id"]
    [listed] = json.loads(run("inte-personnummer", "list", "--json", "--db", db).output)
    assert listed["digits"] == phone
    assert phone in run("inte-personnummer", "list", "--db", db).output
    unknown = run("inte-personnummer", "ta-bort", numbers[7][2:], "--db", db)
    assert unknown.exit_code == 1 and f"{numbers[7][2:8]}-XXXX finns inte bland" in (
        unknown.output)
    assert not spelt_anyhow(numbers[7]).search(as_read(unknown.output))
    taken = run("inte-personnummer", "ta-bort", f"{phone[:6]}-{phone[6:]}", "--db", db)
    assert taken.exit_code == 0, taken.output
    assert f"{phone[:6]}-XXXX maskeras från och med nu" in taken.output
    assert "maskerades en text" in taken.output
    shown = json.loads(run("show", review, "--json", "--db", db).output)
    assert shown["scope"] == f"Ring {phone[:6]}-XXXX"
    assert json.loads(run("inte-personnummer", "list", "--json", "--db", db).output) == []
    assert run("check", "--db", db).exit_code == 0
