"""Start-up bench: kvtui from process start to the Granskningar list, against a bare app.

Both programs run as real processes in a pseudo-terminal (80×24, TERM=xterm-256color), timed
from the fork until the demo review's title is on screen, then quit with Ctrl+Q:

* kvtui: ``python -m kvtui --db STORE`` on a store where ``kvtui demo --no-open`` has created
  the demo review beforehand;
* baseline: a bare Textual app (written by this script into a temporary file) that imports
  SQLModel, runs one query on a one-table SQLite file and shows the rows in a DataTable.

Runs alternate after one warm-up each; the script prints median and p90 for each, the ratio
of the medians (goal: at most 1.2) and the ten largest cumulative imports of kvtui's start
(``python -X importtime``). POSIX only.

    python bench/startup.py [--runs 10] [--keep DIR] [--encrypted]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _pty import PtyRun, run_until  # bench/ is on sys.path when this runs as a script

TITLE = "Kvalitetsgranskning av familjevården 2026"
#: What is searched for on screen: kvtui may cut the title to fit its column.
NEEDLE = "Kvalitetsgranskning av"
GOAL = 1.2
SIZE = (80, 24)

BASELINE_APP = '''\
"""Baseline for bench/startup.py: a bare Textual app that shows one SQLModel query's rows."""

import sys

from sqlalchemy import URL
from sqlmodel import Field, Session, SQLModel, create_engine, select
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str
    unit: str


class Baseline(App[None]):
    def __init__(self, url: URL) -> None:
        super().__init__()
        self.engine = create_engine(url)

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Titel", "Enhet")
        with Session(self.engine) as session:
            for review in session.exec(select(Review)):
                table.add_row(review.title, review.unit)


if __name__ == "__main__":
    command, path = sys.argv[1], sys.argv[2]
    url = URL.create("sqlite", database=path)
    if command == "create":
        engine = create_engine(url)
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            session.add(Review(title=sys.argv[3], unit="Familjehemsenheten"))
            session.commit()
    else:
        Baseline(url).run()
'''

_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


@dataclass
class Subject:
    """One program under test."""

    name: str
    argv: list[str]
    times: list[float]


#: Set by ``--encrypted``: the passphrase of the encrypted store, as a script gives it.
EXTRA_ENV: dict[str, str] = {}
PASSPHRASE = "benchmark-lösenfras"


def child_env() -> dict[str, str]:
    """The environment of the measured programs: a plain xterm, nothing that changes them."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEXTUAL", "KVTUI", "PYTHON")) and k not in ("COLUMNS", "LINES")}
    env.update(EXTRA_ENV)
    env["TERM"] = "xterm-256color"
    env.pop("NO_COLOR", None)
    return env


def prepare(folder: Path) -> tuple[Subject, Subject, Path]:
    """Create the kvtui store with the demo review and the baseline's app and database."""
    python = sys.executable
    store = folder / "kvtui" / "kvtui.db"
    done = subprocess.run(
        [python, "-m", "kvtui", "demo", "--no-open", "--db", str(store)],
        capture_output=True, text=True, env=child_env(), check=False,
    )
    if done.returncode != 0:
        sys.exit(f"kvtui demo failed:\n{done.stdout}{done.stderr}")
    if EXTRA_ENV:
        done = subprocess.run([python, "-m", "kvtui", "encrypt", "--db", str(store)],
                              capture_output=True, text=True, env=child_env(), check=False)
        if done.returncode != 0:
            sys.exit(f"kvtui encrypt failed:\n{done.stdout}{done.stderr}")
    script = folder / "baseline_app.py"
    script.write_text(BASELINE_APP, encoding="utf-8")
    database = folder / "baseline" / "baseline.db"
    database.parent.mkdir()
    subprocess.run([python, str(script), "create", str(database), TITLE],
                   check=True, env=child_env())
    kvtui = Subject("kvtui", [python, "-m", "kvtui", "--db", str(store)], [])
    baseline = Subject("baseline", [python, str(script), "run", str(database)], [])
    return kvtui, baseline, store


def measure(subject: Subject, *, extra: list[str] | None = None) -> PtyRun:
    """One timed run; stops the bench with the screen's text if the title never shows."""
    argv = subject.argv[:1] + (extra or []) + subject.argv[1:]
    run = run_until(argv, NEEDLE, env=child_env(), size=SIZE)
    if run.seconds is None:
        sys.exit(f"{subject.name}: the title never appeared (exit {run.exit_status}).\n"
                 f"Screen text:\n{run.plain[-3000:]}")
    if run.killed or run.exit_status != 0:
        print(f"  note: {subject.name} did not quit cleanly on Ctrl+Q "
              f"(exit {run.exit_status}, killed={run.killed})", file=sys.stderr)
    return run


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-int(fraction * len(ordered) * 1000) // 1000)))
    return ordered[rank - 1]


def rendered_title(run: PtyRun) -> str:
    """The title as the program drew it (it may be cut to fit a column)."""
    match = re.search(re.escape(NEEDLE) + r"[^│┃|\n]*?(?=  |[│┃|\n]|$)", run.plain)
    return match.group(0).rstrip() if match else ""


def import_times(subject: Subject) -> list[tuple[int, int, int, str]]:
    """(cumulative µs, self µs, depth, module) for every import of one run."""
    run = measure(subject, extra=["-X", "importtime"])
    found = []
    for match in _IMPORT_LINE.finditer(run.plain):
        self_us, cumulative_us, indent, name = match.groups()
        found.append((int(cumulative_us), int(self_us), len(indent) // 2, name))
    return found


def extra_imports(
    ours: list[tuple[int, int, int, str]], theirs: list[tuple[int, int, int, str]]
) -> list[tuple[str, int, int]]:
    """(package, self µs, modules) of what ``ours`` imports beyond ``theirs``, largest first."""
    known = {name for *_rest, name in theirs}
    totals: dict[str, list[int]] = {}
    for _cumulative, own, _depth, name in ours:
        if name not in known:
            entry = totals.setdefault(name.split(".")[0], [0, 0])
            entry[0] += own
            entry[1] += 1
    return sorted(((p, own, n) for p, (own, n) in totals.items()), key=lambda t: -t[1])


def main() -> int:
    """Prepare, warm up, alternate the runs, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each (default 10)")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="work in DIR and keep it (default: a temporary folder)")
    parser.add_argument("--encrypted", action="store_true",
                        help="kvtui's store encrypted (kvtui encrypt); the passphrase is given "
                             "as KVTUI_PASSPHRASE, and the key derivation is timed apart")
    args = parser.parse_args()
    if args.encrypted:
        EXTRA_ENV["KVTUI_PASSPHRASE"] = PASSPHRASE
        from kvtui.store.cipher import derived_key

        started = time.perf_counter()
        derived_key(PASSPHRASE, os.urandom(16))
        print(f"key derivation (PBKDF2-HMAC-SHA512, 256,000 rounds) in this process: "
              f"{time.perf_counter() - started:.3f} s")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return bench(args.keep, args.runs)
    with tempfile.TemporaryDirectory(prefix="kvtui-startup-") as folder:
        return bench(Path(folder), args.runs)


def bench(folder: Path, runs: int) -> int:
    """The measurement proper, in ``folder``."""
    kvtui, baseline, store = prepare(folder)
    subjects = (kvtui, baseline)
    shown = {s.name: rendered_title(measure(s)) for s in subjects}  # warm-up, not counted
    for number in range(runs):
        for subject in subjects if number % 2 == 0 else subjects[::-1]:
            subject.times.append(measure(subject).seconds or 0.0)
    imports = {s.name: import_times(s) for s in subjects}
    leftover = store.with_name(store.name + ".open").exists()

    print(f"Python {sys.version.split()[0]}, {SIZE[0]}x{SIZE[1]} pty, TERM=xterm-256color, "
          f"{runs} alternating runs each after 1 warm-up")
    print(f"detected on screen: {NEEDLE!r}")
    for subject in subjects:
        times = subject.times
        print(f"{subject.name:9} median {statistics.median(times):.3f} s   "
              f"p90 {percentile(times, 0.9):.3f} s   min {min(times):.3f} s   "
              f"max {max(times):.3f} s   drew {shown[subject.name]!r}")
    ratio = statistics.median(kvtui.times) / statistics.median(baseline.times)
    verdict = "meets" if ratio <= GOAL else "misses"
    print(f"ratio of medians kvtui/baseline: {ratio:.2f}x ({verdict} the goal of <= {GOAL}x)")
    if leftover:
        print("warning: kvtui left its running marker behind (it did not quit cleanly)")

    for subject in subjects:
        total = sum(cum for cum, _self, depth, _name in imports[subject.name] if depth == 0)
        print(f"import time, {subject.name}: {total / 1000:.0f} ms in "
              f"{len(imports[subject.name])} modules")
    # kvtui loads SQLAlchemy and its models in a worker after the first frame; whether they
    # show here depends on how far that worker got before Ctrl+Q.
    print("kvtui's start, ten largest cumulative imports (python -X importtime; until Ctrl+Q, "
          "so possibly some of the ORM loaded after the first frame):")
    print(f"  {'cumulative':>10}  {'self':>7}  module")
    for cumulative, own, depth, name in sorted(imports["kvtui"], reverse=True)[:10]:
        print(f"  {cumulative / 1000:8.0f} ms  {own / 1000:4.0f} ms  {'  ' * depth}{name}")
    print("imported by kvtui but not by the baseline, self time by top-level package:")
    for package, own, count in extra_imports(imports["kvtui"], imports["baseline"])[:10]:
        print(f"  {own / 1000:8.0f} ms  {package} ({count} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
