"""Aktgranskning by keys: every answer saved at once, dialogs for dates and numbers, moving on.

Each test checks what reached the store (``answers_for`` on a fresh session), not only what the
screen shows.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual import events
from textual.widgets import Input, Static

from kvtui.store.answers import answers_for, not_applicable, review_criteria
from kvtui.store.database import Store
from kvtui.store.demo import create_demo
from kvtui.store.sampling import current_sample, draw_sample
from kvtui.tui.app import make_app
from kvtui.tui.dialogs.answer_count import AnswerCountDialog
from kvtui.tui.dialogs.answer_deadline import AnswerDeadlineDialog
from kvtui.tui.dialogs.answer_text import AnswerTextDialog
from kvtui.tui.widgets.filereview_akt import AktView
from kvtui.tui.widgets.filereview_part import NO_SAMPLE, FileReviewPart
from tests.waiting import pilot_until

SIZE = (80, 24)


@pytest.fixture
def sampled(store: Store) -> tuple[str, list[str]]:
    """The demo review with a small sample of three akter and no answers yet."""
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        sample = draw_sample(session, review_id, size=3, seed="1")
    return review_id, [akt.case_file_id for akt in sample.active]


def _part(app) -> FileReviewPart:  # type: ignore[no-untyped-def]
    return app.screen.query_one(FileReviewPart)


async def _type(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*text)


@pytest.mark.slow
async def test_without_a_sample_it_says_where_to_draw_one(store: Store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        part = _part(app)
        assert part.current_view == ""
        assert str(part.query_one("#fr-empty", Static).content) == NO_SAMPLE
        await pilot.press("j", "m")  # nothing to answer, nothing to show, no error
        await pilot.pause()
        assert part.current_view == ""


@pytest.mark.slow
async def test_a_whole_akt_answered_by_keys(store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    review_id, akter = sampled
    with store.session() as session:
        criteria = review_criteria(session, review_id)
        reasons = not_applicable(session, review_id, akter[0])
    judgement_keys = iter("jdn" * 10)
    expected: dict[str, str] = {}
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        view = _part(app).akt_view
        assert isinstance(view, AktView)
        assert view.akt_index == 0 and view.current_akt.case_file_id == akter[0]
        first_deadline = True
        for criterion in criteria:
            assert view.current_criterion.id == criterion.id
            kind = criterion.criterion.kind
            if criterion.id in reasons:
                await pilot.press("e")
                expected[criterion.id] = "ej_aktuellt"
            elif kind == "deadline":
                await pilot.press("enter")
                await pilot.pause()
                dialog = app.screen
                assert isinstance(dialog, AnswerDeadlineDialog)
                if first_deadline:  # typed; an impossible date is refused with the message
                    start = dialog.query_one("#deadline-start", Input)
                    if start.value:  # the akt's own date (its list's "Placerad från"): retyped
                        start.value = ""
                        start.focus()
                        await pilot.pause()
                    await _type(pilot, "20240305")
                    await pilot.press("enter")
                    await _type(pilot, "2024-02-30")
                    await pilot.press("enter")
                    await pilot.pause()
                    assert app.screen is dialog
                    result = str(dialog.query_one("#answer-result", Static).content)
                    assert "2024-02-30" in result and "inget giltigt datum" in result
                    dialog.query_one("#deadline-end", Input).value = ""
                    await _type(pilot, "2024-3-5")
                    first_deadline = False
                else:  # the same dates, filled in without typing to keep the test short
                    dialog.query_one("#deadline-start", Input).value = "20240305"
                    dialog.query_one("#deadline-end", Input).value = "2024-3-5"
                    dialog.query_one("#deadline-end", Input).focus()
                await pilot.pause()
                assert "0 dagar, inom tidsfristen" in str(
                    dialog.query_one("#answer-result", Static).content
                )
                await pilot.press("enter")
                expected[criterion.id] = "ja"
            elif kind == "count":
                await pilot.press("enter")
                await pilot.pause()
                assert isinstance(app.screen, AnswerCountDialog)
                await _type(pilot, "2")
                await pilot.press("enter")
                expected[criterion.id] = "nej"  # two talks, the threshold is four
            else:
                key = next(judgement_keys)
                await pilot.press(key)
                expected[criterion.id] = {"j": "ja", "d": "delvis", "n": "nej"}[key]
            await pilot.pause()
        # The last answer of the akt moves on to the next akt's first criterion.
        assert view.akt_index == 1 and view.current_criterion.id == criteria[0].id
        assert view.answered == (len(criteria), 3 * len(criteria))
    with store.session() as session:
        saved = answers_for(session, akter[0])
    assert {cid: answer.value for cid, answer in saved.items()} == expected
    deadline = next(c for c in criteria
                    if c.criterion.kind == "deadline" and c.id not in reasons)
    assert (saved[deadline.id].start_date, saved[deadline.id].end_date) == (
        date(2024, 3, 5), date(2024, 3, 5))
    count = next(c for c in criteria if c.criterion.kind == "count")
    assert (saved[count.id].number, saved[count.id].computed_value) == (2, "nej")
    for criterion_id, reason in reasons.items():
        assert saved[criterion_id].comment == reason


@pytest.mark.slow
@pytest.mark.usefixtures("short_key_hold")
async def test_moving_between_akter_and_criteria(store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    review_id, akter = sampled
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down")  # walking the list of parts: the list keeps the keys
        await pilot.pause()
        part = _part(app)
        assert part.current_view == "akt" and app.focused is not None
        assert app.focused.id == "part-list"
        await pilot.press("enter")  # into the part
        await pilot.pause()
        view = part.akt_view
        assert app.focused is view.criteria_list
        await pilot.press("down", "down")
        assert view.criteria_list.cursor_row == 2
        await pilot.press("up")
        assert view.criteria_list.cursor_row == 1
        await pilot.press("full_stop")
        assert view.akt_index == 1
        await pilot.press("pagedown")
        assert view.akt_index == 2
        await pilot.press("pagedown")  # the last akt stays
        assert view.akt_index == 2
        await pilot.press("comma")
        assert view.akt_index == 1
        await pilot.press("pageup")
        assert view.akt_index == 0 and view.current_akt.case_file_id == akter[0]
        title = str(view.query_one("#fr-title", Static).content)
        assert title.startswith("Akt 1 av 3")


@pytest.mark.slow
async def test_override_needs_a_reason_and_comment_is_saved(store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    review_id, akter = sampled
    with store.session() as session:
        criteria = review_criteria(session, review_id)
        reasons = not_applicable(session, review_id, akter[0])
    f6 = next(c for c in criteria if c.code == "F6")
    assert f6.id not in reasons
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        view = _part(app).akt_view
        view.criteria_list.move_cursor(criteria.index(f6))
        await pilot.press("t")  # the dates: a limit of six months, missed
        await pilot.pause()
        await _type(pilot, "2024-01-01")
        await pilot.press("enter")
        await _type(pilot, "2024-12-01")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("up", "j")  # back to F6, overrule the computed Nej
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AnswerTextDialog)
        await pilot.press("enter")  # no reason: refused
        await pilot.pause()
        assert app.screen is dialog
        dialog.query_one(Input).value = "Beslut enligt journal"
        await pilot.press("enter")
        await pilot.pause()
        assert view.current_criterion.code == "F7"
        await pilot.press("up", "k")  # a comment on F6
        await pilot.pause()
        assert isinstance(app.screen, AnswerTextDialog)
        app.screen.query_one(Input).value = "Se journal 121212-1212"
        await pilot.press("enter")  # the personnummer is masked first
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    with store.session() as session:
        answer = answers_for(session, akter[0])[f6.id]
    assert (answer.value, answer.computed_value) == ("ja", "nej")
    assert answer.override_reason == "Beslut enligt journal"
    assert answer.comment == "Se journal 121212-XXXX"
    with store.session() as session:
        sample = current_sample(session, review_id)
    assert sample is not None and len(sample.active) == 3


@pytest.mark.slow
async def test_keys_typed_in_a_burst_answer_in_order(store: Store, sampled) -> None:  # type: ignore[no-untyped-def]
    """Keys that arrive faster than they are handled still act in the order typed: ↓ ↓ j
    answers the third criterion, and j after . belongs to the next akt."""
    review_id, akter = sampled
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        view = _part(app).akt_view
        criteria = [view_.id for view_ in view._criteria]
        for key in ("down", "down", "j", "full_stop", "n"):  # posted at once, no waiting
            app.post_message(events.Key(key, None))

        def second_answered() -> bool:
            with store.session() as session:
                return bool(answers_for(session, akter[1]))

        await pilot_until(pilot, second_answered, what="the last key's answer")
        assert view.akt_index == 1
    with store.session() as session:
        first, second = answers_for(session, akter[0]), answers_for(session, akter[1])
    assert {criteria.index(cid): answer.value for cid, answer in first.items()} == {2: "ja"}
    assert [answer.value for answer in second.values()] == ["nej"]
