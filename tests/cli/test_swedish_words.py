"""Everything the command line says is Swedish: every command's help page, `--version`, and
`kvtui log`'s names and values (the log stores the code's English names)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command, get_command_name

import kvtui.cli
from kvtui.cli.swedish_help import HELP_OPTION, SwedishTyper
from kvtui.cli.typer_app import app
from kvtui.domain.log_text import FIELDS
from kvtui.domain.reviews import short_id
from tests.cli.invoke import run
from tests.report.demo_file import demo_copy

# English that Typer, Click or the code's own names would show; none may reach the user. The
# plan's commands are named like "add-risk" and "delete-risk"; the log's "delete" stands alone.
ENGLISH = re.compile(
    r"<str>|<int>|<bool>|<float>|<list|\{[A-ZÅÄÖ_]+\}|\bUsage\b|\bOptions\b|\bArguments\b"
    r"|\bCommands\b|Show this message|\[required\]|\[default|\bDismiss\b|\bSort\b"
    r"|\banswer\b|\bcreate\b|\bupdate\b|\bdelete\b(?!-)|\bfieldwork\b|\bfact_check\b|\bplanning\b"
    r"|\bTrue\b|\bFalse\b|\bNone\b|\bREVIEW\b|\bQUERY\b|\bFILE\b|\bNAME\b")


def _registered() -> dict[str, TyperCommand | TyperGroup]:
    """Every command and group of the app as Click builds it, by its path ("" for kvtui)."""
    found: dict[str, TyperCommand | TyperGroup] = {}

    def walk(command: TyperCommand | TyperGroup, path: list[str]) -> None:
        found[" ".join(path)] = command
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(get_command(app), [])
    return found


def _flat(text: str) -> str:
    """A help page's words in one line: without the panels' frames and the line breaks."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


REGISTERED = _registered()


@pytest.mark.parametrize("path", list(REGISTERED), ids=lambda path: path or "kvtui")
def test_every_help_page_is_swedish(path: str) -> None:
    """The page of each command and group, as the app registers them: Swedish throughout, its
    own description and the help of each of its arguments and options on it."""
    command = REGISTERED[path]
    result = run(*path.split(), "--help")
    assert result.exit_code == 0, result.output
    assert ENGLISH.findall(result.output) == [], result.output
    page = _flat(result.output)
    assert page.startswith(" ".join(["Användning: kvtui", *path.split(), "[VAL]"])), page
    assert HELP_OPTION in page
    assert command.help, f"{path or 'kvtui'} has no help text"
    assert _flat(command.help.split("\n\n")[0]) in page
    for param in command.params:
        if param.name in ("help", "ctx"):
            continue
        text = getattr(param, "help", None)
        assert text, f"{path or 'kvtui'}: {param.name} has no help text"
        assert _flat(text) in page, (param.name, page)


def test_help_covers_every_command() -> None:
    assert {"", "log", "sign", "templates list", "inte-personnummer ta-bort"} <= set(REGISTERED)


def test_every_command_module_is_registered() -> None:
    """A command written in a module of kvtui.cli but not registered by the app would have no
    help page, and the user could not run it."""
    made: set[str] = set()
    for module in pkgutil.iter_modules(kvtui.cli.__path__, "kvtui.cli."):
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, SwedishTyper) and value is not app:
                group = [value.info.name] if isinstance(value.info.name, str) else []
                for info in value.registered_commands:
                    assert info.callback is not None
                    name = info.name or get_command_name(info.callback.__name__)
                    made.add(" ".join([*group, name]))
    assert {"demo", "sample", "export", "check", "sign", "templates list"} <= made
    assert made <= set(REGISTERED)


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
