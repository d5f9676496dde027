"""Inställningar (i in Granskningar): the committee's name and the logo set in the app, a bad
file refused in Swedish with nothing changed, and typed text never lost without a question."""

from __future__ import annotations

import json
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from kvtui.paths import data_dir, settings_path
from kvtui.store.database import Store
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.commands import palette_commands
from kvtui.tui.dialogs.look import LookDialog
from kvtui.tui.dialogs.unsaved import UnsavedQuestion
from kvtui.tui.screens.reviews import ReviewsScreen
from tests.cli.test_settings_cli import image_bytes, write
from tests.waiting import pilot_until

SIZE = (80, 24)


def saved() -> dict[str, str]:
    path = settings_path()
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


async def _open_settings(app: KvtuiApp, pilot: Pilot[None]) -> LookDialog:
    await pilot.pause()
    assert isinstance(app.screen, ReviewsScreen)
    await pilot.press("i")
    await pilot_until(pilot, lambda: isinstance(app.screen, LookDialog), what="the dialog")
    dialog = app.screen
    assert isinstance(dialog, LookDialog)
    return dialog


def _problem(dialog: LookDialog) -> str:
    problem = dialog.query_one("#look-problem", Static)
    return str(problem.content) if problem.display else ""


async def test_set_the_look_refuse_a_bad_logo_and_remove_it(store: Store,
                                                           tmp_path: Path) -> None:
    text_file = write(tmp_path / "Loggor #1 ?% åäö" / "ingen bild.png", "Bara text.\n")
    logo = write(tmp_path / "Loggor #1 ?% åäö" / "vapen.png", image_bytes())
    app = make_app(store)
    notes: list[str] = []
    original = app.notify
    app.notify = lambda message, *a, **k: (notes.append(str(message)),  # type: ignore[method-assign]
                                           original(message, *a, **k))[1]
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open_settings(app, pilot)
        committee = dialog.query_one("#look-committee", Input)
        logo_field = dialog.query_one("#look-logo", Input)
        assert committee.has_focus and committee.value == "" and logo_field.value == ""
        committee.value = "Socialnämnden"
        logo_field.value = str(text_file)
        await pilot.press("ctrl+s")
        await pilot_until(pilot, lambda: bool(_problem(dialog)), what="the refusal")
        assert "ingen bild" in _problem(dialog)
        assert "Inställningarna är oförändrade." in _problem(dialog)
        assert app.screen is dialog and saved() == {}  # the name is not kept either

        logo_field.value = str(logo)
        await pilot.press("ctrl+s")
        await pilot_until(pilot, lambda: app.screen is not dialog, what="saving")
        assert isinstance(app.screen, ReviewsScreen)
        settings = saved()
        assert settings["committee"] == "Socialnämnden"
        assert settings["logo_source"] == str(logo)
        assert (data_dir() / settings["logo_file"]).read_bytes() == logo.read_bytes()
        assert any("Inställningarna är sparade" in note for note in notes)

        # Opened again it shows what is set; an emptied logo field removes the logo.
        dialog = await _open_settings(app, pilot)
        assert dialog.query_one("#look-committee", Input).value == "Socialnämnden"
        logo_field = dialog.query_one("#look-logo", Input)
        assert logo_field.value == str(logo)
        logo_field.value = ""
        await pilot.press("ctrl+s")
        await pilot_until(pilot, lambda: app.screen is not dialog, what="saving")
        assert saved() == {"committee": "Socialnämnden"}
        assert [p.name for p in data_dir().iterdir()] == [settings_path().name]


async def test_escape_asks_before_typed_text_is_lost(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open_settings(app, pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot_until(pilot, lambda: isinstance(app.screen, ReviewsScreen), what="closed")

        dialog = await _open_settings(app, pilot)
        for key in "Nämnden":
            await pilot.press(key)
        await pilot.press("escape")
        await pilot_until(pilot, lambda: isinstance(app.screen, UnsavedQuestion),
                          what="the question")
        await pilot.press("f")  # Fortsätt: back, with the text
        await pilot_until(pilot, lambda: app.screen is dialog, what="back to the dialog")
        assert dialog.query_one("#look-committee", Input).value == "Nämnden"
        await pilot.press("escape")
        await pilot_until(pilot, lambda: isinstance(app.screen, UnsavedQuestion),
                          what="the question")
        await pilot.press("l")  # Släng
        await pilot_until(pilot, lambda: isinstance(app.screen, ReviewsScreen), what="closed")
        assert saved() == {}


async def test_the_palette_offers_the_settings(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = [command.name for command in palette_commands(app, app.screen)]
        assert "Inställningar" in names
