"""The report's outline and computed texts, which the PDF and the Word copy both print."""

from __future__ import annotations

from kvtui.domain.judgement import SectionView
from kvtui.domain.legal_names import reference_key
from kvtui.domain.report_outline import (
    MAX_SUMMARY,
    HeadingNesting,
    assessment_heading,
    number_after,
    outline,
    split_notes,
    subsection_level,
    summary_text,
)
from kvtui.domain.section_kinds import SectionKind


def section(number: str, title: str, kind: str = SectionKind.TEXT, level: int = 1
            ) -> SectionView:
    return SectionView(f"s{number or title}", number, title, "struktur", kind, level)


def test_written_sections_gather_into_chapters_between_the_others() -> None:
    sections = [
        section("1", "Sammanfattning", SectionKind.SUMMARY),
        section("4", "Förutsättningar"),
        section("4.1", "Uppdrag", level=2),
        section("4.1.1", "Lagar", level=3),
        section("5", "Arbetet"),
        section("", "Referenser", SectionKind.REFERENCES),
    ]
    parts = [(p.section.heading, [b.heading for b in p.below], p.chapter)
             for p in outline(sections)]
    assert parts == [
        ("1 Sammanfattning", [], False),
        ("4 Förutsättningar", ["4.1 Uppdrag", "4.1.1 Lagar"], True),
        ("5 Arbetet", [], True),
        ("Referenser", [], False),
    ]
    assert [subsection_level(s) for s in sections[2:4]] == [1, 2]


def test_bedomning_takes_the_number_after_the_last_subsection() -> None:
    chapter = section("4", "Verksamhetens förutsättningar")
    below = [section("4.1", "A", level=2), section("4.3", "C", level=2),
             section("4.3.2", "D", level=3)]
    assert number_after(chapter, [chapter, *below]) == "4.4"
    assert assessment_heading(chapter, [chapter, *below]) == (
        "4.4 Bedömning av verksamhetens förutsättningar")
    unnumbered = section("", "Iakttagelser")
    assert assessment_heading(unnumbered, [unnumbered]) == "Bedömning av iakttagelser"


def test_a_long_statement_is_cut_at_a_word_in_the_summary() -> None:
    where = "5.5"  # the chapter's Bedömning, where the statement stands whole
    assert summary_text("Kort.", where) == "Kort."
    cut = summary_text("ord " * 400, where)
    assert cut.endswith(" … (se avsnitt 5.5)") and len(cut) < MAX_SUMMARY + 30
    assert " or …" not in cut


def test_references_split_once_and_sort_by_law_then_number() -> None:
    assert split_notes("6 kap. 1 § SoL; 11 § LVU;  6 kap. 1 § SoL ;") == [
        "6 kap. 1 § SoL", "11 § LVU"]
    laws = ["11 kap. 10 § SoL", "6 kap. 8 § SoL", "11 kap. 3 § SoL", "13 § LVU"]
    assert sorted(laws, key=reference_key) == [
        "13 § LVU", "6 kap. 8 § SoL", "11 kap. 3 § SoL", "11 kap. 10 § SoL"]


def test_heading_levels_follow_the_nesting_and_never_skip() -> None:
    nesting = HeadingNesting()
    # chapter, its legend ranked deeper, a section, its sub-heading, the next chapter, a
    # heading ranked two below a chapter directly
    ranks = [0, 2, 1, 2, 0, 2, 1, 3]
    assert [nesting.level(rank) for rank in ranks] == [1, 2, 2, 3, 1, 2, 2, 3]
