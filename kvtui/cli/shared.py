"""What every command shares: its options, opening the store, and how it stops or prints JSON.

Every expected error ends with a plain Swedish message and exit code 1, never a traceback.

A bare ``kvtui`` imports this module (and the package) before its first frame, so it imports
at its top only what that start loads anyway. The store's modules that load SQLAlchemy and the
app, which loads Textual, are imported where they are used.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from kvtui import paths
from kvtui.domain.safe_text import printable_json
from kvtui.store import cipher
from kvtui.store.backup import BackupError, keep_earlier_backups, newest_good_backup
from kvtui.store.database import (
    Store,
    StoreDamaged,
    StoreError,
    StoreGone,
    StoreNeedsWriter,
    StoreReadOnly,
    open_store,
    restore_backup,
    unclean_notice,
)
from kvtui.store.errors import InvalidInput, NotFound

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Databasfil att använda (annars KVTUI_DB eller standardplatsen).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Skriv ut resultatet som JSON.")]
ReviewArg = Annotated[
    str, typer.Argument(metavar="REVIEW", help="Granskningens id som `kvtui list` visar.")
]
NotIdOption = Annotated[
    list[str] | None,
    typer.Option(
        "--inte-personnummer", metavar="NUMMER",
        help="Ett nummer i texterna som ser ut som ett personnummer men inte är det: det "
        "sparas som det är skrivet. Kan anges flera gånger.",
    ),
]
OutputOption = Annotated[
    str | None,
    typer.Option("-o", "--output", help="Fil eller mapp för rapporten (annars exports/). "
                 "En befintlig fil skrivs aldrig över."),
]


def fail(message: str) -> NoReturn:
    """Stop the command with a Swedish message and exit code 1."""
    typer.echo(f"Fel: {message}", err=True)
    raise typer.Exit(1)


def echo_json(data: Any) -> None:
    """Print data as JSON; characters that could act on the terminal are written as escapes."""

    def default(value: Any) -> Any:
        if isinstance(value, date | datetime):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    typer.echo(printable_json(json.dumps(data, ensure_ascii=False, indent=2, default=default)))


def _offer_restore(error: StoreDamaged, path: Path) -> bool:
    """Ask whether to put the newest good backup in place of a store that was set aside."""
    typer.echo(str(error), err=True)
    if error.backup is None or not sys.stdin.isatty():
        if error.backup is not None:
            typer.echo(
                "Kör kvtui i ett terminalfönster för att återställa säkerhetskopian.", err=True
            )
        return False
    label = error.backup.label
    which = (f"märkt {label}?" if error.backup.misdated else  # of unknown age: see its message
             f"från {label}? Ändringar gjorda efter den tidpunkten finns inte i kopian.")
    if not _yes(f"Vill du återställa säkerhetskopian {which} [j/n]"):
        typer.echo("Ingen säkerhetskopia återställdes. Den skadade filen finns kvar åt sidan.")
        return False
    try:
        restore_backup(error.backup, path)
    except BackupError as failed:
        fail(f"{failed} Den skadade filen finns kvar åt sidan.")
    typer.echo(f"Säkerhetskopian från {error.backup.label} är återställd.")
    return True


def _offer_backup_of_a_missing_store(path: Path) -> None:
    """No store where one was (good backups of it lie beside it): restore the newest, begin a
    new one, or stop, as the user answers. Without a terminal to ask in, stop: a command that
    went on would begin a new, empty store where the user's work was."""
    if path.exists() or path.is_symlink():
        return
    good = newest_good_backup(path)
    if good is None:
        return
    which = f"märkt {good.label}" if good.misdated else f"från {good.label}"
    typer.echo(f"Databasen {path} finns inte, men i {paths.backups_dir(path)} finns en "
               f"säkerhetskopia av den {which}.", err=True)
    if not sys.stdin.isatty():
        fail("Kör kvtui i ett terminalfönster för att återställa säkerhetskopian. Vill du i "
             f"stället börja med en ny, tom databas: flytta först mappen "
             f"{paths.backups_dir(path)}.")
    if _yes("Vill du återställa den? Ändringar gjorda efter den tidpunkten finns inte i "
            "kopian. [j/n]"):
        try:
            restore_backup(good, path)
        except BackupError as failed:
            fail(str(failed))
        typer.echo(f"Säkerhetskopian {which} är återställd.", err=True)
    elif _yes("Vill du börja med en ny, tom databas? Säkerhetskopiorna finns kvar. [j/n]"):
        try:
            kept = keep_earlier_backups(path)
        except BackupError as failed:
            fail(str(failed))
        typer.echo(f"Säkerhetskopiorna av den tidigare databasen ligger nu i {kept}; de rensas "
                   "aldrig bort automatiskt.", err=True)
    else:
        typer.echo("Ingenting har ändrats.", err=True)
        raise typer.Exit(1)


def _yes(question: str) -> bool:
    answer = typer.prompt(question, default="n", show_default=False, err=True)
    return answer.strip().lower() in ("j", "ja", "y", "yes")


@contextmanager
def opened_store(
    db: str | None, *, read_only: bool = False, backup: bool = True, viewer: bool = False
) -> Iterator[Store]:
    """Open the store for one command and close it afterwards, whatever happens.

    Reading commands (``read_only``) only read: no lock, no backup, nothing written, so that
    they work beside an open app and after an unclean stop leave the log for the next writer
    to recover and count. Only a store that must first be created, upgraded (after a backup)
    or set aside goes through the writer's way. The app (``viewer``) and reading commands
    fall back to reading a store that cannot be written (a read-only file or folder, no room
    for the start backup), saying why; changing commands stop there. The app passes
    ``backup=False`` and makes its start backup in the background after the first frame.

    A store whose file was moved, deleted or replaced while in use (``StoreGone``, or noticed
    only here, at the end) has saved what it held; where is said last, with exit code 1.
    """
    path = paths.store_path(db)
    _offer_backup_of_a_missing_store(path)
    store = _with_passphrase(path, lambda: _open(path, read_only=read_only, backup=backup,
                                                 viewer=viewer))
    if store.warning:
        typer.echo(store.warning, err=True)
    if store.was_unclean and not viewer:
        typer.echo(unclean_notice(store), err=True)
    gone: StoreGone | None = None
    try:
        yield store
    except StoreGone as error:
        gone = error  # said below, with where what the store held was saved
    finally:
        notice = store.lost_work_notice() or (str(gone) if gone else None)
        store.close()
        if notice is not None and not store.lost_work_told:  # the app may have said it
            typer.echo(f"Fel: {notice}", err=True)
    if notice is not None:
        raise typer.Exit(1)


def _open(path: Path, *, read_only: bool, backup: bool, viewer: bool) -> Store:
    store = _open_for_reading(path) if read_only else None
    if store is None:
        store = _open_for_writing(path, backup=backup and not read_only,
                                  may_view=read_only or viewer)
    return store


PASSPHRASE_TRIES = 3
T = TypeVar("T")


def ask_passphrase(path: Path, *, again: bool = False) -> None:
    """For an encrypted store, the passphrase from a hidden prompt, before anything opens it
    (``KVTUI_PASSPHRASE`` gives it to a script); nothing for a plain store."""
    if not cipher.looks_encrypted(path) or (cipher.passphrase() is not None and not again):
        return
    if not sys.stdin.isatty():
        fail(f"Databasen {path} är krypterad. Kör kvtui i ett terminalfönster för att ange "
             f"lösenfrasen, eller ange den i miljövariabeln {cipher.PASSPHRASE_VARIABLE}.")
    cipher.set_passphrase(typer.prompt(f"Lösenfras för databasen {path.name}", hide_input=True,
                                       err=True))


def _with_passphrase(path: Path, opening: Callable[[], T]) -> T:
    """What ``opening`` gives, the passphrase asked first for an encrypted store and again
    after a wrong one (three tries at a terminal); a wrong passphrase stops with a Swedish
    message and the store untouched."""
    for attempt in range(PASSPHRASE_TRIES):
        ask_passphrase(path, again=attempt > 0)
        try:
            return opening()
        except cipher.WrongPassphrase as error:
            if attempt == PASSPHRASE_TRIES - 1 or not sys.stdin.isatty():
                fail(str(error))
            typer.echo(str(error), err=True)
        except cipher.PassphraseError as error:
            fail(str(error))
    fail(f"Databasen {path} kunde inte öppnas.")


def _open_for_reading(path: Path) -> Store | None:
    """The store opened for reading, or None when a writer must open it first."""
    try:
        return open_store(path, read_only=True)
    except StoreNeedsWriter:
        return None
    except StoreError as error:
        fail(str(error))


def _open_for_writing(path: Path, *, backup: bool, may_view: bool) -> Store:
    """The store opened by the writer: a damaged file set aside (and a backup offered once);
    one that cannot be written opened for reading instead when ``may_view``."""
    for _attempt in range(2):
        try:
            return open_store(path, backup=backup)
        except StoreDamaged as error:
            if not _offer_restore(error, path):
                raise typer.Exit(1) from None
        except StoreReadOnly as error:
            if not may_view:
                fail(f"{error} Kommandot ändrar databasen och kan inte köras.")
            try:
                store = open_store(path, read_only=True)
            except StoreError as reading:
                fail(f"{error} {reading}")
            store.warning = "\n".join(filter(None, [
                f"{error} Databasen öppnas skrivskyddad: du kan läsa men inte ändra.",
                store.warning]))
            return store
        except StoreError as error:  # locked by another copy, too new, not a store file
            fail(str(error))
    fail(f"Databasen {path} kunde inte öppnas.")


def run_app(db: str | None, open_review: str | None = None) -> int:
    """Run the app over the store; its return code (1 when it had to stop for an error)."""
    with opened_store(db, backup=False, viewer=True) as store:
        from kvtui.tui.app import make_app  # Textual: loaded after the store is open

        app = make_app(store, open_review=open_review)
        app.run()
    return app.return_code or 0


def chosen_db(ctx: typer.Context, db: str | None) -> str | None:
    """A ``--db`` given after the subcommand wins over one given before it."""
    return db or (ctx.obj or {}).get("db")


def resolve_review(store: Store, ref: str) -> str:
    """The full id of the review the user named by its short id (or a unique start of it)."""
    from kvtui.store.reviews import resolve_review_id  # SQLModel

    with store.session() as session:
        try:
            return resolve_review_id(session, ref)
        except NotFound as error:
            fail(str(error))


def not_id_keys(not_ids: list[str] | None) -> set[str]:
    """The keys of the numbers named with ``--inte-personnummer``; stops on one that is not a
    number."""
    from kvtui.store.idnumber_rule import key_of  # SQLAlchemy

    keys = set()
    for value in not_ids or []:
        key = key_of(value)
        if key is None:
            fail(f"--inte-personnummer: '{value}' ser inte ut som ett personnummer; ange numret "
                 "som det står i texten.")
        keys.add(key)
    return keys


@contextmanager
def texts_checked(
    session: Any, texts: dict[str, str], not_ids: list[str] | None
) -> Iterator[None]:
    """Stop before anything is written when an option's text holds something that looks like
    a personnummer (nobody can be asked here); within the block, the numbers named with
    ``--inte-personnummer`` are stored as typed. ``texts`` maps each option to its text."""
    from kvtui.store.idnumber_rule import Rule, as_typed, refuse  # SQLAlchemy

    with as_typed(not_id_keys(not_ids)):
        try:
            refuse(Rule.of(session), texts,
                   "ta bort det, eller ange --inte-personnummer NUMMER om det inte är ett "
                   "personnummer.")
        except InvalidInput as error:
            fail(str(error))
        yield
