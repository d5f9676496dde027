"""Hundreds of malformed and hostile case-file lists through kvtui's two ways in.

Every file is imported by ``kvtui import-akter`` in a process of its own, against a real store,
and read in another process as the app's import dialog reads it (``preview_file``), and both are
judged by ``tests/cli/import_fuzz.py`` (the same code as the suite's short run in
``tests/cli/test_import_fuzz.py``): no traceback and no "Ett oväntat fel inträffade", exit
code 0 or 1, a refusal that names the file and leaves the store unchanged, no character on
the terminal that could act on it, and no small file that keeps kvtui busy. The files are the
named attacks of ``tests/hostile_files.py`` (bad checksum, broken XML, external entities,
billion laughs, shared string out of range, zip bombs, rows past Excel's grid, hundreds of
empty sheets, control characters, foreign encodings ...), the largest files within each limit,
and seeded random damage to valid workbooks and CSV files up to ``--files``.

It prints how many files were refused and imported, the faults (goal: **0**), the time and peak
memory of the import dialog's reading, the peak memory of the heaviest import and its ratio to
importing a valid 12-row list (the baseline, measured in the same run), and the time per file.

    python bench/fuzz_import.py [--files 300] [--seed 1] [--workers 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cli.import_fuzz import PREVIEW, SLOW_SECONDS, FuzzRun, Outcome  # noqa: E402
from tests.hostile_files import (  # noqa: E402
    good_csv,
    good_xlsx,
    hostile_files,
    large_files,
    mutations,
)


def all_files(total: int, seed: int) -> Iterator[tuple[str, bytes]]:
    """The named attacks, the largest files, then random damage until ``total`` files."""
    count = 0
    for name, data in chain(hostile_files(), large_files()):
        count += 1
        yield name, data
    yield from mutations(seed, max(0, total - count))


def run_worker(run: FuzzRun, files: Iterator[tuple[str, bytes]], lock: threading.Lock,
               outcomes: list[Outcome]) -> None:
    """Import files taken from the shared iterator into this worker's own store."""
    while True:
        with lock:
            try:
                name, data = next(files)
            except StopIteration:
                return
        for outcome in (run.run(name, data), run.preview(name, data)):
            with lock:
                outcomes.append(outcome)
                if outcome.faults:
                    print(outcome.describe(), flush=True)
                if len(outcomes) % 50 == 0:
                    print(f"  {len(outcomes) // 2} filer …", file=sys.stderr, flush=True)
        del data


def baseline(folder: Path) -> Outcome:
    """A valid 12-row list, imported the same way: the memory and time of a normal import."""
    run = FuzzRun(folder / "baslinje", slow_seconds=SLOW_SECONDS)
    outcomes = [run.run("akter.csv", good_csv()), run.run("akter.xlsx", good_xlsx())]
    return max(outcomes, key=lambda outcome: outcome.peak_kb)


def report(everything: list[Outcome], normal: Outcome, seconds: float) -> int:
    """Print the summary; the exit status is 1 when any file had a fault."""
    faulty = [outcome for outcome in everything if outcome.faults]
    outcomes = [outcome for outcome in everything if outcome.way != PREVIEW]
    previews = [outcome for outcome in everything if outcome.way == PREVIEW]
    xlsx = sum(outcome.name.endswith(".xlsx") for outcome in outcomes)
    accepted = sum(outcome.accepted for outcome in outcomes)
    tracebacks = sum("traceback" in outcome.faults for outcome in everything)
    heaviest = max(outcomes, key=lambda outcome: outcome.peak_kb)
    slowest = max(outcomes, key=lambda outcome: outcome.seconds)
    times = [outcome.seconds for outcome in outcomes]
    print(f"Filer: {len(outcomes)} ({xlsx} .xlsx, {len(outcomes) - xlsx} .csv); "
          f"{len(outcomes) - accepted} vägrade, {accepted} importerade")
    print(f"Fel: {len(faulty)} (tracebacks: {tracebacks}), varav i importdialogen "
          f"{sum(outcome.way == PREVIEW for outcome in faulty)}")
    slowest_preview = max(previews, key=lambda outcome: outcome.seconds)
    heaviest_preview = max(previews, key=lambda outcome: outcome.peak_kb)
    print(f"Importdialogen: median {statistics.median(o.seconds for o in previews):.2f} s, "
          f"längst {slowest_preview.seconds:.1f} s ({slowest_preview.name}); största minne "
          f"{heaviest_preview.peak_kb / 1024:.0f} MB ({heaviest_preview.name})")
    ratio = heaviest.peak_kb / normal.peak_kb
    print(f"Största minne: {heaviest.peak_kb / 1024:.0f} MB ({heaviest.name}); en giltig lista "
          f"med 12 akter: {normal.peak_kb / 1024:.0f} MB; kvot {ratio:.1f}")
    print(f"Tid per fil: median {statistics.median(times):.2f} s, längst {slowest.seconds:.1f} s "
          f"({slowest.name}); en giltig lista: {normal.seconds:.2f} s; totalt {seconds:.0f} s")
    heavy = sorted(outcomes, key=lambda outcome: outcome.peak_kb, reverse=True)[:8]
    print("Tyngst:")
    for outcome in heavy:
        verdict = "importerad" if outcome.accepted else outcome.output.strip().splitlines()[0]
        print(f"  {outcome.peak_kb / 1024:5.0f} MB {outcome.seconds:5.1f} s  {outcome.name}: "
              f"{verdict[:110]}")
    return 1 if faulty else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the stores in this folder")
    arguments = parser.parse_args()
    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="kvtui-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    normal = baseline(folder)
    files = all_files(arguments.files, arguments.seed)
    lock = threading.Lock()
    outcomes: list[Outcome] = []
    runs = [FuzzRun(folder / f"arbetare-{number}", slow_seconds=SLOW_SECONDS)
            for number in range(arguments.workers)]
    began = time.perf_counter()
    threads = [threading.Thread(target=run_worker,
                                args=(run, files, lock, outcomes))
               for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return report(outcomes, normal, time.perf_counter() - began)


if __name__ == "__main__":
    sys.exit(main())
