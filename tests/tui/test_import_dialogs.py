"""Importera akter by keys: the file picker beside the path field, and the preview of the file
before anything is imported."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static

from kvtui.store.casefiles import list_case_files
from kvtui.store.database import Store
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.import_mapping import ImportMappingDialog
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
