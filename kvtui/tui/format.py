"""How the UI writes numbers, dates and progress, so every screen writes them the same way.

Presentation only: what counts as progress is decided in ``kvtui.domain.reviews``.
"""

from __future__ import annotations

from datetime import date

from kvtui.domain.personnummer import mask
from kvtui.domain.reviews import progress_share
from kvtui.domain.safe_text import printable

DASH = "–"
_STORE_TIME = "%Y-%m-%d %H:%M"


def percent(share: float) -> str:
    """A share as whole per cent, rounded half up, with the space Swedish writes before %."""
    return f"{int(share * 100 + 0.5)} %"


def progress_text(answered: int, expected: int) -> str:
    """"12/247 (5 %)", or a dash while nothing is expected (no sample drawn yet)."""
    if expected <= 0:
        return DASH
    return f"{answered}/{expected} ({percent(progress_share(answered, expected))})"


def date_text(value: date | None) -> str:
    """A date as the auditor types it (2024-03-05), or a dash."""
    return value.isoformat() if value else DASH


def period_text(start: date | None, end: date | None) -> str:
    """A review period, open at either end."""
    if start and end:
        return f"{start.isoformat()} – {end.isoformat()}"
    if start:
        return f"från {start.isoformat()}"
    if end:
        return f"till {end.isoformat()}"
    return DASH


def shorten(text: str, width: int) -> str:
    """Text cut to ``width`` cells with an ellipsis, for narrow table columns."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)].rstrip() + "…"


def quoting_a_file(message: str) -> str:
    """A message that may quote a file's text, as it is shown: every character that could act
    on the terminal escaped, any personnummer masked (whoever worded the message)."""
    return printable(mask(message), keep_newlines=True)
