"""Åtgärdsplan by keys at 80×24 on a real store: opened from Granskningar (created when the
unit has none), a risk added and assessed, an action refused then saved, a follow-up where the
risk goes from Röd to Gul and the matrix's counts move, text that is asked about before it is
lost, the export, and risks taken from a signed review's Gul and Röd statements."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList

from kvtui.domain.action_plan import TrafficLight, tertial
from kvtui.domain.plan_data import PlanView
from kvtui.store.action_plan import (
    Light,
    RoundGrade,
    add_action,
    add_indicator,
    add_risk,
    assess_risk,
    create_plan,
    findings,
    record_followup,
)
from kvtui.store.database import Store, open_store
from kvtui.store.drafts import load_draft
from kvtui.store.plan_view import list_plans, plan_view
from kvtui.store.reviews import get_review
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.commands import palette_commands
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.plan_action import ActionDialog
from kvtui.tui.dialogs.plan_assess import AssessDialog
from kvtui.tui.dialogs.plan_findings import FindingsDialog
from kvtui.tui.dialogs.plan_followup import FollowupDialog
from kvtui.tui.dialogs.plan_new import PlanNewDialog
from kvtui.tui.dialogs.plan_risk import RiskDialog
from kvtui.tui.dialogs.unsaved import UnsavedQuestion
from kvtui.tui.screens.plan import PlanScreen
from kvtui.tui.screens.reviews import ReviewsScreen
from kvtui.tui.screens.workspace import WorkspaceScreen
from kvtui.tui.widgets.plan_fields import GradeField, LightField
from kvtui.tui.widgets.plan_matrix import cell_counts
from tests.report.demo_file import demo_copy
from tests.signing import sign_review
from tests.tui.screen_text import screen_text
from tests.waiting import pilot_until

SIZE = (80, 24)
DECIDED = date(2026, 12, 1)
UNIT, MUNICIPALITY = "Familjevårdsenheten", "Sjövik kommun"


def _plan(store: Store) -> PlanView:
    with store.session() as session:
        [summary] = list_plans(session)
        return plan_view(session, summary.id)


def _plan_with_risk(store: Store) -> str:
    with store.session() as session:
        plan_id = create_plan(session, unit=UNIT, municipality=MUNICIPALITY,
                              decided_on=DECIDED)
        add_risk(session, plan_id, area="2 Trygghet och säkerhet", title="Stöd och skydd")
        assess_risk(session, plan_id, "2.1", 3, 3, assessed_on=DECIDED)
    return plan_id


def _problem(app: KvtuiApp, problem_id: str) -> str:
    return str(app.screen.query_one(f"#{problem_id}").render())


async def _screen(pilot: Pilot[None], kind: type) -> None:
    await pilot_until(pilot, lambda: isinstance(pilot.app.screen, kind),
                      what=f"{kind.__name__} on show")


@pytest.mark.slow
async def test_plan_from_the_reviews_list_to_a_followup(store: Store, review_id: str) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _screen(pilot, ReviewsScreen)
        # The unit has no plan: p offers one, with the review's unit and municipality.
        await pilot.press("p")
        await _screen(pilot, ConfirmDialog)
        await pilot.press("j")
        await _screen(pilot, PlanNewDialog)
        assert app.screen.query_one("#plan-unit", Input).value == UNIT
        assert app.screen.query_one("#plan-municipality", Input).value == MUNICIPALITY
        await pilot.press("ctrl+u", *DECIDED.isoformat(), "ctrl+s")
        await _screen(pilot, PlanScreen)
        plan = _plan(store)
        assert (plan.unit, plan.municipality, plan.decided_on) == (UNIT, MUNICIPALITY, DECIDED)
        assert "Inga risker ännu" in screen_text(app)

        # A risk by hand.
        await pilot.press("a")
        await _screen(pilot, RiskDialog)
        await pilot.press(*"2 Trygghet och säkerhet", "tab", *"Stöd och skydd", "ctrl+s")
        await _screen(pilot, PlanScreen)
        assert [(r.label, r.title) for r in _plan(store).risks] == [("2.1", "Stöd och skydd")]

        # Assessed by keys: 5 cannot be chosen, 3 × 3 shows Röd at once.
        await pilot.press("b")
        await _screen(pilot, AssessDialog)
        await pilot.press("5", "3")
        field = app.screen.query_one(GradeField)
        assert (field.probability, field.severity) == (3, None)
        await pilot.press("3")
        assert field.level == "rod"
        assert "Röd  (3 × 3 = 9)" in str(field.render())
        await pilot.press("ctrl+s")
        await _screen(pilot, PlanScreen)
        risk = _plan(store).risks[0]
        assert risk.current is not None and risk.current.level == "rod"
        assert "Röd" in screen_text(app)

        # An action whose deadline is before the plan's date is refused, the store unchanged.
        await pilot.press("t")
        await _screen(pilot, ActionDialog)
        await pilot.press(*"Skyddsbedömning vid varje anmälan", "tab", "tab",
                          *"Egenkontroll varje månad", "tab", *"enhetschef", "tab",
                          *"2026-11-01", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActionDialog)
        assert "före planens datum 2026-12-01" in _problem(app, "action-problem")
        assert _plan(store).risks[0].actions == ()
        await pilot.press("ctrl+u", *"2027-04-30", "ctrl+s")
        await _screen(pilot, PlanScreen)
        [action] = _plan(store).risks[0].actions
        assert (action.title, action.responsible_role, action.deadline, action.activities) == (
            "Skyddsbedömning vid varje anmälan", "enhetschef", date(2027, 4, 30),
            ("Egenkontroll varje månad",))
        assert cell_counts(_plan(store))[3, 3] == (1, 1)  # assessed once: where it was

        # A follow-up: the risk goes down to Gul (2 × 3), the action's light is Gult.
        await pilot.press("u")
        await _screen(pilot, FollowupDialog)
        dialog = app.screen
        dialog.query_one("#followup-period", Input).value = "T1 2027"
        dialog.query_one("#followup-date", Input).value = "2027-04-30"
        dialog.query_one("#grade-0", GradeField).focus()
        await pilot.press("2", "3")
        assert dialog.query_one("#grade-0", GradeField).level == "gul"
        dialog.query_one("#light-0-0", LightField).focus()
        await pilot.press("x", "u")
        assert dialog.query_one("#light-0-0", LightField).light == "gul"
        dialog.query_one("#comment-0-0", Input).focus()
        await pilot.press(*"Rekrytering pågår", "ctrl+s")
        await _screen(pilot, PlanScreen)
        plan = _plan(store)
        [round_] = plan.rounds
        assert (round_.key, round_.held_on) == ("2027-T1", date(2027, 4, 30))
        assert plan.risks[0].current is not None and plan.risks[0].current.level == "gul"
        light = plan.risks[0].actions[0].light_at("2027-T1")
        assert light is not None and (light.light, light.comment) == ("gul", "Rekrytering pågår")
        # The matrix's counts move: 3 × 3 is empty now and had one; 2 × 3 has it now.
        counts = cell_counts(plan)
        assert counts[3, 3] == (0, 1)
        assert counts[2, 3] == (1, 0)
        shown = screen_text(app)
        assert "Gult" in shown and "Gul" in shown
        assert "·(1)" in shown and "1(0)" in shown

        await pilot.press("escape")
        await _screen(pilot, ReviewsScreen)


@pytest.mark.slow
async def test_typed_text_is_asked_about_and_kept_as_a_draft(store: Store,
                                                             review_id: str) -> None:
    plan_id = _plan_with_risk(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _screen(pilot, WorkspaceScreen)
        await pilot.press("p")
        await _screen(pilot, PlanScreen)
        assert isinstance(app.screen, PlanScreen) and app.screen.plan_id == plan_id
        await pilot.press("a")
        await _screen(pilot, RiskDialog)
        dialog = app.screen
        assert isinstance(dialog, RiskDialog)
        await pilot.press(*"Kontinuitet", "tab", *"Personalomsättning")
        # The text is kept in the store while she types: it survives a killed terminal.
        key = dialog.draft_key()

        def draft_fields() -> dict[str, str]:
            with store.session() as session:
                draft = load_draft(session, key)
            return draft.fields if draft else {}

        await pilot_until(pilot, lambda: draft_fields().get("risk-title") == "Personalomsättning",
                          what="the draft kept")
        assert draft_fields()["risk-area"] == "Kontinuitet"
        # Esc asks; Fortsätt keeps the dialog with its text.
        await pilot.press("escape")
        await _screen(pilot, UnsavedQuestion)
        await pilot.press("f")
        await _screen(pilot, RiskDialog)
        assert dialog.query_one("#risk-title", Input).value == "Personalomsättning"
        # Släng closes it, saves nothing and drops the draft.
        await pilot.press("escape")
        await _screen(pilot, UnsavedQuestion)
        await pilot.press("l")
        await _screen(pilot, PlanScreen)
        assert [r.title for r in _plan(store).risks] == ["Stöd och skydd"]
        assert draft_fields() == {}
        # Opened again after a killed terminal, the draft comes back.
        await pilot.press("a")
        await _screen(pilot, RiskDialog)
        await pilot.press(*"Kontinuitet")
        await pilot_until(pilot, lambda: draft_fields().get("risk-area") == "Kontinuitet",
                          what="the second draft kept")
    reopened = make_app(store, open_review=review_id)
    async with reopened.run_test(size=SIZE) as pilot:
        await _screen(pilot, WorkspaceScreen)
        await pilot.press("p")
        await _screen(pilot, PlanScreen)
        await pilot.press("a")
        await _screen(pilot, RiskDialog)
        assert reopened.screen.query_one("#risk-area", Input).value == "Kontinuitet"


async def test_grades_outside_one_to_four_cannot_be_chosen(store: Store,
                                                           review_id: str) -> None:
    _plan_with_risk(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _screen(pilot, WorkspaceScreen)
        await pilot.press("p")
        await _screen(pilot, PlanScreen)
        await pilot.press("b")  # the cursor starts on the first risk, not its area
        await _screen(pilot, AssessDialog)
        field = app.screen.query_one(GradeField)
        assert field.grade == (3, 3)  # the current assessment to start from
        await pilot.press("0", "9", "5", "right", "7", "minus")
        assert field.grade == (3, 3)
        await pilot.press("left", "1", "4")
        assert field.grade == (1, 4)
        assert field.level == "gul"
        await pilot.press("ctrl+s")
        await _screen(pilot, PlanScreen)
        current = _plan(store).risks[0].current
        assert current is not None and (current.probability, current.severity) == (1, 4)


async def test_export_writes_the_plan_as_excel(store: Store, review_id: str,
                                               exports: Path) -> None:
    _plan_with_risk(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _screen(pilot, WorkspaceScreen)
        await pilot.press("p")
        await _screen(pilot, PlanScreen)
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        # Excel from the command palette's entry, CSV by its key.
        command = next(c for c in palette_commands(app, screen)
                       if c.name == "Åtgärdsplan: Excel")
        command.run()
        await pilot_until(pilot, lambda: screen.last_path is not None, what="the export")
        await pilot.press("c")
        await pilot_until(pilot, lambda: str(screen.last_path).endswith(".csv"),
                          what="the CSV export")
    files = sorted(p.suffix for p in exports.iterdir())
    assert files == [".csv", ".xlsx"]
    text = next(exports.glob("*.csv")).read_bytes().decode("utf-8-sig")
    assert "Stöd och skydd" in text and "Röd" in text


@pytest.mark.slow
async def test_risks_from_a_signed_reviews_statements(tmp_path: Path) -> None:
    path, review_id = demo_copy(tmp_path / "demo")
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            sign_review(session, review_id)
            offered = findings(session, review_id)
        assert offered
        app = make_app(store, open_review=review_id)
        async with app.run_test(size=SIZE) as pilot:
            await _screen(pilot, WorkspaceScreen)
            await pilot.press("p")
            await _screen(pilot, ConfirmDialog)
            await pilot.press("j")
            await _screen(pilot, PlanNewDialog)
            await pilot.press("ctrl+s")
            await _screen(pilot, PlanScreen)
            await pilot.press("g")
            await _screen(pilot, FindingsDialog)
            # Nothing chosen: said in the dialog, nothing added.
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "Välj minst ett" in str(app.screen.query_one("#findings-problem").render())
            # Under an area of the auditor's choosing rather than the section's name.
            await pilot.press("space", "tab", *"2 Trygghet och säkerhet", "ctrl+s")
            await _screen(pilot, PlanScreen)
            [risk] = _plan(store).risks
            assert (risk.label, risk.area_name) == ("2.1", "Trygghet och säkerhet")
            assert risk.source is not None
            assert risk.source.assessment_id == offered[0].assessment_id
            assert risk.title == offered[0].statement
            # Offered once: the one taken is not offered again.
            await pilot.press("g")
            await _screen(pilot, FindingsDialog)
            dialog = app.screen
            assert isinstance(dialog, FindingsDialog)
            assert dialog.query_one("#findings-list", SelectionList).option_count == len(
                offered) - 1
    finally:
        store.close()


async def test_text_typed_into_the_plan_is_not_taken_as_commands(store: Store,
                                                                 review_id: str) -> None:
    """A word typed into the list (t, i, e, u are commands there) opens nothing and changes
    nothing; the auditor is told the keys were not taken."""
    _plan_with_risk(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _screen(pilot, WorkspaceScreen)
        await pilot.press("p")
        await _screen(pilot, PlanScreen)
        before = _plan(store)
        await pilot.press(*"Kontinuitet")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await pilot_until(pilot, lambda: any("togs inte emot" in n.message
                                             for n in app._notifications),
                          what="the message about the keys held")
        assert _plan(store) == before


@pytest.mark.slow
async def test_a_bad_followup_value_is_refused_and_nothing_is_written(
        store: Store, review_id: str) -> None:
    plan_id = _plan_with_risk(store)
    with store.session() as session:
        add_indicator(session, plan_id, "2.1", name="Andel skyddsbedömningar", baseline=80)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _screen(pilot, WorkspaceScreen)
        await pilot.press("p")
        await _screen(pilot, PlanScreen)
        await pilot.press("u")
        await _screen(pilot, FollowupDialog)
        dialog = app.screen
        dialog.query_one("#grade-0", GradeField).focus()
        await pilot.press("2", "2")
        dialog.query_one("#value-0-0", Input).focus()
        await pilot.press(*"120", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FollowupDialog)
        assert "mellan 0 och 100 %" in _problem(app, "followup-problem")
        assert _plan(store).rounds == ()
        current = _plan(store).risks[0].current
        assert current is not None and current.level == "rod"
        # A period that cannot be read is said too.
        dialog.query_one("#value-0-0", Input).value = "98"
        dialog.query_one("#followup-period", Input).value = "sommaren"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Perioden 'sommaren' kan inte läsas" in _problem(app, "followup-problem")
        assert _plan(store).rounds == ()
        dialog.query_one("#followup-period", Input).value = "T1 2027"
        dialog.query_one("#followup-date", Input).value = "2027-04-30"
        await pilot.press("ctrl+s")
        await _screen(pilot, PlanScreen)
        [indicator] = _plan(store).risks[0].indicators
        assert indicator.text_at("2027-T1") == "98 %"
        assert "98 %" in screen_text(app)


@pytest.mark.slow
async def test_an_indicator_value_from_a_reviews_criterion(demo_store: Store,
                                                           demo_id: str) -> None:
    with demo_store.session() as session:
        review = get_review(session, demo_id)
        plan_id = create_plan(session, unit=review.unit, municipality=review.municipality,
                              decided_on=DECIDED)
        add_risk(session, plan_id, area="3 Kunskapsbaserad verksamhet", title="Uppföljning")
        add_indicator(session, plan_id, "3.1", name="Andel med aktuell plan")
    app = make_app(demo_store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        await _screen(pilot, WorkspaceScreen)
        await pilot.press("p")
        await _screen(pilot, PlanScreen)
        await pilot.press("u")
        await _screen(pilot, FollowupDialog)
        dialog = app.screen
        dialog.query_one("#criterion-0-0", Input).value = "F1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "välj granskningen" in _problem(app, "followup-problem")
        select = dialog.query_one("#followup-review", Select)
        select.value = demo_id
        await pilot.press("ctrl+s")
        await _screen(pilot, PlanScreen)
        [indicator] = _plan(demo_store).risks[0].indicators
        [value] = indicator.values
        assert value.source_review_id == demo_id and value.source_criterion == "F1"
        assert value.value is not None and 0 <= value.value <= 100


@pytest.mark.slow
async def test_a_followup_opens_with_what_its_round_holds(store: Store,
                                                          review_id: str) -> None:
    """Typing the period of a round held before shows what it holds, to be corrected."""
    plan_id = _plan_with_risk(store)
    with store.session() as session:

        add_action(session, plan_id, "2.1", title="Skyddsbedömning")
        record_followup(session, plan_id, tertial(2027, 1), held_on=date(2027, 4, 30),
                        summary="Första uppföljningen",
                        lights=[Light("2.1", 1, TrafficLight.RED, "Försenad rekrytering")],
                        grades=[RoundGrade("2.1", 3, 2)])
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _screen(pilot, WorkspaceScreen)
        await pilot.press("p")
        await _screen(pilot, PlanScreen)
        await pilot.press("u")
        await _screen(pilot, FollowupDialog)
        dialog = app.screen
        assert dialog.query_one("#light-0-0", LightField).light == ""
        period = dialog.query_one("#followup-period", Input)
        period.focus()
        await pilot.press("ctrl+u", *"T1 2027")
        await pilot.pause()
        assert dialog.query_one("#light-0-0", LightField).light == "rod"
        assert dialog.query_one("#comment-0-0", Input).value == "Försenad rekrytering"
        assert dialog.query_one("#grade-0", GradeField).grade == (3, 2)
        assert dialog.query_one("#followup-summary", Input).value == "Första uppföljningen"
        assert dialog.query_one("#followup-date", Input).value == "2027-04-30"
        # Corrected: the light goes to Gult, in the same round.
        dialog.query_one("#light-0-0", LightField).focus()
        await pilot.press("u", "ctrl+s")
        await _screen(pilot, PlanScreen)
        plan = _plan(store)
        assert [r.key for r in plan.rounds] == ["2027-T1"]
        light = plan.risks[0].actions[0].light_at("2027-T1")
        assert light is not None and light.light == "gul"


async def test_delete_asks_names_what_goes_and_a_signed_round_keeps_its_risk(
        store: Store, review_id: str, short_key_hold: None) -> None:
    """Delete on an action asks first and takes it away; on a risk a signed follow-up names
    it is refused, and the plan's log (l) lists what was done."""
    from kvtui.domain.plan_signoff import round_hash
    from kvtui.store.plan_lock import lock_round, round_record

    plan_id = _plan_with_risk(store)
    with store.session() as session:
        add_risk(session, plan_id, area="2 Trygghet och säkerhet", title="Barns delaktighet")
        add_action(session, plan_id, "2.2", title="Samtal med barnet", deadline=date(2027, 3, 1))
        period = tertial(2027, 1)
        record_followup(session, plan_id, period, held_on=date(2027, 4, 20),
                        grades=[RoundGrade("2.1", 2, 3)])
        lock_round(session, plan_id, period, signed_by="Karin Ekdahl", role="Granskare",
                   pdf_sha256=None,
                   content_hash=round_hash(round_record(session, plan_id, period)))
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _screen(pilot, WorkspaceScreen)
        await pilot.press("p")
        await _screen(pilot, PlanScreen)
        assert "(signerad)" in screen_text(app)
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        # The action 2.2:1: asked about, kept on Behåll, gone on Ta bort.
        await pilot.press("down", "down")
        assert screen.current_row == ("2.2", "action", 1)
        await pilot.press("delete")
        await _screen(pilot, ConfirmDialog)
        assert "Ta bort åtgärd 2.2:1" in screen_text(app)
        await pilot.press("n")
        await _screen(pilot, PlanScreen)
        assert [a.title for a in _plan(store).risk("2.2").actions] == ["Samtal med barnet"]
        await pilot.press("delete")
        await _screen(pilot, ConfirmDialog)
        await pilot.press("j")
        await _screen(pilot, PlanScreen)
        assert _plan(store).risk("2.2").actions == ()
        # The risk 2.1 is in the signed round: refused, with the round named.
        for _ in range(4):
            if screen.current_row == ("2.1", "risk", 0):
                break
            row = screen.current_row
            await pilot.press("down" if row is not None and row[1] == "area" else "up")
        assert screen.current_row == ("2.1", "risk", 0)
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert any("signerad" in n.message and "Tertial 1 2027" in n.message
                   for n in app._notifications), [n.message for n in app._notifications]
        assert [r.label for r in _plan(store).risks] == ["2.1", "2.2"]
        # The log: the deletion first (l pressed once the refusal's hold is over).
        await pilot.pause(0.05)
        await pilot.press("l")
        from kvtui.tui.screens.plan_log import PlanLogScreen
        await _screen(pilot, PlanLogScreen)
        log = app.screen
        assert isinstance(log, PlanLogScreen)
        first = " ".join(str(cell) for cell in log.rows[0])
        assert "borttagen" in first, first
        assert len(log.rows) >= 6
        await pilot.press("escape")
        await _screen(pilot, PlanScreen)


async def test_f_writes_the_followup_report_as_a_draft(store: Store, review_id: str,
                                                       exports: Path,
                                                       short_key_hold: None) -> None:
    """f before any follow-up: refused in Swedish, nothing written; after one: the draft PDF
    of the latest round under exports/."""
    import io

    from pypdf import PdfReader

    plan_id = _plan_with_risk(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _screen(pilot, WorkspaceScreen)
        await pilot.press("p")
        await _screen(pilot, PlanScreen)
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        await pilot.press("f")
        await pilot.pause()
        assert any("ingen uppföljning ännu" in n.message for n in app._notifications)
        assert not exports.exists() or not any(exports.iterdir())
        with store.session() as session:
            record_followup(session, plan_id, tertial(2027, 1), held_on=date(2027, 4, 20),
                            grades=[RoundGrade("2.1", 2, 3)])
        await pilot.pause(0.05)
        await pilot.press("r", "f")
        await pilot_until(pilot, lambda: screen.last_path is not None, what="the report",
                          timeout=30)
    [pdf] = list(exports.iterdir())
    assert pdf.name.endswith("_2027-T1_uppfoljning_utkast.pdf")
    text = " ".join(page.extract_text() or "" for page in
                    PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Uppföljning av åtgärdsplan" in text and "Stöd och skydd" in text
