"""The report as a Word document: a working copy for the unit's fact-check or for editing.

The same content and headings as the PDF, in the same order, computed by the same functions
(``kvtui.domain.report_outline``): cover facts, contents, the summary table, Syfte, Metod,
the chapters with their Bedömning, Referenser and the appendices. What differs, and why:

- It is never the signed report. Every page's header and the cover say so, the cover's
  status says "Arbetskopia i Word" with the review's status, and there is no sign-off page
  and no content hash, even when the review is signed: a Word file can be changed by anyone
  and proves nothing. The signed report is the PDF.
- Headings use Word's built-in styles "Heading 1"–"Heading 3" (Rubrik 1–3 in Swedish Word),
  so Word's navigation pane, its contents and its accessible PDF export find them. The
  contents is a Word TOC field over levels 1–2, as the PDF lists chapters and sections; it
  holds the headings without page numbers until Word updates it, which Word offers to do
  when the file is opened (``updateFields``).
- Level cells name their level (Grön, Gul, Röd) on their colour, as in the PDF; the header
  rows of tables repeat on every page and are marked as header rows (``w:tblHeader``).
- The legal references are real Word footnotes, numbered through the document in the order
  the statements stand, as the PDF numbers them. python-docx has no footnote API, so the
  footnotes part is written here: ``word/footnotes.xml`` with the separator (id -1) and the
  continuation separator (id 0) that Word expects, the document's relationship to it, its
  content type, the footnote styles, and the separators named in the settings.
- The appendix's charts are given by their figures: the results table holds every share and
  interval the charts draw.

python-docx is imported with this module only, never at the app's or the command line's start.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import datetime, time
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.image.image import Image as DocxImage
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from kvtui.domain.assurance import (
    appendix_caption,
    appendix_intro,
    appendix_statements,
    unbroken,
)
from kvtui.domain.judgement import LEVEL_DEFINITIONS, RATINGS, AssessmentView, SectionView
from kvtui.domain.look import JPEG, LOGO_BOX_MM, PNG
from kvtui.domain.method_text import text_blocks
from kvtui.domain.report_data import ReportData
from kvtui.domain.report_outline import (
    APPENDIX_TITLE,
    FACTCHECK_TITLE,
    LEVEL_HEX,
    LEVELS,
    RESULT_COLUMNS,
    RESULTS_CAPTION,
    SET_ASIDE_TITLE,
    SUMMARY_COLUMNS,
    SUMMARY_INTRO,
    HeadingNesting,
    appendix_basis,
    assessment_heading,
    chapter_statements,
    comment_facts,
    cover_committee,
    cover_facts,
    document_line,
    factcheck_intro,
    factcheck_number,
    factcheck_sentence,
    interview_line,
    legal_references,
    outline,
    result_lines,
    set_aside_lines,
    short_question,
    statement_note,
    strata_intro,
    subsection_level,
    summary_rows,
    unanswered_line,
)
from kvtui.domain.section_kinds import COMPARISON_KIND, SectionKind, section_kind
from kvtui.domain.section_text import (
    MISSING_QUOTE,
    Footnote,
    Inline,
    Subheading,
    Text,
    has_subsections,
    numbered,
    parse_section_text,
    quotable,
)
from kvtui.domain.section_text import Paragraph as TextParagraph
from kvtui.domain.year_over_year import (
    COMPARISON_CAPTION,
    COMPARISON_COLUMNS,
    INTERVAL_EXPLAINED,
    NO_PREVIOUS_REVIEW,
    change_cell,
    change_lines,
    comparison_intro,
    share_text,
    unmatched_lines,
)

WORD_COPY_NOTICE = ("Arbetskopia i Word – för faktagranskning eller redigering. "
                    "Inte den signerade rapporten.")
COVER_NOTICE = ("Detta är en arbetskopia av rapporten i Word, för faktagranskning eller "
                "redigering. Den är inte den signerade rapporten och kan inte styrka vad som "
                "har signerats; den signerade rapporten är PDF-filen som kvtui exporterar.")
CHARTS_AS_NUMBERS = ("Diagrammen i PDF-rapporten, andel Ja per kriterium med 95 % "
                     "konfidensintervall, återges i Word-kopian med sina siffror i tabell 1.")
TOC_TITLE = "Innehåll"
TOC_PLACEHOLDER = ("Innehållsförteckningen uppdateras när Word frågar om fälten ska "
                   "uppdateras (eller med F9).")
MISSING_TEXT = "Avsnittet saknar text."
NO_STATEMENTS = "Inga bedömningar har gjorts i avsnittet."
NO_SUMMARY = "Inga bedömningar med kvalitetsnivå har valts till sammanfattningen."
LANGUAGE = "sv-SE"
HEADER_FILL = "1F3A5F"
MUTED = RGBColor(0x5A, 0x64, 0x72)
# The logo kinds Word takes as pictures; an SVG logo is left to the PDF.
WORD_PICTURES = frozenset({PNG, JPEG})
FOOTNOTE_TEXT = "FootnoteText"
FOOTNOTE_REFERENCE = "FootnoteReference"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text Word can hold: characters XML 1.0 forbids (controls, which a pasted text may
    carry) are left out rather than refused, since the same text prints in the PDF."""
    return _NOT_XML.sub("", text)


def word_report(data: ReportData) -> bytes:
    """The report of ``data`` as a .docx file's bytes."""
    return _Writer(data).build()


class _Writer:
    """Writes the document once; counts footnotes and collects headings as it goes."""

    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.doc: DocxDocument = Document()
        self.headings: list[tuple[int, str]] = []
        self.nesting = HeadingNesting()
        self.notes: list[str] = []
        self.introduced: set[str] = set()  # laws whose short name a note has written out
        self.factcheck_number = factcheck_number(data)
        self.quotes = quotable(data.interviews)

    # --- set-up --------------------------------------------------------------------------------

    def setup(self) -> None:
        """Language, core properties, styles, the marking header and page numbers."""
        doc, data = self.doc, self.data
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            for lang in defaults.iter(qn("w:lang")):
                lang.set(qn("w:val"), LANGUAGE)
        theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), LANGUAGE)
        props = doc.core_properties
        props.title = xml_text(data.title)
        props.author = xml_text(", ".join(data.auditors))
        props.last_modified_by = props.author
        props.language = LANGUAGE
        props.subject = xml_text(f"{data.unit} – {WORD_COPY_NOTICE}" if data.unit
                                 else WORD_COPY_NOTICE)
        props.comments = WORD_COPY_NOTICE
        props.category = "Kvalitetsgranskning"
        props.keywords = xml_text(data.diary_number)
        moment = datetime.combine(data.report_date, time(0, 0))
        props.created = moment
        props.modified = moment
        props.revision = 1
        normal = doc.styles["Normal"]
        normal.font.size = Pt(10.5)
        text_style = doc.styles.add_style("footnote text", WD_STYLE_TYPE.PARAGRAPH)
        text_style.style_id = FOOTNOTE_TEXT
        text_style.base_style = normal
        text_style.font.size = Pt(8.5)
        text_style.paragraph_format.space_after = Pt(0)
        reference = doc.styles.add_style("footnote reference", WD_STYLE_TYPE.CHARACTER)
        reference.style_id = FOOTNOTE_REFERENCE
        reference.font.superscript = True
        for style in (text_style, reference):  # Word's own styles, not the user's
            style.element.attrib.pop(qn("w:customStyle"), None)
        section = doc.sections[0]
        header = section.header.paragraphs[0]
        run = header.add_run(WORD_COPY_NOTICE)
        run.bold = True
        run.font.size = Pt(8.5)
        run.font.color.rgb = RGBColor(0xC6, 0x28, 0x28)
        footer = section.footer.paragraphs[0]
        footer.add_run(xml_text(" · ".join(part for part in (
            data.municipality, f"Dnr {data.diary_number}" if data.diary_number else "")
            if part)) + " · Sida ")
        _field(footer, "PAGE", "1")

    # --- helpers -------------------------------------------------------------------------------

    def heading(self, text: str, level: int, *, new_page: bool = False) -> Paragraph:
        """A heading in Word's own style, nested as the PDF tags it (``HeadingNesting``): a
        chapter (``level`` 0) is Heading 1, a section under it Heading 2, and so on, never
        skipping a level."""
        word_level = self.nesting.level(level)
        paragraph = self.doc.add_heading(xml_text(text), word_level)
        if new_page:
            paragraph.paragraph_format.page_break_before = True
        self.headings.append((word_level, text))
        return paragraph

    def text(self, text: str) -> int:
        """Plain text as paragraphs and bullet lists; how many paragraphs were written."""
        count = 0
        for kind, lines in text_blocks(xml_text(text)):
            if kind == "bullets":
                for line in lines:
                    self.doc.add_paragraph(line, style="List Bullet")
                    count += 1
            else:
                self.doc.add_paragraph(lines[0])
                count += 1
        return count

    def section_text(self, section: SectionView, level: int) -> int:
        """The auditor's text of a written section as the PDF prints it
        (``kvtui.domain.section_text``): her sub-headings one level below ``level`` and
        numbered under the section, her footnotes as Word footnotes numbered with the legal
        references' notes, quoted observations by role and date. Returns how many sub-headings
        were numbered, which the chapter's Bedömning number follows."""
        blocks, count = numbered(parse_section_text(section.text), section.number,
                                 has_subsections=has_subsections(section, self.data.sections))
        for block in blocks:
            if isinstance(block, Subheading):
                self.heading(block.text, level + 1)
                continue
            style = None if isinstance(block, TextParagraph) else "List Bullet"
            lines = [block.parts] if isinstance(block, TextParagraph) else list(block.items)
            for parts in lines:
                self.inline(self.doc.add_paragraph(style=style), parts)
        return count

    def inline(self, paragraph: Paragraph, parts: Sequence[Inline]) -> None:
        """A paragraph's text with its footnote marks and its quotes written out."""
        for part in parts:
            if isinstance(part, Text):
                paragraph.add_run(xml_text(part.text))
            elif isinstance(part, Footnote):
                self.notes.append(part.text)
                _footnote_reference(paragraph, len(self.notes))
            else:
                quoted = self.quotes.get(part.observation_id)
                paragraph.add_run(xml_text(quoted.sentence if quoted is not None
                                           else MISSING_QUOTE))

    def muted(self, text: str) -> None:
        """A grey, italic note where content is missing (the copy is for editing)."""
        run = self.doc.add_paragraph().add_run(xml_text(text))
        run.italic = True
        run.font.color.rgb = MUTED

    def table(self, columns: int, *, header: tuple[str, ...] = (), caption: str = "") -> Table:
        """A grid table; a header row that repeats on every page and is marked as the
        table's header, on the report's dark blue; ``caption`` as the table's title."""
        table = self.doc.add_table(rows=0, cols=columns)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        if caption:
            tbl_pr = table._tbl.tblPr
            title = OxmlElement("w:tblCaption")
            title.set(qn("w:val"), xml_text(caption))
            tbl_pr.append(title)
        if header:
            row = table.add_row()
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for cell, name in zip(row.cells, header, strict=True):
                _shade(cell, HEADER_FILL)
                run = cell.paragraphs[0].add_run(name)
                run.bold = True
                run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        return table

    def level_cell(self, cell: _Cell, rating: str) -> None:
        """A level's name, bold, on its colour: the colour is never the only carrier."""
        fill, colour = LEVEL_HEX[rating]
        _shade(cell, fill)
        run = cell.paragraphs[0].add_run(RATINGS[rating])
        run.bold = True
        run.font.color.rgb = RGBColor.from_string(colour)

    # --- the parts -----------------------------------------------------------------------------

    def cover(self) -> None:
        """Organisation, title, unit, the facts, and what this file is (and is not)."""
        data, doc = self.data, self.doc
        look = data.look
        if look is not None and look.logo is not None and look.logo_kind in WORD_PICTURES:
            image = DocxImage.from_blob(look.logo)
            scale = min(LOGO_BOX_MM[0] / image.px_width, LOGO_BOX_MM[1] / image.px_height)
            doc.add_picture(io.BytesIO(look.logo), width=Mm(image.px_width * scale),
                            height=Mm(image.px_height * scale))
            pictures = doc.inline_shapes
            pictures[len(pictures) - 1]._inline.docPr.set("descr", xml_text(look.logo_alt))
        committee = cover_committee(data)
        for line in (data.municipality, committee):
            if line:
                doc.add_paragraph(xml_text(line)).runs[0].bold = True
        kicker = doc.add_paragraph().add_run("KVALITETSGRANSKNING")
        kicker.font.color.rgb = MUTED
        doc.add_paragraph(xml_text(data.title), style="Title")
        if data.unit:
            doc.add_paragraph(xml_text(data.unit), style="Subtitle")
        status = f"Arbetskopia i Word; granskningens status: {data.status_label.lower()}"
        table = self.table(2)
        for label, value in cover_facts(data, status):
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(label).bold = True
            cells[1].paragraphs[0].add_run(xml_text(value or "–"))
        notice = doc.add_paragraph().add_run(COVER_NOTICE)
        notice.bold = True

    def contents(self) -> Paragraph:
        """The contents' title and the TOC field's first paragraph (filled in at the end)."""
        title = self.doc.add_paragraph(TOC_TITLE, style="TOC Heading")
        title.paragraph_format.page_break_before = True
        return self.doc.add_paragraph()

    def fill_contents(self, anchor: Paragraph) -> None:
        """The TOC field over levels 1–2, its result the headings as they stand now."""
        entries = [(level, text) for level, text in self.headings if level <= 2]
        _field_start(anchor, ' TOC \\o "1-2" \\h \\z \\u ')
        anchor.add_run(TOC_PLACEHOLDER).italic = True
        last = anchor
        for level, text in entries:
            paragraph = _paragraph_after(last)
            paragraph.paragraph_format.left_indent = Pt(14 * (level - 1))
            paragraph.add_run(xml_text(text))
            last = paragraph
        _field_end(last)

    def summary(self, section: SectionView, new_page: bool) -> None:
        """Sammanfattning: the rated statements with coloured, named levels; the legend."""
        self.heading(section.heading, 0, new_page=new_page)
        rows = summary_rows(self.data)
        if rows:
            self.doc.add_paragraph(SUMMARY_INTRO)
            table = self.table(3, header=SUMMARY_COLUMNS, caption="Sammanfattning")
            for row in rows:
                cells = table.add_row().cells
                self.level_cell(cells[0], row.rating)
                cells[1].paragraphs[0].add_run(xml_text(row.text))
                cells[2].paragraphs[0].add_run(xml_text(row.where))
        else:
            self.muted(NO_SUMMARY)
        self.heading("Kvalitetsnivåer", 2)
        legend = self.table(2, header=("Nivå", "Vad nivån betyder"), caption="Kvalitetsnivåer")
        for rating in LEVELS:
            cells = legend.add_row().cells
            self.level_cell(cells[0], rating)
            cells[1].paragraphs[0].add_run(LEVEL_DEFINITIONS[rating])

    def purpose(self, section: SectionView, new_page: bool) -> None:
        """Syfte: the purpose, then scope and exclusions."""
        self.heading(section.heading, 0, new_page=new_page)
        if not self.text(self.data.purpose) + self.text(self.data.scope):
            self.muted(MISSING_TEXT)

    def method(self, section: SectionView, new_page: bool) -> None:
        """Metod: as printed, ending with the fact-check paragraph once a draft has gone."""
        self.heading(section.heading, 0, new_page=new_page)
        if not self.text(self.data.method_text):
            self.muted(MISSING_TEXT)
        sentence = factcheck_sentence(self.data.factcheck_rounds, self.data.factcheck_comments,
                                      self.factcheck_number)
        if sentence:
            self.doc.add_paragraph(sentence)

    def statement(self, assessment: AssessmentView) -> None:
        """A statement under Bedömning: its level named on its colour, then the text and,
        when it cites criteria, its footnote."""
        paragraph = self.doc.add_paragraph()
        if assessment.rating in LEVEL_HEX:
            fill, colour = LEVEL_HEX[assessment.rating]
            chip = paragraph.add_run(f" {RATINGS[assessment.rating]} ")
            chip.bold = True
            chip.font.color.rgb = RGBColor.from_string(colour)
            _run_shade(chip, fill)
            paragraph.add_run(" ")
        paragraph.add_run(xml_text(assessment.statement))
        note = statement_note(self.data, assessment, self.introduced)
        if note is not None:
            self.notes.append(note)
            _footnote_reference(paragraph, len(self.notes))

    def chapter(self, chapter: SectionView, below: tuple[SectionView, ...], *,
                new_page: bool) -> None:
        """A chapter: text, subsections, then its Bedömning with every statement."""
        self.heading(chapter.heading, 0, new_page=new_page)
        has_text_below = any(section.text.strip() for section in below)
        own = 0
        if chapter.text.strip():
            own = self.section_text(chapter, 0)
        elif not below or not has_text_below:
            self.muted(MISSING_TEXT)
        for section in below:
            level = subsection_level(section)
            self.heading(section.heading, level)
            if section.text.strip():
                self.section_text(section, level)
            else:
                self.muted(MISSING_TEXT)
        self.heading(assessment_heading(chapter, [chapter, *below], own), 1)
        statements = chapter_statements(chapter, below)
        if not statements:
            self.muted(NO_STATEMENTS)
        for assessment in statements:
            self.statement(assessment)

    def loose_section(self, section: SectionView, new_page: bool) -> None:
        """A written section outside any chapter."""
        self.heading(section.heading, 1, new_page=new_page)
        if not parse_section_text(section.text):
            self.muted(MISSING_TEXT)
        else:
            self.section_text(section, 1)

    def references(self, section: SectionView, new_page: bool) -> None:
        """Referenser: documents, interviews by role, the legal references."""
        data = self.data
        self.heading(section.heading, 0, new_page=new_page)
        self.heading("Dokument", 2)
        if data.documents:
            for document in data.documents:
                title, details = document_line(document)
                self.bullet(title + (f" ({details})" if details else ""))
        else:
            self.muted("Inga dokument har förtecknats.")
        if data.interviews:
            self.heading("Intervjuer", 2)
            for interview in data.interviews:
                self.bullet(interview_line(interview))
        provisions, others = legal_references(data.criteria)
        if provisions:
            self.heading("Lagar, föreskrifter och allmänna råd", 2)
            for line in provisions:
                self.bullet(line)
        if others:
            self.heading("Övriga källor", 2)
            for line in others:
                self.bullet(line)

    def comparison(self, section: SectionView, new_page: bool) -> None:
        """Jämfört med föregående granskning: the auditor's text, the table, the change in
        words (the PDF's chart is its table's figures)."""
        self.heading(section.heading, 0, new_page=new_page)
        if parse_section_text(section.text):
            self.section_text(section, 0)
        found = self.data.comparison
        if found is None:
            self.muted(NO_PREVIOUS_REVIEW)
            return
        self.doc.add_paragraph(xml_text(comparison_intro(found)))
        if found.changes:
            self.doc.add_paragraph(COMPARISON_CAPTION, style="Caption")
            table = self.table(len(COMPARISON_COLUMNS), header=COMPARISON_COLUMNS,
                               caption=COMPARISON_CAPTION)
            for change in found.changes:
                cells = table.add_row().cells
                cells[0].paragraphs[0].add_run(xml_text(change.label)).bold = True
                cells[0].paragraphs[0].add_run(" " + xml_text(change.question))
                for cell, figure in zip(cells[1:], (share_text(change.earlier),
                                                    share_text(change.later),
                                                    change_cell(change.comparison)),
                                        strict=True):
                    cell.paragraphs[0].add_run(figure)
        self.doc.add_paragraph(xml_text(INTERVAL_EXPLAINED))
        for line in change_lines(found):
            self.bullet(line)
        for line in unmatched_lines(found):
            self.doc.add_paragraph(xml_text(line))

    def bullet(self, text: str) -> None:
        """One item of a bullet list."""
        self.doc.add_paragraph(xml_text(text), style="List Bullet")

    def appendix(self) -> None:
        """Bilaga 1: the results per criterion as a table (the charts' figures included)."""
        results = self.data.results
        if results is None or not results.rows:
            return
        doc = self.doc
        self.heading(f"Bilaga 1 {APPENDIX_TITLE}", 0, new_page=True)
        doc.add_paragraph(xml_text(appendix_basis(self.data)))
        stratified = strata_intro(self.data)
        if stratified:
            doc.add_paragraph(xml_text(stratified))
        doc.add_paragraph(RESULTS_CAPTION, style="Caption")
        table = self.table(len(RESULT_COLUMNS), header=RESULT_COLUMNS, caption=RESULTS_CAPTION)
        for row in results.rows:
            for line in result_lines(row):
                cells = table.add_row().cells
                label = cells[0].paragraphs[0]
                if line.stratum:
                    run = label.add_run(xml_text(line.label))
                    run.italic = True
                    label.paragraph_format.left_indent = Pt(10)
                else:
                    label.add_run(xml_text(row.code)).bold = True
                    label.add_run(" " + xml_text(short_question(row)))
                    if row.reference:
                        reference = cells[0].add_paragraph().add_run(xml_text(row.reference))
                        reference.font.size = Pt(8)
                        reference.font.color.rgb = MUTED
                for cell, figure in zip(cells[1:], line.figures, strict=True):
                    cell.paragraphs[0].add_run(figure)
        unanswered = unanswered_line(self.data)
        if unanswered:
            doc.add_paragraph(xml_text(unanswered))
        doc.add_paragraph(CHARTS_AS_NUMBERS).runs[0].italic = True
        said = appendix_statements(results.rows, results.stratify_by)
        if said:
            doc.add_paragraph(xml_text(appendix_caption(results.rows)), style="Caption")
            doc.add_paragraph(xml_text(unbroken(appendix_intro(results.rows))))
            for statement in said:
                item = doc.add_paragraph(style="List Bullet")
                item.add_run(xml_text(statement.code)).bold = True
                item.add_run(" " + xml_text(unbroken(statement.text)))
                if statement.strata:
                    item.add_run().add_break()
                    item.add_run(xml_text(unbroken(statement.strata)))
        set_aside = set_aside_lines(self.data)
        if set_aside:
            doc.add_paragraph(SET_ASIDE_TITLE, style="Caption")
            for text in set_aside:
                self.bullet(text)

    def factcheck_appendix(self) -> None:
        """The unit's comments and the responses, when the report has that appendix."""
        number = self.factcheck_number
        comments = self.data.factcheck_comments
        if number is None or not comments:
            return
        self.heading(f"Bilaga {number} {FACTCHECK_TITLE}", 0, new_page=True)
        self.doc.add_paragraph(xml_text(factcheck_intro(self.data.factcheck_rounds)))
        for index, comment in enumerate(comments, start=1):
            self.doc.add_paragraph().add_run(f"Synpunkt {index}").bold = True
            table = self.table(2, header=("Uppgift", "Innehåll"), caption=f"Synpunkt {index}")
            for label, value in comment_facts(comment):
                cells = table.add_row().cells
                cells[0].paragraphs[0].add_run(label).bold = True
                cells[1].paragraphs[0].add_run(xml_text(value or "–"))

    # --- the whole -----------------------------------------------------------------------------

    def body(self) -> None:
        """Every section in template order, then the appendices; no sign-off page."""
        chapters = 0
        first_part = True
        parts: dict[str, Callable[[SectionView, bool], None]] = {
            SectionKind.SUMMARY: self.summary,
            SectionKind.PURPOSE: self.purpose,
            SectionKind.METHOD: self.method,
            SectionKind.TEXT: self.loose_section,
            SectionKind.REFERENCES: self.references,
            COMPARISON_KIND: self.comparison,  # kvtui's own section, never a template's
        }
        for part in outline(self.data.sections):
            if part.chapter:
                self.chapter(part.section, part.below, new_page=first_part or not chapters)
                chapters += 1
            else:
                build = parts.get(part.section.kind)
                if build is not None:
                    build(part.section, first_part or section_kind(part.section.kind).own_page)
            first_part = False
        self.appendix()
        self.factcheck_appendix()

    def build(self) -> bytes:
        """The whole document as bytes."""
        self.setup()
        self.cover()
        anchor = self.contents()
        self.body()
        self.fill_contents(anchor)
        self.footnotes_part()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def footnotes_part(self) -> None:
        """``word/footnotes.xml`` with its relationship, and the separators in settings."""
        root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}/>")
        for kind, number, mark in (("separator", -1, "w:separator"),
                                   ("continuationSeparator", 0, "w:continuationSeparator")):
            note = _sub(root, "w:footnote", {"w:type": kind, "w:id": str(number)})
            paragraph = _sub(note, "w:p")
            spacing = _sub(_sub(paragraph, "w:pPr"), "w:spacing")
            spacing.set(qn("w:after"), "0")
            spacing.set(qn("w:line"), "240")
            spacing.set(qn("w:lineRule"), "auto")
            _sub(_sub(paragraph, "w:r"), mark)
        for number, text in enumerate(self.notes, start=1):
            note = _sub(root, "w:footnote", {"w:id": str(number)})
            paragraph = _sub(note, "w:p")
            _sub(_sub(paragraph, "w:pPr"), "w:pStyle", {"w:val": FOOTNOTE_TEXT})
            mark = _sub(paragraph, "w:r")
            _sub(_sub(mark, "w:rPr"), "w:rStyle", {"w:val": FOOTNOTE_REFERENCE})
            _sub(mark, "w:footnoteRef")
            words = _sub(_sub(paragraph, "w:r"), "w:t", {"xml:space": "preserve"})
            words.text = " " + xml_text(text)
        blob = serialize_part_xml(root)
        document_part = self.doc.part
        part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, blob,
                    document_part.package)
        document_part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
        settings = self.doc.settings.element
        compat = settings.find(qn("w:compat"))
        update = parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>')
        properties = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/>'
                               '<w:footnote w:id="0"/></w:footnotePr>')
        if compat is not None:
            compat.addprevious(update)
            compat.addprevious(properties)
        else:
            settings.append(update)
            settings.append(properties)


def _sub(parent: Any, tag: str, attributes: dict[str, str] | None = None) -> Any:
    """A new child element with namespaced attributes."""
    element = OxmlElement(tag)
    for name, value in (attributes or {}).items():
        element.set(qn(name) if not name.startswith("xml:")
                    else "{http://www.w3.org/XML/1998/namespace}" + name[4:], value)
    parent.append(element)
    return element


def _shade(cell: _Cell, fill: str) -> None:
    """A cell's background colour (``w:shd``)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def _run_shade(run: Any, fill: str) -> None:
    """A run's background colour (``w:shd`` in its properties)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    run._r.get_or_add_rPr().append(shading)


def _footnote_reference(paragraph: Paragraph, number: int) -> None:
    """The superscript mark in the text that points to footnote ``number``."""
    run = paragraph.add_run()
    run.style = "footnote reference"
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), str(number))
    run._r.append(reference)


def _fld_char(paragraph: Paragraph, kind: str) -> None:
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        char.set(qn("w:dirty"), "true")
    run._r.append(char)


def _field_start(paragraph: Paragraph, instruction: str) -> None:
    """A field's begin, instruction and separator; its result follows."""
    _fld_char(paragraph, "begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = instruction
    run._r.append(instr)
    _fld_char(paragraph, "separate")


def _field_end(paragraph: Paragraph) -> None:
    _fld_char(paragraph, "end")


def _field(paragraph: Paragraph, instruction: str, result: str) -> None:
    """A whole field in one paragraph, e.g. the page number."""
    _field_start(paragraph, f" {instruction} ")
    paragraph.add_run(result)
    _field_end(paragraph)


def _paragraph_after(paragraph: Paragraph) -> Paragraph:
    """A new empty paragraph right after ``paragraph``."""
    new = OxmlElement("w:p")
    paragraph._p.addnext(new)
    return Paragraph(new, paragraph._parent)
