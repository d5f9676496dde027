"""``kvtui settings``: the installation's look on the report's cover, shown or changed.

It only parses and calls ``kvtui.look``, which checks and keeps the settings; a refused value
stops with a Swedish message and leaves every setting as it was.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kvtui.cli.shared import fail
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.look import KIND_NAMES, LookError, check_committee, logo_kind
from kvtui.look import LookSettings, look_settings, remove_logo, set_committee, set_logo
from kvtui.paths import settings_path

commands = SwedishTyper()


def _logo_line(settings: LookSettings) -> str:
    if settings.logo is None:
        return "ingen"
    try:
        kind = KIND_NAMES.get(logo_kind(settings.logo.read_bytes()[:4096]) or "", "")
    except OSError:
        kind = ""
    source = f", vald från {settings.logo_source}" if settings.logo_source else ""
    return f"{kind} {settings.logo}{source}".strip()


def show_settings(settings: LookSettings) -> None:
    """The look as set, in Swedish."""
    typer.echo(f"Rapportens omslag (inställningarna gäller alla granskningar; de sparas i "
               f"{settings_path()}):")
    typer.echo(f"  Nämndens namn: {settings.committee or '(inte angivet)'}")
    typer.echo(f"  Logotyp:       {_logo_line(settings)}")
    if settings.logo_problem:
        typer.echo(f"Varning: logotypen kan inte användas: {settings.logo_problem} Rapporter "
                   "exporteras utan logotyp tills du väljer den igen med --logo.", err=True)


@commands.command("settings")
def settings_command(
    logo: Annotated[str | None, typer.Option(
        "--logo", metavar="FIL",
        help="Logotyp på rapportens omslag: en PNG-, JPEG- eller SVG-fil, högst 5 MB. En kopia "
        "sparas i kvtui:s datamapp, så originalet kan flyttas efteråt.")] = None,
    no_logo: Annotated[bool, typer.Option(
        "--remove-logo", help="Ta bort logotypen från omslaget.")] = False,
    committee: Annotated[str | None, typer.Option(
        "--committee", metavar="TEXT",
        help="Nämndens namn på omslaget, t.ex. Socialnämnden. En tom text tar bort det.")
    ] = None,
) -> None:
    """Visar eller ändrar rapportens omslag: nämndens namn och kommunens logotyp.

    Utan alternativ visas inställningarna. De gäller alla granskningar på den här datorn."""
    if logo is not None and no_logo:
        fail("Ange antingen --logo eller --remove-logo, inte båda.")
    try:
        if committee is not None:
            check_committee(committee)  # before the logo, so that nothing is half changed
        if logo is not None:
            set_logo(logo)
            typer.echo("Logotypen är sparad.")
        if no_logo:
            typer.echo("Logotypen är borttagen." if remove_logo() else "Ingen logotyp var vald.")
        if committee is not None:
            name = set_committee(committee)
            typer.echo(f"Nämndens namn är sparat: {name}" if name
                       else "Nämndens namn är borttaget.")
    except LookError as error:
        fail(f"{error} Inställningarna är oförändrade.")
    show_settings(look_settings())
