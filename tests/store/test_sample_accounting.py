"""Every akt of the sample accounted for before sign-off: reviewed, replaced or excluded.

The demo review has every sampled akt answered; extending its sample adds akter with no
answers, which is the honest state of a review half done. Signing is refused while they are
neither answered nor replaced or excluded with a reason, and the refusal names them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kvtui.store.answers import review_criteria, save_answer
from kvtui.store.database import Store, open_store
from kvtui.store.errors import InvalidInput
from kvtui.store.models import ChangeLog
from kvtui.store.report_data import current_content, load_report_data
from kvtui.store.sampling import (
    current_sample,
    exclude_akt,
    extend_sample,
    replace_akt,
    unreviewed_akter,
)
from kvtui.store.signoff import plan_signoff
from tests.report.demo_file import demo_copy
from tests.signing import sign_review
from tests.testdata import PERSONNUMMER_FILE


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Store, str]]:
    path, review_id = demo_copy(tmp_path / "copy")
    store = open_store(path, backup=False)
    try:
        yield store, review_id
    finally:
        store.close()


def answer_all(session: Session, review_id: str, case_file_id: str) -> None:
    """Answer every criterion of the akt (Ej aktuellt is always allowed)."""
    for view in review_criteria(session, review_id):
        save_answer(session, review_id, case_file_id, view.id, "ej_aktuellt", commit=False)
    session.commit()


def test_akter_without_answers_block_signing_and_are_named(demo: tuple[Store, str]) -> None:
    store, review_id = demo
    with store.session() as session:
        before = len(current_sample(session, review_id).active)
        added = extend_sample(session, review_id, 3).items[-3:]
        missing, total = unreviewed_akter(session, review_id)
        assert missing == [akt.reference for akt in added]
        assert total == before + 3
        with pytest.raises(InvalidInput) as refused:
            plan_signoff(session, review_id, current_content(session, review_id),
                         name="Karin Ekdahl", role="Granskare")
    message = str(refused.value)
    assert message.startswith(f"3 av {before + 3} akter är inte granskade: ")
    assert all(akt.reference in message for akt in added)
    assert "saker" not in message


def test_one_criterion_unanswered_is_an_akt_not_reviewed(demo: tuple[Store, str]) -> None:
    store, review_id = demo
    with store.session() as session:
        akt = extend_sample(session, review_id, 1).items[-1]
        views = review_criteria(session, review_id)
        for view in views[:-1]:
            save_answer(session, review_id, akt.case_file_id, view.id, "ja")
        missing, total = unreviewed_akter(session, review_id)
        assert missing == [akt.reference]
        with pytest.raises(InvalidInput, match=f"^1 av {total} akter är inte granskad: "):
            plan_signoff(session, review_id, current_content(session, review_id),
                         name="Karin Ekdahl", role="Granskare")
        save_answer(session, review_id, akt.case_file_id, views[-1].id, "nej")
        assert unreviewed_akter(session, review_id) == ([], total)
        sign_review(session, review_id)


def test_replaced_and_excluded_akter_are_accounted_for(demo: tuple[Store, str]) -> None:
    store, review_id = demo
    with store.session() as session:
        first, second = extend_sample(session, review_id, 2).items[-2:]
        replacement = replace_akt(session, review_id, first.case_file_id,
                                  "Akten avser familjerätt, inte familjevård")
        excluded = exclude_akt(session, review_id, second.case_file_id,
                               "Akten saknas i verksamhetssystemet")
        assert excluded.status == "excluded"
        missing, _total = unreviewed_akter(session, review_id)
        assert missing == [replacement.reference]  # the replacement is to be reviewed
        answer_all(session, review_id, replacement.case_file_id)
        info = current_sample(session, review_id)
        data = load_report_data(session, review_id)
        sign_review(session, review_id)
    assert unreviewed_akter(store.session(), review_id)[0] == []
    by_id = {akt.case_file_id: akt for akt in info.items}
    assert by_id[first.case_file_id].status == "replaced"
    assert by_id[first.case_file_id].replaced_by == replacement.reference
    assert by_id[second.case_file_id].replaced_reason == "Akten saknas i verksamhetssystemet"
    assert len(info.excluded) == 1 and len(info.replaced) == 1
    assert info.drawn == len(info.items) - 1
    # the statistics rest on the akter reviewed: the excluded one is not among them
    assert data.results is not None and data.results.sample_size == len(info.active)
    assert data.sample is not None
    assert (data.sample.replaced, data.sample.excluded) == (1, 1)
    assert data.sample.sample_size == len(info.active) == info.drawn - 1


def test_exclusion_is_logged_and_needs_a_reason(demo: tuple[Store, str]) -> None:
    store, review_id = demo
    with store.session() as session:
        akt = current_sample(session, review_id).active[0]
        with pytest.raises(InvalidInput, match="Ange varför akten utesluts"):
            exclude_akt(session, review_id, akt.case_file_id, " \t")
        with pytest.raises(InvalidInput, match="för långt"):
            exclude_akt(session, review_id, akt.case_file_id, "x" * 2001)
        exclude_akt(session, review_id, akt.case_file_id, "Akten är makulerad")
        with pytest.raises(InvalidInput, match="redan utesluten"):
            exclude_akt(session, review_id, akt.case_file_id, "igen")
        with pytest.raises(InvalidInput, match="redan utesluten"):
            replace_akt(session, review_id, akt.case_file_id, "ersätt den")
        entries = session.exec(select(ChangeLog).where(ChangeLog.action == "exclude")).all()
    assert len(entries) == 1
    assert akt.reference in entries[0].changes_json
    assert "Akten är makulerad" in entries[0].changes_json


def test_a_personnummer_in_the_reason_is_not_stored(demo: tuple[Store, str]) -> None:
    store, review_id = demo
    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[0]
    with store.session() as session:
        akt = current_sample(session, review_id).active[0]
        exclude_akt(session, review_id, akt.case_file_id, f"Fel barn, {number}")
        stored = next(i for i in current_sample(session, review_id).items
                      if i.case_file_id == akt.case_file_id)
        logged = session.exec(select(ChangeLog).where(ChangeLog.action == "exclude")).one()
    assert number not in stored.replaced_reason
    assert number not in logged.changes_json
    assert stored.replaced_reason.startswith("Fel barn, ")


def test_a_signed_sample_cannot_be_changed_by_kvtui_or_raw_sql(
        demo: tuple[Store, str]) -> None:
    store, review_id = demo
    with store.session() as session:
        akt = extend_sample(session, review_id, 1).items[-1]
        exclude_akt(session, review_id, akt.case_file_id, "Akten är makulerad")
        other = current_sample(session, review_id).active[0]
        sign_review(session, review_id)
        for change in (exclude_akt, replace_akt):
            with pytest.raises(InvalidInput, match="signerad och låst"):
                change(session, review_id, other.case_file_id, "efteråt")
    raw = sqlite3.connect(store.path)
    try:
        for sql in (
            "UPDATE sample_item SET replaced_reason = 'annat skäl' WHERE status = 'excluded'",
            "UPDATE sample_item SET status = 'active' WHERE status = 'excluded'",
            "DELETE FROM sample_item WHERE status = 'excluded'",
        ):
            with pytest.raises(sqlite3.DatabaseError):
                raw.execute(sql)
            raw.rollback()
        reason = raw.execute("SELECT replaced_reason FROM sample_item WHERE status = "
                             "'excluded'").fetchall()
    finally:
        raw.close()
    assert reason == [("Akten är makulerad",)]
