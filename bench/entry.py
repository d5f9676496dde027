"""1,000 answers by key through the real app, against a bare Textual app that also commits.

kvtui's side is the real thing: ``make_app`` over a real store (WAL, synchronous FULL), the
review opened, key 3 for Aktgranskning, then j/d/n/e in turn; every key saves one answer with
``save_answer`` (committed before it returns) and redraws the row, moving on to the next
criterion and, after the last one, to the next akt. The baseline is a minimal Textual app with
one DataTable of 19 rows whose j/d/n/e keys commit the answer as one row to a SQLite file of
its own (WAL, synchronous FULL, ``BEGIN IMMEDIATE`` … ``COMMIT`` through the sqlite3 driver),
then write a word into the row under the cursor and move down: Textual's own cost of receiving
a key and changing a cell, plus the durable commit no store can skip.

Both apps run headless at 80×24 under a Pilot. Each key is posted to the app the way the
Pilot's driver does and the next one only after the previous key was handled (a hook on the
handler), so the totals are "as fast as the app can take answers" and include rendering; a
Pilot ``press`` + ``pause`` per key would mostly measure the Pilot's own idle waits. The
latency of an answer is taken on both sides from posting the key until its commit has
returned: for kvtui when ``save_answer`` returns (it commits last, before it returns), for the
baseline on the line after its ``COMMIT``. The two run in pairs, several rounds, alternating
which goes first; the ratio is the median of the pairs'. Goal: ≤ 1.5×.

    python bench/entry.py [--answers 1000] [--sampled 60] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import func, select
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from kvtui.domain.demo import DEMO_FIELDS
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import Store, open_store
from kvtui.store.models import Answer
from kvtui.store.reviews import create_review
from kvtui.store.sampling import draw_sample
from kvtui.store.template_library import load_template
from kvtui.tui import app as app_module
from kvtui.tui.widgets import filereview_akt
from kvtui.tui.widgets.filereview_part import FileReviewPart

KEYS = ("j", "d", "n", "e")
WARM_UP_KEYS = 100
GOAL = 1.5
WORDS = {"j": "Ja", "d": "Delvis", "n": "Nej", "e": "Ej aktuellt"}
PLACEMENTS = ("familjehem", "jourhem", "nätverkshem", "HVB")


def build_store(folder: Path, population: int, sampled: int) -> tuple[Store, str]:
    """A review from the shipped template with ``sampled`` akter drawn and no answers."""
    store = open_store(folder / "entry.db", backup=False)
    template, text = load_template("familjevard", None)
    rows = [
        (f"BoU-{index:05d}", {
            "Placeringsform": PLACEMENTS[index % 4],
            "Lagrum": "LVU" if index % 3 == 0 else "SoL",
            "Placerad från": f"20{20 + index % 5}-{index % 12 + 1:02d}-15",
        })
        for index in range(1, population + 1)
    ]
    with store.session() as session:
        review_id = create_review(session, template, text, DEMO_FIELDS)
        add_case_files(session, review_id, rows)
        draw_sample(session, review_id, size=sampled, seed="1")
    return store, review_id


async def _send(app: App[Any], key: str, done: asyncio.Event) -> None:
    """Post one key as the Pilot's driver does, and wait until its handler has run."""
    done.clear()
    app.post_message(events.Key(key, key))
    await done.wait()


async def run_kvtui(
    store: Store, review_id: str, answers: int
) -> tuple[float, list[float], list[float]]:
    """Total seconds for ``answers`` keys, each key's time from posting to commit, and the
    time spent inside ``save_answer`` (the store's share)."""
    app = app_module.make_app(store, open_review=review_id)
    done = asyncio.Event()
    latencies: list[float] = []
    inside: list[float] = []
    sent = 0.0
    real_save = filereview_akt.save_answer

    def timed_save(*args: Any, **kwargs: Any) -> Any:
        called = time.perf_counter()
        saved = real_save(*args, **kwargs)  # returns after the commit
        committed = time.perf_counter()
        latencies.append(committed - sent)
        inside.append(committed - called)
        return saved

    filereview_akt.save_answer = timed_save  # type: ignore[assignment]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("3")
            await pilot.pause()
            view = app.screen.query_one(FileReviewPart).akt_view
            real_step: Callable[..., bool] = view._save

            def step(*args: Any, **kwargs: Any) -> bool:
                result = real_step(*args, **kwargs)
                done.set()
                return result

            view._save = step  # type: ignore[method-assign]
            start = time.perf_counter()
            for index in range(answers):
                sent = time.perf_counter()
                await _send(app, KEYS[index % len(KEYS)], done)
            await pilot.pause()
            total = time.perf_counter() - start
    finally:
        filereview_akt.save_answer = real_save  # type: ignore[assignment]
    with store.session() as session:
        saved = session.exec(
            select(func.count()).select_from(Answer).where(Answer.review_id == review_id)
        ).one()
    assert saved == answers, f"{saved} answers in the store, expected {answers}"
    assert len(latencies) == answers
    return total, latencies, inside


def durable_connection(path: Path) -> sqlite3.Connection:
    """A sqlite3 connection to a new file with the store's durability (WAL, synchronous FULL)
    and one table of answers, in autocommit mode: transactions are begun and committed by
    hand, as the store does."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("CREATE TABLE answer (akt INTEGER, criterion INTEGER, value TEXT,"
                       " PRIMARY KEY (akt, criterion))")
    return connection


class BareApp(App[None]):
    """The baseline: a DataTable of 19 criteria whose answer keys commit one row to SQLite,
    then change one cell."""

    BINDINGS = [Binding(key, f"answer('{key}')", WORDS[key]) for key in KEYS]

    def __init__(
        self, done: asyncio.Event, latencies: list[float], database: sqlite3.Connection
    ) -> None:
        super().__init__()
        self.done = done
        self.latencies = latencies
        self.database = database
        self.sent = 0.0
        self.answered = 0

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Kod", key="code")
        table.add_column("Svar", key="answer", width=11)
        table.add_column("Fråga", key="question")
        for number in range(1, 20):
            table.add_row(f"F{number}", "–", f"Kriterium nummer {number}", key=str(number))
        table.focus()

    def action_answer(self, key: str) -> None:
        """Commit the answer as one row, write it into the row under the cursor and move to
        the next row (the next akt after the last criterion, as kvtui does)."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        self.database.execute("BEGIN IMMEDIATE")
        self.database.execute("INSERT OR REPLACE INTO answer VALUES (?, ?, ?)",
                              (self.answered // table.row_count, row, WORDS[key]))
        self.database.execute("COMMIT")
        self.latencies.append(time.perf_counter() - self.sent)
        self.answered += 1
        table.update_cell_at((row, 1), WORDS[key])
        table.move_cursor(row=(row + 1) % table.row_count)
        self.done.set()


async def run_baseline(database: Path, answers: int) -> tuple[float, list[float]]:
    """Total seconds for the same keys in the bare app, and each key's time to its commit."""
    done = asyncio.Event()
    latencies: list[float] = []
    connection = durable_connection(database)
    try:
        app = BareApp(done, latencies, connection)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            start = time.perf_counter()
            for index in range(answers):
                app.sent = time.perf_counter()
                await _send(app, KEYS[index % len(KEYS)], done)
            await pilot.pause()
            total = time.perf_counter() - start
        saved = connection.execute("SELECT count(*) FROM answer").fetchone()[0]
    finally:
        connection.close()
    assert saved == answers, f"{saved} answers in the file, expected {answers}"
    assert len(latencies) == answers
    return total, latencies


def disk_commits(pause: float, commits: int = 300) -> float:
    """Median seconds of a one-row commit (WAL, synchronous FULL) on this disk, with ``pause``
    seconds between commits: the part of an answer key no code of kvtui's can shorten."""
    with tempfile.TemporaryDirectory() as tmp:
        connection = sqlite3.connect(Path(tmp) / "disk.db", isolation_level=None)
        try:
            for pragma in ("journal_mode = WAL", "synchronous = FULL"):
                connection.execute(f"PRAGMA {pragma}")
            connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
            times = []
            for index in range(commits):
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("INSERT OR REPLACE INTO t VALUES (?, ?)", (index % 50, "x"))
                start = time.perf_counter()
                connection.execute("COMMIT")
                times.append(time.perf_counter() - start)
                time.sleep(pause)
        finally:
            connection.close()
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def one_round(answers: int, sampled: int, kvtui_first: bool) -> dict[str, Any]:
    """One pair on a fresh store: the totals and each key's times, as JSON-ready values.

    Both apps first take a hundred keys untimed (kvtui on a store of its own), so that neither
    pays alone for what the first app in a process pays (Textual's first frames, compiled
    statements): the pair then measures answering, not starting.
    """
    with tempfile.TemporaryDirectory() as tmp:
        warm_store, warm_review = build_store(Path(tmp) / "warm", population=200,
                                              sampled=sampled)
        try:
            asyncio.run(run_baseline(Path(tmp) / "warm-bare.db", WARM_UP_KEYS))
            asyncio.run(run_kvtui(warm_store, warm_review, WARM_UP_KEYS))
        finally:
            warm_store.close()
        store, review_id = build_store(Path(tmp), population=200, sampled=sampled)
        try:
            if kvtui_first:
                ours = asyncio.run(run_kvtui(store, review_id, answers))
                base = asyncio.run(run_baseline(Path(tmp) / "bare.db", answers))
            else:
                base = asyncio.run(run_baseline(Path(tmp) / "bare.db", answers))
                ours = asyncio.run(run_kvtui(store, review_id, answers))
        finally:
            store.close()
    return {"base_total": base[0], "base_lat": base[1], "ours_total": ours[0],
            "ours_lat": ours[1], "ours_store": ours[2]}


def main() -> None:
    """Run the baseline and kvtui in pairs, each pair in a process of its own and alternating
    which goes first, and print both and the median of the pairs' ratios.

    One pair is noisy on a shared machine (the bare app alone varied by half between runs of
    the same script); pairing the two in each round and taking the median ratio over rounds
    compares them under the same conditions. A process per round starts each from a fresh
    interpreter, as the auditor's kvtui starts.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--sampled", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--one-round", choices=("base-first", "kvtui-first"),
                        help=argparse.SUPPRESS)  # a round's process; prints JSON
    args = parser.parse_args()
    if args.one_round:
        print(json.dumps(one_round(args.answers, args.sampled,
                                   args.one_round == "kvtui-first")))
        return
    base_totals: list[float] = []
    ours_totals: list[float] = []
    base_lat: list[float] = []
    ours_lat: list[float] = []
    ours_store: list[float] = []
    for round_number in range(args.rounds):
        order = "kvtui-first" if round_number % 2 else "base-first"
        output = subprocess.run(
            [sys.executable, __file__, "--answers", str(args.answers), "--sampled",
             str(args.sampled), "--one-round", order],
            check=True, capture_output=True, text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        base_totals.append(result["base_total"])
        base_lat += result["base_lat"]
        ours_totals.append(result["ours_total"])
        ours_lat += result["ours_lat"]
        ours_store += result["ours_store"]
        print(f"round {round_number + 1} ({order}): bare {result['base_total']:.2f} s, "
              f"kvtui {result['ours_total']:.2f} s, "
              f"ratio {result['ours_total'] / result['base_total']:.2f}x")
    keys = args.answers * args.rounds
    base_total, ours_total = sum(base_totals), sum(ours_totals)
    ratios = [ours / base for ours, base in zip(ours_totals, base_totals, strict=True)]
    print(f"answers: {args.answers} by key (j/d/n/e in turn) in each of {args.rounds} rounds, "
          f"{args.sampled} sampled akter × 19 criteria, 80×24 headless")
    print(f"bare app committing to SQLite: {base_total / keys * 1000:.2f} ms per key; "
          f"key to commit p50 {statistics.median(base_lat) * 1000:.2f} ms, "
          f"p99 {percentile(base_lat, 0.99) * 1000:.2f} ms")
    print(f"kvtui Aktgranskning:           {ours_total / keys * 1000:.2f} ms per key; "
          f"key to commit p50 {statistics.median(ours_lat) * 1000:.2f} ms, "
          f"p99 {percentile(ours_lat, 0.99) * 1000:.2f} ms")
    print(f"  of which inside save_answer (store, commit): p50 "
          f"{statistics.median(ours_store) * 1000:.2f} ms, "
          f"{sum(ours_store) / ours_total * 100:.0f} % of kvtui's total")
    print(f"ratio: {statistics.median(ratios):.2f}x median of the rounds "
          f"({min(ratios):.2f}–{max(ratios):.2f}x; of the sums {ours_total / base_total:.2f}x) "
          f"(goal <= {GOAL}x)")
    print(f"this disk, one-row commit p50: back to back {disk_commits(0) * 1000:.2f} ms, "
          f"2 ms apart {disk_commits(0.002) * 1000:.2f} ms (keys come about that far apart)")


if __name__ == "__main__":
    main()
