"""Opening a store at the current schema loads no ORM: the app's first frame does not wait.

Checked in a fresh interpreter, since the test process has SQLAlchemy loaded already.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kvtui.paths import running_marker
from kvtui.store.database import open_store
from kvtui.store.demo import create_demo

HEAVY = ("alembic", "sqlalchemy", "sqlmodel", "kvtui.store.models")

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from contextlib import closing
    from pathlib import Path
    from kvtui.paths import running_marker
    from kvtui.store.database import open_store
    from kvtui.store.review_list import review_summaries

    heavy = {heavy!r}
    store = open_store(Path({path!r}), backup=False)
    with closing(store.plain_connection()) as connection:
        titles = [summary.title for summary in review_summaries(connection)]
        pragmas = {{
            name: connection.execute(f"PRAGMA {{name}}").fetchone()[0]
            for name in ("foreign_keys", "journal_mode", "synchronous", "secure_delete",
                         "busy_timeout")
        }}
    marker = running_marker(store.path).exists()
    before = [name for name in heavy if name in sys.modules]
    store.prepare_orm()
    after = [name for name in heavy if name in sys.modules]
    store.close()
    print(json.dumps({{"titles": titles, "pragmas": pragmas, "marker": marker,
                      "before": before, "after": after}}))
    """
)


def _run(path: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(heavy=HEAVY, path=str(path))],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_open_and_list_without_the_orm_then_prepare_it(store_path: Path) -> None:
    with open_store(store_path) as store, store.session() as session:
        create_demo(session)
    found = _run(store_path)
    assert found["titles"] == ["Kvalitetsgranskning av familjevården 2026"]
    assert found["pragmas"] == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2,
                                "secure_delete": 1, "busy_timeout": 5000}
    assert found["marker"] is True  # the unclean-stop marker is set before any use
    assert found["before"] == []
    assert found["after"] == ["sqlalchemy", "sqlmodel", "kvtui.store.models"]
    assert not running_marker(store_path).exists()


def test_engine_is_made_on_first_use_and_closed(store_path: Path) -> None:
    open_store(store_path).close()  # created and migrated: that needs the engine at once
    store = open_store(store_path, backup=False)
    assert store._engine is None
    with store.session() as session:
        assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert store._engine is not None
    store.close()
    open_store(store_path, backup=False).close()  # the lock was released
