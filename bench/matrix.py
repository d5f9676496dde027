"""The matrix of 3,000 sampled akter × 19 criteria: open it and page down 20 times, against a
bare DataTable holding the same cells.

kvtui's side is the real app over a real store: ``make_app`` with the review opened, key 3 for
Aktgranskning, m for the matrix (a grid drawn line by line over pages of 50 akter, each page
read with one query), then PgDn 20 times, each a screenful, reading a page when it needs one.
The baseline is a minimal Textual app whose m fills one DataTable with all 3,000 rows of the
same cells (J/D/N/E in the same colours, already in memory, no store), and whose PgDn is the
DataTable's own.

Both run headless at 80×24 under a Pilot, each key followed by ``pilot.pause()``. Wall time
therefore includes the Pilot's idle waits (about the same on both sides); process CPU time is
the work itself, so the ratio of CPU times is the one held against the goal (≤ 1.5×).

    python bench/matrix.py [--akter 3000] [--pages 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from rich.text import Text
from sqlalchemy import insert
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from kvtui.domain.demo import DEMO_FIELDS
from kvtui.store.answers import review_criteria
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import Store, open_store
from kvtui.store.matrix import matrix_page, matrix_size
from kvtui.store.models import Answer, new_id, utcnow
from kvtui.store.reviews import create_review
from kvtui.store.sampling import current_sample, draw_sample
from kvtui.store.template_library import load_template
from kvtui.tui.app import make_app
from kvtui.tui.widgets.filereview_format import answer_letter
from kvtui.tui.widgets.filereview_part import FileReviewPart
from kvtui.tui.widgets.matrix import MatrixView

VALUES = ("ja", "ja", "ja", "delvis", "nej", "ej_aktuellt", "")  # "" = not answered
PLACEMENTS = ("familjehem", "jourhem", "nätverkshem", "HVB")


def build_store(folder: Path, akter: int) -> tuple[Store, str]:
    """A review with ``akter`` sampled akter and answers for most of their criteria.

    The answers go in with one executemany (setup only; the app writes through the store).
    """
    store = open_store(folder / "matrix.db", backup=False)
    template, text = load_template("familjevard", None)
    rows = [(f"BoU-{index:05d}", {"Placeringsform": PLACEMENTS[index % 4]})
            for index in range(1, akter + akter // 3 + 1)]
    with store.session() as session:
        review_id = create_review(session, template, text, DEMO_FIELDS)
        add_case_files(session, review_id, rows)
        sample = draw_sample(session, review_id, size=akter, seed="1")
        criteria = review_criteria(session, review_id)
        chance = random.Random(1)
        now = utcnow()
        answers = []
        for akt in sample.active:
            for view in criteria:
                value = chance.choice(VALUES)
                if value:
                    answers.append({
                        "id": new_id(), "created_at": now, "updated_at": now,
                        "review_id": review_id, "case_file_id": akt.case_file_id,
                        "criterion_id": view.id, "value": value, "computed_value": "",
                        "override_reason": "", "comment": "",
                    })
        session.connection().execute(insert(Answer.__table__), answers)  # type: ignore[attr-defined]
        session.commit()
    return store, review_id


def all_cells(store: Store, review_id: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Every row of the matrix, for the baseline (read once, before timing)."""
    with store.session() as session:
        codes = [view.code for view in review_criteria(session, review_id)]
        size = matrix_size(session, review_id)
        rows = matrix_page(session, review_id, 0, size)
    return codes, [(reference, values) for reference, _id, values in rows]


class Clock:
    """Wall and process CPU time of a stretch of work."""

    def __enter__(self) -> Clock:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


async def run_kvtui(store: Store, review_id: str, pages: int) -> tuple[Clock, Clock, int]:
    """Open the matrix (m) and page down; returns the clocks and the first akt on show."""
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        with Clock() as opening:
            await pilot.press("m")
            await pilot.pause()
        matrix = app.screen.query_one(FileReviewPart).query_one(MatrixView)
        assert matrix.grid.row_count == matrix.akt_count >= 3000
        with Clock() as paging:
            for _ in range(pages):
                await pilot.press("pagedown")
                await pilot.pause()
        return opening, paging, matrix.grid.cursor_row


class BareMatrix(App[None]):
    """The baseline: m fills one DataTable with every row; PgDn is the DataTable's own."""

    BINDINGS = [Binding("m", "open", "Matris")]

    def __init__(self, codes: list[str], rows: list[tuple[str, list[str]]]) -> None:
        super().__init__()
        self.codes = codes
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="cell", fixed_columns=1)

    def action_open(self) -> None:
        """Show the whole matrix."""
        table = self.query_one(DataTable)
        table.add_column("Akt")
        for code in self.codes:
            table.add_column(code)
        table.add_rows(
            [Text(reference), *(answer_letter(value) for value in values)]
            for reference, values in self.rows
        )
        table.focus()


async def run_baseline(
    codes: list[str], rows: list[tuple[str, list[str]]], pages: int
) -> tuple[Clock, Clock, int]:
    """The same keys in the bare app."""
    app = BareMatrix(codes, rows)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        with Clock() as opening:
            await pilot.press("m")
            await pilot.pause()
        table = app.query_one(DataTable)
        with Clock() as paging:
            for _ in range(pages):
                await pilot.press("pagedown")
                await pilot.pause()
        return opening, paging, table.cursor_row


def main() -> None:
    """Build the store, run both sides and print their times and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--akter", type=int, default=3000)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup = time.perf_counter()
        store, review_id = build_store(Path(tmp), args.akter)
        setup = time.perf_counter() - setup
        try:
            codes, rows = all_cells(store, review_id)
            with store.session() as session:
                sample = current_sample(session, review_id)
            assert sample is not None and len(rows) == len(sample.active) == args.akter
            base_open, base_page, base_row = asyncio.run(run_baseline(codes, rows, args.pages))
            ours_open, ours_page, ours_row = asyncio.run(
                run_kvtui(store, review_id, args.pages)
            )
        finally:
            store.close()
    print(f"matrix: {args.akter} akter × {len(codes)} criteria, PgDn × {args.pages}, "
          f"80×24 headless (store built in {setup:.1f} s)")
    for name, opening, paging, row in (
        ("bare DataTable, all rows", base_open, base_page, base_row),
        ("kvtui matrix, paged     ", ours_open, ours_page, ours_row),
    ):
        print(f"{name}: open {opening.wall * 1000:.0f} ms wall / {opening.cpu * 1000:.0f} ms CPU,"
              f" {args.pages} × PgDn {paging.wall * 1000:.0f} ms wall / "
              f"{paging.cpu * 1000:.0f} ms CPU; cursor on akt {row + 1}")
    base_cpu = base_open.cpu + base_page.cpu
    ours_cpu = ours_open.cpu + ours_page.cpu
    base_wall = base_open.wall + base_page.wall
    ours_wall = ours_open.wall + ours_page.wall
    print(f"ratio (CPU, open + paging): {ours_cpu / base_cpu:.2f}x (goal <= 1.5x)")
    print(f"ratio (wall, with the Pilot's waits): {ours_wall / base_wall:.2f}x")
    print(f"ratio (CPU, paging only): {ours_page.cpu / base_page.cpu:.2f}x")


if __name__ == "__main__":
    main()
