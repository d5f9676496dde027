"""What the tests of the store's files do to a store from outside kvtui: folder names that a
hand-built URI misreads, a change made by another program, a writer killed mid-work, an index
broken so that only the full check finds it."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kvtui.file_modes import create_private_file
from kvtui.store.backup import make_backup
from kvtui.store.engine import make_engine

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Folder and file names that a hand-built URI or URL reads as something else.
ODD_NAMES = ["Granskning #2", "Fråga?svar=ja", "100%20 procent", "Barn & unga", "a%b#c?d&e",
             "Åsa Öbergs ärenden"]


def change_outside(path: Path, number: int) -> None:
    """A change to the store's content made by another program (it needs no review to change),
    so that the next backup is not skipped as identical."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(f"PRAGMA user_version = {number}")


_KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from kvtui.store.database import open_store
    from kvtui.store.models import Review
    store = open_store(Path(sys.argv[1]), backup=False)
    with store.session() as session:
        for number in range(int(sys.argv[2])):
            session.add(Review(title=f"Granskning {number}"))
            session.commit()
    os.kill(os.getpid(), signal.SIGKILL)
    """)


def kill_a_writer(path: Path, transactions: int) -> None:
    """A writer commits ``transactions`` reviews and is killed, leaving its log behind."""
    result = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(path), str(transactions)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == -signal.SIGKILL, result.stderr


def break_an_index(path: Path) -> None:
    """Make an index disagree with its table: quick_check passes, integrity_check does not."""
    with closing(sqlite3.connect(path)) as connection:
        name, sql = connection.execute(
            "SELECT name, sql FROM sqlite_schema WHERE name = 'ix_answer_review_id'"
        ).fetchone()
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute("UPDATE sqlite_schema SET sql = ? WHERE name = ?",
                           (sql.replace("(review_id)", "(value)"), name))
        connection.commit()
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]


def fake_backups(store: Path, moments: list[datetime]) -> list[Path]:
    """Backups taken at ``moments``: copies of one real backup under those times' names."""
    real = make_backup(store).path
    made = []
    for moment in moments:
        target = real.with_name(f"kvtui-{moment:%Y%m%d-%H%M%S}.db")
        if target != real:
            shutil.copyfile(real, target)
        made.append(target)
    if real not in made:
        real.unlink()
    return made


def new_engine(path: Path) -> Engine:
    """An engine on a new, empty store file at ``path``, for tests that build a store with
    migrations step by step (``make_engine`` itself never makes a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    create_private_file(path)
    return make_engine(path)
