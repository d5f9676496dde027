"""Dividing the work, as pure rules: the even split, the next granskare, hers first."""

from __future__ import annotations

import pytest

from kvtui.domain.assignment import (
    AssignmentError,
    auditor_named,
    granskare_called,
    mine_first,
    next_auditor,
    spread_evenly,
)

TWO = ("Karin Ekdahl", "Jonas Lindwall")


def test_spread_evenly_evens_out_what_each_has() -> None:
    assert spread_evenly(["a", "b", "c"], TWO, {}) == {
        "a": "Karin Ekdahl", "b": "Jonas Lindwall", "c": "Karin Ekdahl"}
    assert set(spread_evenly(["a", "b"], TWO, {"Karin Ekdahl": 2}).values()) == {
        "Jonas Lindwall"}
    with pytest.raises(AssignmentError, match="inga granskare"):
        spread_evenly(["a"], (), {})


def test_next_auditor_steps_through_and_back_to_no_one() -> None:
    assert [next_auditor(TWO, current) for current in ("", *TWO)] == [
        "Karin Ekdahl", "Jonas Lindwall", ""]


def test_names_as_the_review_spells_them() -> None:
    assert auditor_named(TWO, "  jonas   LINDWALL ") == "Jonas Lindwall"
    assert granskare_called(TWO, "Okänd") == ""
    with pytest.raises(AssignmentError, match="Granskare: Karin Ekdahl, Jonas Lindwall"):
        auditor_named(TWO, "Okänd")


def test_mine_first_keeps_each_group_in_order() -> None:
    assigned = {"b": "Karin Ekdahl", "d": "Karin Ekdahl", "a": "Jonas Lindwall"}
    assert mine_first("abcd", assigned, "Karin Ekdahl") == ["b", "d", "a", "c"]
    assert mine_first("abcd", assigned, "") == list("abcd")
