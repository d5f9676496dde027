"""Nothing typed in a dialog is lost: Esc and Ctrl+Q ask Spara / Släng / Fortsätt, and the text
is kept as a draft in the store while it is typed and comes back when the dialog is opened again.

Every dialog that holds typed text is driven the same way: type into a field, press Esc, and
answer the question. The dialogs are opened over the review list (the first screen): what is
tested is the dialog's own, and opening the demo's workspace under each would only cost time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, TextArea

from kvtui.domain.plan_data import PlanView
from kvtui.store.action_plan import FirstGrade, add_risk, create_plan, find_plan_for_unit
from kvtui.store.assessments import review_sections
from kvtui.store.criteria import criterion_of, criterion_rows
from kvtui.store.database import Store
from kvtui.store.drafts import drafts_left, list_drafts, load_draft, save_draft
from kvtui.store.factcheck import add_comment, list_comments, send_for_factcheck
from kvtui.store.interviews import list_interviews
from kvtui.store.plan_view import plan_view
from kvtui.store.report_data import current_content
from kvtui.store.reviews import get_review
from kvtui.store.sampling import current_sample
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.answer_count import AnswerCountDialog
from kvtui.tui.dialogs.answer_deadline import AnswerDeadlineDialog
from kvtui.tui.dialogs.answer_text import AnswerTextDialog
from kvtui.tui.dialogs.assessment_edit import AssessmentDialog
from kvtui.tui.dialogs.casefile_edit import CaseFileDialog
from kvtui.tui.dialogs.document_edit import DocumentDialog
from kvtui.tui.dialogs.factcheck_comment import CommentDialog
from kvtui.tui.dialogs.factcheck_response import ResponseDialog
from kvtui.tui.dialogs.interview_edit import InterviewDialog
from kvtui.tui.dialogs.interview_observation import ObservationDialog
from kvtui.tui.dialogs.look import LookDialog
from kvtui.tui.dialogs.plan_action import ActionDialog
from kvtui.tui.dialogs.plan_assess import AssessDialog
from kvtui.tui.dialogs.plan_findings import FindingsDialog
from kvtui.tui.dialogs.plan_followup import FollowupDialog
from kvtui.tui.dialogs.plan_indicator import IndicatorDialog
from kvtui.tui.dialogs.plan_new import PlanNewDialog
from kvtui.tui.dialogs.plan_risk import RiskDialog
from kvtui.tui.dialogs.reopen import ReopenDialog
from kvtui.tui.dialogs.sample_change import ExtendSampleDialog, ReplaceAktDialog
from kvtui.tui.dialogs.sample_draw import DrawSampleDialog
from kvtui.tui.dialogs.signoff import SignOffDialog
from kvtui.tui.dialogs.unsaved import TextDialog, UnsavedQuestion
from kvtui.tui.screens.new_review import ReviewFormScreen
from tests.testdata import PERSONNUMMER_FILE
from tests.waiting import pilot_until

SIZE = (100, 40)


@pytest.fixture
def store(demo_store: Store) -> Store:
    """The demo review: a sample drawn, interviews, sections."""
    return demo_store


@dataclass(frozen=True)
class Case:
    """A dialog that holds typed text, how to make it, and which field to type in."""

    name: str
    make: Callable[[Store, str], TextDialog[object]]
    field: str
    typed: str = "Kvar"
    saves: bool = True


def _sections(store: Store, review_id: str) -> list[tuple[str, str]]:
    with store.session() as session:
        return [(s.id, s.heading) for s in review_sections(session, review_id)]


def _criterion(store: Store, review_id: str, kind: str):  # type: ignore[no-untyped-def]
    with store.session() as session:
        return next(criterion_of(row) for row in criterion_rows(session, review_id)
                    if row.kind == kind)


def _sent_comment(store: Store, review_id: str):  # type: ignore[no-untyped-def]
    with store.session() as session:
        send_for_factcheck(session, review_id, current_content(session, review_id),
                           sent_on=date(2026, 11, 20))
        return add_comment(session, review_id, section_id=None, role="Enhetschef",
                           text="Antalet intervjuer är fel.", received_on=date(2026, 11, 25))


def _sent(store: Store, review_id: str) -> None:
    with store.session() as session:
        send_for_factcheck(session, review_id, current_content(session, review_id),
                           sent_on=date(2026, 11, 20))


def _interview_id(store: Store, review_id: str) -> str:
    with store.session() as session:
        return list_interviews(session, review_id)[0].id


def _akt(store: Store, review_id: str):  # type: ignore[no-untyped-def]
    with store.session() as session:
        sample = current_sample(session, review_id)
    assert sample is not None
    return sample.items[-1]


def _unit_plan(store: Store, review_id: str) -> PlanView:
    """The plan of the review's unit, with one risk assessed Röd; made the first time."""
    with store.session() as session:
        review = get_review(session, review_id)
        plan_id = find_plan_for_unit(session, review.unit, review.municipality)
        if plan_id is None:
            plan_id = create_plan(session, unit=review.unit, municipality=review.municipality,
                                  decided_on=date(2026, 1, 15))
            add_risk(session, plan_id, area="5 Effektivitet", title="Kontinuitet",
                     first=FirstGrade(3, 3, date(2026, 1, 15)))
        return plan_view(session, plan_id)


def _comment_dialog(store: Store, review_id: str) -> CommentDialog:
    _sent(store, review_id)
    return CommentDialog(store, review_id, None, _sections(store, review_id))


CASES = [
    Case("review-form", lambda s, r: ReviewFormScreen(s), "title", saves=False),
    Case("answer-text", lambda s, r: AnswerTextDialog("K1 Kommentar", "Fråga?"
                                                      ).for_subject("akt:K1"), "answer-text"),
    Case("answer-count", lambda s, r: AnswerCountDialog(_criterion(s, r, "count")),
         "count-number", typed="3"),
    Case("answer-deadline", lambda s, r: AnswerDeadlineDialog(_criterion(s, r, "deadline")),
         "deadline-start", typed="2026-01-02", saves=False),
    Case("assessment", lambda s, r: AssessmentDialog(s, r, _sections(s, r)[3][0], "4", None),
         "assessment-text"),
    Case("casefile", lambda s, r: CaseFileDialog(s, r, None, []), "casefile-reference",
         typed="AKT-999", saves=False),
    Case("document", lambda s, r: DocumentDialog(s, r, None, []), "document-title"),
    Case("interview", lambda s, r: InterviewDialog(s, r, None, ["Socialsekreterare"]),
         "interview-other-roles"),
    Case("observation", lambda s, r: ObservationDialog(s, r, _interview_id(s, r), None,
                                                       _sections(s, r)), "observation-text"),
    Case("comment", _comment_dialog, "comment-text"),
    Case("response", lambda s, r: ResponseDialog(s, r, _sent_comment(s, r)), "response-reason",
         saves=False),
    Case("reopen", lambda s, r: ReopenDialog(1), "reopen-reason",
         typed="Nämnden begärde en ändring"),
    Case("replace-akt", lambda s, r: ReplaceAktDialog(s, r, _akt(s, r)), "replace-reason",
         saves=False),
    Case("extend-sample", lambda s, r: ExtendSampleDialog(s, r, 40, 10), "extend-count",
         typed="1", saves=False),
    Case("draw-sample", lambda s, r: DrawSampleDialog(s, r, 40, {}), "sample-seed",
         saves=False),
    Case("signoff", lambda s, r: SignOffDialog(1), "signoff-name", typed="Karin Ekdahl",
         saves=False),
    Case("look", lambda s, r: LookDialog(), "look-committee", typed="Socialnämnden",
         saves=False),  # saved in a thread: tests/tui/test_look_dialog.py
    Case("plan-new", lambda s, r: PlanNewDialog(s, unit="Barn och familjeenheten",
                                                municipality="Sjövik kommun", committee=""),
         "plan-title"),
    Case("plan-risk", lambda s, r: RiskDialog(s, _unit_plan(s, r).id, []), "risk-title",
         saves=False),  # the area is needed too
    Case("plan-assess", lambda s, r: AssessDialog(s, (p := _unit_plan(s, r)).id, p.risks[0],
                                                  p.matrix), "assess-comment"),
    Case("plan-action", lambda s, r: ActionDialog(s, (p := _unit_plan(s, r)).id, p.risks[0]),
         "action-title"),
    Case("plan-indicator", lambda s, r: IndicatorDialog(s, (p := _unit_plan(s, r)).id,
                                                        p.risks[0]), "indicator-name"),
    Case("plan-followup", lambda s, r: FollowupDialog(s, _unit_plan(s, r)),
         "followup-summary"),
    Case("plan-findings", lambda s, r: FindingsDialog(s, _unit_plan(s, r).id, []),
         "findings-area", saves=False),  # nothing chosen: the dialog says so
]


async def _open(app: KvtuiApp, pilot: Pilot[None], dialog: TextDialog[object],
                results: list[object]) -> None:
    await pilot.pause()
    app.push_screen(dialog, results.append)
    await pilot.pause()
    await pilot.pause()
    assert dialog._loaded is not None  # ready: it knows what it opened with


async def _type(pilot: Pilot[None], dialog: Screen[object], field: str, text: str) -> None:
    widget = dialog.query_one(f"#{field}")
    widget.focus()
    await pilot.pause()
    if isinstance(widget, Input):
        widget.cursor_position = len(widget.value)
    for char in text:
        await pilot.press("space" if char == " " else char)
    await pilot.pause()


def _draft_fields(store: Store) -> list[dict[str, str]]:
    with store.session() as session:
        return [draft.fields for draft in list_drafts(session)]


def _value(dialog: Screen[object], field: str) -> str:
    widget = dialog.query_one(f"#{field}")
    return widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_escape_asks_and_each_answer_does_what_it_says(
        store: Store, demo_id: str, case: Case) -> None:
    dialog = case.make(store, demo_id)
    app = make_app(store)
    results: list[object] = []
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, dialog, results)
        # Nothing typed: Esc closes at once.
        await pilot.press("escape")
        await pilot.pause()
        assert dialog not in app.screen_stack and results == [None]

        dialog = _made_again(store, demo_id, case, dialog)
        await _open(app, pilot, dialog, results)
        await _type(pilot, dialog, case.field, case.typed)
        typed = _value(dialog, case.field)
        assert case.typed in typed
        # Esc asks; Fortsätt keeps the dialog and what was typed.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedQuestion)
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is dialog and _value(dialog, case.field) == typed
        # Kept as a draft meanwhile.
        def kept() -> str | None:
            with store.session() as session:
                draft = load_draft(session, dialog.draft_key())
            return None if draft is None else draft.fields[case.field]

        if dialog.keeps_drafts():
            await pilot_until(pilot, lambda: kept() == typed, what="the draft kept")
        else:
            assert dialog._draft_timer is None  # nothing that could keep one runs
            assert kept() is None
        # Släng closes without saving, and the draft goes with it.
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert dialog not in app.screen_stack and results[-1] is None
        with store.session() as session:
            assert load_draft(session, dialog.draft_key()) is None
        if not case.saves:
            return
        # Spara in the question saves what was typed, and the draft goes.
        dialog = _made_again(store, demo_id, case, dialog)
        await _open(app, pilot, dialog, results)
        await _type(pilot, dialog, case.field, case.typed)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.pause()
        assert dialog not in app.screen_stack
        assert results[-1] is not None
        with store.session() as session:
            assert load_draft(session, dialog.draft_key()) is None


def _made_again(store: Store, review_id: str, case: Case,
                dialog: TextDialog[object]) -> TextDialog[object]:
    """The case's dialog once more, as it was made the first time."""
    if case.name in {"comment", "response"}:
        return type(dialog)(*_again(dialog))
    return case.make(store, review_id)


def _again(dialog: TextDialog[object]) -> tuple[object, ...]:
    """The arguments of a dialog whose making changes the store (it can be made once)."""
    if isinstance(dialog, CommentDialog):
        return (dialog._store, dialog._review_id, None, dialog._sections)
    assert isinstance(dialog, ResponseDialog)
    return (dialog._store, dialog._review_id, dialog._comment)


@pytest.mark.slow
async def test_a_draft_comes_back_when_the_dialog_is_opened_again(
        store: Store, demo_id: str) -> None:
    _sent(store, demo_id)
    sections = _sections(store, demo_id)
    app = make_app(store, open_review=demo_id)
    notes: list[str] = []
    original = app.notify
    app.notify = lambda message, *a, **k: (notes.append(str(message)),  # type: ignore[method-assign]
                                           original(message, *a, **k))[1]
    async with app.run_test(size=SIZE) as pilot:
        dialog = CommentDialog(store, demo_id, None, sections)
        await _open(app, pilot, dialog, [])
        await _type(pilot, dialog, "comment-text", "Tre gruppledare")
        await pilot_until(pilot, lambda: [fields.get("comment-text") for fields in
                                          _draft_fields(store)] == ["Tre gruppledare"],
                          what="the draft kept")
        # The app goes without a word (as a killed terminal would take it): the draft stays.
        dialog._draft_timer.stop()  # type: ignore[union-attr]
    with store.session() as session:
        kept = list_drafts(session)
    assert [d.title for d in kept] == ["Synpunkt"]
    connection = store.plain_connection()
    try:
        assert drafts_left(connection) == kept  # as read at start, past the ORM
    finally:
        connection.close()
    assert kept[0].fields["comment-text"] == "Tre gruppledare"
    app = make_app(store, open_review=demo_id)
    notes.clear()
    original = app.notify
    app.notify = lambda message, *a, **k: (notes.append(str(message)),  # type: ignore[method-assign]
                                           original(message, *a, **k))[1]
    async with app.run_test(size=SIZE) as pilot:
        dialog = CommentDialog(store, demo_id, None, sections)
        await _open(app, pilot, dialog, [])
        assert _value(dialog, "comment-text") == "Tre gruppledare"
        assert any(note.startswith("Osparad text från ") and "återställd" in note
                   for note in notes)
        # She may discard it: Esc, Släng.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedQuestion)
        await pilot.press("l")
        await pilot.pause()
    with store.session() as session:
        assert list_drafts(session) == []
        assert list_comments(session, demo_id) == []


async def test_a_draft_is_masked_like_every_text(store: Store, demo_id: str) -> None:
    """The store's rule for personnummer applies to drafts: a number typed is kept masked."""
    digits = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[2024]  # a published test one
    typed = f"{digits[2:8]}-{digits[8:]}"
    with store.session() as session:
        save_draft(session, "x", title="Synpunkt", review_id=demo_id,
                   fields={"comment-text": f"Barnet {typed} har flyttat"})
    connection = store.plain_connection()
    try:
        stored = connection.execute("SELECT fields_json FROM draft").fetchone()[0]
    finally:
        connection.close()
    assert digits[8:] not in stored and f"Barnet {digits[2:8]}-XXXX har flyttat" in stored


@pytest.mark.slow
async def test_ctrl_q_asks_for_an_open_dialog_and_spara_saves_before_quitting(
        store: Store, demo_id: str) -> None:
    app = make_app(store, open_review=demo_id)
    results: list[object] = []
    async with app.run_test(size=SIZE) as pilot:
        dialog = DocumentDialog(store, demo_id, None, [])
        await _open(app, pilot, dialog, results)
        await _type(pilot, dialog, "document-title", "Rutin för placering")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedQuestion)
        await pilot.press("s")
        await pilot.pause()
        await pilot.pause()
    assert app.return_code == 0
    assert results and results[-1] is not None
    with store.session() as session:
        assert list_drafts(session) == []


@pytest.mark.slow
async def test_ctrl_q_slang_discards_the_draft(store: Store, demo_id: str) -> None:
    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = DocumentDialog(store, demo_id, None, [])
        await _open(app, pilot, dialog, [])
        await _type(pilot, dialog, "document-title", "Rutin")
        await pilot_until(pilot, lambda: len(_draft_fields(store)) == 1, what="the draft kept")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
    with store.session() as session:
        assert list_drafts(session) == []
