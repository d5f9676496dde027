"""LineText keeps Static's promise: what is set as its content is what it draws."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from kvtui.tui.widgets.filereview_text import LineText


class _OneLine(App[None]):
    def compose(self) -> ComposeResult:
        yield LineText(id="line")


async def test_content_set_as_on_a_static_is_drawn() -> None:
    app = _OneLine()
    async with app.run_test(size=(30, 3)) as pilot:
        line = app.query_one("#line", LineText)
        line.show(Text("Akt 1 av 3"))
        await pilot.pause()
        assert line.render_line(0).text.rstrip() == "Akt 1 av 3"
        line.content = "Akt 2 av 3 – ändrad"
        await pilot.pause()
        assert str(line.content) == "Akt 2 av 3 – ändrad"
        assert line.render_line(0).text.rstrip() == "Akt 2 av 3 – ändrad"
        line.content = Text("Akt 3 av 3", style="bold")
        await pilot.pause()
        assert line.render_line(0).text.rstrip() == "Akt 3 av 3"
