"""Freezing what the app has loaded: once per moment and process, and done by the app."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from kvtui.store.database import Store
from kvtui.tui import heap
from kvtui.tui.app import make_app
from kvtui.tui.screens.workspace import WorkspaceScreen


@pytest.fixture
def fresh_heap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process in which no moment has been reached and nothing is frozen, whatever ran
    before; afterwards the moments reached before are restored, and what was frozen is frozen
    again, so that no test sees what another left behind."""
    was_frozen = gc.get_freeze_count() > 0
    monkeypatch.setattr(heap, "_settled", set())
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_frozen:
            gc.freeze()


def _collected(thing: object) -> bool:
    """Whether the collector still looks at ``thing`` (frozen objects are not listed)."""
    return any(candidate is thing for candidate in gc.get_objects())


def test_each_moment_freezes_once(fresh_heap: None) -> None:
    kept = [[index] for index in range(10)]
    assert _collected(kept)
    heap.settle("test-moment")
    assert not _collected(kept)
    made_after = [[index] for index in range(10)]
    heap.settle("test-moment")
    assert _collected(made_after)  # the same moment again froze nothing
    heap.settle("another-test-moment")
    assert not _collected(made_after)
    assert heap._settled == {"test-moment", "another-test-moment"}


async def test_the_app_freezes_once_a_review_is_open(
    fresh_heap: None, store: Store, review_id: str,
) -> None:
    assert gc.get_freeze_count() == 0
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert heap._settled == {"orm", "workspace"}
        assert gc.get_freeze_count() > 0


def test_the_heap_tests_leave_the_process_as_they_found_it() -> None:
    """Run after the two above: the moments they reached are not left behind for the app of
    another test."""
    assert not {"test-moment", "another-test-moment"} & heap._settled
