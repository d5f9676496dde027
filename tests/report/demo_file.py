"""The demo review's store, built once per test process and copied for each test that needs it.

Building the demo takes a couple of seconds; the report, export, CLI and Rapport tests all
start from it. The file is built in a private temporary folder (removed at exit) from a closed
store, so a byte copy of it is a complete, consistent store.
"""

from __future__ import annotations

import atexit
import secrets
import shutil
import sqlite3
import tempfile
from pathlib import Path

from kvtui.store.database import open_store
from kvtui.store.demo import create_demo

_built: tuple[Path, str] | None = None


def demo_file() -> tuple[Path, str]:
    """The demo store's file and the demo review's id (built on first use)."""
    global _built
    if _built is None:
        folder = Path(tempfile.mkdtemp(prefix="kvtui-demo-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "kvtui.db"
        store = open_store(path, backup=False)
        try:
            with store.session() as session:
                review_id = create_demo(session)
        finally:
            store.close()
        _built = (path, review_id)
    return _built


def demo_at(path: Path) -> str:
    """A fresh copy of the demo store at ``path`` (any name, folders made); the review's id."""
    source, review_id = demo_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    # A store of its own, as a laptop's: its own merge site (kvtui.store.stamps), not the
    # one every copy of the file would share.
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE merge_site SET site = ? WHERE id = 1",
                           (secrets.token_hex(8),))
    connection.close()
    return review_id


def demo_copy(folder: Path) -> tuple[Path, str]:
    """A fresh copy of the demo store in ``folder``: its path and the review's id."""
    target = folder / "kvtui.db"
    return target, demo_at(target)
