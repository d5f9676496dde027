"""Reports that are not the demo: nothing assessed, a single section, very long texts, every
Swedish letter, a 2,000-word section, a summary longer than a page, many footnotes."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from kvtui.domain.judgement import AssessmentView, EvidenceView, SectionView
from kvtui.domain.report_data import ReportData
from kvtui.report.story import NO_STATEMENTS, NO_SUMMARY
from kvtui.report.styles import BOTTOM_MARGIN
from tests.report.conftest import Pdf, render
from tests.report.test_document import embedded_fonts, outline

SWEDISH = "Åsa Öberg ärver åtta ödlor på Ängö – § 3 • “citat” é ü ÅÄÖ åäö"
WORDS = ("verksamheten", "barnet", "familjehemmet", "uppföljning", "dokumentationen", "och",
         "socialsekreteraren", "planen", "är", "för", "i", "med", "överväganden", "åtgärder")


def _words(count: int, paragraph: int = 120) -> str:
    words = [WORDS[i % len(WORDS)] for i in range(count)]
    chunks = [" ".join(words[i:i + paragraph]).capitalize() + "."
              for i in range(0, count, paragraph)]
    return "\n\n".join(chunks)


def _with_sections(data: ReportData, change: dict[str, dict[str, object]]) -> ReportData:
    """The data with some sections (by number) changed."""
    return replace(data, sections=tuple(
        replace(s, **change[s.number]) if s.number in change else s for s in data.sections))


def _statement(text: str, rating: str = "", summary: bool = False,
               evidence: tuple[EvidenceView, ...] = ()) -> AssessmentView:
    return AssessmentView(id=f"a-{abs(hash(text))}", statement=text, rating=rating,
                          in_summary=summary, position=0, evidence=evidence)


def _check_fonts_and_numbers(pdf: Pdf) -> None:
    fonts = embedded_fonts(pdf)
    assert fonts and all(fonts.values())
    total = len(pdf.pages)
    for number, text in enumerate(pdf.pages[1:], start=2):
        assert f"Sida {number} ({total})" in text


def _contents_match_bookmarks(pdf: Pdf) -> None:
    contents = " ".join(" ".join(pdf.pages[i].split()) for i in range(1, 3))
    for title, page, top in outline(pdf):
        assert re.search(rf"{re.escape(title[:40])}.*?[ .]{page}\b", contents), title
        assert top - BOTTOM_MARGIN > 90, title  # no heading alone at the foot of a page


def test_review_without_assessments(demo_data: ReportData) -> None:
    data = replace(demo_data, sections=tuple(replace(s, assessments=())
                                             for s in demo_data.sections))
    for draft in (True, False):
        pdf = render(data, draft=draft)
        text = " ".join(pdf.text.split())
        assert NO_SUMMARY in text and NO_STATEMENTS in text
        assert "Kvalitetsnivåer" in text and "se bilaga 1)." not in text  # no footnotes
        _check_fonts_and_numbers(pdf)


def test_review_with_nothing_but_its_fields(demo_data: ReportData) -> None:
    data = replace(demo_data, sections=tuple(replace(s, assessments=(), text="")
                                             for s in demo_data.sections),
                   interviews=(), documents=(), criteria=(), sample=None, results=None,
                   purpose="", scope="", method_text="")
    draft = render(data, draft=True)
    assert "Avsnittet saknar text." in draft.text
    assert "Bilaga" not in draft.text
    final = render(data, draft=False)
    assert "Avsnittet saknar text." not in final.text
    _check_fonts_and_numbers(final)


def test_single_section(demo_data: ReportData) -> None:
    only = SectionView(id="s1", number="1", title="Iakttagelser", dimension="process",
                       kind="text", level=1, text=_words(150),
                       assessments=(_statement("Verksamheten behöver ses över.", "gul", True),))
    pdf = render(replace(demo_data, sections=(only,), results=None), draft=False)
    assert [title for title, _p, _t in outline(pdf)] == [
        "1 Iakttagelser", "1.1 Bedömning av iakttagelser"]
    assert "Gul Verksamheten behöver ses över." not in pdf.text  # no summary section
    assert "Gul" in pdf.text and "Verksamheten behöver ses över." in pdf.text
    _check_fonts_and_numbers(pdf)
    _contents_match_bookmarks(pdf)


def test_very_long_texts(demo_data: ReportData) -> None:
    long_title = "Kvalitetsgranskning av " + " ".join(["familjevårdens arbete"] * 25)
    endless_word = "Genomförandeplan" * 40  # 640 letters without a break
    long_statement = _words(700, paragraph=10_000)
    data = replace(
        _with_sections(demo_data, {
            "4.1": {"text": endless_word + "\n\n" + _words(300)},
            "5.4": {"assessments": (_statement(long_statement, "rod", True),)},
        }),
        title=long_title, unit="Enheten " * 60, committee="Nämnden för " * 30,
        documents=tuple(replace(d, title=d.title * 12) for d in demo_data.documents),
    )
    for draft in (True, False):
        pdf = render(data, draft=draft)
        _check_fonts_and_numbers(pdf)
        text = "".join(pdf.text.split())
        assert endless_word in text  # broken across lines, but all there
        assert "".join(long_statement.split())[-200:] in text
        assert "…" in pdf.pages[3].splitlines()[0]  # the header cuts the title


def test_every_swedish_letter(demo_data: ReportData, pdf_dir: Path) -> None:
    data = replace(_with_sections(demo_data, {
        "4.2": {"text": SWEDISH, "assessments": (_statement(SWEDISH, "gron", True),)},
    }), title=f"Granskning – {SWEDISH}", auditors=("Åsa Öberg", "Örjan Ärlig"))
    pdf = render(data, draft=True)
    text = pdf.text
    for letter in "åäöÅÄÖéü–§•“”":
        assert letter in text, letter
    assert SWEDISH in " ".join(text.split())
    assert "Åsa Öberg, Örjan Ärlig" in pdf.pages[0]
    assert pdf.reader.metadata.author == "Åsa Öberg, Örjan Ärlig"
    _check_fonts_and_numbers(pdf)


def test_a_2000_word_section(demo_data: ReportData) -> None:
    data = _with_sections(demo_data, {"5.3": {"text": _words(2000)}})
    pdf = render(data, draft=False)
    assert len(pdf.pages) >= len(render(demo_data, draft=False).pages) + 3
    _check_fonts_and_numbers(pdf)
    _contents_match_bookmarks(pdf)
    squashed = " ".join(pdf.text.split())
    assert squashed.lower().count("socialsekreteraren planen är för i med överväganden") >= 100


def test_summary_longer_than_a_page_repeats_its_header(demo_data: ReportData) -> None:
    many = tuple(_statement(f"Bedömning nummer {i}: " + _words(40, paragraph=1000),
                            ("gron", "gul", "rod")[i % 3], True) for i in range(45))
    pdf = render(_with_sections(demo_data, {"5.4": {"assessments": many}}), draft=False)
    purpose = next(page for title, page, _top in outline(pdf) if title == "2 Syfte")
    summary_pages = pdf.pages[2:purpose - 1]  # from 1 Sammanfattning up to 2 Syfte
    assert len(summary_pages) >= 2
    assert all("Kvalitetsnivå" in t and "Avsnitt" in t for t in summary_pages)  # repeated
    _check_fonts_and_numbers(pdf)


def test_many_footnotes_stay_on_their_pages(demo_data: ReportData) -> None:
    f4 = next(c for c in demo_data.criteria if c.code == "F4")
    cited = (EvidenceView("criterion", f4.id, "F4"),)
    statements = tuple(_statement(f"Iakttagelse {i} om planerna.", "gul", False, cited)
                       for i in range(40))
    pdf = render(_with_sections(demo_data, {"5.4": {"assessments": statements}}), draft=False)
    found: list[int] = []
    for page in pdf.pages:
        numbers = [int(m.group(1)) for m in re.finditer(
            r"^\s*(\d+)\s11 kap\. 3 § SoL; SOSFS 2012:11 \(kriterium F4", page, re.M)]
        for number in numbers:
            assert re.search(rf"om planerna\.{number}\n", page), number  # marker on the page
        found += numbers
    assert len(found) == 40 and found == list(range(found[0], found[0] + 40))
    _check_fonts_and_numbers(pdf)


def test_pages_render_with_poppler(draft_pdf: Pdf, pdf_dir: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = pdf_dir / "render.pdf"
    path.write_bytes(draft_pdf.rendered.pdf)
    result = subprocess.run(["pdftoppm", "-r", "20", "-png", str(path), str(pdf_dir / "page")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "Error" not in result.stderr, result.stderr
    assert len(list(pdf_dir.glob("page-*.png"))) == len(draft_pdf.pages)
