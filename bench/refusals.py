"""Hostile input refused soon, and the largest interval computed soon, each against a baseline.

The suite checks what kvtui says about these inputs; how soon it says it is measured here,
where a busy test machine cannot make a correct program fail:

* a workbook of 400 empty sheets in the import dialog (``preview_file``), which looks at the
  first 20 and refuses, against openpyxl opening the same file once and reading those 20
  sheets, the least any reader must do to say so; kvtui also checks the file's parts before
  it opens it (goal: **≤ 3×**);
* a template with a key of 20,000 dotted parts, refused by ``parse_template``, against parsing
  the bundled template familjevard.toml: a hostile file costs no more than a score of real
  ones (goal: **≤ 20×**);
* the exact confidence interval for 270 Ja of 900 drawn from 3,000 akter, the largest sample
  the design names, against its own goal (**≤ 50 ms**), as it is computed while the auditor
  looks at the results.

Each side runs ``--runs`` times after one warm-up; it prints the medians and the ratios, and
exits with 1 when a goal is missed.

    python bench/refusals.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kvtui.domain.casefile_import import ImportFailure  # noqa: E402
from kvtui.domain.statistics import hypergeometric_interval  # noqa: E402
from kvtui.domain.templates import TemplateError, parse_template  # noqa: E402
from kvtui.store.casefiles import preview_file  # noqa: E402
from tests.hostile_files import many_sheets  # noqa: E402

TEMPLATE_HEADER = """\
title = "Testmall"
version = "1.0"
law = "SoL (2001:453)"
references_checked = 2026-11-01
sections = []
criteria = []
"""
LOOKED_AT_SHEETS = 20


def median_seconds(work: Callable[[], object], runs: int) -> float:
    """The median wall-clock time of ``work`` over ``runs`` runs, after one warm-up."""
    work()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def refused(work: Callable[[], object], error: type[Exception]) -> Callable[[], None]:
    """``work``, which must fail with ``error`` (the refusal measured)."""

    def run() -> None:
        try:
            work()
        except error:
            return
        raise SystemExit(f"{work} was not refused")

    return run


def empty_sheets(folder: Path, runs: int) -> tuple[float, float]:
    path = folder / "tomma.xlsx"
    path.write_bytes(many_sheets(400))

    def open_and_read() -> None:
        workbook = load_workbook(path, read_only=True)
        try:
            for sheet in workbook.worksheets[:LOOKED_AT_SHEETS]:
                list(sheet.iter_rows(max_row=5))
        finally:
            workbook.close()

    return (median_seconds(refused(lambda: preview_file(path), ImportFailure), runs),
            median_seconds(open_and_read, runs))


def long_key(runs: int) -> tuple[float, float]:
    hostile = TEMPLATE_HEADER + ".".join(["a"] * 20_000) + " = 1\n"
    bundled = (ROOT / "kvtui" / "templates" / "familjevard.toml").read_text(encoding="utf-8")
    return (median_seconds(refused(lambda: parse_template(hostile, "mall.toml"), TemplateError),
                           runs),
            median_seconds(lambda: parse_template(bundled, "familjevard.toml"), runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()
    missed = 0
    with tempfile.TemporaryDirectory(prefix="kvtui-refusals-") as folder:
        for name, (kvtui, baseline), goal in (
            ("400 tomma blad i importdialogen", empty_sheets(Path(folder), arguments.runs), 3.0),
            ("nyckel med 20 000 delar i en mall", long_key(arguments.runs), 20.0),
        ):
            ratio = kvtui / baseline
            missed += ratio > goal
            print(f"{name}: kvtui {kvtui * 1000:.1f} ms, baslinje {baseline * 1000:.1f} ms, "
                  f"kvot {ratio:.1f} (mål ≤ {goal:g}){'' if ratio <= goal else '  MISSAT'}")
    interval = median_seconds(lambda: hypergeometric_interval(270, 900, 3000), arguments.runs)
    missed += interval > 0.05
    print(f"Konfidensintervall 270 av 900 av 3 000: {interval * 1000:.1f} ms (mål ≤ 50 ms)"
          f"{'' if interval <= 0.05 else '  MISSAT'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
