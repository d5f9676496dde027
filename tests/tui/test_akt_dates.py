"""The akt's dates typed once in Aktgranskning, and a criterion's reference set with l.

The barnavårdsutredning template names the akt's dates: U1 and U2 both start on "Anmälan
inkom", so U2 asks only for its own date. Each test checks what reached the store.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual import events
from textual.widgets import Input, Label, Static

from kvtui.domain.reviews import ReviewFields
from kvtui.store.answers import answers_for, review_criteria
from kvtui.store.assessments import missing_for_review
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import Store
from kvtui.store.reviews import create_review
from kvtui.store.sampling import draw_sample
from kvtui.store.template_library import load_template
from kvtui.tui.app import make_app
from kvtui.tui.dialogs.answer_deadline import AnswerDeadlineDialog
from kvtui.tui.dialogs.answer_text import AnswerTextDialog
from kvtui.tui.widgets.filereview_part import FileReviewPart
from kvtui.tui.widgets.readiness import Readiness

SIZE = (80, 24)


def _review(store: Store, template: str, start: date, end: date) -> tuple[str, str]:
    """A review from ``template`` with four akter, all sampled; its id and the first akt's."""
    loaded, text = load_template(template, None)
    with store.session() as session:
        review_id = create_review(session, loaded, text, ReviewFields(
            title="Granskning", period_start=start, period_end=end))
        add_case_files(session, review_id, [(f"A-{n}", {}) for n in range(1, 5)])
        sample = draw_sample(session, review_id, size=4, seed="1")
    return review_id, sample.active[0].case_file_id


@pytest.fixture
def bvu(store: Store) -> tuple[str, str]:
    return _review(store, "barnavardsutredning", date(2025, 7, 1), date(2025, 12, 31))


def _by_code(store: Store, review_id: str, case_file_id: str) -> dict[str, object]:
    with store.session() as session:
        codes = {view.id: view.code for view in review_criteria(session, review_id)}
        return {codes[cid]: answer for cid, answer in answers_for(session, case_file_id).items()}


def _part(app) -> FileReviewPart:  # type: ignore[no-untyped-def]
    return app.screen.query_one(FileReviewPart)


def _detail(view) -> str:  # type: ignore[no-untyped-def]
    """The detail lines under the list, as drawn."""
    detail = view.query_one("#fr-detail")
    return " ".join(detail.render_line(y).text.strip() for y in range(detail.size.height))


@pytest.mark.slow
async def test_a_date_of_the_akt_is_typed_once(store: Store, bvu) -> None:  # type: ignore[no-untyped-def]
    review_id, akt = bvu
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        view = _part(app).akt_view
        assert view.current_criterion.code == "U1"
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AnswerDeadlineDialog)
        await pilot.press(*"20250901", "enter", *"20250902", "enter")
        await pilot.pause()
        assert view.current_criterion.code == "U2"
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AnswerDeadlineDialog)
        # Anmälan inkom is the akt's: filled in, and the keyboard waits in the second field.
        assert dialog.query_one("#deadline-start", Input).value == "2025-09-01"
        assert dialog.focused is dialog.query_one("#deadline-end", Input)
        # The whole label is shown, not cut at the width of the other.
        labels = [str(label.render()) for label in dialog.query(Label)]
        assert "Beslut om att inleda eller inte" in labels
        end_label = dialog.query(Label)[1]
        assert end_label.size.width >= len("Beslut om att inleda eller inte")
        await pilot.press(*"20250912", "enter")
        await pilot.pause()
        answers = _by_code(store, review_id, akt)
        assert answers["U1"].start_date == date(2025, 9, 1)
        assert answers["U1"].end_date == date(2025, 9, 2)
        assert answers["U1"].value == "ja"
        assert answers["U2"].start_date == date(2025, 9, 1)
        assert answers["U2"].end_date == date(2025, 9, 12)
        # One day is "1 dag".
        await pilot.press("up", "up")
        await pilot.pause()
        assert view.current_criterion.code == "U1"
        detail = _detail(view)
        assert "1 dag, inom tidsfristen" in detail
        assert "1 dagar" not in detail

        # Anmälan inkom corrected in U2 is corrected in U1 too, and U1 computed again.
        view.criteria_list.move_cursor(1)
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AnswerDeadlineDialog)
        dialog.query_one("#deadline-start", Input).value = "2025-08-25"
        dialog.query_one("#deadline-end", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
    answers = _by_code(store, review_id, akt)
    assert answers["U1"].start_date == answers["U2"].start_date == date(2025, 8, 25)
    assert answers["U1"].value == "nej"  # 2025-08-25 to 2025-09-02 is over the one day


@pytest.mark.slow
async def test_both_dates_known_are_not_asked_again(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A template where two deadlines share both dates: the second is computed at once."""
    source = load_template("barnavardsutredning", None)[1]
    text = source.replace('end_label = "Beslut om att inleda eller inte"',
                          'end_label = "Skyddsbedömning gjord"')
    folder = tmp_path / "mallar"
    folder.mkdir()
    (folder / "delade.toml").write_text(text, encoding="utf-8")
    loaded, text = load_template("delade", folder)
    with store.session() as session:
        review_id = create_review(session, loaded, text, ReviewFields(title="Delade datum"))
        add_case_files(session, review_id, [("A-1", {})])
        akt = draw_sample(session, review_id, size=1, seed="1").active[0].case_file_id
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("enter", *"20250901", "enter", *"20250903", "enter")
        await pilot.pause()
        await pilot.press("enter")  # U2: both dates are the akt's already
        await pilot.pause()
        assert not isinstance(app.screen, AnswerDeadlineDialog)
    answers = _by_code(store, review_id, akt)
    assert (answers["U2"].start_date, answers["U2"].end_date) == (date(2025, 9, 1),
                                                                   date(2025, 9, 3))
    assert answers["U2"].value == "ja"


@pytest.mark.slow
async def test_a_pasted_date_and_an_immediate_tab_land_in_their_fields(
        store: Store, bvu) -> None:  # type: ignore[no-untyped-def]
    review_id, akt = bvu
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        # Enter, the paste and Tab arrive together, as from a quick hand: none waits for the
        # dialog to open.
        for event in (events.Key("enter", None), events.Paste("2025-09-01"),
                      events.Key("tab", "\t"), events.Paste("2025-09-02\n")):
            app.post_message(event)
        await pilot.pause()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AnswerDeadlineDialog)
        assert dialog.query_one("#deadline-start", Input).value == "2025-09-01"
        assert dialog.query_one("#deadline-end", Input).value == "2025-09-02"
        await pilot.press("enter")
        await pilot.pause()
    answers = _by_code(store, review_id, akt)
    assert (answers["U1"].start_date, answers["U1"].end_date) == (date(2025, 9, 1),
                                                                   date(2025, 9, 2))


@pytest.mark.slow
async def test_l_adds_a_reference_and_the_missing_line_goes(store: Store) -> None:
    review_id, _akt = _review(store, "familjevard", date(2026, 1, 1), date(2026, 12, 31))
    with store.session() as session:
        assert any("F15 saknar lagrum" in line for line in missing_for_review(session, review_id))
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        readiness = app.screen.query_one(Readiness)
        assert any("F15 saknar lagrum" in line for line in readiness.missing)
        await pilot.press("3")
        await pilot.pause()
        view = _part(app).akt_view
        codes = [v.code for v in view._criteria]
        await pilot.press(*["down"] * codes.index("F15"))
        await pilot.pause()
        assert "Lagrum saknas" in _detail(view)
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AnswerTextDialog)
        assert "Nu: Lagrum saknas för granskningsperioden." in str(
            dialog.query_one("#answer-question", Static).render())
        await pilot.press("enter")  # empty: refused, the dialog stays
        await pilot.pause()
        assert app.screen is dialog
        await pilot.press(*"SOSFS 2014:6", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, AnswerTextDialog)
        assert view.current_criterion.code == "F15"
        assert "Lagrum: SOSFS 2014:6" in _detail(view)
        # Confirming F2's reference: Enter on the text as it stands.
        view.criteria_list.move_cursor(codes.index("F2"))
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert not any("F15" in line for line in app.screen.query_one(Readiness).missing)
    with store.session() as session:
        refs = {v.code: v.reference for v in review_criteria(session, review_id)}
        assert not any("F15" in line for line in missing_for_review(session, review_id))
    assert refs["F15"] == "SOSFS 2014:6"
    assert refs["F2"] == "9 kap. 12 § SoL (2025:400)"


@pytest.mark.slow
async def test_a_date_in_the_akts_list_is_not_typed_again(store: Store) -> None:
    loaded, text = load_template("familjevard", None)
    with store.session() as session:
        review_id = create_review(session, loaded, text, ReviewFields(
            title="Familjevård", period_start=date(2025, 7, 1), period_end=date(2025, 12, 31)))
        add_case_files(session, review_id, [("FV-1", {"Placerad från": "2023-02-15"})])
        akt = draw_sample(session, review_id, size=1, seed="1").active[0].case_file_id
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        view = _part(app).akt_view
        await pilot.press(*["down"] * [v.code for v in view._criteria].index("F3"))
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AnswerDeadlineDialog)
        assert dialog.query_one("#deadline-start", Input).value == "2023-02-15"
        assert dialog.focused is dialog.query_one("#deadline-end", Input)
        await pilot.press(*"20250110", "enter")
        await pilot.pause()
    answers = _by_code(store, review_id, akt)
    assert (answers["F3"].start_date, answers["F3"].end_date) == (date(2023, 2, 15),
                                                                   date(2025, 1, 10))
    assert answers["F3"].value == "ja"
