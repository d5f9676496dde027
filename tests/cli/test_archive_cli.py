"""``kvtui archive``: an auditor's day with the archive on the command line, and the archive's
bad days (unreachable, a password in the address, a newer schema) said in Swedish with the
store untouched."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from kvtui.store.archive_engine import make_archive_engine
from kvtui.user_settings import load_settings
from tests.cli.invoke import run
from tests.pg_server import PgServer, _free_port
from tests.report.demo_file import demo_copy


def _state(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_upgrade_connect_push_list_search_pull(pg_database: str, tmp_path: Path) -> None:
    upgraded = run("archive", "upgrade", pg_database)
    assert upgraded.exit_code == 0, upgraded.output
    assert "schema 0017" in upgraded.output
    assert "redan" in run("archive", "upgrade", pg_database).output

    connected = run("archive", "connect", pg_database)
    assert connected.exit_code == 0, connected.output
    assert load_settings()["archive"] == pg_database
    assert "0 granskningar" in connected.output

    source, review_id = demo_copy(tmp_path / "a")
    pushed = run("archive", "push", review_id[:8], "--db", str(source))
    assert pushed.exit_code == 0, pushed.output
    assert "arbetsexemplar finns nu i arkivet" in pushed.output
    again = run("archive", "push", review_id[:8], "--db", str(source))
    assert "redan" in again.output

    listed = run("archive", "list", "--json")
    assert [entry["id"] for entry in json.loads(listed.output)] == [review_id]
    assert review_id[:8] in run("archive", "list", "--unit",
                                "familjevårdsenheten, individ- och familjeomsorgen").output
    found = run("archive", "search", "familjehemmen")
    assert found.exit_code == 0 and review_id[:8] in found.output
    assert "Inga träffar" in run("archive", "search", "rymdskepp").output

    target = tmp_path / "b" / "kvtui.db"
    pulled = run("archive", "pull", review_id[:8], "--db", str(target))
    assert pulled.exit_code == 0, pulled.output
    assert "är hämtad från arkivet" in pulled.output
    missing = run("archive", "pull", "ffffffff", "--db", str(target))
    assert missing.exit_code == 1 and "ingen granskning" in missing.output
    neither = run("archive", "pull", "--db", str(target))
    assert neither.exit_code == 1 and "Ange antingen" in neither.output

    # Next year's review starts from one that is only in the archive: it is brought here.
    next_year = tmp_path / "nästa år" / "kvtui.db"
    started = run("new", "--from", review_id[:8], "--json", "--db", str(next_year))
    assert started.exit_code == 0, started.output
    assert "hämtad från arkivet" in started.output
    listed_here = run("list", "--json", "--db", str(next_year))
    assert len(json.loads(listed_here.output)) == 2

    unit = tmp_path / "c" / "kvtui.db"
    whole_unit = run("archive", "pull", "--unit",
                     "FAMILJEVÅRDSENHETEN, INDIVID- OCH FAMILJEOMSORGEN", "--db", str(unit))
    assert whole_unit.exit_code == 0, whole_unit.output
    assert run("list", "--db", str(unit)).output.count(review_id[:8]) == 1


def test_bad_addresses_and_archives_are_refused_in_swedish_and_nothing_changes(
        pg_server: PgServer, pg_database: str, tmp_path: Path) -> None:
    source, review_id = demo_copy(tmp_path / "a")
    before = _state(source.parent)

    with_password = pg_server.url("postgres", "hemligt", db="postgres")
    said = run("archive", "connect", with_password)
    assert said.exit_code == 1 and "lösenord" in said.output and "hemligt" not in said.output
    assert "archive" not in load_settings()

    nobody = f"postgresql://anna@127.0.0.1:{_free_port()}/arkiv"
    said = run("archive", "push", review_id[:8], "--archive", nobody, "--db", str(source))
    assert said.exit_code == 1 and "svarar inte" in said.output, said.output
    assert "Traceback" not in said.output

    said = run("archive", "list", "--archive", pg_database)  # kvtui's tables not made yet
    assert said.exit_code == 1 and "kvtui archive upgrade" in said.output

    assert run("archive", "upgrade", pg_database).exit_code == 0
    engine = make_archive_engine(pg_database)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    engine.dispose()
    said = run("archive", "push", review_id[:8], "--archive", pg_database, "--db", str(source))
    assert said.exit_code == 1 and "nyare schema" in said.output

    said = run("archive", "list")
    assert said.exit_code == 1 and "Inget arkiv är anslutet" in said.output
    assert _state(source.parent) == before


def test_without_the_archive_package_each_command_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` fails, as uninstalled
    for command in (["connect", "service=arkiv"], ["list"], ["search", "barn"],
                    ["push", "abc", "--db", str(tmp_path / "kvtui.db")]):
        said = run("archive", *command)
        assert said.exit_code == 1, command
        assert "pip install 'kvtui[arkiv]'" in said.output and "Traceback" not in said.output
    assert not (tmp_path / "kvtui.db").exists()
