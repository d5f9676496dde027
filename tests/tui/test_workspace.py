"""The review workspace: header, Översikt, keys 1–8 and the way back."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from kvtui.store.database import Store
from kvtui.tui.app import make_app
from kvtui.tui.messages import JumpTarget, JumpTo
from kvtui.tui.parts import PARTS, part_by_id
from kvtui.tui.screens.reviews import ReviewsScreen
from kvtui.tui.screens.workspace import WorkspaceScreen
from kvtui.tui.widgets.overview import facts_rows, progress_rows
from kvtui.tui.widgets.part_base import WorkspacePart

SIZE = (80, 24)


@pytest.mark.slow
async def test_keys_1_to_8_switch_parts(store: Store, review_id: str) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        assert workspace.current_part == "overview"
        options = workspace.query_one("#part-list", OptionList)
        for index, part in reversed(list(enumerate(PARTS))):
            await pilot.press(part.key)
            assert workspace.current_part == part.id
            assert options.highlighted == index
            # The keyboard is in the part: its keys work at once.
            focused = workspace.focused
            assert focused is not None
            assert workspace.query_one(f"#{part.widget_id}") in (focused, *focused.ancestors)
        workspace.set_focus(options)
        await pilot.press("down")  # the list follows the arrows too
        assert workspace.current_part == PARTS[1].id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewsScreen)


async def test_every_part_is_built(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        for part in PARTS[1:]:
            assert isinstance(workspace.query_one(f"#{part.widget_id}"), WorkspacePart)


async def test_a_jump_posted_inside_a_part_is_taken_by_the_workspace(
    store: Store, review_id: str
) -> None:
    """Messages up: a widget deep in one part says where to go (``JumpTo``); the workspace
    brings that part to the front with the keyboard in it, also a part with no records."""
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        await pilot.press("5")  # Dokument: the keyboard in its table
        source = workspace.focused
        assert source is not None and source is not workspace.query_one("#part-list")
        for part_id in ("casefiles", "report", "interviews", "overview"):
            source.post_message(JumpTo(JumpTarget(part_id)))
            await pilot.pause()
            assert workspace.current_part == part_id
            focused = workspace.focused
            assert focused is not None
            part = workspace.query_one(f"#{part_by_id(part_id).widget_id}")
            assert part in (focused, *focused.ancestors), (part_id, focused)


@pytest.mark.slow
async def test_overview_shows_the_facts(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id[:8])  # the short id, as the CLI passes it
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        assert workspace.review_id == review_id
        detail = workspace.detail
        assert detail is not None
        facts = dict(facts_rows(detail))
        assert facts["Enhet"] == "Familjevårdsenheten"
        assert facts["Granskare"] == "Karin Ekdahl, Jonas Lindwall"
        assert facts["Period"] == "2026-09-01 – 2026-11-30"
        assert "version" in facts["Mall"]
        progress = dict(progress_rows(detail))
        assert progress["Akter"] == "0"
        assert progress["Besvarade"] == "–"
        sections = workspace.query_one("#overview-sections", Static)
        assert sections.display and len(detail.sections) > 5


async def test_unknown_review_on_command_line_stays_on_the_list(store: Store) -> None:
    app = make_app(store, open_review="abcdef12")
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewsScreen)
    assert any("abcdef12" in note for note in notes)
