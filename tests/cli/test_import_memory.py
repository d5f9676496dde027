"""The heaviest lists kvtui reads, and the worst zip bomb, stay well under 500 MB.

Each runs through the real ``kvtui import-akter`` in a process of its own, whose peak resident
memory is read as it exits (``tests/cli/import_fuzz.py``). ``bench/fuzz_import.py`` prints the
same figure for every file it tries.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.import_fuzz import FuzzRun
from tests.hostile_files import LARGE_FILES, zip_bomb

LIMIT_KB = 500 * 1024


@pytest.mark.slow
@pytest.mark.parametrize("name", ["storsta-csv.csv", "kombination-max.xlsx"])
def test_the_heaviest_accepted_lists_stay_under_500_mb(tmp_path: Path, name: str) -> None:
    outcome = FuzzRun(tmp_path).run(name, LARGE_FILES[name]())
    assert outcome.accepted and not outcome.faults, outcome.describe()
    assert 0 < outcome.peak_kb < LIMIT_KB, outcome.peak_kb


@pytest.mark.slow
def test_a_zip_bomb_that_lies_about_its_size_costs_nothing(tmp_path: Path) -> None:
    run = FuzzRun(tmp_path)
    baseline = run.run("akter.xlsx", LARGE_FILES["manga-delar-max.xlsx"]())
    outcome = run.run("bomb.xlsx", zip_bomb(300, declared=100_000_000))
    assert outcome.exit_code == 1 and not outcome.faults, outcome.describe()
    assert "Filen kan inte läsas som en Excel-arbetsbok" in outcome.output
    assert outcome.peak_kb < baseline.peak_kb + 20 * 1024
