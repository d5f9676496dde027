"""Everything the command line says is Swedish: every command's help page, `--version`, and
`kvtui log`'s names and values (the log stores the code's English names)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command

from kvtui.cli.typer_app import app
from kvtui.domain.log_text import FIELDS
from kvtui.domain.reviews import short_id
from tests.cli.invoke import run
from tests.report.demo_file import demo_copy

# English that Typer, Click or the code's own names would show; none may reach the user.
ENGLISH = re.compile(
    r"<str>|<int>|<bool>|<float>|<list|\{[A-ZÅÄÖ_]+\}|\bUsage\b|\bOptions\b|\bArguments\b"
    r"|\bCommands\b|Show this message|\[required\]|\[default|\bDismiss\b|\bSort\b"
    r"|\banswer\b|\bcreate\b|\bupdate\b|\bdelete\b|\bfieldwork\b|\bfact_check\b|\bplanning\b"
    r"|\bTrue\b|\bFalse\b|\bNone\b|\bREVIEW\b|\bQUERY\b|\bFILE\b|\bNAME\b")


def _command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(get_command(app), [])
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda path: " ".join(path) or "kvtui")
def test_every_help_page_is_swedish(path: list[str]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Användning:" in result.output
    assert ENGLISH.findall(result.output) == [], result.output


def test_help_covers_every_command() -> None:
    paths = {" ".join(path) for path in _command_paths()}
    assert {"", "log", "sign", "templates list", "inte-personnummer ta-bort"} <= paths


def test_a_missing_argument_is_named_in_swedish() -> None:
    """As `kvtui` runs (its own entry point, which words Typer's errors)."""
    done = subprocess.run([sys.executable, "-m", "kvtui", "show"], capture_output=True,
                          text=True)
    assert done.returncode == 1
    assert done.stderr.startswith("Fel: GRANSKNING saknas.")


def test_version() -> None:
    from importlib.metadata import version

    result = run("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"kvtui {version('kvtui')}"


def test_log_speaks_swedish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kvtui.paths.exports_dir", lambda store=None: tmp_path / "exports")
    path, review_id = demo_copy(tmp_path / "db")
    db, review = str(path), short_id(review_id)
    assert run("factcheck", review, "-o", str(tmp_path / "utkast.pdf"), "--db", db).exit_code == 0

    shown = run("log", review, "--db", db)
    assert shown.exit_code == 0, shown.output
    assert ENGLISH.findall(shown.output) == []
    assert "granskning/ny" in shown.output
    assert "svar/ny" in shown.output
    assert "status: Pågående → Faktagranskning" in shown.output
    assert "i sammanfattningen: ja" in shown.output

    # Every name the demo's log holds has its Swedish word.
    entries = json.loads(run("log", review, "--json", "--db", db).output)["entries"]
    names = {key for entry in entries for key in entry["changes"]}
    assert names - set(FIELDS) == set()
