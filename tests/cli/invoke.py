"""The command line run in-process, as the tests of ``kvtui …`` commands run it."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from kvtui.cli.typer_app import app

runner = CliRunner()


def run(*args: str) -> Result:
    """``kvtui ARGS``: the result, after failing the test if the user would have seen a
    traceback or an error escaped the command (only a clean exit may end it)."""
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    return result
