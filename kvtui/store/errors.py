"""Errors the query modules raise; ``str()`` is a plain Swedish message for the user."""

from __future__ import annotations


class NotFound(LookupError):
    """A record the user named does not exist, or the short id fits more than one."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "Hittades inte."


class InvalidInput(ValueError):
    """Input that would leave the store inconsistent; nothing has been written."""
