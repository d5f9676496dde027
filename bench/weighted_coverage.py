"""How often the weighted headline's interval holds the population's true share.

Not a timed test and not part of the suite: a simulation of the interval's coverage, against
the plain exact interval computed as if the stratified sample were a simple random one (the
baseline, what kvtui printed before it weighted by stratum). Populations of akter in strata
with different shares Ja (and some Ej aktuellt) are made up; each is sampled many times with
proportional allocation, some drawn akter left unanswered, and both intervals checked against
the population's share among applicable akter.

    python bench/weighted_coverage.py [--trials 2000] [--seed 1]

Prints per scenario: coverage of the weighted Korn–Graubard interval and of the plain
interval, and the ratio of their mean widths (weighted / plain). Goal: weighted coverage at
least 0.95 minus simulation noise (about 0.01 at 2000 trials) in every scenario, including
those where the plain interval falls short because its share is biased.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass

from kvtui.domain.statistics import CriterionCounts, criterion_result, weighted_headline

ANSWERS = ("ja", "nej", "ej")


@dataclass(frozen=True)
class Scenario:
    name: str
    sizes: dict[str, int]
    ja: dict[str, float]  # share Ja among applicable, per stratum
    not_applicable: dict[str, float]
    fraction: float  # drawn per stratum
    answered: dict[str, float]  # share of the drawn akter answered, per stratum


SCENARIOS = (
    Scenario("demo-like, all answered", {"familjehem": 30, "jourhem": 8, "nätverkshem": 6},
             {"familjehem": 0.8, "jourhem": 0.5, "nätverkshem": 0.9},
             {"familjehem": 0.0, "jourhem": 0.2, "nätverkshem": 0.0}, 0.3,
             {"familjehem": 1.0, "jourhem": 1.0, "nätverkshem": 1.0}),
    Scenario("large stratum half answered", {"stor": 200, "liten": 40},
             {"stor": 0.9, "liten": 0.4}, {"stor": 0.1, "liten": 0.1}, 0.15,
             {"stor": 0.5, "liten": 1.0}),
    Scenario("three strata, Ej aktuellt differs", {"A": 120, "B": 60, "C": 20},
             {"A": 0.7, "B": 0.95, "C": 0.3}, {"A": 0.0, "B": 0.4, "C": 0.1}, 0.2,
             {"A": 0.8, "B": 1.0, "C": 0.6}),
)


def _population(s: Scenario, rng: random.Random) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, size in s.sizes.items():
        akter = []
        for _ in range(size):
            if rng.random() < s.not_applicable[name]:
                akter.append("ej")
            else:
                akter.append("ja" if rng.random() < s.ja[name] else "nej")
        out[name] = akter
    return out


def _counts(values: list[str]) -> CriterionCounts:
    return CriterionCounts(ja=values.count("ja"), nej=values.count("nej"),
                           ej_aktuellt=values.count("ej"))


def run(s: Scenario, trials: int, rng: random.Random) -> tuple[float, float, float, float]:
    weighted_hits = plain_hits = 0
    weighted_width = plain_width = 0.0
    done = 0
    for _ in range(trials):
        population = _population(s, rng)
        applicable = sum(v != "ej" for akter in population.values() for v in akter)
        if not applicable:
            continue
        truth = sum(v == "ja" for akter in population.values() for v in akter) / applicable
        counts: dict[str, CriterionCounts] = {}
        for name, akter in population.items():
            drawn = rng.sample(akter, max(1, round(len(akter) * s.fraction)))
            answered = drawn[:round(len(drawn) * s.answered[name])]
            counts[name] = _counts(answered)
        headline = weighted_headline(counts, s.sizes)
        total = CriterionCounts(*(sum(getattr(c, f) for c in counts.values())
                                  for f in ("ja", "delvis", "nej", "ej_aktuellt")))
        plain = criterion_result(total, sum(s.sizes.values()))
        if headline.low is None or plain.low is None or headline.high is None \
                or plain.high is None:
            continue
        done += 1
        weighted_hits += headline.low - 1e-12 <= truth <= headline.high + 1e-12
        plain_hits += plain.low - 1e-12 <= truth <= plain.high + 1e-12
        weighted_width += headline.high - headline.low
        plain_width += plain.high - plain.low
    return (weighted_hits / done, plain_hits / done, weighted_width / done, plain_width / done)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for scenario in SCENARIOS:
        weighted, plain, w_width, p_width = run(scenario, args.trials, rng)
        print(f"{scenario.name}: coverage weighted {weighted:.3f}, plain {plain:.3f}; "
              f"mean width weighted {w_width:.3f}, plain {p_width:.3f}, ratio "
              f"{w_width / p_width:.2f}")


if __name__ == "__main__":
    main()
