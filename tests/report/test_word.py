"""The Word working copy: opened with python-docx, compared with the PDF of the same data."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
from datetime import datetime

import pikepdf
import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.table import Table
from lxml import etree

from kvtui.domain.judgement import RATINGS
from kvtui.domain.look import LOGO_BOX_MM, CoverLook
from kvtui.domain.report_data import ReportData
from kvtui.domain.report_outline import (
    LEVEL_HEX,
    RESULT_COLUMNS,
    SUMMARY_COLUMNS,
    chapter_statements,
    outline,
    result_lines,
    statement_note,
    summary_rows,
)
from kvtui.domain.reviews import SIGNED
from kvtui.domain.section_text import quote_markup
from kvtui.domain.signoff import SignOffView
from kvtui.report.word import COVER_NOTICE, WORD_COPY_NOTICE, word_report, xml_text
from tests.cli.test_settings_cli import SVG_LOGO, image_bytes
from tests.report.conftest import Pdf
from tests.report.test_pdf_ua import _tree

DIGEST = "c0ffee12" * 8


def opened(blob: bytes) -> DocxDocument:
    return Document(io.BytesIO(blob))


@pytest.fixture(scope="module")
def word(demo_data: ReportData) -> DocxDocument:
    return opened(word_report(demo_data))


def headings(doc: DocxDocument) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs
            if p.style is not None and p.style.name.startswith("Heading")]


def pdf_outline(pdf: Pdf) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title))

    walk(pdf.reader.outline, 0)
    return found


def table_starting(doc: DocxDocument, first_row: tuple[str, ...]) -> Table:
    for table in doc.tables:
        if tuple(cell.text for cell in table.rows[0].cells) == first_row:
            return table
    raise AssertionError(f"no table starts with {first_row}")


def fill_of(cell: object) -> str | None:
    shading = cell._tc.tcPr.find(qn("w:shd"))  # type: ignore[attr-defined]
    return None if shading is None else shading.get(qn("w:fill"))


def all_text(doc: DocxDocument) -> str:
    return "\n".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))


def footnotes_root(doc: DocxDocument) -> etree._Element:
    parts = [rel.target_part for rel in doc.part.rels.values()
             if rel.reltype == RELATIONSHIP_TYPE.FOOTNOTES]
    assert len(parts) == 1
    assert parts[0].content_type == CONTENT_TYPE.WML_FOOTNOTES
    assert str(parts[0].partname) == "/word/footnotes.xml"
    return etree.fromstring(parts[0].blob)


def pdf_headings(pdf: Pdf) -> list[tuple[int, str]]:
    """The PDF's heading elements in reading order: (level of H1–H6, text)."""
    with pikepdf.open(io.BytesIO(pdf.rendered.pdf)) as opened_pdf:
        return [(int(str(e.S)[2:]), str(e.T)) for e in _tree(opened_pdf)
                if str(e.S) in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")]


def test_headings_are_words_own_styles_nested_as_the_pdf_tags_them(word: DocxDocument,
                                                                   draft_pdf: Pdf) -> None:
    found = [(int(style.removeprefix("Heading ")), text) for style, text in headings(word)]
    # The PDF's cover title and "Innehåll" are the Word copy's Title and TOC field.
    assert found == pdf_headings(draft_pdf)[2:]
    assert found[0] == (1, "1 Sammanfattning")
    assert found[1] == (2, "Kvalitetsnivåer")  # under its chapter, no level skipped
    assert all(b <= a + 1 for (a, _x), (b, _y) in itertools.pairwise(found))
    listed = [(level - 1, text) for level, text in found if level <= 2
              and text not in ("Kvalitetsnivåer", "Dokument", "Intervjuer",
                               "Lagar, föreskrifter och allmänna råd", "Övriga källor")]
    assert listed == pdf_outline(draft_pdf)
    assert not any("Signering" in text for _level, text in found)


def test_contents_is_a_toc_field_over_two_levels_updated_on_opening(word: DocxDocument) -> None:
    instructions = [t.text for t in word.element.body.iter(qn("w:instrText"))]
    assert any(re.fullmatch(r'\s*TOC \\o "1-2" \\h \\z \\u\s*', text or "")
               for text in instructions)
    settings = word.settings.element
    update = settings.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    begins = [c for c in word.element.body.iter(qn("w:fldChar"))
              if c.get(qn("w:fldCharType")) == "begin"]
    ends = [c for c in word.element.body.iter(qn("w:fldChar"))
            if c.get(qn("w:fldCharType")) == "end"]
    assert len(begins) == len(ends) >= 1
    # Until Word updates it, the field shows the headings of levels 1–2.
    assert "4.4 Bedömning av verksamhetens förutsättningar" in all_text(word)


def test_summary_table_names_and_shades_every_level_under_a_marked_header(
        word: DocxDocument, demo_data: ReportData) -> None:
    table = table_starting(word, SUMMARY_COLUMNS)
    header = table.rows[0]._tr
    assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None
    expected = summary_rows(demo_data)
    body = table.rows[1:]
    assert len(body) == len(expected) > 0
    assert {row.rating for row in expected} >= {"gron", "rod"}
    for row, want in zip(body, expected, strict=True):
        level, text, where = (cell.text for cell in row.cells)
        assert level == RATINGS[want.rating] and level in {"Grön", "Gul", "Röd"}
        assert fill_of(row.cells[0]) == LEVEL_HEX[want.rating][0]
        assert (text, where) == (want.text, want.where)
    legend = table_starting(word, ("Nivå", "Vad nivån betyder"))
    assert legend.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [row.cells[1].text for row in legend.rows[1:2]] == [LEVEL_DEFINITIONS_GREEN]
    assert [fill_of(row.cells[0]) for row in legend.rows[1:]] == [
        LEVEL_HEX[r][0] for r in ("gron", "gul", "rod")]


def test_every_table_but_the_covers_facts_has_a_marked_header_row(word: DocxDocument) -> None:
    """Word's accessibility check asks every data table for a header row."""
    tables = word.tables[1:]  # the first is the cover's facts, read as label and value
    assert len(tables) >= 3
    for table in tables:
        trpr = table.rows[0]._tr.trPr
        assert trpr is not None and trpr.find(qn("w:tblHeader")) is not None, (
            [cell.text for cell in table.rows[0].cells])


LEVEL_DEFINITIONS_GREEN = "Grönt visar goda exempel som med fördel kan spridas till andra enheter."


def test_footnotes_are_real_word_footnotes_numbered_as_in_the_pdf(
        word: DocxDocument, demo_data: ReportData, draft_pdf: Pdf) -> None:
    root = footnotes_root(word)
    notes = root.findall(qn("w:footnote"))
    separators = [(n.get(qn("w:id")), n.get(qn("w:type"))) for n in notes[:2]]
    assert separators == [("-1", "separator"), ("0", "continuationSeparator")]
    assert notes[0].find(f".//{qn('w:separator')}") is not None
    assert notes[1].find(f".//{qn('w:continuationSeparator')}") is not None
    numbered = notes[2:]
    assert [n.get(qn("w:id")) for n in numbered] == [str(i) for i in
                                                     range(1, len(numbered) + 1)]
    texts = ["".join(t.text or "" for t in n.iter(qn("w:t"))).strip() for n in numbered]
    for note in numbered:
        assert note.find(f".//{qn('w:footnoteRef')}") is not None
        style = note.find(f".//{qn('w:pStyle')}")
        assert style is not None and style.get(qn("w:val")) == "FootnoteText"
    introduced: set[str] = set()  # a law's short name is written out in its first note
    expected = [text for part in outline(demo_data.sections) if part.chapter
                for a in chapter_statements(part.section, part.below)
                if (text := statement_note(demo_data, a, introduced)) is not None]
    assert texts == expected and len(texts) >= 5
    pdf_text = " ".join(draft_pdf.text.split())
    for number, text in enumerate(texts, start=1):
        assert f"{number} {' '.join(text.split())}" in pdf_text
    references = [r.get(qn("w:id")) for r in word.element.body.iter(qn("w:footnoteReference"))]
    assert references == [str(i) for i in range(1, len(texts) + 1)]
    properties = word.settings.element.find(qn("w:footnotePr"))
    assert properties is not None
    assert [f.get(qn("w:id")) for f in properties.findall(qn("w:footnote"))] == ["-1", "0"]
    names = {s.style_id: s.name for s in word.styles}
    assert names["FootnoteText"] == "footnote text"
    assert names["FootnoteReference"] == "footnote reference"


def test_statements_carry_their_level_named(word: DocxDocument) -> None:
    rated = next(p for p in word.paragraphs
                 if p.text.endswith("Den sociala dokumentationen är relevant, objektiv och "
                                    "saklig."))
    assert rated.runs[0].text.strip() == "Grön"
    shading = rated.runs[0]._r.rPr.find(qn("w:shd"))
    assert shading is not None and shading.get(qn("w:fill")) == LEVEL_HEX["gron"][0]
    unrated = next(p for p in word.paragraphs
                   if p.text.endswith("med standardiserade metoder vid utredning av "
                                      "familjehem."))
    assert unrated.runs[0].text.startswith("Verksamheten arbetar")


def test_core_properties_and_language(word: DocxDocument, demo_data: ReportData) -> None:
    props = word.core_properties
    assert props.title == demo_data.title
    assert props.author == ", ".join(demo_data.auditors)
    assert props.language == "sv-SE"
    langs = {lang.get(qn("w:val")) for lang in word.styles.element.iter(qn("w:lang"))}
    assert langs == {"sv-SE"}


def test_marked_as_a_working_copy_on_every_page_and_the_cover(word: DocxDocument) -> None:
    header = word.sections[0].header
    assert WORD_COPY_NOTICE in "\n".join(p.text for p in header.paragraphs)
    assert "Inte den signerade rapporten" in WORD_COPY_NOTICE
    assert COVER_NOTICE in [p.text for p in word.paragraphs]
    status = next(row.cells[1].text for row in word.tables[0].rows
                  if row.cells[0].text == "Status")
    assert status.startswith("Arbetskopia i Word")


def test_a_signed_review_is_still_only_a_working_copy(demo_data: ReportData) -> None:
    signed = dataclasses.replace(
        demo_data, status=SIGNED,
        sign_off=SignOffView("s", 1, "Karin Ekdahl", "granskare", "", "",
                             datetime(2026, 11, 23, 9, 0), DIGEST, DIGEST, ""))
    doc = opened(word_report(signed))
    text = all_text(doc)
    assert WORD_COPY_NOTICE in "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    assert "signerad" in text  # the status says the review is signed …
    assert "Slutlig version, signerad" not in text  # … but never that this file is
    assert "Signering" not in text and "Kontrollsumma" not in text
    assert DIGEST[:8] not in text


def test_appendix_gives_the_charts_figures_in_a_table(word: DocxDocument,
                                                      demo_data: ReportData) -> None:
    table = table_starting(word, RESULT_COLUMNS)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    results = demo_data.results
    assert results is not None
    lines = [line for row in results.rows for line in result_lines(row)]
    rows = table.rows[1:]
    assert len(rows) == len(lines)
    for row, line in zip(rows, lines, strict=True):
        assert tuple(cell.text for cell in row.cells[1:]) == line.figures
    assert rows[0].cells[0].text.startswith(results.rows[0].code + " ")
    assert "återges i Word-kopian med sina siffror i tabell 1" in all_text(word)


def test_without_results_or_rated_statements(demo_data: ReportData) -> None:
    sections = tuple(dataclasses.replace(s, assessments=()) for s in demo_data.sections)
    doc = opened(word_report(dataclasses.replace(demo_data, results=None, sections=sections)))
    found = [text for _style, text in headings(doc)]
    assert not any(text.startswith("Bilaga") for text in found)
    text = all_text(doc)
    assert "Inga bedömningar med kvalitetsnivå har valts till sammanfattningen." in text
    assert "Inga bedömningar har gjorts i avsnittet." in text
    root = footnotes_root(doc)
    assert [n.get(qn("w:id")) for n in root.findall(qn("w:footnote"))] == ["-1", "0"]


def test_characters_xml_cannot_hold_are_left_out(demo_data: ReportData) -> None:
    title = "Granskning\x0b av\x01 familjevården"
    doc = opened(word_report(dataclasses.replace(demo_data, title=title)))
    assert doc.core_properties.title == "Granskning av familjevården"
    assert xml_text("a\x00b\tc\nd") == "ab\tc\nd"


def test_the_auditors_structure_as_in_the_pdf(demo_data: ReportData) -> None:
    """Sub-headings, her footnotes and quoted observations come out of the same parser as the
    PDF's: numbered headings one level below the section, real footnotes numbered in order
    with the legal references', the quote by role and date."""
    interview = next(i for i in demo_data.interviews if i.roles == ("gruppledare",))
    observation = interview.observations[0]
    texts = {
        "4": "Stycke som\nklistrats in.[fotnot: Förklaring i kapitlet.]",
        "4.1": f"# Uppdragets omfattning\nText. {quote_markup(observation.id)}\n\n"
               "# Ansvar\n- punkt[fotnot: Andra noten.]",
    }
    sections = tuple(dataclasses.replace(s, text=texts[s.number]) if s.number in texts else s
                     for s in demo_data.sections)
    data = dataclasses.replace(demo_data, sections=sections)
    doc = opened(word_report(data))
    found = headings(doc)
    assert ("Heading 3", "4.1.1 Uppdragets omfattning") in found
    assert ("Heading 3", "4.1.2 Ansvar") in found
    body = all_text(doc)
    assert "Stycke som klistrats in." in body
    assert "Gruppledaren uppger" in body and observation.text in " ".join(body.split())
    notes = ["".join(t.text or "" for t in n.iter(qn("w:t"))).strip()
             for n in footnotes_root(doc).findall(qn("w:footnote"))[2:]]
    assert notes[0] == "Förklaring i kapitlet."
    assert notes[1] == "Andra noten."  # before the Bedömning's legal references
    references = [r.get(qn("w:id")) for r in doc.element.body.iter(qn("w:footnoteReference"))]
    assert references == [str(i) for i in range(1, len(notes) + 1)]


@pytest.mark.parametrize("size", [(400, 160), (90, 300)])
def test_the_installations_look_on_the_cover(demo_data: ReportData,
                                            size: tuple[int, int]) -> None:
    """The logo as a picture in the PDF's box with its proportions and its text alternative,
    the installation's committee under the municipality; an SVG logo is left out."""
    look = CoverLook(committee="Nämnden för test", logo=image_bytes(size), logo_kind="png",
                     logo_alt="Logotyp: Testkommun")
    doc = opened(word_report(dataclasses.replace(demo_data, look=look)))
    [picture] = doc.inline_shapes
    width, height = picture.width.mm, picture.height.mm
    assert width / height == pytest.approx(size[0] / size[1], rel=1e-2)
    assert width <= LOGO_BOX_MM[0] + 0.1 and height <= LOGO_BOX_MM[1] + 0.1
    assert max(width / LOGO_BOX_MM[0], height / LOGO_BOX_MM[1]) == pytest.approx(1, rel=1e-2)
    assert picture._inline.docPr.get("descr") == "Logotyp: Testkommun"
    cover = [p.text for p in doc.paragraphs[:4]]
    assert "Nämnden för test" in cover
    svg = dataclasses.replace(look, logo=SVG_LOGO, logo_kind="svg")
    assert not opened(word_report(dataclasses.replace(demo_data, look=svg))).inline_shapes
