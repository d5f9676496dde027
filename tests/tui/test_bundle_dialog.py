"""Exportera paket and Importera paket from the review list: a review from one store to
another."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from kvtui.store.database import Store, check_store
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.bundle import BundleDialog
from kvtui.tui.screens.reviews import ReviewsScreen
from tests.waiting import pilot_until

SIZE = (100, 30)
PASSPHRASE = "vår gemensamma fras"


async def _fill(app: KvtuiApp, pilot: Pilot[None], key: str, values: dict[str, str]) -> None:
    await pilot.press(key)
    await pilot_until(pilot, lambda: isinstance(app.screen, BundleDialog), what="the dialog")
    for field, value in values.items():
        app.screen.query_one(f"#{field}", Input).value = value
    await pilot.press("ctrl+s")


def _done(app: KvtuiApp) -> bool:
    return not any(worker.is_running for worker in app.workers)


async def test_a_review_exported_from_one_list_is_imported_into_another(
        demo_store: Store, demo_id: str, store: Store, tmp_path: Path) -> None:
    dest = tmp_path / "till Karin #2 å" / "paket.kvtui"
    sender = make_app(demo_store)
    async with sender.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill(sender, pilot, "x", {"bundle-path": str(dest),
                                          "bundle-passphrase": PASSPHRASE,
                                          "bundle-again": PASSPHRASE})
        await pilot_until(pilot, lambda: dest.exists() and _done(sender), what="the bundle")
        assert any("är exporterad till" in n.message for n in sender._notifications)

    receiver = make_app(store)
    async with receiver.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill(receiver, pilot, "m", {"bundle-path": str(dest),
                                            "bundle-passphrase": PASSPHRASE})
        screen = receiver.screen_stack[-1]
        await pilot_until(pilot, lambda: isinstance(screen, ReviewsScreen)
                          and [r.id for r in screen.reviews] == [demo_id], what="the import")
        # The list may show the review a moment before the message is given.
        await pilot_until(pilot, lambda: any("är importerad från paketet" in n.message
                                             for n in receiver._notifications),
                          what="the message that the review is imported")
    assert check_store(store.path).ok
