"""Recall of the personnummer finder over every one of Skatteverket's test numbers in every
written form and beside every kind of other number, and its speed against a bare regex.

The suite tries every fifth (number, form) pair and every fourth (number, sentence) pair
(tests/domain/test_personnummer.py); this tries them all. It prints the texts tried, the
misses per form (goal: **0**), and the seconds ``find_ids`` took over the pasted forms against
the baseline: one regex for twelve or ten digits with an optional separator run over the same
sentences, which finds the plainest forms and nothing else. The ratio says what recall in
every form costs over the least a search for numbers does.

    python bench/recall.py
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kvtui.domain.personnummer import find_ids
from tests.idnumber_forms import FORM_NAMES, in_sentence, written_forms
from tests.idnumber_recall import TODAY, neighbour_misses, pasted_form_misses
from tests.testdata import TEST_NUMBERS_DIR

BARE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")


def test_numbers() -> list[tuple[str, str]]:
    """(digits12, kind) of every test personnummer and samordningsnummer."""
    numbers: list[tuple[str, str]] = []
    for name, kind in (("personnummer.txt", "personnummer"),
                       ("samordningsnummer.txt", "samordningsnummer")):
        text = (TEST_NUMBERS_DIR / name).read_text(encoding="utf-8")
        numbers += [(line.strip(), kind) for line in text.splitlines() if line.strip()]
    return numbers


def _report(what: str, total: int, misses: dict[str, list[str]]) -> int:
    missed = sum(map(len, misses.values()))
    print(f"{what}: {total} texts, {missed} missed ({(total - missed) / total:.4%} found)")
    for name, numbers in sorted(misses.items()):
        print(f"  {name}: {len(numbers)} missed, e.g. {numbers[0]}")
    return missed


def main() -> int:
    """Measure and print; exit 1 if any number was missed."""
    numbers = test_numbers()
    start = time.perf_counter()
    missed = _report("every pasted form", *pasted_form_misses(numbers))
    missed += _report("beside other numbers", *neighbour_misses(numbers))
    print(f"recall runs: {time.perf_counter() - start:.1f} s")
    sentences = [in_sentence(text) for digits12, _kind in numbers
                 for text in written_forms(digits12).values()]
    start = time.perf_counter()
    for sentence in sentences:
        find_ids(sentence, today=TODAY)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    for sentence in sentences:
        BARE.findall(sentence)
    theirs = time.perf_counter() - start
    print(f"find_ids over {len(sentences)} sentences ({len(FORM_NAMES)} forms): {ours:.2f} s; "
          f"bare regex: {theirs:.2f} s; ratio {ours / theirs:.1f}x")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
