"""How much a list of case files may hold, so that no file can exhaust a laptop's memory.

A unit's population is hundreds or a few thousand akter; the largest districts have tens of
thousands. The limits are ten times that and more, and they keep the worst accepted file (a
million fields) at about 300 MB while it is read, checked and stored. A file past a limit is
refused before it is read in full, with a message that says which limit and what to do.
"""

from __future__ import annotations

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000  # case files in one file, under the header row
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000  # rows × columns
MAX_FIELD_CHARS = 32_767  # as much as an Excel cell holds

SPLIT_ADVICE = "Dela upp listan i flera filer och importera dem efter varandra."


def thousands(number: int) -> str:
    """A whole number as Swedish writes it: 100 000 (a no-break space between groups)."""
    return f"{number:,}".replace(",", "\u00a0")


def megabytes(size: int) -> str:
    """A file size in whole megabytes (MiB), at least 1: "33 MB", "3 072 MB"."""
    return f"{thousands(max(1, round(size / (1024 * 1024))))} MB"


def file_too_large(size: int) -> str:
    """The message for a file over ``MAX_FILE_BYTES``."""
    return (
        f"Filen är {megabytes(size)}; kvtui läser högst {megabytes(MAX_FILE_BYTES)} i en "
        f"lista med akter. {SPLIT_ADVICE}"
    )


def _over_limit(found: int | None, what: str, limit: int) -> str:
    """"100 001 rader", or "fler än 100 000 rader" when reading stopped before counting."""
    if found is None:
        return f"fler än {thousands(limit)} {what}"
    return f"{thousands(found)} {what}"


def too_many_rows(rows: int | None) -> str:
    """The message for more than ``MAX_ROWS`` rows; ``rows`` None when reading stopped early."""
    return (
        f"Filen har {_over_limit(rows, 'rader', MAX_ROWS)} under rubrikraden; kvtui läser högst "
        f"{thousands(MAX_ROWS)} akter ur en fil. {SPLIT_ADVICE}"
    )


def too_many_columns(columns: int) -> str:
    """The message for a header wider than ``MAX_COLUMNS``."""
    return (
        f"Filen har {thousands(columns)} kolumner; kvtui läser högst {MAX_COLUMNS}. Ta bort "
        "kolumner som inte behövs i granskningen och försök igen."
    )


def too_many_cells(cells: int | None) -> str:
    """The message for more than ``MAX_CELLS`` fields; ``cells`` None when not counted."""
    return (
        f"Filen har {_over_limit(cells, 'fält', MAX_CELLS)} (rader × kolumner); kvtui läser "
        f"högst {thousands(MAX_CELLS)}. Ta bort kolumner som inte behövs i granskningen. "
        f"{SPLIT_ADVICE}"
    )


def field_too_long(length: int | None) -> str:
    """The message for a field over ``MAX_FIELD_CHARS``; ``length`` None when not counted."""
    found = f"{thousands(length)} tecken" if length is not None else "fler tecken än så"
    return (
        f"Fältet har {found}; ett fält får ha högst {thousands(MAX_FIELD_CHARS)} tecken (lika "
        "mycket som en cell i Excel). Kontrollera citattecknen i filen."
    )
