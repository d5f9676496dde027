"""Errors the query modules raise; ``str()`` is a plain Swedish message for the user."""

from __future__ import annotations


class NotFound(LookupError):
    """A record the user named does not exist, or the short id fits more than one."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "Hittades inte."


class InvalidInput(ValueError):
    """Input that would leave the store inconsistent; nothing has been written."""


ARCHIVE_SUPPORT_MISSING = (
    "Arkivet kräver stödet för PostgreSQL (paketet psycopg), som inte är installerat. "
    "Installera det med: pip install 'kvtui[arkiv]'.")


def archive_support_missing() -> str | None:
    """Why the archive cannot be used here (its optional package is not installed), or None.
    Asked before anything of the archive is imported, which would fail without it."""
    try:
        import psycopg  # noqa: F401  (the arkiv extra)
    except ImportError:
        return ARCHIVE_SUPPORT_MISSING
    return None
