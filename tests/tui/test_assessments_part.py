"""Bedömningar by keys: rating with one key, the summary, order, evidence links, section
texts saved as typed; and the readiness widget for Översikt."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from kvtui.domain.judgement import SectionView, colour_counts
from kvtui.store.assessments import (
    citing,
    evidence_options,
    get_assessment,
    get_section,
    missing_for_review,
    review_sections,
)
from kvtui.store.database import Store
from kvtui.store.demo import create_demo
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.assessment_edit import AssessmentDialog
from kvtui.tui.dialogs.evidence_citing import CitingDialog
from kvtui.tui.dialogs.evidence_link import EvidenceDialog
from kvtui.tui.widgets.assessments_part import AssessmentsPart
from kvtui.tui.widgets.readiness import Readiness
from tests.waiting import pilot_until

SIZE = (80, 24)


def _demo(store: Store) -> str:
    with store.session() as session:
        return create_demo(session, file_review=False, judgement=True)


def _section(store: Store, review_id: str, number: str) -> SectionView:
    with store.session() as session:
        return next(s for s in review_sections(session, review_id) if s.number == number)


async def _open_section(app: KvtuiApp, pilot: Pilot[None], number: str) -> AssessmentsPart:
    """Key 6, Tab into the tree, ↓ to the section ``number``."""
    await pilot.pause()
    await pilot.press("6")
    await pilot.pause()
    part = app.screen.query_one(AssessmentsPart)
    assert app.screen.focused is part.section_list
    while part.current_section is not None and part.current_section.number != number:
        await pilot.press("down")
    return part


@pytest.mark.slow
async def test_rating_summary_and_order_by_keys(store: Store) -> None:
    review_id = _demo(store)
    section = _section(store, review_id, "5.4")
    first, second = section.assessments[:2]
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_section(app, pilot, "5.4")
        await pilot.press("tab", "tab")  # past the section's text to its statements
        assert app.screen.focused is part.statement_list
        assert part.current_assessment is not None and part.current_assessment.id == first.id
        for key, rating in (("r", "rod"), ("u", "gul"), ("g", "gron"), ("0", "")):
            await pilot.press(key)
            await pilot.pause()
            with store.session() as session:
                assert get_assessment(session, review_id, first.id).rating == rating
        # The word is shown with the colour, never the colour alone.
        await pilot.press("r")
        await pilot.pause()
        prompt = part.statement_list.get_option(first.id).prompt
        assert "Röd" in str(prompt)
        await pilot.press("s")
        await pilot.pause()
        with store.session() as session:
            assert get_assessment(session, review_id, first.id).in_summary is not first.in_summary
        # ] moves it down, past the second; the cursor follows it.
        await pilot.press("right_square_bracket")
        await pilot.pause()
        ids = [a.id for a in _section(store, review_id, "5.4").assessments]
        assert ids[:2] == [second.id, first.id]
        assert part.current_assessment is not None and part.current_assessment.id == first.id
        await pilot.press("ctrl+up")
        await pilot.pause()
        assert [a.id for a in _section(store, review_id, "5.4").assessments][:2] == [
            first.id, second.id]


@pytest.mark.slow
async def test_add_and_remove_a_statement(store: Store) -> None:
    review_id = _demo(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_section(app, pilot, "5.1")
        assert _section(store, review_id, "5.1").assessments == ()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AssessmentDialog)
        await pilot.press(*"Barn vårdas för länge i jourhem.", "ctrl+s")
        await pilot.pause()
        [added] = _section(store, review_id, "5.1").assessments
        assert (added.statement, added.rating, added.in_summary) == (
            "Barn vårdas för länge i jourhem.", "", False)
        assert app.screen.focused is part.statement_list
        await pilot.press("u", "delete")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert _section(store, review_id, "5.1").assessments == ()


@pytest.mark.slow
async def test_linking_evidence_by_keys(store: Store) -> None:
    review_id = _demo(store)
    statement = _section(store, review_id, "4.3").assessments[0]
    with store.session() as session:
        options = evidence_options(session, review_id)
    document = next(o for o in options if o.kind == "document"
                    and o.label == "Introduktionsplan för nyanställda")
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_section(app, pilot, "4.3")
        await pilot.press("tab", "tab", "l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, EvidenceDialog)
        before = {(e.kind, e.target_id) for e in statement.evidence}
        assert set(dialog.chosen) == before
        # Narrow the list by typing, then tick (or untick) the document.
        await pilot.press(*"introduktionsplan", "enter", "space", "ctrl+s")
        await pilot.pause()
        with store.session() as session:
            after = get_assessment(session, review_id, statement.id)
        linked = {(e.kind, e.target_id) for e in after.evidence}
        assert linked == before ^ {("document", document.target_id)}
        assert part.current_assessment is not None
        assert len(part.current_assessment.evidence) == len(linked)
        # Again: the first criterion in the list, ticked with space.
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("down", "space", "ctrl+s")  # from the search field to the list
        await pilot.pause()
        with store.session() as session:
            again = get_assessment(session, review_id, statement.id)
        first = next(o for o in options if o.kind == "criterion")
        assert {(e.kind, e.target_id) for e in again.evidence} == linked ^ {
            ("criterion", first.target_id)}
        # From any evidence item, which statements cite it: c in the list, criteria too.
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("down", "c")
        await pilot.pause()
        assert isinstance(app.screen, CitingDialog)
        with store.session() as session:
            expected = citing(session, "criterion", first.target_id)
        assert [a.id for a in app.screen.shown] == [a.id for a in expected]
        assert statement.id in [a.id for a in expected]


@pytest.mark.slow
async def test_section_text_is_saved_after_typing(store: Store) -> None:
    review_id = _demo(store)
    section = _section(store, review_id, "5.1")
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_section(app, pilot, "5.1")
        await pilot.press("enter")  # Enter on a section: into its text
        assert app.screen.focused is part.text_editor.area
        await pilot.press("ctrl+end", *" Ny mening.")  # a long text opens at its start

        def saved() -> str:
            with store.session() as session:
                return get_section(session, review_id, section.id).text

        await pilot_until(pilot, lambda: saved() == section.text + " Ny mening.",
                          what="the text saved without a save key")
        # Another section shows its own text; the first stays saved.
        await pilot.press("escape", "down")
        await pilot.pause()
        assert part.current_section is not None and part.current_section.number == "5.2"
        assert part.text_editor.text == _section(store, review_id, "5.2").text


class ReadinessApp(App[None]):
    def __init__(self, store: Store, review_id: str) -> None:
        super().__init__()
        self.store = store
        self.review_id = review_id

    def compose(self) -> ComposeResult:
        yield Readiness(self.store, self.review_id)


async def test_readiness_counts_and_missing(store: Store, review_id: str) -> None:
    app = ReadinessApp(store, review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        readiness = app.query_one(Readiness)
        with store.session() as session:
            sections = review_sections(session, review_id)
            missing = missing_for_review(session, review_id)
        assert readiness.counts == colour_counts(sections)
        assert readiness.missing == missing
        assert any("saknar text" in line for line in missing)
        shown = str(app.query_one("#readiness-missing").render())
        assert "Saknas före rapport" in shown


@pytest.mark.slow
async def test_keys_never_reach_a_hidden_part(store: Store) -> None:
    """From the statements, 8 shows Rapport: its u (export) must not rate the statement Gul."""
    from kvtui.tui.widgets.report_part import ReportPart

    review_id = _demo(store)
    first = _section(store, review_id, "5.4").assessments[0]
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_section(app, pilot, "5.4")
        await pilot.press("tab", "tab")
        assert app.screen.focused is part.statement_list
        await pilot.press("8")
        await pilot.pause()
        focused = app.screen.focused
        assert focused is not None
        assert any(isinstance(node, ReportPart) for node in (focused, *focused.ancestors))
        await pilot.press("escape")  # leave the review without exporting
        await pilot.pause()
    with store.session() as session:
        assert get_assessment(session, review_id, first.id).rating == first.rating
