"""Text typed into a list is never taken as one-key commands; answers can be undone.

Each attack types what an auditor types when she believes she is in a text field: a comment
after a refused key in Aktgranskning, a paragraph into Bedömningar's list, a date into
Intervjuer's. The store is read afterwards on a fresh session: nothing may have changed.
"""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import ContentSwitcher, OptionList

from kvtui.store import changelog
from kvtui.store.answers import answers_for, early_comments, review_criteria, save_answer
from kvtui.store.assessments import review_sections
from kvtui.store.database import Store
from kvtui.store.demo import create_demo
from kvtui.store.drafts import list_drafts
from kvtui.store.interviews import list_interviews
from kvtui.store.models import ChangeLog
from kvtui.store.sampling import draw_sample
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.answer_deadline import AnswerDeadlineDialog
from kvtui.tui.dialogs.answer_text import AnswerTextDialog
from kvtui.tui.key_guard import HOLD_SECONDS
from kvtui.tui.parts import PARTS
from kvtui.tui.screens.workspace import WorkspaceScreen
from kvtui.tui.widgets.assessments_part import AssessmentsPart
from kvtui.tui.widgets.filereview_part import FileReviewPart
from kvtui.tui.widgets.interviews_part import InterviewsPart
from tests.signing import sign_review
from tests.waiting import pilot_until

SIZE = (80, 24)
PARAGRAPH = ("Rutinen för uppföljning saknas, dokumentationen är ofullständig och arbetet "
             "görs olika av handläggarna; 0 av 3 hade en aktuell plan.")


@pytest.fixture
def sampled(store: Store) -> tuple[str, list[str]]:
    """The demo review with a small sample of three akter and no answers yet."""
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        sample = draw_sample(session, review_id, size=3, seed="1")
    return review_id, [akt.case_file_id for akt in sample.active]


def _notes(app: KvtuiApp) -> list[str]:
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
    return notes


def _log_size(store: Store) -> int:
    with store.session() as session:
        return changelog.count_entries(session)


_KEY_NAMES = {"-": "minus", " ": "space", ",": "comma", ".": "full_stop", ";": "semicolon"}


async def _type_at_once(app: KvtuiApp, pilot: Pilot[None], text: str, *, enter: bool = False,
                        ) -> None:
    """Keys as a person types them: all sent before the app has handled the first (the
    Pilot's ``press`` waits for each key to be handled, as no typist does); ``enter``: and
    Enter at the end."""
    for char in text:
        app.post_message(events.Key(_KEY_NAMES.get(char, char), char))
    if enter:
        app.post_message(events.Key("enter", "\r"))
    await pilot.pause()


async def _wait_out_hold(pilot: Pilot[None], notes: list[str], held: str) -> None:
    """Until the hold is over: as it ends, a message names the keys ``held``."""
    await pilot_until(pilot, lambda: any(held in note for note in notes),
                      what=f"the message naming {held}")


def _drafts(store: Store) -> list[dict[str, str]]:
    with store.session() as session:
        return [draft.fields for draft in list_drafts(session)]


@pytest.mark.slow
async def test_k_on_an_unanswered_criterion_takes_the_comment_and_answers_nothing(
        store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    """k, then "journal saknas" at typing speed: every letter goes into the comment (before,
    k was refused and the j, n, a … that followed answered criteria)."""
    review_id, akter = sampled
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        view = app.screen.query_one(FileReviewPart).akt_view
        criterion = view.current_criterion
        await _type_at_once(app, pilot, "kjournal saknas")
        await pilot.press("enter")  # she sees the text in the editor, then saves it
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)
        assert view.current_criterion == criterion  # the cursor stays until she answers
        assert "Kommentar (inget svar ännu): journal saknas" in str(view._detail_text(criterion))
        assert view.answered[0] == 0
        with store.session() as session:
            assert answers_for(session, akter[0]) == {}
            assert early_comments(session, akter[0]) == {criterion.id: "journal saknas"}
        # The answer given afterwards takes the comment along.
        await pilot.press("n")
        await pilot.pause()
    with store.session() as session:
        saved = answers_for(session, akter[0])[criterion.id]
        assert (saved.value, saved.comment) == ("nej", "journal saknas")
        assert early_comments(session, akter[0]) == {}


@pytest.mark.slow
async def test_a_comment_before_the_answer_outlives_a_killed_terminal(
        store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    """The comment typed but not saved when kvtui goes without a word is kept as a draft and
    is back in the editor when she presses k on the same criterion again."""
    review_id, akter = sampled
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await _type_at_once(app, pilot, "kjournal saknas")
        await pilot_until(pilot, lambda: _drafts(store) == [{"answer-text": "journal saknas"}],
                          what="the draft kept")
        dialog = app.screen
        assert isinstance(dialog, AnswerTextDialog)
        dialog._draft_timer.stop()  # type: ignore[union-attr]  # as a killed terminal would
    with store.session() as session:
        assert [d.fields for d in list_drafts(session)] == [{"answer-text": "journal saknas"}]
        assert early_comments(session, akter[0]) == {}
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, AnswerTextDialog)
        assert app.screen.typed_fields() == {"answer-text": "journal saknas"}


@pytest.mark.slow
async def test_dates_typed_outlive_a_killed_terminal(store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    """A date typed in a deadline's dialog is kept as a draft of that akt and criterion."""
    review_id, _akter = sampled
    with store.session() as session:
        row = next(i for i, view in enumerate(review_criteria(session, review_id))
                   if view.criterion.kind == "deadline")

    async def open_dates(app: KvtuiApp, pilot: Pilot[None]) -> AnswerDeadlineDialog:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press(*["down"] * row, "enter")
        await pilot.pause()
        assert isinstance(app.screen, AnswerDeadlineDialog)
        return app.screen

    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dates(app, pilot)
        await pilot.press(*"2025-03-01")
        await pilot_until(pilot, lambda: any("2025-03-01" in fields.values()
                                             for fields in _drafts(store)),
                          what="the draft kept")
        typed = dialog.typed_fields()
        assert "2025-03-01" in typed.values()
        dialog._draft_timer.stop()  # type: ignore[union-attr]  # as a killed terminal would
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dates(app, pilot)
        assert dialog.typed_fields() == typed


@pytest.mark.slow
async def test_a_refused_key_holds_the_comment_typed_after_it(store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    """t (dates) on a yes/no criterion is refused; "journal saknas" typed after it answers
    nothing (j, n, e, a … would each have been an answer), and she is told what was held."""
    review_id, akter = sampled
    logged = _log_size(store)
    app = make_app(store, open_review=review_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        view = app.screen.query_one(FileReviewPart).akt_view
        assert view.current_criterion.criterion.kind == "judgement"
        await _type_at_once(app, pilot, "tjournal saknas")
        await _wait_out_hold(pilot, notes, "”journal saknas”")
        assert any("ingen tidsfrist" in note for note in notes)
        assert any("”journal saknas”" in note for note in notes)
        # The hold is over: the next key is a command again.
        await pilot.press("j")
        await pilot.pause()
    with store.session() as session:
        assert [a.value for a in answers_for(session, akter[0]).values()] == ["ja"]
    assert _log_size(store) == logged + 1


@pytest.mark.slow
async def test_a_paragraph_typed_into_the_statements_changes_nothing(store: Store) -> None:
    """The statements list of Bedömningar: a paragraph with a, g, r, s, e, 0 and l in it sets
    no level, opens no dialog, changes no statement."""
    with store.session() as session:
        review_id = create_demo(session, file_review=False, judgement=True)
        before = review_sections(session, review_id)
    logged = _log_size(store)
    app = make_app(store, open_review=review_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.pause()
        part = app.screen.query_one(AssessmentsPart)
        while part.current_section is not None and not part.current_section.assessments:
            await pilot.press("down")
        await pilot.press("tab", "tab")
        assert app.screen.focused is part.statement_list
        await _type_at_once(app, pilot, PARAGRAPH, enter=True)
        assert isinstance(app.screen, WorkspaceScreen)  # no dialog opened
        assert app.screen.current_part == "assessments"
        await _wait_out_hold(pilot, notes, PARAGRAPH[:40])
    with store.session() as session:
        assert review_sections(session, review_id) == before
    assert _log_size(store) == logged
    assert any(PARAGRAPH[:40] in note for note in notes)


@pytest.mark.slow
async def test_a_date_typed_into_the_interviews_switches_no_part(store: Store) -> None:
    """Intervjuer: "2025-03-14" typed into the list. Its 2 would choose Akter & urval and its
    0, 3, 1 and 4 more parts; the workspace stays on Intervjuer and nothing changes."""
    with store.session() as session:
        review_id = create_demo(session, file_review=False, judgement=True)
        before = list_interviews(session, review_id)
    assert before
    logged = _log_size(store)
    app = make_app(store, open_review=review_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        part = app.screen.query_one(InterviewsPart)
        assert app.screen.focused is part.table
        await _type_at_once(app, pilot, "2025-03-14")
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        assert workspace.current_part == "interviews"
        assert workspace.focused is part.table
        await _wait_out_hold(pilot, notes, "”2025-03-14”")
        # Afterwards a part key chooses its part again.
        await pilot.press("2")
        await pilot.pause()
        assert workspace.current_part == "casefiles"
    with store.session() as session:
        assert list_interviews(session, review_id) == before
    assert _log_size(store) == logged
    assert any("”2025-03-14”" in note for note in notes)


@pytest.mark.slow
async def test_a_refusal_in_the_interviews_holds_what_follows(store: Store, review_id: str) -> None:
    """No interview yet: o (Ny iakttagelse) is refused, and the "a" in the words typed after
    it does not open Ny intervju."""
    app = make_app(store, open_review=review_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await _type_at_once(app, pilot, "oenhetschef anser att")
        assert isinstance(app.screen, WorkspaceScreen)
        await _wait_out_hold(pilot, notes, "”enhetschef anser att”")
    assert "Lägg till en intervju först (a)." in notes
    assert any("”enhetschef anser att”" in note for note in notes)


# --- Ctrl+Z ----------------------------------------------------------------------------------


def _values(store: Store, case_file_id: str) -> dict[str, str]:
    with store.session() as session:
        return {cid: a.value for cid, a in answers_for(session, case_file_id).items()}


@pytest.mark.slow
async def test_ctrl_z_undoes_answers_one_by_one(store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    review_id, akter = sampled
    with store.session() as session:
        first, second = [c.id for c in review_criteria(session, review_id)[:2]]
    app = make_app(store, open_review=review_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        view = app.screen.query_one(FileReviewPart).akt_view
        rows = view.criteria_list
        await pilot.press("j")
        await pilot.pause()
        assert rows.flashed_row == 0 and rows.cursor_row == 1  # the answer given stands out
        await pilot.press("n", "up", "up", "d")
        await pilot.pause()
        assert _values(store, akter[0]) == {first: "delvis", second: "nej"}
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert _values(store, akter[0]) == {first: "ja", second: "nej"}
        assert rows.flashed_row == 0 and rows.cursor_row == 0
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert _values(store, akter[0]) == {first: "ja"}
        assert view.answered[0] == 1 and rows.cursor_row == 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert _values(store, akter[0]) == {}
        assert view.answered[0] == 0
        await pilot.press("ctrl+z")
        await pilot.pause()
    assert notes[-1] == "Inget svar att ångra sedan Aktgranskning öppnades."
    assert "Ångrat: K1 är obesvarat igen." in notes or any("obesvarat igen" in n for n in notes)
    with store.session() as session:
        entries = session.exec(select(ChangeLog).where(ChangeLog.entity == "answer")
                               .order_by(ChangeLog.seq)).all()
        assert [e.action for e in entries] == ["create", "create", "update", "update",
                                               "delete", "delete"]
        assert changelog.verify_chain(session).ok


@pytest.mark.slow
async def test_ctrl_z_goes_back_to_an_earlier_akt(store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    """The last answer of an akt moves on to the next one; Ctrl+Z brings the akt back."""
    review_id, akter = sampled
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        view = app.screen.query_one(FileReviewPart).akt_view
        await pilot.press("j", "full_stop")
        await pilot.pause()
        assert view.akt_index == 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert view.akt_index == 0 and view.criteria_list.cursor_row == 0
        assert view.answered[0] == 0
    assert _values(store, akter[0]) == {}


@pytest.mark.slow
async def test_ctrl_z_is_refused_once_the_review_is_signed(store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    review_id, akter = sampled
    app = make_app(store, open_review=review_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        with store.session() as session:  # the rest answered, so that it may be signed
            for akt in akter:
                given = answers_for(session, akt)
                for criterion in review_criteria(session, review_id):
                    if criterion.id not in given:
                        save_answer(session, review_id, akt, criterion.id, "ej_aktuellt")
            sign_review(session, review_id)
        signed = _values(store, akter[0])
        await pilot.press("ctrl+z")
        await pilot.pause()
    assert "Granskningen är signerad och låst; svaren kan inte ändras." in notes
    assert "ja" in signed.values() and _values(store, akter[0]) == signed


# --- a part's keys at once ------------------------------------------------------------------

# The first key of each part, and how to see that it acted: a dialog or form opened (a screen
# on top of the workspace), or Aktgranskning's matrix shown.
FIRST_KEYS = {"overview": "e", "casefiles": "e", "filereview": "m", "interviews": "a",
              "documents": "a", "assessments": "a", "factcheck": "u", "report": "m"}


def _acted(app: KvtuiApp) -> bool:
    screen = app.screen
    if not isinstance(screen, WorkspaceScreen):
        return True
    return screen.query_one(FileReviewPart).current_view == "matrix"


async def _back_in_the_workspace(app: KvtuiApp, pilot: Pilot[None], workspace: Screen[None],
                                  part_id: str) -> None:
    """Undo what a part's first key did: the dialog or form closed, the matrix left."""
    if app.screen is not workspace:
        await pilot.press("escape")
        await pilot_until(pilot, lambda: app.screen is workspace,
                          what=f"the workspace again after {part_id}'s dialog")
    elif _acted(app):
        await pilot.press("m")
        await pilot_until(pilot, lambda: not _acted(app), what="the akt again after the matrix")


@pytest.mark.slow
@pytest.mark.parametrize("start", ["list", "other part"])
async def test_a_part_key_then_its_first_key_acts(demo_store: Store, demo_id: str,
                                                  start: str) -> None:
    """Every part in turn in one workspace, each shown for the first time by its key: from
    the list of parts (the keyboard put back there before each), or from inside the part
    before it, after a person's pause."""
    app = make_app(demo_store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        # "other part": Översikt, shown when the workspace opens, is left for last, so that
        # every other part is first shown by its own key, as in a workspace just opened.
        order = list(PARTS) if start == "list" else [*PARTS[1:], PARTS[0]]
        if start == "other part":
            await pilot.press(PARTS[0].key)  # into Översikt itself, the part before the first
        for part in order:
            key = FIRST_KEYS[part.id]
            if start == "list":
                workspace.query_one("#part-list", OptionList).focus()
                await pilot.pause()
                assert workspace.focused is workspace.query_one("#part-list", OptionList)
            else:
                content = workspace.query_one("#part-content", ContentSwitcher).visible_content
                assert content is not None and workspace.focused is not None
                assert content is workspace.focused or content in workspace.focused.ancestors
                await pilot.pause(HOLD_SECONDS)  # a person's pause between two part keys
            await pilot.press(part.key)
            await pilot.pause()
            assert workspace.current_part == part.id
            # The footer shows the part's key: it is active where the keyboard is.
            active = workspace.active_bindings.get(key)
            assert active is not None and active.enabled, (part.id, key)
            await pilot.press(key)
            await pilot.pause()
            assert _acted(app), (part.id, key)
            await _back_in_the_workspace(app, pilot, workspace, part.id)


@pytest.mark.slow
async def test_walking_the_list_of_parts_keeps_the_keyboard_in_the_list(
        store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()
        workspace: Screen[None] = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        assert workspace.current_part == "filereview"
        assert workspace.focused is not None and workspace.focused.id == "part-list"


