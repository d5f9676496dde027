"""Freezing what the app has loaded: once per moment and process, and done by the app."""

from __future__ import annotations

import gc

from kvtui.store.database import Store
from kvtui.tui import heap
from kvtui.tui.app import make_app
from kvtui.tui.screens.workspace import WorkspaceScreen


def _collected(thing: object) -> bool:
    """Whether the collector still looks at ``thing`` (frozen objects are not listed)."""
    return any(candidate is thing for candidate in gc.get_objects())


def test_each_moment_freezes_once() -> None:
    heap.settle("test-moment")
    kept = [[index] for index in range(10)]  # made after the freeze
    heap.settle("test-moment")
    assert _collected(kept)  # the same moment again froze nothing
    heap.settle("another-test-moment")
    assert not _collected(kept)


async def test_the_app_freezes_once_a_review_is_open(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {"orm", "workspace"} <= heap._settled
        assert gc.get_freeze_count() > 0
