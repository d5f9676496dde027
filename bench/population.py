"""Import a 10,000-row CSV of case files and draw a stratified sample, against csv reading it.

The baseline is Python's csv module reading the same file into rows, in the same run. kvtui's
side is the real work: decode, validate every row (personnummer, Excel-mangled numbers,
duplicates), write all case files to a real store in one transaction, and draw a stratified
sample of 30 %. Goal: ≤ 3×.

    python bench/population.py [--rows 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import tempfile
import time
from pathlib import Path

from kvtui.domain.demo import DEMO_FIELDS
from kvtui.store.casefile_import import import_case_files
from kvtui.store.database import open_store
from kvtui.store.reviews import create_review
from kvtui.store.sampling import draw_sample
from kvtui.store.template_library import load_template

PLACEMENTS = ("familjehem", "jourhem", "nätverkshem", "HVB")


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


def kvtui_import(path: Path, folder: Path, run: int) -> float:
    """kvtui importing the file into a fresh review and drawing the sample."""
    store = open_store(folder / f"bench-{run}.db", backup=False)
    try:
        template, text = load_template("familjevard", None)
        with store.session() as session:
            review_id = create_review(session, template, text, DEMO_FIELDS)
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
    """Run both sides alternately and print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "akter.csv"
        write_csv(source, args.rows)
        base, ours = [], []
        for run in range(args.repeat):
            base.append(baseline(source))
            ours.append(kvtui_import(source, folder, run))
    b, k = statistics.median(base), statistics.median(ours)
    print(f"rows: {args.rows}, repeats: {args.repeat}")
    print(f"csv module reading the file: median {b * 1000:.1f} ms")
    print(f"kvtui import + stratified sample: median {k * 1000:.1f} ms")
    print(f"ratio: {k / b:.1f}x (goal <= 3x)")


if __name__ == "__main__":
    main()
