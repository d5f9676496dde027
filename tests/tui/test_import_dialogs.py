"""Importera akter and Dra urval by keys: the file picker beside the path field, the preview of
the file before anything is imported, and each stratum's share of a stratified sample."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Select, Static

from kvtui.domain.sampling import allocation_parts
from kvtui.store.casefiles import add_case_files, list_case_files
from kvtui.store.database import Store
from kvtui.store.sampling import current_sample, draw_sample, sample_allocation
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.import_mapping import ImportMappingDialog
from kvtui.tui.dialogs.sample_draw import DrawSampleDialog
from tests.testdata import PERSONNUMMER_FILE, SAMORDNINGSNUMMER_FILE

SIZE = (80, 24)


async def _open_import(app: KvtuiApp, pilot: Pilot[None]) -> None:
    """Key 2 to Akter & urval, Tab into its table, i to import."""
    await pilot.pause()
    await pilot.press("2", "tab", "i")
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
    await pilot.press("2", "tab", "u")
    await pilot.pause()
    await pilot.press("enter", "down", "enter")  # Metod: Stratifierat
    await pilot.press("tab", "enter", "down", "enter")  # Dela in efter: placering
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, DrawSampleDialog)
    return dialog


def _note(dialog: DrawSampleDialog) -> str:
    return str(dialog.query_one("#sample-allocation", Static).content)


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
        await pilot.press("2", "tab")
        await pilot.pause()
        summary = str(app.screen.query_one("#casefiles-summary", Static).content)
        assert ALLOCATION_22 in summary.splitlines()
        await pilot.press("e", *"Flyttat", "enter")  # replaced within its stratum
        await pilot.pause()
        summary = str(app.screen.query_one("#casefiles-summary", Static).content)
        assert ALLOCATION_22 in summary.splitlines()
        await pilot.press("v")  # the population: no allocation line there
        await pilot.pause()
        summary = str(app.screen.query_one("#casefiles-summary", Static).content)
        assert "Per placering" not in summary
