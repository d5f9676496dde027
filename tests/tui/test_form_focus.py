"""Forms take the keyboard where the auditor expects it and lose nothing she types.

The sign-off dialog starts in its first field, which shows that it has the keyboard; the
evidence dialog's search field has the keyboard when it says "Skriv för att söka", and the
first letter typed is kept; Ctrl+A selects all in a text; a long text opens at its start;
Ändrat on a comment where nothing has changed is asked about first.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, SelectionList

from kvtui.store.assessments import evidence_options, review_sections
from kvtui.store.database import Store
from kvtui.store.factcheck import add_comment, list_comments, send_for_factcheck
from kvtui.store.report_data import current_content, set_method_text
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.evidence_link import EvidenceDialog
from kvtui.tui.dialogs.factcheck_response import ResponseDialog
from kvtui.tui.dialogs.interview_observation import ObservationDialog
from kvtui.tui.dialogs.signoff import SignOffDialog
from kvtui.tui.widgets.idnumber_guard import GuardedTextArea
from kvtui.tui.widgets.judgement_editor import AutoSaveEditor

SIZE = (100, 40)
LONG = "\n".join(f"Rad {number} i en lång text om placeringen." for number in range(1, 120))


@pytest.fixture
def store(demo_store: Store) -> Store:
    """The demo review."""
    return demo_store


async def _show(app: KvtuiApp, pilot: Pilot[None], screen: Screen[object]) -> None:
    await pilot.pause()
    app.push_screen(screen)
    await pilot.pause()
    await pilot.pause()


async def test_signoff_starts_in_its_first_field_which_shows_it(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        dialog = SignOffDialog(1, name="Karin Ekdahl")
        await _show(app, pilot, dialog)
        first = dialog.query_one("#signoff-name", Input)
        other = dialog.query_one("#signoff-role", Input)
        assert dialog.focused is first
        # The focused field stands out from the others (a compact field has no frame): not
        # the faint tint Textual gives it, a colour one sees at a glance.
        assert _contrast(first, other) >= 60
        await pilot.press("tab")
        await pilot.pause()
        assert dialog.focused is other
        assert _contrast(first, dialog.query_one("#signoff-approver", Input)) == 0


def _contrast(one: Input, other: Input) -> int:
    """How far apart two fields' backgrounds are, summed over red, green and blue."""
    a, b = one.background_colors[1], other.background_colors[1]
    return abs(a.r - b.r) + abs(a.g - b.g) + abs(a.b - b.b)


@pytest.mark.slow
async def test_evidence_search_has_the_keyboard_and_keeps_the_first_letter(
        store: Store, demo_id: str) -> None:
    with store.session() as session:
        assessment = next(a for s in review_sections(session, demo_id)
                          for a in s.assessments)
        options = evidence_options(session, demo_id)
    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = EvidenceDialog(store, demo_id, assessment, options, {})
        await _show(app, pilot, dialog)
        search = dialog.query_one("#evidence-filter", Input)
        assert search.placeholder.startswith("Skriv för att söka")
        assert dialog.focused is search
        await pilot.press("i", "n")
        await pilot.pause()
        assert search.value == "in"
        # ↓ to the list; a letter typed there goes on in the search, not lost.
        await pilot.press("down")
        await pilot.pause()
        listed = dialog.query_one("#evidence-list", SelectionList)
        assert dialog.focused is listed
        await pilot.press("t")
        await pilot.pause()
        assert dialog.focused is search and search.value == "int"


@pytest.mark.slow
async def test_ctrl_a_selects_the_whole_text(store: Store, demo_id: str) -> None:
    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = _observation(store, demo_id, "Första raden\nandra raden")
        await _show(app, pilot, dialog)
        area = dialog.query_one("#observation-text", GuardedTextArea)
        assert dialog.focused is area
        # A short text opens with the cursor at its end, ready to go on writing.
        assert area.cursor_location == area.document.end
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert area.selected_text == "Första raden\nandra raden"
        await pilot.press("x")
        await pilot.pause()
        assert area.text == "x"


def _observation(store: Store, review_id: str, text: str) -> ObservationDialog:
    from kvtui.store.interviews import add_observation, list_interviews

    with store.session() as session:
        interview = list_interviews(session, review_id)[0]
        observation = add_observation(session, review_id, interview.id, text, [])
        sections = [(s.id, s.heading) for s in review_sections(session, review_id)]
    return ObservationDialog(store, review_id, interview.id, observation, sections)


@pytest.mark.slow
async def test_a_long_text_opens_at_its_start(store: Store, demo_id: str) -> None:
    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = _observation(store, demo_id, LONG)
        await _show(app, pilot, dialog)
        area = dialog.query_one("#observation-text", GuardedTextArea)
        assert area.cursor_location == (0, 0) and area.scroll_y == 0
        await pilot.press("ctrl+end")  # to go on writing at its end
        assert area.cursor_location == area.document.end
        await pilot.press("ctrl+home")
        assert area.cursor_location == (0, 0)
        dialog.dismiss(None)
        await pilot.pause()
        # The editor of section texts and interview notes, too.
        editor = AutoSaveEditor("Text", id="probe")
        await app.screen.mount(editor)
        editor.load("kort", lambda _text: None)
        editor.load(LONG, lambda _text: None)
        await pilot.pause()
        assert editor.area.cursor_location == (0, 0) and editor.area.scroll_y == 0


@pytest.mark.slow
async def test_andrat_where_nothing_changed_is_asked_about(store: Store, demo_id: str) -> None:
    with store.session() as session:
        send_for_factcheck(session, demo_id, current_content(session, demo_id),
                           sent_on=date(2026, 11, 20))
        section = next(s for s in review_sections(session, demo_id) if s.number == "3")
        comment = add_comment(session, demo_id, section_id=section.id, role="Enhetschef",
                              text="Antalet intervjuer är fel.", received_on=date(2026, 11, 25))
    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = ResponseDialog(store, demo_id, comment)
        await _show(app, pilot, dialog)
        assert dialog.query_one("#response-choice", Select).value == "changed"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Ingenting har ändrats" in str(app.screen._question)
        await pilot.press("n")  # Nej: nothing saved, the dialog stays
        await pilot.pause()
        assert app.screen is dialog
        with store.session() as session:
            assert list_comments(session, demo_id)[0].response == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("j")  # Ja: saved as Ändrat after all
        await pilot.pause()
        assert dialog not in app.screen_stack
        with store.session() as session:
            assert list_comments(session, demo_id)[0].response == "changed"


@pytest.mark.slow
async def test_andrat_after_a_change_is_not_asked_about(store: Store, demo_id: str) -> None:
    with store.session() as session:
        send_for_factcheck(session, demo_id, current_content(session, demo_id),
                           sent_on=date(2026, 11, 20))
        comment = add_comment(session, demo_id, section_id=None, role="Enhetschef",
                              text="Metoden saknar en intervju.", received_on=None)
        set_method_text(session, demo_id, "En ny metodtext.")
    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = ResponseDialog(store, demo_id, comment)
        await _show(app, pilot, dialog)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert dialog not in app.screen_stack
    with store.session() as session:
        assert list_comments(session, demo_id)[0].response == "changed"
