"""Schema migrations, run at start after a backup.

Alembic is imported only when the store needs upgrading, so that a normal start does not pay
for it: the store's revision is read with one query and compared with ``HEAD``.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Every revision this kvtui knows, oldest first. A test keeps it equal to the scripts.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009",
             "0010", "0011", "0012", "0013", "0014", "0015", "0016", "0017")
HEAD = REVISIONS[-1]


class MigrationError(RuntimeError):
    """The store could not be brought up to date; the message is for the user."""


def current_revision(connection: sqlite3.Connection) -> str | None:
    """The store's schema revision, or None for a store without kvtui's tables."""
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def needs_upgrade(revision: str | None) -> bool:
    """Whether a store at ``revision`` is older than this kvtui."""
    return revision != HEAD


def is_newer(revision: str | None) -> bool:
    """Whether a store was written by a newer kvtui (a revision this one does not know)."""
    return revision is not None and revision not in REVISIONS


def alembic_config() -> object:
    """An Alembic config pointing at the migrations inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "kvtui.store:migrations")
    return config


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the store (or the archive, on PostgreSQL) to ``target``."""
    if engine.dialect.name == "postgresql":
        _upgrade_postgresql(engine, target)
    else:
        _upgrade_sqlite(engine, target)


def _upgrade_sqlite(engine: Engine, target: str) -> None:
    """Upgrade with foreign keys off while tables are rebuilt.

    SQLite rebuilds tables in batch migrations, which would cascade deletes with foreign keys
    on; afterwards ``foreign_key_check`` proves nothing was left dangling.
    """
    from alembic import command

    config = alembic_config()
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            config.attributes["connection"] = connection  # type: ignore[attr-defined]
            command.upgrade(config, target)  # type: ignore[arg-type]
            connection.commit()
            problems = raw.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                wrong = ("1 felaktig hänvisning" if len(problems) == 1
                         else f"{len(problems)} felaktiga hänvisningar")
                raise MigrationError(f"Uppgraderingen lämnade {wrong} i databasen.")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


# The advisory lock every kvtui upgrading an archive holds ("kvtu" in ASCII), so that two
# laptops meeting an old archive at once upgrade it one after the other.
_UPGRADE_LOCK = 0x6B767475


def _upgrade_postgresql(engine: Engine, target: str) -> None:
    """Upgrade in one transaction (PostgreSQL's DDL is transactional: all of it or nothing),
    holding an advisory lock against a second upgrader, which then finds nothing to do."""
    from alembic import command

    config = alembic_config()
    with engine.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK})")
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.upgrade(config, target)  # type: ignore[arg-type]
        connection.commit()
