"""``kvtui encrypt`` and ``kvtui decrypt``: the store (and its backups) made encrypted or plain.

The passphrase comes from a hidden prompt (twice when it is chosen), or from
``KVTUI_PASSPHRASE`` for a script; never from the command line, where other users of the
machine could read it in the list of processes.
"""

from __future__ import annotations

import os

import typer

from kvtui import paths
from kvtui.cli.shared import DbOption, chosen_db, fail
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.plural import plural
from kvtui.store.cipher import PASSPHRASE_VARIABLE, PassphraseError
from kvtui.store.database import StoreError

commands = SwedishTyper()
MIN_LENGTH = 10  # as for a bundle's passphrase


def _secret(*, new: bool) -> str:
    given = os.environ.get(PASSPHRASE_VARIABLE)
    if given is not None:
        return given
    return str(typer.prompt("Ny lösenfras" if new else "Lösenfras", hide_input=True,
                            confirmation_prompt="Skriv lösenfrasen igen" if new else False,
                            err=True))


@commands.command()
def encrypt(ctx: typer.Context, db: DbOption = None) -> None:
    """Krypterar databasen och dess säkerhetskopior med en lösenfras.

    Varje fil skrivs krypterad till en ny fil som kontrolleras innan den gamla skrivs över
    och tas bort. Utan lösenfrasen går databasen inte att öppna: glöm den inte."""
    from kvtui.store.encryption import encrypt_store  # the store's checks load Alembic

    path = paths.store_path(chosen_db(ctx, db))
    secret = _secret(new=True)
    if len(secret) < MIN_LENGTH:
        fail(f"Lösenfrasen måste ha minst {MIN_LENGTH} tecken. Databasen har inte ändrats.")
    try:
        backups = encrypt_store(path, secret)
    except (StoreError, PassphraseError) as error:
        fail(str(error))
    copies = plural(backups, "säkerhetskopia", "säkerhetskopior")
    typer.echo(f"Databasen {path} är krypterad, och {copies} med den. kvtui frågar efter "
               "lösenfrasen när databasen öppnas.")


@commands.command()
def decrypt(ctx: typer.Context, db: DbOption = None) -> None:
    """Tar bort krypteringen av databasen och dess säkerhetskopior."""
    from kvtui.store.encryption import decrypt_store  # the store's checks load Alembic

    path = paths.store_path(chosen_db(ctx, db))
    secret = _secret(new=False)
    try:
        backups = decrypt_store(path, secret)
    except (StoreError, PassphraseError) as error:
        fail(str(error))
    typer.echo(f"Databasen {path} är inte längre krypterad, inte heller "
               f"{plural(backups, 'säkerhetskopia', 'säkerhetskopior')}.")
