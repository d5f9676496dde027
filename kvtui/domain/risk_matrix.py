"""The risk matrix of an action plan: sannolikhet × allvarlighetsgrad, each cell a level.

The axes and their words are those of the committees' own follow-up reports: sannolikhet
1 Osannolik, 2 Mindre sannolik, 3 Möjlig, 4 Sannolik; allvarlighetsgrad 1 Mindre, 2 Måttlig,
3 Betydlig, 4 Hög. A cell's product (1–16) is what such reports print in the cell.

Their legends classify the products as Grön 1–3, Gul 4–6 and Röd 9–12, which leaves 8 and 16
unclassified. So the matrix is kept as an explicit level for each of the 16 cells, never as
ranges of products, and a committee's own matrix is accepted only when every cell has a level.

The default fills the two gaps as follows. 16 (Sannolik × Hög) is Röd: it is the worst cell,
and a cell is never milder than a cell with a smaller product. 8 (Sannolik × Måttlig and
Mindre sannolik × Hög) is Röd too: the legend's Gul ends at 6, every product above it that
the legend does classify (9, 12) is Röd, and each cell of 8 has either the highest
probability or the highest severity, a risk a committee would rather see acted on at once
than after further analysis. Reading 8 as Gul would keep the matrix ordered as well, so this
is a choice, said in the README; a committee that reads 8 as Gul sets its own matrix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kvtui.domain.judgement import RATINGS
from kvtui.domain.vocabulary import Rating

SCALE = (1, 2, 3, 4)

PROBABILITY_LABELS: dict[int, str] = {
    1: "Osannolik", 2: "Mindre sannolik", 3: "Möjlig", 4: "Sannolik"}
SEVERITY_LABELS: dict[int, str] = {1: "Mindre", 2: "Måttlig", 3: "Betydlig", 4: "Hög"}

# The levels a cell can have, mildest first.
LEVELS: tuple[Rating, ...] = (Rating.GREEN, Rating.YELLOW, Rating.RED)
LEVEL_RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}

# What each level means, in the words of the reports' legends.
LEVEL_MEANINGS: dict[str, str] = {
    Rating.GREEN: "låg/acceptabel risk, det vill säga normal situation",
    Rating.YELLOW: "signifikant/medium risk, åtgärder vidtas efter djupare analys",
    Rating.RED: "kritisk, oacceptabel risk, åtgärder vidtas omedelbart",
}

Cell = tuple[int, int]  # (sannolikhet, allvarlighetsgrad)
CELLS: tuple[Cell, ...] = tuple((p, s) for p in SCALE for s in SCALE)


class MatrixError(ValueError):
    """A matrix or a grade that cannot be used; the message is Swedish, for the user."""


def level_label(level: str) -> str:
    """Grön, Gul or Röd."""
    return RATINGS.get(level, level)


def cell_label(cell: Cell) -> str:
    """"sannolikhet 2 Mindre sannolik × allvarlighetsgrad 4 Hög"."""
    probability, severity = cell
    return (f"sannolikhet {probability} {PROBABILITY_LABELS[probability]} × "
            f"allvarlighetsgrad {severity} {SEVERITY_LABELS[severity]}")


def grade_problem(value: object, axis: str) -> str | None:
    """Why a grade on ``axis`` ("sannolikhet" or "allvarlighetsgrad") cannot be used, or
    None. A grade is a whole number from 1 to 4."""
    labels = PROBABILITY_LABELS if axis == "sannolikhet" else SEVERITY_LABELS
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        choices = ", ".join(f"{n} {label}" for n, label in labels.items())
        return f"{axis.capitalize()} måste vara 1–4 ({choices}), inte {value!r}."
    return None


def checked_cell(probability: object, severity: object) -> Cell:
    """The cell, or ``MatrixError`` naming what is outside 1–4."""
    problems = [p for p in (grade_problem(probability, "sannolikhet"),
                            grade_problem(severity, "allvarlighetsgrad")) if p]
    if problems:
        raise MatrixError(" ".join(problems))
    return int(probability), int(severity)  # type: ignore[call-overload]  # checked above


@dataclass(frozen=True)
class RiskMatrix:
    """A complete mapping of the 16 cells to levels."""

    cells: Mapping[Cell, Rating]

    def level(self, probability: int, severity: int) -> Rating:
        """The level of a cell; ``MatrixError`` for a grade outside 1–4."""
        return self.cells[checked_cell(probability, severity)]

    def to_json(self) -> str:
        """As the store keeps it: {"PxS": "level"} for all 16 cells."""
        return json.dumps({f"{p}x{s}": str(self.cells[p, s]) for p, s in CELLS},
                          sort_keys=True)

    def to_text(self) -> str:
        """As a committee writes its own matrix in a file (``parse_matrix`` reads it back)."""
        lines = ["# Riskmatris: sannolikhet × allvarlighetsgrad = nivå (Grön, Gul eller Röd).",
                 "# Sannolikhet: " + ", ".join(
                     f"{n} {label}" for n, label in PROBABILITY_LABELS.items()),
                 "# Allvarlighetsgrad: " + ", ".join(
                     f"{n} {label}" for n, label in SEVERITY_LABELS.items())]
        lines += [f"{p} × {s} = {level_label(self.cells[p, s])}" for p, s in CELLS]
        return "\n".join(lines) + "\n"

    def rows(self) -> list[tuple[int, list[tuple[int, Rating]]]]:
        """The matrix as reports print it: sannolikhet 4 at the top, each row's cells with
        their product and level, allvarlighetsgrad 1 to 4."""
        return [(p, [(p * s, self.cells[p, s]) for s in SCALE]) for p in reversed(SCALE)]

    @property
    def is_default(self) -> bool:
        """Whether this is kvtui's default matrix."""
        return dict(self.cells) == dict(DEFAULT_MATRIX.cells)


def _default_level(cell: Cell) -> Rating:
    product = cell[0] * cell[1]
    if product <= 3:
        return Rating.GREEN
    if product <= 6:
        return Rating.YELLOW
    return Rating.RED  # 8, 9, 12 and 16: see the module's docstring for 8 and 16


DEFAULT_MATRIX = RiskMatrix({cell: _default_level(cell) for cell in CELLS})

_LEVEL_WORDS = {"grön": Rating.GREEN, "gron": Rating.GREEN, "gul": Rating.YELLOW,
                "röd": Rating.RED, "rod": Rating.RED}
_LINE = re.compile(r"^\s*(\S+)\s*[x×*]\s*(\S+)\s*[=:]\s*(.*?)\s*$", re.IGNORECASE)


def _grade(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def matrix_of(levels: Mapping[Cell, str]) -> RiskMatrix:
    """A matrix from a level per cell; ``MatrixError`` naming the cells that lack one or have
    a level other than Grön, Gul or Röd."""
    wrong = [cell for cell in levels if cell not in CELLS]
    if wrong:
        raise MatrixError("Rutor utanför matrisen (1–4 × 1–4): " + ", ".join(
            f"{p} × {s}" for p, s in wrong) + ".")
    bad = [(cell, level) for cell, level in levels.items() if level not in LEVELS]
    if bad:
        raise MatrixError("Okänd nivå i " + "; ".join(
            f"{cell_label(cell)}: '{level}'" for cell, level in bad)
            + ". Ange Grön, Gul eller Röd.")
    missing = [cell for cell in CELLS if cell not in levels]
    if missing:
        count = "ruta saknar" if len(missing) == 1 else "rutor saknar"
        raise MatrixError(
            f"Matrisen är ofullständig: {len(missing)} {count} nivå: "
            + "; ".join(cell_label(cell) for cell in missing)
            + ". Varje ruta måste ha nivån Grön, Gul eller Röd.")
    return RiskMatrix({cell: Rating(levels[cell]) for cell in CELLS})


def parse_matrix(text: str) -> RiskMatrix:
    """A committee's matrix from a file: one line per cell, "2 × 4 = Röd" (x or * for ×,
    : for =), lines starting with # ignored. Every cell must have exactly one level."""
    levels: dict[Cell, str] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(stripped)
        if match is None:
            problems.append(f"rad {number}: skriv rutan som \"sannolikhet × "
                            "allvarlighetsgrad = nivå\", till exempel \"2 × 4 = Röd\"")
            continue
        probability, severity = _grade(match[1]), _grade(match[2])
        if probability not in SCALE or severity not in SCALE:
            problems.append(f"rad {number}: sannolikhet och allvarlighetsgrad måste vara 1–4")
            continue
        assert probability is not None and severity is not None
        word = match[3].casefold()
        level = _LEVEL_WORDS.get(word)
        if level is None:
            problems.append(f"rad {number}: okänd nivå '{match[3]}' (ange Grön, Gul eller Röd)")
            continue
        cell = (probability, severity)
        if cell in levels and levels[cell] != level:
            problems.append(f"rad {number}: {cell_label(cell)} har redan en annan nivå")
            continue
        levels[cell] = level
    if problems:
        raise MatrixError("Matrisfilen kan inte läsas: " + "; ".join(problems) + ".")
    return matrix_of(levels)


def matrix_from_json(text: str) -> RiskMatrix:
    """The matrix the store keeps ("" for the default); ``MatrixError`` if it is damaged."""
    if not text:
        return DEFAULT_MATRIX
    try:
        raw = json.loads(text)
    except json.JSONDecodeError:
        raise MatrixError("Den sparade riskmatrisen kan inte läsas.") from None
    if not isinstance(raw, dict):
        raise MatrixError("Den sparade riskmatrisen kan inte läsas.")
    levels: dict[Cell, str] = {}
    for key, level in raw.items():
        parts = str(key).split("x")
        grades = [_grade(part) for part in parts]
        if len(grades) != 2 or None in grades:
            raise MatrixError("Den sparade riskmatrisen kan inte läsas.")
        levels[(grades[0], grades[1])] = str(level)  # type: ignore[index]  # checked above
    return matrix_of(levels)


def changed_cells(old: RiskMatrix, new: RiskMatrix) -> list[tuple[Cell, Rating, Rating]]:
    """The cells whose level differs, with old and new level."""
    return [(cell, old.cells[cell], new.cells[cell]) for cell in CELLS
            if old.cells[cell] != new.cells[cell]]


def worst(levels: Iterable[str]) -> Rating | None:
    """The most serious of some levels, None for none."""
    ranked = sorted(LEVEL_RANK[level] for level in levels if level in LEVEL_RANK)
    return LEVELS[ranked[-1]] if ranked else None
