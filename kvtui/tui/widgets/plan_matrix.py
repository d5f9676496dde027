"""The plan's 4 × 4 risk matrix drawn in the terminal: how many risks sit in each cell now,
and how many sat there at their previous assessment, each cell on the colour of the level the
plan's matrix gives it, and its level's mark (○ Grön, ◑ Gul, ● Röd) too, so that colour is never
the only carrier.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text

from kvtui.domain.plan_data import PlanView
from kvtui.domain.risk_matrix import SCALE, level_label

CELL_WIDTH = 7
CELL_STYLES = {"gron": "black on green3", "gul": "black on yellow3", "rod": "white on red3"}
LEVEL_MARKS = {"gron": "○", "gul": "◑", "rod": "●"}
PREVIOUS_NOTE = "(n) = förra bedömningen"


def matrix_counts(plan: PlanView) -> tuple[Counter[tuple[int, int]], Counter[tuple[int, int]]]:
    """How many risks are in each cell now, and how many were there at their previous
    assessment (a risk assessed once is where it was)."""
    now: Counter[tuple[int, int]] = Counter()
    before: Counter[tuple[int, int]] = Counter()
    for placement in plan.placements():
        assert placement.now is not None
        was = placement.before or placement.now
        now[placement.now.probability, placement.now.severity] += 1
        before[was.probability, was.severity] += 1
    return now, before


def _cell(now: int, before: int | None) -> str:
    text = str(now) if now else "·"
    if before is not None and before != now:
        text += f"({before})"
    return text


def matrix_text(plan: PlanView) -> Text:
    """Sannolikhet 4 at the top, allvarlighetsgrad 1 to 4 from the left; a cell shows its
    level's mark and its count now, with the count at the previous assessment in brackets
    where it differs."""
    now, before = matrix_counts(plan)
    moved = now != before
    text = Text()
    text.append("S╲A", style="bold")
    for severity in SCALE:
        text.append(f"{severity:^{CELL_WIDTH}}", style="bold")
    for probability in reversed(SCALE):
        text.append(f"\n {probability} ", style="bold")
        for severity in SCALE:
            level = plan.matrix.cells[probability, severity]
            count = now.get((probability, severity), 0)
            previous = before.get((probability, severity), 0) if moved else None
            body = f"{LEVEL_MARKS.get(level, '?')} {_cell(count, previous)}"
            style = CELL_STYLES.get(level, "")
            if count:
                style += " bold"
            text.append(f" {body:<{CELL_WIDTH - 1}}", style=style)
    text.append("\n" + "  ".join(f"{mark} {level_label(level)}"
                                  for level, mark in LEVEL_MARKS.items()), style="dim")
    text.append("\nS sannolikhet, A allvarlighetsgrad", style="dim")
    if moved:
        text.append(f"\n{PREVIOUS_NOTE}", style="dim")
    return text


def cell_counts(plan: PlanView) -> dict[tuple[int, int], tuple[int, int]]:
    """Each cell's (now, before) counts, for tests and for anyone reading the matrix as data."""
    now, before = matrix_counts(plan)
    return {(p, s): (now.get((p, s), 0), before.get((p, s), 0)) for p in SCALE for s in SCALE}
