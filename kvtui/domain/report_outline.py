"""The report's outline and computed texts, shared by every format the report is written in.

The PDF (``kvtui.report.story``) and the Word copy (``kvtui.report.word``) lay the same
content out with different tools. Everything they compute rather than lay out lives here, so
the two cannot say different things: which sections form a chapter, the number of a chapter's
"Bedömning", the cover's facts, the summary table's rows, the footnotes with their legal
references and their numbers, the Metod's fact-check paragraph, the appendix's figures and
the lines of Referenser.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from kvtui.domain.filereview import METHODS, REPLACED, akter_count
from kvtui.domain.headline_text import (
    NOT_REVIEWED,
    coverage_sentence,
    estimate_explained,
    headline_interval,
    headline_share,
    stratum_interval,
    stratum_name,
    stratum_share,
    uncovered_summary,
)
from kvtui.domain.judgement import (
    RATINGS,
    AssessmentView,
    DocumentView,
    InterviewView,
    SectionView,
    swedish_sort_key,
)
from kvtui.domain.legal_names import (
    Law,
    introduce,
    is_provision,
    paragraph_key,
    paragraphs_of,
    reference_key,
)
from kvtui.domain.method_text import (
    join_words,
    lower_first,
    number_word,
    percent_whole,
    period_phrase,
    swedish_date,
)
from kvtui.domain.report_data import CriterionInfo, ReportData
from kvtui.domain.results import CriterionRow
from kvtui.domain.sampling import allocation_parts
from kvtui.domain.section_kinds import written
from kvtui.domain.section_text import (
    has_subsections,
    parse_section_text,
    subheading_numbers,
    subheadings,
)
from kvtui.domain.signoff import CommentView, FactCheckRoundView
from kvtui.domain.vocabulary import Rating

APPENDIX_TITLE = "Aktgranskningens resultat"
FACTCHECK_TITLE = "Faktagranskningens synpunkter"
UNSIGNED_FINAL = "Slutlig version – ej signerad"
MAX_SUMMARY = 700  # a summary cell; the whole statement stands under its chapter's Bedömning
MAX_QUESTION = 1200

#: Each level's fill and text colour as hex RGB: the PDF's level cells and the Word copy's
#: cell shading are the same colours. The fills differ in lightness as well as in hue
#: (relative luminances at least 1.5:1 apart, ``kvtui.domain.contrast``), so that a greyscale
#: print or a reader who does not tell red from green still sees three levels: red darkest,
#: green between, yellow lightest; each name keeps 4.5:1 on its fill.
LEVEL_HEX: dict[str, tuple[str, str]] = {
    Rating.GREEN: ("2E7D32", "FFFFFF"),
    Rating.YELLOW: ("F2C230", "000000"),
    Rating.RED: ("9B1B1B", "FFFFFF"),
}
LEVELS = (Rating.GREEN, Rating.YELLOW, Rating.RED)

SUMMARY_INTRO = ("Tabellen sammanfattar granskningens bedömningar. Kvalitetsnivån anges både "
                 "med färg och med namn; nivåerna förklaras under tabellen.")
SUMMARY_COLUMNS = ("Kvalitetsnivå", "Bedömning", "Avsnitt")
RESULT_COLUMNS = ("Kriterium", "n", "Ja", "Delvis", "Nej", "Ej aktuellt", "Andel Ja",
                  "95 % KI")
RESULTS_CAPTION = "Tabell 1. Resultat per kriterium"
SET_ASIDE_TITLE = "Ersatta och uteslutna akter"


# --- times and versions ---------------------------------------------------------------------


def local_time(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """A stored moment in the laptop's time zone (or ``tz``). The store keeps UTC and SQLite
    gives it back without a zone, so a naive moment is read as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


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


def report_status(data: ReportData, draft: bool) -> str:
    """What the cover says about the version: draft, final, or final not yet signed."""
    if draft:
        return "Utkast för faktagranskning"
    return "Slutlig version, signerad" if data.signed else UNSIGNED_FINAL


def installation_committee(data: ReportData) -> str:
    """The committee set for this installation (``kvtui settings``), "" when none is."""
    return data.look.committee if data.look else ""


def cover_committee(data: ReportData) -> str:
    """The sender under the municipality on the cover: the installation's committee, else
    the review's own Nämnd (which the facts below show in any case)."""
    return installation_committee(data) or data.committee


def cover_facts(data: ReportData, status: str) -> list[tuple[str, str]]:
    """The cover's table of facts, label and value, in order; ``status`` is the last row."""
    return [
        ("Enhet", data.unit),
        ("Kommun", data.municipality),
        ("Nämnd", data.committee or installation_committee(data)),
        ("Diarienummer", data.diary_number),
        ("Datum", swedish_date(data.report_date)),
        ("Granskningsperiod", period_phrase(data.period_start, data.period_end)),
        ("Granskare", ", ".join(data.auditors)),
        ("Version", version_text(data)),
        ("Status", status),
    ]


# --- the outline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One part of the report's body in order: a chapter with the written sections under it
    (``below``), or a section that stands on its own (summary, purpose, method, references,
    a loose text section)."""

    section: SectionView
    below: tuple[SectionView, ...] = ()
    chapter: bool = False


def outline(sections: Sequence[SectionView]) -> Iterator[Part]:
    """The template's sections as the report's parts: a written section at level 0 or 1 opens
    a chapter that gathers the written sections below it."""
    index = 0
    while index < len(sections):
        section = sections[index]
        index += 1
        if written(section.kind) and section.level <= 1:
            below: list[SectionView] = []
            while (index < len(sections) and written(sections[index].kind)
                   and sections[index].level > max(section.level, 1)):
                below.append(sections[index])
                index += 1
            yield Part(section, tuple(below), chapter=True)
        else:
            yield Part(section)


class HeadingNesting:
    """Heading levels that follow the real nesting: a heading is one level below the nearest
    heading before it of a higher rank (a smaller number), so no level is ever skipped
    (PDF/UA-1 and Word's navigation both need that): the legend under Sammanfattning, ranked
    as a subsection's sub-heading, is level 2 under its level-1 chapter. The PDF's tags and
    the Word copy's heading styles both take their levels here."""

    def __init__(self) -> None:
        self._open: list[tuple[int, int]] = []  # open headings: rank, level

    def level(self, rank: int) -> int:
        """The level (1 and up) of the next heading, of this rank."""
        while self._open and self._open[-1][0] >= rank:
            self._open.pop()
        level = self._open[-1][1] + 1 if self._open else 1
        self._open.append((rank, level))
        return level


def number_after(chapter: SectionView, sections: Sequence[SectionView], own: int = 0) -> str:
    """The number after the chapter's last direct subsection: 4.1–4.3 give "4.4"; after
    ``own`` numbered sub-headings of the chapter's own text when it has no subsections."""
    if not chapter.number:
        return ""
    last = own
    for section in sections:
        parent, _dot, tail = section.number.rpartition(".")
        if parent == chapter.number and tail.isdigit():
            last = max(last, int(tail))
    return f"{chapter.number}.{last + 1}"


def assessment_heading(chapter: SectionView, sections: Sequence[SectionView],
                       own: int = 0) -> str:
    """The heading of a chapter's Bedömning: "4.4 Bedömning av organisation och ledning";
    ``own`` counts the numbered sub-headings the auditor wrote in the chapter's text."""
    number = number_after(chapter, sections, own)
    title = f"Bedömning av {lower_first(chapter.title)}"
    return f"{number} {title}" if number else title


def subsection_level(section: SectionView) -> int:
    """A section's heading level under its chapter: 1 for x.y, 2 deeper (0 is a chapter)."""
    return 1 if section.level == 2 else 2


def factcheck_number(data: ReportData) -> int | None:
    """The number of the appendix with the unit's comments, when the report has one."""
    has_results = data.results is not None and bool(data.results.rows)
    if data.factcheck_appendix and data.factcheck_comments:
        return 2 if has_results else 1
    return None


# --- the summary ------------------------------------------------------------------------------


def summary_text(statement: str, where: str) -> str:
    """A statement as the summary table shows it: whole, or cut at a word when longer than a
    table row should be, with the section (``where``) to read the rest in."""
    if len(statement) <= MAX_SUMMARY:
        return statement
    cut = statement[:MAX_SUMMARY].rsplit(" ", 1)[0].rstrip(" ,.;:")
    return f"{cut} … (se avsnitt {where})"


def assessment_homes(sections: Sequence[SectionView]) -> dict[str, str]:
    """Where each section's statements are printed, by section id: the number of its
    chapter's Bedömning ("4.4"), or that Bedömning's title when the chapter has no number.
    The summary points there, since that is where the reader finds the statement."""
    homes: dict[str, str] = {}
    for part in outline(sections):
        if not part.chapter:
            continue
        chapter, group = part.section, [part.section, *part.below]
        own = 0
        if not has_subsections(chapter, sections):
            numbers = subheading_numbers(chapter.number, len(subheadings(
                parse_section_text(chapter.text))), has_subsections=False)
            own = len(numbers) if any(numbers) else 0
        heading = assessment_heading(chapter, group, own)
        number = number_after(chapter, group, own)
        homes.update((section.id, number or heading) for section in group)
    return homes


@dataclass(frozen=True)
class SummaryRow:
    """A row of the summary table: the level (key and Swedish name), the text, where it is
    printed (its chapter's Bedömning)."""

    rating: str
    level: str
    text: str
    where: str


def summary_rows(data: ReportData) -> list[SummaryRow]:
    """The summary table's rows in report order."""
    homes = assessment_homes(data.sections)
    rows = []
    for where, a in data.summary_rows():
        home = homes.get(where.id, where.number or where.title)
        rows.append(SummaryRow(a.rating, RATINGS[a.rating], summary_text(a.statement, home),
                               home))
    return rows


# --- footnotes ------------------------------------------------------------------------------


def split_notes(text: str) -> list[str]:
    """Reference texts split on "; " and stripped, each once, in order."""
    seen: dict[str, None] = {}
    for part in text.split(";"):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def statement_note(data: ReportData, assessment: AssessmentView,
                   introduced: set[str] | None = None) -> str | None:
    """The footnote of a statement: the legal references of the criteria it cites, or None.

    Both formats number the notes through the document in the order the statements stand.
    ``introduced`` holds the laws whose short name an earlier note wrote out in full
    (``kvtui.domain.legal_names.introduce``); it is updated.
    """
    references: list[str] = []
    codes: list[str] = []
    cited = {e.target_id for e in assessment.evidence if e.kind == "criterion"}
    for criterion in data.criteria:  # in the template's order
        if criterion.id not in cited:
            continue
        codes.append(criterion.code)
        for part in split_notes(criterion.reference or ""):
            if part not in references:
                references.append(part)
    if not references:
        return None
    which = f"kriterium {codes[0]}" if len(codes) == 1 else f"kriterierna {join_words(codes)}"
    results = data.results
    where = f" ({which})"
    if results and results.rows:
        reviewed = (akter_count(results.sample_size) if not results.not_reviewed else
                    f"{results.answered} granskade av {akter_count(results.sample_size)}")
        where = f" ({which} i aktgranskningen av {reviewed}, se bilaga 1)"
    if introduced is not None:
        references = [introduce(reference, introduced) for reference in references]
    return "; ".join(references) + where + "."


def chapter_statements(chapter: SectionView, below: Sequence[SectionView]
                       ) -> list[AssessmentView]:
    """All statements of a chapter and its subsections, as its Bedömning lists them."""
    return [a for section in (chapter, *below) for a in section.assessments]


# --- the Metod ------------------------------------------------------------------------------


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


def factcheck_intro(rounds: Sequence[FactCheckRoundView]) -> str:
    """The opening paragraph of the appendix with the unit's comments."""
    ordered = sorted(rounds, key=lambda r: r.sent_on)
    sent = ""
    if ordered:
        days = join_words([f"den {swedish_date(r.sent_on)}" for r in ordered])
        drafts = "utkastet" if len(ordered) == 1 else "utkast"
        sent = f"Verksamheten fick {drafts} för faktagranskning {days}. "
    return (sent + "Här redovisas varje synpunkt som verksamheten lämnade, i rapportens "
            "ordning, och hur den har hanterats: Ändrat när rapporten har ändrats efter "
            "synpunkten, Ej ändrat med granskarens motivering. Den som lämnat en synpunkt anges "
            "med sin roll.")


def comment_facts(comment: CommentView) -> list[tuple[str, str]]:
    """One comment of the unit as its table in the appendix shows it."""
    return [
        ("Avsnitt", comment.section_label),
        ("Roll", comment.role),
        ("Datum", swedish_date(comment.received_on) if comment.received_on else ""),
        ("Synpunkt", comment.text),
        ("Svar", comment.response_label),
        ("Motivering", comment.response_reason),
    ]


# --- Referenser -------------------------------------------------------------------------------


def legal_references(criteria: Sequence[CriterionInfo]) -> tuple[list[str], list[str]]:
    """What the review's criteria cite for its period, each once: the provisions (each law
    by its SFS title and short name with the paragraphs cited, in the code's order, then
    Socialstyrelsen's föreskrifter and citations of more than one law), and the sources that
    are not provisions (a recommendation is no lagrum)."""
    found = dict.fromkeys(part for criterion in criteria
                          for part in split_notes(criterion.reference or ""))
    by_law: dict[Law, list[str]] = {}
    provisions: list[str] = []
    others: list[str] = []
    for reference in found:
        cited = paragraphs_of(reference)
        if cited is not None:
            paragraphs = by_law.setdefault(cited[0], [])
            if cited[1] not in paragraphs:
                paragraphs.append(cited[1])
        elif is_provision(reference):
            provisions.append(reference)
        else:
            others.append(reference)
    laws = sorted(by_law, key=lambda law: swedish_sort_key(law.title))
    known = {law.title for law in laws}
    lines = [f"{law.title}, {law.short}: " + "; ".join(sorted(by_law[law], key=paragraph_key))
             for law in laws]
    lines += [introduce(reference, known) for reference in sorted(provisions, key=reference_key)]
    return lines, sorted(others, key=swedish_sort_key)


def document_line(document: DocumentView) -> tuple[str, str]:
    """A document as Referenser lists it: its title and the details in brackets ("" if none)."""
    details = ", ".join(part for part in (
        document.kind, document.dated.isoformat() if document.dated else "",
        document.provided_by) if part)
    return document.title, details


def interview_line(interview: InterviewView) -> str:
    """An interview as Referenser lists it: "2026-10-02 – enhetschef (enskild intervju)"."""
    form = "gruppintervju" if interview.form == "group" else "enskild intervju"
    people = f", {interview.participants} personer" if interview.participants > 1 else ""
    when = interview.held_on.isoformat() if interview.held_on else "utan datum"
    roles = join_words(list(interview.roles)) or "roll ej angiven"
    return f"{when} – {roles} ({form}{people})"


# --- the appendix -----------------------------------------------------------------------------


def appendix_basis(data: ReportData) -> str:
    """The appendix's first paragraph: what the sample is and how the figures are read."""
    results = data.results
    if results is None:
        return ""
    sample = data.sample
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
        # "granskades" only once every akt left in the sample is answered; until then the
        # sample is what it "omfattar", and the coverage sentence below says how far it got.
        reviewed = ("därmed granskades" if not results.not_reviewed
                    else "därmed omfattar urvalet")
        basis = (f"{sample.drawn} av {results.population_size} akter drogs som {method}, "
                 f"slumpfrö {results.seed}. {join_words(told)}; {reviewed} "
                 f"{akter_count(results.sample_size)} ("
                 f"{percent_whole(results.sample_size, results.population_size)} procent "
                 "av populationen), och resultaten bygger på dem. Ersatta och uteslutna "
                 "akter förtecknas sist i bilagan.")
    if sample is not None and sample.allocation:
        basis += (f" Per {lower_first(sample.stratify_by)}: "
                  f"{join_words(allocation_parts(sample.allocation, akter=True))}.")
    coverage = coverage_sentence(results)
    if coverage:
        basis += f" {coverage} Resultaten bygger på de svar som har lämnats."
    return basis + " " + estimate_explained(results)


def strata_intro(data: ReportData) -> str:
    """The sentences before a stratified results table; "" when the sample is not stratified.

    They say that the criterion's line is the weighted estimate and name the strata it does
    not cover (no akt answered there yet)."""
    results = data.results
    if results is None or not any(row.strata for row in results.rows):
        return ""
    text = (f"Kriteriets rad visar den vägda andelen för hela populationen. Under varje "
            f"kriterium redovisas resultatet per {lower_first(results.stratify_by) or 'stratum'}"
            ", med antalet akter i populationen inom parentes.")
    return " ".join([text, *uncovered_summary(results)])


def short_question(row: CriterionRow) -> str:
    """A criterion's question as the appendix prints it (cut when very long)."""
    if len(row.question) <= MAX_QUESTION:
        return row.question
    return row.question[:MAX_QUESTION].rstrip() + " …"


@dataclass(frozen=True)
class ResultFigures:
    """One line of the results table: its label and its seven figures as printed."""

    label: str
    figures: tuple[str, ...]
    stratum: bool = False


def result_lines(row: CriterionRow) -> list[ResultFigures]:
    """A criterion's line of the results table (its headline: weighted for a stratified
    sample), then one line per stratum; a stratum with no answered akt says so in its label,
    its share and interval a dash."""
    c = row.result.counts
    lines = [ResultFigures(row.code, (
        str(c.n), str(c.ja), str(c.delvis), str(c.nej), str(c.ej_aktuellt),
        headline_share(row.headline), headline_interval(row.headline)))]
    if row.strata:
        for name, result in row.strata.strata.items():
            sc = result.counts
            label = f"{stratum_name(name)} ({result.population_size} akter)"
            if sc.n == 0:  # said in the label: the share column is too narrow for the words
                lines.append(ResultFigures(f"{label[:-1]}, {NOT_REVIEWED})",
                                           ("0", "", "", "", "", "–", "–"), stratum=True))
                continue
            lines.append(ResultFigures(
                label,
                (str(sc.n), str(sc.ja), str(sc.delvis), str(sc.nej), str(sc.ej_aktuellt),
                 stratum_share(result), stratum_interval(result)),
                stratum=True))
    return lines


def unanswered_line(data: ReportData) -> str:
    """"Obesvarade akter: K3 (2)." under the results table; "" when all are answered."""
    if data.results is None:
        return ""
    unanswered = [f"{row.code} ({row.unanswered})" for row in data.results.rows
                  if row.unanswered]
    return "Obesvarade akter: " + ", ".join(unanswered) + "." if unanswered else ""


def set_aside_lines(data: ReportData) -> list[str]:
    """The akter replaced or excluded, each with its reason, in drawn order."""
    sample = data.sample
    if sample is None:
        return []
    lines: list[str] = []
    for akt in sample.set_aside:
        if akt.status == REPLACED:
            what = (f"Akt {akt.reference} ersattes av {akt.replaced_by}, nästa akt i "
                    "dragningsordningen")
        else:
            what = f"Akt {akt.reference} uteslöts utan ersättning"
        lines.append(f"{what}. Skäl: {akt.replaced_reason}")
    return lines
