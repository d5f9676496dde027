"""Översikt is current: whatever was written in another part shows in "Inför rapporten" and
"Saknas före rapport" as soon as Översikt is shown again, and `r` reads the store again.

Each change is written through the store while the app shows another part, as that part's
own save does (several parts save as the auditor types, without telling the workspace).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import Static

from kvtui.domain.judgement import DocumentFields, InterviewFields, SectionView
from kvtui.store.assessments import (
    add_assessment,
    review_sections,
    set_evidence,
    set_section_text,
    update_assessment,
)
from kvtui.store.database import Store
from kvtui.store.documents import add_document
from kvtui.store.interviews import add_interview, add_observation
from kvtui.store.sampling import extend_sample
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.widgets.readiness import Readiness
from tests.store.test_sample_accounting import answer_all

SIZE = (100, 40)


def _missing(app: KvtuiApp) -> str:
    """Every line missing as last read (the screen shows the first twelve)."""
    return "\n".join(app.screen.query_one(Readiness).missing)


def _shown(app: KvtuiApp) -> str:
    return str(app.screen.query_one("#readiness-missing", Static).content)


def _counts(app: KvtuiApp) -> dict[str, dict[str, int]]:
    return app.screen.query_one(Readiness).counts


async def _away_and_back(pilot: Pilot[None], store: Store,
                         change: Callable[[Session], object]) -> None:
    """Show another part, write ``change`` there, and come back to Översikt (key 1)."""
    await pilot.press("6")
    await pilot.pause()
    with store.session() as session:
        change(session)
    await pilot.press("1")
    await pilot.pause()


def _text_section(session: Session, review_id: str) -> SectionView:
    return next(s for s in review_sections(session, review_id)
                if s.kind == "text" and s.number == "4.1")


@pytest.mark.slow
async def test_texts_ratings_observations_and_documents_show_at_once(
        store: Store, review_id: str) -> None:
    with store.session() as session:
        section = _text_section(session, review_id)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert f"Avsnitt {section.heading} saknar text" in _missing(app)

        # a text
        await _away_and_back(pilot, store, lambda s: set_section_text(
            s, review_id, section.id, "Verksamheten har rutiner för uppföljning."))
        assert f"Avsnitt {section.heading} saknar text" not in _missing(app)
        assert f"Avsnitt {section.heading} saknar text" not in _shown(app)

        # a rating: a red statement without evidence
        ids: dict[str, str] = {}

        def rate(session: Session) -> None:
            added = add_assessment(session, review_id, section.id, "Vårdplaner saknas.")
            ids["assessment"] = added.id
            update_assessment(session, review_id, added.id, rating="rod")

        await _away_and_back(pilot, store, rate)
        assert "Röd bedömning" in _missing(app) and "saknar underlag" in _missing(app)
        assert sum(per.get("rod", 0) for per in _counts(app).values()) == 1

        # an interview without observations, then an observation
        def interview(session: Session) -> None:
            ids["interview"] = add_interview(session, review_id, InterviewFields(
                held_on=date(2026, 10, 1), roles=("enhetschef",))).id

        await _away_and_back(pilot, store, interview)
        assert "saknar iakttagelser" in _missing(app)
        await _away_and_back(pilot, store, lambda s: add_observation(
            s, review_id, ids["interview"], "Rutinerna är kända."))
        assert "saknar iakttagelser" not in _missing(app)

        # a document, cited by the red statement
        def document(session: Session) -> None:
            added = add_document(session, review_id, DocumentFields("Rutin för vårdplaner"))
            set_evidence(session, review_id, ids["assessment"], [("document", added.id)])

        await _away_and_back(pilot, store, document)
        assert "saknar underlag" not in _missing(app)


@pytest.mark.slow
async def test_answers_show_at_once_and_r_reads_again(demo_store: Store, demo_id: str) -> None:
    app = make_app(demo_store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "inte granskade" not in _missing(app)
        added: list[str] = []

        def extend(session: Session) -> None:
            sample = extend_sample(session, demo_id, 2)
            added.extend(akt.case_file_id for akt in sample.items[-2:])

        await _away_and_back(pilot, demo_store, extend)
        assert "2 av 15 akter är inte granskade" in _missing(app)
        assert "2 av 15 akter är inte granskade" in _shown(app)

        def answer(session: Session) -> None:
            answer_all(session, demo_id, added[0])

        await _away_and_back(pilot, demo_store, answer)
        assert "1 av 15 akter är inte granskad" in _missing(app)

        # Written while Översikt is on show (another window, another process): r reads again.
        with demo_store.session() as session:
            answer_all(session, demo_id, added[1])
        assert "1 av 15 akter är inte granskad" in _missing(app)
        await pilot.press("r")
        await pilot.pause()
        assert "inte granskad" not in _missing(app)
