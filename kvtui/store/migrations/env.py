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
        from kvtui.store.engine import make_engine

        url = config.get_main_option("sqlalchemy.url") or ""
        engine = make_engine(url.removeprefix("sqlite:///"))  # type: ignore[arg-type]
        with engine.connect() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
