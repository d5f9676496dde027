"""Two granskare, one review, by keys: o says who works here, g gives the akt under the cursor
to a granskare, f shares the rest evenly; her akter come first in Akter & urval and in
Aktgranskning, her answers are saved as hers and Översikt shows each granskare's progress."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable

from kvtui.store.assignments import assignments
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import Store
from kvtui.store.models import Answer
from kvtui.store.sampling import draw_sample
from kvtui.tui.app import make_app
from kvtui.tui.widgets.filereview_part import FileReviewPart
from kvtui.user_settings import my_auditor_name
from tests.tui.screen_text import screen_lines

KARIN, JONAS = "Karin Ekdahl", "Jonas Lindwall"


async def test_divide_the_sample_and_answer_my_akter_first(store: Store,
                                                           review_id: str) -> None:
    with store.session() as session:
        add_case_files(session, review_id, [(f"FV-{100 + i}", {}) for i in range(10)])
        drawn = [akt.case_file_id for akt in
                 draw_sample(session, review_id, size=4, seed="7").active]
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("down", "o", "g")  # I am Karin; the second akt is mine
        await pilot.pause()
        table = app.screen.query_one("#casefiles-table", DataTable)
        assert my_auditor_name() == KARIN
        assert str(table.coordinate_to_cell_key((0, 0)).row_key.value) == drawn[1]
        assert "● Karin Ekdahl" in str(table.get_row_at(0))
        await pilot.press("f")  # the other three, evenly: Jonas, Karin, Jonas
        await pilot.pause()
        with store.session() as session:
            held = assignments(session, review_id).akter
        assert [held[akt] for akt in drawn] == [JONAS, KARIN, KARIN, JONAS]

        await pilot.press("3")  # Aktgranskning starts with my first akt
        await pilot.pause()
        part = app.screen.query_one(FileReviewPart)
        assert part.akt_view.current_akt is not None
        assert part.akt_view.current_akt.case_file_id == drawn[1]
        assert any("● min akt" in line for line in screen_lines(app))
        await pilot.press("j")
        await pilot.pause()

        await pilot.press("1")
        await pilot.pause()
        lines = "\n".join(screen_lines(app))
        assert "Granskarnas arbete" in lines
        assert "● Karin Ekdahl" in lines and "akter klara 0/2 · 1 svar" in lines
    with store.session() as session:
        answers = session.exec(select(Answer.case_file_id, Answer.answered_by)).all()
    assert answers == [(drawn[1], KARIN)]
