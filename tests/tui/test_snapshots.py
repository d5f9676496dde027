"""What the auditor sees at 80×24 on the demo review: the review list, the workspace and each
part, compared with the pictures kept in ``__snapshots__/`` beside this file.

The demo is built and the app run at one fixed moment (the clock stopped), so that dates,
"Ändrad" and the days left are the same on every run. When a change to the screens is meant,
look at the report pytest writes (snapshot_report.html) and take the new pictures with

    .venv/bin/python -m pytest -n 0 tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import random
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from textual.pilot import Pilot

from kvtui.domain.action_plan import TrafficLight, tertial
from kvtui.store.action_plan import (
    FirstGrade,
    Light,
    RoundGrade,
    Value,
    add_action,
    add_indicator,
    add_risk,
    create_plan,
    record_followup,
)
from kvtui.store.database import Store, open_store
from kvtui.store.demo import create_demo
from kvtui.store.reviews import get_review
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.parts import PARTS
from kvtui.tui.screens.plan import PlanScreen
from kvtui.tui.screens.reviews import ReviewsScreen
from kvtui.tui.screens.workspace import WorkspaceScreen

# Ten runs of the app on the demo review: left out of the inner loop (-m "not slow").
pytestmark = pytest.mark.slow

SIZE = (80, 24)
#: The moment every picture is taken at: a weekday in the demo review's period.
MOMENT = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)

SnapCompare = Callable[..., bool]


@pytest.fixture
def frozen_clock() -> Iterator[None]:
    """The clock stopped at MOMENT (wall clock only: Textual's timers run on as usual)."""
    with time_machine.travel(MOMENT, tick=False):
        yield


@pytest.fixture(scope="module")
def demo_made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo store, made once at MOMENT with the same ids every time (the review's is
    shown in the title), closed; and the demo review's id."""
    path = tmp_path_factory.mktemp("demo") / "kvtui.db"
    ids = random.Random(MOMENT.year)
    with time_machine.travel(MOMENT, tick=False), pytest.MonkeyPatch.context() as patch:
        patch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=ids.getrandbits(128), version=4))
        store = open_store(path, backup=False)
        try:
            with store.session() as session:
                review_id = create_demo(session)
        finally:
            store.close()
    return path, review_id


@pytest.fixture
def demo(demo_made: tuple[Path, str], tmp_path: Path, frozen_clock: None,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    """A copy of the demo store, open at MOMENT; the Rapport part names the same folder for
    exports on every run (nothing is exported)."""
    monkeypatch.setattr("kvtui.paths.exports_dir",
                        lambda store=None: Path("/home/granskare/Dokument/kvtui"))
    source, review_id = demo_made
    target = tmp_path / "kvtui.db"
    shutil.copyfile(source, target)
    store = open_store(target, backup=False)
    try:
        yield store, review_id
    finally:
        store.close()


async def _settled(pilot: Pilot[Any]) -> None:
    """Until the app has loaded what it loads in the background and drawn it."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.wait_for_scheduled_animations()


def test_review_list(snap_compare: SnapCompare, demo: tuple[Store, str]) -> None:
    store, _review_id = demo
    app = make_app(store)

    async def ready(pilot: Pilot[Any]) -> None:
        await _settled(pilot)
        assert isinstance(app.screen, ReviewsScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_workspace(snap_compare: SnapCompare, demo: tuple[Store, str]) -> None:
    store, review_id = demo
    app = make_app(store, open_review=review_id)

    async def ready(pilot: Pilot[Any]) -> None:
        await _settled(pilot)
        assert isinstance(app.screen, WorkspaceScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("part", PARTS, ids=[part.id for part in PARTS])
def test_part(snap_compare: SnapCompare, demo: tuple[Store, str], part: Any) -> None:
    store, review_id = demo
    app: KvtuiApp = make_app(store, open_review=review_id)

    async def on_the_part(pilot: Pilot[Any]) -> None:
        await _settled(pilot)
        await pilot.press(part.key)
        await _settled(pilot)
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen) and screen.current_part == part.id

    assert snap_compare(app, terminal_size=SIZE, run_before=on_the_part)


def test_action_plan(snap_compare: SnapCompare, demo: tuple[Store, str]) -> None:
    """The unit's plan with two risks, one lowered from Röd to Gul at a follow-up, its actions'
    traffic lights and an indicator: list, matrix and details at 80×24."""
    store, review_id = demo
    decided = date(2026, 1, 15)
    with store.session() as session:
        review = get_review(session, review_id)
        plan_id = create_plan(session, unit=review.unit, municipality=review.municipality,
                              committee="Socialnämnden", decided_on=decided)
        add_risk(session, plan_id, area="1 Självbestämmande och integritet",
                 title="Barns delaktighet", first=FirstGrade(3, 2, decided))
        add_risk(session, plan_id, area="5 Effektivitet", title="Kontinuitet",
                 description="Hög personalomsättning och bristande kontinuitet för barnen",
                 first=FirstGrade(3, 3, decided))
        add_action(session, plan_id, "1.1", title="Säkerställa barns delaktighet",
                   responsible_role="gruppledare", deadline=date(2026, 12, 31),
                   activities=["Barnsamtal i varje utredning"])
        add_action(session, plan_id, "5.1", title="Rätt bemanning och rätt kompetens",
                   responsible_role="enhetschef", deadline=date(2026, 8, 31),
                   activities=["Rekrytera seniora socialsekreterare", "Ny gruppledare"])
        add_indicator(session, plan_id, "1.1", name="Andel barn som kommit till tals",
                      baseline=10)
        record_followup(session, plan_id, tertial(2026, 2), held_on=date(2026, 9, 15),
                        lights=[Light("1.1", 1, TrafficLight.YELLOW),
                                Light("5.1", 1, TrafficLight.GREEN, "Fem seniora anställda")],
                        grades=[RoundGrade("5.1", 2, 3)],
                        values=[Value("1.1", 1, 19.0)])
    app = make_app(store, open_review=review_id)

    async def on_the_plan(pilot: Pilot[Any]) -> None:
        await _settled(pilot)
        await pilot.press("p")
        await _settled(pilot)
        await pilot.press("down")  # the action of risk 1.1, its details below
        await _settled(pilot)
        assert isinstance(app.screen, PlanScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=on_the_plan)
