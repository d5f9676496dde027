"""Fixtures shared by every test: the user's real folders are never touched."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kvtui.store.database import Store, open_store


@pytest.fixture(autouse=True)
def _isolated_folders(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the store and the user's data folders at a temporary place for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("KVTUI_DB", str(home / "db" / "kvtui.db"))
    monkeypatch.setenv("KVTUI_DATA", str(home / "data"))  # the crash log, one per test
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's store lives."""
    return tmp_path / "db" / "kvtui.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    """A fresh store on a real SQLite file, closed after the test."""
    opened = open_store(store_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def crash_log() -> Iterator[Callable[[], str]]:
    """What kvtui appends to its crash log (``kvtui-fel.log``) during the test, read when
    called; a log the test made is removed after it."""
    from kvtui.crash_log import CRASH_LOG_NAME
    from kvtui.paths import data_dir

    log = data_dir() / CRASH_LOG_NAME
    existed = log.exists()
    start = log.stat().st_size if existed else 0

    def appended() -> str:
        if not log.exists():
            return ""
        with log.open("rb") as handle:
            handle.seek(start)
            return handle.read().decode("utf-8")

    try:
        yield appended
    finally:
        if not existed:
            log.unlink(missing_ok=True)
