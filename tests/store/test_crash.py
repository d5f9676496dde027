"""Killing kvtui while it saves answers loses nothing that was acknowledged as saved.

The short form of the crash test; ``bench/crash.py`` runs the same cycle 200 times. The writer
and the verification live in ``crash_writer.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .crash_writer import CrashRun

KILLS = 5
SEED = int(os.environ.get("KVTUI_CRASH_SEED", "20260417"))


@pytest.mark.slow
def test_killed_writer_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    run = CrashRun(tmp_path / "kvtui.db", seed=SEED)
    acknowledged = 0
    for number in range(1, KILLS + 1):
        # One kill lands while the writer opens the store (checks, start-up backup).
        result = run.cycle(early=number == 3, check_lock=number == 1)
        assert result.ok, f"seed {SEED}\n" + result.describe()
        acknowledged += result.acknowledged
    assert acknowledged > 0
    assert run.model, "no answer reached the store"
