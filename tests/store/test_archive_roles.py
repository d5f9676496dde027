"""Who may see what in the archive: each role logs in with its own password and is refused
what is not its own, by row-level security and grants rather than by kvtui's goodwill."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from sqlalchemy import Engine

from kvtui.store import archive, archive_catalog
from kvtui.store.archive_engine import (
    ArchiveError,
    checked_archive,
    make_archive_engine,
    upgrade_archive,
)
from kvtui.store.database import open_store
from kvtui.store.errors import InvalidInput
from kvtui.store.signoff import reopen
from tests.pg_server import PgServer
from tests.report.demo_file import demo_copy
from tests.signing import sign_review

MUNICIPALITY = "Sjövik kommun"  # the demo review's


class Roles:
    """Three login roles of one archive: two auditors of different municipalities and the
    committee's secretary, each with a password in a private ~/.pgpass."""

    def __init__(self, server: PgServer, url: str, folder: Path) -> None:
        self.server = server
        self.db = urlsplit(url).path.lstrip("/")
        tag = secrets.token_hex(3)
        self.names = {who: f"{who}_{tag}" for who in ("anna", "bertil", "sara")}
        lines = []
        for who, name in self.names.items():
            password = f"lösen {who} {tag}"
            server.create_user(name, password)
            lines.append(f"127.0.0.1:{server.port}:{self.db}:{name}:{password}\n")
        group = {"anna": "kvtui_granskare", "bertil": "kvtui_granskare", "sara": "kvtui_lasare"}
        place = {"anna": MUNICIPALITY, "bertil": "Annan kommun", "sara": MUNICIPALITY}
        for who, name in self.names.items():
            server.execute_as_superuser(f"GRANT {group[who]} TO {name}", db=self.db)
            server.execute_as_superuser("INSERT INTO archive_access (role_name, municipality) "
                                        "VALUES (%s, %s)", db=self.db,
                                        params=(name, place[who]))
        self.pgpass = folder / "pgpass"
        self.pgpass.write_text("".join(lines), encoding="utf-8")
        self.pgpass.chmod(0o600)

    def url(self, who: str) -> str:
        return self.server.url(self.names[who], db=self.db)

    def raw(self, who: str, sql: str) -> list[tuple[object, ...]]:
        with psycopg.connect(self.url(who), autocommit=True) as connection:
            cursor = connection.execute(sql)
            return list(cursor.fetchall()) if cursor.description else [(cursor.rowcount,)]


@pytest.fixture
def roles(pg_server: PgServer, pg_database: str, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Roles:
    owner = make_archive_engine(pg_database)
    try:
        upgrade_archive(owner)
    finally:
        owner.dispose()
    found = Roles(pg_server, pg_database, tmp_path)
    monkeypatch.setenv("PGPASSFILE", str(found.pgpass))
    return found


@pytest.fixture
def engines(roles: Roles) -> Iterator[dict[str, Engine]]:
    made = {who: checked_archive(roles.url(who)) for who in roles.names}
    try:
        yield made
    finally:
        for engine in made.values():
            engine.dispose()


def test_each_role_sees_and_may_do_only_its_own(roles: Roles, engines: dict[str, Engine],
                                                tmp_path: Path) -> None:
    path, review_id = demo_copy(tmp_path / "anna")
    store = open_store(path, backup=False)
    other = open_store(tmp_path / "andra" / "kvtui.db", backup=False)
    try:
        archive.push(store, engines["anna"], review_id)
        assert [r.review_id for r in archive_catalog.list_archived(engines["anna"])] == [review_id]

        # The secretary reads signed versions only; work in progress is not there for her.
        assert archive_catalog.list_archived(engines["sara"]) == []
        assert roles.raw("sara", "SELECT count(*) FROM archive_version") == [(0,)]
        with pytest.raises(InvalidInput, match="behörighet"):
            archive.push(store, engines["sara"], review_id)
        for table in ("review", "answer"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                roles.raw("sara", f"SELECT count(*) FROM {table}")

        # Another municipality's auditor: nothing of Sjövik exists for him, not even by SQL.
        assert archive_catalog.list_archived(engines["bertil"]) == []
        assert archive_catalog.search(engines["bertil"], "familjevård") == []
        for table in ("review", "answer", "archive_version", "change_log", "sample_item",
                      "evidence_link"):
            assert roles.raw("bertil", f"SELECT count(*) FROM {table}") == [(0,)]
        assert roles.raw("bertil", "UPDATE archive_review SET title = 'x'") == [(0,)]
        assert roles.raw("bertil", "DELETE FROM answer") == [(0,)]
        with pytest.raises(InvalidInput, match="behörighet"):
            archive.push(store, engines["bertil"], review_id)  # a review of Sjövik: refused
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            roles.raw("bertil", "INSERT INTO archive_access VALUES ('bertil', 'Sjövik kommun',"
                                " '')")

        with store.session() as session:
            sign_review(session, review_id)
        archive.push(store, engines["anna"], review_id)
        listed = archive_catalog.list_archived(engines["sara"])
        assert [(r.review_id, r.signed) for r in listed] == [(review_id, True)]
        assert archive.pull(other, engines["sara"], review_id).signed
        # Worked on again: the secretary still has the signed version, and is told so.
        with store.session() as session:
            reopen(session, review_id, "Nämnden bad om en komplettering.")
        archive.push(store, engines["anna"], review_id)
        [again] = archive_catalog.list_archived(engines["sara"])
        assert (again.signed_version, again.state) == (1, "pågår v2 (signerad v1)")
        assert archive.pull(other, engines["sara"], review_id).signed
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            roles.raw("sara", "DELETE FROM archive_version")
        # The auditor who signed cannot take the signed version back either.
        with pytest.raises(psycopg.errors.RaiseException):
            roles.raw("anna", "DELETE FROM archive_version")
        with pytest.raises(psycopg.errors.RaiseException):
            roles.raw("anna", "UPDATE answer SET value = 'nej'")
    finally:
        other.close()
        store.close()


def test_a_wrong_password_is_refused_in_swedish(roles: Roles) -> None:
    roles.pgpass.write_text(f"*:*:*:{roles.names['anna']}:fel lösenord\n", encoding="utf-8")
    with pytest.raises(ArchiveError, match="godtog inte inloggningen"):
        checked_archive(roles.url("anna"))
