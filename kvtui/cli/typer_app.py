"""The kvtui command as Typer sees it: the app, its own options, and the groups of commands it
registers, one module each.

Each command module makes its commands on a ``SwedishTyper`` of its own, which is added here
without a name, so that its commands sit directly under ``kvtui`` (a named one is a group,
such as ``kvtui templates``). The order here is the order ``kvtui --help`` lists them in.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from kvtui.cli.archive import commands as archive_commands
from kvtui.cli.assignments import commands as assignment_commands
from kvtui.cli.bundle import commands as bundle_commands
from kvtui.cli.case_files import commands as case_file_commands
from kvtui.cli.conflicts import commands as conflict_commands
from kvtui.cli.encryption import commands as encryption_commands
from kvtui.cli.exports import commands as export_commands
from kvtui.cli.maintenance import commands as maintenance_commands
from kvtui.cli.maintenance import not_id_commands
from kvtui.cli.plan import commands as plan_commands
from kvtui.cli.plan_records import commands as plan_record_commands
from kvtui.cli.release import commands as release_commands
from kvtui.cli.reviews import commands as review_commands
from kvtui.cli.settings import commands as settings_commands
from kvtui.cli.shared import DbOption, run_app
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.cli.templates import commands as template_commands

app = SwedishTyper(
    name="kvtui",
    help="kvtui – fältverktyg för kvalitetsgranskning av socialtjänstens verksamheter.",
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)


def _show_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"kvtui {version('kvtui')}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: DbOption = None,
    show_version: Annotated[
        bool, typer.Option("--version", help="Visa kvtui:s version och avsluta.",
                           callback=_show_version, is_eager=True)
    ] = False,
) -> None:
    """Öppnar kvtui. Underkommandona gör arbete från kommandoraden."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is None:
        raise typer.Exit(run_app(db))


# The plan's deletions, signed rounds and log are commands of the same group as the plan's.
assert plan_record_commands is plan_commands

for commands in (review_commands, case_file_commands, conflict_commands, export_commands,
                 maintenance_commands, release_commands, template_commands, plan_commands,
                 bundle_commands, settings_commands, assignment_commands, encryption_commands,
                 not_id_commands, archive_commands):
    app.add_typer(commands)
