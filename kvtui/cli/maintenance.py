"""Commands that look after the store: check it, back it up, and the numbers confirmed not to be
personnummer (the group ``kvtui inte-personnummer``).

They only parse and call the store. ``kvtui.store.stored_idnumbers`` loads SQLModel, so it is
imported in the commands that use it: ``kvtui --help`` and a mistyped command answer without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kvtui import paths
from kvtui.cli.shared import (
    DbOption,
    JsonOption,
    ask_passphrase,
    chosen_db,
    echo_json,
    fail,
    opened_store,
)
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.store.backup import BackupError
from kvtui.store.cipher import PassphraseError
from kvtui.store.database import check_store
from kvtui.store.errors import InvalidInput

commands = SwedishTyper()
not_id_commands = SwedishTyper(
    name="inte-personnummer",
    help="Nummer som har bekräftats inte vara personnummer (de sparas som de är skrivna): "
    "lista och ta tillbaka.", no_args_is_help=True
)


@commands.command()
def check(ctx: typer.Context, db: DbOption = None) -> None:
    """Kontrollerar databasen: snabb- och fullständig kontroll, främmande nycklar, ändringslogg."""
    path = paths.store_path(chosen_db(ctx, db))
    ask_passphrase(path)
    try:
        result = check_store(path)
    except PassphraseError as error:
        fail(str(error))
    typer.echo(f"Databas: {path}")
    for line in result.lines:
        typer.echo(f"  {line}")
    if not result.ok:
        typer.echo("Databasen har fel. Kör inte vidare på den; återställ en säkerhetskopia.")
        raise typer.Exit(1)
    typer.echo("Allt i ordning.")


@commands.command()
def backup(
    ctx: typer.Context,
    to: Annotated[str | None, typer.Option("--to", help="Skriv kopian till denna fil.")] = None,
    db: DbOption = None,
) -> None:
    """Gör en kontrollerad säkerhetskopia av databasen.

    Utan --to hamnar kopian bland de roterade säkerhetskopiorna bredvid databasen, men bara om
    databasen har ändrats sedan den senaste."""
    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        dest = Path(to).expanduser().resolve() if to else None
        try:
            info = store.backup(dest)
        except BackupError as error:
            fail(str(error))
    if info.warning:
        typer.echo(f"Varning: {info.warning}", err=True)
    if info.new:
        typer.echo(f"Säkerhetskopian är gjord och kontrollerad: {info.path}")
    else:
        typer.echo(f"Databasen är oförändrad sedan säkerhetskopian från {info.label}; "
                   f"ingen ny kopia behövdes: {info.path}")


@not_id_commands.command("list")
def not_ids_list(ctx: typer.Context, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Listar numren som har bekräftats inte vara personnummer, med vem och när."""
    from kvtui.store.stored_idnumbers import confirmations  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store, store.session() as session:
        found = confirmations(session)
    if as_json:
        echo_json([{"digits": c.digits, "actor": c.actor,
                    "confirmed_at": c.confirmed_at.isoformat()} for c in found])
        return
    if not found:
        typer.echo("Inga nummer är bekräftade som något annat än personnummer.")
        return
    for c in found:
        when = c.confirmed_at.astimezone().strftime("%Y-%m-%d %H.%M")
        typer.echo(f"{c.digits:14} {when}  {c.actor}")


@not_id_commands.command("ta-bort")
def not_ids_withdraw(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(metavar="NUMMER",
                                          help="Numret som det står i listan eller i texten.")],
    db: DbOption = None,
) -> None:
    """Tar tillbaka en bekräftelse: numret maskeras från och med nu.

    Det maskeras genast också i texterna i alla granskningar som inte är signerade.
    Signerade versioner och ändringsloggen ändras inte (se kvtui check).
    """
    from kvtui.store.stored_idnumbers import withdraw_confirmation  # SQLModel

    with opened_store(chosen_db(ctx, db)) as store, store.session() as session:
        try:
            done = withdraw_confirmation(session, number)
        except InvalidInput as error:
            fail(str(error))
    texts = "en text" if done.texts == 1 else f"{done.texts} texter"
    typer.echo(f"Bekräftelsen är borttagen: {done.masked} maskeras från och med nu. "
               f"I granskningar som inte är signerade maskerades {texts}.")
