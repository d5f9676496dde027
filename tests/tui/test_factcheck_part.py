"""Faktagranskning by keys: sending the draft, the unit's comments, responses and Jämför."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select, Static

from kvtui.domain.signoff import CommentView
from kvtui.store.assessments import review_sections
from kvtui.store.database import Store, open_store
from kvtui.store.factcheck import add_comment, list_comments, rounds, send_for_factcheck
from kvtui.store.report_data import current_content, load_report_data, set_method_text
from kvtui.store.reviews import get_review
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.factcheck_changes import NOTHING_CHANGED, ChangesScreen
from kvtui.tui.dialogs.factcheck_comment import CommentDialog
from kvtui.tui.dialogs.factcheck_response import ResponseDialog
from kvtui.tui.screens.help import help_text
from kvtui.tui.widgets.factcheck_part import FactCheckPart, column_widths
from kvtui.tui.widgets.part_base import READ_ONLY
from tests.signing import sign_review

SIZE = (80, 24)


@pytest.fixture
def store(demo_store: Store) -> Store:
    """This module works on the demo review."""
    return demo_store


def _notes(app: KvtuiApp) -> list[str]:
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
    return notes


async def _open_part(app: KvtuiApp, pilot: Pilot[None]) -> FactCheckPart:
    """Key 7, then Tab into the list of comments, where the part's keys work."""
    await pilot.pause()
    await pilot.press("7")
    await pilot.pause()
    return app.screen.query_one(FactCheckPart)


def _status(part: FactCheckPart) -> str:
    return str(part.query_one("#factcheck-status", Static).content)


def _comments(store: Store, review_id: str) -> list[CommentView]:
    with store.session() as session:
        return list_comments(session, review_id)


def _send_and_comment(store: Store, review_id: str) -> str:
    """A draft sent and one comment on it, through the store; the comment's id."""
    with store.session() as session:
        send_for_factcheck(session, review_id, current_content(session, review_id),
                           sent_on=date(2026, 11, 20))
        section = next(s for s in review_sections(session, review_id) if s.number == "3")
        comment = add_comment(session, review_id, section_id=section.id, role="Enhetschef",
                              text="Antalet intervjuer är fel.", received_on=date(2026, 11, 25))
    return comment.id


@pytest.mark.slow
async def test_send_draft_by_keys(store: Store, demo_id: str, exports: Path) -> None:
    app = make_app(store, open_review=demo_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        assert "Inget utkast har skickats ännu" in _status(part)
        # A comment needs a draft to comment on.
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, CommentDialog)
        assert any("Skicka först ett utkast" in note for note in notes)
        # Asked first; Nej leaves everything as it was.
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("j")
        await app.workers.wait_for_complete()
        for worker in part.workers:
            await worker.wait()
        await pilot.pause()
        await pilot.pause()
        with store.session() as session:
            sent = rounds(session, demo_id)
            status = get_review(session, demo_id).status
        assert len(sent) == 1 and status == "fact_check"
        path = part.last_path
        assert path is not None and path.parent == exports and path.exists()
        assert path.name.endswith("_utkast.pdf")
        assert [p.name for p in exports.iterdir()] == [path.name]
        assert any(str(path) in note for note in notes)
        assert not part.query_one("#factcheck-progress").display
        shown = _status(part)
        assert "Status: Faktagranskning" in shown
        assert f"Utkast 1, skickat {sent[0].sent_on.isoformat()}" in shown
        assert sent[0].content_sha256[:12] in shown and sent[0].content_sha256[:13] not in shown
        assert "Faktagranskning" in str(app.screen.query_one("#review-bar", Static).content)


@pytest.mark.slow
async def test_add_and_edit_a_comment_by_keys(store: Store, demo_id: str) -> None:
    with store.session() as session:
        send_for_factcheck(session, demo_id, current_content(session, demo_id))
        headings = [s.heading for s in review_sections(session, demo_id)]
    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        assert "Inga synpunkter ännu" in _status(part)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CommentDialog)
        # Avsnitt: Hela rapporten first, then the sections in order; ↓ twice is the 2nd one.
        await pilot.press("enter", "down", "down", "enter")
        await pilot.pause()
        assert dialog.query_one("#comment-section", Select).value != "whole-report"
        await pilot.press("tab", *"Enhetschef", "tab", "ctrl+u", *"2026-13-40", "tab",
                          *"Vi har tre gruppledare, inte två.", "ctrl+s")
        await pilot.pause()
        # A date that is none is refused in the dialog, in Swedish; nothing is saved.
        assert app.screen is dialog
        problem = str(dialog.query_one("#comment-problem", Static).content)
        assert problem.startswith("Datum:") and "giltigt datum" in problem
        assert _comments(store, demo_id) == []
        await pilot.press("ctrl+u", *"2026-11-24", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, CommentDialog)
        saved = _comments(store, demo_id)
        assert [(c.section_label, c.role, c.text, c.received_on, c.response) for c in saved] == [
            (headings[1], "Enhetschef", "Vi har tre gruppledare, inte två.", date(2026, 11, 24),
             "")]
        assert part.current_comment is not None and part.current_comment.id == saved[0].id
        assert "1 synpunkt · 1 ej besvarad" in _status(part)
        # Enter edits the comment under the cursor in the same dialog.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CommentDialog)
        await pilot.press(*" Se bilaga.", "ctrl+s")
        await pilot.pause()
        assert _comments(store, demo_id)[0].text == "Vi har tre gruppledare, inte två. Se bilaga."
        # Removed after asking.
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("j")
        await pilot.pause()
        assert _comments(store, demo_id) == []


@pytest.mark.slow
async def test_not_changed_needs_a_reason(store: Store, demo_id: str) -> None:
    comment_id = _send_and_comment(store, demo_id)
    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ResponseDialog)
        # Ändrat is offered first; ↓ is Ej ändrat.
        await pilot.press("enter", "down", "enter", "ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        problem = str(dialog.query_one("#response-problem", Static).content)
        assert problem == "Skriv varför texten inte ändrades."
        assert _comments(store, demo_id)[0].response == ""
        await pilot.press(*"Uppgiften stämmer med intervjun 2026-10-02.", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ResponseDialog)
        [saved] = _comments(store, demo_id)
        assert (saved.id, saved.response, saved.response_reason) == (
            comment_id, "not_changed", "Uppgiften stämmer med intervjun 2026-10-02.")
        assert "alla besvarade" in _status(app.screen.query_one(FactCheckPart))


@pytest.mark.slow
async def test_compare_shows_what_changed_since_the_draft(store: Store, demo_id: str) -> None:
    app = make_app(store, open_review=demo_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(app, pilot)
        await pilot.press("j")  # nothing sent: nothing to compare with
        await pilot.pause()
        assert not isinstance(app.screen, ChangesScreen)
        assert any("Inget utkast har skickats" in note for note in notes)
        with store.session() as session:
            send_for_factcheck(session, demo_id, current_content(session, demo_id))
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, ChangesScreen)
        assert app.screen.changes == []
        assert NOTHING_CHANGED in str(app.screen.query_one("#changes-heading", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        with store.session() as session:
            method = load_report_data(session, demo_id).method_text
            set_method_text(session, demo_id, method + " Två akter saknades i systemet.")
        await pilot.press("j")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChangesScreen)
        assert [(c.where, c.kind) for c in screen.changes] == [("Metod", "ändrad")]
        shown = str(screen.query_one("#changes-list", Static).content)
        assert "Metod · ändrad" in shown
        assert "+ Två akter saknades i systemet." in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ChangesScreen)


@pytest.mark.slow
@pytest.mark.usefixtures("short_key_hold")
async def test_signed_review_is_shown_but_refuses_changes(
        store: Store, demo_id: str, exports: Path) -> None:
    _send_and_comment(store, demo_id)
    with store.session() as session:
        sign_review(session, demo_id)
    app = make_app(store, open_review=demo_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        assert "Status: Signerad · låst" in _status(part)
        assert [c.role for c in part.comments] == ["Enhetschef"]
        for key in ("u", "a", "e", "r", "delete"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmDialog | CommentDialog | ResponseDialog)
        assert notes.count(FactCheckPart.LOCKED_MESSAGE) == 5
        assert len(_comments(store, demo_id)) == 1 and not list(exports.glob("*"))
        await pilot.press("j")  # looking is always allowed
        await pilot.pause()
        assert isinstance(app.screen, ChangesScreen)


@pytest.mark.slow
@pytest.mark.usefixtures("short_key_hold")
async def test_read_only_store_refuses_changes(store: Store, demo_id: str) -> None:
    _send_and_comment(store, demo_id)
    reader = open_store(store.path, read_only=True)
    try:
        app = make_app(reader, open_review=demo_id)
        notes = _notes(app)
        async with app.run_test(size=SIZE) as pilot:
            part = await _open_part(app, pilot)
            assert len(part.comments) == 1
            await pilot.press("r", "a")
            await pilot.pause()
            assert not isinstance(app.screen, CommentDialog | ResponseDialog)
    finally:
        reader.close()
    assert notes.count(READ_ONLY) == 2


@pytest.mark.slow
async def test_layout_at_80_by_24(store: Store, demo_id: str) -> None:
    _send_and_comment(store, demo_id)
    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        table = part.table
        # Every column fits in the part: no sideways scrolling needed to see the text.
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert table.get_row_at(0)[1:4] == ["Enhetschef", "2026-11-25", "Ej besvarad"]
        detail = str(part.query_one("#factcheck-detail", Static).content)
        assert "Antalet intervjuer är fel." in detail and "Svar: Ej besvarad" in detail
        assert part.query_one("#factcheck-detail").region.bottom <= 23  # above the footer
        await pilot.press("a")
        await pilot.pause()
        box = app.screen.query_one("#comment-box")
        assert box.region.height <= 23 and box.region.right <= 80


def test_columns_give_the_text_the_room_left() -> None:
    section, role, text = column_widths(54)
    assert min(section, role, text) >= 8
    wide = column_widths(120)
    assert wide[2] > 40 and wide[0] <= 24


def test_help_lists_the_part_keys() -> None:
    text = help_text()
    assert "7 Faktagranskning" in text
    for words in ("Skicka utkast för faktagranskning", "Ny synpunkt från verksamheten",
                  "Svara: Ändrat eller Ej ändrat", "Jämför: vad som har ändrats"):
        assert words in text
