"""The command line: parses arguments and calls the store, the report or the app factory.

``main`` here is the console script ``kvtui`` and ``python -m kvtui``. The Typer app is in
``typer_app``, which registers one module for each group of commands: ``reviews``,
``case_files`` (the akter and the sample), ``exports``, ``release``, ``templates`` and
``maintenance``. What they share (the options, opening the store, stopping with a Swedish
message, JSON) is in ``shared``; the Swedish help pages and usage errors in ``swedish_help``;
the text of ``kvtui show`` in ``show_text``. A command module imports those, never this
package, and nothing here imports a command module but ``main`` when it needs Typer.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from kvtui.cli.shared import run_app
from kvtui.cli.swedish_help import usage_message
from kvtui.crash_log import unexpected_error
from kvtui.file_modes import keep_files_private


def _app_only(arguments: list[str]) -> tuple[bool, str | None]:
    """Whether the command line only opens the app, and its ``--db`` value.

    ``kvtui`` and ``kvtui --db FIL`` (or ``--db=FIL``) open the app; anything else, help
    included, goes to Typer.
    """
    if not arguments:
        return True, None
    if len(arguments) == 2 and arguments[0] == "--db" and not arguments[1].startswith("-"):
        return True, arguments[1]
    if len(arguments) == 1 and arguments[0].startswith("--db=") and len(arguments[0]) > 5:
        return True, arguments[0].removeprefix("--db=")
    return False, None


def _run_typer() -> Any:
    """Parse the command line with Typer and run the command it names.

    Typer's app and the command modules are imported here, not at the top: a bare ``kvtui``
    opens the app without building Typer's commands or importing the modules that make them.
    """
    from kvtui.cli.typer_app import app

    return app(standalone_mode=False)


def main() -> None:
    """Entry point: run the CLI, turning expected errors into messages and exit code 1.

    An unexpected error is a fault in kvtui: the user reads a Swedish sentence and where the
    crash log is (``crash_log.unexpected_error``), never the error's English name or message.

    A bare ``kvtui`` (with at most ``--db FIL``) opens the app without Typer: building Typer's
    commands and parsing with them would delay the first frame (``bench/startup.py``).
    """
    keep_files_private()
    app_only, db = _app_only(sys.argv[1:])
    try:
        result = run_app(db) if app_only else _run_typer()
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.echo("Avbrutet.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.TyperException as error:
        typer.echo(f"Fel: {usage_message(error)}", err=True)
        sys.exit(1)
    except Exception as error:
        typer.echo(f"Fel: {unexpected_error('Kommandot kunde inte slutföras.', error)}",
                   err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
