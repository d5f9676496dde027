"""Which laws a review's legal references cite, by the full names the report uses.

A reference is written short in a template ("20 kap. 1 § SoL (2025:400)", "11 § LVU"); the
Metod names the laws behind them in full, and only those actually cited for the review's
period, since a review of the second half of 2025 cites the new socialtjänstlag and one of the
first half the old. Referenser lists each law under its title in the Swedish code of statutes
(SFS) with the paragraphs cited, and the report writes a short name out in full the first time
it uses it. A reference that cites no provision (a recommendation, a handbook) is listed as a
source of another kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kvtui.domain.judgement import swedish_sort_key


@dataclass(frozen=True)
class Law:
    """A law or ordinance the templates cite by a short name."""

    short: str  # "SoL"
    pattern: re.Pattern[str]  # the short name as cited, with its own SFS number if written
    name: str  # in running text: "socialtjänstlagen (2001:453)"
    title: str  # its SFS title, as Referenser lists it: "Socialtjänstlag (2001:453)"
    also: re.Pattern[str] | None = None  # the law named in words, also a citation


def _cited(short: str, number: str, *, needs_number: bool = False,
           other: str = "") -> re.Pattern[str]:
    """``short`` as a word, with ``number`` after it (optional unless ``needs_number``), not
    followed by ``other`` (the newer law of the same short name, always cited with its
    number)."""
    unless = rf"(?!\s*\(?\s*(?:SFS\s*)?{re.escape(other)})" if other else ""
    sfs = rf"(?:SFS\s*)?{re.escape(number)}\b"
    own = rf"(?:\s*\(\s*{sfs}\s*\)|\s*\(?\s*{sfs})" + ("" if needs_number else "?")
    return re.compile(rf"\b{short}\b{unless}{own}")


# In the order the Metod names them. A short name without an SFS number means the older law
# (the templates' own convention). Numbers and titles as the templates' headers and
# TEMPLATES.md give them.
LAWS: tuple[Law, ...] = (
    Law("SoL", _cited("SoL", "2025:400", needs_number=True), "socialtjänstlagen (2025:400)",
        "Socialtjänstlag (2025:400)"),
    Law("SoL", _cited("SoL", "2001:453", other="2025:400"), "socialtjänstlagen (2001:453)",
        "Socialtjänstlag (2001:453)"),
    Law("SoF", _cited("SoF", "2025:468", needs_number=True), "socialtjänstförordningen (2025:468)",
        "Socialtjänstförordning (2025:468)"),
    Law("SoF", _cited("SoF", "2001:937", other="2025:468"),
        "socialtjänstförordningen (2001:937)", "Socialtjänstförordning (2001:937)"),
    Law("LVU", _cited("LVU", "1990:52"),
        "lagen (1990:52) med särskilda bestämmelser om vård av unga",
        "Lag (1990:52) med särskilda bestämmelser om vård av unga"),
    Law("FB", _cited("FB", "1949:381"), "föräldrabalken (1949:381)",
        "Föräldrabalk (1949:381)", also=re.compile(r"föräldrabalk", re.IGNORECASE)),
)

# Socialstyrelsen's (and its successor series') regulations and general advice.
_REGULATION = re.compile(r"\b(?:SOSFS|HSLF-FS)\s*\d{4}:\d+")
# What may stand beside a law's short name in a plain citation of paragraphs.
_PARAGRAPH_WORD = re.compile(r"\d+(?:\s*[–-]\s*\d+)?|[a-z]|kap\.|§§?|och|st\.|,")
_NUMBER = re.compile(r"(\d+)(?:\s+([a-z])\b)?")


def _laws_in(text: str) -> list[Law]:
    """The laws a text cites, in ``LAWS`` order."""
    return [law for law in LAWS if law.pattern.search(text)
            or (law.also is not None and law.also.search(text))]


def cited_laws(texts: Iterable[str]) -> tuple[str, ...]:
    """The full names of the laws the reference texts cite, each once, in a fixed order."""
    joined = "\n".join(texts)
    return tuple(law.name for law in _laws_in(joined))


def is_provision(reference: str) -> bool:
    """Whether a reference cites a law, an ordinance or a regulation (a lagrum, or
    Socialstyrelsen's föreskrifter och allmänna råd), rather than a recommendation, a
    handbook or another source."""
    return bool(_laws_in(reference) or _REGULATION.search(reference) or "§" in reference)


def paragraphs_of(reference: str) -> tuple[Law, str] | None:
    """A reference that cites paragraphs of one law and nothing else: the law and the
    paragraphs ("6 kap. 8 b § SoL" gives socialtjänstlagen (2001:453) and "6 kap. 8 b §");
    None for anything else (two laws, a condition in words, no paragraph)."""
    laws = [law for law in LAWS if law.pattern.search(reference)]
    if len(laws) != 1:
        return None
    law = laws[0]
    match = law.pattern.search(reference)
    assert match is not None
    rest = (reference[:match.start()] + reference[match.end():]).strip()
    words = rest.replace(",", " , ").split()
    if "§" not in rest or not all(_PARAGRAPH_WORD.fullmatch(word) for word in words):
        return None
    return law, " ".join(rest.split()).replace(" ,", ",")


def paragraph_key(text: str) -> tuple[tuple[int, str], ...]:
    """Sorts paragraph references as the code of statutes numbers them: by chapter, then
    paragraph, then the letter of an inserted paragraph, so that "13 §" comes before
    "13 a §" and "13 b §", and "6 kap. 8 §" before "11 kap. 3 §"."""
    return tuple((int(number), letter) for number, letter in _NUMBER.findall(text))


def reference_key(reference: str) -> tuple[object, ...]:
    """Sorts any reference: by the law or series it cites, then by its paragraphs."""
    laws = _laws_in(reference)
    series = laws[0].title if laws else re.sub(r"[\d\s:§.,–-]+", " ", reference).strip()
    return (swedish_sort_key(series), paragraph_key(reference), swedish_sort_key(reference))


def introduce(reference: str, known: set[str]) -> str:
    """The reference with each law's short name written out the first time the report uses
    it ("6 kap. 6 § socialtjänstlagen (2001:453), SoL"); ``known`` holds the laws already
    written out (by title) and is updated."""
    found: list[tuple[int, int, Law]] = []
    for law in LAWS:
        match = law.pattern.search(reference)
        if match is not None and law.title not in known:
            found.append((match.start(), match.end(), law))
    for start, end, law in sorted(found, key=lambda item: -item[0]):  # from the right
        known.add(law.title)
        reference = f"{reference[:start]}{law.name}, {law.short}{reference[end:]}"
    return reference
