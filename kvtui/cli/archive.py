"""The group ``kvtui archive``: the unit's archive on PostgreSQL, shared by its auditors.

``connect`` remembers where the archive is (a libpq URL or service name, never a password:
libpq reads that from its own password or service file). ``push`` and ``pull`` carry one
review between this store and the archive; ``list`` and ``search`` read the archive. Nothing
here is needed for working in the store: the archive is used only when a command asks for it.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from kvtui.cli.shared import (
    DbOption,
    JsonOption,
    ReviewArg,
    chosen_db,
    echo_json,
    fail,
    opened_store,
    resolve_review,
)
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.reviews import short_id
from kvtui.store.errors import InvalidInput, NotFound, archive_support_missing
from kvtui.user_settings import archive_address, remember_archive_address

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy import Engine

    from kvtui.store.archive_catalog import ArchivedReview
    from kvtui.store.database import Store

commands = SwedishTyper(
    name="archive",
    help="Arkivet: enhetens granskningar från alla år i en gemensam PostgreSQL-databas.",
    no_args_is_help=True,
)

ArchiveOption = Annotated[str | None, typer.Option(
    "--archive", metavar="ADRESS",
    help="Arkivets adress (libpq-URL eller service=NAMN) i stället för den som sparats med "
    "kvtui archive connect.")]


@commands.callback()
def _need_support() -> None:
    """Every archive command needs the optional PostgreSQL package: without it, say so."""
    missing = archive_support_missing()
    if missing is not None:
        fail(missing)


def _target(given: str | None) -> str:
    target = given or archive_address()
    if not target:
        fail("Inget arkiv är anslutet. Anslut först: kvtui archive connect ADRESS "
             "(fråga IT efter adressen).")
    return target


@contextmanager
def _archive(given: str | None) -> Iterator[Engine]:
    """An engine on the archive, checked to be reachable and at this kvtui's schema."""
    with _said():
        from kvtui.store.archive_engine import checked_archive  # SQLAlchemy, psycopg

        engine = checked_archive(_target(given))
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _said() -> Iterator[None]:
    """The archive's refusals and failures, said in Swedish, and the command stopped."""
    from kvtui.store.archive_engine import ArchiveError  # psycopg

    try:
        yield
    except (ArchiveError, InvalidInput, NotFound) as error:
        fail(str(error))


def _line(review: ArchivedReview) -> str:
    year = review.year if review.year is not None else "–"
    return (f"{short_id(review.review_id)}  {year}  {review.unit}  {review.title}  "
            f"({review.state}, skickad av {review.pushed_by} {review.pushed_at:%Y-%m-%d})")


@commands.command("connect")
def archive_connect(
    target: Annotated[str, typer.Argument(
        metavar="ADRESS", help="libpq-URL (postgresql://namn@server/databas?sslmode="
        "verify-full) eller service=NAMN ur libpq:s servicefil.")],
) -> None:
    """Ansluter till arkivet och sparar adressen.

    Adressen får inte innehålla något lösenord: det läses av PostgreSQL:s eget program ur
    ~/.pgpass eller servicefilen och sparas aldrig av kvtui. Med sslmode=verify-full
    kontrolleras serverns certifikat och namn.
    """
    from kvtui.store.archive_catalog import list_archived

    with _archive(target) as engine, _said():
        readable = len(list_archived(engine))
    if not remember_archive_address(target):
        fail("Adressen kunde inte sparas i inställningarna.")
    typer.echo(f"Ansluten till arkivet {target}. Du kan läsa {readable} granskningar där.")


@commands.command("upgrade")
def archive_upgrade(
    target: Annotated[str | None, typer.Argument(
        metavar="ADRESS", help="Arkivets adress; annars den som sparats med connect.")] = None,
) -> None:
    """Skapar eller uppgraderar kvtui:s tabeller, roller och behörigheter i arkivet.

    Körs av arkivets administratör, som databasens ägare, när arkivet skapas och efter varje
    uppdatering av kvtui. Samma migreringar som för databasen på den bärbara datorn.
    """
    from kvtui.store.archive_engine import archive_revision, make_archive_engine, upgrade_archive

    with _said():
        engine = make_archive_engine(_target(target))
        try:
            before = archive_revision(engine)
            upgrade_archive(engine)
            after = archive_revision(engine)
        finally:
            engine.dispose()
    if before == after:
        typer.echo(f"Arkivet har redan schema {after}. Ingenting har ändrats.")
    else:
        typer.echo(f"Arkivet har nu schema {after} (förut {before or 'inget'}).")


@commands.command("push")
def archive_push(ctx: typer.Context, review: ReviewArg, archive: ArchiveOption = None,
                 db: DbOption = None) -> None:
    """Skickar granskningen till arkivet.

    Ett arbetsexemplar slås ihop med arkivets: det nyaste värdet vinner fält för fält, och två
    ändringar som gjorts på var sitt håll blir en konflikt som sparas, aldrig skrivs över. En
    signerad version sparas i arkivet som den är och kan inte ändras där. Databasen här
    ändras inte.
    """
    from kvtui.store.archive import push

    with _archive(archive) as engine, opened_store(chosen_db(ctx, db), read_only=True) as store:
        review_id = resolve_review(store, review)
        with _said():
            done = push(store, engine, review_id)
    name = f"{short_id(done.review_id)} ({done.title})"
    if done.already:
        typer.echo(f"Arkivet har redan granskningen {name} som den är här. Ingenting skickades.")
        return
    what = f"signerade version {done.version}" if done.signed else "arbetsexemplar"
    typer.echo(f"Granskningens {what} finns nu i arkivet: {name}.")
    merged = done.merged
    if merged is not None and merged.changed:
        typer.echo(f"Den slogs ihop med arkivets exemplar: {merged.taken} fält härifrån, "
                   f"{merged.inserted} nya rader, {merged.deleted} borttagna.")
        if merged.conflicts:
            typer.echo(f"{merged.conflicts} konflikter sparades i arkivets exemplar. Hämta "
                       "granskningen (kvtui archive pull) och lös dem med kvtui conflicts.")


@commands.command("pull")
def archive_pull(
    ctx: typer.Context,
    review: Annotated[str | None, typer.Argument(
        metavar="GRANSKNING", help="Granskningens id (början räcker) eller titel i arkivet.")
    ] = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", metavar="ENHET", help="Hämta alla enhetens granskningar i arkivet.")] = None,
    archive: ArchiveOption = None,
    db: DbOption = None,
) -> None:
    """Hämtar en granskning (eller en enhets alla) från arkivet till databasen.

    En granskning som ändrats här sedan den senast skickades hämtas inte: skicka den först, så
    slås ändringarna ihop i arkivet. En signerad granskning kommer in signerad och låst.
    """
    from kvtui.store.archive import pull, pulled_said
    from kvtui.store.archive_catalog import list_archived, resolve_archived
    from kvtui.store.archive_engine import ArchiveError

    if (review is None) == (unit is None):
        fail("Ange antingen en granskning eller --unit ENHET.")
    with _archive(archive) as engine:
        with _said():
            wanted = ([resolve_archived(engine, review)] if review is not None
                      else list_archived(engine, unit=unit))
        if not wanted:
            fail(f"Arkivet har inga granskningar av enheten ”{unit}” som du får läsa.")
        with opened_store(chosen_db(ctx, db)) as store:
            refused = 0
            for found in wanted:
                try:
                    done = pull(store, engine, found.review_id)
                except (ArchiveError, InvalidInput, NotFound) as error:
                    typer.echo(str(error), err=True)
                    refused += 1
                    continue
                typer.echo(pulled_said(done))
    if refused:
        raise typer.Exit(1)


def review_from_archive(store: Store, reference: str, missing: str) -> str:
    """The id of the review ``reference`` names in the archive, brought into ``store`` first
    (``kvtui new --from`` a review of an earlier year that is only in the archive); without a
    connected archive the command stops with ``missing``, the store's own message."""
    if not archive_address():
        fail(missing)
    _need_support()
    from kvtui.store.archive import pull, pulled_said
    from kvtui.store.archive_catalog import resolve_archived

    with _archive(None) as engine, _said():
        found = resolve_archived(engine, reference)
        done = pull(store, engine, found.review_id)
    typer.echo(pulled_said(done), err=True)
    return done.review_id


@commands.command("list")
def archive_list(
    unit: Annotated[str | None, typer.Option("--unit", metavar="ENHET",
                                             help="Bara enhetens granskningar.")] = None,
    year: Annotated[int | None, typer.Option("--year", metavar="ÅR",
                                             help="Bara årets granskningar.")] = None,
    as_json: JsonOption = False,
    archive: ArchiveOption = None,
) -> None:
    """Visar granskningarna i arkivet som du får läsa."""
    from kvtui.store.archive_catalog import list_archived

    with _archive(archive) as engine, _said():
        found = list_archived(engine, unit=unit, year=year)
    if as_json:
        echo_json([review.to_json() for review in found])
        return
    if not found:
        typer.echo("Arkivet har inga granskningar som passar och som du får läsa.")
    for review in found:
        typer.echo(_line(review))


@commands.command("search")
def archive_search(
    words: Annotated[list[str], typer.Argument(
        metavar="ORD", help="Orden att söka efter (svensk fulltextsökning: böjningsformer "
        "hittas; \"två ord\" håller ihop, -ord utesluter).")],
    as_json: JsonOption = False,
    archive: ArchiveOption = None,
) -> None:
    """Söker i texterna i arkivets granskningar."""
    from kvtui.store.archive_catalog import search

    with _archive(archive) as engine, _said():
        hits = search(engine, " ".join(words))
    if as_json:
        echo_json([{**hit.review.to_json(), "passage": hit.passage} for hit in hits])
        return
    if not hits:
        typer.echo("Inga träffar i de granskningar du får läsa.")
    for hit in hits:
        typer.echo(_line(hit.review))
        typer.echo(f"    … {hit.passage} …")
