"""Text typed in a dialog survives a killed kvtui and a closed terminal.

kvtui runs for real, in a terminal that tmux gives it; the test types into "Ny granskning",
then kills the process (``kill -9``: nothing can be saved at that moment, so what survives is
what the draft already held) or closes the terminal (SIGHUP: kvtui keeps the draft then),
starts kvtui again on the same store and opens the form: the text is there.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from kvtui.store.database import open_store
from kvtui.store.drafts import list_drafts
from tests.waiting import TIMEOUT, wait_until

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.slow,
]

TYPED = "Osparad titel 42"


class Terminal:
    """One tmux server of the test's own (its own socket), running kvtui in a session."""

    def __init__(self, folder: Path) -> None:
        self.socket = folder / "tmux.sock"
        self.folder = folder

    def tmux(self, *args: str) -> str:
        """Run a tmux command on the test's server; its output."""
        done = subprocess.run(["tmux", "-S", str(self.socket), *args], capture_output=True,
                              text=True, timeout=10, check=False)
        return done.stdout

    def start(self, name: str, store: Path) -> None:
        """kvtui over ``store`` in a new 100×30 terminal."""
        env = {"KVTUI_DATA": str(self.folder / "data"), "TERM": "xterm-256color",
               "HOME": str(self.folder), "LANG": "C.UTF-8", "PATH": os.environ.get("PATH", "")}
        command = " ".join([
            "exec env", *(f"{key}={shlex.quote(value)}" for key, value in env.items()),
            shlex.quote(sys.executable), "-m", "kvtui", "--db", shlex.quote(str(store)),
        ])
        self.tmux("new-session", "-d", "-s", name, "-x", "100", "-y", "30", command)

    def screen(self, name: str, *, styled: bool = False) -> str:
        """What the terminal shows; ``styled``: with its colours (where the focus is)."""
        return self.tmux("capture-pane", "-p", *(["-e"] if styled else []), "-t", name)

    def wait_for(self, name: str, text: str, timeout: float = TIMEOUT) -> str:
        """Wait until the terminal shows ``text``; what it shows."""
        end = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < end:
            shown = self.screen(name)
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not shown; the terminal shows:\n{shown}")

    def settle(self, name: str, quiet: float = 0.5, timeout: float = TIMEOUT) -> None:
        """Wait until the terminal has shown the same for ``quiet`` seconds: drawn and ready
        for keys."""
        end = time.monotonic() + timeout
        shown, since = self.screen(name), time.monotonic()
        while time.monotonic() < end:
            time.sleep(0.1)
            now = self.screen(name)
            if now != shown:
                shown, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return

    def keys(self, name: str, *keys: str, literal: bool = False) -> None:
        """Press keys (tmux key names), or type ``keys`` as text with ``literal``."""
        self.tmux("send-keys", "-t", name, *(["-l"] if literal else []), *keys)

    def pid(self, name: str) -> int:
        """The process running in the terminal (kvtui itself: the command is exec'd)."""
        return int(self.tmux("list-panes", "-t", name, "-F", "#{pane_pid}").split()[0])


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """A tmux server of the test's own, ended afterwards."""
    made = Terminal(tmp_path)
    try:
        yield made
    finally:
        made.tmux("kill-server")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """An empty store in a folder whose name needs quoting."""
    path = tmp_path / "mapp med #?% å" / "kvtui.db"
    path.parent.mkdir()
    open_store(path).close()
    return path


def _gone(pid: int, timeout: float = 8.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _draft_written(store_path: Path) -> None:
    """Wait until the store holds a draft of the whole text typed, read as another program
    would."""
    uri = f"file:{quote(str(store_path))}?mode=ro"

    def written() -> bool:
        connection = sqlite3.connect(uri, uri=True)
        try:
            return any(TYPED in fields for (fields,) in
                       connection.execute("SELECT fields_json FROM draft"))
        finally:
            connection.close()

    wait_until(written, what="a draft written while typing")


def _type_in_new_review(terminal: Terminal, name: str) -> None:
    terminal.wait_for(name, "Granskningar")
    terminal.settle(name)
    terminal.keys(name, "n")
    terminal.wait_for(name, "Ny granskning")
    terminal.settle(name)
    # To the title, once the focus is seen there: text sent with the Tab at once is sometimes
    # not typed there.
    before = terminal.screen(name, styled=True)
    terminal.keys(name, "Tab")
    wait_until(lambda: terminal.screen(name, styled=True) != before, what="the focus moved")
    terminal.settle(name)
    terminal.keys(name, TYPED, literal=True)
    terminal.wait_for(name, TYPED)


def _comes_back(terminal: Terminal, store_path: Path) -> None:
    with open_store(store_path, backup=False) as store, store.session() as session:
        drafts = list_drafts(session)
    assert [draft.title for draft in drafts] == ["Ny granskning"]
    assert drafts[0].fields["title"] == TYPED
    terminal.start("again", store_path)
    shown = terminal.wait_for("again", "Osparad text")
    assert "Ny granskning" in shown
    terminal.keys("again", "n")
    terminal.wait_for("again", TYPED)
    terminal.wait_for("again", "återställd")


def _kill_and_restart(terminal: Terminal, store_path: Path,
                      kill: Callable[[int], None], *, wait: bool) -> None:
    terminal.start("first", store_path)
    _type_in_new_review(terminal, "first")
    if wait:
        # Written while she types, a moment after the text is on the screen.
        _draft_written(store_path)
    pid = terminal.pid("first")
    kill(pid)
    assert _gone(pid), "kvtui did not end"
    _comes_back(terminal, store_path)


def test_text_survives_kill_9(terminal: Terminal, store_path: Path) -> None:
    # kill -9 leaves no moment to save: the draft is what was written while typing.
    _kill_and_restart(terminal, store_path, lambda pid: os.kill(pid, signal.SIGKILL), wait=True)


def test_text_survives_a_closed_terminal(terminal: Terminal, store_path: Path) -> None:
    # Closing the terminal sends SIGHUP at once after typing; kvtui keeps the draft then.
    _kill_and_restart(terminal, store_path,
                      lambda _pid: terminal.tmux("kill-session", "-t", "first"), wait=False)


def test_text_survives_sigterm(terminal: Terminal, store_path: Path) -> None:
    _kill_and_restart(terminal, store_path, lambda pid: os.kill(pid, signal.SIGTERM), wait=False)
