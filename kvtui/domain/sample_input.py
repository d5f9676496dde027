"""Reading what the auditor types for a sample: a size, a share, a wanted precision, and the
attribute planner's rates in percent.

The draw dialog and the command line read the same things, the Swedish way ("0,3", "30 %")
as well as the English ("0.3"); the rules live here so that both read them alike. Each
reader raises ValueError with a Swedish message; whether the number fits the population is
``kvtui.domain.sampling``'s question.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

SIZE_HELP = "Ange ett antal akter (t.ex. 13) eller en andel (t.ex. 30 % eller 0,3)."
FRACTION_HELP = "Ange en andel, t.ex. 0,3 eller 30 %."


def read_decimal(text: str) -> Decimal | None:
    """A finite decimal with a comma or a point, spaces allowed; None for anything else."""
    try:
        value = Decimal(text.strip().replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_fraction(text: str) -> float:
    """A share of the population: "0,3", "0.3" or "30 %"."""
    cleaned = text.strip()
    percent = cleaned.endswith("%")
    value = read_decimal(cleaned[:-1] if percent else cleaned)
    if value is None:
        raise ValueError(f"'{cleaned}' är ingen andel. {FRACTION_HELP}")
    return float(value / 100) if percent else float(value)


def parse_size(text: str) -> tuple[int | None, float | None]:
    """(size, fraction) from what was typed: "13" is a number of akter, "30 %" and "0,3" a
    fraction of the population."""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError(f"Ange urvalets storlek. {SIZE_HELP}")
    if cleaned.isdigit():
        return int(cleaned), None
    try:
        return None, parse_fraction(cleaned)
    except ValueError:
        if cleaned.endswith("%"):
            raise ValueError(f"'{cleaned}' är ingen andel. {SIZE_HELP}") from None
        raise ValueError(
            f"'{cleaned}' är varken ett antal eller en andel. {SIZE_HELP}"
        ) from None


def parse_points(text: str) -> float | None:
    """A wanted precision in percentage points ("15", "±7,5"); None when nothing was typed."""
    cleaned = text.strip().lstrip("±").removesuffix("%").strip()
    if not cleaned:
        return None
    value = read_decimal(cleaned)
    if value is None:
        raise ValueError(f"'{text.strip()}' är inget tal. Skriv till exempel 10 för ±10 "
                         "procentenheter.")
    return float(value)


RATE_HELP = "Skriv en procentsats, t.ex. 5, 5 % eller 2,5."


def parse_percent(text: str, what: str) -> Fraction:
    """A rate typed in percent ("5", "5 %", "2,5", "0.5 %") as the exact share it names:
    "2,5" is 1/40, so that no binary rounding reaches the attribute planner. ``what`` names
    the field in the message ("Tolerabel avvikelse")."""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError(f"{what} saknas. {RATE_HELP}")
    value = read_decimal(cleaned.removesuffix("%"))
    if value is None:
        raise ValueError(f"{what}: '{cleaned}' är ingen procentsats. {RATE_HELP}")
    return Fraction(value) / 100
