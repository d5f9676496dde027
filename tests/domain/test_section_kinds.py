"""Every section kind is described completely, and templates follow the description.

The report's part and the Rapport part's line for each kind are checked beside them
(``tests/report/test_section_parts.py``, ``tests/tui/test_report_part_kinds.py``).
"""

from __future__ import annotations

import pytest

from kvtui.domain.judgement import SectionView, missing_before_report
from kvtui.domain.section_kinds import (
    OTHER_KIND_NOTE,
    SECTION_KINDS,
    SectionKind,
    section_kind,
)
from kvtui.domain.templates import TemplateError, parse_template

HEADER = """\
title = "Testmall"
version = "1.0"
law = "SoL (2001:453)"
references_checked = 2026-11-01
criteria = []
"""


def _sections(*kinds: str) -> str:
    return HEADER + "".join(
        f'[[sections]]\nnumber = "{index}"\ntitle = "Avsnitt {index}"\nkind = "{kind}"\n'
        for index, kind in enumerate(kinds, start=1))


def test_every_kind_is_described() -> None:
    assert set(SECTION_KINDS) == set(SectionKind)
    for kind, info in SECTION_KINDS.items():
        assert info.kind == kind
        assert info.label and info.label[0].isupper()
        # A section the auditor does not write tells her where its content comes from.
        assert info.written or info.note, kind


@pytest.mark.parametrize("kind", list(SectionKind))
def test_a_template_takes_the_kind_once_or_as_often_as_it_allows(kind: SectionKind) -> None:
    once = parse_template(_sections(kind), "test.toml")
    assert [s.kind for s in once.sections] == [kind]
    if SECTION_KINDS[kind].once:
        with pytest.raises(TemplateError, match="får bara förekomma en gång"):
            parse_template(_sections(kind, kind), "test.toml")
    else:
        twice = parse_template(_sections(kind, kind), "test.toml")
        assert len(twice.sections) == 2


@pytest.mark.parametrize("kind", list(SectionKind))
def test_only_written_kinds_are_asked_for_text(kind: SectionKind) -> None:
    empty = SectionView("s1", "4", "Avsnitt", "struktur", kind, 1)
    missing = missing_before_report([empty], [], 0)
    assert bool(missing) == SECTION_KINDS[kind].written


def test_a_kind_changed_by_hand_in_the_store_is_not_asked_for_text() -> None:
    info = section_kind("okänd")
    assert (info.label, info.written, info.note) == ("okänd", False, OTHER_KIND_NOTE)
