"""Statistics computed while the auditor waits, each against a baseline measured in the same run.

Each measure is a ``Measure`` in the list ``main`` builds: a name, kvtui's work, the
baseline's work and a goal for their ratio, so that another computation is measured by adding
one more entry.

* **Attribute-sampling planner** (``plan_attribute_sample``): the sizes of the six cells the
  design names of the AICPA guide's tables (tolerable 5 % and 10 %, expected 0, 1 and 2 %) at
  95 % and at 90 % for a large population, and the same twelve plans for every population from
  20 to 3,000 akter (hypergeometric), all in exact fractions. The baseline is the same search
  done the plain way: n = 1, 2, … with k = ceil(n × expected) and the tail in binary floating
  point, which is what a spreadsheet does and what gives 423 instead of the guide's 400 for
  5 % / 3.5 % at 90 %. Goal: **≤ 2×**, and no single plan taking more than **50 ms** of CPU
  time, since the dialog plans at every key. The sizes where the floating-point search differs
  are counted and the first of them shown.
* **Assurance statements** (``kvtui.domain.assurance.appendix_statements``): for a review of
  3,000 akter with a 30 % sample stratified in five strata (900 akter) and 19 criteria, every
  criterion's exact upper bound and its Swedish sentence over the whole sample and in each
  stratum (19 × 6 bounds), as the results view, ``kvtui results --statements`` and the report's
  appendix make them. The baseline is the two-sided exact intervals of the same criteria and
  strata, which every read of the results already computes; the ratio says what the statements
  add to that.
* **One frame**: a plan as the draw dialog makes it at a key (5 % / 1 % at 95 % for 3,000
  akter) and all the statements above together. Goal: **≤ 16 ms**, one frame of the app.

It exits with 1 when a goal is missed. The file is not called statistics.py: run as a script,
its folder comes first on the path and it would stand in for the standard library's module.

    python bench/stats.py [--runs 3] [--step 1]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kvtui.domain.assurance import appendix_statements  # noqa: E402
from kvtui.domain.attribute_sampling import plan_attribute_sample  # noqa: E402
from kvtui.domain.deviation import Deviation  # noqa: E402
from kvtui.domain.results import CriterionRow  # noqa: E402
from kvtui.domain.sampling import SamplingError  # noqa: E402
from kvtui.domain.statistics import (  # noqa: E402
    CriterionCounts,
    criterion_result,
    stratified_results,
)

CELLS = [(Fraction(t, 100), Fraction(e, 100), Fraction(c, 100))
         for c in (95, 90) for t in (5, 10) for e in (0, 1, 2)]
SLOWEST_PLAN = 0.05
POPULATION, STRATA, CRITERIA, FRACTION = 3000, 5, 19, 0.3
ONE_FRAME = 0.016


@dataclass(frozen=True)
class Measure:
    """One computation: kvtui's work and the baseline's, each returning what it computed, and
    the goal for the ratio of their times."""

    name: str
    kvtui: Callable[[], object]
    baseline: Callable[[], object]
    goal: float


def median_seconds(work: Callable[[], object], runs: int) -> float:
    """The median wall-clock time of ``work`` over ``runs`` runs, after one warm-up."""
    work()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    times.sort()
    middle = len(times) // 2
    return times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2


# --- the assurance statements ------------------------------------------------------------------


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


# --- the attribute-sampling planner -------------------------------------------------------------


def _populations(step: int) -> list[int | None]:
    return [None, *range(20, 3001, step)]


def planner_sizes(step: int) -> list[int | None]:
    """kvtui: every plan, None where the population is too small for it."""
    sizes: list[int | None] = []
    for population in _populations(step):
        for tolerable, expected, confidence in CELLS:
            try:
                sizes.append(plan_attribute_sample(tolerable, expected, confidence,
                                                   population).size)
            except SamplingError:
                sizes.append(None)
    return sizes


def float_size(tolerable: float, expected: float, confidence: float,
               population: int | None) -> int | None:
    """The plain search: each n in turn, k and the tail in floating point."""
    alpha = 1 - confidence
    cap = 10_000 if population is None else population
    deviating = 0 if population is None else math.ceil(tolerable * population)
    for n in range(1, cap + 1):
        k = math.ceil(n * expected)
        if population is None:
            tail = sum(math.comb(n, i) * tolerable**i * (1 - tolerable) ** (n - i)
                       for i in range(k + 1))
        else:
            tail = sum(math.comb(deviating, i) * math.comb(population - deviating, n - i)
                       for i in range(k + 1)) / math.comb(population, n)
        if tail <= alpha:
            return n
    return None


def float_sizes(step: int) -> list[int | None]:
    """The baseline: the same plans by the plain search."""
    return [float_size(float(t), float(e), float(c), population)
            for population in _populations(step) for t, e, c in CELLS]


def slowest_plan(step: int) -> tuple[float, str]:
    """The longest single plan in CPU seconds (the dialog computes one at every key), and
    which it was. CPU time, since one plan is short enough for a busy machine's scheduler to
    double its wall-clock time."""
    slowest, which = 0.0, ""
    for population in _populations(step):
        for tolerable, expected, confidence in CELLS:
            began = time.process_time()
            with contextlib.suppress(SamplingError):
                plan_attribute_sample(tolerable, expected, confidence, population)
            took = time.process_time() - began
            if took > slowest:
                slowest, which = took, (
                    f"{_percent(tolerable)}/{_percent(expected)} vid {_percent(confidence)}, "
                    f"{_population(population)}")
    return slowest, which


def _population(population: int | None) -> str:
    return "stor population" if population is None else f"{population} akter"


def _percent(share: Fraction) -> str:
    return f"{float(share * 100):g} %"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--step", type=int, default=1,
                        help="every how many populations from 20 to 3,000 are planned")
    arguments = parser.parse_args()
    step = arguments.step
    criteria = review_counts()
    rows = results(criteria)
    assert len(appendix_statements(rows, "Placeringsform")) == CRITERIA
    measures = [
        Measure(f"Attributurval: {len(CELLS)} planer × {len(_populations(step))} populationer",
                lambda: planner_sizes(step), lambda: float_sizes(step), 2.0),
        Measure(f"Säkerhetsuttalanden: {CRITERIA} kriterier × ({STRATA} strata + hela urvalet)",
                lambda: appendix_statements(rows, "Placeringsform"), lambda: results(criteria),
                1.0),
    ]
    missed = 0
    for measure in measures:
        kvtui = median_seconds(measure.kvtui, arguments.runs)
        baseline = median_seconds(measure.baseline, arguments.runs)
        ratio = kvtui / baseline
        missed += ratio > measure.goal
        verdict = "" if ratio <= measure.goal else "  MISSAT"
        print(f"{measure.name}: kvtui {kvtui * 1000:.0f} ms, baslinje {baseline * 1000:.0f} ms, "
              f"kvot {ratio:.2f} (mål ≤ {measure.goal:g}){verdict}")
    exact, rounded = planner_sizes(step), float_sizes(step)
    plans = [(population, cell) for population in _populations(step) for cell in CELLS]
    differing = [(plans[i], a, b) for i, (a, b) in enumerate(zip(exact, rounded, strict=True))
                 if a != b]
    print(f"Storlekar där flyttalssökningen ger en annan storlek: {len(differing)} av "
          f"{len(exact)}")
    for (population, (t, e, c)), ours, theirs in differing[:8]:
        print(f"  {_percent(t)}/{_percent(e)} vid {_percent(c)}, {_population(population)}: "
              f"exakt {ours}, flyttal {theirs}")
    slowest, which = slowest_plan(step)
    missed += slowest > SLOWEST_PLAN
    print(f"Långsammaste planen (CPU-tid): {slowest * 1000:.1f} ms, {which} "
          f"(mål ≤ {SLOWEST_PLAN * 1000:.0f} ms){'' if slowest <= SLOWEST_PLAN else '  MISSAT'}")
    frame = median_seconds(lambda: (
        plan_attribute_sample(Fraction(5, 100), Fraction(1, 100), Fraction(95, 100), POPULATION),
        appendix_statements(rows, "Placeringsform")), max(arguments.runs, 15))
    missed += frame > ONE_FRAME
    print(f"En plan och alla uttalanden: {frame * 1000:.1f} ms (mål ≤ {ONE_FRAME * 1000:g} ms)"
          f"{'' if frame <= ONE_FRAME else '  MISSAT'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
