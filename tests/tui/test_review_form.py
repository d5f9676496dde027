"""Ny granskning and Redigera uppgifter, driven by keys and checked against the store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from kvtui.domain.reviews import ReviewSummary
from kvtui.store.database import Store
from kvtui.store.review_detail import review_detail
from kvtui.tui.app import make_app
from kvtui.tui.dialogs.unsaved import UnsavedQuestion
from kvtui.tui.screens.new_review import ReviewFormScreen
from kvtui.tui.screens.reviews import ReviewsScreen
from kvtui.tui.screens.workspace import WorkspaceScreen

SIZE = (80, 24)


async def _type(pilot: Pilot[None], text: str) -> None:
    """Type key by key: slow in tests, so only for short texts."""
    for char in text:
        await pilot.press("space" if char == " " else char)


async def _paste(pilot: Pilot[None], text: str) -> None:
    """Paste into the focused field, as a terminal delivers pasted text."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def _open_form(pilot: Pilot[None]) -> ReviewFormScreen:
    await pilot.press("n")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewFormScreen)
    return screen


def _errors(screen: ReviewFormScreen) -> str:
    errors = screen.query_one("#form-errors", Static)
    return str(errors.content) if errors.display else ""


@pytest.mark.slow
async def test_create_review_by_keys(
    store: Store, stored_reviews: Callable[[], list[ReviewSummary]]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        await pilot.press("tab")  # from Mall to Titel
        await _paste(pilot, "Granskning av hem")
        await _type(pilot, "tjänst")
        await pilot.press("tab")  # to Enhet
        await _paste(pilot, "Hemtjänst Öster")
        # The rest is filled in directly: each key or paste costs a frame in a test.
        form.query_one("#municipality", Input).value = "Åby kommun"
        form.query_one("#auditors", Input).value = "Anna Älg, Bo Ödman;Cecilia"
        form.query_one("#period-start", Input).value = "20240305"
        form.query_one("#period-end", Input).value = "2024-6-1"
        form.query_one("#purpose", TextArea).text = "Att se om besluten följs.\nOch hur."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)
        bar = str(app.screen.query_one("#review-bar", Static).content)
        assert "Granskning av hemtjänst" in bar

    [summary] = stored_reviews()
    assert summary.title == "Granskning av hemtjänst"
    assert summary.unit == "Hemtjänst Öster"
    assert summary.municipality == "Åby kommun"
    with store.session() as session:
        fields = review_detail(session, summary.id).fields
    assert fields.auditors == ("Anna Älg", "Bo Ödman", "Cecilia")
    assert fields.period_start == date(2024, 3, 5)
    assert fields.period_end == date(2024, 6, 1)
    assert fields.purpose == "Att se om besluten följs.\nOch hur."


BAD_INPUT = [
    # (title, period from, period to, message that must be shown)
    ("", "", "", "Titel saknas."),
    ("Granskning", "2024-05-01", "2024-04-01", "början ligger efter dess slut"),
    ("Granskning", "2026-02-30", "", "Period från: '2026-02-30' är inget giltigt datum."),
    ("Granskning", "", "5 mars", "Period till: '5 mars' är inte ett datum"),
]


async def test_bad_input_shows_message_and_saves_nothing(
    store: Store, stored_reviews: Callable[[], list[ReviewSummary]]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        for title, start, end, message in BAD_INPUT:
            form.query_one("#title", Input).value = title
            form.query_one("#period-start", Input).value = start
            form.query_one("#period-end", Input).value = end
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is form, f"the form stays open after {message!r}"
            assert message in _errors(form)
    assert stored_reviews() == []


@pytest.mark.slow
async def test_problems_are_all_listed_and_cleared_after_a_fix(
    store: Store, stored_reviews: Callable[[], list[ReviewSummary]]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        form.query_one("#period-start", Input).value = "2026-02-30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = _errors(form)
        assert "Titel saknas." in errors
        assert "inget giltigt datum" in errors
        assert form.query_one("#period-start", Input).has_class("-bad")

        form.query_one("#title", Input).value = "Granskning av LSS"
        form.query_one("#period-start", Input).value = "2026-02-28"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)
    assert [r.title for r in stored_reviews()] == ["Granskning av LSS"]


@pytest.mark.slow
async def test_escape_on_untouched_form_closes_it(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _open_form(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewsScreen)


@pytest.mark.slow
async def test_escape_after_typing_asks_first(
    store: Store, stored_reviews: Callable[[], list[ReviewSummary]]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        await pilot.press("tab")
        await _type(pilot, "Ny")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedQuestion)
        await pilot.press("f")  # Fortsätt: keep the form
        await pilot.pause()
        assert app.screen is form
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("l")  # Släng: close without saving
        await pilot.pause()
        assert isinstance(app.screen, ReviewsScreen)
    assert stored_reviews() == []


@pytest.mark.slow
async def test_edit_review_saves_through_update(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReviewFormScreen)
        assert form.query_one("#title", Input).value == "Granskning av familjevården 2026"
        assert form.query_one("#auditors", Input).value == "Karin Ekdahl, Jonas Lindwall"
        assert form.query_one("#period-start", Input).value == "2026-09-01"
        form.query_one("#title", Input).focus()
        await pilot.press("end")
        await _paste(pilot, " – ändrad")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is workspace
        bar = str(workspace.query_one("#review-bar", Static).content)
        assert "Granskning av familjevården 2026 – ändrad" in bar

    with store.session() as session:
        fields = review_detail(session, review_id).fields
    assert fields.title == "Granskning av familjevården 2026 – ändrad"
    assert fields.unit == "Familjevårdsenheten"
    assert fields.period_end == date(2026, 11, 30)


@pytest.mark.slow
async def test_edit_rejects_impossible_period(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReviewFormScreen)
        form.query_one("#period-end", Input).value = "2026-08-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "början ligger efter dess slut" in _errors(form)
    with store.session() as session:
        assert review_detail(session, review_id).fields.period_end == date(2026, 11, 30)


@pytest.mark.slow
async def test_quit_with_unsaved_form_asks_first(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        form.query_one("#title", Input).value = "Inte sparad"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedQuestion)
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is form
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("l")
    assert app.return_code == 0
