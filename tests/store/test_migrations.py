"""Migrations: the shipped scripts, an upgrade that keeps data intact, and version refusal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from kvtui.store.database import open_store
from kvtui.store.migrate import HEAD, REVISIONS, alembic_config, upgrade
from kvtui.store.review_detail import list_reviews
from kvtui.store.schema import expected_schema, read_schema
from tests.store_files import new_engine

# The other tests' new stores are copies of one store the migrations made in their process
# (tests/conftest.py); these open theirs through the migrations.
pytestmark = pytest.mark.real_migrations


def test_a_copied_new_store_has_the_schema_the_migrations_make(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy the other tests get: the schema of a store made by the migrations now."""
    from tests.conftest import copying_upgrade

    monkeypatch.setattr("kvtui.store.database.upgrade", copying_upgrade)
    with open_store(tmp_path / "copy.db", backup=False) as store:
        path = store.path
    with sqlite3.connect(path) as connection:
        assert read_schema(connection) == expected_schema()
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD,)]


def test_known_revisions_match_the_shipped_scripts() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    chain = [rev.revision for rev in scripts.walk_revisions()][::-1]
    assert tuple(chain) == REVISIONS
    assert scripts.get_current_head() == HEAD


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """Autogenerate finds nothing to do on a migrated store: no change without a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import kvtui.store.models  # noqa: F401

    def not_search_index(name: str | None, type_: str, _parent: object) -> bool:
        # The FTS5 search index and its shadow tables live outside the models (migration 0003).
        return not (type_ == "table" and (name or "").startswith("search_index"))

    engine = new_engine(tmp_path / "fresh.db")
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"render_as_batch": True, "include_name": not_search_index}
        )
        diffs = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert [d for d in diffs if d[0] != "remove_index" or "created_at" not in str(d)] == []


def _store_at_first_revision(path: Path) -> None:
    engine = new_engine(path)
    upgrade(engine, REVISIONS[0])
    engine.dispose()
    connection = sqlite3.connect(path)
    now = "2026-01-15 09:00:00.000000"
    connection.execute(
        "INSERT INTO review (id, created_at, updated_at, title, unit, municipality, committee,"
        " diary_number, auditors_json, purpose, scope, method_text, status, version)"
        " VALUES ('r1', ?, ?, 'Granskning före uppgradering', 'Enheten', 'Sjövik kommun',"
        " 'Socialnämnden', 'SN 2026/1', '[\"Åsa Öberg\"]', 'Syfte', '', '', 'planning', 1)",
        (now, now),
    )
    connection.execute(
        "INSERT INTO review_template (id, created_at, updated_at, review_id, name, title,"
        " version, law, source_toml) VALUES ('t1', ?, ?, 'r1', 'familjevard',"
        " 'Familjevård – placerade barn', '1.0', 'SoL (2001:453)', 'title = \"x\"')",
        (now, now),
    )
    for index in range(3):
        connection.execute(
            "INSERT INTO case_file (id, created_at, updated_at, review_id, reference,"
            " attributes_json, position) VALUES (?, ?, ?, 'r1', ?, '{}', ?)",
            (f"c{index}", now, now, f"FV-{index}", index),
        )
    connection.execute(
        "INSERT INTO change_log (id, created_at, updated_at, seq, review_id, entity, entity_id,"
        " action, changes_json, actor, prev_hash, hash) VALUES ('l1', ?, ?, 1, 'r1', 'review',"
        " 'r1', 'create', '{}', 'test', '0', 'x')",
        (now, now),
    )
    connection.commit()
    connection.close()


def test_upgrade_from_first_revision_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _store_at_first_revision(path)
    store = open_store(path)
    try:
        assert store.start_backup is not None  # backed up before upgrading
        with store.session() as session:
            reviews = list_reviews(session)
        assert [(r.title, r.case_files, r.template_title) for r in reviews] == [
            ("Granskning före uppgradering", 3, "Familjevård – placerade barn")
        ]
    finally:
        store.close()
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("DELETE FROM change_log")
    connection.close()
    backup = sqlite3.connect(store.start_backup.path)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == (REVISIONS[0],)
    backup.close()
