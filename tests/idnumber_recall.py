"""Recall of ``find_ids`` over Skatteverket's test numbers, written in every form of
``tests.idnumber_forms`` and beside other numbers.

The suite takes every ``every``-th (number, form) pair, turning with the number so that each
form meets every ``every``-th number and each number meets every ``every``-th form;
``bench/recall.py`` takes them all.
"""

from __future__ import annotations

from datetime import date

from kvtui.domain.personnummer import find_ids, parse_id
from tests.idnumber_forms import FORM_NAMES, NEIGHBOURS, in_sentence, written_forms

TODAY = date(2026, 11, 1)


def pasted_form_misses(numbers: list[tuple[str, str]],
                       every: int = 1) -> tuple[int, dict[str, list[str]]]:
    """The number of texts tried, and per form the numbers not found as typed in a sentence
    (or not read by ``parse_id`` on their own)."""
    total = 0
    misses: dict[str, list[str]] = {}
    for index, (digits12, _kind) in enumerate(numbers):
        forms = written_forms(digits12)
        for form_index, name in enumerate(FORM_NAMES):
            if (index + form_index) % every:
                continue
            text = forms[name]
            total += 1
            sentence = in_sentence(text)
            hits = find_ids(sentence, today=TODAY)
            typed = text.lstrip("\ufeff")  # a byte-order mark before the number is not in it
            if (len(hits) != 1 or sentence[hits[0].start:hits[0].end] != typed
                    or hits[0].key[-10:] != digits12[2:]
                    or parse_id(text, today=TODAY) is None):
                misses.setdefault(name, []).append(digits12)
    return total, misses


def neighbour_misses(numbers: list[tuple[str, str]],
                     every: int = 1) -> tuple[int, dict[str, list[str]]]:
    """The number of texts tried, and per sentence shape and form the numbers not found as
    typed beside another number (``NEIGHBOURS``): bare with 12 and with 10 digits, and every
    40th number in every form."""
    total = 0
    misses: dict[str, list[str]] = {}
    for index, (digits12, _kind) in enumerate(numbers):
        forms = written_forms(digits12)
        names = FORM_NAMES if index % 40 == 0 else ("12 siffror", "10 siffror")
        for name in names:
            text = forms[name]
            typed = text.lstrip("\ufeff")
            for shape_index, (shape, sentence) in enumerate(NEIGHBOURS.items()):
                if (index + shape_index) % every:
                    continue
                total += 1
                written = sentence.format(text)
                hits = find_ids(written, today=TODAY)
                if (len(hits) != sentence.count("{") or any(
                        written[hit.start:hit.end] != typed
                        or hit.key[-10:] != digits12[2:] for hit in hits)):
                    misses.setdefault(f"{shape}, {name}", []).append(digits12)
    return total, misses
