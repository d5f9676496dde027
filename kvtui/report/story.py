"""The report's content, in the order of the template, as ReportLab flowables.

Cover; contents; then the template's sections in their order: the summary table of rated
statements with the legend of the levels, Syfte, Metod, the chapters (4–6 in the shipped
templates) each with its subsections and, at its end, a "Bedömning" that gathers the chapter's
statements, and Referenser; last the appendix with the file review's results per criterion as
a table and as a chart (per stratum when the sample is stratified).

Legal references become footnotes, numbered through the document: a statement that cites
criteria of the file review gets a note with the references those criteria have for the
review's period (``kvtui.store.answers.review_criteria``). The appendix names each
criterion's reference under its question.

Choices recorded here:

- Only statements that are rated and chosen for the summary go into the summary table;
  chosen but unrated ones are left out (the Rapport part warns about them).
- In a draft, an empty section says so in grey italics, so the unit sees what is missing;
  a final prints the heading alone.
- A statement longer than 700 characters is cut in the summary table (with "se avsnitt …");
  it stands whole under its chapter's Bedömning. A criterion's question longer than 1,200
  characters is cut in the appendix, whose lines are never split across pages.
- Only the first chapter starts a new page; the others follow on, as in the published
  reports. The summary, Syfte and the appendix start new pages.
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

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from kvtui.domain.filereview import METHODS, REPLACED, akter_count
from kvtui.domain.judgement import (
    LEVEL_DEFINITIONS,
    RATINGS,
    AssessmentView,
    SectionView,
    swedish_sort_key,
)
from kvtui.domain.method_text import (
    join_words,
    lower_first,
    number_word,
    percent_whole,
    period_phrase,
    swedish_date,
)
from kvtui.domain.report_data import ReportData
from kvtui.domain.sampling import allocation_parts
from kvtui.domain.section_kinds import SectionKind, section_kind, written
from kvtui.domain.signoff import CommentView, FactCheckRoundView, short_hash
from kvtui.domain.statistics import format_interval, format_share
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
from kvtui.report.flowables import (
    Heading,
    NotedBlock,
    RatedStatement,
    SignatureSpace,
    TocEntry,
    TocItem,
    heading_guard,
    markup,
    note_marker,
    split_notes,
    text_flowables,
)
from kvtui.report.fonts import BOLD, REGULAR
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
from kvtui.report.tables import ResultLine
from kvtui.report.tables import groups as result_groups
from kvtui.report.tagging import table_headers

APPENDIX_TITLE = "Aktgranskningens resultat"
FACTCHECK_TITLE = "Faktagranskningens synpunkter"
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
UNSIGNED_FINAL = "Slutlig version – ej signerad"
MISSING_TEXT = "Avsnittet saknar text."
NO_STATEMENTS = "Inga bedömningar har gjorts i avsnittet."
NO_SUMMARY = "Inga bedömningar med kvalitetsnivå har valts till sammanfattningen."
MAX_QUESTION = 1200
MAX_SUMMARY = 700  # a summary cell; the whole statement stands under its chapter's Bedömning


def local_time(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """A stored moment in the laptop's time zone (or ``tz``). The store keeps UTC and SQLite
    gives it back without a zone, so a naive moment is read as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


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


def signed_day(moment: datetime, tz: tzinfo | None = None) -> str:
    """The local day a version was signed: "20 november 2026"."""
    return swedish_date(local_time(moment, tz).date())


def version_text(data: ReportData) -> str:
    """The cover's version: "1", or "2 – ersätter version 1 (signerad 20 november 2026)"."""
    replaced = data.replaces
    if data.version <= 1 or replaced is None:
        return str(data.version)
    return (f"{data.version} – ersätter version {replaced.version} "
            f"(signerad {signed_day(replaced.signed_at)})")


def factcheck_sentence(rounds: Sequence[FactCheckRoundView], comments: Sequence[CommentView],
                       appendix: int | None = None) -> str:
    """The Metod's last paragraph once a draft has gone to the unit; "" before that.

    "Verksamheten har getts möjlighet att faktagranska rapporten. Ett utkast skickades den
    10 november 2026 och verksamheten lämnade tre synpunkter, som har besvarats; de redovisas
    i bilaga 2." Counts in words up to twelve, as the rest of the Metod writes them.
    """
    if not rounds:
        return ""
    days = [f"den {swedish_date(r.sent_on)}" for r in sorted(rounds, key=lambda r: r.sent_on)]
    text = "Verksamheten har getts möjlighet att faktagranska rapporten. "
    if len(days) == 1:
        text += f"Ett utkast skickades {days[0]} och verksamheten lämnade "
    else:
        text += (f"Utkast skickades i {number_word(len(days))} omgångar, {join_words(days)}. "
                 "Verksamheten lämnade ")
    count = len(comments)
    if count == 0:
        return text + "inga synpunkter."
    open_count = sum(1 for comment in comments if not comment.response)
    text += "en synpunkt" if count == 1 else f"{number_word(count)} synpunkter"
    if open_count == 0:
        text += ", som har besvarats"
    elif open_count == count:
        text += ", som ännu inte har besvarats"
    else:
        text += f", varav {number_word(open_count)} ännu inte har besvarats"
    if appendix is not None:
        text += f"; {'den' if count == 1 else 'de'} redovisas i bilaga {appendix}"
    return text + "."


def grouped_hash(digest: str) -> str:
    """A SHA-256 as paragraph markup: groups of four, eight groups a line."""
    groups = short_hash(digest).split(" ")
    return "<br/>".join(" ".join(groups[i:i + 8]) for i in range(0, len(groups), 8))


def report_status(data: ReportData, draft: bool) -> str:
    """What the cover says about the version: draft, final, or final not yet signed."""
    if draft:
        return "Utkast för faktagranskning"
    return "Slutlig version, signerad" if data.signed else UNSIGNED_FINAL


def _number_after(chapter: SectionView, sections: list[SectionView]) -> str:
    """The number after the chapter's last direct subsection: 4.1–4.3 give "4.4"."""
    if not chapter.number:
        return ""
    last = 0
    for section in sections:
        parent, _dot, tail = section.number.rpartition(".")
        if parent == chapter.number and tail.isdigit():
            last = max(last, int(tail))
    return f"{chapter.number}.{last + 1}"


def _summary_text(statement: str, where: SectionView) -> str:
    """A statement as the summary table shows it: whole, or cut at a word when longer than a
    table row should be, with where to read the rest."""
    if len(statement) <= MAX_SUMMARY:
        return statement
    cut = statement[:MAX_SUMMARY].rsplit(" ", 1)[0].rstrip(" ,.;:")
    return f"{cut} … (se avsnitt {where.number or where.title})"


def _natural_key(text: str) -> tuple[Any, ...]:
    """Sorts "6 kap. 8 §" before "11 kap. 3 §" and "11 kap. 3 §" before "11 kap. 10 §":
    by the law's name (the last word) first, then by the numbers in order."""
    words = text.split()
    law = ""
    if words:
        law = words[-1] if words[-1].isalpha() else words[0]
    parts = tuple((0, int(token), "") if token.isdigit() else (1, 0, swedish_sort_key(token))
                  for token in re.split(r"(\d+)", text) if token.strip())
    return (swedish_sort_key(law), parts)


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
        self.width = FRAME_WIDTH
        # Appendices are numbered in the order they come; the Metod needs the fact-check's
        # number before the appendices are laid out.
        has_results = data.results is not None and bool(data.results.rows)
        self.factcheck_number: int | None = None
        if data.factcheck_appendix and data.factcheck_comments:
            self.factcheck_number = 2 if has_results else 1

    # --- helpers -----------------------------------------------------------------------------

    def heading(self, text: str, level: int, *, toc: bool = True) -> list[Flowable]:
        """A heading (level 0 chapter, 1 section, 2 below) kept off the foot of a page."""
        style = (self.styles.h1, self.styles.h2, self.styles.h3)[min(level, 2)]
        item = None
        if toc and level <= 1:
            item = TocItem(f"h{len(self.toc) + 1}", text, level)
            self.toc.append(item)
        guard = (110.0, 90.0, 70.0)[min(level, 2)]
        return [heading_guard(guard), Heading(markup(text), style, item=item)]

    def text(self, text: str) -> list[Flowable]:
        """Plain text as paragraphs and bullet lists."""
        return text_flowables(text, self.styles.body, self.styles.bullet)

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
        references: list[str] = []
        codes: list[str] = []
        cited = {e.target_id for e in assessment.evidence if e.kind == "criterion"}
        for criterion in self.data.criteria:  # in the template's order
            if criterion.id not in cited:
                continue
            codes.append(criterion.code)
            for part in split_notes(criterion.reference or ""):
                if part not in references:
                    references.append(part)
        if not references:
            return None
        self.footnotes += 1
        which = (f"kriterium {codes[0]}" if len(codes) == 1
                 else f"kriterierna {join_words(codes)}")
        results = self.data.results
        where = (f" ({which} i aktgranskningen av {akter_count(results.sample_size)}, se "
                 "bilaga 1)" if results and results.rows else f" ({which})")
        return self.footnotes, "; ".join(references) + where + "."

    # --- the parts -----------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        """The cover page, shrunk to one page whatever the lengths of its texts."""
        data, s = self.data, self.styles
        content: list[Flowable] = []
        if data.municipality:
            content.append(Paragraph(markup(data.municipality), s.cover_org))
        if data.committee:
            content.append(Paragraph(markup(data.committee), s.cover_committee))
        content.append(Spacer(1, 62 * mm))
        content.append(Paragraph("KVALITETSGRANSKNING", s.cover_kicker))
        content.append(Paragraph(markup(data.title), s.cover_title))
        if data.unit:
            content.append(Paragraph(markup(data.unit), s.cover_unit))
        content.append(Spacer(1, 8 * mm))
        content.append(HRFlowable(width="100%", thickness=1.2, color=PRIMARY,
                                  spaceBefore=0, spaceAfter=8))
        period = period_phrase(data.period_start, data.period_end)
        facts = [
            ("Enhet", data.unit),
            ("Kommun", data.municipality),
            ("Nämnd", data.committee),
            ("Diarienummer", data.diary_number),
            ("Datum", swedish_date(data.report_date)),
            ("Granskningsperiod", period),
            ("Granskare", ", ".join(data.auditors)),
            ("Version", version_text(data)),
            ("Status", report_status(data, self.draft)),
        ]
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
        rows = self.data.summary_rows()
        if rows:
            story.append(Paragraph(
                "Tabellen sammanfattar granskningens bedömningar. Kvalitetsnivån anges både "
                "med färg och med namn; nivåerna förklaras under tabellen.", s.body))
            data: list[list[Any]] = [["Kvalitetsnivå", "Bedömning", "Avsnitt"]]
            commands: list[tuple[Any, ...]] = []
            for index, (where, assessment) in enumerate(rows, start=1):
                where_text = where.number or where.title
                data.append([RATINGS[assessment.rating],
                             Paragraph(markup(_summary_text(assessment.statement, where)),
                                       s.cell),
                             where_text if len(where_text) <= 8
                             else Paragraph(markup(where_text), s.cell)])
                commands += self.level_commands(assessment.rating, index)
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
            story.append(table)
        else:
            story.append(Paragraph(NO_SUMMARY, s.body_muted))
        story.append(Spacer(1, 8 * mm))
        story.append(KeepTogether([*self.heading("Kvalitetsnivåer", 2, toc=False),
                                   self.legend()]))
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
        statements = [a for section in sections for a in section.assessments]
        number = _number_after(chapter, sections)
        title = f"Bedömning av {lower_first(chapter.title)}"
        story = self.heading(f"{number} {title}" if number else title, 1)
        if not statements:
            return [*story, Paragraph(NO_STATEMENTS, self.styles.body_muted)]
        return story + [self.statement(a) for a in statements]

    def chapter(self, chapter: SectionView, below: list[SectionView], *, new_page: bool
                ) -> list[Flowable]:
        """A chapter: its text, its subsections, then its Bedömning. The first chapter starts
        a new page; the others follow on, as in the published reports."""
        story: list[Flowable] = [PageBreak()] if new_page else [Spacer(1, 10)]
        story += self.heading(chapter.heading, 0)
        has_text_below = any(section.text.strip() for section in below)
        if chapter.text.strip():
            story += self.text(chapter.text)
        elif not below or not has_text_below:
            story += self.missing()
        for section in below:
            story += self.heading(section.heading, 1 if section.level == 2 else 2)
            story += self.text(section.text) if section.text.strip() else self.missing()
        story += self.assessment_block(chapter, [chapter, *below])
        return story

    def loose_section(self, section: SectionView) -> list[Flowable]:
        """A written section outside any chapter: its heading and text."""
        text = self.text(section.text) if section.text.strip() else self.missing()
        return [*self.heading(section.heading, 1), *text]

    def references(self, section: SectionView) -> list[Flowable]:
        """Referenser: documents read, interviews by role, and the legal references."""
        s = self.styles
        story = self.heading(section.heading, 0)
        documents = self.data.documents
        story += self.heading("Dokument", 2, toc=False)
        if documents:
            for document in documents:
                details = ", ".join(part for part in (
                    document.kind, document.dated.isoformat() if document.dated else "",
                    document.provided_by) if part)
                line = f"{markup(document.title)}" + (f" ({markup(details)})" if details else "")
                story.append(Paragraph(line, s.bullet, bulletText="•"))
        else:
            story.append(Paragraph("Inga dokument har förtecknats.", s.body_muted))
        if self.data.interviews:
            story += self.heading("Intervjuer", 2, toc=False)
            for interview in self.data.interviews:
                form = "gruppintervju" if interview.form == "group" else "enskild intervju"
                people = (f", {interview.participants} personer"
                          if interview.participants > 1 else "")
                when = interview.held_on.isoformat() if interview.held_on else "utan datum"
                roles = join_words(list(interview.roles)) or "roll ej angiven"
                story.append(Paragraph(markup(f"{when} – {roles} ({form}{people})"), s.bullet,
                                       bulletText="•"))
        laws = self.legal_references()
        if laws:
            story += self.heading("Lagar, föreskrifter och allmänna råd", 2, toc=False)
            story += [Paragraph(markup(law), s.bullet, bulletText="•") for law in laws]
        return story

    def legal_references(self) -> list[str]:
        """Every legal reference the review's criteria cite for its period, each once."""
        found: dict[str, None] = {}
        for criterion in self.data.criteria:
            for part in split_notes(criterion.reference or ""):
                found.setdefault(part, None)
        return sorted(found, key=_natural_key)

    # --- the appendix ------------------------------------------------------------------------

    def appendix(self) -> list[Flowable]:
        """Bilaga 1: results per criterion as a table and a chart, per stratum if stratified."""
        results = self.data.results
        if results is None or not results.rows:
            return []
        s = self.styles
        story: list[Flowable] = [PageBreak(), *self.heading(f"Bilaga 1 {APPENDIX_TITLE}", 0)]
        sample = self.data.sample
        method = ""
        if sample is not None:
            method = METHODS.get(sample.method, sample.method)
            if sample.stratify_by:
                method = (f"stratifierat urval efter {lower_first(sample.stratify_by)} med "
                          "proportionell fördelning")
        basis = (f"Urvalet omfattar {results.sample_size} av {results.population_size} akter "
                 f"({percent_whole(results.sample_size, results.population_size)} procent), "
                 f"{method}, slumpfrö {results.seed}." if results.population_size else "")
        if sample is not None and sample.set_aside and results.population_size:
            told = [f"{akter_count(sample.replaced)} ersattes med nästa akt i "
                    "dragningsordningen" if sample.replaced else "",
                    f"{akter_count(sample.excluded)} uteslöts utan ersättning"
                    if sample.excluded else ""]
            basis = (f"{sample.drawn} av {results.population_size} akter drogs som {method}, "
                     f"slumpfrö {results.seed}. {join_words(told)}; därmed granskades "
                     f"{akter_count(results.sample_size)} ("
                     f"{percent_whole(results.sample_size, results.population_size)} procent "
                     "av populationen), och resultaten bygger på dem. Ersatta och uteslutna "
                     "akter förtecknas sist i bilagan.")
        if sample is not None and sample.allocation:
            basis += (f" Per {lower_first(sample.stratify_by)}: "
                      f"{join_words(allocation_parts(sample.allocation, akter=True))}.")
        story.append(Paragraph(markup(basis + " Andel Ja räknas av de akter där kriteriet är "
                                      "aktuellt (Ja, Delvis och Nej); Ej aktuellt ingår inte. "
                                      "95 % KI är ett exakt konfidensintervall för andelen i "
                                      "hela populationen, för ett urval utan återläggning "
                                      "(hypergeometrisk fördelning)."), s.body))
        stratified = any(row.strata for row in results.rows)
        if stratified:
            story.append(Paragraph(markup(
                f"Under varje kriterium redovisas resultatet per "
                f"{lower_first(results.stratify_by) or 'stratum'}, med antalet akter i "
                "populationen inom parentes."), s.body))
        story.append(heading_guard(130))
        story.append(Paragraph("Tabell 1. Resultat per kriterium", s.caption))
        story += self.results_table()
        unanswered = [f"{row.code} ({row.unanswered})" for row in results.rows if row.unanswered]
        if unanswered:
            story.append(Paragraph(markup("Obesvarade akter: " + ", ".join(unanswered) + "."),
                                   s.note))
        story += self.charts()
        story += self.set_aside_list()
        return story

    def set_aside_list(self) -> list[Flowable]:
        """The akter replaced or excluded, each with its reason, in drawn order."""
        sample = self.data.sample
        if sample is None or not sample.set_aside:
            return []
        s = self.styles
        story: list[Flowable] = [heading_guard(90), Paragraph(
            "Ersatta och uteslutna akter", s.caption)]
        for akt in sample.set_aside:
            if akt.status == REPLACED:
                what = (f"Akt {akt.reference} ersattes av {akt.replaced_by}, nästa akt i "
                        "dragningsordningen")
            else:
                what = f"Akt {akt.reference} uteslöts utan ersättning"
            story.append(Paragraph(markup(f"{what}. Skäl: {akt.replaced_reason}"), s.bullet,
                                   bulletText="•"))
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
            c = row.result.counts
            question = row.question if len(row.question) <= MAX_QUESTION else (
                row.question[:MAX_QUESTION].rstrip() + " …")
            label = f"<b>{markup(row.code)}</b> {markup(question)}"
            if row.reference:
                label += (f"<br/><font size=\"7.2\" color=\"#5A6472\">"
                          f"{markup(row.reference)}</font>")
            lines = [ResultLine(Paragraph(label, s.cell), (
                str(c.n), str(c.ja), str(c.delvis), str(c.nej), str(c.ej_aktuellt),
                format_share(row.result.share), format_interval(row.result.low, row.result.high)))]
            if row.strata:
                for name, result in row.strata.strata.items():
                    sc = result.counts
                    stratum = f"{name or 'uppgift saknas'} ({result.population_size} akter)"
                    lines.append(ResultLine(
                        Paragraph(markup(stratum), s.cell_sub) if len(stratum) > 34 else stratum,
                        (str(sc.n), str(sc.ja), str(sc.delvis), str(sc.nej), str(sc.ej_aktuellt),
                         format_share(result.share), format_interval(result.low, result.high)),
                        sub=True))
            rows.append(lines)
        return result_groups(rows, widths)

    def charts(self) -> list[Flowable]:
        """Figure 1 (all akter) and, when stratified, figure 2 (one panel per stratum)."""
        results = self.data.results
        assert results is not None
        caption = self.styles.caption
        max_height = FRAME_HEIGHT - 50
        story: list[Flowable] = []
        overall = [ChartRow(row.code, Bar(row.result.share, row.result.low, row.result.high,
                                          row.result.counts.ja, row.result.counts.applicable))
                   for row in results.rows]
        per = _most_rows(lambda n: results_height(n) <= max_height)
        title = "Figur 1. Andel Ja per kriterium med 95 % konfidensintervall, samtliga akter"
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
                               result.counts.applicable)
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
        rounds = sorted(self.data.factcheck_rounds, key=lambda r: r.sent_on)
        sent = ""
        if rounds:
            days = join_words([f"den {swedish_date(r.sent_on)}" for r in rounds])
            drafts = "utkastet" if len(rounds) == 1 else "utkast"
            sent = f"Verksamheten fick {drafts} för faktagranskning {days}. "
        story.append(Paragraph(markup(
            sent + "Här redovisas varje synpunkt som verksamheten lämnade, i rapportens ordning, "
            "och hur den har hanterats: Ändrat när rapporten har ändrats efter synpunkten, Ej "
            "ändrat med granskarens motivering. Den som lämnat en synpunkt anges med sin roll."),
            s.body))
        for index, comment in enumerate(comments, start=1):
            rows: list[tuple[str, Any]] = [
                ("Avsnitt", comment.section_label),
                ("Roll", comment.role),
                ("Datum", swedish_date(comment.received_on) if comment.received_on else ""),
                ("Synpunkt", comment.text),
                ("Svar", Paragraph(f"<b>{markup(comment.response_label)}</b>", s.fact_value)),
                ("Motivering", comment.response_reason),
            ]
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
        sections = list(self.data.sections)
        story: list[Flowable] = []
        index = 0
        chapters = 0
        first_part = True
        while index < len(sections):
            section = sections[index]
            if written(section.kind) and section.level <= 1:
                below = []
                index += 1
                while (index < len(sections) and written(sections[index].kind)
                       and sections[index].level > max(section.level, 1)):
                    below.append(sections[index])
                    index += 1
                story += self.chapter(section, below, new_page=not chapters)
                chapters += 1
                first_part = False
                continue
            index += 1
            build = SECTION_PARTS.get(section.kind)
            if build is not None:
                part = build(self, section)
                own_page = section_kind(section.kind).own_page
                story += [PageBreak(), *part] if own_page and not first_part else part
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
