"""Akter & urval by keys: import, hand edits, the personnummer guard, drawing and replacing."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from kvtui.domain.sampling import draw
from kvtui.store.casefiles import add_case_files, list_case_files
from kvtui.store.database import Store
from kvtui.store.sampling import current_sample, draw_sample, population
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.casefile_edit import CaseFileDialog
from kvtui.tui.dialogs.import_mapping import ImportMappingDialog
from kvtui.tui.widgets.casefiles_part import CaseFilesPart
from tests.testdata import PERSONNUMMER_FILE

SIZE = (80, 24)
TEST_NUMBERS = PERSONNUMMER_FILE
PLACEMENTS = ("familjehem", "jourhem", "HVB", "släktinghem")


def _test_personnummer() -> str:
    """A published test personnummer, read at test time: none is written into the repo."""
    return TEST_NUMBERS.read_text(encoding="utf-8").split()[2024]


def _add_population(store: Store, review_id: str, count: int = 20) -> None:
    rows = [(f"FV-{100 + i}", {"placering": PLACEMENTS[i % 4]}) for i in range(count)]
    with store.session() as session:
        add_case_files(session, review_id, rows)


def _rows(store: Store, review_id: str) -> list[tuple[str, dict[str, str]]]:
    with store.session() as session:
        return [(row.reference, row.attributes) for row in list_case_files(session, review_id)]


async def _open_part(app: KvtuiApp, pilot: Pilot[None]) -> CaseFilesPart:
    """Key 2, then Tab into the part's table, where its keys work."""
    await pilot.pause()
    await pilot.press("2")
    await pilot.pause()
    return app.screen.query_one(CaseFilesPart)


async def _settle(app: KvtuiApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def _notes(app: KvtuiApp) -> list[str]:
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
    return notes


@pytest.mark.slow
async def test_import_cp1252_csv_by_keys(store: Store, review_id: str, tmp_path: Path) -> None:
    path = tmp_path / "akter.csv"
    path.write_bytes(
        "Placering;Aktnr;Lagrum\r\njourhem;A-1;SoL\r\nsläktinghem;A-2;LVU\r\n".encode("cp1252")
    )
    app = make_app(store, open_review=review_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("i", *str(path), "enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, ImportMappingDialog)
        await pilot.press("down", "enter")  # Aktnr, the second column, is the reference
        await _settle(app, pilot)
        assert isinstance(app.screen.query_one(CaseFilesPart), CaseFilesPart)
        assert len(part.rows) == 2
    assert _rows(store, review_id) == [
        ("A-1", {"Placering": "jourhem", "Lagrum": "SoL"}),
        ("A-2", {"Placering": "släktinghem", "Lagrum": "LVU"}),
    ]
    assert "Läste 2 akter från akter.csv (Windows-1252, semikolon)." in notes


@pytest.mark.slow
async def test_bad_file_shows_every_problem_and_writes_nothing(
    store: Store, review_id: str, tmp_path: Path
) -> None:
    path = tmp_path / "akter.csv"
    path.write_text("Aktnr;Placering\nA-1;jourhem\nA-1;HVB\n;HVB\n", encoding="utf-8")
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(app, pilot)
        await pilot.press("i", *str(path), "enter")
        await _settle(app, pilot)
        await pilot.press("enter")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportMappingDialog)
        shown = str(dialog.query_one("#import-problems", Static).content)
        assert "inget har sparats" in shown
        assert "rad 3, fält 'Aktnr'" in shown and "rad 4, fält 'Aktnr'" in shown
    assert _rows(store, review_id) == []


@pytest.mark.slow
async def test_add_edit_and_remove_by_hand(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(app, pilot)
        await pilot.press("a", *"FV-1", "tab", *"placering", "tab", *"jourhem", "enter")
        await pilot.pause()
        assert _rows(store, review_id) == [("FV-1", {"placering": "jourhem"})]
        await pilot.press("r")  # the new akt is under the cursor
        await pilot.pause()
        assert isinstance(app.screen, CaseFileDialog)
        # A field's text is selected when it gets focus, so typing replaces it.
        await pilot.press(*"FV-2", "tab", *"HVB", "enter")
        await pilot.pause()
        assert _rows(store, review_id) == [("FV-2", {"placering": "HVB"})]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
    assert _rows(store, review_id) == []


@pytest.mark.slow
async def test_personnummer_reference_is_refused(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(app, pilot)
        await pilot.press("a", *_test_personnummer(), "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CaseFileDialog)
        shown = str(dialog.query_one("#casefile-problem", Static).content)
        assert shown.startswith("Referensen ser ut som ett personnummer. Använd verksamhetens")
        assert _test_personnummer() not in shown
    assert _rows(store, review_id) == []


@pytest.mark.slow
async def test_stratified_sample_by_keys_is_the_domains(store: Store, review_id: str) -> None:
    _add_population(store, review_id)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("enter", "down", "enter")  # Metod: Stratifierat
        await pilot.press("tab", "enter", "down", "enter")  # Dela in efter: placering
        await pilot.press("tab", *"0,3")
        await pilot.pause()
        precision = str(app.screen.query_one("#sample-precision", Static).content)
        assert precision.startswith("30 % av 20 akter (6 akter) ger ungefär ±")
        await pilot.press("tab", *"4711", "ctrl+s")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert part.sample is not None and part.sample_view
    with store.session() as session:
        sample = current_sample(session, review_id)
        expected = draw(population(session, review_id), method="stratified", fraction=0.3,
                        stratify_by="placering", seed="4711")
    assert sample is not None and sample.seed == "4711" and sample.method == "stratified"
    assert tuple(item.reference for item in sample.items) == expected.keys


@pytest.mark.slow
async def test_replace_akt_with_reason(store: Store, review_id: str) -> None:
    _add_population(store, review_id)
    with store.session() as session:
        first = draw_sample(session, review_id, method="simple", size=5, seed="99").items[0]
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(app, pilot)
        await pilot.press("e", *"Flyttat", "enter")
        await pilot.pause()
    with store.session() as session:
        sample = current_sample(session, review_id)
    assert sample is not None
    assert (sample.items[0].reference, sample.items[0].status) == (first.reference, "replaced")
    assert sample.items[0].replaced_reason == "Flyttat"
    assert len(sample.active) == 5 and sample.items[-1].position == 6




@pytest.mark.slow
async def test_exclude_akt_with_reason_and_the_sample_says_so(
        store: Store, review_id: str) -> None:
    _add_population(store, review_id)
    with store.session() as session:
        drawn = draw_sample(session, review_id, method="simple", size=5, seed="99").items
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("down", "minus")
        await pilot.pause()
        await pilot.press("ctrl+s")  # no reason: refused, nothing stored
        await pilot.pause()
        problem = str(app.screen.query_one("#exclude-problem", Static).content)
        assert problem == "Ange varför akten utesluts."
        await pilot.press(*"Akten saknas", "enter")
        await pilot.pause()
        summary = str(app.screen.query_one("#casefiles-summary", Static).content)
        assert "4 av 20 akter granskas · 1 utesluten" in summary
        assert part.sample is not None and len(part.sample.excluded) == 1
    with store.session() as session:
        sample = current_sample(session, review_id)
    assert sample is not None
    assert (sample.items[1].reference, sample.items[1].status) == (drawn[1].reference,
                                                                   "excluded")
    assert sample.items[1].replaced_reason == "Akten saknas"
    assert len(sample.items) == 5 and len(sample.active) == 4  # no replacement


@pytest.mark.slow
async def test_file_text_reaches_the_screen_escaped(
    store: Store, review_id: str, tmp_path: Path
) -> None:
    """A file's name and sheet name with control characters and a direction override are
    shown escaped in the mapping dialog; a value holding one is refused, also escaped."""
    from textual.widgets import Input

    from tests.hostile_files import build_xlsx

    workbook = tmp_path / "akter\x1b[2J.xlsx"
    workbook.write_bytes(build_xlsx(sheet_name="Akter\u202e\x9b"))
    bad = tmp_path / "fel.csv"
    bad.write_bytes(b"Aktnr;Placering\r\nA-1;jour\x1b[31mhem\r\n")
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = str(bad)
        await pilot.press("enter")
        await _settle(app, pilot)
        problem = str(app.screen.query_one("#import-file-problem", Static).content)
        assert "fält 'Placering': Fältet innehåller styrtecknet \\x1b" in problem
        assert "\x1b" not in problem
        app.screen.query_one("#import-path", Input).value = str(workbook)
        await pilot.press("enter")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportMappingDialog)
        info = str(dialog.query_one("#import-file-info", Static).content)
        assert info.startswith("akter\\x1b[2J.xlsx · blad 'Akter\\u202e\\x9b' · 12 rader")
        assert not any(char in info for char in "\x1b\u202e\x9b")
        await pilot.press("enter")  # Referens, the first column
        await _settle(app, pilot)
    assert len(_rows(store, review_id)) == 12


@pytest.mark.slow
async def test_a_paste_with_control_characters_is_stored_without_them(
    store: Store, review_id: str
) -> None:
    """A reference pasted from a web page with an escape sequence and a direction override in
    it: the akt is stored, and shown, without them."""
    from textual.events import Paste
    from textual.widgets import Input

    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CaseFileDialog)
        field = dialog.focused
        assert isinstance(field, Input)
        field.post_message(Paste("FV-\u202e7\x1b[2J"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert [row.reference for row in part.rows] == ["FV-7[2J"]
    assert _rows(store, review_id) == [("FV-7[2J", {})]
