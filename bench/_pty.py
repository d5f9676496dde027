"""Run a terminal program in a pseudo-terminal and time it until given text is on the screen.

POSIX only (``pty``). The child gets the pty as its controlling terminal, a fixed window size
and the environment given; the parent drains its output continuously (so the program never
blocks on a full pty), strips escape sequences and looks for the text.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from dataclasses import dataclass

# CSI (incl. private modes and DECRQM), OSC (ended by BEL or ST), DCS/APC/PM/SOS strings
# (ended by ST), and two-byte escapes. Then stray C0 controls other than newline.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b[ -/]*[0-~]"
)
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def plain_text(text: str) -> str:
    """``text`` with terminal escape sequences and control characters removed."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


@dataclass
class PtyRun:
    """One run: when the text appeared (None if it never did) and how the program ended."""

    seconds: float | None
    output: str
    exit_status: int | None
    killed: bool

    @property
    def plain(self) -> str:
        """Everything the program wrote, without escape sequences."""
        return plain_text(self.output)


def _set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def run_until(
    argv: list[str],
    needle: str,
    *,
    env: dict[str, str],
    size: tuple[int, int] = (80, 24),
    timeout: float = 60.0,
    quit_keys: bytes = b"\x11",
    quit_timeout: float = 15.0,
) -> PtyRun:
    """Start ``argv`` in a pty and return once ``needle`` is on screen and the program has quit.

    The clock starts just before the fork. When the text shows (or after ``timeout``),
    ``quit_keys`` are typed (Ctrl+Q by default) so the program ends normally; if it has not
    ended after ``quit_timeout`` its process group is killed.
    """
    columns, rows = size
    began = time.perf_counter()
    pid, master = pty.fork()
    if pid == 0:  # the child: fds 0-2 are the pty, which is its controlling terminal
        try:
            _set_size(0, columns, rows)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    chunks: list[str] = []
    found: float | None = None
    quit_sent_at: float | None = None
    status: int | None = None
    killed = False
    try:
        while True:
            now = time.perf_counter()
            if found is None and quit_sent_at is None and now - began > timeout:
                os.write(master, quit_keys)
                quit_sent_at = now
            if quit_sent_at is not None and now - quit_sent_at > quit_timeout:
                _kill_group(pid)
                killed = True
                break
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the pty (it has exited)
                break
            if not data:
                break
            chunks.append(decoder.decode(data))
            # The whole output each time: a sequence or the text may span two reads.
            if found is None and needle in plain_text("".join(chunks)):
                found = time.perf_counter() - began
                os.write(master, quit_keys)
                quit_sent_at = time.perf_counter()
    finally:
        status = _reap(pid, killed)
        os.close(master)
    return PtyRun(found, "".join(chunks), status, killed)


def _kill_group(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
            return
        except ProcessLookupError:
            return
        except OSError:
            continue


def _reap(pid: int, killed: bool) -> int | None:
    """Wait for the child (killing it if it lingers) and return its exit status."""
    deadline = time.monotonic() + 15.0
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline and not killed:
            _kill_group(pid)
            killed = True
            deadline = time.monotonic() + 15.0
        time.sleep(0.01)
