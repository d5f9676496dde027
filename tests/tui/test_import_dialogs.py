"""Importera akter and Dra urval by keys: the file picker beside the path field, the preview of
the file before anything is imported, and each stratum's share of a stratified sample."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static

from kvtui.domain.sampling import allocation_parts
from kvtui.store.casefiles import add_case_files, list_case_files
from kvtui.store.database import Store
from kvtui.store.sampling import current_sample, draw_sample, sample_allocation
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.file_picker import FilePickerDialog, ImportFileTree, unreadable_reason
from kvtui.tui.dialogs.import_file import ImportFileDialog, picker_start
from kvtui.tui.dialogs.import_mapping import ImportMappingDialog
from kvtui.tui.dialogs.sample_draw import DrawSampleDialog
from kvtui.user_settings import last_import_folder, remember_import_folder
from tests.sandbox import ROOT
from tests.testdata import PERSONNUMMER_FILE, SAMORDNINGSNUMMER_FILE
from tests.waiting import pilot_until

SIZE = (80, 24)
ODD_FOLDER = "Akter #1 ?% åäö 100%"


async def _open_import(app: KvtuiApp, pilot: Pilot[None]) -> None:
    """Key 2 to Akter & urval, Tab into its table, i to import."""
    await pilot.pause()
    await pilot.press("2", "i")
    await pilot.pause()


async def _settle(app: KvtuiApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def _preview_cells(dialog: ImportMappingDialog) -> list[str]:
    grid = dialog.query_one("#import-preview", DataTable)
    cells = [str(column.label) for column in grid.columns.values()]
    for row in range(grid.row_count):
        cells += [str(cell) for cell in grid.get_row_at(row)]
    return cells


@pytest.mark.slow
async def test_the_preview_masks_a_personnummer_as_the_error_list_does(
    store: Store, review_id: str, tmp_path: Path
) -> None:
    person = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[4711]
    coordination = SAMORDNINGSNUMMER_FILE.read_text(encoding="utf-8").split()[17]
    dashed = f"{person[2:8]}-{person[8:]}"
    path = tmp_path / "akter.csv"
    path.write_text(
        f"Aktnr;Placering;Anteckning {coordination}\n"
        f"A-1;jourhem;Hos {dashed}\n"
        f"A-2;HVB;{coordination}\n",
        encoding="utf-8",
    )
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_import(app, pilot)
        await pilot.press(*str(path), "enter")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportMappingDialog)
        cells = _preview_cells(dialog)
        columns = [str(option.prompt) for option in
                   dialog.query_one("#import-id-column", OptionList).options]
        await pilot.press("enter")  # Aktnr is the reference: the import is refused
        await _settle(app, pilot)
        errors = str(dialog.query_one("#import-problems", Static).content)
    shown = " ".join(cells + columns)
    for number in (person, coordination):
        assert number[2:] not in shown.replace("-", "") and number[-4:] not in shown
    assert f"Hos {person[2:8]}-XXXX" in cells
    assert f"Anteckning {coordination[:8]}-XXXX" in columns
    assert f"{coordination[:8]}-XXXX" in cells
    # The error list masks the same numbers the same way.
    assert f"({person[2:8]}-XXXX)" in errors and f"({coordination[:8]}-XXXX)" in errors
    assert person[-4:] not in errors and coordination[-4:] not in errors
    with store.session() as session:
        assert list_case_files(session, review_id) == []


# --- The file picker ---------------------------------------------------------------------------


async def _until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Pause until ``condition`` holds (the tree lists a folder in a thread of its own)."""
    await pilot_until(pilot, condition, what="the folder listed")


def _listed(app: KvtuiApp) -> list[str]:
    """What the picker lists at its top level, or under the folder opened there."""
    tree = app.screen.query_one(ImportFileTree)
    names: list[str] = []
    for node in tree.root.children:
        names.append(str(node.label))
        names += [f"  {child.label}" for child in node.children if node.is_expanded]
    return names


def _home_with_lists(home: Path) -> Path:
    """A home folder with a folder of awkward name holding a list of akter, and files and
    folders the picker leaves out."""
    odd = home / ODD_FOLDER
    odd.mkdir(parents=True)
    (odd / "akter 2026.csv").write_text("Aktnr;Placering\nA-1;jourhem\nA-2;HVB\n",
                                        encoding="utf-8")
    (odd / "Protokoll.pdf").write_bytes(b"%PDF-1.4\n")
    (odd / ".~lock.akter.csv#").write_text("x", encoding="utf-8")
    (home / ".cache").mkdir()
    (home / "anteckningar.docx").write_bytes(b"PK")
    (home / "lista\x1b[2J.csv").write_text("Aktnr\nA-1\n", encoding="utf-8")
    (home / f"akter {_person()}.xlsx").write_bytes(b"PK")
    return odd


def _person() -> str:
    return PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[99]


@pytest.mark.slow
async def test_a_file_in_an_awkward_folder_is_chosen_by_keys_and_its_folder_remembered(
    store: Store, review_id: str
) -> None:
    home = Path.home()
    odd = _home_with_lists(home)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_import(app, pilot)
        assert last_import_folder() is None
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, FilePickerDialog)
        # Names are shown as the import shows a file's text: escaped, a personnummer masked.
        names = [ODD_FOLDER, f"akter {_person()[:8]}-XXXX.xlsx", "lista\\x1b[2J.csv"]
        await _until(pilot, lambda: _listed(app) == names)
        folder = str(app.screen.query_one("#file-picker-folder", Static).content)
        assert folder == f"Mapp: {home}"
        await pilot.press("enter")
        await _until(pilot, lambda: _listed(app)[:2] == [ODD_FOLDER, "  akter 2026.csv"])
        await pilot.press("down", "enter")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportMappingDialog)
        assert str(dialog.query_one("#import-file-info", Static).content).startswith(
            "akter 2026.csv · ")
    settings = home / "data" / "kvtui-installningar.json"
    assert last_import_folder() == odd
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600


@pytest.mark.slow
async def test_the_picker_opens_in_the_last_folder_and_escape_keeps_what_was_typed(
    store: Store, review_id: str, tmp_path: Path
) -> None:
    odd = _home_with_lists(Path.home())
    assert remember_import_folder(odd)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_import(app, pilot)
        await pilot.press(*"akter-ut")
        await pilot.press("ctrl+o")
        await _until(pilot, lambda: _listed(app) == ["akter 2026.csv"])
        shown = str(app.screen.query_one("#file-picker-folder", Static).content)
        assert shown == f"Mapp: {odd}"
        await pilot.press("backspace")  # up one folder
        await _until(pilot, lambda: ODD_FOLDER in _listed(app))
        assert str(app.screen.query_one("#file-picker-folder", Static).content) == (
            f"Mapp: {odd.parent}")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ImportFileDialog)
        field = app.screen.query_one("#import-path", Input)
        assert field.value == "akter-ut" and field.has_focus
        # A folder typed in the field is where the picker opens.
        field.value = str(tmp_path)
        await pilot.press("ctrl+o")
        await pilot.pause()
        shown = str(app.screen.query_one("#file-picker-folder", Static).content)
        assert shown == f"Mapp: {tmp_path}"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#import-path", Input).value == str(tmp_path)


# --- The allocation per stratum -----------------------------------------------------------------

FOSTER_CARE = {"familjehem": 55, "jourhem": 10, "HVB": 8}
ALLOCATION_22 = "Per placering: HVB 2 av 8 · familjehem 17 av 55 · jourhem 3 av 10."


def _add_strata(store: Store, review_id: str, sizes: dict[str, int]) -> None:
    rows = [(f"FV-{name}-{i}", {"placering": name}) for name, size in sizes.items()
            for i in range(size)]
    with store.session() as session:
        add_case_files(session, review_id, rows)


async def _stratified_draw_dialog(app: KvtuiApp, pilot: Pilot[None]) -> DrawSampleDialog:
    """u, then Metod: Stratifierat and Dela in efter: placering, by keys."""
    await pilot.pause()
    await pilot.press("2", "u")
    await pilot.pause()
    await pilot.press("enter", "down", "enter")  # Metod: Stratifierat
    await pilot.press("tab", "enter", "down", "enter")  # Dela in efter: placering
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, DrawSampleDialog)
    return dialog


def _note(dialog: DrawSampleDialog) -> str:
    return str(dialog.query_one("#sample-allocation", Static).content)


@pytest.mark.slow
async def test_the_draw_dialog_shows_each_strata_share_as_the_size_is_typed(
    store: Store, review_id: str
) -> None:
    _add_strata(store, review_id, FOSTER_CARE)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _stratified_draw_dialog(app, pilot)
        assert _note(dialog) == "Fördelningen per placering visas när storleken är angiven."
        await pilot.press("tab", "2", "2")
        await pilot.pause()
        assert _note(dialog) == ALLOCATION_22
        await pilot.press("backspace", "backspace", *"30 %")
        await pilot.pause()
        assert _note(dialog) == ALLOCATION_22  # 30 % of 73 akter is 22
        await pilot.press("tab", *"4711", "ctrl+s")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        summary = str(app.screen.query_one("#casefiles-summary", Static).content)
    assert ALLOCATION_22 in summary.splitlines()
    with store.session() as session:
        sample = current_sample(session, review_id)
        assert sample is not None
        shares = sample_allocation(session, review_id, sample)
    assert allocation_parts(shares) == ["HVB 2 av 8", "familjehem 17 av 55", "jourhem 3 av 10"]


@pytest.mark.slow
async def test_the_draw_dialog_says_when_akter_lack_the_attribute(
    store: Store, review_id: str
) -> None:
    _add_strata(store, review_id, {"familjehem": 5})
    with store.session() as session:
        add_case_files(session, review_id, [("FV-utan", {"lagrum": "SoL"})])
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _stratified_draw_dialog(app, pilot)
        assert dialog.query_one("#sample-stratify", Select).value == "placering"
        await pilot.press("tab", "3")
        await pilot.pause()
        assert _note(dialog).startswith("1 av 6 akter saknar uppgiften 'placering'.")


@pytest.mark.slow
async def test_the_sample_list_counts_what_is_reviewed_after_a_replacement(
    store: Store, review_id: str
) -> None:
    _add_strata(store, review_id, FOSTER_CARE)
    with store.session() as session:
        draw_sample(session, review_id, method="stratified", size=22, stratify_by="placering",
                    seed="4711")
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        shown = app.screen.query_one("#casefiles-summary", Static)
        assert ALLOCATION_22 in str(shown.content).splitlines()
        # At 80×24 the summary is tall enough to show all of it, however its lines wrap.
        needed = shown.get_content_height(shown.size, app.size, shown.content_size.width)
        assert shown.content_size.height == needed >= len(str(shown.content).splitlines())
        await pilot.press("e", *"Flyttat", "enter")  # replaced within its stratum
        await pilot.pause()
        summary = str(app.screen.query_one("#casefiles-summary", Static).content)
        assert ALLOCATION_22 in summary.splitlines()
        await pilot.press("v")  # the population: no allocation line there
        await pilot.pause()
        summary = str(app.screen.query_one("#casefiles-summary", Static).content)
        assert "Per placering" not in summary


@pytest.mark.slow
async def test_an_old_excel_file_is_listed_and_chosen_gets_the_imports_own_message(
    store: Store, review_id: str
) -> None:
    old = Path.home() / "Äldre listor"
    old.mkdir(parents=True)
    (old / "akter.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await _open_import(app, pilot)
        await pilot.press(*str(old), "ctrl+o")
        await _until(pilot, lambda: _listed(app) == ["akter.xls"])
        await pilot.press("enter")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportFileDialog)
        assert dialog.query_one("#import-path", Input).value == str(old / "akter.xls")
        problem = str(dialog.query_one("#import-file-problem", Static).content)
        assert "Excels gamla format (.xls)" in problem
    assert last_import_folder() is None  # nothing was read from there


def test_a_pasted_path_with_a_nul_names_no_folder() -> None:
    assert unreadable_reason(Path("/tmp/a\x00b")) == "namnet eller åtgärden är ogiltig"
    assert picker_start("/nonexistent\x00/x") == Path.home()


# Run in a process of its own: as root, only without the capabilities that read any folder
# (root reads a folder of mode 000; the auditor does not).
_LOCKED_FOLDER_RUN = r"""
import asyncio, json, sys
from pathlib import Path

from textual.widgets import Static

from kvtui.store.database import open_store
from kvtui.tui.app import make_app
from tests.tui.conftest import _add_review
from tests.waiting import pilot_until


async def main(folder: Path) -> None:
    store = open_store(folder / "kvtui.db")
    app = make_app(store, open_review=_add_review(store))
    seen = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2", "i", "ctrl+o")
        await pilot_until(pilot, lambda: app.screen.query("#file-picker-tree")
                          and app.screen.query_one("#file-picker-tree").root.children)
        await pilot.press("enter")  # open the locked folder
        await pilot_until(pilot, lambda: app.screen.query_one("#file-picker-problem").display)
        problem = app.screen.query_one("#file-picker-problem", Static)
        seen["problem"] = str(problem.content)
        await pilot.press("backspace")  # and the picker still works
        shown = app.screen.query_one("#file-picker-folder", Static)
        await pilot_until(pilot, lambda: str(shown.content) == f"Mapp: {folder}")
        seen["folder"] = str(shown.content)
        seen["screen"] = type(app.screen).__name__
    store.close()
    print(json.dumps(seen))


asyncio.run(main(Path(sys.argv[1])))
"""


@pytest.mark.slow
def test_a_folder_that_cannot_be_read_says_so_in_swedish(tmp_path: Path) -> None:
    home = tmp_path / "hem"
    locked = home / "Låst mapp #2 ?%"
    locked.mkdir(parents=True)
    (locked / "akter.csv").write_text("Aktnr\nA-1\n", encoding="utf-8")
    locked.chmod(0)
    command = [sys.executable, "-c", _LOCKED_FOLDER_RUN, str(tmp_path)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("as root a folder is made unreadable by dropping capabilities (setpriv)")
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    env = {key: value for key, value in os.environ.items() if not key.startswith("KVTUI")}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT), KVTUI_DATA=str(tmp_path / "data"),
               KVTUI_DB=str(tmp_path / "env" / "kvtui.db"))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env,
                              stdin=subprocess.DEVNULL, check=False)
    finally:
        locked.chmod(0o700)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["problem"] == f"Mappen '{locked}' kan inte läsas: behörighet saknas."
    assert seen == {"problem": seen["problem"], "folder": f"Mapp: {tmp_path}",
                    "screen": "FilePickerDialog"}
