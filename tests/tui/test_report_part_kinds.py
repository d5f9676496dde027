"""The Rapport part lists every kind of section: each kind has its line, and each line counts
the demo's section of that kind."""

from __future__ import annotations

from kvtui.domain.section_kinds import SectionKind
from kvtui.store.database import Store
from kvtui.store.report_data import load_report_data
from kvtui.tui.widgets.report_part import SECTION_LINES


def test_every_section_kind_has_its_line_in_the_rapport_part(demo_store: Store,
                                                               demo_id: str) -> None:
    assert set(SECTION_LINES) == set(SectionKind)
    with demo_store.session() as session:
        data = load_report_data(session, demo_id)
    for kind in SectionKind:
        sample = next(s for s in data.sections if s.kind == kind)
        line = SECTION_LINES[kind](data, sample, sample.heading)
        assert (line.key, line.label) == (sample.id, sample.heading)
        assert line.words, kind
