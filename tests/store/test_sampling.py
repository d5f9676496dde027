"""Samples in the store: drawn once with the seed, replacements with reasons, extension."""

from __future__ import annotations

import pytest

from kvtui.store.casefiles import add_case_files
from kvtui.store.demo import create_demo
from kvtui.store.errors import InvalidInput
from kvtui.store.models import ChangeLog
from kvtui.store.review_detail import list_reviews
from kvtui.store.sampling import current_sample, draw_sample, extend_sample, replace_akt
from tests.testdata import PERSONNUMMER_FILE


@pytest.fixture
def review(store):
    with store.session() as session:
        return store, create_demo(session, file_review=False)


def test_draw_is_stored_reproducible_and_logged(review) -> None:
    store, review_id = review
    with store.session() as session:
        info = draw_sample(session, review_id, method="simple", size=13, seed="4711")
        assert info.seed == "4711" and info.population_size == 44 and len(info.items) == 13
        assert [i.position for i in info.items] == list(range(1, 14))
        assert list_reviews(session)[0].status == "fieldwork"
        assert session.exec(
            ChangeLog.__table__.select().where(ChangeLog.action == "draw")  # type: ignore
        ).first()
    with store.session() as session:
        other = create_demo(session, file_review=False)
        again = draw_sample(session, other, method="simple", size=13, seed="4711")
    assert [i.reference for i in again.items] == [i.reference for i in info.items]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "simple", "size": 13},
        {"method": "stratified", "fraction": 0.3, "stratify_by": "Placeringsform"},
        {"method": "systematic", "size": 11},
    ],
)
def test_the_drawn_sample_returned_is_the_one_stored(review, kwargs) -> None:
    """draw_sample builds its answer from the rows it wrote; it must be what the store holds."""
    store, review_id = review
    with store.session() as session:
        info = draw_sample(session, review_id, seed="20261206", **kwargs)
    with store.session() as session:
        stored = current_sample(session, review_id)
    assert stored == info
    assert all(item.attributes for item in info.items)  # the akt's attributes, decoded


def test_fresh_seed_is_chosen_and_shown(review) -> None:
    store, review_id = review
    with store.session() as session:
        info = draw_sample(session, review_id, fraction=0.3)
    assert len(info.seed) == 8 and info.seed.isdigit()
    assert len(info.items) == 13


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": 45}, "större än populationen"),
        ({"size": 0}, "minst en akt"),
        ({"fraction": 1.5}, "högst 1"),
        ({"fraction": 0.0}, "större än 0"),
        ({"method": "stratified", "size": 10, "stratify_by": "Finns inte"}, "Finns inte"),
        ({"method": "lottery", "size": 10}, "Okänd urvalsmetod"),
    ],
)
def test_bad_requests_are_refused_and_nothing_stored(review, kwargs, message) -> None:
    store, review_id = review
    with store.session() as session:
        with pytest.raises(InvalidInput, match=message):
            draw_sample(session, review_id, seed="1", **kwargs)
        assert current_sample(session, review_id) is None


def test_population_is_fixed_once_drawn(review) -> None:
    store, review_id = review
    with store.session() as session:
        draw_sample(session, review_id, size=5, seed="1")
        with pytest.raises(InvalidInput, match="redan draget"):
            add_case_files(session, review_id, [("NY-1", {})])
        with pytest.raises(InvalidInput, match="redan draget"):
            draw_sample(session, review_id, size=5, seed="2")


def test_replacement_comes_next_in_seeded_order_with_reason(review) -> None:
    store, review_id = review
    with store.session() as session:
        info = draw_sample(session, review_id, method="stratified", size=13,
                           stratify_by="Placeringsform", seed="20261101")
        first = info.items[0]
        with pytest.raises(InvalidInput, match="varför"):
            replace_akt(session, review_id, first.case_file_id, " ")
        new = replace_akt(session, review_id, first.case_file_id, "Akten är makulerad")
        after = current_sample(session, review_id)
    assert after is not None
    assert len(after.active) == 13
    replaced = next(i for i in after.items if i.case_file_id == first.case_file_id)
    assert (replaced.status, replaced.replaced_reason) == ("replaced", "Akten är makulerad")
    new_item = next(i for i in after.items if i.case_file_id == new.case_file_id)
    assert new_item.attributes["Placeringsform"] == first.attributes["Placeringsform"]


def test_extend_keeps_the_drawn_akter_first(review) -> None:
    store, review_id = review
    with store.session() as session:
        info = draw_sample(session, review_id, size=10, seed="99")
        bigger = extend_sample(session, review_id, 3)
    assert [i.reference for i in bigger.items[:10]] == [i.reference for i in info.items]
    assert len(bigger.active) == 13
    assert len({i.reference for i in bigger.items}) == 13


def test_the_seed_stored_is_the_seed_drawn_with(review) -> None:
    """A pasted seed is taken as the store keeps it, before the draw: the sample, its
    replacements and anyone redrawing it from the stored seed get the same akter."""
    store, review_id = review
    with store.session() as session:
        other = create_demo(session, file_review=False)
        pasted = draw_sample(session, review_id, method="stratified", size=13,
                             stratify_by="Placerings\x1bform", seed="frö\x1b7\u200e")
        typed = draw_sample(session, other, method="stratified", size=13,
                            stratify_by="Placeringsform", seed="frö7")
        stored = current_sample(session, review_id)
        assert stored is not None
        assert (pasted.seed, stored.seed, stored.stratify_by) == ("frö7", "frö7",
                                                                   "Placeringsform")
        assert [i.reference for i in stored.items] == [i.reference for i in typed.items]
        first = replace_akt(session, review_id, stored.items[0].case_file_id, "Makulerad")
        second = replace_akt(session, other, typed.items[0].case_file_id, "Makulerad")
        assert first.reference == second.reference
        assert ([i.reference for i in extend_sample(session, review_id, 2).items]
                == [i.reference for i in extend_sample(session, other, 2).items])


def test_a_number_split_by_a_control_character_is_refused_as_a_seed(review) -> None:
    store, review_id = review
    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[6389]
    with store.session() as session:
        with pytest.raises(InvalidInput, match=rf"Slumpfröet .*\({number[:8]}-XXXX\)"):
            draw_sample(session, review_id, size=5, seed=f"{number[:7]}\x1b{number[7:]}")
        assert current_sample(session, review_id) is None


def test_a_reason_of_control_characters_only_is_missing(review) -> None:
    store, review_id = review
    with store.session() as session:
        info = draw_sample(session, review_id, size=5, seed="1")
        with pytest.raises(InvalidInput, match="varför"):
            replace_akt(session, review_id, info.items[0].case_file_id, "\u200e\x1b ")
        replaced = replace_akt(session, review_id, info.items[0].case_file_id,
                               "\u202eMakulerad ")
        after = current_sample(session, review_id)
    assert after is not None
    [old] = [item for item in after.items if item.status == "replaced"]
    assert old.replaced_reason == "Makulerad" and replaced.reference
