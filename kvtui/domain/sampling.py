"""Drawing the sample of akter: reproducible by anyone, on any machine, from the recorded seed.

Audit practice (ISA 530) asks that a sample be random and that anyone can redraw it later. The
draw therefore depends on nothing but the population *as a set of keys* (and, for stratified
samples, each key's stratum), the method, the size and the seed string. It does not use
``random.Random``: the algorithms behind ``shuffle`` and ``sample`` are not promised to stay the
same between Python versions, and a sample that changes when the laptop is upgraded cannot be
redrawn. Instead every draw starts from the *seeded order*:

    rank(key) = SHA-256 of the UTF-8 bytes of f"{seed}:{key}", compared as a 256-bit
    big-endian number; the seeded order is the population sorted by (rank, key).

The methods, given a sample size n from a population of N akter:

``simple``
    Simple random sampling without replacement (obundet slumpmässigt urval): the first n akter
    in the seeded order.
``stratified``
    Stratified by an attribute with proportional allocation (see ``allocate``); within each
    stratum the first n_h akter of the seeded order (the seeded order filtered to the stratum).
``systematic``
    Systematic with a random start: the population sorted by key, the interval k = N/n as an
    exact fraction, the start s = k * h / 2**256 where h is the SHA-256 of the seed's UTF-8
    bytes read as a big-endian number (so 0 <= s < k), and the positions floor(s + i*k) for
    i = 0 .. n-1.

Whatever the method, the akter not drawn form the *reserve* in seeded order. An akt where the
template cannot apply is replaced by the next unused akt of the reserve (``next_replacement``,
within the same stratum for a stratified sample), and a sample is extended by taking further
akter from the reserve (``extend``).

Finally the precision planner (``half_width``, ``size_for_half_width``, ``describe_precision``)
tells the auditor before drawing what precision a sample size gives, with the normal
approximation and the finite population correction: a rough guide for planning. The report
itself uses the exact hypergeometric interval of ``kvtui.domain.statistics``.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from kvtui.domain.method_text import lower_first
from kvtui.domain.plural import plural
from kvtui.domain.statistics import format_number

METHODS: dict[str, str] = {
    "simple": "obundet slumpmässigt urval",
    "stratified": "stratifierat urval med proportionell fördelning",
    "systematic": "systematiskt urval med slumpmässig start",
}
"""The sampling methods by code, with the Swedish name used in the UI and the Metod section."""

SEED_DIGITS = 8


class SamplingError(ValueError):
    """A sample that cannot be drawn as asked; the message is for the user (Swedish)."""


@dataclass(frozen=True)
class PopulationItem:
    """One akt of the population: its reference in the unit's case system and its attributes.

    The attributes are those the sample may be stratified by (placement type, legal basis, age
    band, ...).
    """

    key: str
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Drawn:
    """A drawn sample and everything needed to replace akter in it or to extend it later.

    ``keys`` are the drawn akter in the order they were drawn: the seeded order for simple and
    stratified samples, the order of the keys for a systematic one. ``reserve`` holds every other
    akt of the population in seeded order; replacements and extensions come from it, first to
    last. ``allocation`` (stratum → number drawn) and ``strata`` (key → stratum, for every akt of
    the population) are filled for stratified samples only.
    """

    method: str
    seed: str
    size: int
    population_size: int
    keys: tuple[str, ...]
    reserve: tuple[str, ...]
    allocation: dict[str, int] = field(default_factory=dict)
    stratify_by: str | None = None
    strata: dict[str, str] = field(default_factory=dict)
    fraction: float | None = None


def new_seed() -> str:
    """A fresh seed of eight digits, short enough for the auditor to note and read aloud."""
    return f"{secrets.randbelow(10**SEED_DIGITS):0{SEED_DIGITS}d}"


def rank(seed: str, key: str) -> bytes:
    """The akt's place in the seeded order: SHA-256 of ``f"{seed}:{key}"`` (UTF-8).

    Public so that the rule can be checked by hand, or by another program, from the report.
    """
    return hashlib.sha256(f"{seed}:{key}".encode()).digest()


def seeded_order(keys: Collection[str], seed: str) -> list[str]:
    """The keys sorted by their rank under ``seed`` (ties, never seen in practice, by key).

    ``rank`` written out inline: the UTF-8 of f"{seed}:{key}" is the seed's and the colon's
    bytes followed by the key's, and for 10,000 akter the calls were a third of the time.
    """
    prefix = f"{seed}:".encode()
    sha256 = hashlib.sha256
    ranked = sorted([(sha256(prefix + key.encode()).digest(), key) for key in keys])
    return [key for _, key in ranked]


def sample_size(population_size: int, size: int | None = None,
                fraction: float | None = None) -> int:
    """The number of akter to draw, from either a size or a fraction of the population.

    A fraction is read as the decimal the user typed (0.3 is exactly 3/10, not the nearest
    binary float), and n = fraction × N rounded half up, at least 1: 30 % of 45 akter is 14.
    """
    if population_size < 1:
        raise SamplingError("Populationen är tom: importera akterna innan urvalet dras.")
    if size is not None and fraction is not None:
        raise SamplingError("Ange antingen antal akter eller andel av populationen, inte båda.")
    if size is None and fraction is None:
        raise SamplingError("Ange hur stort urvalet ska vara: antal akter eller andel.")
    if fraction is not None:
        if (isinstance(fraction, bool) or not isinstance(fraction, int | float)
                or not math.isfinite(fraction) or not 0 < fraction <= 1):
            raise SamplingError(
                f"Andelen måste vara större än 0 och högst 1 (100 %), inte {fraction}."
            )
        exact = Fraction(str(fraction)) * population_size
        return max(1, math.floor(exact + Fraction(1, 2)))
    if isinstance(size, bool) or not isinstance(size, int):
        raise SamplingError(f"Urvalets storlek måste vara ett helt antal akter, inte {size!r}.")
    if size < 1:
        raise SamplingError("Urvalet måste omfatta minst en akt.")
    if size > population_size:
        raise SamplingError(
            f"Urvalet ({size} akter) kan inte vara större än populationen "
            f"({population_size} akter)."
        )
    return size


def allocate(stratum_sizes: Mapping[str, int], n: int) -> dict[str, int]:
    """Proportional allocation of n over the strata by the largest remainder method.

    The exact rule, so that it can be stated in the report and checked by hand:

    1. Each stratum h of size N_h has the quota q_h = n × N_h / N (an exact fraction).
    2. Each stratum gets floor(q_h); the units left over go one each to the strata with the
       largest remainders q_h − floor(q_h), ties broken by the larger stratum, then by the
       stratum's name in alphabetical order.
    3. When n is at least the number of strata, every stratum must be represented: while some
       stratum has 0, the one with the largest quota among them gets 1, taken from the stratum
       that is most above its quota (largest a_h − q_h among strata with at least 2; ties by
       the larger stratum, then by name). When n is smaller than the number of strata, some
       strata get none; step 3 is skipped.

    No stratum ever gets more than it holds, since floor(q_h) + 1 <= N_h when q_h < N_h.
    """
    if n < 0:
        raise SamplingError("Urvalet måste omfatta minst en akt.")
    total = sum(stratum_sizes.values())
    if n > total:
        raise SamplingError(
            f"Urvalet ({n} akter) kan inte vara större än populationen ({total} akter)."
        )
    if total == 0:
        return {}
    quotas = {name: Fraction(n * size, total) for name, size in stratum_sizes.items()}
    result = {name: math.floor(quota) for name, quota in quotas.items()}
    left = n - sum(result.values())
    by_remainder = sorted(
        quotas,
        key=lambda name: (-(quotas[name] - result[name]), -stratum_sizes[name], name),
    )
    for name in by_remainder[:left]:
        result[name] += 1
    if n >= len(stratum_sizes):
        while empty := [name for name in result if result[name] == 0]:
            gets = min(empty, key=lambda name: (-quotas[name], -stratum_sizes[name], name))
            gives = min(
                (name for name in result if result[name] >= 2),
                key=lambda name: (-(result[name] - quotas[name]), -stratum_sizes[name], name),
            )
            result[gives] -= 1
            result[gets] += 1
    return result


# --- The allocation shown to the auditor ------------------------------------------------------


@dataclass(frozen=True)
class StratumShare:
    """One stratum of a stratified sample: ``sampled`` of its ``size`` akter are in the sample
    ("familjehem 17 av 55"). ``name`` is the attribute's value, "" when an akt lacks it."""

    name: str
    sampled: int
    size: int


def _stratum_sizes(values: Iterable[str]) -> dict[str, int]:
    """Akter per stratum, the values stripped as ``_strata`` strips them, by name."""
    return dict(sorted(Counter(value.strip() for value in values).items()))


def planned_allocation(
    population: Sequence[PopulationItem], stratify_by: str | None, n: int
) -> tuple[StratumShare, ...]:
    """What a stratified draw of n akter takes from each stratum, before it is drawn.

    The same strata and the same ``allocate`` as ``draw``, so that what the auditor is shown
    while she sets the size is what the draw gives; refused as ``draw`` refuses (an attribute
    some akter lack, a size larger than the population).
    """
    sizes = _stratum_sizes(_strata(population, stratify_by).values())
    return tuple(StratumShare(name, count, sizes[name])
                 for name, count in allocate(sizes, n).items())


def sampled_allocation(
    stratify_by: str, population: Iterable[Mapping[str, str]],
    sampled: Iterable[Mapping[str, str]],
) -> tuple[StratumShare, ...]:
    """Per stratum, how many akter the sample holds of those in the population, from the
    attributes of each akt of the population and of each akt in the sample; strata by name."""
    sizes = _stratum_sizes(attributes.get(stratify_by, "") for attributes in population)
    drawn = Counter(attributes.get(stratify_by, "").strip() for attributes in sampled)
    names = list(sizes) + sorted(set(drawn) - set(sizes))
    return tuple(StratumShare(name, drawn[name], sizes.get(name, 0)) for name in names)


def allocation_parts(shares: Iterable[StratumShare], *, akter: bool = False) -> list[str]:
    """"familjehem 17 av 55" for each stratum ("… av 55 akter" with ``akter``); a stratum
    without a value is named "uppgift saknas"."""
    return [f"{share.name or 'uppgift saknas'} {share.sampled} av "
            + (_akter(share.size) if akter else str(share.size))
            for share in shares]


def allocation_line(stratify_by: str, shares: Iterable[StratumShare], *,
                    separator: str = " · ") -> str:
    """"Per placeringsform: familjehem 17 av 55 · HVB 3 av 10." under a drawn sample."""
    return f"Per {lower_first(stratify_by)}: " + separator.join(allocation_parts(shares)) + "."


def draw(
    population: Sequence[PopulationItem],
    *,
    method: str,
    size: int | None = None,
    fraction: float | None = None,
    stratify_by: str | None = None,
    seed: str,
) -> Drawn:
    """Draw a sample; the same population (in any order), method, size and seed give the same.

    Give the size either as ``size`` (a number of akter) or as ``fraction`` of the population
    (see ``sample_size``). ``stratify_by`` names the attribute to stratify by and is required
    for, and only allowed with, the stratified method; every akt must have a non-empty value.
    Surrounding spaces in the seed are ignored (a seed read aloud and typed again must give the
    same sample); ``Drawn.seed`` holds the seed as used.
    """
    if method not in METHODS:
        raise SamplingError(
            f"Okänd urvalsmetod '{method}'. Välj {', '.join(METHODS)} "
            "(obundet slumpmässigt, stratifierat eller systematiskt urval)."
        )
    seed = _check_seed(seed)
    keys = _check_population(population)
    n = sample_size(len(keys), size, fraction)
    strata: dict[str, str] = {}
    allocation: dict[str, int] = {}
    if method == "stratified":
        strata = _strata(population, stratify_by)
    elif stratify_by is not None:
        raise SamplingError("Indelning i strata går bara att ange för ett stratifierat urval.")
    order = seeded_order(keys, seed)
    if method == "simple":
        drawn = order[:n]
    elif method == "systematic":
        drawn = _systematic(sorted(keys), n, seed)
    else:
        sizes: dict[str, int] = {}
        for key in order:
            sizes[strata[key]] = sizes.get(strata[key], 0) + 1
        allocation = allocate(dict(sorted(sizes.items())), n)
        taken = dict.fromkeys(allocation, 0)
        drawn = []
        for key in order:
            stratum = strata[key]
            if taken[stratum] < allocation[stratum]:
                taken[stratum] += 1
                drawn.append(key)
    chosen = set(drawn)
    return Drawn(
        method=method,
        seed=seed,
        size=n,
        population_size=len(keys),
        keys=tuple(drawn),
        reserve=tuple(key for key in order if key not in chosen),
        allocation=allocation,
        stratify_by=stratify_by if method == "stratified" else None,
        strata=strata,
        fraction=fraction,
    )


def resume(
    population: Sequence[PopulationItem],
    drawn_keys: Sequence[str],
    *,
    method: str,
    seed: str,
    stratify_by: str | None = None,
) -> Drawn:
    """A sample drawn before, as ``draw`` describes one, from the akter it holds: what
    ``next_replacement`` and ``extend`` continue.

    ``drawn_keys`` are the akter drawn and those added by extensions, in the order stored
    (replacements are passed to those functions as ``used``). The reserve is every other akt
    in the seeded order of ``seed`` and the keys as they are now. For the seed and population
    a sample was drawn from this is what ``draw`` gave, so replacements and extensions are
    the ones anyone redrawing the sample gets; if either has changed since (a personnummer in
    a stored seed or reference is masked), the akter drawn stay and the sample continues in
    the order the values as they are now give.
    """
    seed = _check_seed(seed)
    keys = _check_population(population)
    strata = _strata(population, stratify_by) if method == "stratified" else {}
    chosen = set(drawn_keys)
    allocation: dict[str, int] = {}
    if method == "stratified":
        allocation = dict.fromkeys(sorted(set(strata.values())), 0)
        for key in drawn_keys:
            allocation[strata[key]] += 1
    return Drawn(
        method=method,
        seed=seed,
        size=len(drawn_keys),
        population_size=len(keys),
        keys=tuple(drawn_keys),
        reserve=tuple(key for key in seeded_order(keys, seed) if key not in chosen),
        allocation=allocation,
        stratify_by=stratify_by if method == "stratified" else None,
        strata=strata,
    )


def next_replacement(drawn: Drawn, removed_key: str, used: Collection[str] = ()) -> str | None:
    """The akt that replaces ``removed_key``: the next unused one of the reserve, in seeded order.

    ``used`` holds the akter already taken from the reserve as replacements (a replacement that
    turns out unusable is itself replaced: pass it as ``removed_key``). In a stratified sample
    the replacement comes from the removed akt's stratum, so that the allocation stays
    proportional; None when that stratum (or, otherwise, the reserve) has nothing left.
    """
    used_set = set(used)
    if removed_key not in drawn.keys and removed_key not in used_set:
        raise SamplingError(f"Akten '{removed_key}' ingår inte i urvalet och kan inte ersättas.")
    stratum = drawn.strata.get(removed_key) if drawn.method == "stratified" else None
    for key in drawn.reserve:
        if key in used_set:
            continue
        if stratum is None or drawn.strata.get(key) == stratum:
            return key
    return None


def extend(
    population: Sequence[PopulationItem],
    drawn: Drawn,
    add: int,
    *,
    used: Collection[str] = (),
) -> Drawn:
    """The sample extended by ``add`` akter with the same seed; the original akter come first.

    The added akter are taken from the reserve in seeded order, skipping ``used`` (akter already
    taken as replacements). For a simple or systematic sample they are simply the next ones of
    the reserve (an extended systematic sample is thus a systematic sample plus a random one).
    For a stratified sample, with T = the new total size, each added akt in turn goes to the
    stratum with the largest shortfall T × N_h / N − a_h against its proportional quota (a_h
    counts what the stratum has so far; ties by the larger stratum, then by name), among strata
    with akter left, and is that stratum's next unused akt in seeded order. The added akter are
    listed in seeded order after the original ones.

    The population must be the one the sample was drawn from, as a set of akter and, for a
    stratified sample, with the same strata; otherwise the seeded order would not continue.
    """
    if isinstance(add, bool) or not isinstance(add, int) or add < 1:
        raise SamplingError("Ange hur många akter som ska läggas till (minst en).")
    keys = _check_population(population)
    if set(keys) != set(drawn.keys) | set(drawn.reserve):
        raise SamplingError(
            "Populationen har ändrats sedan urvalet drogs. Ett urval kan bara utökas ur samma "
            "population."
        )
    if drawn.method == "stratified" and _strata(population, drawn.stratify_by) != drawn.strata:
        raise SamplingError(
            f"Akternas uppgift '{drawn.stratify_by}' har ändrats sedan urvalet drogs. Ett "
            "stratifierat urval kan bara utökas med samma indelning."
        )
    used_set = set(used)
    available = [key for key in drawn.reserve if key not in used_set]
    if add > len(available):
        raise SamplingError(
            f"Det går inte att lägga till {add} akter: bara {len(available)} av populationens "
            f"{drawn.population_size} akter finns kvar utanför urvalet."
        )
    allocation = dict(drawn.allocation)
    if drawn.method != "stratified":
        added = available[:add]
    else:
        total = drawn.size + add
        sizes: dict[str, int] = {}
        queues: dict[str, list[str]] = {}
        for key in keys:
            sizes[drawn.strata[key]] = sizes.get(drawn.strata[key], 0) + 1
        for key in available:
            queues.setdefault(drawn.strata[key], []).append(key)
        for queue in queues.values():
            queue.reverse()  # pop() from the end takes the first in seeded order
        chosen: set[str] = set()
        for _ in range(add):
            stratum = min(
                (name for name in queues if queues[name]),
                key=lambda name: (
                    -(Fraction(total * sizes[name], drawn.population_size)
                      - allocation.get(name, 0)),
                    -sizes[name],
                    name,
                ),
            )
            chosen.add(queues[stratum].pop())
            allocation[stratum] = allocation.get(stratum, 0) + 1
        added = [key for key in available if key in chosen]
    added_set = set(added)
    return Drawn(
        method=drawn.method,
        seed=drawn.seed,
        size=drawn.size + add,
        population_size=drawn.population_size,
        keys=drawn.keys + tuple(added),
        reserve=tuple(key for key in drawn.reserve if key not in added_set),
        allocation=allocation,
        stratify_by=drawn.stratify_by,
        strata=dict(drawn.strata),
        fraction=None,
    )


def half_width(N: int, n: int, p: float = 0.5, z: float = 1.96) -> float:
    """Half the width of the approximate interval for a share, in share units (0.1 = ±10 pp).

    z × sqrt(p(1 − p)/n × (N − n)/(N − 1)): the normal approximation with the finite population
    correction, so that reviewing every akt gives 0. p = 0.5 is the worst case, the honest
    assumption before anything is known.
    """
    _check_plan(N, n, p)
    if n == N:
        return 0.0
    return z * math.sqrt(p * (1 - p) / n * (N - n) / (N - 1))


def size_for_half_width(N: int, wanted: float, p: float = 0.5, z: float = 1.96) -> int:
    """The smallest sample size whose ``half_width`` is at most ``wanted`` (share units).

    Reviewing all N akter always achieves any precision, so the answer is at most N.
    """
    if not math.isfinite(wanted) or wanted < 0:
        raise SamplingError("Den önskade precisionen måste vara ett tal som är 0 eller större.")
    _check_plan(N, N, p)
    low, high = 1, N
    while low < high:  # half_width falls as n grows
        middle = (low + high) // 2
        if half_width(N, middle, p, z) <= wanted:
            high = middle
        else:
            low = middle + 1
    return low


def describe_precision(N: int, n: int) -> str:
    """What a sample size gives, in Swedish, for the auditor planning the sample.

    For example "30 % av 60 akter (18 akter) ger ungefär ±19 procentenheter". The precision is
    the worst case (a true share near 50 %) at 95 % confidence.
    """
    _check_plan(N, n, 0.5)
    percent = Fraction(100 * n, N)
    share = format_number(float(percent), 0 if percent.denominator == 1 else 1)
    start = f"{share} % av {_akter(N)} ({_akter(n)})"
    if n == N:
        return f"{start}: alla akter granskas, så andelarna blir exakta"
    points = 100 * half_width(N, n)
    if points < 0.05:
        return f"{start} ger bättre än ±0,1 procentenheter"
    return f"{start} ger ungefär ±{format_number(points, 0 if points >= 1 else 1)} procentenheter"


def _akter(count: int) -> str:
    return plural(count, "akt", "akter")


def _check_plan(N: int, n: int, p: float) -> None:
    if N < 1:
        raise SamplingError("Populationen är tom: importera akterna innan urvalet planeras.")
    if not 1 <= n <= N:
        raise SamplingError(
            f"Urvalet måste omfatta mellan 1 och {N} akter, inte {n}."
        )
    if not 0 <= p <= 1:
        raise SamplingError(f"Den förväntade andelen måste ligga mellan 0 och 1, inte {p}.")


def _check_seed(seed: str) -> str:
    if not isinstance(seed, str) or not seed.strip():
        raise SamplingError(
            "Urvalet behöver ett frö (en sifferkod) så att vem som helst kan dra om det."
        )
    return seed.strip()


def _check_population(population: Sequence[PopulationItem]) -> list[str]:
    """The keys, refused when the population is empty or a key is blank or repeated."""
    if not population:
        raise SamplingError("Populationen är tom: importera akterna innan urvalet dras.")
    seen: dict[str, int] = {}
    for item in population:
        if not item.key.strip():
            raise SamplingError("En akt i populationen saknar referens.")
        seen[item.key] = seen.get(item.key, 0) + 1
    repeated = sorted(key for key, count in seen.items() if count > 1)
    if repeated:
        listed = ", ".join(f"'{key}' ({seen[key]} gånger)" for key in repeated[:5])
        more = f" och {len(repeated) - 5} till" if len(repeated) > 5 else ""
        raise SamplingError(
            f"Populationen innehåller samma akt flera gånger: {listed}{more}. Varje akt får "
            "bara finnas en gång."
        )
    return list(seen)


def _strata(population: Sequence[PopulationItem], attribute: str | None) -> dict[str, str]:
    """Each key's stratum; refused when the attribute is missing or some akter lack it.

    Values are stripped of surrounding spaces, so that a stray space in the import does not make
    a stratum of its own; a blank value counts as missing.
    """
    if attribute is None or not attribute.strip():
        raise SamplingError(
            "Ett stratifierat urval behöver en uppgift att dela in akterna efter "
            "(till exempel placeringsform)."
        )
    strata: dict[str, str] = {}
    missing = 0
    for item in population:
        value = item.attributes.get(attribute, "").strip()
        if not value:
            missing += 1
        strata[item.key] = value
    if missing:
        raise SamplingError(
            f"{missing} av {len(population)} akter saknar uppgiften '{attribute}'. Alla akter "
            "behöver den för ett stratifierat urval."
        )
    return strata


def _systematic(sorted_keys: list[str], n: int, seed: str) -> list[str]:
    """Every k-th akt by key, k = N/n exactly, from a start in [0, k) fixed by the seed."""
    interval = Fraction(len(sorted_keys), n)
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    start = interval * Fraction(digest, 2**256)
    return [sorted_keys[math.floor(start + i * interval)] for i in range(n)]
