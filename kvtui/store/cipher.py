"""An encrypted store (SQLCipher 4): telling one apart, opening it with the passphrase, and
converting a store to an encrypted one and back.

A store file that does not begin with SQLite's header and is a whole number of 4 KiB pages is
taken as encrypted: SQLCipher writes a random salt where the header would be and encrypts every
page, so nothing else tells it apart, and a file kvtui did not make rarely has that shape. Such
a file is opened only with its passphrase, never inspected as a damaged store and never set
aside: a wrong passphrase looks to SQLite exactly like a damaged first page.

The passphrase is given once per process (``set_passphrase``, or ``KVTUI_PASSPHRASE`` for
scripts). Its key is derived once per salt, as SQLCipher 4 derives it (PBKDF2-HMAC-SHA512,
256,000 iterations), and every connection is keyed with the raw key: the derivation is the
slow part of opening, and kvtui opens several connections to a store and its backups (which
share its salt, being copied page by page). The ``sqlcipher3`` module is loaded only here, when
an encrypted file is opened.

Every connection to an encrypted file is wrapped so that it raises ``sqlite3``'s own
exceptions: the rest of the store, and SQLAlchemy's SQLite dialect, know no others.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kvtui.file_modes import create_private_file

SQLITE_HEADER = b"SQLite format 3\x00"
PAGE_SIZE = 4096
SALT_BYTES = 16
KDF_ITERATIONS = 256_000
PASSPHRASE_VARIABLE = "KVTUI_PASSPHRASE"
MISSING_MODULE = ("Databasen är krypterad, och kvtui saknar stödet för kryptering (paketet "
                  "sqlcipher3). Installera det med: pip install 'kvtui[kryptering]'.")

_passphrase: str | None = None
_keys: dict[tuple[str, bytes], bytes] = {}
_keys_lock = threading.Lock()


class PassphraseError(RuntimeError):
    """The store is encrypted and cannot be opened with what was given; ``str()`` is Swedish.
    Nothing has been read or written."""


class PassphraseNeeded(PassphraseError):
    """No passphrase was given for an encrypted store."""


class WrongPassphrase(PassphraseError):
    """The passphrase does not open the store."""


def set_passphrase(passphrase: str | None) -> None:
    """The passphrase of the store this process works with (None forgets it)."""
    global _passphrase
    _passphrase = passphrase


def passphrase() -> str | None:
    """The passphrase given, or the one in ``KVTUI_PASSPHRASE``; None when there is none."""
    return _passphrase if _passphrase is not None else os.environ.get(PASSPHRASE_VARIABLE)


def looks_encrypted(path: Path | str) -> bool:
    """Whether the file at ``path`` is shaped as an encrypted store (see the module). Only a
    regular file is opened: opening a named pipe would wait for a writer."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
            size = os.fstat(handle.fileno()).st_size
    except OSError:
        return False
    return (size >= PAGE_SIZE and size % PAGE_SIZE == 0 and header != SQLITE_HEADER
            and header != bytes(len(header)))


def _module() -> Any:
    try:
        from sqlcipher3 import dbapi2  # type: ignore[import-untyped]  # encrypted store only
    except ImportError:
        raise PassphraseError(MISSING_MODULE) from None
    return dbapi2


def _salt(path: Path | str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(SALT_BYTES)


def derived_key(secret: str, salt: bytes) -> bytes:
    """The key SQLCipher 4 derives from ``secret`` for a file with ``salt``; derived once."""
    with _keys_lock:
        key = _keys.get((secret, salt))
        if key is None:
            key = hashlib.pbkdf2_hmac("sha512", secret.encode("utf-8"), salt, KDF_ITERATIONS,
                                      32)
            _keys[secret, salt] = key
    return key


def _keyed(raw: Any, key: bytes, salt: bytes) -> None:
    # Before anything else: a wrong key would otherwise be logged to stderr, into the screen.
    raw.execute("PRAGMA cipher_log_level = NONE")
    raw.execute(f"PRAGMA key = \"x'{key.hex()}{salt.hex()}'\"")


def connect(path: Path | str, uri: str, *, timeout: float,
            secret: str | None = None) -> sqlite3.Connection:
    """A connection to the encrypted file at ``path`` (opened through ``uri``), keyed and
    checked: ``WrongPassphrase`` when the key does not read its first page."""
    secret = secret if secret is not None else passphrase()
    if not secret:
        raise PassphraseNeeded(f"Databasen {path} är krypterad. Ange lösenfrasen (eller sätt "
                               f"{PASSPHRASE_VARIABLE}).")
    dbapi2 = _module()
    salt = _salt(path)
    key = derived_key(secret, salt)
    raw = dbapi2.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
    try:
        _keyed(raw, key, salt)
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi2.DatabaseError as error:
        raw.close()
        if getattr(error, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise WrongPassphrase(f"Lösenfrasen öppnar inte databasen {path}. Databasen har "
                                  "inte ändrats; försök igen.") from None
        raise _translated(error, dbapi2) from None
    return CipherConnection(raw, dbapi2, key, salt)  # type: ignore[return-value]


def connect_new(path: Path | str, uri: str, *, key: bytes, salt: bytes,
                timeout: float) -> sqlite3.Connection:
    """A connection that makes the new, empty file at ``path`` an encrypted one with ``key``
    and ``salt`` (a backup of an encrypted store: the same key opens both)."""
    dbapi2 = _module()
    raw = dbapi2.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
    try:
        _keyed(raw, key, salt)
    except dbapi2.Error as error:
        raw.close()
        raise _translated(error, dbapi2) from None
    return CipherConnection(raw, dbapi2, key, salt)  # type: ignore[return-value]


def cipher_of(connection: object) -> tuple[bytes, bytes] | None:
    """The key and salt of a connection to an encrypted file, None for a plain one."""
    if isinstance(connection, CipherConnection):
        return connection.key, connection.salt
    return None


def _translated(error: Exception, dbapi2: Any) -> sqlite3.Error:
    """SQLCipher's exception as the ``sqlite3`` exception of the same name and codes."""
    kind = getattr(sqlite3, type(error).__name__, sqlite3.Error)
    if not (isinstance(kind, type) and issubclass(kind, sqlite3.Error)):
        kind = sqlite3.DatabaseError
    translated = kind(*error.args)
    for name in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(error, name):
            setattr(translated, name, getattr(error, name))
    return translated


class _Wrapped:
    """Calls on a SQLCipher object that raise ``sqlite3``'s exceptions."""

    def __init__(self, inner: Any, dbapi2: Any) -> None:
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_dbapi2", dbapi2)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if callable(value):
            return self._call(value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "row_factory" and value is sqlite3.Row:
            value = self._dbapi2.Row
        setattr(self._inner, name, value)

    def _call(self, function: Callable[..., Any]) -> Callable[..., Any]:
        dbapi2 = self._dbapi2

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                result = function(*args, **kwargs)
            except dbapi2.Error as error:
                raise _translated(error, dbapi2) from None
            if isinstance(result, dbapi2.Cursor):
                return CipherCursor(result, dbapi2)
            return result

        return call


class CipherCursor(_Wrapped):
    """A cursor of an encrypted store."""

    def __iter__(self) -> Any:
        try:
            yield from self._inner
        except self._dbapi2.Error as error:
            raise _translated(error, self._dbapi2) from None


class CipherConnection(_Wrapped):
    """A connection to an encrypted store, with its key and salt for the backups made from
    it."""

    def __init__(self, inner: Any, dbapi2: Any, key: bytes, salt: bytes) -> None:
        super().__init__(inner, dbapi2)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "salt", salt)

    def backup(self, target: Any, **kwargs: Any) -> None:
        """The backup API between two encrypted connections (both SQLCipher's)."""
        inner = target._inner if isinstance(target, CipherConnection) else target
        try:
            self._inner.backup(inner, **kwargs)
        except self._dbapi2.Error as error:
            raise _translated(error, self._dbapi2) from None

    def __enter__(self) -> CipherConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)


# --- converting a store ------------------------------------------------------------------------


def _table_counts(connection: Any) -> dict[str, int]:
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        " ORDER BY name")]
    return {name: connection.execute(
        f'SELECT count(*) FROM "{name.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
        for name in names}


def _checked(connection: Any, expected: dict[str, int], path: Path) -> None:
    if connection.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
        raise PassphraseError(f"Den nya filen {path} klarade inte kontrollen; databasen är "
                              "oförändrad.")
    if _table_counts(connection) != expected:
        raise PassphraseError(f"Den nya filen {path} har inte samma rader som databasen; "
                              "databasen är oförändrad.")


def overwrite_and_remove(path: Path) -> None:
    """Overwrite the file's bytes with zeros, flush them to disk, then remove it: an unlinked
    file's blocks would otherwise still hold the plain text until reused."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with open(path, "r+b") as handle:
        chunk = bytes(1 << 20)
        left = size
        while left > 0:
            written = handle.write(chunk[:min(left, len(chunk))])
            left -= written
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


def _replace_verified(path: Path, new: Path) -> None:
    """Put the verified ``new`` file in place of the store at ``path`` and overwrite the old
    one (and its -wal and -shm). The old file is moved aside first, so that a stop at any
    moment leaves the store under one of the two names, whole."""
    old = path.with_name(path.name + ".gammal")
    os.replace(path, old)
    os.replace(new, path)
    for stale in (old, Path(f"{old}-wal"), Path(f"{old}-shm"), Path(f"{path}-wal"),
                  Path(f"{path}-shm")):
        if stale.exists() and stale != path:
            overwrite_and_remove(stale)


def _new_file(path: Path, suffix: str) -> Path:
    new = path.with_name(path.name + suffix)
    with contextlib.suppress(FileNotFoundError):
        new.unlink()
    create_private_file(new)
    return new


@contextmanager
def _removed_on_failure(new: Path) -> Iterator[None]:
    """The new file overwritten and removed when converting into it fails, then the error."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            overwrite_and_remove(new)
        raise


def _export_into(source: Any, new: Path, schema: str, key: str) -> dict[str, int]:
    """Export the whole of ``source`` into the file ``new`` (attached as ``schema`` with
    ``key``; "" for plain SQLite), then close ``source``; its tables' row counts."""
    try:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        expected = _table_counts(source)
        version = source.execute("PRAGMA user_version").fetchone()[0]
        source.execute(f"ATTACH DATABASE ? AS {schema} KEY ?", (str(new), key))
        source.execute(f"SELECT sqlcipher_export('{schema}')")
        source.execute(f"PRAGMA {schema}.user_version = {int(version)}")
        source.execute(f"DETACH DATABASE {schema}")
    finally:
        source.close()
    return expected


def _check_closed(check: Any, expected: dict[str, int], new: Path) -> None:
    try:
        _checked(check, expected, new)
    finally:
        check.close()


def encrypt_file(path: Path, secret: str, salt: bytes | None = None) -> None:
    """Make the plain SQLite file at ``path`` an encrypted one with ``secret``: exported into
    a new file, which is opened with ``secret`` and checked (integrity, every table's rows)
    before the old file is overwritten and removed. ``salt`` (random when not given) lets a
    store and its backups share one key. The caller holds the store's write lock."""
    dbapi2 = _module()
    salt = salt or os.urandom(SALT_BYTES)
    raw_key = f"x'{derived_key(secret, salt).hex()}{salt.hex()}'"
    new = _new_file(path, ".krypterad")
    with _removed_on_failure(new):
        expected = _export_into(dbapi2.connect(str(path)), new, "encrypted", raw_key)
        _check_closed(connect(new, str(new), timeout=5.0, secret=secret), expected, new)
    _replace_verified(path, new)


def salt_of(path: Path) -> bytes:
    """The salt of the encrypted file at ``path``."""
    return _salt(path)


def decrypt_file(path: Path, secret: str) -> None:
    """Make the encrypted file at ``path`` a plain SQLite file again, checked as
    ``encrypt_file`` checks; ``WrongPassphrase`` (nothing changed) when ``secret`` does not
    open it."""
    source = connect(path, str(path), timeout=5.0, secret=secret)
    new = _new_file(path, ".okrypterad")
    with _removed_on_failure(new):
        expected = _export_into(source, new, "plaintext", "")
        _check_closed(sqlite3.connect(new), expected, new)
    _replace_verified(path, new)
