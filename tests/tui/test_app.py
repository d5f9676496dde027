"""The app shell: start-up notices, F1, the command palette and the periodic backup."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from typing import Any

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import OptionList
from textual.worker import WorkerFailed

from kvtui.store.backup import BackupError
from kvtui.store.database import Store, open_store, unclean_notice
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.part_widgets import PART_KEY_SOURCES
from kvtui.tui.parts import PARTS
from kvtui.tui.screens.archive import ArchiveScreen
from kvtui.tui.screens.help import HelpScreen, help_text, key_label
from kvtui.tui.screens.new_review import ReviewFormScreen
from kvtui.tui.screens.plan import PlanScreen
from kvtui.tui.screens.reviews import ReviewsScreen
from kvtui.tui.screens.workspace import WorkspaceScreen
from tests.tui.screen_text import screen_lines
from tests.waiting import pilot_until

SIZE = (80, 24)

Notes = list[tuple[str, dict[str, Any]]]


def _record_notes(app: KvtuiApp) -> Notes:
    notes: Notes = []
    app.notify = lambda message, **kwargs: notes.append((str(message), kwargs))  # type: ignore[method-assign]
    return notes


async def _palette_prompts(
    app: KvtuiApp, pilot: Any, query: str = "", *, expect: str
) -> list[str]:
    """Open the palette, type ``query`` and wait until ``expect`` is among the commands."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert CommandPalette.is_open(app)
    if query:
        await pilot.press(*query)
    results = app.screen.query_one(OptionList)

    def prompts() -> list[str]:
        return [str(results.get_option_at_index(i).prompt).splitlines()[0]
                for i in range(results.option_count)]

    # The palette gathers hits in the background.
    await pilot_until(pilot, lambda: expect in prompts(), what=f"{expect!r} in the palette")
    return prompts()


async def test_starts_on_granskningar(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.title == "kvtui"
        assert isinstance(app.screen, ReviewsScreen)
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_start_notices(store: Store) -> None:
    store.warning = "Varning: databasen ligger i en molnsynkad mapp."
    store.was_unclean = True
    app = make_app(store)
    notes = _record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    [options] = [o for m, o in notes if m == store.warning]
    assert options["severity"] == "warning"
    assert any(message == unclean_notice(store) for message, _ in notes)


async def test_read_only_store_refuses_new_review(store: Store, review_id: str) -> None:
    reader = open_store(store.path, read_only=True)
    try:
        app = make_app(reader)
        notes = _record_notes(app)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, ReviewsScreen)
    finally:
        reader.close()
    assert any("skrivskyddad" in message for message, _ in notes)


async def test_f1_shows_help(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = screen_lines(app)
        for key, text in (("F1", "Hjälp: den här sidan"), ("Ctrl+Q", "Avsluta kvtui")):
            assert any(key in line and text in line for line in lines), (key, lines)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewsScreen)


@pytest.mark.slow
async def test_f1_works_over_a_form(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")  # a modal screen, which hides the app's ordinary keys
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")  # F1 again closes it
        await pilot.pause()
        assert isinstance(app.screen, ReviewFormScreen)


def _help_rows() -> dict[str, list[tuple[set[str], str]]]:
    """Help's rows by section: the keys a row names (each alternative on its own) and the
    text beside them on the same line."""
    sections: dict[str, list[tuple[set[str], str]]] = {}
    rows: list[tuple[set[str], str]] = []
    for line in help_text().splitlines():
        if not line.startswith("  "):
            rows = sections.setdefault(line, [])
            continue
        keys, _, text = line.strip().partition(": ")
        rows.append((set(re.split(r" / |(?<=\S), | eller ", keys)), text))
    return sections


def _says(text: str, description: str) -> bool:
    """Whether a help row's text begins with the key's own description, as whole words."""
    return text == description or text.startswith((f"{description} ", f"{description}:"))


def _missing_rows(
    bindings: list[Any], rows: list[tuple[set[str], str]], *, tooltip: bool = False,
) -> list[tuple[str, str]]:
    """Each key of each binding without a row that names it with its description."""
    missing = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        description = (binding.tooltip if tooltip else "") or binding.description
        for key in binding.key.split(","):
            label = key_label(key)
            if not any(label in keys and _says(text, description) for keys, text in rows):
                missing.append((label, description))
    return missing


# Where help lists each screen's keys: its own section, and the keys that work everywhere.
_SCREEN_SECTIONS = {
    ReviewsScreen: "Granskningar",
    WorkspaceScreen: "Granskningens arbetsyta",
    ReviewFormScreen: "Formuläret Ny granskning / Redigera uppgifter",
    ConfirmDialog: "Frågor (Ja/Nej)",
    HelpScreen: "Hjälp",
    PlanScreen: "Åtgärdsplan",
    ArchiveScreen: "Arkivet",
}


@pytest.mark.parametrize("screen_class", list(_SCREEN_SECTIONS), ids=lambda c: c.__name__)
def test_help_lists_every_key_with_its_description(screen_class: type) -> None:
    """Each key of the screen is on one line of help together with what it does, in the
    screen's own section (or among the keys that work everywhere)."""
    sections = _help_rows()
    rows = sections[_SCREEN_SECTIONS[screen_class]] + sections["Överallt"]
    assert _missing_rows(screen_class.BINDINGS, rows) == []


@pytest.mark.parametrize("part", PARTS, ids=lambda part: part.id)
def test_help_lists_every_part_key_in_its_section(part: Any) -> None:
    """A part's keys are listed under that part, each on one line with what it does."""
    bindings = [binding for widget_class in PART_KEY_SOURCES.get(part.id, ())
                for binding in widget_class.BINDINGS]
    rows = _help_rows().get(f"{part.key} {part.title}", [])
    assert _missing_rows(bindings, rows, tooltip=True) == []


def test_help_rows_do_not_match_a_key_with_another_description() -> None:
    """The checks above catch a key listed with another key's text, or only elsewhere."""
    sections = _help_rows()
    questions = sections["Frågor (Ja/Nej)"]
    assert _missing_rows([Binding("j", "noop", "Nej")], questions) == [("J", "Nej")]
    assert _missing_rows([Binding("n", "noop", "Ny")], questions) == [("N", "Ny")]
    # "Ny granskning" is listed, but under Granskningar, not among the questions.
    assert _missing_rows([Binding("n", "noop", "Ny granskning")], questions) == [
        ("N", "Ny granskning")]
    assert _missing_rows([Binding("n", "noop", "Ny granskning")], sections["Granskningar"]) == []


async def test_palette_lists_actions(store: Store, review_id: str) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        prompts = await _palette_prompts(app, pilot, expect="Avsluta")
        assert "Ny granskning" in prompts
        assert "Öppna granskning Granskning av familjevården 2026" in prompts
        assert "Hjälp" in prompts
        assert "Avsluta" in prompts
        assert "Aktgranskning" not in prompts  # only with a review open


async def test_palette_search_and_run(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        prompts = await _palette_prompts(app, pilot, "ny", expect="Ny granskning")
        assert prompts[0] == "Ny granskning"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewFormScreen)


@pytest.mark.slow
async def test_palette_in_workspace_has_the_parts(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)
        prompts = await _palette_prompts(app, pilot, expect="Avsluta")
        for part in PARTS:
            assert part.title in prompts
        assert "Redigera uppgifter" in prompts


@pytest.mark.slow
async def test_palette_switches_part(store: Store, review_id: str) -> None:
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        prompts = await _palette_prompts(app, pilot, "aktg", expect="Aktgranskning")
        assert prompts[0] == "Aktgranskning"
        await pilot.press("enter")
        await pilot.pause()
        assert workspace.current_part == "filereview"


async def test_failed_backup_is_reported(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise BackupError("Säkerhetskopian kunde inte göras: disken är full")

    monkeypatch.setattr(store, "backup_if_changed", broken)
    app = make_app(store)
    notes = _record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.periodic_backup()
        with contextlib.suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
    reported = [o for m, o in notes if "disken är full" in m]
    assert reported  # the start backup and the periodic one may both have failed
    assert all(options["severity"] == "error" for options in reported)


async def test_successful_backup_is_silent(store: Store) -> None:
    app = make_app(store)
    notes = _record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.periodic_backup()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert notes == []


async def test_start_backup_is_made_after_the_first_frame(tmp_path) -> None:
    from kvtui.store.backup import list_backups
    from kvtui.store.demo import create_demo

    path = tmp_path / "db" / "kvtui.db"
    first = open_store(path)
    with first.session() as session:
        create_demo(session, file_review=False)
    first.close()
    before = len(list_backups(path))
    store = open_store(path, backup=False)  # as the command line opens it for the app
    try:
        app = make_app(store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert len(list_backups(path)) == before + 1
    finally:
        store.close()


async def test_start_backup_that_fails_its_check_leaves_the_app_read_only(tmp_path) -> None:
    from kvtui.paths import running_marker
    from tests.report.demo_file import demo_at
    from tests.store_files import break_an_index

    path = tmp_path / "db" / "kvtui.db"
    demo_at(path)
    break_an_index(path)  # quick_check at start passes; the backup's full check does not
    store = open_store(path, backup=False)
    try:
        app = make_app(store)
        notes = _record_notes(app)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("n")  # a new review is refused now
            await pilot.pause()
            assert isinstance(app.screen, ReviewsScreen)
        assert store.read_only
    finally:
        store.close()
    [failure] = [o for m, o in notes if "kontrolleras då helt" in m]
    assert failure["severity"] == "error"
    assert running_marker(path).exists()


@pytest.mark.slow
async def test_start_backup_failing_in_any_way_leaves_the_app_read_only(tmp_path) -> None:
    """Not only a ``BackupError``: here SQLite's "database is locked", from another program
    holding a write transaction on the store while the app starts."""
    from contextlib import closing

    from tests.report.demo_file import demo_at

    path = tmp_path / "db" / "kvtui.db"
    demo_at(path)
    store = open_store(path, backup=False)
    try:
        app = make_app(store)
        notes = _record_notes(app)
        with closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                with contextlib.suppress(WorkerFailed):
                    await app.workers.wait_for_complete()
                await pilot.pause()
                assert store.read_only
                await pilot.press("n")  # a new review is refused now
                await pilot.pause()
                assert isinstance(app.screen, ReviewsScreen)
            other.execute("ROLLBACK")
    finally:
        store.close()
    [failure] = [(m, o) for m, o in notes if o.get("title") == "Säkerhetskopiering misslyckades"]
    message, options = failure
    assert options["severity"] == "error"
    assert "används av ett annat program" in message and "skrivskyddad" in message
    assert "OperationalError" not in message and "locked" not in message

