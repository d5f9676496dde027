"""The statistics the auditor waits for, timed against a baseline in the same run.

The assurance statements: for a review of 3,000 akter with a 30 % sample stratified in five
strata (the largest sample the design names, 900 akter) and 19 criteria, every criterion's
statement over the whole sample and in each stratum (19 × 6 exact bounds and their Swedish
sentences, ``kvtui.domain.assurance.appendix_statements``), as the results view, ``kvtui
results --statements`` and the report's appendix make them. Goal: **≤ 16 ms** for all of them,
one frame of the app. The baseline is the two-sided exact intervals of the same criteria and
strata (``statistics.criterion_result``), which every results read already computes; the ratio
says what the statements add to that.

Each side runs ``--runs`` times after one warm-up; it prints the medians and the ratio, and
exits with 1 when the goal is missed.

    python bench/statistics.py [--runs 15]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on the path, and this file would stand in
# for the standard library's statistics module (kvtui.domain.comparison imports it).
HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from kvtui.domain.assurance import appendix_statements  # noqa: E402
from kvtui.domain.comparison import ShareSample, compare_shares  # noqa: E402
from kvtui.domain.deviation import Deviation  # noqa: E402
from kvtui.domain.results import CriterionRow  # noqa: E402
from kvtui.domain.statistics import (  # noqa: E402
    CriterionCounts,
    criterion_result,
    stratified_results,
)

POPULATION = 3000
STRATA = 5
CRITERIA = 19
FRACTION = 0.3
GOAL_SECONDS = 0.016


def median_seconds(work: Callable[[], object], runs: int) -> float:
    """The median wall-clock time of ``work`` over ``runs`` runs, after one warm-up."""
    work()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def review_counts(seed: int = 2026) -> list[dict[str, CriterionCounts]]:
    """Invented answers: per criterion and stratum, up to a fifth Nej and a tenth each Delvis
    and Ej aktuellt, as a spread of real reviews has them."""
    rng = random.Random(seed)
    sampled = round(POPULATION // STRATA * FRACTION)
    criteria = []
    for _ in range(CRITERIA):
        per: dict[str, CriterionCounts] = {}
        for stratum in range(STRATA):
            nej = rng.randint(0, sampled // 5)
            delvis = rng.randint(0, sampled // 10)
            ej = rng.randint(0, sampled // 10)
            per[f"stratum {stratum + 1}"] = CriterionCounts(sampled - nej - delvis - ej, delvis,
                                                            nej, ej)
        criteria.append(per)
    return criteria


def results(criteria: list[dict[str, CriterionCounts]]) -> tuple[CriterionRow, ...]:
    """The criteria's rows as ``store.results`` builds them: overall and per stratum."""
    sizes = {name: POPULATION // STRATA for name in criteria[0]}
    rows = []
    for index, per in enumerate(criteria):
        total = CriterionCounts(*(sum(getattr(c, field) for c in per.values())
                                  for field in ("ja", "delvis", "nej", "ej_aktuellt")))
        rows.append(CriterionRow(
            f"F{index + 1}", "Fråga", None, criterion_result(total, POPULATION), 0,
            stratified_results(per, sizes),
            Deviation.NO_OR_PARTLY if index % 4 == 0 else Deviation.NO))
    return tuple(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    arguments = parser.parse_args()
    criteria = review_counts()
    rows = results(criteria)
    said = appendix_statements(rows, "Placeringsform")
    assert len(said) == CRITERIA and all(s.strata for s in said)
    assert compare_shares(ShareSample(1, 2, 3), ShareSample(1, 2, 3)).low < 0  # stdlib's own
    assurance = median_seconds(lambda: appendix_statements(rows, "Placeringsform"),
                               arguments.runs)
    baseline = median_seconds(lambda: results(criteria), arguments.runs)
    met = assurance <= GOAL_SECONDS
    print(f"Säkerhetsuttalanden, {CRITERIA} kriterier × ({STRATA} strata + hela urvalet), "
          f"{round(POPULATION * FRACTION)} av {POPULATION} akter: kvtui {assurance * 1000:.1f} ms, "
          f"baslinje (intervallen) {baseline * 1000:.1f} ms, kvot {assurance / baseline:.2f} "
          f"(mål ≤ {GOAL_SECONDS * 1000:g} ms){'' if met else '  MISSAT'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
