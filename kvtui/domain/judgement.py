"""The auditor's judgement: interviews, documents read, section texts and rated statements.

Plain data for the Intervjuer, Dokument, Bedömningar and Översikt screens, and the rules over
it. No I/O: the store builds these views, the screens show them.

Choices made here, so the screens and the report agree:

- **Rating keys** (``RATING_KEYS``): ``g`` Grön, ``u`` Gul (the second letter, since ``g`` is
  taken), ``r`` Röd, ``0`` no rating.
- **Levels**: a section's level follows its number, as in the template: "4" is 1, "4.1" is 2,
  an unnumbered section (Referenser) is 0.
- **Dimension**: a template names the quality dimension on its chapters (4, 5, 6) and
  subsections inherit it, so a statement in 5.4 counts as process. The store's section copies
  normally carry it already; ``inherited_dimensions`` fills in any that do not.
- **What a report needs** (``missing_before_report``): only sections the auditor writes
  (kind "text", ``section_kinds``) need text and statements. A section without its own text
  is covered when any section below it has text (a chapter may consist of its subsections
  only). Statements are needed per chapter: a chapter is covered when it or any section
  below it has a statement, because the report gathers a chapter's statements under one
  "Bedömning", as the published reports do.
- **Summary**: a statement goes into the summary table only when the auditor says so
  (``in_summary``); one marked for the summary without a colour is listed as missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from kvtui.domain.filereview import unreviewed_line
from kvtui.domain.safe_text import blank
from kvtui.domain.section_kinds import written
from kvtui.domain.vocabulary import Rating

RATINGS: dict[str, str] = {Rating.GREEN: "Grön", Rating.YELLOW: "Gul", Rating.RED: "Röd",
                           Rating.NONE: "Ingen"}

# One key per rating, for the Bedömningar screen's bindings.
RATING_KEYS: dict[str, str] = {"g": Rating.GREEN, "u": Rating.YELLOW, "r": Rating.RED,
                               "0": Rating.NONE}

# The legend under the summary table, worded as in the published reports.
LEVEL_DEFINITIONS: dict[str, str] = {
    Rating.GREEN: "Grönt visar goda exempel som med fördel kan spridas till andra enheter.",
    Rating.YELLOW: "Gult innebär att verksamheten har områden som behöver utvecklas.",
    Rating.RED: "Rött innebär att verksamheten uppvisar brister som måste åtgärdas.",
}

DIMENSION_QUALITY: dict[str, str] = {
    "struktur": "strukturkvalitet",
    "process": "processkvalitet",
    "resultat": "resultatkvalitet",
}

FORMS: dict[str, str] = {"individual": "enskild", "group": "grupp"}

EVIDENCE_KINDS: dict[str, str] = {
    "criterion": "Kriterium",
    "observation": "Iakttagelse",
    "document": "Dokument",
}

# Offered when a review's template names none.
DEFAULT_ROLES: tuple[str, ...] = ("enhetschef", "gruppledare", "socialsekreterare")
DEFAULT_DOCUMENT_KINDS: tuple[str, ...] = ("styrdokument", "rutin", "enhetsplan", "statistik")


def rating_label(rating: str) -> str:
    """The Swedish name of a rating: Grön, Gul, Röd or Ingen."""
    return RATINGS.get(rating, rating)


def rating_problem(rating: str) -> str | None:
    """Why a rating cannot be saved, in Swedish, or None."""
    if rating in RATINGS:
        return None
    return f"Okänd kvalitetsnivå '{rating}'. Välj Grön, Gul, Röd eller ingen."


def section_level(number: str) -> int:
    """1 for "4", 2 for "4.1"; 0 for an unnumbered section."""
    return number.count(".") + 1 if number else 0


def is_below(number: str, ancestor: str) -> bool:
    """Whether section ``number`` lies under ``ancestor`` ("4.1.2" under "4" and "4.1")."""
    return bool(ancestor) and number.startswith(ancestor + ".")


def inherited_dimensions(sections: Iterable[tuple[str, str]]) -> list[str]:
    """Each section's quality dimension, given (number, own dimension) in report order.

    A section without one takes the nearest enclosing section's.
    """
    own: dict[str, str] = {}
    result: list[str] = []
    for number, dimension in sections:
        found = dimension
        parent = number
        while not found and "." in parent:
            parent = parent.rpartition(".")[0]
            found = own.get(parent, "")
        own[number] = found
        result.append(found)
    return result


def short_text(text: str, width: int = 60) -> str:
    """One line of at most ``width`` characters, cut at a word with an ellipsis."""
    line = " ".join(text.split())
    if len(line) <= width:
        return line
    cut = line[: width - 1]
    if line[width - 1] != " ":  # cut inside a word: drop the part of it
        cut = cut.rsplit(" ", 1)[0] or cut
    return cut.rstrip(" ,.;:") + "…"


def roles_text(roles: Sequence[str]) -> str:
    """Roles as one line: "enhetschef, gruppledare"."""
    return ", ".join(roles)


def interview_label(held_on: date | None, roles: Sequence[str]) -> str:
    """How an interview is named (by date and role, never by person): "2025-03-04 (enhetschef)"."""
    when = held_on.isoformat() if held_on else "utan datum"
    return f"{when} ({roles_text(roles)})" if roles else when


# --- What the auditor fills in ---------------------------------------------------------------


def clean_roles(roles: Iterable[str]) -> tuple[str, ...]:
    """Roles stripped, blanks dropped, each once (case-insensitively), in the order given."""
    seen: set[str] = set()
    cleaned: list[str] = []
    for role in roles:
        role = " ".join(role.split())
        if role and role.casefold() not in seen:
            seen.add(role.casefold())
            cleaned.append(role)
    return tuple(cleaned)


@dataclass(frozen=True)
class InterviewFields:
    """An interview as the auditor records it. There is no name field, by design."""

    held_on: date | None = None
    roles: tuple[str, ...] = ()
    participants: int = 1
    form: str = "individual"
    notes: str = ""

    def problems(self) -> list[str]:
        """What is wrong, in Swedish; empty when the interview can be saved."""
        found: list[str] = []
        if self.participants < 1:
            found.append("Antalet deltagare måste vara minst 1.")
        if self.form not in FORMS:
            found.append(f"Okänd intervjuform '{self.form}'. Välj enskild eller grupp.")
        return found


@dataclass(frozen=True)
class DocumentFields:
    """A document read during the review, as listed under Referenser."""

    title: str
    kind: str = ""
    dated: date | None = None
    provided_by: str = ""

    def problems(self) -> list[str]:
        """What is wrong, in Swedish; empty when the document can be saved."""
        return ["Dokumentets titel saknas."] if blank(self.title) else []


# --- What the screens show --------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationView:
    """A short quote or finding from an interview, with the report sections it supports."""

    id: str
    text: str
    section_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class InterviewView:
    """An interview with its observations."""

    id: str
    held_on: date | None
    roles: tuple[str, ...]
    participants: int
    form: str
    notes: str
    observations: tuple[ObservationView, ...] = ()

    @property
    def label(self) -> str:
        """Date and roles: "2025-03-04 (enhetschef)"."""
        return interview_label(self.held_on, self.roles)

    @property
    def form_label(self) -> str:
        """"enskild" or "grupp"."""
        return FORMS.get(self.form, self.form)


@dataclass(frozen=True)
class DocumentView:
    """A document in the register."""

    id: str
    title: str
    kind: str
    dated: date | None
    provided_by: str

    @property
    def label(self) -> str:
        """Title with kind and date, as Referenser lists it."""
        extra = ", ".join(part for part in (self.kind, self.dated and self.dated.isoformat())
                          if part)
        return f"{self.title} ({extra})" if extra else self.title


@dataclass(frozen=True)
class EvidenceView:
    """One piece of evidence behind a statement: a criterion, an observation or a document."""

    kind: str
    target_id: str
    label: str

    @property
    def kind_label(self) -> str:
        """Kriterium, Iakttagelse or Dokument."""
        return EVIDENCE_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class AssessmentView:
    """A statement of judgement with its rating and evidence.

    ``section_id`` and ``section_number`` say where it stands, for lists that mix sections
    (``citing``).
    """

    id: str
    statement: str
    rating: str
    in_summary: bool
    position: int
    evidence: tuple[EvidenceView, ...] = ()
    section_id: str = ""
    section_number: str = ""

    @property
    def rating_label(self) -> str:
        """Grön, Gul, Röd or Ingen."""
        return rating_label(self.rating)


@dataclass(frozen=True)
class SectionView:
    """A report section with its text and statements. ``dimension`` is inherited."""

    id: str
    number: str
    title: str
    dimension: str
    kind: str
    level: int
    text: str = ""
    assessments: tuple[AssessmentView, ...] = field(default_factory=tuple)

    @property
    def heading(self) -> str:
        """"4.2 Organisation och ledning", or the title alone when unnumbered."""
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def quality(self) -> str:
        """"strukturkvalitet", "processkvalitet", "resultatkvalitet" or ""."""
        return DIMENSION_QUALITY.get(self.dimension, "")


# --- Översikt ---------------------------------------------------------------------------------


def colour_counts(sections: Iterable[SectionView]) -> dict[str, dict[str, int]]:
    """Statements per rating per dimension: ``{"struktur": {"gron": 2, "gul": 0, ...}, ...}``.

    Every dimension and every rating (including "" for none) is present, zero when empty;
    statements in a section without a dimension are counted under "" only when there are any.
    """
    counts: dict[str, dict[str, int]] = {
        dimension: dict.fromkeys(RATINGS, 0) for dimension in DIMENSION_QUALITY
    }
    for section in sections:
        for assessment in section.assessments:
            per = counts.setdefault(section.dimension, dict.fromkeys(RATINGS, 0))
            per[assessment.rating] = per.get(assessment.rating, 0) + 1
    return counts


def summary_assessments(
    sections: Iterable[SectionView],
) -> list[tuple[SectionView, AssessmentView]]:
    """The statements chosen for the summary table, in report order."""
    return [(section, assessment) for section in sections
            for assessment in section.assessments if assessment.in_summary]


def _where(section: SectionView) -> str:
    return section.number or section.title


def missing_before_report(
    sections: Sequence[SectionView],
    interviews: Iterable[InterviewView],
    unanswered_criteria: int,
    unreviewed_akter: tuple[int, int] = (0, 0),
    unreferenced: Sequence[str] = (),
) -> list[str]:
    """What is missing before a report can be exported, one Swedish line each.

    Text sections without text (unless a section below has text), chapters without any
    statement, red or yellow statements without evidence, summary statements without a
    colour, interviews without observations, unanswered criteria (told as the akter of the
    sample not yet reviewed when ``unreviewed_akter``, how many of how many, is given), and the
    criteria (by code) with no legal reference for the review's period.
    """
    lines: list[str] = []
    texts = [s for s in sections if written(s.kind)]
    numbers = {s.number for s in texts}
    for section in texts:
        below = [s for s in texts if is_below(s.number, section.number)]
        if not section.text.strip() and not any(s.text.strip() for s in below):
            lines.append(f"Avsnitt {section.heading} saknar text")
    for section in texts:
        parent = section.number.rpartition(".")[0]
        if parent in numbers:
            continue  # not a chapter
        below = [s for s in texts if is_below(s.number, section.number)]
        if not section.assessments and not any(s.assessments for s in below):
            lines.append(f"Avsnitt {section.heading} saknar bedömning")
    for section in sections:
        for assessment in section.assessments:
            quoted = f"”{short_text(assessment.statement, 50)}”"
            if assessment.rating in (Rating.RED, Rating.YELLOW) and not assessment.evidence:
                lines.append(f"{rating_label(assessment.rating)} bedömning i {_where(section)}"
                             f" saknar underlag: {quoted}")
            if assessment.in_summary and not assessment.rating:
                lines.append(f"Bedömning i {_where(section)} ska stå i sammanfattningen men"
                             f" saknar kvalitetsnivå: {quoted}")
    for interview in interviews:
        if not interview.observations:
            lines.append(f"Intervjun {interview.label} saknar iakttagelser")
    missing_akter, sampled = unreviewed_akter
    if missing_akter > 0:
        lines.append(f"{unreviewed_line(missing_akter, sampled)} ({unanswered_criteria} "
                     "kriteriesvar saknas)")
    elif unanswered_criteria > 0:
        lines.append(f"{unanswered_criteria} kriteriesvar saknas")
    lines.extend(f"Kriterium {code} saknar lagrum för granskningsperioden (l i Aktgranskning)"
                 for code in unreferenced)
    return lines


def still_missing(warnings: Sequence[str], named: int = 3) -> str:
    """What is still missing, counted and named rather than "1 saker": "2 saker saknas
    fortfarande i rapporten: Avsnitt 2 saknar text; …"."""
    count = len(warnings)
    things = "1 sak saknas" if count == 1 else f"{count} saker saknas"
    listed = "; ".join(warnings[:named]) + (" …" if count > named else ".")
    return f"{things} fortfarande i rapporten: {listed}"


def swedish_sort_key(text: str) -> str:
    """A key that sorts Swedish titles as a reader expects: case-insensitive, å ä ö last."""
    return text.casefold().translate({0xE5: "\U0010fff0", 0xE4: "\U0010fff1",
                                      0xF6: "\U0010fff2"})
