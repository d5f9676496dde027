"""Fixtures for the Pilot tests: a real store in a temporary folder, never the user's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from kvtui.domain.reviews import ReviewFields, ReviewSummary
from kvtui.store.database import Store, open_store
from kvtui.store.review_detail import list_reviews
from kvtui.store.reviews import create_review
from kvtui.store.template_library import load_template


@pytest.fixture(autouse=True)
def _keep_out_of_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test does may reach the auditor's real store or folders."""
    monkeypatch.setenv("KVTUI_DB", str(tmp_path / "env" / "kvtui.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store on a real SQLite file."""
    opened = open_store(tmp_path / "kvtui.db")
    try:
        yield opened
    finally:
        opened.close()


def _add_review(store: Store, title: str = "Granskning av familjevården 2026") -> str:
    template, text = load_template("familjevard", None)
    fields = ReviewFields(
        title=title,
        unit="Familjevårdsenheten",
        municipality="Sjövik kommun",
        committee="Socialnämnden",
        diary_number="SN 2026/0147",
        auditors=("Karin Ekdahl", "Jonas Lindwall"),
        period_start=date(2026, 9, 1),
        period_end=date(2026, 11, 30),
        purpose="Att belysa arbetssätt ur ett kvalitetsperspektiv.",
        scope="Familjevården; familjerätten ingår inte.",
    )
    with store.session() as session:
        return create_review(session, template, text, fields)


@pytest.fixture
def add_review(store: Store) -> Callable[..., str]:
    """Makes a review through the store API, as if created earlier; returns its id."""
    return lambda title="Granskning av familjevården 2026": _add_review(store, title)


@pytest.fixture
def review_id(add_review: Callable[..., str]) -> str:
    """One review in the store."""
    return add_review()


@pytest.fixture
def stored_reviews(store: Store) -> Callable[[], list[ReviewSummary]]:
    """The reviews as a fresh session sees them, i.e. what was really committed."""

    def read() -> list[ReviewSummary]:
        with store.session() as session:
            return list_reviews(session)

    return read


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the demo store (built once per test process) for one test."""
    from tests.report.demo_file import demo_copy

    path, _review_id = demo_copy(tmp_path / "demo")
    opened = open_store(path, backup=False)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def demo_id() -> str:
    """The demo review's id in ``demo_store``."""
    from tests.report.demo_file import demo_file

    return demo_file()[1]


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Exports go to a temporary folder, never the project's exports/."""
    folder = tmp_path / "exports"
    monkeypatch.setattr("kvtui.paths.exports_dir", lambda store=None: folder)
    return folder


@pytest.fixture
def short_key_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests that press refused keys one after another, as a person does who reads each
    message first: the keys typed right after a refusal are held for a moment only
    (``kvtui.tui.key_guard``), far shorter than a Pilot takes between two keys."""
    monkeypatch.setattr("kvtui.tui.key_guard.HOLD_SECONDS", 0.01)
