"""The workspace at 80×24, read off the screen as the auditor sees it: the part list gives
its room to the part, every key in the footer is shown whole, and the akt's header wraps
instead of losing its end."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import OptionList

from kvtui.store.database import Store
from kvtui.tui.app import make_app
from kvtui.tui.parts import PARTS
from kvtui.tui.screens.workspace import WorkspaceScreen
from kvtui.tui.widgets.key_footer import KeyFooter
from tests.tui.screen_text import screen_lines

SIZE = (80, 24)


async def _into_part(app: App[None], pilot, key: str) -> WorkspaceScreen:  # type: ignore[no-untyped-def]
    """Keys as the auditor types them: the part's number, which puts the keyboard in it."""
    workspace = app.screen
    assert isinstance(workspace, WorkspaceScreen)
    workspace.query_one("#part-list", OptionList).focus()
    await pilot.press(key)
    await pilot.pause()
    await pilot.pause()
    return workspace


def _footer_keys(workspace: WorkspaceScreen) -> list[str]:
    """What the footer must show whole, without its spaces: "key description" for each
    shown action (the first of its keys), and a group's keys before its name ("jdneSvar")."""
    app = workspace.app
    first_of_action: dict[str, tuple[str, str, str | None]] = {}
    for _node, binding, _enabled, _tooltip in workspace.active_bindings.values():
        if binding.show and binding.action not in first_of_action:
            group = binding.group.description if binding.group is not None else None
            first_of_action[binding.action] = (
                app.get_key_display(binding), binding.description, group)
    wanted: list[str] = []
    groups: dict[str, str] = {}
    for display, description, group in first_of_action.values():
        if group is None:
            wanted.append(display + description)
        else:
            groups[group] = groups.get(group, "") + display
    wanted.extend(keys + name for name, keys in groups.items())
    return ["".join(key.split()) for key in wanted]


@pytest.mark.slow
async def test_every_footer_key_is_shown_whole_in_every_part(
        demo_store: Store, demo_id: str) -> None:
    app = make_app(demo_store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for part in PARTS:
            workspace = await _into_part(app, pilot, part.key)
            footer = workspace.query_one(KeyFooter)
            lines = screen_lines(app)
            footer_lines = lines[-footer.rows:]
            footer_text = "\n".join(footer_lines)
            packed = "".join(footer_text.split())
            missing = [key for key in _footer_keys(workspace) if key not in packed]
            assert missing == [], f"{part.title}: cut from the footer: {missing}\n{footer_text}"
            assert "Kommandon" in footer_lines[0]
            assert footer.rows <= 3, part.title
            # The part keeps most of the screen.
            assert footer.region.y >= SIZE[1] - 3


@pytest.mark.slow
async def test_part_list_shrinks_to_its_keys_below_100_columns(
        demo_store: Store, demo_id: str) -> None:
    app = make_app(demo_store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = await _into_part(app, pilot, "3")
        part_list = workspace.query_one("#part-list", OptionList)
        assert part_list.region.width <= 4
        lines = screen_lines(app)
        keys_column = [line[:3].strip() for line in lines[2:2 + len(PARTS)]]
        assert keys_column == [part.key for part in PARTS]
        # The part shown is named in the header, as the list no longer says it.
        assert "Aktgranskning" in lines[0]
        assert workspace.query_one("#part-content").region.width >= 74

        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert part_list.region.width > 15
        assert all(part.title in "\n".join(screen_lines(app)) for part in PARTS)


@pytest.mark.slow
async def test_akt_header_wraps_where_one_line_is_too_narrow(
        demo_store: Store, demo_id: str) -> None:
    app = make_app(demo_store, open_review=demo_id)
    async with app.run_test(size=(56, 24)) as pilot:
        await pilot.pause()
        await _into_part(app, pilot, "3")
        text = "\n".join(screen_lines(app))
        assert "Akt 1 av 13" in text
        assert "Alla: 247/247 (100 %)" in text
        assert "…" not in "".join(line for line in screen_lines(app) if "Akt 1 av" in line)

        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        await pilot.press("full_stop")  # the next akt redraws the header at the new width
        await pilot.pause()
        header = [line for line in screen_lines(app) if "Akt 2 av 13" in line]
        assert len(header) == 1 and "Alla: 247/247 (100 %)" in header[0]


@pytest.mark.slow
async def test_under_a_dialog_only_the_dialogs_keys_show(
        demo_store: Store, demo_id: str) -> None:
    """The workspace's footer takes two rows at 80 columns; under a dialog it keeps to the
    one row the dialog's footer covers, and has its rows back when the dialog closes."""
    app = make_app(demo_store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = await _into_part(app, pilot, "4")
        footer = workspace.query_one(KeyFooter)
        assert footer.rows == 2
        await pilot.press("a")  # Ny intervju
        await pilot.pause()
        assert app.screen is not workspace
        bottom = "\n".join(screen_lines(app)[-3:])
        assert "Spara" in bottom
        assert "Ny iakttagelse" not in bottom and "Tillbaka" not in bottom
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is workspace
        packed = "".join("\n".join(screen_lines(app)[-footer.rows:]).split())
        assert [key for key in _footer_keys(workspace) if key not in packed] == []
