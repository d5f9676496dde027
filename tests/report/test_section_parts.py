"""The report prints every kind of section: each kind has its part, and each part prints the
demo's section of that kind."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from kvtui.domain.section_kinds import SectionKind
from kvtui.report.story import SECTION_PARTS, _Builder
from kvtui.report.styles import make_styles
from kvtui.store.report_data import ReportData


def test_every_section_kind_has_its_part_in_the_report() -> None:
    assert set(SECTION_PARTS) == set(SectionKind)


def test_each_part_prints_the_demos_section_of_its_kind(demo_data: ReportData) -> None:
    builder = _Builder(demo_data, make_styles(), True)
    for kind in SectionKind:
        sample = next(s for s in demo_data.sections if s.kind == kind)
        part = SECTION_PARTS[kind](builder, sample)
        texts = " ".join(f.getPlainText() for f in part if isinstance(f, Paragraph))
        assert sample.title in texts, kind
