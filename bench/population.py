"""Import a 10,000-row CSV of case files and draw a stratified sample, against SQLite alone.

kvtui's side is the real work: decode, validate every row (personnummer, Excel-mangled
numbers, duplicates), write all case files to a real store in one transaction, and draw a
stratified sample of 30 %.

The baseline is what storing costs before anything is read, checked or drawn: the sqlite3
driver writing the same rows (ids, timestamps and attributes made beforehand) and a sample of
the same size into a store of the same schema (indexes, foreign keys, lock triggers; WAL,
synchronous FULL, foreign keys on), one transaction and its commit. Goal: ≤ 3×. Python's csv
module reading the same file is shown beside it, for scale.

    python bench/population.py [--rows 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from kvtui.domain.demo import DEMO_FIELDS
from kvtui.store.casefile_import import import_case_files
from kvtui.store.database import open_store
from kvtui.store.reviews import create_review
from kvtui.store.sampling import draw_sample
from kvtui.store.template_library import load_template

PLACEMENTS = ("familjehem", "jourhem", "nätverkshem", "HVB")
GOAL = 3
INSERT_CASE_FILES = (
    "INSERT INTO case_file (id, created_at, updated_at, review_id, reference, position,"
    " attributes_json) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_SAMPLE_ITEMS = (
    "INSERT INTO sample_item (id, created_at, updated_at, sample_id, case_file_id, position,"
    " status, replaced_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def write_csv(path: Path, rows: int) -> None:
    """An invented population in the shape a case system exports (cp1252, semicolons)."""
    lines = ["Aktnummer;Placeringsform;Lagrum;Åldersgrupp;Placerad från"]
    for index in range(1, rows + 1):
        lines.append(
            f"BoU-{index:06d};{PLACEMENTS[index % 4]};{'LVU' if index % 3 == 0 else 'SoL'};"
            f"{('0–6 år', '7–12 år', '13–17 år')[index % 3]};2024-{index % 12 + 1:02d}-15"
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def baseline(path: Path) -> float:
    """csv reading the same file into a list of rows."""
    start = time.perf_counter()
    text = path.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) > 1
    return time.perf_counter() - start


def _fresh_review(path: Path) -> str:
    """A store at ``path`` with one review from the shipped template; its id."""
    store = open_store(path, backup=False)
    try:
        template, text = load_template("familjevard", None)
        with store.session() as session:
            return create_review(session, template, text, DEMO_FIELDS)
    finally:
        store.close()


def sqlite_floor(source: Path, folder: Path, run: int) -> float:
    """The sqlite3 driver alone storing the population and a 30 % sample, made beforehand."""
    path = folder / f"floor-{run}.db"
    review_id = _fresh_review(path)
    text = source.read_bytes().decode("cp1252")
    header, *rows = csv.reader(io.StringIO(text), delimiter=";")
    stamp = "2026-12-06 09:00:00.000000"
    case_files = [
        (str(uuid.uuid4()), stamp, stamp, review_id, row[0], position,
         json.dumps(dict(zip(header[1:], row[1:], strict=True)), ensure_ascii=False))
        for position, row in enumerate(rows, start=1)
    ]
    sample_id = str(uuid.uuid4())
    items = [
        (str(uuid.uuid4()), stamp, stamp, sample_id, case_file[0], position, "active", "")
        for position, case_file in enumerate(case_files[: len(rows) * 3 // 10], start=1)
    ]
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            connection.execute(f"PRAGMA {pragma}")
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(INSERT_CASE_FILES, case_files)
        connection.execute(
            "INSERT INTO sample (id, created_at, updated_at, review_id, method, stratify_by,"
            " seed, population_size, drawn_by, drawn_at) VALUES (?, ?, ?, ?, 'stratified',"
            " 'Placeringsform', '1', ?, '', ?)",
            (sample_id, stamp, stamp, review_id, len(rows), stamp),
        )
        connection.executemany(INSERT_SAMPLE_ITEMS, items)
        connection.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        connection.close()


def kvtui_import(path: Path, folder: Path, run: int) -> float:
    """kvtui importing the file into a fresh review and drawing the sample."""
    database = folder / f"bench-{run}.db"
    review_id = _fresh_review(database)
    store = open_store(database, backup=False)
    try:
        start = time.perf_counter()
        with store.session() as session:
            result = import_case_files(session, review_id, path, id_column="Aktnummer")
            info = draw_sample(session, review_id, method="stratified", fraction=0.3,
                               stratify_by="Placeringsform", seed="20261101")
        elapsed = time.perf_counter() - start
        assert result.count == len(info.items) * 10 // 3 or result.count > 0
        return elapsed
    finally:
        store.close()


def main() -> None:
    """Run the three alternately and print medians and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "akter.csv"
        write_csv(source, args.rows)
        base, floor, ours = [], [], []
        for run in range(args.repeat):
            base.append(baseline(source))
            floor.append(sqlite_floor(source, folder, run))
            ours.append(kvtui_import(source, folder, run))
    b, f, k = statistics.median(base), statistics.median(floor), statistics.median(ours)
    print(f"rows: {args.rows}, repeats: {args.repeat}")
    print(f"sqlite3 alone storing the same rows and sample: median {f * 1000:.1f} ms")
    print(f"csv module reading the file: median {b * 1000:.1f} ms")
    print(f"kvtui import + stratified sample: median {k * 1000:.1f} ms")
    print(f"ratio: {k / f:.2f}x SQLite alone (goal <= {GOAL}x); {k / b:.1f}x the csv read")


if __name__ == "__main__":
    main()
