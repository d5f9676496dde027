"""Why a file could not be read or written, in Swedish.

The operating system explains a failed file operation in its own language (``strerror``),
which on the laptops kvtui runs on is English more often than not. The reasons a user can act
on are few; each gets its Swedish phrase, and anything else is named by its error number.
"""

from __future__ import annotations

import errno

NO_ROOM = "det finns inte plats på disken"

_REASONS: dict[int, str] = {
    errno.ENOENT: "filen eller mappen finns inte",
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.EEXIST: "det finns redan en fil med det namnet",
    errno.EISDIR: "det är en mapp, inte en fil",
    errno.ENOTDIR: "en del av sökvägen är inte en mapp",
    errno.ENOSPC: NO_ROOM,
    errno.EDQUOT: "din diskkvot är full",
    errno.EROFS: "disken är skrivskyddad",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.EBUSY: "filen används av ett annat program",
    errno.EIO: "disken kunde inte läsas eller skrivas (in- och utmatningsfel)",
    errno.EMFILE: "för många filer är öppna",
    errno.EFBIG: "filen blir för stor",
    errno.EINVAL: "namnet eller åtgärden är ogiltig",
}


def file_error_reason(error: OSError) -> str:
    """A Swedish phrase for why ``error`` happened, e.g. "behörighet saknas"."""
    if error.errno in _REASONS:
        return _REASONS[error.errno]
    if error.errno is not None:
        return f"felkod {error.errno}"
    return "okänt fel"


# SQLite's primary result codes a user can meet when a store or a backup is read or written.
_DATABASE_REASONS: dict[str, str] = {
    "SQLITE_FULL": NO_ROOM,
    "SQLITE_IOERR": "disken kunde inte läsas eller skrivas (in- och utmatningsfel)",
    "SQLITE_BUSY": "databasen används av ett annat program",
    "SQLITE_LOCKED": "databasen används av ett annat program",
    "SQLITE_CORRUPT": "databasen är skadad",
    "SQLITE_NOTADB": "filen är ingen databas",
    "SQLITE_CANTOPEN": "filen kan inte öppnas",
    "SQLITE_READONLY": "filen eller mappen är skrivskyddad",
    "SQLITE_PERM": "behörighet saknas",
    "SQLITE_AUTH": "behörighet saknas",
    "SQLITE_TOOBIG": "en uppgift är för stor",
    "SQLITE_NOMEM": "minnet räcker inte",
}


def database_error_reason(error_name: str | None) -> str:
    """A Swedish phrase for an SQLite error, from its name (``sqlite3.Error.sqlite_errorname``,
    e.g. "SQLITE_IOERR_WRITE", whose primary code is the part before a second underscore)."""
    if not error_name:
        return "databasfel"
    primary = "_".join(error_name.split("_")[:2])
    return _DATABASE_REASONS.get(primary, f"databasfel ({error_name})")
