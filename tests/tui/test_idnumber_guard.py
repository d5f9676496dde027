"""The personnummer guard: found as typed, marked, masked on Ctrl+K with the cursor kept."""

from __future__ import annotations

from textual.app import App, ComposeResult

from kvtui.domain.personnummer import find_ids
from kvtui.tui.widgets.idnumber_guard import (
    HIGHLIGHT,
    GuardedTextArea,
    IdNumberWarning,
    guard_warning,
)
from tests.testdata import PERSONNUMMER_FILE


def _test_personnummer(index: int = 2024) -> str:
    """A published test personnummer, read at test time: none is written into the repo."""
    twelve = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[index]
    return f"{twelve[2:8]}-{twelve[8:]}"  # ÅÅMMDD-NNNN, as an auditor would type it


class GuardApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[str] = []
        self.masked: list[int] = []

    def compose(self) -> ComposeResult:
        yield GuardedTextArea(id="area")
        yield IdNumberWarning(id="warning")

    def on_guarded_text_area_ids_changed(self, event: GuardedTextArea.IdsChanged) -> None:
        self.warnings.append(event.warning)
        self.query_one(IdNumberWarning).show_warning(event.warning)

    def on_guarded_text_area_masked(self, event: GuardedTextArea.Masked) -> None:
        self.masked.append(event.count)


def test_warning_wording() -> None:
    number = _test_personnummer()
    warning = guard_warning(find_ids(f"Barnet {number} bor i jourhem."))
    assert warning.startswith("Texten innehåller något som ser ut som ett personnummer (")
    assert f"{number[:6]}-XXXX" in warning and number not in warning
    assert "Ctrl+K" in warning
    assert guard_warning([]) == ""


async def test_typed_number_is_marked_and_masked_with_the_cursor_kept() -> None:
    number = _test_personnummer()
    app = GuardApp()
    async with app.run_test(size=(80, 24)) as pilot:
        area = app.query_one(GuardedTextArea)
        area.focus()
        await pilot.press(*f"Barnet {number} och", "space", *"mer")
        await pilot.pause()
        warning = app.query_one(IdNumberWarning)
        assert warning.display and "personnummer" in str(warning.content)
        line = area.get_line(0)
        start = line.plain.index(number)
        assert any(span.style == HIGHLIGHT and span.start == start
                   and span.end == start + len(number) for span in line.spans)
        # The cursor is at the end, after "mer"; masking keeps it there.
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert area.text == f"Barnet {number[:6]}-XXXX och mer"
        assert area.cursor_location == (0, len(area.text))
        assert app.masked == [1]
        assert app.warnings[-1] == "" and not warning.display


async def test_ctrl_k_without_a_number_deletes_to_the_end_of_the_line() -> None:
    app = GuardApp()
    async with app.run_test(size=(80, 24)) as pilot:
        area = app.query_one(GuardedTextArea)
        area.load_text("Tel 070-123 45 67 och dnr 2024/0147")
        area.focus()
        area.move_cursor((0, 3))
        await pilot.pause()
        assert area.found == []
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert area.text == "Tel"
        assert app.masked == []
