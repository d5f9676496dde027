"""Crash bench: kill a process that saves answers, many times over, and count what was lost.

Runs the kill cycle of ``tests/store/crash_writer.py`` (the same code as the test
``tests/store/test_crash.py``) ``--kills`` times against one store and prints what was
acknowledged, what was lost (must be 0), how the checks went (must be 0 failures) and how long
the store takes to reopen after a kill, against reopening it after a clean stop: once as it
is, and once after a change, so that the clean open also makes the start backup that every
restart after a kill makes (the writer changed the store since its newest backup).

    python bench/crash.py [--kills 200] [--seed S] [--early-every 10] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "store"))

from crash_writer import CrashRun, CycleResult  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of ``values`` (0 < fraction <= 1)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def clean_open(store: Path, *, changed: bool = False) -> float:
    """Seconds that ``open_store`` takes on the store after a clean stop: the baseline.

    ``changed``: the store first differs from its newest backup (a change made outside kvtui,
    to a number no part of kvtui reads), so the open makes its start backup.
    """
    from kvtui.store.database import open_store

    if changed:
        with closing(sqlite3.connect(store)) as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            connection.execute(f"PRAGMA user_version = {version + 1}")
    began = time.perf_counter()
    opened = open_store(store)
    seconds = time.perf_counter() - began
    opened.close()
    return seconds


def run(kills: int, seed: int, early_every: int, folder: Path) -> int:
    """Run the kill cycles in ``folder``; print the summary; return the exit status."""
    store = folder / "kvtui.db"
    crash = CrashRun(store, seed=seed)
    results: list[CycleResult] = []
    clean: list[float] = []
    clean_backed_up: list[float] = []
    began = time.perf_counter()
    for number in range(1, kills + 1):
        early = bool(early_every) and number % early_every == 0
        result = crash.cycle(early=early, check_lock=number == 1)
        results.append(result)
        clean.append(clean_open(store))  # same store, same size, right after the restart
        clean_backed_up.append(clean_open(store, changed=True))
        if not result.ok:
            print(result.describe(), flush=True)
        if number % 20 == 0 or number == kills:
            elapsed = time.perf_counter() - began
            print(f"  {number}/{kills} kills, {elapsed:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - began

    restarts = [r.restart_seconds for r in results]
    checks = [r.check_seconds for r in results]
    lost = sum(len(r.lost) for r in results)
    unexpected = sum(len(r.unexpected) for r in results)
    failures = sum(1 for r in results if r.problems)
    during_open = sum(1 for r in results if r.killed_during_open)
    acknowledged = sum(r.acknowledged for r in results)
    partial = results[-1].partial_backups if results else 0
    size = store.stat().st_size

    print(f"store:                          {store}")
    print(f"seed:                           {seed}")
    print(f"kills:                          {len(results)}"
          f" ({during_open} while the writer was opening the store)")
    print(f"acknowledged answers, total:    {acknowledged}")
    print(f"answers in the store at end:    {len(crash.model)}")
    print(f"lost acknowledged answers:      {lost}")
    print(f"answers never written:          {unexpected}")
    print(f"integrity/check failures:       {failures}")
    print(f"leftover partial backups (.tmp): {partial}")
    print(f"store size at end:              {size / 1024:.0f} KiB")
    print(f"time per kill cycle:            {elapsed / max(1, len(results)):.2f} s"
          f" (total {elapsed:.0f} s)")
    print(f"restart (open_store after kill): p50 {percentile(restarts, 0.5) * 1000:.0f} ms,"
          f" p99 {percentile(restarts, 0.99) * 1000:.0f} ms,"
          f" max {max(restarts) * 1000:.0f} ms")
    print(f"open_store after a clean stop:  p50 {statistics.median(clean) * 1000:.0f} ms,"
          f" p99 {percentile(clean, 0.99) * 1000:.0f} ms (baseline, measured after each restart)")
    backed_up = statistics.median(clean_backed_up)
    print(f"open_store after stop + change: p50 {backed_up * 1000:.0f} ms,"
          f" p99 {percentile(clean_backed_up, 0.99) * 1000:.0f} ms (makes its start backup,"
          " as a restart after a kill does)")
    ratio = statistics.median(restarts) / statistics.median(clean)
    print(f"restart / clean open, medians:  {ratio:.2f}x")
    ratio = statistics.median(restarts) / backed_up
    print(f"restart / open after a change:  {ratio:.2f}x (what the kill itself costs)")
    print(f"check_store after kill:         p50 {statistics.median(checks) * 1000:.0f} ms,"
          f" p99 {percentile(checks, 0.99) * 1000:.0f} ms")
    ok = lost == 0 and unexpected == 0 and failures == 0
    print("result:                         " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


def main() -> int:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200, help="kill cycles (default 200)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument("--early-every", type=int, default=10, metavar="N",
                        help="every Nth kill lands while the store opens (0: never; default 10)")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="run in DIR and keep the store (default: a temporary folder)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args.kills, seed, args.early_every, args.keep)
    with tempfile.TemporaryDirectory(prefix="kvtui-crash-") as folder:
        return run(args.kills, seed, args.early_every, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
