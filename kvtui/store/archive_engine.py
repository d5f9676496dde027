"""The connection to the unit's archive: a PostgreSQL database with the store's own schema.

The archive is named as libpq names a database, either a connection URL
(``postgresql://anna@arkiv.kommun.se:5432/kvtui?sslmode=verify-full&sslrootcert=...``) or a
service of the libpq service file (``service=arkiv``), and the text is handed to libpq as it is:
TLS settings, certificates and everything else libpq knows keep their meaning. kvtui never
holds a password: one written into the URL is refused, and libpq finds it in ``~/.pgpass`` (or
``PGPASSFILE``) or in the service file, where the user's own file permissions guard it.

psycopg is imported here and nowhere on the way to ``kvtui --help`` or the app's first frame:
only a command that uses the archive loads this module.

The archive is made and upgraded by the store's own migrations (``kvtui.store.migrate``), which
tell the two engines apart where they differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from kvtui.store.errors import InvalidInput
from kvtui.store.migrate import HEAD, is_newer, upgrade

#: How long a connection attempt waits for the server, in seconds.
CONNECT_TIMEOUT = 5
# The engine's execution option that names its archive for messages.
_WHERE = "kvtui_archive"


class ArchiveError(RuntimeError):
    """The archive could not be reached or used; ``str()`` is the message for the user."""


def make_archive_engine(target: str) -> Engine:
    """An engine on the archive ``target`` (a libpq URL or ``service=NAME``).

    Nothing is connected yet: a connection failure comes when the engine is first used, as an
    ``ArchiveError`` in Swedish. A target with a password in it is refused here.
    """
    conninfo = target.strip()
    params = _parsed(conninfo)
    if "password" in params:
        raise ArchiveError(
            "Adressen till arkivet innehåller ett lösenord. kvtui sparar aldrig lösenord: "
            "ta bort det ur adressen och lägg det i din ~/.pgpass (eller i tjänstefilen "
            "pg_service.conf), där PostgreSQL hämtar det.")
    where = describe(params)

    def connect() -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as error:
            raise translate(error, where) from None

    return create_engine("postgresql+psycopg://", creator=connect, hide_parameters=True,
                         pool_pre_ping=True, execution_options={_WHERE: where})


def _parsed(conninfo: str) -> dict[str, Any]:
    if not conninfo:
        raise ArchiveError("Ange arkivets adress: en adress som börjar med postgresql:// "
                           "eller service=NAMN.")
    try:
        return conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        raise ArchiveError(
            "Arkivets adress går inte att läsa. Ange en adress som "
            "postgresql://namn@server:5432/databas eller service=NAMN.") from None


def describe(params: dict[str, Any]) -> str:
    """The archive as the user knows it, without anything secret: the service, or the server,
    port and database."""
    if params.get("service"):
        return f"tjänsten {params['service']}"
    host = str(params.get("host") or "localhost")
    if host.startswith("/"):
        host = "localhost"
    port = params.get("port")
    place = f"{host}:{port}" if port else host
    database = params.get("dbname")
    return f"{place}/{database}" if database else place


# What libpq says, and what the user is told. The first pattern that matches wins: a lost
# connection is told as such before anything the message says about TLS.
_UNREACHABLE = ("Arkivet på {where} svarar inte. Kontrollera nätverket och adressen, eller "
                "försök igen om en stund.")
_TRANSLATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"definition of service .* not found|service file .* not found", re.I),
     "Tjänsten för arkivet ({where}) finns inte i tjänstefilen pg_service.conf. Kontrollera "
     "namnet, eller ange arkivets adress i stället."),
    (re.compile(r"closed the connection unexpectedly|SSL SYSCALL error|"
                r"terminating connection|server conn crashed|consuming input failed|"
                r"the database system is (starting up|shutting down|in recovery mode)", re.I),
     _UNREACHABLE),
    (re.compile(r"certificate|SSL error|does not support SSL|tlsv1 alert|sslmode", re.I),
     "Arkivet på {where} kunde inte styrka sin identitet: den säkra anslutningens certifikat "
     "godtogs inte. Kontrollera att rotcertifikatet (sslrootcert) är det som IT har lämnat "
     "ut och att servernamnet i adressen stämmer med certifikatet."),
    (re.compile(r"password authentication failed|no password supplied|"
                r"authentication failed|role .* does not exist|pg_hba\.conf", re.I),
     "Arkivet på {where} godtog inte inloggningen: fel användarnamn eller lösenord, eller "
     "så har du inte behörighet. Lösenordet hämtas ur din ~/.pgpass (eller tjänstefilen)."),
    (re.compile(r"database .* does not exist", re.I),
     "Databasen för arkivet på {where} finns inte. Kontrollera databasens namn i adressen."),
    (re.compile(r"failed to resolve host|could not translate host name", re.I),
     "Servern i arkivets adress ({where}) finns inte i nätverket. Kontrollera servernamnet i "
     "adressen, eller att datorn är ansluten till kommunens nät."),
    (re.compile(r"timeout|connection refused|could not connect|could not translate host|"
                r"no route to host|network is unreachable|EOF detected|connection is bad|"
                r"connection to server .* failed: No such file or directory", re.I),
     _UNREACHABLE),
)


def translate(error: BaseException, where: str) -> ArchiveError:
    """The Swedish message for a failure reaching or using the archive at ``where``."""
    said = str(error)
    for pattern, message in _TRANSLATIONS:
        if pattern.search(said):
            return ArchiveError(message.format(where=where))
    return ArchiveError(f"Arkivet på {where} gick inte att använda: {_first_line(said)}")


def _first_line(said: str) -> str:
    return said.strip().splitlines()[0] if said.strip() else "okänt fel"


@contextmanager
def archive_errors(engine: Engine) -> Iterator[None]:
    """Turn a lost connection or a server's refusal inside the block into ``ArchiveError``."""
    try:
        yield
    except DBAPIError as error:
        if isinstance(error.orig, psycopg.OperationalError):
            raise translate(error.orig, _where(engine)) from None
        raise


def _where(engine: Engine) -> str:
    return str(engine.get_execution_options().get(_WHERE, "servern"))


def archive_revision(engine: Engine) -> str | None:
    """The archive's schema revision, or None for a database without kvtui's tables."""
    with archive_errors(engine), engine.connect() as connection:
        if connection.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_archive(engine: Engine) -> None:
    """Bring the archive to this kvtui's schema with the store's own migrations; one archive
    written by a newer kvtui is refused and left as it is."""
    revision = archive_revision(engine)
    if is_newer(revision):
        raise ArchiveError(
            f"Arkivet har skrivits av en nyare version av kvtui (schema {revision}, den här "
            f"versionen känner till {HEAD}). Uppdatera kvtui innan du använder arkivet.")
    with archive_errors(engine):
        upgrade(engine)


# --- what kvtui needs of an archive, and its refusals ------------------------------------


class ArchiveRefused(InvalidInput):
    """The archive will not take or give this review now; ``str()`` says why, in Swedish."""


def checked_archive(target: str) -> Engine:
    """An engine on the archive at ``target``, refused (``ArchiveError``, Swedish) when the
    archive cannot be reached or is not at this kvtui's schema."""
    engine = make_archive_engine(target)
    try:
        revision = archive_revision(engine)
        if revision is None:
            raise ArchiveError("Databasen är inget kvtui-arkiv än: den saknar kvtui:s tabeller. "
                               "Be arkivets administratör köra ”kvtui archive upgrade”.")
        if is_newer(revision):
            raise ArchiveError(f"Arkivet har ett nyare schema ({revision}) än den här versionen "
                               f"av kvtui känner till ({HEAD}). Uppdatera kvtui.")
        if revision != HEAD:
            raise ArchiveError(f"Arkivet har ett äldre schema ({revision}) än den här versionen "
                               f"av kvtui ({HEAD}). Be arkivets administratör köra "
                               "”kvtui archive upgrade”.")
    except BaseException:
        engine.dispose()
        raise
    return engine


@contextmanager
def refusals(engine: Engine) -> Iterator[None]:
    """A lost connection as ``ArchiveError``, the archive's refusals as ``ArchiveRefused``;
    both in Swedish."""
    try:
        with archive_errors(engine):
            yield
    except DBAPIError as error:
        raise ArchiveRefused(archive_failure(error)) from None


def archive_failure(error: DBAPIError) -> str:
    """What went wrong with the archive, in Swedish, without the statement's parameters."""
    code = getattr(error.orig, "sqlstate", None) or ""
    if code == "42501":
        return ("Du har inte behörighet till det i arkivet. Be arkivets administratör om "
                "behörighet. Ingenting har ändrats.")
    if code == "P0001":
        return ("Arkivet vägrade: en signerad granskning är låst där och ändras inte. "
                "Ingenting har ändrats.")
    if code.startswith("23"):
        return ("Arkivet vägrade: det stämmer inte med det som redan finns där. Ingenting har "
                "ändrats.")
    if code == "42P01":
        return ("Arkivet saknar kvtui:s tabeller. Be arkivets administratör köra "
                "”kvtui archive upgrade”. Ingenting har ändrats.")
    return "Arkivet kunde inte utföra det. Ingenting har ändrats."

