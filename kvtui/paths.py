"""Every path kvtui uses, decided in one place.

When kvtui runs from a copy of the project folder (the portable way onto a locked-down laptop)
the store lives in ``db/`` and reports go to ``exports/`` beside the package; otherwise in the
user's data folder. ``--db`` and ``KVTUI_DB`` override the store's place.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_DB = "KVTUI_DB"
ENV_DATA = "KVTUI_DATA"
STORE_NAME = "kvtui.db"
SETTINGS_NAME = "kvtui-installningar.json"

_PACKAGE_DIR = Path(__file__).resolve().parent

# Folder names that the sync clients of OneDrive, Dropbox, iCloud, Google Drive and Box use.
_CLOUD_MARKERS = ("onedrive", "dropbox", "icloud", "mobile documents", "google drive",
                  "googledrive", "my drive", "box sync", "nextcloud", "owncloud", "sharepoint")
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "sshfs", "fuse.sshfs", "9p", "afpfs",
               "davfs", "fuse.rclone", "webdav", "fuse.s3fs"}


def project_dir() -> Path | None:
    """The project folder kvtui runs from, or None when it is installed as a package."""
    root = _PACKAGE_DIR.parent
    pyproject = root / "pyproject.toml"
    try:
        if pyproject.is_file() and 'name = "kvtui"' in pyproject.read_text(encoding="utf-8"):
            return root
    except OSError:
        return None
    return None


def data_dir() -> Path:
    """Where the store and its backups live when no path is given, and the crash log always.

    ``KVTUI_DATA`` names another folder: a second copy of the project, or a test, keeps its
    own."""
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(env).expanduser().resolve()
    root = project_dir()
    if root is not None:
        return root / "db"
    from platformdirs import user_data_path

    return user_data_path("kvtui", appauthor=False)


def settings_path() -> Path:
    """The user's own preferences (``kvtui.user_settings``), kept in the data folder."""
    return data_dir() / SETTINGS_NAME


def default_store_path() -> Path:
    """The store kvtui opens by default."""
    return data_dir() / STORE_NAME


def store_path(option: str | os.PathLike[str] | None = None) -> Path:
    """The store to open: the ``--db`` option, else ``KVTUI_DB``, else the default place."""
    if option:
        return Path(option).expanduser().resolve()
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser().resolve()
    return default_store_path()


def backups_dir(store: Path) -> Path:
    """Backups are kept beside the store they copy, so they travel with it."""
    return store.parent / f"{store.stem}-backups"


def lock_path(store: Path) -> Path:
    """The lock file that lets one copy of kvtui write to a store at a time."""
    return store.with_name(store.name + ".lock")


def running_marker(store: Path) -> Path:
    """Exists while a copy of kvtui has the store open; left behind by an unclean stop."""
    return store.with_name(store.name + ".open")


def templates_dir(store: Path) -> Path:
    """The user's own templates, kept beside the store."""
    return store.parent / "templates"


def exports_dir(store: Path | None = None) -> Path:
    """Where reports are written when no path is given."""
    root = project_dir()
    if root is not None:
        return root / "exports"
    from platformdirs import user_documents_path

    return user_documents_path() / "kvtui"


def _mount_fs_type(path: Path, mounts_text: str) -> str | None:
    """The file-system type of the longest mount point that contains ``path``."""
    best: tuple[str, str | None] = ("", None)
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        if (str(path) == mount or str(path).startswith(mount.rstrip("/") + "/")) and len(
            mount
        ) > len(best[0]):
            best = (mount, parts[2])
    return best[1]


def storage_warning(store: Path, mounts_text: str | None = None) -> str | None:
    """A plain Swedish warning when the store sits where SQLite files get damaged, else None."""
    text = str(store).lower()
    for marker in _CLOUD_MARKERS:
        if marker in text:
            return (
                "Varning: databasen ligger i en molnsynkad mapp "
                f"({store.parent}). Synkning kan förstöra databasfiler. "
                "Flytta den till en lokal mapp, till exempel med --db."
            )
    if str(store).startswith(("\\\\", "//")):
        return (
            f"Varning: databasen ligger på en nätverksenhet ({store.parent}). "
            "SQLite fungerar inte säkert där. Flytta den till en lokal mapp."
        )
    if mounts_text is None and sys.platform.startswith("linux"):
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8")
        except OSError:
            mounts_text = ""
    fs_type = _mount_fs_type(store.resolve(), mounts_text or "")
    if fs_type in _NETWORK_FS:
        return (
            f"Varning: databasen ligger på en nätverksenhet ({fs_type}). "
            "SQLite fungerar inte säkert där. Flytta den till en lokal mapp."
        )
    return None
