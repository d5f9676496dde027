"""The personnummer guard in the app, against the store: what the auditor sees is what the
store does. A number typed or pasted is marked and stored masked, notes saved as they are
typed included; Ctrl+G says it is not a personnummer and it is stored as typed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from kvtui.domain.judgement import InterviewFields
from kvtui.store.assessments import review_sections
from kvtui.store.database import Store
from kvtui.store.demo import create_demo
from kvtui.store.idnumber_rule import key_of
from kvtui.store.interviews import add_interview, list_interviews
from kvtui.store.models import FalseAlarm
from kvtui.store.review_detail import list_reviews, review_detail
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.answer_text import AnswerTextDialog
from kvtui.tui.dialogs.assessment_edit import AssessmentDialog
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.reopen import ReopenDialog
from kvtui.tui.screens.new_review import ReviewFormScreen
from kvtui.tui.widgets.assessments_part import AssessmentsPart
from kvtui.tui.widgets.idnumber_guard import (
    HIGHLIGHT,
    GuardedTextArea,
    IdNumberWarning,
    TypedText,
)
from kvtui.tui.widgets.interviews_part import InterviewsPart
from tests.idnumber_forms import spelt_anyhow, store_texts, written_forms
from tests.testdata import PERSONNUMMER_FILE

SIZE = (80, 24)


def _numbers() -> list[str]:
    """Published test personnummer (12 digits), read at test time."""
    return PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[5000:5010]


async def _paste(pilot: Pilot[None], text: str) -> None:
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def _alarms(store: Store) -> list[str]:
    with store.session() as session:
        return [alarm.digits for alarm in session.exec(select(FalseAlarm)).all()]


def _question(app: App[object]) -> str:
    """The question of the confirmation dialog on top."""
    assert isinstance(app.screen, ConfirmDialog)
    return str(app.screen.query_one("#confirm-question", Static).content)


class AreaApp(App[None]):
    def compose(self) -> ComposeResult:
        yield GuardedTextArea(id="area")
        yield IdNumberWarning()

    def on_guarded_text_area_ids_changed(self, event: GuardedTextArea.IdsChanged) -> None:
        self.query_one(IdNumberWarning).show_warning(event.warning)


async def test_a_pasted_number_is_marked_across_a_line_break_and_accepted_on_ctrl_g() -> None:
    number = _numbers()[0]
    pasted = written_forms(number)["radbrytning efter bindestreck"]
    app = AreaApp()
    async with app.run_test(size=SIZE) as pilot:
        area = app.query_one(GuardedTextArea)
        area.focus()
        await _paste(pilot, f"Barnet\n{pasted} bor hos mormor.")
        # Both halves of the number are marked, on their own lines.
        for row, part in ((1, number[2:8]), (2, number[8:])):
            line = area.get_line(row)
            start = line.plain.index(part)
            assert any(span.style == HIGHLIGHT and span.start <= start
                       and span.end >= start + len(part) for span in line.spans), row
        warning = app.query_one(IdNumberWarning)
        assert warning.display and "Ctrl+G" in str(warning.content)
        # Ctrl+G asks first, showing the number masked; "Nej" takes nothing.
        await pilot.press("ctrl+g")
        await pilot.pause()
        question = _question(app)
        assert f"Är {number[2:8]}-XXXX inte ett personnummer?" in question
        assert "överallt där det står i databasen" in question and number[8:] not in question
        await pilot.press("n")
        await pilot.pause()
        assert warning.display and area.accepted == frozenset()
        await pilot.press("ctrl+g", "j")
        await pilot.pause()
        assert not warning.display
        assert area.accepted == {key_of(pasted)}
        assert area.text.endswith(f"{pasted} bor hos mormor.")  # nothing masked


async def _open_notes(app: KvtuiApp, pilot: Pilot[None]) -> InterviewsPart:
    await pilot.pause()
    await pilot.press("4")
    await pilot.pause()
    part = app.screen.query_one(InterviewsPart)
    await pilot.press("tab")  # into the notes
    assert app.screen.focused is part.notes.area
    return part


@pytest.mark.slow
async def test_notes_saved_as_typed_never_hold_the_number_until_the_auditor_says(
    store: Store, review_id: str,
) -> None:
    numbers = _numbers()
    full_width = written_forms(numbers[1])["helbredda siffror"]
    phone = numbers[2][2:]
    with store.session() as session:
        add_interview(session, review_id, InterviewFields(date(2026, 10, 6), ("enhetschef",)))
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        part = await _open_notes(app, pilot)
        await _paste(pilot, f"Barnet {full_width} saknar plan.")
        part.notes.flush()  # as the pause in typing would
        await pilot.pause()
        with store.session() as session:
            [interview] = list_interviews(session, review_id)
        assert interview.notes == f"Barnet {numbers[1][:8]}-XXXX saknar plan."
        assert part.notes.text == f"Barnet {full_width} saknar plan."  # still marked here
        assert part.notes.query_one(IdNumberWarning).display
        # Ctrl+K masks it in the editor too; a phone number that reads as a personnummer is
        # then accepted with Ctrl+G and saved as typed at once.
        await pilot.press("ctrl+k")
        await _paste(pilot, f" Ring {phone}.")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert f"{phone[:6]}-XXXX" in _question(app)
        await pilot.press("j")
        await pilot.pause()
        assert not part.notes.query_one(IdNumberWarning).display
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert "Personnumret är maskerat; texten är sparad." in toasts
        assert "Numret är inget personnummer; texten är sparad som du skrev den." in toasts
        with store.session() as session:
            [interview] = list_interviews(session, review_id)
    assert interview.notes == f"Barnet {numbers[1][:8]}-XXXX saknar plan. Ring {phone}."
    assert _alarms(store) == [phone]
    texts = store_texts(store.path.parent)
    assert not spelt_anyhow(numbers[1]).search(texts)
    assert spelt_anyhow(numbers[2]).search(texts)


@pytest.mark.slow
async def test_a_statement_is_masked_on_save_and_kept_on_ctrl_g(store: Store) -> None:
    numbers = _numbers()
    with store.session() as session:
        review_id = create_demo(session, file_review=False, judgement=True)
    app = make_app(store, open_review=review_id)
    typed = f"Barnet {numbers[3][2:8]}-{numbers[3][8:]} har ingen plan."
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("6")
        await pilot.pause()
        part = app.screen.query_one(AssessmentsPart)
        while part.current_section is None or part.current_section.number != "5.1":
            await pilot.press("down")
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AssessmentDialog)
        await _paste(pilot, typed)
        await pilot.press("ctrl+s")  # masks, says so, saves nothing
        await pilot.pause()
        problem = str(dialog.query_one("#assessment-problem", Static).content)
        assert "maskerat" in problem and "Ctrl+G" in problem
        assert dialog.query_one(GuardedTextArea).text == (
            f"Barnet {numbers[3][2:8]}-XXXX har ingen plan.")
        await pilot.press("ctrl+g")  # not a personnummer: asked, back as typed, saved so
        await pilot.pause()
        assert f"{numbers[3][2:8]}-XXXX" in _question(app)
        await pilot.press("j")
        await pilot.pause()
        assert app.screen is not dialog
    with store.session() as session:
        section = next(s for s in review_sections(session, review_id) if s.number == "5.1")
    assert [a.statement for a in section.assessments] == [typed]
    assert _alarms(store) == [numbers[3][2:]]


@pytest.mark.slow
async def test_the_review_form_masks_a_field_and_saves_it_masked(store: Store) -> None:
    numbers = _numbers()
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReviewFormScreen)
        form.query_one("#title", Input).value = "Granskning"
        form.query_one("#unit", Input).value = f"Enheten {numbers[4]}"
        form.query_one("#purpose", GuardedTextArea).text = (
            f"Syfte\n{written_forms(numbers[5])['nollbreddsblanksteg']}")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#unit", Input).value == f"Enheten {numbers[4][:8]}-XXXX"
        await pilot.press("ctrl+s")  # saved as it now reads
        await pilot.pause()
        assert app.screen is not form
    with store.session() as session:
        [summary] = list_reviews(session)
        fields = review_detail(session, summary.id).fields
    assert fields.unit == f"Enheten {numbers[4][:8]}-XXXX"
    assert fields.purpose == f"Syfte\n{numbers[5][2:8]}-XXXX"
    texts = store_texts(store.path.parent)
    assert not any(spelt_anyhow(n).search(texts) for n in numbers[4:6])
    assert _alarms(store) == []


class DialogApp(App[None]):
    """Opens one dialog and keeps what it dismissed with."""

    def __init__(self, dialog: AnswerTextDialog | ReopenDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[TypedText | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


@pytest.mark.parametrize("make", [
    lambda: AnswerTextDialog("Kommentar", "Skriv en kommentar"),
    lambda: ReopenDialog(1),
], ids=["kommentar", "öppna igen"])
@pytest.mark.slow
async def test_one_line_dialogs_accept_only_a_number_masked_and_shown(make) -> None:
    """Ctrl+G before the first Enter has shown nothing: it asks nothing and takes nothing. The
    number masked by Enter is asked about, and taken on yes; a field edited since it was
    masked has nothing shown to take."""
    number = _numbers()[6]
    typed = f"Ring {number[2:]} i morgon"
    app = DialogApp(make())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = app.dialog.query_one(Input)
        field.value = typed
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen is app.dialog and app.results == []  # nothing asked, nothing taken
        await pilot.press("enter")  # masks and says so
        await pilot.pause()
        assert field.value == f"Ring {number[2:8]}-XXXX i morgon"
        field.value += "!"  # edited since: what was shown is gone
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen is app.dialog
        field.value = typed
        await pilot.press("enter", "ctrl+g")
        await pilot.pause()
        assert f"Är {number[2:8]}-XXXX inte ett personnummer?" in _question(app)
        await pilot.press("j")
        await pilot.pause()
    assert app.results == [TypedText(typed, frozenset({number[2:]}))]
