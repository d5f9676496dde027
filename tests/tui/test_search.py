"""Sök i granskningen: Ctrl+F or the palette in a review's workspace; Enter jumps to the hit."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from kvtui.store.answers import answer_rows
from kvtui.store.database import Store
from kvtui.store.demo import create_demo
from kvtui.store.search import search
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.commands import palette_commands
from kvtui.tui.screens.search import SearchScreen
from kvtui.tui.screens.workspace import WorkspaceScreen
from kvtui.tui.widgets.assessments_part import AssessmentsPart
from kvtui.tui.widgets.documents_part import DocumentsPart
from kvtui.tui.widgets.filereview_part import FileReviewPart
from kvtui.tui.widgets.interviews_part import InterviewsPart

SIZE = (80, 24)


def _demo(store: Store) -> str:
    with store.session() as session:
        return create_demo(session, file_review=False, judgement=True)


async def _search(app: KvtuiApp, pilot: Pilot[None], query: str) -> SearchScreen:
    await pilot.press("ctrl+f")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    await pilot.press(*query)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


@pytest.mark.slow
async def test_search_finds_a_document_and_jumps_to_it(store: Store) -> None:
    review_id = _demo(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await _search(app, pilot, "delegationsordn")
        with store.session() as session:
            expected = search(session, review_id, "delegationsordn")
        assert [(h.kind, h.record_id) for h in screen.hits] == [
            (h.kind, h.record_id) for h in expected]
        assert screen.hits[0].kind == "document"
        await pilot.press("enter")  # Enter in the field: the first hit
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        assert workspace.current_part == "documents"
        part = workspace.query_one(DocumentsPart)
        assert part.current_document is not None
        assert part.current_document.id == screen.hits[0].record_id
        assert workspace.focused is part.table


@pytest.mark.slow
async def test_search_jumps_to_a_statement_and_an_observation(store: Store) -> None:
    review_id = _demo(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await _search(app, pilot, "upprätta genomförandeplaner")
        index = next(i for i, h in enumerate(screen.hits) if h.kind == "assessment")
        await pilot.press("down", *(["down"] * index), "enter")
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        assert workspace.current_part == "assessments"
        part = workspace.query_one(AssessmentsPart)
        assert part.current_section is not None and part.current_section.number == "5.4"
        assert part.current_assessment is not None
        assert part.current_assessment.id == screen.hits[index].record_id
        assert workspace.focused is part.statement_list
        # An observation: Intervjuer, with its interview and the observation chosen.
        screen = await _search(app, pilot, "bildkort")
        assert screen.hits[0].kind == "observation"
        await pilot.press("enter")
        await pilot.pause()
        assert workspace.current_part == "interviews"
        interviews = workspace.query_one(InterviewsPart)
        assert interviews.current_observation is not None
        assert interviews.current_observation.id == screen.hits[0].record_id


@pytest.mark.slow
async def test_search_is_only_offered_in_a_workspace(store: Store) -> None:
    review_id = _demo(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+f")  # on Granskningar: nothing to search in
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)
        names = [command.name for command in palette_commands(app, app.screen)]
        assert "Sök i granskningen" not in names
        app.open_review(review_id)
        await pilot.pause()
        command = next(c for c in palette_commands(app, app.screen)
                       if c.name == "Sök i granskningen")
        command.run()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"zzzyx")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.hits == []
        assert "Inga träffar" in str(app.screen.query_one("#search-status").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)


@pytest.mark.slow
async def test_search_jumps_to_a_comment_in_the_file_review(store: Store) -> None:
    with store.session() as session:
        review_id = create_demo(session)  # with the file review and its comments
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await _search(app, pilot, "granskningstillfället")
        assert screen.hits and screen.hits[0].kind == "answer"
        with store.session() as session:
            answer = next(a for a in answer_rows(session, review_id)
                          if a.id == screen.hits[0].record_id)
        await pilot.press("enter")
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        assert workspace.current_part == "filereview"
        akt_view = workspace.query_one(FileReviewPart).akt_view
        assert akt_view.current_akt is not None
        assert akt_view.current_akt.case_file_id == answer.case_file_id
        assert akt_view.current_criterion is not None
        assert akt_view.current_criterion.id == answer.criterion_id


@pytest.mark.slow
async def test_a_search_that_fails_says_so_in_swedish(store: Store, monkeypatch) -> None:
    """A fault in the search is said in the search window, never a silent empty list; the
    error's own words (which may quote what was typed) stay in the crash log."""
    from textual.widgets import Static

    import kvtui.tui.screens.search as screen_module

    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise RuntimeError("sökord som inte ska synas")

    monkeypatch.setattr(screen_module, "search", broken)
    monkeypatch.setattr("kvtui.crash_log.data_dir", lambda: store.path.parent)
    review_id = _demo(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await _search(app, pilot, "delegation")
        status = str(screen.query_one("#search-status", Static).content)
    assert status.startswith("Sökningen kunde inte göras. Ett oväntat fel inträffade.")
    assert "sökord" not in status and "RuntimeError" not in status
