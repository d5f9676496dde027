"""Keys an auditor presses to answer one akt of the barnavårdsutredning template, all criteria.

Drives the real app with Textual's Pilot on a real store in a temporary folder: a review of
the second half of 2025 with one sampled akt, opened in Aktgranskning (the key 3 that gets
there is not counted). It answers each criterion with the fewest keys a user needs: one key
for a judgement; for a deadline, Enter to open the dialog, then in each field that has the
keyboard either the date (eight digits, 20250901) when the field is empty or nothing when
kvtui has filled it in, and Enter to go on. It prints the keys pressed, the keys that were
dates or moved between date fields, and checks that every criterion of the akt was answered.

Run it from a checkout with that checkout's code first on the path, e.g.
``PYTHONPATH=. python bench/keystrokes.py``, to compare two versions of kvtui.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import date
from pathlib import Path

from textual.widgets import Input

from kvtui.domain.reviews import ReviewFields
from kvtui.store.answers import answers_for
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import open_store
from kvtui.store.reviews import create_review
from kvtui.store.sampling import draw_sample
from kvtui.store.template_library import load_template
from kvtui.tui.app import make_app
from kvtui.tui.dialogs.answer_deadline import AnswerDeadlineDialog
from kvtui.tui.widgets.filereview_part import FileReviewPart

TEMPLATE = "barnavardsutredning"
# The akt's dates, by the labels the template's deadlines use.
DATES = {
    "anmälan inkom": "20250901",
    "skyddsbedömning gjord": "20250902",
    "beslut om att inleda eller inte": "20250912",
    "utredning inledd": "20250915",
    "utredning avslutad": "20251201",
}


class Keys:
    """Presses keys through the Pilot and counts them, dates apart."""

    def __init__(self, pilot) -> None:  # type: ignore[no-untyped-def]
        self.pilot = pilot
        self.total = 0
        self.dates = 0

    async def press(self, *keys: str, date_keys: bool = False) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()
        self.total += len(keys)
        if date_keys:
            self.dates += len(keys)


async def answer_one_akt(folder: Path) -> tuple[int, int, int, int]:
    """Keys in all, keys for dates, criteria answered, criteria in the template."""
    store = open_store(folder / "kvtui.db", backup=False)
    try:
        template, text = load_template(TEMPLATE, None)
        with store.session() as session:
            review_id = create_review(session, template, text, ReviewFields(
                title="Barnavårdsutredningar 2025", period_start=date(2025, 7, 1),
                period_end=date(2025, 12, 31)))
            add_case_files(session, review_id, [("BU-2025-001", {})])
            akt = draw_sample(session, review_id, size=1, seed="1").active[0].case_file_id
        app = make_app(store, open_review=review_id)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("3")
            await pilot.pause()
            view = app.screen.query_one(FileReviewPart).akt_view
            keys = Keys(pilot)
            for _ in range(len(template.criteria)):
                criterion = view.current_criterion.criterion
                if criterion.kind == "judgement":
                    await keys.press("j")
                    continue
                await keys.press("enter", date_keys=True)
                for _step in range(6):
                    dialog = app.screen
                    if not isinstance(dialog, AnswerDeadlineDialog):
                        break
                    field = dialog.focused
                    assert isinstance(field, Input)
                    label = (criterion.start_label if field.id == "deadline-start"
                             else criterion.end_label)
                    if not field.value:
                        await keys.press(*DATES[label.casefold()], date_keys=True)
                    await keys.press("enter", date_keys=True)
                assert not isinstance(app.screen, AnswerDeadlineDialog), criterion.code
        with store.session() as session:
            answered = len(answers_for(session, akt))
    finally:
        store.close()
    return keys.total, keys.dates, answered, len(template.criteria)


def main() -> None:
    """Answer one akt and print the keys it took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kvtui-keys-") as folder:
        total, dates, answered, criteria = asyncio.run(answer_one_akt(Path(folder)))
    print(f"{TEMPLATE}: {total} keys for one akt, {dates} of them for dates "
          f"({answered} of {criteria} criteria answered)")
    if answered != criteria:
        raise SystemExit("not every criterion was answered")


if __name__ == "__main__":
    main()
