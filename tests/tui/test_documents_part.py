"""Dokument by keys: the register of documents read, and which statements cite one."""

from __future__ import annotations

from datetime import date

import pytest
from textual.pilot import Pilot

from kvtui.domain.judgement import DocumentView
from kvtui.store.assessments import citing
from kvtui.store.database import Store
from kvtui.store.demo import create_demo
from kvtui.store.documents import list_documents
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.document_edit import DocumentDialog
from kvtui.tui.dialogs.evidence_citing import CitingDialog
from kvtui.tui.widgets.documents_part import DocumentsPart

SIZE = (80, 24)


def _documents(store: Store, review_id: str) -> list[DocumentView]:
    with store.session() as session:
        return list_documents(session, review_id)


async def _open_part(app: KvtuiApp, pilot: Pilot[None]) -> DocumentsPart:
    """Key 5, then Tab into the register, where the part's keys work."""
    await pilot.pause()
    await pilot.press("5")
    await pilot.pause()
    return app.screen.query_one(DocumentsPart)


@pytest.mark.slow
async def test_register_add_edit_and_remove(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, DocumentDialog)
        await pilot.press(*"Rutin för barnsamtal", "tab", *"rut", "right", "tab",
                          *"2025-02-03", "tab", *"enhetschefen", "enter")
        await pilot.pause()
        await pilot.press("a", *"Delegationsordning", "tab", *"styrdokument", "ctrl+s")
        await pilot.pause()
        # Listed as Referenser lists them: by title.
        assert [(d.title, d.kind, d.dated, d.provided_by) for d in
                _documents(store, review_id)] == [
            ("Delegationsordning", "styrdokument", None, ""),
            ("Rutin för barnsamtal", "rutin", date(2025, 2, 3), "enhetschefen"),
        ]
        assert [d.title for d in part.documents] == ["Delegationsordning",
                                                     "Rutin för barnsamtal"]
        # The cursor is on the new one; Enter changes it.
        assert part.current_document is not None
        assert part.current_document.title == "Delegationsordning"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DocumentDialog)
        await pilot.press("tab", "tab", *"2024-12-11", "ctrl+s")
        await pilot.pause()
        assert _documents(store, review_id)[0].dated == date(2024, 12, 11)
        # An untitled document is refused in the dialog.
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DocumentDialog)
        assert "titel saknas" in str(app.screen.query_one("#document-problem").render())
        await pilot.press("escape", "x")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert [d.title for d in _documents(store, review_id)] == ["Rutin för barnsamtal"]


@pytest.mark.slow
async def test_citing_lists_the_statements_that_cite_a_document(store: Store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False, judgement=True)
        documents = list_documents(session, review_id)
        cited = {d.id: citing(session, "document", d.id) for d in documents}
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        index = next(i for i, d in enumerate(documents) if len(cited[d.id]) > 1)
        for _ in range(index):
            await pilot.press("down")
        document = part.current_document
        assert document is not None and document.id == documents[index].id
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CitingDialog)
        assert [a.id for a in dialog.shown] == [a.id for a in cited[document.id]]
        await pilot.press("escape")
        await pilot.pause()
        # A document that no statement cites says so.
        unused = next((i for i, d in enumerate(documents) if not cited[d.id]), None)
        if unused is not None:
            part.table.move_cursor(row=unused)
            await pilot.press("c")
            await pilot.pause()
            assert isinstance(app.screen, CitingDialog)
            assert app.screen.shown == []
            assert "Ingen bedömning hänvisar" in str(
                app.screen.query_one("#citing-summary").render())


@pytest.mark.slow
async def test_a_burst_of_keys_then_ctrl_s_saves_every_character(store: Store,
                                                                  review_id: str) -> None:
    """Keys that arrive faster than they are handled (a fast typist, a paste through the
    terminal) are all saved: Ctrl+S waits its turn behind the characters typed before it."""
    from textual import events

    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, DocumentDialog)
        title = "Rutin för samverkan med skolan och hälso- och sjukvården"
        for key in [*title, "ctrl+s"]:
            character = key if len(key) == 1 else None
            name = {" ": "space", "-": "minus"}.get(key, key)
            app.post_message(events.Key(name, character))
        await pilot.pause()
        await pilot.pause()
    assert title in [d.title for d in _documents(store, review_id)]
