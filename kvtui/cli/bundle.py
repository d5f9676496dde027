"""The group ``kvtui bundle``: one review carried to another auditor's store in one encrypted file.

``export`` writes the review, its change log and its template to a new file encrypted with a
passphrase; ``import`` brings it into this store. The passphrase is asked for hidden (twice on
export) or read from an environment variable, and never stored. The bundle is opened and
checked before the store is: a wrong passphrase or a damaged file leaves the store as it was,
not even backed up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from kvtui.cli.shared import DbOption, ReviewArg, chosen_db, fail, opened_store, resolve_review
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.bundle_format import BundleError, check_passphrase, parse_bundle
from kvtui.domain.reviews import short_id
from kvtui.store.errors import InvalidInput, NotFound

commands = SwedishTyper(
    name="bundle",
    help="Paket: flytta en granskning till en annan granskares databas i en krypterad fil.",
    no_args_is_help=True,
)

PassphraseEnvOption = Annotated[str | None, typer.Option(
    "--passphrase-env", metavar="VARIABEL",
    help="Läs lösenfrasen ur denna miljövariabel i stället för att fråga. Lösenfrasen sparas "
    "aldrig.")]


def _from_environment(variable: str) -> str:
    value = os.environ.get(variable)
    if value is None:
        fail(f"Miljövariabeln {variable} finns inte; den ska innehålla paketets lösenfras.")
    return value


def _need_terminal() -> None:
    if not sys.stdin.isatty():
        fail("Lösenfrasen behövs. Kör kommandot i ett terminalfönster eller ange "
             "--passphrase-env VARIABEL.")


def _new_passphrase(variable: str | None) -> str:
    """The passphrase a new bundle is encrypted with: long enough, and typed the same twice."""
    if variable:
        passphrase = _from_environment(variable)
    else:
        _need_terminal()
        passphrase = typer.prompt("Lösenfras för paketet", hide_input=True, err=True)
        try:
            check_passphrase(passphrase)
        except BundleError as error:
            fail(str(error))
        again = typer.prompt("Samma lösenfras en gång till", hide_input=True, err=True)
        if again != passphrase:
            fail("Lösenfraserna är inte lika. Inget paket har skrivits.")
    try:
        return check_passphrase(passphrase)
    except BundleError as error:
        fail(str(error))


def _passphrase(variable: str | None) -> str:
    if variable:
        return _from_environment(variable)
    _need_terminal()
    return str(typer.prompt("Paketets lösenfras", hide_input=True, err=True))


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


@commands.command("export")
def bundle_export(
    ctx: typer.Context,
    review: ReviewArg,
    output: Annotated[str, typer.Option(
        "-o", "--output", metavar="FIL",
        help="Paketfilen som skrivs. En befintlig fil skrivs aldrig över.")],
    passphrase_env: PassphraseEnvOption = None,
    db: DbOption = None,
) -> None:
    """Exporterar granskningen till ett krypterat paket.

    Paketet innehåller allt som hör till granskningen, dess ändringslogg och dess mall.
    Lösenfrasen (minst tio tecken) frågas efter två gånger; skicka den till mottagaren på
    annat sätt än filen.
    """
    from kvtui.store.bundle import export_review  # SQLModel

    dest = Path(output).expanduser()
    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        review_id = resolve_review(store, review)
        if dest.exists():
            fail(f"Filen {dest} finns redan och skrivs inte över. Ange ett annat namn.")
        passphrase = _new_passphrase(passphrase_env)
        try:
            done = export_review(store, review_id, dest, passphrase)
        except (BundleError, InvalidInput, NotFound) as error:
            fail(str(error))
    typer.echo(f"Granskningen {short_id(review_id)} är exporterad till {done.path} "
               f"({_size(done.size)}).")
    typer.echo(f"Innehållets kontrollsumma (SHA-256): {done.header.payload_sha256}")
    typer.echo("Mottagaren behöver lösenfrasen för att importera paketet.")


@commands.command("import")
def bundle_import(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="Paketfilen som ska importeras.")],
    passphrase_env: PassphraseEnvOption = None,
    db: DbOption = None,
) -> None:
    """Importerar granskningen i ett paket till databasen.

    Paketet kontrolleras innan databasen öppnas. En signerad granskning kommer in signerad och
    låst. Ändringsloggens poster följer med, och importen loggas.
    """
    from kvtui.store.bundle import import_bundle, open_bundle  # SQLModel
    from kvtui.store.bundle_file import read_bundle

    try:
        data = read_bundle(Path(file).expanduser())
        parse_bundle(data)  # damaged, foreign or newer: said before the passphrase is asked
        header, payload = open_bundle(data, _passphrase(passphrase_env))
    except BundleError as error:
        fail(str(error))
    with opened_store(chosen_db(ctx, db)) as store:
        try:
            done = import_bundle(store, header, payload)
        except (BundleError, InvalidInput) as error:
            fail(str(error))
    merged = done.merge_said()
    if merged is not None:
        typer.echo(merged)
        return
    typer.echo(f"Granskningen {short_id(done.review_id)} ({done.title}) är importerad från "
               f"paketet, exporterat av {header.exported_by} {header.exported_at:%Y-%m-%d %H:%M}"
               f" UTC med kvtui {header.kvtui_version}.")
    entries = "1 post" if done.entries == 1 else f"{done.entries} poster"
    typer.echo(f"Ändringsloggen fick {entries} från paketet och en om importen.")
    if done.signed:
        typer.echo("Granskningen är signerad och låst, som den var.")
