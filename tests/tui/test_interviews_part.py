"""Intervjuer by keys: interviews by role (no name field), notes saved as typed, the
personnummer guard, observations and "Citeras av"."""

from __future__ import annotations

from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from kvtui.domain.judgement import InterviewFields, InterviewView
from kvtui.store.assessments import citing
from kvtui.store.changelog import count_entries
from kvtui.store.database import Store
from kvtui.store.demo import create_demo
from kvtui.store.interviews import add_interview, list_interviews
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.evidence_citing import CitingDialog
from kvtui.tui.dialogs.interview_edit import InterviewDialog
from kvtui.tui.dialogs.interview_observation import ObservationDialog
from kvtui.tui.widgets.assessments_part import AssessmentsPart
from kvtui.tui.widgets.idnumber_guard import IdNumberWarning
from kvtui.tui.widgets.interviews_part import InterviewsPart
from tests.testdata import PERSONNUMMER_FILE
from tests.waiting import pilot_until

SIZE = (80, 24)


def _test_personnummer() -> str:
    """A published test personnummer, read at test time: none is written into the repo."""
    twelve = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[2024]
    return f"{twelve[2:8]}-{twelve[8:]}"


def _interviews(store: Store, review_id: str) -> list[InterviewView]:
    with store.session() as session:
        return list_interviews(session, review_id)


async def _open_part(app: KvtuiApp, pilot: Pilot[None]) -> InterviewsPart:
    """Key 4, then Tab into the list of interviews, where the part's keys work."""
    await pilot.pause()
    await pilot.press("4")
    await pilot.pause()
    return app.screen.query_one(InterviewsPart)


@pytest.mark.slow
async def test_add_edit_and_remove_an_interview_by_role(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, InterviewDialog)
        # Interviewees are roles: nothing in the form asks for a name.
        words = [str(label.content).casefold() for label in dialog.query(Label)]
        words += [(field.id or "") + (field.placeholder or "") for field in dialog.query(Input)]
        assert not any("namn" in word or "name" in word for word in words)
        # Date; the template's roles (space ticks enhetschef, ↓ space gruppledare); a free
        # role; participants; the form.
        await pilot.press(*"2026-10-06", "tab", "space", "down", "space", "tab",
                          *"kurator", "tab", *"3", "tab", "enter", "down", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [saved] = _interviews(store, review_id)
        assert (saved.held_on, saved.roles, saved.participants, saved.form) == (
            date(2026, 10, 6), ("enhetschef", "gruppledare", "kurator"), 3, "group")
        assert part.current_interview is not None
        # e changes it: another date.
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, InterviewDialog)
        await pilot.press(*"2026-10-07", "ctrl+s")
        await pilot.pause()
        [changed] = _interviews(store, review_id)
        assert changed.held_on == date(2026, 10, 7) and changed.roles == saved.roles
        # x asks first; j removes it.
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert _interviews(store, review_id) == []


@pytest.mark.slow
async def test_bad_input_is_shown_in_the_dialog_and_nothing_is_saved(
    store: Store, review_id: str
) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(app, pilot)
        await pilot.press("a", *"2026-13-45", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, InterviewDialog)
        problem = str(app.screen.query_one("#interview-problem").render())
        assert "inget giltigt datum" in problem
        await pilot.press("escape")
    assert _interviews(store, review_id) == []


@pytest.mark.slow
async def test_notes_are_saved_after_typing_without_a_save_key(
    store: Store, review_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A longer pause than the app's, so that "not saved while still typing" holds however
    # busy the machine running the test is.
    delay = 2.0
    monkeypatch.setattr("kvtui.tui.widgets.judgement_editor.SAVE_DELAY", delay)
    with store.session() as session:
        interview = add_interview(session, review_id,
                                  InterviewFields(date(2026, 10, 6), ("enhetschef",)))
        before = count_entries(session)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("tab")  # from the list into the notes
        assert app.screen.focused is part.notes.area
        await pilot.press(*"Möte varje vecka.")
        await pilot.pause()
        assert _interviews(store, review_id)[0].notes == ""  # not yet: still typing
        await pilot_until(pilot, lambda: _interviews(store, review_id)[0].notes != "",
                          what="the notes saved without a save key")
        assert _interviews(store, review_id)[0].notes == "Möte varje vecka."
        with store.session() as session:
            assert count_entries(session) == before + 1  # one save, one change-log entry
        # Typing more and leaving at once (Esc) saves without waiting.
        await pilot.press(*" Bra.", "escape")
        await pilot.pause()
        assert _interviews(store, review_id)[0].notes == "Möte varje vecka. Bra."
        assert app.screen.focused is part.table
        # Typing and quitting at once (Ctrl+Q) saves too.
        await pilot.press("tab", *" Slut.", "ctrl+q")
        await pilot.pause()
    [saved] = _interviews(store, review_id)
    assert saved.id == interview.id and saved.notes == "Möte varje vecka. Bra. Slut."


@pytest.mark.slow
async def test_personnummer_in_notes_is_marked_and_masked_on_ctrl_k(
    store: Store, review_id: str
) -> None:
    number = _test_personnummer()
    with store.session() as session:
        add_interview(session, review_id, InterviewFields(date(2026, 10, 6), ("gruppledare",)))
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("tab", *f"Barnet {number} saknar plan.")
        await pilot.pause()
        warning = part.notes.query_one(IdNumberWarning)
        assert warning.display
        assert "Ctrl+K" in str(warning.content)
        await pilot.press("ctrl+k")
        await pilot.pause()
        masked = f"Barnet {number[:6]}-XXXX saknar plan."
        assert part.notes.text == masked
        assert not warning.display
        # Masking saves at once, without waiting for the pause in typing.
        assert _interviews(store, review_id)[0].notes == masked


@pytest.mark.slow
async def test_observation_with_sections_and_citing(store: Store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False, judgement=True)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("down")  # the group leader, whose observation "gl-plan" is cited
        interview = part.current_interview
        assert interview is not None and interview.roles == ("gruppledare",)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ObservationDialog)
        # The text; Tab to the sections; the first text section (4) ticked.
        await pilot.press(*"Vi har en rutin.", "tab", "space", "ctrl+s")
        await pilot.pause()
        after = next(i for i in _interviews(store, review_id) if i.id == interview.id)
        added = after.observations[-1]
        assert added.text == "Vi har en rutin." and len(added.section_ids) == 1
        # c on a cited observation lists the statements that cite it.
        cited = next(o for o in after.observations if "vart tredje" in o.text)
        part.observation_list.focus()
        part.observation_list.highlighted = list(after.observations).index(cited)
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CitingDialog)
        with store.session() as session:
            expected = citing(session, "observation", cited.id)
        assert [a.id for a in dialog.shown] == [a.id for a in expected] and expected
        # Enter goes to the statement in Bedömningar.
        await pilot.press("enter")
        await pilot.pause()
        assessments = app.screen.query_one(AssessmentsPart)
        assert assessments.current_assessment is not None
        assert assessments.current_assessment.id == expected[0].id
