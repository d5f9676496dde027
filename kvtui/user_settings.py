"""The auditor's own preferences, kept between runs: today the folder a list of akter was last
imported from, where the file picker opens next time.

They live in one small JSON file in kvtui's data folder (``kvtui.paths.settings_path``),
readable by the user alone from its first byte and replaced whole, never half-written. A
preference is a convenience: a file that is missing, unreadable, not JSON, a link, writable by
others or owned by another user is ignored (never a folder someone else chose), and one that
cannot be written is left as it was, without troubling the auditor.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from kvtui.file_modes import PRIVATE_FILE, PRIVATE_FOLDER
from kvtui.paths import settings_path

IMPORT_FOLDER = "import_folder"
ARCHIVE = "archive"
AUDITOR = "auditor"
_MAX_BYTES = 64 * 1024
_OTHERS_MAY_WRITE = 0o022


def _trusted(status: os.stat_result) -> bool:
    """Whether the file is the user's own and no one else could have written it. Windows
    reports neither owner nor modes here; there the user's profile folder keeps it private."""
    if status.st_size > _MAX_BYTES:
        return False
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return status.st_uid == getuid() and not status.st_mode & _OTHERS_MAY_WRITE


def load_settings(path: Path | None = None) -> dict[str, Any]:
    """The preferences as saved, or none when the file cannot be trusted or read."""
    path = path or settings_path()
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return {}
    with os.fdopen(descriptor, "rb") as handle:
        try:
            if not _trusted(os.fstat(handle.fileno())):
                return {}
            data = json.loads(handle.read(_MAX_BYTES).decode("utf-8"))
        except (OSError, ValueError):
            return {}
    return data if isinstance(data, dict) else {}


def save_setting(key: str, value: str, path: Path | None = None) -> bool:
    """Save one preference beside the others; whether it was saved."""
    return save_settings({key: value}, path)


def save_settings(changes: dict[str, str | None], path: Path | None = None) -> bool:
    """Save several preferences at once (``None`` removes one), so that settings that belong
    together are never half changed; whether they were saved."""
    path = path or settings_path()
    settings = load_settings(path)
    for key, value in changes.items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_BINARY", 0))
    try:
        path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        temporary.unlink(missing_ok=True)
        with os.fdopen(os.open(temporary, flags, PRIVATE_FILE), "wb") as handle:
            handle.write(json.dumps(settings, ensure_ascii=False, indent=1).encode("utf-8"))
        os.replace(temporary, path)
    except OSError:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    return True


def last_import_folder(path: Path | None = None) -> Path | None:
    """The folder the last list of akter was imported from, if it is still a folder."""
    value = load_settings(path).get(IMPORT_FOLDER)
    if not isinstance(value, str) or not value or "\x00" in value:
        return None
    folder = Path(value)
    try:
        return folder if folder.is_absolute() and folder.is_dir() else None
    except OSError:
        return None


def remember_import_folder(folder: Path, path: Path | None = None) -> bool:
    """Remember where the last list of akter was imported from; whether it was saved."""
    return save_setting(IMPORT_FOLDER, str(folder.absolute()), path)


def my_auditor_name(path: Path | None = None) -> str:
    """The granskare who works on this laptop, by name ("" before she has said who she is).

    One name for every review: the laptop and its user account are hers; in a review that
    does not list the name she simply has no akter of her own.
    """
    value = load_settings(path).get(AUDITOR)
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())[:200]


def remember_auditor_name(name: str, path: Path | None = None) -> bool:
    """Remember who works on this laptop ("" forgets it); whether it was saved."""
    cleaned = " ".join(name.split())
    return save_settings({AUDITOR: cleaned or None}, path)


def archive_address(path: Path | None = None) -> str:
    """Where the unit's archive is (``kvtui archive connect``), or "" when none is."""
    value = load_settings(path).get(ARCHIVE)
    return value.strip() if isinstance(value, str) else ""


def remember_archive_address(address: str, path: Path | None = None) -> bool:
    """Remember the archive's address (never a password: libpq keeps that); whether it was
    saved."""
    return save_setting(ARCHIVE, address.strip(), path)
