"""``kvtui encrypt`` and ``decrypt``: a whole store, with its backups, made encrypted or plain.

The store's write lock is held throughout, so no copy of kvtui writes meanwhile. The store is
checked in full first: a damaged store is not converted. Each file is converted into a new one
that is verified before the old one is overwritten and removed (``kvtui.store.cipher``). The
backups are converted too, with the store's salt, so that one key opens the store and every
backup (a plain copy of an encrypted store's content would defeat the encryption).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from kvtui.domain.file_errors import file_error_reason
from kvtui.store import cipher
from kvtui.store.backup import list_backups
from kvtui.store.database import StoreError, StoreLocked, file_problem
from kvtui.store.write_lock import LockHeld, WriteLock


def _locked(path: Path, convert: Callable[[], int]) -> int:
    if not path.is_file():
        raise StoreError(f"Databasen {path} finns inte.")
    lock = WriteLock(path)
    try:
        lock.acquire_name()
        lock.acquire_file()
    except LockHeld:
        lock.release()
        raise StoreLocked(f"Databasen {path} används av ett annat kvtui-fönster. Stäng det "
                          "först.") from None
    try:
        problem = file_problem(path, full=True)
        if problem is not None:
            raise StoreError(f"Databasen {path} kan inte konverteras: {problem}. Den har inte "
                             "ändrats.")
        lock.release_file()  # the file itself is replaced
        return convert()
    except (OSError, sqlite3.Error) as error:
        reason = file_error_reason(error) if isinstance(error, OSError) else str(error)
        raise StoreError(f"Databasen {path} kunde inte konverteras ({reason}). Den har inte "
                         "ändrats.") from None
    finally:
        lock.release()


def encrypt_store(path: Path, secret: str) -> int:
    """Encrypt the plain store at ``path`` and its backups with ``secret``; how many backups
    were encrypted. From here on this process opens it with ``secret``."""
    if cipher.looks_encrypted(path):
        raise StoreError(f"Databasen {path} är redan krypterad.")
    if not secret:
        raise StoreError("Lösenfrasen får inte vara tom.")

    def convert() -> int:
        cipher.encrypt_file(path, secret)
        salt = cipher.salt_of(path)
        plain = [info.path for info in list_backups(path)
                 if not cipher.looks_encrypted(info.path)]
        for backup in plain:
            cipher.encrypt_file(backup, secret, salt)
        cipher.set_passphrase(secret)
        return len(plain)

    return _locked(path, convert)


def decrypt_store(path: Path, secret: str) -> int:
    """Make the encrypted store at ``path`` and its backups plain again; how many backups were
    made plain. ``WrongPassphrase`` (nothing changed) when ``secret`` does not open it."""
    if not cipher.looks_encrypted(path):
        raise StoreError(f"Databasen {path} är inte krypterad.")
    cipher.set_passphrase(secret)

    def convert() -> int:
        cipher.decrypt_file(path, secret)
        encrypted = [info.path for info in list_backups(path)
                     if cipher.looks_encrypted(info.path)]
        for backup in encrypted:
            cipher.decrypt_file(backup, secret)
        cipher.set_passphrase(None)
        return len(encrypted)

    return _locked(path, convert)
