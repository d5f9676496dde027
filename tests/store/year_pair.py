"""Two reviews of one unit a year apart, for the year-over-year tests: the demo review as
last year's, and this year's started from it with the same akter and sample, answered as the
demo answers them except for F2 (all Ja now) and F4 (all Nej now)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kvtui.domain.demo import demo_case_files
from kvtui.domain.vocabulary import AnswerValue
from kvtui.store.answers import review_criteria, save_answer
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import Store, open_store
from kvtui.store.demo import add_demo_file_review
from kvtui.store.previous_review import start_from
from kvtui.store.sampling import current_sample
from tests.report.demo_file import demo_copy

CHANGED = {"F2": AnswerValue.YES, "F4": AnswerValue.NO}


@dataclass(frozen=True)
class YearPair:
    """The store and the two reviews' ids."""

    path: Path
    previous_id: str
    review_id: str


def year_pair(folder: Path, *, answered: bool = True) -> YearPair:
    """The demo as last year's review and this year's started from it (see the module)."""
    path, previous_id = demo_copy(folder)
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            review_id = start_from(session, previous_id, None).review_id
            if answered:
                answer_this_year(store, review_id)
    finally:
        store.close()
    return YearPair(path, previous_id, review_id)


def answer_this_year(store: Store, review_id: str) -> None:
    """Akter, sample and answers for this year's review (see the module)."""
    with store.session() as session:
        add_case_files(session, review_id, demo_case_files())
        add_demo_file_review(session, review_id)
        sample = current_sample(session, review_id)
        assert sample is not None
        by_code = {view.code: view.id for view in review_criteria(session, review_id)}
        for item in sample.active:
            for code, value in CHANGED.items():
                save_answer(session, review_id, item.case_file_id, by_code[code], value,
                            commit=False)
        session.commit()
