"""Tests of sample drawing: pinned samples that must never change, the rules, and refusals."""

from __future__ import annotations

import hashlib
import math
import random
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvtui.domain.sampling import (
    METHODS,
    Drawn,
    PopulationItem,
    SamplingError,
    allocate,
    describe_precision,
    draw,
    extend,
    half_width,
    new_seed,
    next_replacement,
    sample_size,
    seeded_order,
    size_for_half_width,
)

SEED = "20261101"
ATTRIBUTE = "Placeringsform"


def placement(number: int) -> str:
    """FV-001..FV-030 familjehem, FV-031..FV-038 jourhem, FV-039..FV-044 nätverkshem."""
    if number <= 30:
        return "familjehem"
    return "jourhem" if number <= 38 else "nätverkshem"


POPULATION = [
    PopulationItem(f"FV-{number:03d}", {ATTRIBUTE: placement(number)}) for number in range(1, 45)
]


def draw_stratified(population: list[PopulationItem], size: int = 13, seed: str = SEED) -> Drawn:
    return draw(population, method="stratified", size=size, stratify_by=ATTRIBUTE, seed=seed)


# --- Pinned samples: these lists must never change, on any machine or Python version ---------


def test_simple_sample_is_pinned() -> None:
    drawn = draw(POPULATION, method="simple", size=13, seed=SEED)
    assert list(drawn.keys) == [
        "FV-031", "FV-029", "FV-010", "FV-033", "FV-011", "FV-027", "FV-026",
        "FV-008", "FV-036", "FV-035", "FV-015", "FV-030", "FV-041",
    ]
    assert list(drawn.reserve[:6]) == [
        "FV-004", "FV-016", "FV-017", "FV-006", "FV-014", "FV-028",
    ]
    assert (drawn.method, drawn.seed, drawn.size, drawn.population_size) == (
        "simple", SEED, 13, 44,
    )
    assert drawn.allocation == {}


def test_stratified_sample_is_pinned() -> None:
    drawn = draw_stratified(POPULATION)
    assert list(drawn.keys) == [
        "FV-031", "FV-029", "FV-010", "FV-033", "FV-011", "FV-027", "FV-026",
        "FV-008", "FV-015", "FV-030", "FV-041", "FV-004", "FV-044",
    ]
    assert drawn.allocation == {"familjehem": 9, "jourhem": 2, "nätverkshem": 2}
    assert list(drawn.reserve[:4]) == ["FV-036", "FV-035", "FV-016", "FV-017"]
    assert drawn.stratify_by == ATTRIBUTE


def test_systematic_sample_is_pinned() -> None:
    drawn = draw(POPULATION, method="systematic", size=13, seed=SEED)
    assert list(drawn.keys) == [
        "FV-001", "FV-005", "FV-008", "FV-011", "FV-015", "FV-018", "FV-022",
        "FV-025", "FV-028", "FV-032", "FV-035", "FV-039", "FV-042",
    ]


def test_seeded_order_is_sha256_of_seed_and_key() -> None:
    """The documented rule, recomputed here without kvtui: anyone can check a sample by hand."""
    by_hash = sorted(
        (item.key for item in POPULATION),
        key=lambda key: hashlib.sha256(f"{SEED}:{key}".encode()).hexdigest(),
    )
    drawn = draw(POPULATION, method="simple", size=13, seed=SEED)
    assert list(drawn.keys) + list(drawn.reserve) == by_hash


def test_systematic_follows_the_documented_rule() -> None:
    keys = sorted(item.key for item in POPULATION)
    interval = Fraction(44, 13)
    digest = int(hashlib.sha256(SEED.encode()).hexdigest(), 16)
    start = interval * Fraction(digest, 2**256)
    expected = [keys[math.floor(start + i * interval)] for i in range(13)]
    assert list(draw(POPULATION, method="systematic", size=13, seed=SEED).keys) == expected


# --- Reproducibility -------------------------------------------------------------------------


@pytest.mark.parametrize("method", sorted(METHODS))
def test_input_order_does_not_matter(method: str) -> None:
    stratify_by = ATTRIBUTE if method == "stratified" else None
    shuffled = list(POPULATION)
    random.Random(7).shuffle(shuffled)
    for population in (shuffled, list(reversed(POPULATION))):
        assert draw(population, method=method, size=13, stratify_by=stratify_by, seed=SEED) == (
            draw(POPULATION, method=method, size=13, stratify_by=stratify_by, seed=SEED)
        )


@pytest.mark.parametrize("method", sorted(METHODS))
def test_different_seeds_give_different_samples(method: str) -> None:
    stratify_by = ATTRIBUTE if method == "stratified" else None
    samples = {
        draw(POPULATION, method=method, size=13, stratify_by=stratify_by, seed=seed).keys
        for seed in ("20261101", "20261102", "00000001", "12345678")
    }
    assert len(samples) == 4


def test_surrounding_spaces_in_the_seed_are_ignored() -> None:
    drawn = draw(POPULATION, method="simple", size=5, seed=f" {SEED} ")
    assert drawn.seed == SEED
    assert drawn == draw(POPULATION, method="simple", size=5, seed=SEED)


def test_new_seed_is_eight_digits() -> None:
    seeds = {new_seed() for _ in range(20)}
    assert all(re.fullmatch(r"\d{8}", seed) for seed in seeds)
    assert len(seeds) > 1


# --- Size --------------------------------------------------------------------------------------


def test_fraction_rounds_half_up_as_written() -> None:
    assert sample_size(45, fraction=0.3) == 14  # 13.5 up, although the float 0.3 is below 3/10
    assert sample_size(44, fraction=0.3) == 13  # 13.2
    assert sample_size(60, fraction=0.3) == 18
    assert sample_size(44, fraction=1.0) == 44
    assert sample_size(44, fraction=0.001) == 1  # at least one
    drawn = draw(POPULATION, method="simple", fraction=0.3, seed=SEED)
    assert drawn.size == len(drawn.keys) == 13
    assert drawn.fraction == 0.3


def test_whole_population() -> None:
    for method in METHODS:
        stratify_by = ATTRIBUTE if method == "stratified" else None
        drawn = draw(POPULATION, method=method, size=44, stratify_by=stratify_by, seed=SEED)
        assert sorted(drawn.keys) == sorted(item.key for item in POPULATION)
        assert drawn.reserve == ()


# --- Stratified allocation -------------------------------------------------------------------


def test_allocation_hand_checked() -> None:
    # Strata 30/8/6 (N = 44), n = 13. Quotas 13·30/44 = 8.864, 13·8/44 = 2.364,
    # 13·6/44 = 1.773. Floors 8 + 2 + 1 = 11, two units left: the largest remainders are
    # 0.864 (familjehem) and 0.773 (nätverkshem), not 0.364 (jourhem). Result 9/2/2.
    assert allocate({"familjehem": 30, "jourhem": 8, "nätverkshem": 6}, 13) == {
        "familjehem": 9, "jourhem": 2, "nätverkshem": 2,
    }


def test_allocation_gives_every_stratum_one_when_n_allows() -> None:
    # Strata 98/1/1, n = 3. Quotas 2.94, 0.03, 0.03 → largest remainder gives 3/0/0. Every
    # stratum must be represented: b (the tie with c broken by name) takes one from a
    # (3 − 2.94 = 0.06 above its quota), then c takes one from a. Result 1/1/1.
    assert allocate({"a": 98, "b": 1, "c": 1}, 3) == {"a": 1, "b": 1, "c": 1}
    # Strata 10/9/1 (N = 20), n = 3: quotas 1.5, 1.35, 0.15 → floors 1/1/0, the unit left goes
    # to a (0.5), then c takes one from a, the only stratum with two: 1/1/1.
    assert allocate({"a": 10, "b": 9, "c": 1}, 3) == {"a": 1, "b": 1, "c": 1}


def test_allocation_smaller_than_number_of_strata() -> None:
    # Four equal strata, n = 2: quotas 0.5 each; equal remainders and sizes, so by name.
    assert allocate({"d": 5, "c": 5, "b": 5, "a": 5}, 2) == {"a": 1, "b": 1, "c": 0, "d": 0}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=8), st.data())
def test_allocation_properties(sizes: list[int], data: st.DataObject) -> None:
    strata = {f"s{index}": size for index, size in enumerate(sizes)}
    total = sum(sizes)
    n = data.draw(st.integers(0, total))
    result = allocate(strata, n)
    assert sum(result.values()) == n
    assert all(0 <= result[name] <= strata[name] for name in strata)
    if n >= len(strata):
        assert all(count >= 1 for count in result.values())
    quotas = {name: Fraction(n * size, total) for name, size in strata.items()}
    if all(quota >= 1 for quota in quotas.values()) or n < len(strata):
        # Plain largest remainder: every stratum gets its quota rounded down or up.
        assert all(math.floor(quotas[name]) <= result[name] <= math.ceil(quotas[name])
                   for name in strata)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=60), st.data())
def test_stratified_draw_follows_allocation(labels: list[str], data: st.DataObject) -> None:
    population = [PopulationItem(f"K{index}", {"S": label}) for index, label in enumerate(labels)]
    n = data.draw(st.integers(1, len(population)))
    drawn = draw(population, method="stratified", size=n, stratify_by="S", seed="1")
    per_stratum = {name: 0 for name in set(labels)}
    for key in drawn.keys:
        per_stratum[drawn.strata[key]] += 1
    assert per_stratum == drawn.allocation
    assert sum(drawn.allocation.values()) == n
    if n >= len(set(labels)):
        assert min(per_stratum.values()) >= 1


# --- Replacement and extension -----------------------------------------------------------------


def test_replacement_comes_from_the_same_stratum() -> None:
    drawn = draw_stratified(POPULATION)
    removed = "FV-041"  # a nätverkshem akt: the first reserve akter are not its stratum
    assert drawn.strata[removed] == "nätverkshem"
    assert next_replacement(drawn, removed) == "FV-040"
    removed = "FV-031"  # a jourhem akt
    assert drawn.strata[removed] == "jourhem"
    jourhem_reserve = [key for key in drawn.reserve if drawn.strata[key] == "jourhem"]
    # The reserve starts FV-036, FV-035 (both jourhem), then familjehem akter.
    first = next_replacement(drawn, removed)
    assert first == jourhem_reserve[0] == "FV-036"
    # A replacement that turns out unusable is replaced by the next one of the stratum.
    second = next_replacement(drawn, first, used={first})
    assert second == jourhem_reserve[1] == "FV-035"
    used = set(jourhem_reserve)
    assert next_replacement(drawn, removed, used=used) is None  # stratum used up


def test_replacement_in_a_simple_sample_is_next_in_seeded_order() -> None:
    drawn = draw(POPULATION, method="simple", size=13, seed=SEED)
    assert next_replacement(drawn, "FV-010") == "FV-004"
    assert next_replacement(drawn, "FV-011", used=["FV-004"]) == "FV-016"
    assert next_replacement(drawn, "FV-010", used=drawn.reserve) is None


def test_replacing_an_akt_outside_the_sample_is_refused() -> None:
    drawn = draw(POPULATION, method="simple", size=13, seed=SEED)
    with pytest.raises(SamplingError, match="ingår inte i urvalet"):
        next_replacement(drawn, "FV-004")


def test_extend_keeps_the_original_items_first() -> None:
    drawn = draw(POPULATION, method="simple", size=13, seed=SEED)
    extended = extend(POPULATION, drawn, 5)
    assert extended.keys[:13] == drawn.keys
    assert extended.keys[13:] == drawn.reserve[:5]
    assert extended.size == 18
    # Extending a simple sample gives the same as drawing the larger sample at once.
    assert extended.keys == draw(POPULATION, method="simple", size=18, seed=SEED).keys
    assert extended.reserve == drawn.reserve[5:]


def test_extend_stratified_stays_proportional() -> None:
    drawn = draw_stratified(POPULATION)
    extended = extend(POPULATION, drawn, 5)
    assert extended.keys[:13] == drawn.keys
    # T = 18: quotas 12.27 / 3.27 / 2.45, so 12 / 3 / 3 after the greedy additions.
    assert extended.allocation == {"familjehem": 12, "jourhem": 3, "nätverkshem": 3}
    assert list(extended.keys[13:]) == ["FV-036", "FV-016", "FV-017", "FV-006", "FV-040"]
    counted = {name: 0 for name in extended.allocation}
    for key in extended.keys:
        counted[extended.strata[key]] += 1
    assert counted == extended.allocation


def test_extend_skips_replacements_already_used() -> None:
    drawn = draw(POPULATION, method="systematic", size=13, seed=SEED)
    extended = extend(POPULATION, drawn, 2, used=[drawn.reserve[0]])
    assert extended.keys[13:] == drawn.reserve[1:3]
    assert len(set(extended.keys)) == 15


def test_extend_refusals() -> None:
    drawn = draw(POPULATION, method="simple", size=40, seed=SEED)
    with pytest.raises(SamplingError, match="bara 4 av populationens 44 akter"):
        extend(POPULATION, drawn, 5)
    with pytest.raises(SamplingError, match="minst en"):
        extend(POPULATION, drawn, 0)
    with pytest.raises(SamplingError, match="Populationen har ändrats"):
        extend(POPULATION[:-1], drawn, 1)
    stratified = draw_stratified(POPULATION)
    changed = [PopulationItem(item.key, {ATTRIBUTE: "familjehem"}) for item in POPULATION]
    with pytest.raises(SamplingError, match="har ändrats"):
        extend(changed, stratified, 1)


# --- Refusals, all in Swedish --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"method": "simple", "size": 45}, "kan inte vara större än populationen"),
        ({"method": "simple", "size": 0}, "minst en akt"),
        ({"method": "simple", "size": -3}, "minst en akt"),
        ({"method": "simple", "fraction": 0.0}, "större än 0 och högst 1"),
        ({"method": "simple", "fraction": 1.5}, "större än 0 och högst 1"),
        ({"method": "simple", "fraction": float("nan")}, "större än 0 och högst 1"),
        ({"method": "simple"}, "Ange hur stort urvalet ska vara"),
        ({"method": "simple", "size": 5, "fraction": 0.3}, "antingen antal akter eller andel"),
        ({"method": "klumpurval", "size": 5}, "Okänd urvalsmetod 'klumpurval'"),
        ({"method": "stratified", "size": 5}, "behöver en uppgift att dela in akterna efter"),
        ({"method": "simple", "size": 5, "stratify_by": ATTRIBUTE}, "ange för ett stratifierat"),
        ({"method": "simple", "size": 5, "seed": "  "}, "behöver ett frö"),
    ],
)
def test_refusals(arguments: dict[str, object], message: str) -> None:
    arguments = {"seed": SEED, **arguments}
    with pytest.raises(SamplingError, match=message):
        draw(POPULATION, **arguments)  # type: ignore[arg-type]


def test_empty_population_is_refused() -> None:
    with pytest.raises(SamplingError, match="Populationen är tom"):
        draw([], method="simple", size=1, seed=SEED)


def test_missing_stratum_attribute_names_how_many() -> None:
    population = list(POPULATION)
    population[3] = PopulationItem("FV-004", {})
    population[7] = PopulationItem("FV-008", {ATTRIBUTE: "  "})
    population[9] = PopulationItem("FV-010", {"Lagrum": "LVU"})
    with pytest.raises(SamplingError) as info:
        draw_stratified(population)
    assert str(info.value) == (
        "3 av 44 akter saknar uppgiften 'Placeringsform'. Alla akter behöver den för ett "
        "stratifierat urval."
    )


def test_duplicate_keys_are_refused() -> None:
    population = [*POPULATION, PopulationItem("FV-007", {ATTRIBUTE: "jourhem"})]
    with pytest.raises(SamplingError, match=r"samma akt flera gånger: 'FV-007' \(2 gånger\)"):
        draw(population, method="simple", size=5, seed=SEED)


def test_sampling_error_is_a_value_error() -> None:
    assert issubclass(SamplingError, ValueError)


# --- Properties --------------------------------------------------------------------------------

keys_strategy = st.sets(
    st.text(alphabet="ABCÅÄÖ0123456789-", min_size=1, max_size=8).filter(str.strip),
    min_size=1,
    max_size=60,
)


@settings(max_examples=80, deadline=None)
@given(
    keys_strategy,
    st.sampled_from(sorted(METHODS)),
    st.data(),
    st.text(alphabet="0123456789", min_size=1, max_size=8),
)
def test_sample_properties(
    keys: set[str], method: str, data: st.DataObject, seed: str
) -> None:
    population = [PopulationItem(key, {"S": str(len(key) % 3)}) for key in sorted(keys)]
    n = data.draw(st.integers(1, len(population)))
    stratify_by = "S" if method == "stratified" else None
    drawn = draw(population, method=method, size=n, stratify_by=stratify_by, seed=seed)
    assert len(drawn.keys) == n
    assert len(set(drawn.keys)) == n
    assert set(drawn.keys) <= keys
    assert set(drawn.keys) | set(drawn.reserve) == keys
    assert len(drawn.keys) + len(drawn.reserve) == len(keys)
    assert list(drawn.reserve) == [key for key in seeded_order(keys, seed) if key in drawn.reserve]
    shuffled = data.draw(st.permutations(population))
    assert draw(shuffled, method=method, size=n, stratify_by=stratify_by, seed=seed) == drawn


# --- Precision planner -------------------------------------------------------------------------


def test_half_width_values() -> None:
    # 1.96 · sqrt(0.25/13 · 31/43) = 0.2308
    assert round(half_width(44, 13), 3) == 0.231
    assert half_width(44, 44) == 0.0
    assert half_width(1, 1) == 0.0
    assert half_width(60, 18) == pytest.approx(0.1949, abs=1e-4)
    assert half_width(44, 13, p=0.0) == 0.0


def test_size_for_half_width() -> None:
    assert size_for_half_width(44, 0.2) == 16
    assert half_width(44, 16) <= 0.2 < half_width(44, 15)
    assert size_for_half_width(44, 0.0) == 44
    assert size_for_half_width(44, 1.0) == 1
    with pytest.raises(SamplingError, match="precisionen"):
        size_for_half_width(44, -0.1)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5000), st.floats(0.0, 0.6), st.floats(0.0, 0.6))
def test_size_for_half_width_is_smallest_and_monotone(N: int, first: float, second: float) -> None:
    wide, narrow = max(first, second), min(first, second)
    n = size_for_half_width(N, narrow)
    assert half_width(N, n) <= narrow
    if n > 1:
        assert half_width(N, n - 1) > narrow
    assert size_for_half_width(N, wide) <= n


def test_describe_precision_in_swedish() -> None:
    assert describe_precision(60, 18) == (
        "30 % av 60 akter (18 akter) ger ungefär ±19 procentenheter"
    )
    assert describe_precision(44, 13) == (
        "29,5 % av 44 akter (13 akter) ger ungefär ±23 procentenheter"
    )
    assert describe_precision(1000, 999) == (
        "99,9 % av 1000 akter (999 akter) ger ungefär ±0,1 procentenheter"
    )
    assert describe_precision(60, 60) == (
        "100 % av 60 akter (60 akter): alla akter granskas, så andelarna blir exakta"
    )
    assert "(1 akt)" in describe_precision(44, 1)
    with pytest.raises(SamplingError, match="mellan 1 och 44 akter"):
        describe_precision(44, 45)


@pytest.mark.parametrize("method", list(METHODS))
def test_resume_gives_back_the_draw(method: str) -> None:
    """A sample continued from the akter it holds is the sample drawn: its replacements and
    extensions are those of a redraw."""
    from dataclasses import replace

    from kvtui.domain.sampling import resume

    stratify_by = ATTRIBUTE if method == "stratified" else None
    drawn = draw(POPULATION, method=method, size=13, stratify_by=stratify_by, seed=SEED)
    again = resume(list(reversed(POPULATION)), drawn.keys, method=method, seed=SEED,
                   stratify_by=stratify_by)
    assert again == replace(drawn, fraction=None)
    bigger = extend(POPULATION, drawn, 4)
    assert resume(POPULATION, bigger.keys, method=method, seed=SEED,
                  stratify_by=stratify_by) == bigger


def test_resume_continues_where_the_seed_no_longer_gives_the_sample() -> None:
    """The seed as stored now (masked) orders the reserve; the akter drawn stay."""
    from kvtui.domain.sampling import resume

    drawn = draw(POPULATION, method="simple", size=13, seed=SEED)
    masked = resume(POPULATION, drawn.keys, method="simple", seed="20261101-XXXX")
    assert masked.keys == drawn.keys
    assert list(masked.reserve) == [key for key in seeded_order(
        [item.key for item in POPULATION], "20261101-XXXX") if key not in drawn.keys]
    assert next_replacement(masked, drawn.keys[0]) == masked.reserve[0]
