"""Granskningar read with plain sqlite3 equals what the ORM's ``list_reviews`` returns."""

from __future__ import annotations

import time
from contextlib import closing
from datetime import date
from pathlib import Path

from kvtui.domain.reviews import ReviewFields, ReviewSummary
from kvtui.store.database import Store, open_store
from kvtui.store.demo import create_demo
from kvtui.store.review_detail import list_reviews
from kvtui.store.review_list import review_summaries
from kvtui.store.reviews import create_review
from kvtui.store.sampling import current_sample, replace_akt
from kvtui.store.template_library import load_template
from tests.waiting import wait_until


def _both(store: Store) -> tuple[list[ReviewSummary], list[ReviewSummary]]:
    """Both readings; the plain one in its own order, the ORM's sorted like it.

    Reviews changed in the same second have no defined order in ``list_reviews``; the plain
    query breaks such ties by id.
    """
    with closing(store.plain_connection()) as connection:
        plain = review_summaries(connection)
    with store.session() as session:
        orm = list_reviews(session)
    position = {summary.id: index for index, summary in enumerate(plain)}
    return plain, sorted(orm, key=lambda summary: position.get(summary.id, -1))


def _add_review(store: Store, title: str) -> str:
    template, text = load_template("familjevard", None)
    fields = ReviewFields(
        title=title, unit="Familjevårdsenheten", municipality="Sjövik kommun",
        committee="Socialnämnden", diary_number="", auditors=("Karin Ekdahl",),
        period_start=date(2026, 9, 1), period_end=date(2026, 11, 30),
        purpose="Att belysa arbetssätt.", scope="Familjevården.",
    )
    with store.session() as session:
        return create_review(session, template, text, fields)


def test_empty_store(store: Store) -> None:
    assert _both(store) == ([], [])


def test_demo_review_with_sample_and_answers(store: Store) -> None:
    with store.session() as session:
        create_demo(session)
    plain, orm = _both(store)
    assert plain == orm
    assert (plain[0].case_files, plain[0].sampled, plain[0].answered) == (44, 13, 247)
    assert plain[0].updated.utcoffset() is not None  # shown in local time, as the ORM's


def test_replaced_akt_and_a_review_without_sample(store: Store) -> None:
    """Answers for a replaced akt no longer count; most recently changed first."""
    with store.session() as session:
        demo = create_demo(session)
    other = _add_review(store, "Utan urval")
    with store.session() as session:
        sample = current_sample(session, demo)
        assert sample is not None
        replace_akt(session, demo, sample.items[0].case_file_id, "Akten är gallrad.")
    plain, orm = _both(store)
    assert plain == orm
    assert {s.id for s in plain} == {demo, other}
    assert [s.updated for s in plain] == sorted((s.updated for s in plain), reverse=True)
    by_id = {s.id: s for s in plain}
    assert (by_id[other].sampled, by_id[other].answered, by_id[other].expected) == (0, 0, 0)
    assert by_id[demo].answered < by_id[demo].expected


def test_read_only_store_beside_the_writer(store_path: Path) -> None:
    writer = open_store(store_path)
    try:
        with writer.session() as session:
            create_demo(session)
        reader = open_store(store_path, read_only=True)
        try:
            plain, orm = _both(reader)
            assert plain == orm and len(plain) == 1
        finally:
            reader.close()
    finally:
        writer.close()


def _next_second() -> None:
    """Until the clock has reached the next whole second."""
    now = int(time.time())
    wait_until(lambda: int(time.time()) > now, what="the next second")


def test_changed_follows_an_answer_in_both_readings(store: Store) -> None:
    """An answer writes no review row, but the change log: Ändrad and the order follow it."""
    from kvtui.store.answers import review_criteria, save_answer
    from kvtui.store.sampling import extend_sample

    with store.session() as session:
        demo = create_demo(session)
    _next_second()  # the store keeps times to the second
    other = _add_review(store, "Skapad efter demon")
    plain, _orm = _both(store)
    assert [s.id for s in plain] == [other, demo]
    with store.session() as session:
        akt = extend_sample(session, demo, 1).items[-1]
    _next_second()  # the store keeps times to the second
    with store.session() as session:
        criterion = review_criteria(session, demo)[0]
        before = {s.id: s.updated for s in list_reviews(session)}
        save_answer(session, demo, akt.case_file_id, criterion.id, "ja")
    plain, orm = _both(store)
    assert plain == orm
    assert [s.id for s in plain] == [demo, other]
    assert plain[0].updated > before[demo]
    assert plain[0].updated >= before[other]
