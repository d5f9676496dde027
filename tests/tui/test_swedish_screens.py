"""Every screen in Swedish, read off the screen as the auditor sees it: each part of the
workspace, the help, the command palette, an open Select (whose key Textual words in English)
and the document form."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Input, OptionList, Select

from kvtui.domain.demo import demo_case_files
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import Store
from kvtui.store.sampling import draw_sample
from kvtui.tui.app import make_app
from kvtui.tui.parts import PARTS
from kvtui.tui.screens.workspace import WorkspaceScreen
from kvtui.tui.widgets.filereview_format import MISSING_REFERENCE, MISSING_REFERENCE_LEGEND
from kvtui.tui.widgets.select import CLOSE_LIST
from tests.tui.screen_text import screen_text

SIZE = (80, 24)
# Words Textual or the code's own names would put on a screen.
ENGLISH = re.compile(
    r"\bDismiss\b|\bSort\b|\bSearch\b|\bShow\b|\bmenu\b|\banswer\b|\bcreate\b|\bupdate\b"
    r"|\bfieldwork\b|\bfact_check\b|<str>|\{[A-Z]+\}|\bTrue\b|\bFalse\b|\bNone\b"
    r"|\b(?:1|one) (?:akter|iakttagelser|intervjuer|bedömningar|poster)\b")


def _english(text: str) -> list[str]:
    return ENGLISH.findall(text)


@pytest.mark.slow
async def test_every_part_and_its_keys_are_swedish(demo_store: Store, demo_id: str) -> None:
    app = make_app(demo_store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        for part in PARTS:
            workspace.query_one("#part-list", OptionList).focus()
            await pilot.press(part.key)
            await pilot.press("enter")  # into the part: the footer shows its own keys
            await pilot.pause()
            text = screen_text(app)
            assert _english(text) == [], f"{part.title}:\n{text}"

        await pilot.press("f1")
        await pilot.pause()
        assert _english(screen_text(app)) == []
        await pilot.press("f1")
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = screen_text(app)
        assert "Sök kommando" in palette
        assert _english(palette) == []


@pytest.mark.slow
async def test_an_open_select_says_its_key_in_swedish(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")  # Ny granskning: the template is a Select
        await pilot.pause()
        template = app.screen.query_one("#template", Select)
        template.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert template.expanded
        text = screen_text(app)
        assert f"esc {CLOSE_LIST}" in text.splitlines()[-1]
        assert "Dismiss" not in text
        await pilot.press("escape")
        await pilot.pause()
        assert not template.expanded
        assert app.screen.query_one("#template", Select) is template  # the form is still open


@pytest.mark.slow
async def test_document_form_names_the_document_type(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.press("enter")
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one("#document-kind", Input)
        text = screen_text(app)
        assert "Dokumenttyp" in text
        assert _english(text) == []


@pytest.mark.slow
async def test_the_mark_after_a_criterion_code_is_explained(store: Store, review_id: str) -> None:
    """The template gives F15 no reference: in a review of its own its code is marked "!",
    and the detail under the criteria says what the mark means on every row."""
    with store.session() as session:
        add_case_files(session, review_id, demo_case_files())
        draw_sample(session, review_id, size=3, seed="1")
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.press("enter")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert any(MISSING_REFERENCE_LEGEND in line for line in lines)  # on F1's detail
        for _ in range(14):
            await pilot.press("down")
        await pilot.pause()
        shown = screen_text(app)
        assert " F15!" in shown
        assert f"! {MISSING_REFERENCE}" in shown  # on F15's own
