"""The matrix read page by page from a real store: every akt once, answers in criterion order."""

from __future__ import annotations

import pytest

from kvtui.store.answers import review_criteria, save_answer
from kvtui.store.demo import create_demo
from kvtui.store.matrix import answered_per_akt, matrix_page, matrix_size
from kvtui.store.sampling import current_sample, draw_sample, replace_akt


@pytest.fixture
def sampled(store):
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        draw_sample(session, review_id, size=13, seed="1")
    return store, review_id


def test_no_sample_gives_an_empty_matrix(store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        assert matrix_size(session, review_id) == 0
        assert matrix_page(session, review_id, 0, 50) == []


def test_pages_cover_every_active_akt_once_in_drawn_order(sampled) -> None:
    store, review_id = sampled
    with store.session() as session:
        first = current_sample(session, review_id)
        assert first is not None
        replace_akt(session, review_id, first.active[2].case_file_id, "Akten är avslutad")
        sample = current_sample(session, review_id)
        assert sample is not None
        size = matrix_size(session, review_id)
        pages = [matrix_page(session, review_id, offset, 4) for offset in range(0, size, 4)]
        assert matrix_page(session, review_id, size, 4) == []
    assert size == len(sample.active) == 13
    assert [len(page) for page in pages] == [4, 4, 4, 1]
    rows = [row for page in pages for row in page]
    assert [(ref, cf) for ref, cf, _ in rows] == [
        (akt.reference, akt.case_file_id) for akt in sample.active
    ]
    assert first.active[2].case_file_id not in {cf for _, cf, _ in rows}


def test_values_follow_criterion_order(sampled) -> None:
    store, review_id = sampled
    with store.session() as session:
        sample = current_sample(session, review_id)
        assert sample is not None
        criteria = review_criteria(session, review_id)
        second = sample.active[1].case_file_id
        save_answer(session, review_id, second, criteria[0].id, "ja")
        save_answer(session, review_id, second, criteria[2].id, "nej")
        save_answer(session, review_id, second, criteria[-1].id, "ej_aktuellt")
        save_answer(session, review_id, sample.active[5].case_file_id, criteria[1].id, "delvis")
        page = matrix_page(session, review_id, 1, 5)
        counts = answered_per_akt(session, review_id)
    assert len(page) == 5 and page[0][1] == second
    values = page[0][2]
    assert len(values) == len(criteria) == 19
    assert values[0] == "ja" and values[1] == "" and values[2] == "nej"
    assert values[-1] == "ej_aktuellt" and values.count("") == 16
    assert page[4][2][1] == "delvis"
    assert all(value == "" for row in page[1:4] for value in row[2])
    assert counts == {second: 3, sample.active[5].case_file_id: 1}
