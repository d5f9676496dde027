"""Dra urval with the attribute planner, by keys: the size shown live as the rates are typed,
a Swedish reason for rates that cannot be planned, Enter taking the size into Storlek, and
nothing typed lost on Esc."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from kvtui.domain.attribute_sampling import describe_attribute_plan, plan_attribute_sample
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import Store
from kvtui.store.sampling import current_sample
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.sample_draw import DrawSampleDialog
from kvtui.tui.dialogs.unsaved import UnsavedQuestion

SIZE = (80, 24)
POPULATION = 200


def _add_akter(store: Store, review_id: str) -> None:
    with store.session() as session:
        add_case_files(session, review_id,
                       [(f"FV-{i:03d}", {"placering": "familjehem"})
                        for i in range(1, POPULATION + 1)])


async def _attribute_planner(app: KvtuiApp, pilot: Pilot[None]) -> DrawSampleDialog:
    """u in Akter & urval, then Planera efter: Tolerabel avvikelse by keys."""
    await pilot.pause()
    await pilot.press("2", "u")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, DrawSampleDialog)
    await pilot.press("tab", "tab", "tab")  # Storlek, Frö, Planera efter
    assert dialog.focused is dialog.query_one("#sample-planner", Select)
    await pilot.press("enter", "down", "enter")
    await pilot.pause()
    assert dialog.query_one("#sample-planner", Select).value == "attribute"
    assert not dialog.query_one("#sample-needed", Static).display
    return dialog


def _note(dialog: DrawSampleDialog) -> str:
    return str(dialog.query_one("#sample-attribute", Static).content)


def _size(dialog: DrawSampleDialog) -> str:
    return dialog.query_one("#sample-size", Input).value


@pytest.mark.slow
async def test_the_attribute_planner_shows_the_size_and_takes_it(
        store: Store, review_id: str) -> None:
    _add_akter(store, review_id)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _attribute_planner(app, pilot)
        assert _note(dialog).startswith("Skriv den tolerabla avvikelsen")
        await pilot.press("tab", "5", "tab", "1")
        await pilot.pause()
        at_95 = plan_attribute_sample(0.05, 0.01, 0.95, POPULATION)
        assert _note(dialog) == (f"{describe_attribute_plan(at_95)}. Enter för över antalet "
                                 "till Storlek.")
        assert _note(dialog).startswith(f"{at_95.size} av 200 akter räcker: om högst 1 av dem")
        # Säkerhet 90 %: a smaller size, shown at once.
        await pilot.press("tab", "enter", "down", "enter")
        await pilot.pause()
        at_90 = plan_attribute_sample(0.05, 0.01, 0.90, POPULATION)
        assert at_90.size < at_95.size
        assert _note(dialog).startswith(f"{at_90.size} av 200 akter räcker")
        assert "med 90 % säkerhet" in _note(dialog)
        # Enter in a rate takes the size into Storlek, where the precision is shown for it.
        dialog.query_one("#sample-expected", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert _size(dialog) == str(at_90.size)
        assert dialog.focused is dialog.query_one("#sample-size", Input)
        # A tolerable rate below the expected one: a Swedish reason, and Storlek unchanged.
        dialog.query_one("#sample-tolerable", Input).value = "0,5"
        dialog.query_one("#sample-tolerable", Input).focus()
        await pilot.pause()
        assert _note(dialog).startswith(
            "Den tolerabla avvikelsen (0,5 %) måste vara större än den förväntade (1 %)")
        await pilot.press("enter")
        await pilot.pause()
        assert _size(dialog) == str(at_90.size)
        dialog.query_one("#sample-tolerable", Input).value = "5 %"
        # Esc asks before anything typed is lost; Fortsätt keeps it all.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedQuestion)
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one("#sample-tolerable", Input).value == "5 %"
        assert dialog.query_one("#sample-expected", Input).value == "1"
        # The planner's size is drawn.
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert dialog not in app.screen_stack
    with store.session() as session:
        sample = current_sample(session, review_id)
        assert sample is not None
        assert len(sample.items) == at_90.size


@pytest.mark.slow
async def test_a_population_too_small_for_the_plan_is_said_and_changes_nothing(
        store: Store, review_id: str) -> None:
    with store.session() as session:
        add_case_files(session, review_id, [(f"FV-{i}", {}) for i in range(1, 21)])
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _attribute_planner(app, pilot)
        await pilot.press("tab", "5", "tab", "1")
        await pilot.pause()
        assert _note(dialog).startswith("Populationen (20 akter) är för liten")
        await pilot.press("enter")
        await pilot.pause()
        assert _size(dialog) == ""
        await pilot.press("backspace", *"1", "0", "0")  # Förväntad 100 %: out of range
        await pilot.pause()
        assert "Den förväntade avvikelsen måste vara minst 0 % och mindre än 100 %" in (
            _note(dialog))
    with store.session() as session:
        assert current_sample(session, review_id) is None
