"""The auditor's structure in the printed report: numbered sub-headings, her footnotes numbered
with the legal references' notes, quoted observations by role and date, joined paragraphs."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kvtui.domain.method_text import swedish_date
from kvtui.domain.report_data import ReportData
from kvtui.domain.section_text import MISSING_QUOTE, quote_markup
from kvtui.report.flowables import Heading
from kvtui.report.story import build_story
from kvtui.report.styles import make_styles
from tests.report.conftest import Pdf, render

NAME = "Karin Testsson"
GONE_ID = "00000000-0000-4000-8000-000000000000"


def _squash(text: str) -> str:
    return " ".join(text.split())


def _with_texts(data: ReportData, texts: dict[str, str]) -> ReportData:
    sections = tuple(replace(s, text=texts[s.number]) if s.number in texts else s
                     for s in data.sections)
    return replace(data, sections=sections)


def _quoted(data: ReportData) -> tuple[str, str, str]:
    """(observation id, its text, the interview's date in words) of the gruppledare's first
    observation; the interview's notes get a name that must never be printed."""
    interview = next(i for i in data.interviews if i.roles == ("gruppledare",))
    observation = interview.observations[0]
    assert interview.held_on is not None
    return observation.id, observation.text, swedish_date(interview.held_on)


@pytest.fixture(scope="module")
def structured(demo_data: ReportData) -> tuple[ReportData, Pdf]:
    obs_id, _text, _day = _quoted(demo_data)
    interviews = tuple(replace(i, notes=f"Samtal med {NAME}, gruppledare.")
                       for i in demo_data.interviews)
    data = _with_texts(replace(demo_data, interviews=interviews), {
        "4": "Första stycket som\nklistrats in med hårda\nradbrytningar.[fotnot: Signs of "
             "Safety är en metod för att arbeta med utsatta barn.]",
        "4.1": "Inledning till uppdraget.\n\n# Uppdragets omfattning\nText om omfattningen. "
               f"{quote_markup(obs_id)}\n\n## Ansvar\n- punkt ett\n- punkt två[fotnot: "
               "Andra förklarande noten.]",
    })
    return data, render(data, draft=True)


def test_subheadings_are_numbered_under_their_section(structured: tuple[ReportData, Pdf]
                                                       ) -> None:
    data, pdf = structured
    text = pdf.text
    assert re.search(r"^4\.1\.1 Uppdragets omfattning$", text, re.M)
    assert re.search(r"^4\.1\.2 Ansvar$", text, re.M)
    # Level 2 headings are not in the contents; the section's heading is.
    contents = pdf.pages[1]
    assert "4.1 Uppdrag" in contents and "Uppdragets omfattning" not in contents
    headings = [f for f in build_story(data, make_styles(), draft=True)
                if isinstance(f, Heading)]
    levels = {h.getPlainText(): h.level for h in headings}
    assert levels["4 Verksamhetens förutsättningar"] == 0
    assert levels["4.1 Uppdrag"] == 1
    assert levels["4.1.1 Uppdragets omfattning"] == 2


def test_a_chapter_without_subsections_numbers_its_own_subheadings(demo_data: ReportData
                                                                   ) -> None:
    sections = tuple(s for s in demo_data.sections if not s.number.startswith("6."))
    data = _with_texts(replace(demo_data, sections=sections),
                       {"6": "# Trygghet\nText om trygghet.\n\n# Kvalitet\nText om kvalitet."})
    pdf = render(data, draft=True)
    assert re.search(r"^6\.1 Trygghet$", pdf.text, re.M)
    assert re.search(r"^6\.2 Kvalitet$", pdf.text, re.M)
    assert re.search(r"^6\.3 Bedömning av kvalitetsarbete$", pdf.text, re.M)
    assert "6.1 Trygghet" in pdf.pages[1]  # a chapter's sub-heading is a section: listed


def test_her_footnotes_are_numbered_with_the_legal_ones(structured: tuple[ReportData, Pdf]
                                                        ) -> None:
    _data, pdf = structured
    notes: dict[int, str] = {}
    for page in pdf.pages:
        lines = page.splitlines()
        for index, line in enumerate(lines):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if not line.endswith("se bilaga 1).") and not re.match(r"^\s*\d+ ", following):
                line = f"{line} {following.strip()}"  # a note of two lines (a law in full)
            match = re.match(r"^\s*(\d+) (.*?)\s*$", line)
            if match and (line.endswith("se bilaga 1).") or "förklarande" in line
                          or "Signs of Safety" in line):
                notes[int(match.group(1))] = match.group(2)
    numbers = sorted(notes)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    assert notes[1].startswith("Signs of Safety är en metod")
    assert notes[2] == "Andra förklarande noten."
    assert notes[3].endswith("se bilaga 1).")  # the legal notes follow in document order
    page = next(p for p in pdf.pages if "Signs of Safety är en metod" in p)
    assert re.search(r"radbrytningar\.1\n", page.split("1 Signs of Safety")[0])


def test_quote_by_role_and_date_never_a_name(structured: tuple[ReportData, Pdf]) -> None:
    data, pdf = structured
    _obs_id, observation, day = _quoted(data)
    text = _squash(pdf.text)
    assert f"Gruppledaren uppger vid intervjun den {day}: ”{_squash(observation)}”" in text
    assert NAME not in text and "Testsson" not in text


def test_pasted_lines_are_joined_into_one_paragraph(structured: tuple[ReportData, Pdf]
                                                    ) -> None:
    _data, pdf = structured
    assert "Första stycket som klistrats in med hårda radbrytningar." in pdf.text


def test_broken_markup_still_exports_sensibly(demo_data: ReportData) -> None:
    data = _with_texts(demo_data, {"4.1": f"Stycke [fotnot: öppen not\n\n{quote_markup(GONE_ID)}"
                                          " och [citat: fel]"})
    for draft in (True, False):
        pdf = render(data, draft=draft)
        text = _squash(pdf.text)
        assert "Stycke [fotnot: öppen not" in text
        assert text.count(MISSING_QUOTE) == 2
