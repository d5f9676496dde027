"""Every file and folder kvtui makes is readable by the user alone, from its first byte.

The store holds children's case files under secrecy law, and so do its ``-wal`` and ``-shm``
files, its backups, the exports and any temporary file. Changing a file's mode after it was
made leaves a moment in which others can open it, and SQLite gives ``-wal`` and ``-shm`` the
mode their store had when they were made; so kvtui sets the process's umask before it makes
anything, and never sets it back. Where files are made with an explicit mode it is 0600 as
well (``PRIVATE_FILE``). Windows has no such modes; there the user's profile folders keep
files private.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_UMASK = 0o077


def create_private_file(path: Path, *, exist_ok: bool = False) -> None:
    """Create ``path`` empty and private, before anything else (SQLite) writes to it.

    Raises ``FileExistsError`` when it exists, unless ``exist_ok``.
    """
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    try:
        os.close(os.open(path, flags | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        if not exist_ok:
            raise


def keep_files_private() -> None:
    """Make every file and folder this process creates from now on private to the user."""
    os.umask(_UMASK)
