"""The type hints hold: mypy, configured in pyproject.toml, finds no error in kvtui.

Run as the developer runs it (``python -m mypy`` from the repository root), so the suite and
the command line cannot disagree. mypy keeps its cache in ``.mypy_cache``, so a run after a
small change checks again only what changed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=170)


def test_mypy_finds_no_error() -> None:
    result = _mypy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")


def test_mypy_runs_with_the_project_settings(tmp_path: Path) -> None:
    """The check would notice: with the same settings, a function without hints and a wrong
    return type are each reported, and the run fails."""
    module = tmp_path / "wrongly_typed.py"
    module.write_text('def untyped(value):\n    return value\n\n\n'
                      'def count() -> int:\n    return "three"\n', encoding="utf-8")
    result = _mypy(str(module))
    assert result.returncode == 1
    assert "[no-untyped-def]" in result.stdout
    assert "[return-value]" in result.stdout
