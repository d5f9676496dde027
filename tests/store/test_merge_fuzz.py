"""The merge's state machine (tests/store/merge_machine.py) with a few examples; the long run
is bench/merge_fuzz.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.report.demo_file import demo_copy
from tests.store import merge_machine


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, review_id = demo_copy(tmp_path_factory.mktemp("machine"))
    merge_machine.setup(path, review_id)
    return path


def test_two_auditors_lose_nothing_and_agree(base: Path) -> None:
    machine = merge_machine.TwoAuditors
    # No shrinking here: every step opens real stores; bench/merge_fuzz.py runs it long.
    machine.TestCase.settings = settings(
        max_examples=3, stateful_step_count=10, deadline=None, derandomize=True,
        phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    machine.TestCase().runTest()
