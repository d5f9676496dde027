"""One writer per store file, whatever name the file is reached by.

SQLite locks a database per file, but names its ``-wal`` and ``-shm`` files after the name it
was opened by: two programs writing one file through two names (a hard link, or a second path
to the same file) each keep a log of their own, and the file is corrupted. So kvtui takes two
locks before it writes:

- the *name* lock, ``kvtui.db.lock`` beside the store (``filelock``), which also covers the
  moments when no store file exists yet or it is being set aside or restored;
- the *file* lock, a lock on one byte of the store file itself, so two names of one file share
  it. The byte lies in SQLite's lock-byte page (at 1 GiB, a page SQLite never reads or writes),
  after the 512 bytes SQLite locks there itself, so it stops nothing SQLite does. On Linux it is
  an open-file-description lock (``F_OFD_SETLK``): unlike a plain POSIX lock it is not dropped
  when SQLite closes another descriptor of the same file in this process. On Windows it is a
  byte-range lock (``msvcrt.locking``), held per handle; hard links share the lock there too.

Where neither exists (macOS, the BSDs: their ``flock`` would conflict with SQLite's own locks,
and a POSIX lock would be dropped by SQLite's closing of a descriptor) kvtui keeps the name lock
only: there, two names of one file are not told apart, and each gets a writer of its own.
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
from pathlib import Path

from filelock import FileLock, Timeout

from kvtui.file_modes import PRIVATE_FILE
from kvtui.paths import lock_path

# SQLite's PENDING_BYTE is 0x40000000; it locks that byte, the next, and 510 shared bytes.
FILE_LOCK_OFFSET = 0x40000000 + 512


class LockHeld(Exception):
    """Another process (or another opening in this one) holds the lock."""


class FileLockUnsupported(Exception):
    """This system has no lock kvtui can take on the store file itself."""


class _ByteLock:
    """An exclusive lock on ``FILE_LOCK_OFFSET`` of a file, held through its own descriptor."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            _lock_byte(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            _unlock_byte(fd)
        os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_byte(fd: int) -> None:
        os.lseek(fd, FILE_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise LockHeld from None

    def _unlock_byte(fd: int) -> None:
        os.lseek(fd, FILE_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    _OFD_SETLK = getattr(fcntl, "F_OFD_SETLK", None)

    def _flock_struct(kind: int) -> bytes:
        # struct flock: l_type, l_whence, l_start, l_len, l_pid (0 for OFD locks), padding.
        return struct.pack("hhqqi4x", kind, os.SEEK_SET, FILE_LOCK_OFFSET, 1, 0)

    def _lock_byte(fd: int) -> None:
        if _OFD_SETLK is None:  # pragma: no cover - macOS and the BSDs
            raise FileLockUnsupported
        try:
            fcntl.fcntl(fd, _OFD_SETLK, _flock_struct(fcntl.F_WRLCK))
        except OSError:
            raise LockHeld from None

    def _unlock_byte(fd: int) -> None:
        if _OFD_SETLK is not None:
            fcntl.fcntl(fd, _OFD_SETLK, _flock_struct(fcntl.F_UNLCK))


class WriteLock:
    """The name lock and, once the store file exists, the file lock; released together."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self._name = FileLock(lock_path(store), timeout=0, mode=PRIVATE_FILE, thread_local=False)
        self._file: _ByteLock | None = None

    def acquire_name(self) -> None:
        """Take the name lock; ``LockHeld`` if another copy of kvtui has it."""
        try:
            self._name.acquire()
        except Timeout:
            raise LockHeld from None

    def acquire_file(self) -> None:
        """Take the lock on the store file itself (which must exist); ``LockHeld`` if taken."""
        byte_lock = _ByteLock(self.store)
        try:
            byte_lock.acquire()
        except FileLockUnsupported:
            return
        self._file = byte_lock

    def release_file(self) -> None:
        """Give up the file lock, e.g. before the file is renamed (Windows refuses otherwise)."""
        if self._file is not None:
            self._file.release()
            self._file = None

    def release(self) -> None:
        """Give up both locks."""
        self.release_file()
        self._name.release()
