"""The report's Metod section, drafted in plain Swedish from what the review holds.

The auditor may rewrite the draft; the store keeps her text (``Review.method_text``) and an
empty text means "use the draft", so the draft follows the data until she edits it. The draft
states what a reader of a published review report expects to find: who was interviewed (by
role, never by name) and how many, which documents were read, how many akter were reviewed
out of how many, how they were drawn (method, strata, seed), which estimate and interval
were used (weighted by stratum with Korn–Graubard's interval for a stratified sample, the plain
share with the exact hypergeometric interval otherwise), what the sample supports (a sentence
given as ``MethodFacts.assurance``), the legal basis, and the fact-check step before the
report is final. How much was reviewed counts the akter answered for every criterion, not the
akter drawn, and a sample not fully answered is said to be so.

The text is plain: paragraphs separated by a blank line, and list items on lines that start
with "• ". The report renders it as it is, so what the auditor edits is what gets printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kvtui.domain.filereview import METHODS, akter_count
from kvtui.domain.judgement import DIMENSION_QUALITY
from kvtui.domain.statistics import format_number

BULLET = "• "

_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva",
          "tolv")

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")

# Plural forms of the document kinds templates ship; other kinds are written as given.
_KIND_PLURALS = {
    "styrdokument": "styrdokument",
    "rutin": "rutiner",
    "enhetsplan": "enhetsplaner",
    "verksamhetsplan": "verksamhetsplaner",
    "delegationsordning": "delegationsordningar",
    "statistik": "statistik",
    "kvalitetsberättelse": "kvalitetsberättelser",
    "riktlinje": "riktlinjer",
    "avtal": "avtal",
    "protokoll": "protokoll",
    "uppföljning": "uppföljningar",
}

# What each quality dimension is judged against, as the published reports put it.
_DIMENSION_BASIS = {
    "struktur": "bedöms utifrån gällande lagstiftning, Socialstyrelsens föreskrifter, "
                "kommunens riktlinjer och gällande avtal",
    "process": "processer, rutiner och arbetssätt bedöms i förhållande till uppdraget",
    "resultat": "bedöms utifrån Socialstyrelsens föreskrift om ledningssystem för "
                "systematiskt kvalitetsarbete",
}


@dataclass(frozen=True)
class InterviewFact:
    """One interview as the Metod counts it: roles, number of people and form."""

    roles: tuple[str, ...]
    participants: int = 1
    form: str = "individual"


@dataclass(frozen=True)
class MethodFacts:
    """Everything the drafted Metod rests on.

    ``population_size`` is None when no sample has been drawn. ``dimensions`` lists the
    report's chapters that carry a quality dimension, as (title, dimension code), in order.
    ``sample_size`` is the number of akter reviewed; ``drawn`` the number drawn (0: the
    same); ``excluded`` holds (reference, reason) of akter excluded without a replacement,
    ``replacements`` (reference, replaced by, reason) of akter replaced. ``reviewed`` counts
    the akter of the sample answered for every criterion (None: all of them).
    ``assurance`` is one sentence on what the sample supports, printed after the paragraph on
    the estimate ("" leaves it out).
    """

    interviews: tuple[InterviewFact, ...] = ()
    document_count: int = 0
    document_kinds: tuple[str, ...] = ()
    auditor_count: int = 1
    population_size: int | None = None
    sample_size: int = 0
    sample_method: str = ""
    stratify_by: str = ""
    seed: str = ""
    replaced: int = 0
    excluded: tuple[tuple[str, str], ...] = ()
    replacements: tuple[tuple[str, str, str], ...] = ()
    drawn: int = 0
    criteria_count: int = 0
    period_start: date | None = None
    period_end: date | None = None
    law: str = ""
    #: The laws the criteria cite for the review's period, by full name (``cited_laws``);
    #: when empty, the template's ``law`` is named instead.
    laws: tuple[str, ...] = ()
    committee: str = ""
    dimensions: tuple[tuple[str, str], ...] = ()
    reviewed: int | None = None
    assurance: str = ""

    @property
    def answered(self) -> int:
        """The akter of the sample answered for every criterion."""
        return self.sample_size if self.reviewed is None else min(self.reviewed,
                                                                  self.sample_size)


def number_word(number: int, *, neuter: bool = False) -> str:
    """A count as Swedish prose writes it: words up to twelve ("en"/"ett"), digits above."""
    if number == 1 and neuter:
        return "ett"
    if 0 <= number < len(_WORDS):
        return _WORDS[number]
    return str(number)


def join_words(items: Sequence[str]) -> str:
    """"a", "a och b", "a, b och c"."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


def swedish_date(day: date) -> str:
    """"1 januari 2025"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


NO_BREAK = "\u00a0"
_DATE_IN_TEXT = re.compile(
    rf"\b\d{{1,2}}\s+(?:{'|'.join(MONTHS)})\b(?:\s+\d{{4}}\b)?(?:\s+kl\.\s+\d{{1,2}}[.:]\d{{2}}\b)?")


def unbroken_dates(text: str) -> str:
    """The text with the spaces inside each written-out date made non-breaking, so that
    "6 december 2026" (and "kl. 19.10" after it) never ends one line and starts the next.
    A printed text only: what is stored and compared keeps its plain spaces."""
    return _DATE_IN_TEXT.sub(lambda match: re.sub(r"\s+", NO_BREAK, match.group(0)), text)


def period_phrase(start: date | None, end: date | None) -> str:
    """"1 januari–30 juni 2025"; "" when the period is not set."""
    if start is None or end is None:
        if start is not None:
            return f"från och med {swedish_date(start)}"
        if end is not None:
            return f"till och med {swedish_date(end)}"
        return ""
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]}–{swedish_date(end)}"
    return f"{swedish_date(start)}–{swedish_date(end)}"


def lower_first(text: str) -> str:
    """"Placeringsform" → "placeringsform", but "LVU" stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def percent_whole(part: int, whole: int) -> str:
    """part/whole as a whole percentage, rounded half up: 13 of 44 → "30"."""
    return format_number(Decimal(part * 100) / Decimal(whole), 0)


def _interviews_paragraph(facts: MethodFacts) -> str:
    auditors = "granskarna" if facts.auditor_count > 1 else "granskaren"
    lines: list[str] = []
    if facts.interviews:
        roles: list[str] = []
        seen: set[str] = set()
        for interview in facts.interviews:
            for role in interview.roles:
                if role.casefold() not in seen:
                    seen.add(role.casefold())
                    roles.append(role)
        count = len(facts.interviews)
        groups = sum(1 for interview in facts.interviews if interview.form == "group")
        people = sum(max(1, interview.participants) for interview in facts.interviews)
        counted = f"{number_word(count)} {'intervju' if count == 1 else 'intervjuer'}"
        if groups:
            counted += f", varav {number_word(groups)} i grupp,"
        counted += f" med totalt {people} {'person' if people == 1 else 'personer'}"
        who = f" med {join_words(roles)}" if roles else ""
        lines.append(f"Granskningen består av intervjuer{who} ({counted}). Intervjuade "
                     "anges i rapporten med sin roll, aldrig med namn.")
    else:
        lines.append("Inga intervjuer har genomförts i granskningen.")
    if facts.document_count:
        kinds = [_KIND_PLURALS.get(kind.casefold(), kind) for kind in facts.document_kinds]
        examples = f", bland annat {join_words(list(dict.fromkeys(kinds)))}" if kinds else ""
        lines.append(
            f"Vid granskningen har {auditors} tagit del av "
            f"{number_word(facts.document_count, neuter=True)} dokument som rör "
            f"verksamheten{examples}. Dokumenten förtecknas under rubriken Referenser."
        )
    return " ".join(lines)


def _method_phrase(facts: MethodFacts) -> str:
    if facts.sample_method == "stratified" and facts.stratify_by:
        return (f"ett stratifierat urval efter {lower_first(facts.stratify_by)} med "
                "proportionell fördelning")
    return "ett " + METHODS.get(facts.sample_method, facts.sample_method or "slumpmässigt urval")


def _sample_paragraphs(facts: MethodFacts) -> list[str]:
    if facts.population_size is None or facts.population_size <= 0:
        return ["Någon aktgranskning ingår inte i granskningen."]
    N = facts.population_size
    # Without exclusions the sentence is the one reports signed before exclusions existed
    # print: kept word for word, so that their signed content still matches.
    first = _accounted_sample(facts) if facts.excluded else _drawn_sample(facts)
    first += coverage_text(facts)
    period = period_phrase(facts.period_start, facts.period_end)
    if facts.criteria_count:
        first += (f" Akterna har granskats mot {facts.criteria_count} kriterier"
                  + (f" för perioden {period}" if period else "")
                  + ". Resultatet per kriterium redovisas i bilagan.")
    reviewed = facts.answered
    if facts.sample_method == "stratified" and facts.stratify_by:
        second = _weighted_estimate(facts, reviewed, N)
    else:
        second = (
            "För varje kriterium redovisas andelen Ja bland de akter där kriteriet är aktuellt; "
            "akter där det inte är aktuellt räknas inte med. Konfidensintervallen är exakta "
            "95-procentsintervall för ett urval utan återläggning ur en ändlig population "
            f"(hypergeometrisk fördelning), så att {reviewed} granskade akter av {N} inte "
            "behandlas som ett urval ur en oändlig population. Intervallet visar var andelen "
            f"för samtliga {N} akter med 95 procents säkerhet ligger."
        )
    # What the sample supports (assurance) stands right after how the estimate is made.
    return [first, second, facts.assurance.strip()] if facts.assurance.strip() else [first,
                                                                                    second]


def coverage_text(facts: MethodFacts) -> str:
    """" 18 av 20 akter i urvalet har granskats; 2 är inte besvarade för alla kriterier. …"
    when the sample is not fully answered; "" when it is."""
    left = facts.sample_size - facts.answered
    if left <= 0:
        return ""
    answered = "besvarad" if left == 1 else "besvarade"
    return (f" {facts.answered} av {facts.sample_size} akter i urvalet har granskats; {left} "
            f"är inte {answered} för alla kriterier. Resultaten bygger på de svar som har "
            "lämnats.")


def _weighted_estimate(facts: MethodFacts, reviewed: int, N: int) -> str:
    """The estimate and interval of a stratified sample: weighted share, Korn–Graubard."""
    by = lower_first(facts.stratify_by)
    return (
        "För varje kriterium redovisas andelen Ja bland de akter där kriteriet är aktuellt; "
        "akter där det inte är aktuellt räknas inte med. Eftersom urvalet är stratifierat "
        f"vägs andelen för hela populationen efter {by}: varje stratums andel räknas med "
        "stratumets uppskattade antal aktuella akter i populationen, så att ett litet stratum "
        "med många granskade akter inte väger tyngre än det är. Konfidensintervallen är "
        "95-procentsintervall enligt Korn och Graubard (1998): det exakta intervallet för ett "
        "urval utan återläggning ur en ändlig population (hypergeometrisk fördelning), beräknat "
        "för urvalets effektiva storlek, som tar hänsyn till variationen inom varje stratum. "
        f"Intervallet visar var andelen för samtliga {N} akter med 95 procents säkerhet ligger, "
        f"utifrån {reviewed} granskade akter. Ett stratum där ingen akt har granskats ingår "
        "inte i skattningen, och det anges i bilagan."
    )


def _drawn_sample(facts: MethodFacts) -> str:
    """The sample when every akt drawn was reviewed or replaced by the next one."""
    n, N = facts.sample_size, facts.population_size or 0
    first = (
        f"Den sociala dokumentationen har granskats stickprovsmässigt: {n} av {N} akter "
        f"({percent_whole(n, N)} procent) drogs med slumpfröet {facts.seed} som "
        f"{_method_phrase(facts)}. Samma akter, metod och frö ger alltid samma urval, så "
        "urvalet kan kontrolleras i efterhand."
    )
    if facts.replaced:
        which = ("En akt ersattes" if facts.replaced == 1
                 else f"{number_word(facts.replaced).capitalize()} akter ersattes")
        them = "den" if facts.replaced == 1 else "dem"
        first += (f" {which} av nästa akt i den dragna ordningen, eftersom granskningen "
                  f"inte kunde tillämpas på {them}; skälet finns antecknat.")
    return first


def _reasons(reasons: Sequence[str]) -> str:
    """" (skäl: a; b)" with each reason once, without a closing full stop of its own."""
    unique = list(dict.fromkeys(reason.strip().rstrip(".") for reason in reasons))
    return f" (skäl: {'; '.join(unique)})" if unique else ""


def _accounted_sample(facts: MethodFacts) -> str:
    """The sample when akter were excluded: drawn, replaced, excluded and reviewed, each
    counted, so that the number reviewed is the one the statistics rest on."""
    n, N = facts.sample_size, facts.population_size or 0
    drawn = facts.drawn or n + len(facts.excluded)
    text = (
        f"Den sociala dokumentationen har granskats stickprovsmässigt: {drawn} av {N} akter "
        f"drogs med slumpfröet {facts.seed} som {_method_phrase(facts)}. Samma akter, metod "
        "och frö ger alltid samma urval, så urvalet kan kontrolleras i efterhand."
    )
    replaced = len(facts.replacements) or facts.replaced
    if replaced:
        which = "En akt" if replaced == 1 else f"{number_word(replaced).capitalize()} akter"
        text += (f" {which} ersattes med nästa akt i dragningsordningen"
                 f"{_reasons([reason for _, _, reason in facts.replacements])}.")
    excluded = len(facts.excluded)
    which = "En akt" if excluded == 1 else f"{number_word(excluded).capitalize()} akter"
    text += (f" {which} uteslöts utan ersättning"
             f"{_reasons([reason for _, reason in facts.excluded])}.")
    if facts.answered < n:
        text += (f" Därmed omfattar urvalet {akter_count(n)} ({percent_whole(n, N)} procent "
                 "av populationen); ersatta och uteslutna akter förtecknas i bilagan.")
    else:
        text += (f" Därmed granskades {akter_count(n)} ({percent_whole(n, N)} procent av "
                 "populationen); ersatta och uteslutna akter förtecknas i bilagan.")
    return text


def _basis_paragraph(facts: MethodFacts) -> str:
    guidelines = (f"de riktlinjer som {facts.committee} har beslutat" if facts.committee
                  else "kommunens riktlinjer")
    text = (f"Granskningen utgår från gällande lagstiftning, Socialstyrelsens föreskrifter, "
            f"allmänna råd och handböcker samt {guidelines}.")
    if facts.laws:
        if facts.criteria_count and facts.population_size:
            text += " Lagrummen anges i fotnoter och i bilagan."
        text += f" Hänvisningarna avser {join_words(facts.laws)}."
    elif facts.criteria_count and facts.population_size:
        law = f"Hänvisningarna avser {facts.law} och" if facts.law else "Lagrummen"
        text += f" {law} anges i fotnoter och i bilagan."
    elif facts.law:
        text += f" Hänvisningarna avser {facts.law}."
    return text


def _fact_check_paragraph(facts: MethodFacts) -> str:
    receiver = facts.committee or "ansvarig nämnd"
    return (
        "Resultatet av granskningen återkopplas muntligt och skriftligt till verksamheten, som "
        "också har möjlighet att faktagranska innehållet innan rapporten färdigställs. "
        "Rapporten överlämnas sedan till ansvarig förvaltning, som avgör vilka åtgärder "
        f"verksamheten behöver vidta. Den färdiga rapporten anmäls till {receiver}."
    )


def _dimensions_paragraph(facts: MethodFacts) -> str:
    if not facts.dimensions:
        return ""
    lines = ["Bedömningen av verksamhetens kvalitet vägs samman av:"]
    for title, dimension in facts.dimensions:
        quality = DIMENSION_QUALITY.get(dimension, "")
        basis = _DIMENSION_BASIS.get(dimension, "")
        line = f"{BULLET}{title}" + (f" ({quality})" if quality else "")
        lines.append(line + (f": {basis}." if basis else ""))
    return "\n".join(lines)


def draft_method_text(facts: MethodFacts) -> str:
    """The Metod section drafted from the facts: paragraphs separated by blank lines."""
    paragraphs = [
        _interviews_paragraph(facts),
        *_sample_paragraphs(facts),
        _basis_paragraph(facts),
        _fact_check_paragraph(facts),
        _dimensions_paragraph(facts),
    ]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def text_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Plain text split for printing: ("paragraph", [text]) or ("bullets", [item, …]).

    Paragraphs are separated by blank lines; a line starting with "• ", "- " or "* " is a
    list item (an indented line after it continues it); other single line breaks inside a
    paragraph are kept as line breaks.
    """
    blocks: list[tuple[str, list[str]]] = []
    for chunk in text.replace("\r\n", "\n").replace("\r", "\n").split("\n\n"):
        kind = ""
        lines: list[str] = []
        for line in (line.rstrip() for line in chunk.split("\n")):
            stripped = line.strip()
            if not stripped:
                continue
            if stripped[:2] in ("• ", "- ", "* ") or stripped == "•":
                if kind == "paragraph":
                    blocks.append((kind, ["\n".join(lines)]))
                    lines = []
                kind = "bullets"
                lines.append(stripped[2:].strip())
            elif kind == "bullets" and line[:1].isspace():
                lines[-1] += " " + stripped  # an indented line continues the item
            else:
                if kind == "bullets":
                    blocks.append((kind, lines))
                    lines = []
                kind = "paragraph"
                lines.append(stripped)
        if lines:
            blocks.append((kind, ["\n".join(lines)] if kind == "paragraph" else lines))
    return blocks
