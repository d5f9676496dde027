"""Bare ``kvtui``: the app opens without Typer and draws Granskningar before the ORM loads.

The checks run in fresh interpreters, since this test process has SQLAlchemy loaded already.
The store's refusals (lock, damaged file, newer kvtui) still end in Swedish with exit code 1.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kvtui.cli import _app_only
from kvtui.paths import running_marker
from kvtui.store.backup import list_backups
from kvtui.store.database import open_store
from kvtui.store.demo import create_demo

TITLE = "Kvalitetsgranskning av familjevården 2026"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ([], (True, None)),
        (["--db", "a.db"], (True, "a.db")),
        (["--db=a.db"], (True, "a.db")),
        (["--db"], (False, None)),
        (["--db="], (False, None)),
        (["--db", "--help"], (False, None)),
        (["--help"], (False, None)),
        (["list"], (False, None)),
        (["--db", "a.db", "list"], (False, None)),
    ],
)
def test_only_a_bare_start_bypasses_typer(arguments: list[str],
                                          expected: tuple[bool, str | None]) -> None:
    assert _app_only(arguments) == expected


@pytest.fixture
def demo_store(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "kvtui.db"
    with open_store(path) as store, store.session() as session:
        create_demo(session)
    return path


FIRST_FRAME = textwrap.dedent(
    """
    import asyncio, json, sys
    from kvtui.cli.shared import opened_store
    from kvtui.tui.app import make_app
    from kvtui.tui.screens.reviews import ReviewsScreen

    HEAVY = ("alembic", "sqlalchemy", "sqlmodel", "kvtui.store.models", "typer._adapters",
             "reportlab", "pyhanko", "openpyxl", "docx")
    seen = []
    fill = ReviewsScreen._fill_table

    def spy(self, keep=None):
        if not seen:  # the first time the list is drawn
            seen.append([name for name in HEAVY if name in sys.modules])
        fill(self, keep)

    ReviewsScreen._fill_table = spy

    async def start():
        with opened_store({path!r}, backup=False) as store:
            app = make_app(store)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                titles = [summary.title for summary in app.screen.reviews]
                after = [name for name in HEAVY if name in sys.modules]
        return titles, after

    titles, after = asyncio.run(start())
    print(json.dumps({{"first_fill": seen[0], "titles": titles, "after": after}}))
    """
)


@pytest.mark.slow
def test_first_frame_is_drawn_before_the_orm_loads(demo_store: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME.format(path=str(demo_store))],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["first_fill"] == []
    assert found["titles"] == [TITLE]
    # After the first frame: the ORM is loaded in the background and the start backup made.
    assert {"sqlalchemy", "sqlmodel", "kvtui.store.models"} <= set(found["after"])
    # The PDF, signing and Excel libraries load only when a report or file is made.
    assert not {"reportlab", "pyhanko", "openpyxl", "docx"} & set(found["after"])
    assert len(list_backups(demo_store)) == 1  # the fixture's first open made none
    assert not running_marker(demo_store).exists()


BARE_START = textwrap.dedent(
    """
    import json, sys
    import kvtui.cli  # what the console script `kvtui` imports for `main`

    print(json.dumps(sorted(name for name in sys.modules
                            if name.startswith(("kvtui.cli", "kvtui.store.", "typer._adapters",
                                                "sqlalchemy", "sqlmodel", "textual")))))
    """
)


def test_a_bare_start_imports_no_command() -> None:
    """`kvtui` without a command needs of the command line only `main` and opening the store:
    Typer's app and the modules of commands load only when a command is given."""
    result = subprocess.run([sys.executable, "-c", BARE_START], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert {name for name in loaded if name.startswith("kvtui.cli")} == {
        "kvtui.cli", "kvtui.cli.shared", "kvtui.cli.swedish_help"}
    assert not {name for name in loaded if not name.startswith(("kvtui.cli", "kvtui.store."))}
    assert loaded & {"kvtui.store.models", "kvtui.store.reviews"} == set()


def _kvtui(path: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KVTUI")}
    return subprocess.run(
        [sys.executable, "-m", "kvtui", "--db", str(path)], capture_output=True, text=True,
        env=env, stdin=subprocess.DEVNULL, timeout=120, check=False,
    )


def test_second_copy_is_refused_in_swedish(demo_store: Path) -> None:
    with open_store(demo_store, backup=False):
        result = _kvtui(demo_store)
    assert result.returncode == 1
    assert "används redan av ett annat kvtui-fönster" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_damaged_store_is_set_aside_and_the_backup_offered(demo_store: Path) -> None:
    open_store(demo_store).close()  # a start backup beside the store
    demo_store.write_bytes(b"not a database" * 1000)
    result = _kvtui(demo_store)
    assert result.returncode == 1
    assert "flyttats åt sidan" in result.stderr
    assert "Kör kvtui i ett terminalfönster för att återställa säkerhetskopian" in result.stderr
    aside = list(demo_store.parent.glob("kvtui.db.skadad-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b"not a database" * 1000
    assert "Traceback" not in result.stderr + result.stdout


def test_store_from_a_newer_kvtui_is_refused(demo_store: Path) -> None:
    connection = sqlite3.connect(demo_store)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = demo_store.read_bytes()
    result = _kvtui(demo_store)
    assert result.returncode == 1
    assert "nyare version av kvtui" in result.stderr
    assert demo_store.read_bytes() == before
