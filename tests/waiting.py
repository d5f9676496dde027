"""Waiting for what a test needs to have happened, with a deadline, instead of sleeping.

A fixed sleep is too short on a busy machine (the test fails for nothing) and longer than
needed everywhere else (the suite crawls). These look at the condition itself, often, and
fail with what they waited for once ``timeout`` has passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

#: Long enough for a machine busy with other tests; a condition that holds comes far sooner.
TIMEOUT = 10.0
_LOOK_EVERY = 0.01


def _give_up(what: str, timeout: float) -> AssertionError:
    return AssertionError(f"waited {timeout:g} s in vain for {what}")


def wait_until(condition: Callable[[], object], *, what: str = "the condition",
               timeout: float = TIMEOUT) -> None:
    """Return once ``condition()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise _give_up(what, timeout)
        time.sleep(_LOOK_EVERY)


async def pilot_until(pilot: Pilot[Any], condition: Callable[[], object], *,
                      what: str = "the condition", timeout: float = TIMEOUT) -> None:
    """Let the app run until ``condition()`` is true (its timers and workers go on meanwhile);
    fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise _give_up(what, timeout)
        await pilot.pause(_LOOK_EVERY)
