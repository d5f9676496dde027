"""Alembic environment: runs on the connection kvtui hands it, never on its own engine."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from kvtui.store import models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    """Run on ``config.attributes['connection']`` in batch mode, as SQLite needs."""
    connection = config.attributes.get("connection")
    if connection is None:
        from pathlib import Path

        from sqlalchemy import make_url

        from kvtui.file_modes import create_private_file
        from kvtui.store.engine import make_engine

        # Alembic's own command line: the store named in its config (made, private, when it
        # does not exist yet, as for a new migration's autogenerate), opened the quoted way.
        url = make_url(config.get_main_option("sqlalchemy.url") or "sqlite://")
        path = Path(url.database or "")
        create_private_file(path, exist_ok=True)
        engine = make_engine(path)
        with engine.connect() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Leave the full-text search index (an FTS5 table and its shadow tables) to migration 0003:
    it is not in the models, and autogenerate must not propose dropping it."""
    return not (type_ == "table" and (name or "").startswith("search_index"))


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
