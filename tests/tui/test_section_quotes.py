"""Section texts in Bedömningar: a quoted observation inserted from a list with Ctrl+O, the
preview with Ctrl+T, and the Rapport part's warning when a quoted observation is deleted."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from kvtui.domain.section_text import quote_markup
from kvtui.store.assessments import get_section, review_sections, set_section_text
from kvtui.store.database import Store
from kvtui.store.interviews import delete_observation, list_interviews
from kvtui.store.report_data import load_report_data
from kvtui.store.review_detail import list_reviews
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.quote_pick import QuoteDialog
from kvtui.tui.dialogs.signoff import SignOffDialog
from kvtui.tui.dialogs.text_preview import TextPreviewDialog
from kvtui.tui.widgets.assessments_part import AssessmentsPart
from kvtui.tui.widgets.report_part import ReportPart
from tests.tui.test_assessments_part import _demo, _open_section, _section
from tests.waiting import pilot_until

SIZE = (80, 24)


async def _into_text(app: KvtuiApp, pilot: Pilot[None], number: str) -> AssessmentsPart:
    """Section ``number`` open, the keyboard in its text."""
    part = await _open_section(app, pilot, number)
    await pilot.press("enter")
    assert app.screen.focused is part.text_editor.area
    return part


@pytest.mark.slow
async def test_quote_inserted_from_the_list_and_previewed(store: Store) -> None:
    review_id = _demo(store)
    section = _section(store, review_id, "5.1")
    with store.session() as session:
        interview = next(i for i in list_interviews(session, review_id)
                         if i.roles == ("gruppledare",))
    observation = interview.observations[0]
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _into_text(app, pilot, "5.1")
        await pilot.press("ctrl+end", "enter", "enter", *"Vid intervjun: ")
        await pilot.press("ctrl+o")
        await pilot_until(pilot, lambda: isinstance(app.screen, QuoteDialog),
                          what="the list of observations")
        dialog = app.screen
        assert isinstance(dialog, QuoteDialog)
        # Narrowed by typing: the gruppledare's observations only.
        await pilot.press(*"gruppledare")
        await pilot.pause()
        assert observation.id in dialog.shown
        await pilot.press("down")
        options = dialog.query_one("#quote-list", OptionList)
        while (options.highlighted_option is not None
               and options.highlighted_option.id != observation.id):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.focused is part.text_editor.area
        expected = section.text + "\n\nVid intervjun: " + quote_markup(observation.id)

        def saved() -> str:
            with store.session() as session:
                return get_section(session, review_id, section.id).text

        await pilot_until(pilot, lambda: saved() == expected, what="the quote saved")
        # Typing goes on after the quote, into the text, not to any one-key command.
        await pilot.press(*" Det stämmer.")
        await pilot_until(pilot, lambda: saved() == expected + " Det stämmer.",
                          what="typing after the quote")
        await pilot.press("ctrl+t")
        await pilot_until(pilot, lambda: isinstance(app.screen, TextPreviewDialog),
                          what="the preview")
        preview = app.screen
        assert isinstance(preview, TextPreviewDialog)
        assert "Gruppledaren uppger vid intervjun den 6 oktober 2026: ”" in preview.text
        assert quote_markup(observation.id) not in preview.text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.focused is part.text_editor.area


@pytest.mark.slow
async def test_ctrl_o_outside_the_text_refuses_and_nothing_changes(store: Store) -> None:
    review_id = _demo(store)
    section = _section(store, review_id, "5.1")
    app = make_app(store, open_review=review_id)
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await _open_section(app, pilot, "5.1")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not isinstance(app.screen, QuoteDialog)
        assert any("Ctrl+O där citatet ska stå" in note for note in notes)
        assert _section(store, review_id, "5.1").text == section.text


async def test_deleted_observation_is_a_warning_before_export(store: Store) -> None:
    review_id = _demo(store)
    section = _section(store, review_id, "5.1")
    with store.session() as session:
        observation = list_interviews(session, review_id)[0].observations[0]
        set_section_text(session, review_id, section.id,
                         f"Text {quote_markup(observation.id)} och [fotnot: öppen")
        delete_observation(session, review_id, observation.id)
        warnings = load_report_data(session, review_id).warnings
    assert ("Avsnitt 5.1 Placeringar: ett citat hänvisar till en iakttagelse som har tagits "
            "bort") in warnings
    assert any(w.startswith("Avsnitt 5.1 Placeringar: en fotnot saknar avslutande ]")
               for w in warnings)


@pytest.mark.slow
async def test_rapport_warns_and_refuses_signing_broken_markup(demo_store: Store) -> None:
    with demo_store.session() as session:
        review_id = list_reviews(session)[0].id
        section = next(s for s in review_sections(session, review_id) if s.number == "4.1")
        set_section_text(session, review_id, section.id,
                         section.text + " [citat: inte ett id]")
    app = make_app(demo_store, open_review=review_id)
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("8")
        await pilot.pause()
        part = app.screen.query_one(ReportPart)
        warnings = str(part.query_one("#report-warnings", Static).content)
        assert "Avsnitt 4.1 Uppdrag: citatet ”[citat: inte ett id]”" in warnings
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, SignOffDialog)  # refused before names are typed
        assert any(note.startswith("Rapporten kan inte signeras förrän märkningen")
                   for note in notes)
