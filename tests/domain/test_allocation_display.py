"""The per-stratum allocation shown before and after a stratified draw ("familjehem 17 av 55")
is the one the draw makes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvtui.domain.sampling import (
    PopulationItem,
    SamplingError,
    StratumShare,
    allocation_parts,
    draw,
    planned_allocation,
    sampled_allocation,
)


def _population(sizes: dict[str, int]) -> list[PopulationItem]:
    return [PopulationItem(f"{name}-{i}", {"placering": f" {name} " if i % 3 else name})
            for name, size in sizes.items() for i in range(size)]


FOSTER_CARE = {"familjehem": 55, "jourhem": 10, "HVB": 8}


def test_the_plan_is_what_the_draw_takes() -> None:
    population = _population(FOSTER_CARE)
    plan = planned_allocation(population, "placering", 22)
    assert plan == (StratumShare("HVB", 2, 8), StratumShare("familjehem", 17, 55),
                    StratumShare("jourhem", 3, 10))
    drawn = draw(population, method="stratified", size=22, stratify_by="placering", seed="7")
    assert {share.name: share.sampled for share in plan} == drawn.allocation
    assert allocation_parts(plan) == ["HVB 2 av 8", "familjehem 17 av 55", "jourhem 3 av 10"]


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.dictionaries(st.sampled_from(["familjehem", "jourhem", "HVB", "släktinghem",
                                           "nätverkshem", "Familjehem"]),
                          st.integers(1, 40), min_size=1),
    share=st.integers(1, 100),
    seed=st.text(alphabet="0123456789", min_size=1, max_size=8),
)
def test_the_plan_matches_the_draw_for_any_strata(
    sizes: dict[str, int], share: int, seed: str
) -> None:
    population = _population(sizes)
    n = max(1, len(population) * share // 100)
    plan = planned_allocation(population, "placering", n)
    drawn = draw(population, method="stratified", size=n, stratify_by="placering", seed=seed)
    assert {share.name: share.sampled for share in plan} == drawn.allocation
    assert {share.name: share.size for share in plan} == sizes
    by_key = {item.key: item.attributes for item in population}
    counted = sampled_allocation("placering", by_key.values(),
                                 [by_key[key] for key in drawn.keys])
    assert counted == plan


def test_the_plan_is_refused_as_the_draw_is() -> None:
    population = [*_population({"familjehem": 4}), PopulationItem("X-1", {"placering": " "})]
    with pytest.raises(SamplingError, match="1 av 5 akter saknar uppgiften 'placering'"):
        planned_allocation(population, "placering", 2)
    with pytest.raises(SamplingError, match="kan inte vara större än populationen"):
        planned_allocation(_population({"jourhem": 3}), "placering", 4)
    with pytest.raises(SamplingError, match="behöver en uppgift att dela in"):
        planned_allocation(_population({"jourhem": 3}), None, 2)


def test_the_sampled_count_follows_the_akter_reviewed() -> None:
    """After a replacement outside the stratum or a hand edit, what is counted is what the
    sample holds; a stratum with no value and one the population no longer has are named."""
    def akter(*values: str) -> list[dict[str, str]]:
        return [{"placering": value} if value else {} for value in values]

    shares = sampled_allocation("placering", akter("jourhem", "HVB ", "HVB", ""),
                                akter("HVB", " HVB", "", "LVU-hem"))
    assert shares == (StratumShare("", 1, 1), StratumShare("HVB", 2, 2),
                      StratumShare("jourhem", 0, 1), StratumShare("LVU-hem", 1, 0))
    assert allocation_parts(shares[:3], akter=True) == [
        "uppgift saknas 1 av 1 akt", "HVB 2 av 2 akter", "jourhem 0 av 1 akt"]
