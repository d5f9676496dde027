"""The auditor's own structure in a section text: sub-headings, footnotes and quoted observations.

A section text is plain text the auditor types (or pastes) in the Bedömningar part. Three
small markups give it structure, chosen so that a Swedish auditor can type them without
knowing any markup language:

- ``# Rubrik`` — a line that starts with "#" and a space is a sub-heading of the section
  ("## " is taken too). The report numbers it one level below the section (4.1 → 4.1.1;
  in a chapter without template subsections 4 → 4.1) unless the section already has
  subsections in the template, where the numbers are taken: then it stands unnumbered.
- ``[fotnot: text]`` — an explanatory footnote at that place. The report numbers it together
  with the legal-reference footnotes, through the document, and prints it at the page foot.
  Brackets inside the note are allowed when they are balanced.
- ``[citat: ID]`` — an interview observation quoted by its stable id. The app inserts it
  from a list (Ctrl+O); the report prints "Gruppledaren uppger vid intervjun den 4 mars
  2025: ”…”", naming the interviewee's role and the interview's date, never a name.

Paragraphs are separated by blank lines. Lines inside a paragraph are joined with a space, so
text pasted with hard line breaks (from a PDF or an e-mail) reads as one paragraph. A line
starting with "• ", "- " or "* " is a list item; a line right after an item continues it when
it is indented or starts with a small letter (a wrapped line), otherwise it starts a new
paragraph, as ``kvtui.domain.method_text.text_blocks`` does.

``parse_section_text`` never fails: markup that is left open or malformed stays in the text as
it was typed, and ``text_problems`` says in Swedish what is wrong, so the app can warn and the
release can refuse to sign. The blocks are plain dataclasses with no ReportLab in them: the
PDF (``kvtui.report.story``), the app's preview and a Word export all render the same blocks.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kvtui.domain.judgement import (
    InterviewView,
    ObservationView,
    SectionView,
    is_below,
    short_text,
)
from kvtui.domain.method_text import join_words, swedish_date
from kvtui.domain.section_kinds import written

FOOTNOTE_TAG = "fotnot"
QUOTE_TAG = "citat"
BULLETS = ("• ", "- ", "* ")
MISSING_QUOTE = "[citat saknas: iakttagelsen finns inte längre i granskningen]"
_HEADING = re.compile(r"^#{1,3}\s+(\S.*)$")
_OPENING = re.compile(r"\[\s*(fotnot|citat)\s*:", re.IGNORECASE)
_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


# --- The blocks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Running text."""

    text: str


@dataclass(frozen=True)
class Footnote:
    """An explanatory footnote at this place in the text (its text, without the markup)."""

    text: str


@dataclass(frozen=True)
class Quote:
    """An interview observation quoted by its id (``id_ok`` False: not a well-formed id)."""

    observation_id: str

    @property
    def id_ok(self) -> bool:
        """Whether the reference has the shape of an id (the store's ids are UUIDs)."""
        return bool(_ID.match(self.observation_id))


Inline = Text | Footnote | Quote


@dataclass(frozen=True)
class Subheading:
    """A sub-heading the auditor wrote inside the section."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: running text with footnotes and quotes where they were typed."""

    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class BulletList:
    """A list; each item is inline parts like a paragraph's."""

    items: tuple[tuple[Inline, ...], ...]


Block = Subheading | Paragraph | BulletList


# --- Parsing -----------------------------------------------------------------------------------


def _closing(text: str, start: int) -> int:
    """The index of the "]" that closes the bracket opened before ``start``, or -1."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "[":
            depth += 1
        elif char == "]":
            if depth == 0:
                return index
            depth -= 1
    return -1


def _markups(text: str) -> list[tuple[int, int, str, str]]:
    """Each closed markup as (start, end after "]", tag, inner text), in order."""
    found: list[tuple[int, int, str, str]] = []
    position = 0
    while True:
        match = _OPENING.search(text, position)
        if match is None:
            return found
        close = _closing(text, match.end())
        if close < 0:
            position = match.end()  # left open: stays as typed (``text_problems`` says so)
            continue
        found.append((match.start(), close + 1, match.group(1).casefold(),
                      text[match.end():close].strip()))
        position = close + 1


def parse_inline(text: str) -> tuple[Inline, ...]:
    """Running text split at footnote and quote markups; open markups stay text."""
    parts: list[Inline] = []
    position = 0
    for start, end, tag, inner in _markups(text):
        before = text[position:start]
        if before:
            parts.append(Text(before))
        parts.append(Footnote(inner) if tag == FOOTNOTE_TAG else Quote(inner))
        position = end
    if position < len(text):
        parts.append(Text(text[position:]))
    return tuple(parts)


def _bullet(line: str) -> str | None:
    """The item's text when the line is a list item, else None."""
    stripped = line.strip()
    if stripped == "•":
        return ""
    if stripped[:2] in BULLETS:
        return stripped[2:].strip()
    return None


def _continues_item(line: str) -> bool:
    """A line right after a list item that belongs to it: indented or a wrapped line."""
    stripped = line.strip()
    return line[:1].isspace() or stripped[:1].islower()


def _join(lines: Sequence[str]) -> str:
    return " ".join(" ".join(line.split()) for line in lines if line.strip())


def parse_section_text(text: str) -> list[Block]:
    """A section text as blocks: sub-headings, paragraphs (lines joined) and lists.

    Never fails; empty input gives no blocks. See the module's docstring for the rules.
    """
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[list[str]] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Paragraph(parse_inline(_join(paragraph))))
            paragraph.clear()

    def end_list() -> None:
        if items:
            blocks.append(BulletList(tuple(parse_inline(_join(item)) for item in items)))
            items.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            end_paragraph()
            end_list()
            continue
        heading = _HEADING.match(line.strip())
        item = _bullet(line)
        if heading is not None:
            end_paragraph()
            end_list()
            blocks.append(Subheading(" ".join(heading.group(1).split())))
        elif item is not None:
            end_paragraph()
            items.append([item])
        elif items and _continues_item(line):
            items[-1].append(line)
        else:
            end_list()
            paragraph.append(line)
    end_paragraph()
    end_list()
    return blocks


def inlines(blocks: Sequence[Block]) -> list[Inline]:
    """Every inline part of the blocks in reading order (a sub-heading's text as Text)."""
    found: list[Inline] = []
    for block in blocks:
        if isinstance(block, Subheading):
            found.append(Text(block.text))
        elif isinstance(block, Paragraph):
            found.extend(block.parts)
        else:
            for item in block.items:
                found.extend(item)
    return found


def subheadings(blocks: Sequence[Block]) -> list[str]:
    """The sub-headings' texts in order."""
    return [block.text for block in blocks if isinstance(block, Subheading)]


# --- Numbering ---------------------------------------------------------------------------------


def subheading_numbers(section_number: str, count: int, *, has_subsections: bool) -> list[str]:
    """The numbers of a section's ``count`` sub-headings: "4.1.1", "4.1.2" … under "4.1".

    Empty strings (unnumbered) when the section is unnumbered or has subsections of its own
    in the template: their numbers are taken, and the section's text comes before them.
    """
    if not section_number or has_subsections:
        return [""] * count
    return [f"{section_number}.{index}" for index in range(1, count + 1)]


def numbered(blocks: Sequence[Block], section_number: str, *, has_subsections: bool
             ) -> tuple[list[Block], int]:
    """The blocks with each sub-heading's text led by its number ("4.1.1 Personal"), as every
    format prints them, and how many sub-headings got a number (the chapter's Bedömning is
    numbered after them)."""
    numbers = iter(subheading_numbers(section_number, len(subheadings(blocks)),
                                      has_subsections=has_subsections))
    found: list[Block] = []
    count = 0
    for block in blocks:
        if isinstance(block, Subheading):
            number = next(numbers)
            count += bool(number)
            block = Subheading(f"{number} {block.text}" if number else block.text)
        found.append(block)
    return found, count


# --- Quotes ------------------------------------------------------------------------------------

_DEFINITE_ENDINGS = ("chef", "ent", "ör", "ist", "log", "eut", "ant")


def definite_role(role: str) -> str | None:
    """A one-word role in the definite form ("gruppledare" → "gruppledaren"), or None when
    it cannot be formed safely (several words, an unusual ending)."""
    word = role.strip()
    if not word or not re.fullmatch(r"[^\W\d_]+(-[^\W\d_]+)*", word):
        return None
    lower = word.casefold()
    if lower.endswith("e"):
        return word + "n"
    if lower.endswith(_DEFINITE_ENDINGS):
        return word + "en"
    return None


def quote_sentence(roles: Sequence[str], held_on: date | None, participants: int,
                   observation: str) -> str:
    """An observation as the report quotes it, by role and date, never by name.

    "Gruppledaren uppger vid intervjun den 4 mars 2025: ”…”" when each person has a role
    of one word; otherwise "Vid intervjun med socialsekreterare den 4 mars 2025 framkom:
    ”…”", which needs no inflection of the role.
    """
    quoted = f"”{' '.join(observation.split())}”"
    day = f" den {swedish_date(held_on)}" if held_on is not None else ""
    forms = [definite_role(role) for role in roles]
    if roles and participants <= len(roles) and all(forms):
        who = join_words([form for form in forms if form])
        return f"{who[:1].upper()}{who[1:]} uppger vid intervjun{day}: {quoted}"
    if roles:
        return f"Vid intervjun med {join_words(list(roles))}{day} framkom: {quoted}"
    return f"Vid en intervju{day} framkom: {quoted}"


@dataclass(frozen=True)
class QuotedObservation:
    """An observation that a section text can quote, with its interview's role and date."""

    id: str
    sentence: str  # as the report prints it
    label: str     # as the app lists it: interview's date and roles, the observation cut short


def quotable(interviews: Sequence[InterviewView]) -> dict[str, QuotedObservation]:
    """Every observation of the interviews by id, with its printed sentence."""
    found: dict[str, QuotedObservation] = {}
    for interview in interviews:
        for observation in interview.observations:
            found[observation.id] = _quoted(interview, observation)
    return found


def _quoted(interview: InterviewView, observation: ObservationView) -> QuotedObservation:
    sentence = quote_sentence(interview.roles, interview.held_on, interview.participants,
                              observation.text)
    return QuotedObservation(observation.id, sentence,
                             f"{interview.label}: {short_text(observation.text, 60)}")


def quote_markup(observation_id: str) -> str:
    """The markup the app inserts for an observation."""
    return f"[{QUOTE_TAG}: {observation_id}]"


# --- What is wrong ----------------------------------------------------------------------------


def text_problems(text: str, observation_ids: Collection[str]) -> list[str]:
    """What is wrong with the markup of a section text, one Swedish phrase each.

    A footnote or quote left without its "]", an empty footnote, a quote whose reference is
    not an id, a quote of an observation the review no longer has (deleted), and footnotes or
    quotes inside a sub-heading (printed as typed there).
    """
    problems: list[str] = []
    for block in parse_section_text(text):
        if isinstance(block, Subheading):
            if _OPENING.search(block.text):
                problems.append(f"rubriken ”{short_text(block.text, 30)}” kan inte ha fotnot "
                                "eller citat")
            continue
        parts = block.parts if isinstance(block, Paragraph) else tuple(
            part for item in block.items for part in item)
        for part in parts:
            if isinstance(part, Text):
                for match in _OPENING.finditer(part.text):  # closed ones are parts of their own
                    what = ("en fotnot" if match.group(1).casefold() == FOOTNOTE_TAG
                            else "ett citat")
                    excerpt = short_text(part.text[match.start():], 30)
                    problems.append(f"{what} saknar avslutande ] (”{excerpt}”)")
            elif isinstance(part, Footnote) and not part.text:
                problems.append("en fotnot är tom")
            elif isinstance(part, Quote):
                if not part.id_ok:
                    problems.append(f"citatet ”[citat: {short_text(part.observation_id, 20)}]” "
                                    "hänvisar inte till någon iakttagelse; infoga citat med "
                                    "Ctrl+O")
                elif part.observation_id not in observation_ids:
                    problems.append("ett citat hänvisar till en iakttagelse som har tagits bort")
    return problems


def has_subsections(section: SectionView, sections: Sequence[SectionView]) -> bool:
    """Whether the template has written sections below ``section`` (their numbers are
    taken, so the section's own sub-headings stand unnumbered)."""
    return any(written(other.kind) and is_below(other.number, section.number)
               for other in sections)


def section_problems(sections: Sequence[SectionView],
                     interviews: Sequence[InterviewView]) -> list[str]:
    """The markup problems of every written section, one Swedish line each, naming the
    section: "Avsnitt 4.1 Verksamhetens uppdrag: en fotnot saknar avslutande ] (…)"."""
    known = set(quotable(interviews))
    return [f"Avsnitt {section.heading}: {problem}"
            for section in sections if written(section.kind)
            for problem in text_problems(section.text, known)]


def signoff_refusal(problems: Sequence[str], named: int = 3) -> str:
    """Why a report whose texts have broken markup cannot be signed, in Swedish."""
    listed = "; ".join(problems[:named]) + (" …" if len(problems) > named else ".")
    return ("Rapporten kan inte signeras förrän märkningen i texterna är rättad (fotnoter och "
            f"citat, i Bedömningar): {listed}")


# --- Plain text (the app's preview) ------------------------------------------------------------


def plain_lines(blocks: Sequence[Block], section_number: str, *, has_subsections: bool,
                quotes: Mapping[str, QuotedObservation],
                first_note: int = 1) -> list[str]:
    """The blocks as the report will read, in plain lines: numbered sub-headings, joined
    paragraphs, "• " items, quotes written out, footnotes as [1] with the notes at the end."""
    notes: list[str] = []
    lines: list[str] = []

    def flat(parts: Sequence[Inline]) -> str:
        out = ""
        for part in parts:
            if isinstance(part, Text):
                out += part.text
            elif isinstance(part, Footnote):
                notes.append(part.text)
                out += f"[{first_note + len(notes) - 1}]"
            else:
                quoted = quotes.get(part.observation_id)
                out += quoted.sentence if quoted is not None else MISSING_QUOTE
        return out

    for block in numbered(blocks, section_number, has_subsections=has_subsections)[0]:
        if isinstance(block, Subheading):
            lines.append(block.text)
        elif isinstance(block, Paragraph):
            lines.append(flat(block.parts))
        else:
            lines.extend(f"• {flat(item)}" for item in block.items)
        lines.append("")
    if notes:
        lines.append("Fotnoter:")
        lines.extend(f"[{first_note + index}] {note}" for index, note in enumerate(notes))
    while lines and not lines[-1]:
        lines.pop()
    return lines



def word_count(text: str) -> int:
    """The words the auditor wrote: running text, sub-headings, list items and her footnotes.

    The markup itself (``#``, ``[fotnot: …]``, ``[citat: …]``) is not a word she wrote, and
    a quoted observation is the interview's words, not hers."""
    return sum(len(part.text.split()) for part in inlines(parse_section_text(text))
               if isinstance(part, (Text, Footnote)))
