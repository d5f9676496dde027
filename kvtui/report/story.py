"""The report's content, in the order of the template, as ReportLab flowables.

Cover; contents; then the template's sections in their order: the summary table of rated
statements with the legend of the levels, Syfte, Metod, the chapters (4–6 in the shipped
templates) each with its subsections and, at its end, a "Bedömning" that gathers the chapter's
statements, and Referenser; last the appendix with the file review's results per criterion as
a table and as a chart (per stratum when the sample is stratified).

Legal references become footnotes, numbered through the document: a statement that cites
criteria of the file review gets a note with the references those criteria have for the
review's period (``kvtui.store.answers.review_criteria``); the first note to use a law's short
name writes the law out in full (``kvtui.domain.legal_names``). Referenser lists each law by
its SFS title with the paragraphs cited, then Socialstyrelsen's föreskrifter, and apart from
them the sources that are not provisions. The appendix names each criterion's reference
under its question.

Choices recorded here:

- Only statements that are rated and chosen for the summary go into the summary table;
  chosen but unrated ones are left out (the Rapport part warns about them).
- In a draft, an empty section says so in grey italics, so the unit sees what is missing;
  a final prints the heading alone.
- A statement longer than 700 characters is cut in the summary table (with "se avsnitt …");
  it stands whole under its chapter's Bedömning, which is the section the summary's Avsnitt
  column and "se avsnitt" name. A criterion's question longer than 1,200 characters is cut
  in the appendix, whose lines are never split across pages.
- Only the first chapter starts a new page, and not even it when the page so far holds only
  the short tail of the part before it (a paragraph that spilled over): no page of a few
  lines and white space. The other chapters follow on, as in the published reports. The
  summary, Syfte and the appendix start new pages.
- A final export of a review that is not signed says "Slutlig version – ej signerad" on the
  cover, with the review's status as stored (pågående, faktagranskning …); a signed review's
  final says "Slutlig version, signerad". A version after a reopening says on the cover which
  version it replaces and when that one was signed.
- Once a draft has gone to the unit, the Metod ends with a paragraph on the fact-check (when
  drafts were sent, how many comments came back, whether they are answered). The story adds
  it, not the Metod text, so it is there whether the auditor kept kvtui's draft of the Metod
  or wrote her own, and it follows the comments up to the moment of export.
- The unit's comments and the responses can be printed as their own appendix, numbered after
  the file review's (the auditor chooses when exporting); the Metod then points to it.
- A signed final ends with the sign-off page "Signering": who signed and approved, when (in
  the laptop's time zone, with its offset to UTC, since the file travels), the version and
  the one it replaces, and the content hash in groups of four with how to check the file.
  Its text ends above ``kvtui.report.signature.SIGNATURE_BOX``, where the visible digital
  signature is stamped afterwards when the auditor has a certificate. Drafts and unsigned
  finals have no sign-off page: there is nothing to attest yet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    KeepTogether,
    PageBreak,
    Spacer,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from kvtui.domain.assurance import (
    appendix_caption,
    appendix_intro,
    appendix_statements,
    unbroken,
)
from kvtui.domain.judgement import (
    LEVEL_DEFINITIONS,
    RATINGS,
    AssessmentView,
    SectionView,
)
from kvtui.domain.method_text import lower_first, swedish_date
from kvtui.domain.report_data import ReportData
from kvtui.domain.report_outline import (
    APPENDIX_TITLE,
    FACTCHECK_TITLE,
    RESULTS_CAPTION,
    SET_ASIDE_TITLE,
    SUMMARY_COLUMNS,
    SUMMARY_INTRO,
    UNSIGNED_FINAL,
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
    local_time,
    outline,
    report_status,
    result_lines,
    set_aside_lines,
    short_question,
    signed_day,
    statement_note,
    strata_intro,
    subsection_level,
    summary_rows,
    unanswered_line,
)
from kvtui.domain.section_kinds import COMPARISON_KIND, SectionKind, section_kind
from kvtui.domain.section_text import Paragraph as TextParagraph
from kvtui.domain.section_text import (
    Subheading,
    has_subsections,
    numbered,
    parse_section_text,
    quotable,
)
from kvtui.domain.signoff import short_hash
from kvtui.domain.vocabulary import Rating
from kvtui.report.charts import (
    Bar,
    ChartRow,
    ResultsChart,
    StrataChart,
    chunks,
    results_height,
    strata_height,
)
from kvtui.report.comparison_section import comparison_part
from kvtui.report.flowables import (
    ChapterBreak,
    Heading,
    NotedBlock,
    RatedStatement,
    SignatureSpace,
    TocEntry,
    TocItem,
    heading_guard,
    inline_markup,
    markup,
    note_marker,
    text_flowables,
    text_run,
)
from kvtui.report.fonts import BOLD, REGULAR
from kvtui.report.logo import logo_flowable
from kvtui.report.paragraph import Paragraph
from kvtui.report.signature import SIGNATURE_BOX
from kvtui.report.styles import (
    BOTTOM_MARGIN,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    HEADER_FILL,
    LEVEL_COLOURS,
    PRIMARY,
    RULE,
    ZEBRA,
    Styles,
)
from kvtui.report.tables import ResultLine, TableWithTail
from kvtui.report.tables import groups as result_groups
from kvtui.report.tagging import TaggedTable as Table
from kvtui.report.tagging import table_headers

SIGNOFF_TITLE = "Signering"
SIGNATURE_CAPTION = ("Digital signatur: när rapporten är signerad digitalt (PAdES) visas "
                     "signaturen i rutan nedan. Den kan kontrolleras i en PDF-läsare eller med "
                     "kvtui verify.")
HASH_EXPLAINED = (
    "Kontrollsumman är ett digitalt fingeravtryck av rapportens innehåll så som det "
    "signerades och sparades i kvtui: ändras ett enda tecken blir summan en annan. Den som "
    "vill kontrollera att en fil är den signerade rapporten och att den inte har ändrats kör "
    "kommandot kvtui verify FIL på en dator med granskningens databas. Alla uppgifter är "
    "motsvarande summa över allt granskningen innehåller: varje svar och kommentar, akterna, "
    "anteckningarna och texterna. Ändringsloggen anger "
    "den sista posten i databasens ändringslogg före signeringen; en databas som har "
    "ändrats eller återställts från en äldre kopia stämmer inte längre med den.")
DRAFT_NOTICE = ("Utkast för faktagranskning. Verksamheten ombeds granska faktauppgifterna; "
                "rapporten är inte färdigställd.")
MISSING_TEXT = "Avsnittet saknar text."
NO_STATEMENTS = "Inga bedömningar har gjorts i avsnittet."
NO_SUMMARY = "Inga bedömningar med kvalitetsnivå har valts till sammanfattningen."
SHORT_TAIL = FRAME_HEIGHT / 3  # a page holding no more than this is followed on, not left


def utc_offset(moment: datetime) -> str:
    """A local moment's offset as readers know it: "UTC", "UTC+1", "UTC−5", "UTC+5.30"."""
    offset = moment.utcoffset()
    minutes = round(offset.total_seconds() / 60) if offset is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f".{rest:02d}" if rest else "")


def signed_time(moment: datetime, tz: tzinfo | None = None) -> str:
    """When a version was signed, as a Swedish report writes it, in local time with the
    offset (the PDF is read elsewhere and later): "23 november 2026 kl. 19.10 (UTC+1)"."""
    local = local_time(moment, tz)
    return f"{swedish_date(local.date())} kl. {local:%H.%M} ({utc_offset(local)})"


def grouped_hash(digest: str) -> str:
    """A SHA-256 as paragraph markup: groups of four, eight groups a line."""
    groups = short_hash(digest).split(" ")
    return "<br/>".join(" ".join(groups[i:i + 8]) for i in range(0, len(groups), 8))


def _most_rows(fits: Any, limit: int = 200) -> int:
    """The largest number of rows (at least 1) for which ``fits(rows)`` holds."""
    best = 1
    for rows in range(1, limit + 1):
        if not fits(rows):
            break
        best = rows
    return best


def _style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style whose cells default to the embedded font (Table's own default is
    Helvetica, which would not be embedded)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


class _Builder:
    """Builds the story once; counts headings and footnotes as it goes."""

    def __init__(self, data: ReportData, styles: Styles, draft: bool) -> None:
        self.data = data
        self.styles = styles
        self.draft = draft
        self.toc: list[TocItem] = []
        self.footnotes = 0
        self.introduced: set[str] = set()  # laws whose short name a note has written out
        self.quotes = quotable(data.interviews)
        self.numbered_subheadings: dict[str, int] = {}  # section id → its numbered sub-headings
        self.width = FRAME_WIDTH
        # Appendices are numbered in the order they come; the Metod needs the fact-check's
        # number before the appendices are laid out.
        self.factcheck_number = factcheck_number(data)

    # --- helpers -----------------------------------------------------------------------------

    def heading(self, text: str, level: int, *, toc: bool = True) -> list[Flowable]:
        """A heading (level 0 chapter, 1 section, 2 below) kept off the foot of a page."""
        style = (self.styles.h1, self.styles.h2, self.styles.h3)[min(level, 2)]
        item = None
        if toc and level <= 1:
            item = TocItem(f"h{len(self.toc) + 1}", text, level)
            self.toc.append(item)
        guard = (110.0, 90.0, 70.0)[min(level, 2)]
        return [heading_guard(guard), Heading(markup(text), style, item=item, level=level)]

    def text(self, text: str) -> list[Flowable]:
        """Plain text as paragraphs and bullet lists."""
        return text_flowables(text, self.styles.body, self.styles.bullet)

    def section_text(self, section: SectionView, level: int) -> list[Flowable]:
        """The auditor's text of a written section (``kvtui.domain.section_text``): her
        sub-headings one level below the section's heading ``level``, numbered under the
        section's number; paragraphs and lists with her footnotes numbered together with the
        legal references' notes; quoted observations by role and date."""
        s = self.styles
        blocks, count = numbered(parse_section_text(section.text), section.number,
                                 has_subsections=has_subsections(section, self.data.sections))
        if count:
            self.numbered_subheadings[section.id] = count
        story: list[Flowable] = []
        for block in blocks:
            if isinstance(block, Subheading):
                story += self.heading(block.text, level + 1)
                continue
            lines = [block.parts] if isinstance(block, TextParagraph) else list(block.items)
            for parts in lines:
                text, notes = inline_markup(parts, self.footnotes + 1, self.quotes)
                self.footnotes += len(notes)
                paragraph = (Paragraph(text, s.body) if isinstance(block, TextParagraph)
                             else Paragraph(text, s.bullet, bulletText="•"))
                story.append(NotedBlock(paragraph, notes, s.footnote) if notes else paragraph)
        return story

    def missing(self, what: str = MISSING_TEXT) -> list[Flowable]:
        """A grey note in drafts where content is missing; nothing in a final."""
        return [Paragraph(markup(what), self.styles.body_muted)] if self.draft else []

    @staticmethod
    def level_commands(rating: str, row: int) -> list[tuple[Any, ...]]:
        """Table style for a level cell in column 0: its name, bold and centred, on its
        colour (the name too, so that colour is never the only carrier)."""
        fill, colour = LEVEL_COLOURS[rating]
        return [("BACKGROUND", (0, row), (0, row), fill),
                ("TEXTCOLOR", (0, row), (0, row), colour),
                ("FONTNAME", (0, row), (0, row), BOLD),
                ("ALIGN", (0, row), (0, row), "CENTER")]

    def note_for(self, assessment: AssessmentView) -> tuple[int, str] | None:
        """The footnote with the legal references of the criteria a statement cites."""
        text = statement_note(self.data, assessment, self.introduced)
        if text is None:
            return None
        self.footnotes += 1
        return self.footnotes, text

    # --- the parts -----------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        """The cover page, shrunk to one page whatever the lengths of its texts."""
        data, s = self.data, self.styles
        content: list[Flowable] = []
        # The installation's look (kvtui.look): its logo first, its committee as the sender;
        # the review's own Nämnd stays in the facts below.
        committee = cover_committee(data)
        logo = logo_flowable(data.look)
        gap = 62 * mm
        if logo is not None:
            content += [logo, Spacer(1, 6 * mm)]
            gap -= logo.wrap(self.width, FRAME_HEIGHT)[1] + 6 * mm
        if data.municipality:
            content.append(Paragraph(markup(data.municipality), s.cover_org))
        if committee:
            content.append(Paragraph(markup(committee), s.cover_committee))
        content.append(Spacer(1, gap))
        content.append(Paragraph("KVALITETSGRANSKNING", s.cover_kicker))
        content.append(Paragraph(markup(data.title), s.cover_title))
        if data.unit:
            content.append(Paragraph(markup(data.unit), s.cover_unit))
        content.append(Spacer(1, 8 * mm))
        content.append(HRFlowable(width="100%", thickness=1.2, color=PRIMARY,
                                  spaceBefore=0, spaceAfter=8))
        facts = cover_facts(data, report_status(data, self.draft))
        rows = [[Paragraph(label, s.cover_label), Paragraph(markup(value or "–"), s.cover_value)]
                for label, value in facts]
        table = table_headers(Table(rows, colWidths=[38 * mm, self.width - 38 * mm],
                                    hAlign="LEFT"), columns=1)
        table.setStyle(_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]))
        content.append(table)
        if self.draft or not data.signed:
            notice = DRAFT_NOTICE if self.draft else (
                f"{UNSIGNED_FINAL}. Granskningens status vid exporten: "
                f"{data.status_label.lower()}.")
            content.append(Spacer(1, 9 * mm))
            content.append(Paragraph(markup(notice), s.cover_notice))
        return [KeepInFrame(self.width, FRAME_HEIGHT, content, mode="shrink"), PageBreak()]

    def contents(self) -> list[Flowable]:
        """The table of contents (chapters and their sections)."""
        entries: list[Flowable] = [Paragraph("Innehåll", self.styles.toc_title)]
        for item in self.toc:
            style = self.styles.toc1 if item.level == 0 else self.styles.toc2
            entries.append(TocEntry(item, style))
        return [*entries, PageBreak()]

    def summary(self, section: SectionView) -> list[Flowable]:
        """Sammanfattning: the rated statements with coloured, named level cells; the legend."""
        s = self.styles
        story = self.heading(section.heading, 0)
        rows = summary_rows(self.data)
        if rows:
            story.append(Paragraph(SUMMARY_INTRO, s.body))
            data: list[list[Any]] = [list(SUMMARY_COLUMNS)]
            commands: list[tuple[Any, ...]] = []
            for index, row in enumerate(rows, start=1):
                data.append([row.level, Paragraph(markup(row.text), s.cell),
                             row.where if len(row.where) <= 8
                             else Paragraph(markup(row.where), s.cell)])
                commands += self.level_commands(row.rating, index)
            table = Table(data, colWidths=[28 * mm, self.width - 28 * mm - 20 * mm, 20 * mm],
                          repeatRows=1, hAlign="LEFT")
            table.setStyle(_style([
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTSIZE", (0, 0), (-1, -1), 8.8),
                ("LEADING", (0, 0), (-1, -1), 11.4),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("VALIGN", (1, 1), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.6, colors.white),
                ("LINEBELOW", (1, 1), (-1, -1), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (1, 0), (-1, -1), 7),
                *commands,
            ]))
        # The legend goes with the table (or the note that it is empty): never a page alone.
        legend: list[Flowable] = [Spacer(1, 8 * mm),
                                  Heading("Kvalitetsnivåer", s.h3), self.legend()]
        if rows:
            story.append(TableWithTail(table, legend))
        else:
            story.append(KeepTogether([Paragraph(NO_SUMMARY, s.body_muted), *legend]))
        return story

    def legend(self) -> Table:
        """The three levels with their definitions."""
        s = self.styles
        levels = (Rating.GREEN, Rating.YELLOW, Rating.RED)
        data = [[RATINGS[rating], Paragraph(markup(LEVEL_DEFINITIONS[rating]), s.cell)]
                for rating in levels]
        table = table_headers(Table(data, colWidths=[28 * mm, self.width - 28 * mm],
                                    hAlign="LEFT"), columns=1)
        table.setStyle(_style([
            ("FONTSIZE", (0, 0), (-1, -1), 8.8),
            *[command for index, rating in enumerate(levels)
              for command in self.level_commands(rating, index)],
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("LEFTPADDING", (1, 0), (1, -1), 8),
            ("LINEBELOW", (0, 0), (0, -1), 2, colors.white),
        ]))
        return table

    def purpose(self, section: SectionView) -> list[Flowable]:
        """Syfte: the review's purpose, then its scope and exclusions."""
        story = self.heading(section.heading, 0)
        body = self.text(self.data.purpose) + self.text(self.data.scope)
        return story + (body or self.missing())

    def method(self, section: SectionView) -> list[Flowable]:
        """Metod: the auditor's text, or the one drafted from the data; then, once a draft has
        gone to the unit, what came of the fact-check (added here, so that the auditor's own
        Metod gets it too)."""
        story = self.heading(section.heading, 0) + (self.text(self.data.method_text)
                                                    or self.missing())
        sentence = factcheck_sentence(self.data.factcheck_rounds, self.data.factcheck_comments,
                                      self.factcheck_number)
        if sentence:
            story.append(Paragraph(markup(sentence), self.styles.body))
        return story

    def statement(self, assessment: AssessmentView) -> Flowable:
        """A statement under Bedömning: its level (if rated) beside it, a footnote if cited."""
        s = self.styles
        note = self.note_for(assessment)
        text = markup(assessment.statement)
        if note is not None:
            text += note_marker(note[0])
        chip = None
        if assessment.rating in LEVEL_COLOURS:
            fill, colour = LEVEL_COLOURS[assessment.rating]
            chip = (RATINGS[assessment.rating], fill, colour)
        paragraph = RatedStatement(text, s.statement, chip=chip, chip_width=16 * mm)
        if note is None:
            return paragraph
        return NotedBlock(paragraph, [note], s.footnote)

    def assessment_block(self, chapter: SectionView, sections: list[SectionView]
                         ) -> list[Flowable]:
        """The chapter's "Bedömning": all statements of the chapter and its subsections."""
        statements = chapter_statements(chapter, sections[1:])
        own = self.numbered_subheadings.get(chapter.id, 0)
        story = self.heading(assessment_heading(chapter, sections, own), 1)
        if not statements:
            return [*story, Paragraph(NO_STATEMENTS, self.styles.body_muted)]
        # No statement alone at the top of a page: the first stays with the heading, the
        # last with the one before it.
        printed = [self.statement(a) for a in statements]
        if len(printed) <= 2:
            return [story[0], KeepTogether([*story[1:], *printed])]
        return [story[0], KeepTogether([*story[1:], printed[0]]), *printed[1:-2],
                KeepTogether(printed[-2:])]

    def chapter(self, chapter: SectionView, below: list[SectionView], *, new_page: bool
                ) -> list[Flowable]:
        """A chapter: its text, its subsections, then its Bedömning. The first chapter starts
        a new page unless the page holds only a short tail; the others follow on, as in the
        published reports."""
        story: list[Flowable] = ([ChapterBreak(FRAME_HEIGHT, SHORT_TAIL, 10)] if new_page
                                 else [Spacer(1, 10)])
        story += self.heading(chapter.heading, 0)
        has_text_below = any(section.text.strip() for section in below)
        if chapter.text.strip():
            story += self.section_text(chapter, 0)
        elif not below or not has_text_below:
            story += self.missing()
        for section in below:
            level = subsection_level(section)
            story += self.heading(section.heading, level)
            story += (self.section_text(section, level) if section.text.strip()
                      else self.missing())
        story += self.assessment_block(chapter, [chapter, *below])
        return story

    def loose_section(self, section: SectionView) -> list[Flowable]:
        """A written section outside any chapter: its heading and text."""
        text = self.section_text(section, 1) if section.text.strip() else self.missing()
        return [*self.heading(section.heading, 1), *text]

    def references(self, section: SectionView) -> list[Flowable]:
        """Referenser: documents read, interviews by role, and the legal references."""
        s = self.styles
        story = self.heading(section.heading, 0)
        documents = self.data.documents
        story += self.heading("Dokument", 2, toc=False)
        if documents:
            for document in documents:
                title, details = document_line(document)
                line = f"{markup(title)}" + (f" ({markup(details)})" if details else "")
                story.append(Paragraph(line, s.bullet, bulletText="•"))
        else:
            story.append(Paragraph("Inga dokument har förtecknats.", s.body_muted))
        if self.data.interviews:
            story += self.heading("Intervjuer", 2, toc=False)
            for interview in self.data.interviews:
                story.append(Paragraph(markup(interview_line(interview)), s.bullet,
                                       bulletText="•"))
        provisions, others = legal_references(self.data.criteria)
        if provisions:
            story += self.heading("Lagar, föreskrifter och allmänna råd", 2, toc=False)
            story += [Paragraph(markup(line), s.bullet, bulletText="•") for line in provisions]
        if others:
            story += self.heading("Övriga källor", 2, toc=False)
            story += [Paragraph(markup(line), s.bullet, bulletText="•") for line in others]
        return story

    # --- the appendix ------------------------------------------------------------------------

    def appendix(self) -> list[Flowable]:
        """Bilaga 1: results per criterion as a table and a chart, per stratum if stratified."""
        results = self.data.results
        if results is None or not results.rows:
            return []
        s = self.styles
        story: list[Flowable] = [PageBreak(), *self.heading(f"Bilaga 1 {APPENDIX_TITLE}", 0)]
        story.append(Paragraph(markup(appendix_basis(self.data)), s.body))
        stratified = strata_intro(self.data)
        if stratified:
            story.append(Paragraph(markup(stratified), s.body))
        story.append(heading_guard(130))
        story.append(Paragraph(RESULTS_CAPTION, s.caption))
        story += self.results_table()
        unanswered = unanswered_line(self.data)
        if unanswered:
            story.append(Paragraph(markup(unanswered), s.note))
        story += self.charts()
        story += self.assurance_list()
        story += self.set_aside_list()
        return story

    def assurance_list(self) -> list[Flowable]:
        """Each criterion's assurance statement, with its strata's bounds, as a list."""
        results = self.data.results
        assert results is not None
        said = appendix_statements(results.rows, results.stratify_by)
        if not said:
            return []
        s = self.styles
        story: list[Flowable] = [heading_guard(110),
                                 Paragraph(markup(appendix_caption(results.rows)), s.caption),
                                 Paragraph(markup(unbroken(appendix_intro(results.rows))),
                                           s.body)]
        for line in said:
            runs = [text_run(line.code, bold=True), text_run(" " + unbroken(line.text))]
            if line.strata:
                runs.append(text_run("\n" + unbroken(line.strata)))
            # Whole: a bullet split over two pages would continue as a paragraph of its own
            # and break the list in the structure tree.
            story.append(KeepTogether([Paragraph.of_runs(runs, s.bullet, bulletText="•")]))
        return story

    def set_aside_list(self) -> list[Flowable]:
        """The akter replaced or excluded, each with its reason, in drawn order."""
        sample = self.data.sample
        if sample is None or not sample.set_aside:
            return []
        s = self.styles
        story: list[Flowable] = [heading_guard(90), Paragraph(SET_ASIDE_TITLE, s.caption)]
        story += [Paragraph(markup(line), s.bullet, bulletText="•")
                  for line in set_aside_lines(self.data)]
        return story

    def results_table(self) -> list[Flowable]:
        """n, Ja, Delvis, Nej, Ej aktuellt, share and interval; strata as lines under each
        criterion; one flowable per criterion (``kvtui.report.tables``)."""
        results = self.data.results
        assert results is not None
        s = self.styles
        numbers = [30, 30, 38, 30, 36, 46, 64]
        widths = [self.width - sum(numbers), *numbers]
        rows: list[list[ResultLine]] = []
        for row in results.rows:
            label = [text_run(row.code, bold=True), text_run(" " + short_question(row))]
            if row.reference:
                label += [text_run("\n"), text_run(row.reference, size=7.2, color="#5A6472")]
            first, *strata = result_lines(row)
            lines = [ResultLine(Paragraph.of_runs(label, s.cell), first.figures)]
            lines += [ResultLine(Paragraph(markup(line.label), s.cell_sub)
                                 if len(line.label) > 34 else line.label,
                                 line.figures, sub=True) for line in strata]
            rows.append(lines)
        return result_groups(rows, widths)

    def charts(self) -> list[Flowable]:
        """Figure 1 (all akter) and, when stratified, figure 2 (one panel per stratum)."""
        results = self.data.results
        assert results is not None
        caption = self.styles.caption
        max_height = FRAME_HEIGHT - 50
        story: list[Flowable] = []
        overall = [ChartRow(row.code, Bar(row.headline.share, row.headline.low,
                                          row.headline.high, row.headline.ja,
                                          row.headline.applicable, row.headline.weighted))
                   for row in results.rows]
        per = _most_rows(lambda n: results_height(n) <= max_height)
        title = "Figur 1. Andel Ja per kriterium med 95 % konfidensintervall, samtliga akter"
        if any(row.headline.weighted for row in results.rows):
            title += f", vägd efter {lower_first(results.stratify_by) or 'stratum'}"
        for number, part in enumerate(chunks(len(overall), per)):
            drawing: Flowable = ResultsChart([overall[i] for i in part], self.width)
            story.append(heading_guard(drawing.height + 30))
            story.append(KeepTogether([
                Paragraph(markup(title + (" (forts.)" if number else "")), caption), drawing]))
        names: list[str] = []
        sizes: dict[str, int] = {}
        for row in results.rows:
            if row.strata:
                names = list(row.strata.strata)
                sizes = {name: r.population_size for name, r in row.strata.strata.items()}
                break
        if not names:
            return story
        by = lower_first(results.stratify_by) or "stratum"
        title = f"Figur 2. Andel Ja per kriterium och {by} med 95 % konfidensintervall"
        per = _most_rows(lambda n: strata_height(n, len(names)) <= max_height)
        for number, part in enumerate(chunks(len(results.rows), per)):
            panels = []
            for name in names:
                rows = []
                for i in part:
                    row = results.rows[i]
                    result = row.strata.strata.get(name) if row.strata else None
                    bar = (Bar(result.share, result.low, result.high, result.counts.ja,
                               result.counts.applicable, not_reviewed=result.counts.n == 0)
                           if result is not None
                           else Bar(None, None, None))
                    rows.append(ChartRow(row.code, bar))
                panels.append((f"{name or 'uppgift saknas'} ({sizes.get(name, 0)} akter)", rows))
            drawing = StrataChart(panels, self.width)
            story.append(heading_guard(drawing.height + 30))
            story.append(KeepTogether([
                Paragraph(markup(title + (" (forts.)" if number else "")), caption), drawing]))
        return story

    # --- the end matter: fact-check comments and sign-off --------------------------------------

    def fact_table(self, rows: list[tuple[str, Any]], *, title: str = "",
                   label_width: float = 42 * mm) -> Table:
        """A calm two-column table of labels and values, as municipal reports end: a rule
        above, hairlines between the rows; ``title`` as a shaded first row when given.
        A value is plain text or ready markup in a flowable."""
        s = self.styles
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LINEABOVE", (0, 0), (-1, 0), 1.0, PRIMARY),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ]
        if title:
            data.append([Paragraph(markup(title), s.h3), ""])
            commands += [("SPAN", (0, 0), (1, 0)), ("BACKGROUND", (0, 0), (-1, 0), ZEBRA),
                         ("TOPPADDING", (0, 0), (-1, 0), 3),
                         ("BOTTOMPADDING", (0, 0), (-1, 0), 1)]
        for label, value in rows:
            cell = value if isinstance(value, Flowable) else Paragraph(
                markup(value or "–"), s.fact_value)
            data.append([Paragraph(markup(label), s.fact_label), cell])
        # A value longer than a page (a comment may have 10,000 characters) splits inside its
        # row. No repeated title row: ReportLab may lay out both parts of a split table on the
        # next page, and a repeated title would then stand in the middle of the table.
        table = table_headers(Table(data, colWidths=[label_width, self.width - label_width],
                                    hAlign="LEFT", splitInRow=1),
                              rows=1 if title else 0, columns=1)
        table.setStyle(_style(commands))
        return table

    def factcheck_appendix(self) -> list[Flowable]:
        """The unit's comments on the draft and the responses, one table per comment, in
        report order (the auditor chooses to print it; numbered after the file review's)."""
        number = self.factcheck_number
        comments = self.data.factcheck_comments
        if number is None or not comments:
            return []
        s = self.styles
        story: list[Flowable] = [PageBreak(),
                                 *self.heading(f"Bilaga {number} {FACTCHECK_TITLE}", 0)]
        story.append(Paragraph(markup(factcheck_intro(self.data.factcheck_rounds)), s.body))
        for index, comment in enumerate(comments, start=1):
            rows: list[tuple[str, Any]] = [
                (label, Paragraph(f"<b>{markup(value)}</b>", s.fact_value)
                 if label == "Svar" else value) for label, value in comment_facts(comment)]
            story.append(heading_guard(140))
            story.append(self.fact_table(rows, title=f"Synpunkt {index}", label_width=30 * mm))
            story.append(Spacer(1, 9))
        return story

    def signoff_page(self) -> list[Flowable]:
        """Signering: the last page of a signed final. Everything ends above the box where a
        visible digital signature is stamped afterwards (``SIGNATURE_BOX``)."""
        data, s = self.data, self.styles
        signed = data.sign_off
        if self.draft or not data.signed or signed is None:
            return []
        rows: list[tuple[str, Any]] = [
            ("Rapport", Paragraph(markup(data.title) + (
                f"<br/>Diarienummer {markup(data.diary_number)}" if data.diary_number else ""),
                s.fact_value)),
            ("Version", str(signed.version)),
        ]
        if data.replaces is not None:
            rows.append(("Tidigare version",
                         f"Ersätter version {data.replaces.version}, signerad "
                         f"{signed_day(data.replaces.signed_at)}."))
            if data.reopen_reason:
                rows.append(("Skäl till ny version", data.reopen_reason))
        rows.append(("Signerad av", self.person(signed.name, signed.role)))
        if signed.approver_name:
            rows.append(("Godkänd av", self.person(signed.approver_name, signed.approver_role)))
        rows.append(("Tidpunkt", signed_time(signed.signed_at)))
        rows.append(("Kontrollsumma (SHA-256)",
                     Paragraph(grouped_hash(signed.content_sha256), s.digest)))
        if signed.records_sha256:
            rows.append(("Alla uppgifter (SHA-256)",
                         Paragraph(grouped_hash(signed.records_sha256), s.digest)))
        if signed.log_hash:
            rows.append(("Ändringsloggen", Paragraph(
                f"Post {signed.log_seq}, {grouped_hash(signed.log_hash)}", s.digest)))
        content: list[Flowable] = [
            Paragraph(markup(
                f"Rapporten är färdigställd och signerad i version {signed.version}. "
                "Uppgifterna nedan visar vem som har fastställt den, när, och hur filen kan "
                "kontrolleras."), s.body),
            Spacer(1, 4),
            self.fact_table(rows, label_width=48 * mm),
            Spacer(1, 8),
            Paragraph(markup(HASH_EXPLAINED), s.small),
        ]
        caption = Paragraph(markup(SIGNATURE_CAPTION), s.small)
        box_top = float(SIGNATURE_BOX[3])
        caption_room = caption.wrap(self.width, FRAME_HEIGHT)[1] + 6 + 12
        heading_room = s.h1.leading + s.h1.spaceBefore + s.h1.spaceAfter + 6
        room = FRAME_HEIGHT - (box_top - BOTTOM_MARGIN) - caption_room - heading_room
        return [PageBreak(), *self.heading(SIGNOFF_TITLE, 0),
                KeepInFrame(self.width, room, content, mode="shrink"),
                SignatureSpace(caption, box_top)]

    def person(self, name: str, role: str) -> Paragraph:
        """A name with the role under it, muted."""
        text = markup(name)
        if role:
            text += f"<br/><font color=\"#5A6472\">{markup(role)}</font>"
        return Paragraph(text, self.styles.fact_value)

    # --- the whole ---------------------------------------------------------------------------

    def body(self) -> list[Flowable]:
        """Every section in template order, then the appendix."""
        story: list[Flowable] = []
        chapters = 0
        first_part = True
        for part in outline(self.data.sections):
            section = part.section
            if part.chapter:
                story += self.chapter(section, list(part.below), new_page=not chapters)
                chapters += 1
                first_part = False
                continue
            build = SECTION_PARTS.get(section.kind)
            if section.kind == COMPARISON_KIND:  # kvtui's own section, never a template's
                build = comparison_part
            if build is not None:
                built = build(self, section)
                own_page = section_kind(section.kind).own_page
                story += [PageBreak(), *built] if own_page and not first_part else built
            first_part = False
        story += self.appendix()
        story += self.factcheck_appendix()
        story += self.signoff_page()
        return story


# How each kind of section is printed when it stands on its own (written sections are
# gathered into chapters first). ``tests/report/test_section_parts.py`` checks that every kind
# has its part.
SECTION_PARTS: dict[str, Callable[[_Builder, SectionView], list[Flowable]]] = {
    SectionKind.SUMMARY: _Builder.summary,
    SectionKind.PURPOSE: _Builder.purpose,
    SectionKind.METHOD: _Builder.method,
    SectionKind.TEXT: _Builder.loose_section,
    SectionKind.REFERENCES: _Builder.references,
}


def build_story(data: ReportData, styles: Styles, *, draft: bool) -> list[Flowable]:
    """Cover, contents and body of the report, ready for the document template."""
    builder = _Builder(data, styles, draft)
    body = builder.body()
    if body and isinstance(body[0], PageBreak):
        body = body[1:]  # the contents already end with a page break
    return [*builder.cover(), *builder.contents(), *body]
