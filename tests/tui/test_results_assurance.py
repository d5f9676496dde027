"""The assurance statements in Aktgranskning's results (s): the criterion under the cursor, per
stratum when the sample is stratified, and the answers counted as a brist."""

from __future__ import annotations

from textual.widgets import Static

from kvtui.domain.assurance import bound_percent, row_statement, strata_assurance
from kvtui.store.database import Store
from kvtui.store.demo import create_demo
from kvtui.store.results import review_results
from kvtui.tui.app import make_app
from kvtui.tui.widgets.filereview_part import FileReviewPart
from tests.tui.screen_text import screen_lines

SIZE = (80, 24)


async def test_the_statement_of_the_criterion_under_the_cursor(store: Store) -> None:
    with store.session() as session:
        review_id = create_demo(session, judgement=False)
        results = review_results(session, review_id)
    assert results is not None and results.stratify_by
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        part = app.screen.query_one(FileReviewPart)
        await pilot.press("s")
        await pilot.pause()
        view = part.results_view
        detail = view.query_one("#results-detail", Static)
        for index in (0, 1):
            row = results.rows[index]
            shown = str(detail.content).replace("\u00a0", " ")
            assert row_statement(row) and row_statement(row) in shown
            for name, bound in strata_assurance(row).items():
                result = row.strata.strata[name] if row.strata else None
                if result is not None and result.counts.applicable:
                    assert f"n = {result.counts.n}), brist högst {bound_percent(bound)}" in shown
            assert "Som brist räknas svaret Nej." in shown
            await pilot.press("down")
            await pilot.pause()
        screen = "\n".join(screen_lines(app))
        # At 80×24 the strata's bounds and the whole statement are on screen.
        assert "brist högst" in screen and "denna brist." in screen.split("brist högst")[-1]
