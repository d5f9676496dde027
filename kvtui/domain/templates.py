"""Review templates: the report sections and file-review criteria a review starts from.

Templates are data, not code, because the law changes (SFS 2025:400 replaced SoL 2001:453 on
1 July 2025) and every municipality words its reports its own way. Auditors edit the TOML by
hand, so a broken template must get a message that names the file, the line and the key, in
Swedish, for every problem at once rather than one at a time.

The TOML shape::

    title = "Familjevård – placerade barn"
    version = "1.0"
    law = "SoL (2001:453)"              # which law the references follow
    references_checked = 2026-11-01     # when the references were last checked
    description = "..."                 # optional
    interview_roles = ["enhetschef"]    # optional
    document_kinds = ["styrdokument"]   # optional
    akt_dates = ["Anmälan inkom", "Utredning inledd"]  # optional: the akt's dates, typed once
                                        # per akt; every deadline label must be one of them
    deviation = "nej"                   # optional: the answers that are a deviation (brist),
                                        # "nej" (the default) or "nej_och_delvis"

    [[sections]]
    number = "4"                        # "" for an unnumbered section (Referenser)
    title = "Verksamhetens förutsättningar"
    dimension = "struktur"              # optional; subsections inherit their parent's
    kind = "text"                       # optional: summary, purpose, method, text, references

    [[criteria]]
    code = "F3"
    question = "Vårdplanen reviderad ..."
    kind = "deadline"                   # judgement, deadline or count (``criterion_kinds``)
    group = "Beslut och planering"      # optional
    start_label = "Placerad från"       # deadline only, with end_label and
    end_label = "Vårdplan reviderad"    #   exactly one of limit_days / limit_months
    limit_months = 24                   # count only: threshold = 4, unit_label = "samtal"
    applies = { attribute = "Placerad från", min_months = 24, reason = "..." }
    references = [ { text = "11 kap. 3 § SoL", from = 2021-03-01, to = 2025-06-30 } ]
    deviation = "nej_och_delvis"        # optional: this criterion's own deviation setting

Keys in problems count array entries from 1 (``criteria[3]`` is the third ``[[criteria]]``),
as an auditor counts them. This module does no file I/O; ``kvtui.store.template_library``
reads and writes the files.

A template may come from anyone, so its shape is bounded before and after tomllib reads it: its
size, how deep brackets nest (tomllib recurses into them), how many parts a dotted key has
(tomllib takes time that grows with their square), the length of keys and texts, the size of
numbers and lists, and characters that must never reach a terminal raw (an escape can be
written in TOML as ``\\u001b``). Every refusal names the file, the line and the key.
"""

from __future__ import annotations

import calendar
import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from kvtui.domain.criterion_kinds import CRITERION_KINDS, Entry, criterion_kind
from kvtui.domain.deviation import DEFAULT_DEVIATION, deviation_problem
from kvtui.domain.import_limits import thousands
from kvtui.domain.safe_text import describe_char, first_unsafe, printable
from kvtui.domain.section_kinds import SECTION_KINDS, SectionKind

DIMENSIONS: dict[str, str] = {
    "struktur": "Verksamhetens förutsättningar",
    "process": "Arbetet i verksamheten",
    "resultat": "Kvalitetsarbete",
}


# The shape a template may have. The shipped templates are under 10 kB with a few dozen
# criteria and brackets three deep; these are far above that and far below what costs time.
MAX_TEMPLATE_CHARS = 256 * 1024
MAX_NESTING = 16  # brackets and tables inside one another
MAX_KEY_DOTS = 32  # dots outside texts on one line: the parts of its dotted keys
MAX_KEY_CHARS = 100
MAX_TEXT_CHARS = 10_000
MAX_LIST_ITEMS = 1_000
MAX_SECTIONS = 200
MAX_CRITERIA = 500
MAX_NUMBER = 1_000_000
# The largest value of a key that counts days, months or items: a hundred years, a million.
_MAXIMUMS = {"limit_days": 36_500, "limit_months": 1_200, "min_months": 1_200,
             "threshold": MAX_NUMBER}


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day if it has no such day.

    Time limits in months are exact to the day (2024-08-31 + 6 months = 2025-02-28), so the
    deadline, applicability and report code all share this one definition.
    """
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@dataclass(frozen=True)
class LegalReference:
    """A legal reference with the period it is in force; None at either end means open.

    ``in_review`` marks a reference the auditor added, changed or confirmed inside one review
    (never in a template): it applies to that review's period whatever its dates, and takes
    the place of the template's references for it.
    """

    text: str
    valid_from: date | None = None
    valid_to: date | None = None
    in_review: bool = False

    def applies_to(self, start: date | None, end: date | None) -> bool:
        """Whether the reference is in force at some day of the period (None = open end)."""
        if self.valid_from is not None and end is not None and self.valid_from > end:
            return False
        return not (self.valid_to is not None and start is not None and self.valid_to < start)


@dataclass(frozen=True)
class Applicability:
    """When a criterion applies to a case file; otherwise the answer is Ej aktuellt."""

    attribute: str
    values: tuple[str, ...] = ()
    min_months: int | None = None
    reason: str = ""

    def applies_to(self, attributes: Mapping[str, object], on: date) -> bool:
        """Whether the criterion applies to a case file with these attributes on date ``on``.

        The attribute name is matched case-insensitively. A missing or unreadable value gives
        True: kvtui cannot tell, so the auditor answers rather than kvtui excluding the akt.
        """
        wanted = self.attribute.casefold()
        value = next((v for k, v in attributes.items() if k.casefold() == wanted), None)
        if value is None or value == "":
            return True
        if self.values and str(value).strip().casefold() not in self.values:
            return False
        if self.min_months is not None:
            started = _as_date(value)
            if started is None:
                return True
            return add_months(started, self.min_months) <= on
        return True


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Criterion:
    """One question of the file review, with its legal references and its parameters."""

    code: str
    question: str
    kind: str  # a CriterionKind; described in ``criterion_kinds``
    references: tuple[LegalReference, ...]
    group: str = ""
    applies: Applicability | None = None
    start_label: str = ""
    end_label: str = ""
    limit_days: int | None = None
    limit_months: int | None = None
    threshold: int | None = None
    unit_label: str = ""
    deviation: str = DEFAULT_DEVIATION  # a Deviation: which answers count as a brist

    def references_for(self, start: date | None, end: date | None) -> tuple[LegalReference, ...]:
        """The references in force during the review period, in template order; the auditor's
        own references for the review instead, when there are any."""
        own = tuple(r for r in self.references if r.in_review)
        return own or tuple(r for r in self.references if r.applies_to(start, end))

    def reference_for(self, start: date | None, end: date | None) -> LegalReference | None:
        """The first reference in force during the period, or None so the UI can flag it."""
        found = self.references_for(start, end)
        return found[0] if found else None

    def due_date(self, start: date) -> date | None:
        """The last day that meets a deadline criterion's limit counted from ``start``."""
        if self.limit_days is not None:
            return date.fromordinal(start.toordinal() + self.limit_days)
        if self.limit_months is not None:
            return add_months(start, self.limit_months)
        return None


@dataclass(frozen=True)
class Section:
    """A report section; numbers form a tree ("4.1" lies under "4")."""

    number: str
    title: str
    dimension: str = ""
    kind: str = SectionKind.TEXT

    @property
    def parent_number(self) -> str:
        """The number of the enclosing section, "" for a top-level or unnumbered one."""
        return self.number.rpartition(".")[0]

    @property
    def level(self) -> int:
        """1 for "4", 2 for "4.1"; 0 for an unnumbered section."""
        return self.number.count(".") + 1 if self.number else 0

    @property
    def heading(self) -> str:
        """The heading as printed: "4.1 Uppdrag", or the title alone when unnumbered."""
        return f"{self.number} {self.title}" if self.number else self.title


@dataclass(frozen=True)
class Template:
    """A parsed, validated review template."""

    name: str
    title: str
    version: str
    law: str
    references_checked: date
    description: str
    sections: tuple[Section, ...]
    criteria: tuple[Criterion, ...]
    interview_roles: tuple[str, ...]
    document_kinds: tuple[str, ...]
    akt_dates: tuple[str, ...] = ()
    deviation: str = DEFAULT_DEVIATION  # the criteria's default; each criterion holds its own

    def criterion(self, code: str) -> Criterion:
        """The criterion with this code (case-insensitive); KeyError if there is none."""
        wanted = code.casefold()
        for criterion in self.criteria:
            if criterion.code.casefold() == wanted:
                return criterion
        raise KeyError(code)

    def section(self, number: str) -> Section:
        """The section with this number; KeyError if there is none."""
        for section in self.sections:
            if section.number == number:
                return section
        raise KeyError(number)


@dataclass(frozen=True)
class TemplateProblem:
    """One problem found in a template file, located as precisely as the text allows."""

    source: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = [self.source]
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.key:
            where.append(self.key)
        return printable(f"{', '.join(where)}: {self.message}")


class TemplateError(ValueError):
    """A template that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[TemplateProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def parse_template(text: str, source: str) -> Template:
    """Parse and validate template TOML; the template's name is the stem of ``source``.

    Raises TemplateError listing every problem, so an auditor fixing a file by hand sees them
    all at once.
    """
    if len(text) > MAX_TEMPLATE_CHARS:
        raise TemplateError([TemplateProblem(
            source, None, "",
            f"mallen är {thousands(len(text))} tecken lång; en mall får vara högst "
            f"{thousands(MAX_TEMPLATE_CHARS)} tecken",
        )])
    locator = _Locator(text)
    shape = locator.shape_problem(source)
    if shape is not None:
        raise TemplateError([shape])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError([_syntax_problem(exc, source, locator)]) from None
    except ValueError:
        # Python reads no integer of more than 4,300 digits (and says so in English).
        long_number = re.search(r"[0-9_]{100,}", text)
        line = text.count("\n", 0, long_number.start()) + 1 if long_number else None
        raise TemplateError([TemplateProblem(
            source, line, "", f"talet är för stort (högst {thousands(MAX_NUMBER)})")]) from None
    except RecursionError:
        raise TemplateError([TemplateProblem(source, None, "", _TOO_DEEP)]) from None
    problems = _bound_problems(data, source, locator)
    if problems:
        raise TemplateError(problems)
    return _Validator(data, source, locator).template(PurePath(source).stem)


_TOO_DEEP = f"listor och tabeller är nästlade djupare än {MAX_NESTING} nivåer"


def _bound_problems(data: dict[str, Any], source: str, locator: _Locator) -> list[TemplateProblem]:
    """Keys, texts, numbers and lists past the limits, found without recursion; at most
    twenty, since one is enough to refuse the file."""
    problems: list[TemplateProblem] = []

    def problem(path: KeyPath, message: str) -> None:
        problems.append(TemplateProblem(source, locator.line_of(path), _key_text(path), message))

    lists: dict[KeyPath, int] = {("sections",): MAX_SECTIONS, ("criteria",): MAX_CRITERIA}
    stack: list[tuple[KeyPath, Any]] = [((), data)]
    while stack and len(problems) < 20:
        path, value = stack.pop()
        if len(path) > MAX_NESTING:
            problem(path[:MAX_NESTING], _TOO_DEEP)
        elif isinstance(value, dict):
            for key, item in value.items():
                if len(key) > MAX_KEY_CHARS:
                    problem((*path, key[:40] + "…"), f"nyckeln är {thousands(len(key))} tecken "
                            f"lång; en nyckel får ha högst {MAX_KEY_CHARS} tecken")
                elif (index := first_unsafe(key)) >= 0:
                    problem((*path, key), f"nyckeln innehåller {describe_char(key[index])}")
                else:
                    stack.append(((*path, key), item))
        elif isinstance(value, list):
            most = lists.get(path, MAX_LIST_ITEMS)
            if len(value) > most:
                problem(path, f"listan har {thousands(len(value))} poster; högst "
                        f"{thousands(most)} går att använda")
            else:
                stack.extend(((*path, index), item) for index, item in enumerate(value))
        elif isinstance(value, str):
            if len(value) > MAX_TEXT_CHARS:
                problem(path, f"texten är {thousands(len(value))} tecken lång; en text får ha "
                        f"högst {thousands(MAX_TEXT_CHARS)} tecken")
            elif (index := first_unsafe(value)) >= 0:
                problem(path, f"texten innehåller {describe_char(value[index])}, som inte kan "
                        "visas; ta bort det")
        elif isinstance(value, float) and not math.isfinite(value):
            problem(path, f"{value} är inget tal som kan användas")
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            problem(path, f"talet är för stort (högst {thousands(MAX_NUMBER)})")
    problems.sort(key=lambda p: p.line or 0)
    return problems


# --- TOML syntax errors ----------------------------------------------------------------------

_TOML_MESSAGES = {
    "Invalid value": "ogiltigt värde (text ska stå inom citattecken)",
    "Invalid date or datetime": "ogiltigt datum (skriv ÅÅÅÅ-MM-DD)",
    "Cannot overwrite a value": "samma nyckel förekommer två gånger",
    "Invalid statement": "raden går inte att tolka",
    "Expected '=' after a key in a key/value pair": "'=' saknas efter nyckeln",
    "Expected newline or end of document after a statement": "oväntad text efter värdet",
    "Unclosed array": "listan saknar avslutande ']'",
    "Unclosed inline table": "tabellen saknar avslutande '}'",
    "Unterminated string": "texten saknar avslutande citattecken",
    "Illegal character": "otillåtet tecken",
    "Invalid initial character for a key part": "ogiltigt tecken i början av en nyckel",
    "Expected ']' at the end of a table declaration": "']' saknas i tabellrubriken",
    "Expected ']]' at the end of an array declaration": "']]' saknas i tabellrubriken",
    "Found invalid character": "ogiltigt tecken",
    "Cannot mutate immutable namespace": "tabellen är redan skriven som ett värde och kan inte "
                                         "utökas",
    "Cannot redefine namespace": "tabellen är redan definierad",
    "Duplicate inline table key": "samma nyckel förekommer två gånger i tabellen",
    "Unescaped '\\' in a string": "ett '\\' i en text måste skrivas '\\\\'",
    "Invalid hex value": "ogiltig \\u-kod i en text",
    "Escaped character is not a Unicode scalar value": "\\u-koden är inget giltigt tecken",
    "Expected": "ett tecken saknas eller står fel",
}


def _syntax_problem(
    exc: tomllib.TOMLDecodeError, source: str, locator: _Locator
) -> TemplateProblem:
    raw = str(exc)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", raw)
    line: int | None = None
    column: int | None = None
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        raw = raw[: match.start()]
    elif raw.endswith("(at end of document)"):
        raw = raw.removesuffix("(at end of document)").strip()
        line = locator.duplicate_key_line() or len(locator.lines) or None
    translated = next((sv for en, sv in _TOML_MESSAGES.items() if raw.startswith(en)), None)
    if raw.startswith("Cannot declare") and raw.endswith("twice"):
        translated = "tabellen deklareras två gånger"
    message = "TOML-syntaxfel"
    if column is not None:
        message += f" i kolumn {column}"
    message += f": {translated or 'raden går inte att tolka'}"
    return TemplateProblem(source, line, "", message)


# --- Locating keys in the text ---------------------------------------------------------------

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class _Header:
    line: int  # 1-based
    name: str  # dotted, normalised ("criteria.applies")
    is_array: bool


class _Locator:
    """Finds the line of a key path in TOML text; tomllib reports no positions itself.

    It scans the text once, skipping strings and comments, to learn which lines start outside
    any string and bracket (where keys and table headers can stand) and where brackets are.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.marks: list[tuple[int, str]] = []  # (line, char) of brackets outside strings
        self.free: list[bool] = []  # per line: starts outside strings and brackets
        self.deepest = (0, 0)  # (depth, line) of the deepest bracket outside strings
        self.most_dots = (0, 0)  # (dots, line) of the line with most dots outside strings
        self._scan(text)
        self.headers: list[_Header] = []
        for number, line in enumerate(self.lines, start=1):
            if not self._is_free(number):
                continue
            match = re.match(r"\s*(\[\[?)\s*([^\]]+?)\s*\]", line)
            if match:
                name = re.sub(r"\s*\.\s*", ".", match.group(2)).replace('"', "").replace("'", "")
                self.headers.append(_Header(number, name, match.group(1) == "[["))

    def _scan(self, text: str) -> None:
        line, depth, i, n = 1, 0, 0, len(text)
        dots = 0
        in_multiline: str | None = None
        self.free = [True]
        while i < n:
            c = text[i]
            if c == "\n":
                if dots > self.most_dots[0]:
                    self.most_dots = (dots, line)
                line += 1
                dots = 0
                self.free.append(in_multiline is None and depth == 0)
                i += 1
            elif in_multiline:
                if text.startswith(in_multiline, i):
                    i += 3
                    extra = 0
                    while i < n and text[i] == in_multiline[0] and extra < 2:
                        i, extra = i + 1, extra + 1
                    in_multiline = None
                elif c == "\\" and in_multiline == '"""' and i + 1 < n and text[i + 1] != "\n":
                    i += 2
                else:
                    i += 1
            elif c == "#":
                while i < n and text[i] != "\n":
                    i += 1
            elif text.startswith('"""', i) or text.startswith("'''", i):
                in_multiline = text[i : i + 3]
                i += 3
            elif c in "\"'":
                i += 1
                while i < n and text[i] not in (c, "\n"):
                    i += 2 if c == '"' and text[i] == "\\" else 1
                i += 1 if i < n and text[i] == c else 0
            else:
                if c in "[{":
                    depth += 1
                    self.marks.append((line, c))
                    if depth > self.deepest[0]:
                        self.deepest = (depth, line)
                elif c in "]}":
                    depth = max(0, depth - 1)
                    self.marks.append((line, c))
                elif c == ".":
                    dots += 1
                i += 1
        if dots > self.most_dots[0]:
            self.most_dots = (dots, line)

    def shape_problem(self, source: str) -> TemplateProblem | None:
        """Nesting or dotted keys that would make tomllib recurse too deep or take too long."""
        depth, line = self.deepest
        if depth > MAX_NESTING:
            return TemplateProblem(source, line, "", _TOO_DEEP)
        dots, line = self.most_dots
        if dots > MAX_KEY_DOTS:
            return TemplateProblem(
                source, line, "",
                f"raden har {thousands(dots)} punkter utanför citattecken; en nyckel får ha "
                f"högst {MAX_KEY_DOTS} delar",
            )
        return None

    def _is_free(self, line: int) -> bool:
        return 0 < line <= len(self.free) and self.free[line - 1]

    def duplicate_key_line(self) -> int | None:
        """The line of the first key defined twice in one table (tomllib does not say)."""
        seen: set[str] = set()
        for number, line in enumerate(self.lines, start=1):
            if not self._is_free(number):
                continue
            if re.match(r"\s*\[", line):
                seen = set()
                continue
            match = re.match(r"\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*=", line)
            if match:
                key = match.group(1).strip("\"'")
                if key in seen:
                    return number
                seen.add(key)
        return None

    # A block is a table's own lines: (header line or 0, first line, last line).
    def _block(self, header_index: int | None) -> tuple[int, int, int]:
        if header_index is None:
            first_header = self.headers[0].line if self.headers else len(self.lines) + 1
            return 0, 1, first_header - 1
        header = self.headers[header_index]
        following = self.headers[header_index + 1 :]
        end = following[0].line - 1 if following else len(self.lines)
        return header.line, header.line + 1, end

    def _key_line(self, key: str, first: int, last: int, dotted: str = "") -> int | None:
        name = rf"(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')"
        if dotted:
            name += rf"\s*\.\s*{re.escape(dotted)}"
        pattern = re.compile(rf"\s*{name}\s*=")
        for number in range(first, last + 1):
            if self._is_free(number) and pattern.match(self.lines[number - 1]):
                return number
        return None

    def _subheaders(self, index: int, name: str, is_array: bool) -> list[int]:
        """Indexes of headers ``name`` belonging to array entry ``index`` (its sub-tables)."""
        parent = self.headers[index].name
        found: list[int] = []
        for k in range(index + 1, len(self.headers)):
            header = self.headers[k]
            if not header.name.startswith(parent + "."):
                break
            if header.name == name and header.is_array == is_array:
                found.append(k)
        return found

    def _inline_entry_line(self, key_line: int, entry: int) -> int | None:
        """The line where the ``entry``-th (0-based) inline table of an array value starts."""
        depth, count, started = 0, -1, False
        for line, char in self.marks:
            if line < key_line:
                continue
            if char in "[{":
                if char == "{" and depth == 1:
                    count += 1
                    if count == entry:
                        return line
                depth += 1
                started = True
            else:
                depth -= 1
                if started and depth <= 0:
                    return None
        return None

    def line_of(self, path: KeyPath) -> int | None:
        """The best line for a key path such as ("criteria", 2, "references", 0, "from")."""
        if not path or not isinstance(path[0], str):
            return None
        top = path[0]
        _, first, last = self._block(None)
        top_line = self._key_line(top, first, last)
        if len(path) == 1 or not isinstance(path[1], int):
            if len(path) > 1 and top_line is None:
                return self._key_line(top, first, last, str(path[1]))
            return top_line
        entries = [k for k, h in enumerate(self.headers) if h.name == top and h.is_array]
        if path[1] >= len(entries):
            # Written inline (``criteria = [ {...} ]``) or a plain list: the entry's line.
            if top_line is None:
                return None
            return self._inline_entry_line(top_line, path[1]) or top_line
        return self._in_table(entries[path[1]], top, path[2:])

    def _in_table(self, index: int, name: str, rest: KeyPath) -> int | None:
        header_line, first, last = self._block(index)
        if not rest:
            return header_line
        key = str(rest[0])
        if len(rest) == 1 and self._key_line(key, first, last) is None:
            sub = self._subheaders(index, f"{name}.{key}", is_array=False)
            sub = sub or self._subheaders(index, f"{name}.{key}", is_array=True)
            if sub:
                return self.headers[sub[0]].line
        if len(rest) >= 2 and isinstance(rest[1], int):
            sub = self._subheaders(index, f"{name}.{key}", is_array=True)
            if rest[1] < len(sub):
                return self._in_table(sub[rest[1]], f"{name}.{key}", rest[2:])
            key_line = self._key_line(key, first, last)
            if key_line is None:
                return header_line
            return self._inline_entry_line(key_line, rest[1]) or key_line
        if len(rest) >= 2:
            sub = self._subheaders(index, f"{name}.{key}", is_array=False)
            if sub:
                return self._in_table(sub[0], f"{name}.{key}", rest[1:])
            dotted = self._key_line(key, first, last, str(rest[1]))
            if dotted is not None:
                return dotted
        return self._key_line(key, first, last) or header_line


# --- Validation ------------------------------------------------------------------------------

_TYPE_NAMES: dict[type, str] = {
    str: "text",
    int: "heltal",
    float: "decimaltal",
    bool: "sant/falskt",
    date: "datum",
    datetime: "datum och tid",
    time: "klockslag",
    list: "lista",
    dict: "tabell",
}

_TOP_KEYS = {
    "title": (str, True),
    "version": (str, True),
    "law": (str, True),
    "references_checked": (date, True),
    "description": (str, False),
    "interview_roles": (list, False),
    "document_kinds": (list, False),
    "akt_dates": (list, False),
    "deviation": (str, False),
    "sections": (list, True),
    "criteria": (list, True),
}
_SECTION_KEYS = {
    "number": (str, True),
    "title": (str, True),
    "dimension": (str, False),
    "kind": (str, False),
}
_CRITERION_KEYS = {
    "code": (str, True),
    "question": (str, True),
    "kind": (str, True),
    "group": (str, False),
    "references": (list, False),
    "applies": (dict, False),
    "start_label": (str, False),
    "end_label": (str, False),
    "limit_days": (int, False),
    "limit_months": (int, False),
    "threshold": (int, False),
    "unit_label": (str, False),
    "deviation": (str, False),
}
_REFERENCE_KEYS = {"text": (str, True), "from": (date, False), "to": (date, False)}
_APPLIES_KEYS = {
    "attribute": (str, True),
    "values": (list, False),
    "min_months": (int, False),
    "reason": (str, False),
}
# Keys that only make sense for one kind of criterion.
_KIND_ONLY = {key: info.kind for info in CRITERION_KINDS.values() for key in info.template_keys}

_MISSING = object()
_SECTION_NUMBER = re.compile(r"\d+(\.\d+)*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _key_text(path: KeyPath) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


def _type_name(value: object) -> str:
    for kind, name in _TYPE_NAMES.items():
        if type(value) is kind:
            return name
    return type(value).__name__


class _Validator:
    """Walks the parsed TOML, collects every problem, and builds the Template if none."""

    def __init__(self, data: dict[str, Any], source: str, locator: _Locator) -> None:
        self.data = data
        self.source = source
        self.locator = locator
        self.problems: list[TemplateProblem] = []

    def problem(self, path: KeyPath, message: str) -> None:
        line = self.locator.line_of(path)
        self.problems.append(TemplateProblem(self.source, line, _key_text(path), message))

    # Generic checks.

    def table(
        self, table: dict[str, Any], path: KeyPath, spec: Mapping[str, tuple[type, bool]]
    ) -> dict[str, Any]:
        """Check a table's keys and value types; return the values that passed."""
        values: dict[str, Any] = {}
        for key in table:
            if key not in spec:
                self.problem((*path, key), _unknown_key_message(key, spec))
        for key, (kind, required) in spec.items():
            if key not in table:
                if required:
                    self.problem((*path, key), "nyckeln saknas men krävs")
                continue
            value = self.value(table[key], (*path, key), kind)
            if value is not _MISSING:
                values[key] = value
        return values

    def value(self, value: Any, path: KeyPath, kind: type) -> Any:
        if kind is date:
            return self.date(value, path)
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind is not int and isinstance(value, kind):
            if isinstance(value, str) and not value.strip() and path[-1] in _NON_EMPTY:
                self.problem(path, "får inte vara tom")
                return _MISSING
            return value
        hint = ""
        if kind is str and isinstance(value, int | float):
            hint = f' (skriv inom citattecken: "{value}")'
        self.problem(path, f"fel typ: väntade {_TYPE_NAMES[kind]}, fick {_type_name(value)}{hint}")
        return _MISSING

    def date(self, value: Any, path: KeyPath) -> Any:
        if isinstance(value, datetime):
            self.problem(path, f"ogiltigt datum {value}: ange datum utan klockslag (ÅÅÅÅ-MM-DD)")
            return _MISSING
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            text = value.strip()
            if _ISO_DATE.fullmatch(text):
                try:
                    return date.fromisoformat(text)
                except ValueError:
                    pass
            self.problem(path, f"ogiltigt datum '{value}' (skriv ÅÅÅÅ-MM-DD, t.ex. 2021-03-01)")
            return _MISSING
        self.problem(path, f"fel typ: väntade datum (ÅÅÅÅ-MM-DD), fick {_type_name(value)}")
        return _MISSING

    def tables(self, items: list[Any], path: KeyPath) -> list[tuple[int, dict[str, Any]]]:
        good: list[tuple[int, dict[str, Any]]] = []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                good.append((index, item))
            else:
                self.problem((*path, index), f"fel typ: väntade tabell, fick {_type_name(item)}")
        return good

    def strings(self, items: list[Any], path: KeyPath) -> tuple[str, ...]:
        good: list[str] = []
        for index, item in enumerate(items):
            if isinstance(item, str) and item.strip():
                good.append(item.strip())
            elif isinstance(item, str):
                self.problem((*path, index), "får inte vara tom")
            else:
                self.problem((*path, index), f"fel typ: väntade text, fick {_type_name(item)}")
        return tuple(good)

    def in_range(self, value: int, path: KeyPath, minimum: int) -> int | None:
        if value < minimum:
            self.problem(path, f"måste vara {minimum} eller större, fick {value}")
            return None
        maximum = _MAXIMUMS[str(path[-1])]
        if value > maximum:
            self.problem(path, f"måste vara högst {thousands(maximum)}, fick {thousands(value)}")
            return None
        return value

    # The template.

    def template(self, name: str) -> Template:
        top = self.table(self.data, (), _TOP_KEYS)
        deviation = self.deviation(top, ())
        sections = self.sections(top.get("sections", []))
        criteria = self.criteria(top.get("criteria", []), deviation)
        roles = self.strings(top.get("interview_roles", []), ("interview_roles",))
        kinds = self.strings(top.get("document_kinds", []), ("document_kinds",))
        akt_dates = self.akt_dates(top.get("akt_dates", []), criteria)
        if self.problems:
            self.problems.sort(key=lambda p: p.line or 0)
            raise TemplateError(self.problems)
        return Template(
            name=name,
            title=top["title"].strip(),
            version=top["version"].strip(),
            law=top["law"].strip(),
            references_checked=top["references_checked"],
            description=top.get("description", "").strip(),
            sections=sections,
            criteria=criteria,
            interview_roles=roles,
            document_kinds=kinds,
            akt_dates=akt_dates,
            deviation=deviation,
        )

    def akt_dates(self, items: list[Any], criteria: tuple[Criterion, ...]) -> tuple[str, ...]:
        """The akt's named dates: each once, and every deadline's labels among them (a date
        typed once per akt serves every criterion that names it)."""
        path: KeyPath = ("akt_dates",)
        names = self.strings(items, path)
        folded: dict[str, int] = {}
        for index, name in enumerate(names):
            if name.casefold() in folded:
                self.problem((*path, index), f"datumet '{name}' förekommer två gånger")
            folded.setdefault(name.casefold(), index)
        if not names:
            return names
        for index, criterion in enumerate(criteria):
            if criterion_kind(criterion.kind).entry is not Entry.DATES:
                continue
            for key in ("start_label", "end_label"):
                label = getattr(criterion, key)
                if label.casefold() not in folded:
                    self.problem(
                        ("criteria", index, key),
                        f"'{label}' är inget av aktens datum i akt_dates "
                        f"({', '.join(names)})",
                    )
        return names

    def sections(self, items: list[Any]) -> tuple[Section, ...]:
        built: list[Section] = []
        seen: dict[str, int] = {}  # number -> index of first
        later: dict[str, int] = {}  # every numbered section -> its index, to explain order
        entries = self.tables(items, ("sections",))
        for index, item in entries:
            number = item.get("number")
            if isinstance(number, str) and number.strip():
                later.setdefault(number.strip(), index)
        kinds_seen: dict[str, int] = {}
        for index, item in entries:
            path: KeyPath = ("sections", index)
            values = self.table(item, path, _SECTION_KEYS)
            number = values.get("number", "").strip()
            kind = values.get("kind", SectionKind.TEXT)
            dimension = values.get("dimension", "")
            ok = "number" in values and "title" in values
            if kind not in SECTION_KINDS:
                allowed = ", ".join(SECTION_KINDS)
                self.problem((*path, "kind"), f"okänd avsnittstyp '{kind}' (tillåtna: {allowed})")
                ok = False
            elif SECTION_KINDS[kind].once:
                if kind in kinds_seen:
                    first = self.locator.line_of(("sections", kinds_seen[kind]))
                    self.problem(
                        (*path, "kind"),
                        f"avsnittstypen '{kind}' får bara förekomma en gång (finns redan på rad "
                        f"{first})",
                    )
                    ok = False
                kinds_seen.setdefault(kind, index)
            if dimension and dimension not in DIMENSIONS:
                allowed = ", ".join(DIMENSIONS)
                self.problem(
                    (*path, "dimension"), f"okänd dimension '{dimension}' (tillåtna: {allowed})"
                )
                ok = False
            parent: Section | None = None
            if "number" in values and number:
                if not _SECTION_NUMBER.fullmatch(number):
                    self.problem(
                        (*path, "number"),
                        f'ogiltigt avsnittsnummer \'{number}\' (skriv t.ex. "4" eller "4.1")',
                    )
                    ok = False
                elif number in seen:
                    first = self.locator.line_of(("sections", seen[number]))
                    self.problem(
                        (*path, "number"),
                        f"avsnittsnummer {number} förekommer redan (rad {first})",
                    )
                    ok = False
                else:
                    seen[number] = index
                    parent_number = number.rpartition(".")[0]
                    if parent_number:
                        parent = next((s for s in built if s.number == parent_number), None)
                        if parent is None and parent_number in later:
                            self.problem(
                                (*path, "number"),
                                f"avsnitt {number} står före sitt överordnade avsnitt "
                                f"{parent_number}; flytta {parent_number} före {number}",
                            )
                            ok = False
                        elif parent is None:
                            self.problem(
                                (*path, "number"),
                                f"avsnitt {number} saknar överordnat avsnitt {parent_number}",
                            )
                            ok = False
            if parent is not None and parent.dimension:
                if not dimension:
                    dimension = parent.dimension
                elif dimension != parent.dimension:
                    self.problem(
                        (*path, "dimension"),
                        f"dimensionen '{dimension}' skiljer sig från överordnat avsnitt "
                        f"{parent.number} ('{parent.dimension}')",
                    )
                    ok = False
            if ok:
                built.append(Section(number, values["title"].strip(), dimension, kind))
        return tuple(built)

    def deviation(self, values: dict[str, Any], path: KeyPath,
                  default: str = DEFAULT_DEVIATION) -> str:
        """The deviation setting of the template or a criterion; ``default`` when not given
        (or wrong: the problem is noted and the template refused)."""
        if "deviation" not in values:
            return default
        value = values["deviation"].strip()
        problem = deviation_problem(value)
        if problem is not None:
            self.problem((*path, "deviation"), problem)
            return default
        return str(value)

    def criteria(self, items: list[Any], deviation: str = DEFAULT_DEVIATION
                 ) -> tuple[Criterion, ...]:
        built: list[Criterion] = []
        seen: dict[str, int] = {}
        for index, item in self.tables(items, ("criteria",)):
            path: KeyPath = ("criteria", index)
            values = self.table(item, path, _CRITERION_KEYS)
            ok = all(key in values for key in ("code", "question", "kind"))
            code = values.get("code", "").strip()
            if code:
                folded = code.casefold()
                if folded in seen:
                    first = self.locator.line_of(("criteria", seen[folded]))
                    self.problem(
                        (*path, "code"), f"kriteriekoden {code} förekommer redan (rad {first})"
                    )
                    ok = False
                else:
                    seen[folded] = index
            kind = values.get("kind")
            if kind is not None and kind not in CRITERION_KINDS:
                allowed = ", ".join(CRITERION_KINDS)
                self.problem((*path, "kind"), f"okänd typ '{kind}' (tillåtna: {allowed})")
                ok = False
                kind = None
            if kind is not None and not self.kind_parameters(values, path, kind):
                ok = False
            references = self.references(values.get("references", []), (*path, "references"))
            own_deviation = self.deviation(values, path, deviation)
            applies = None
            if "applies" in values:
                applies = self.applicability(values["applies"], (*path, "applies"))
                ok = ok and applies is not None
            if ok and references is not None:
                built.append(
                    Criterion(
                        code=code,
                        question=values["question"].strip(),
                        kind=values["kind"],
                        references=references,
                        group=values.get("group", "").strip(),
                        applies=applies,
                        start_label=values.get("start_label", "").strip(),
                        end_label=values.get("end_label", "").strip(),
                        limit_days=values.get("limit_days"),
                        limit_months=values.get("limit_months"),
                        threshold=values.get("threshold"),
                        unit_label=values.get("unit_label", "").strip(),
                        deviation=own_deviation,
                    )
                )
        return tuple(built)

    def kind_parameters(self, values: dict[str, Any], path: KeyPath, kind: str) -> bool:
        before = len(self.problems)
        for key, only in _KIND_ONLY.items():
            if key in values and only != kind:
                self.problem(
                    (*path, key), f"gäller bara typen {only}, men kriteriet har typen {kind}"
                )
        minimums = {"limit_days": 0, "limit_months": 1, "threshold": 1}
        for key, minimum in minimums.items():
            if key in values:
                self.in_range(values[key], (*path, key), minimum)
        for key, message in CRITERION_KINDS[kind].template_problems(values):
            self.problem((*path, key), message)
        return len(self.problems) == before

    def references(self, items: list[Any], path: KeyPath) -> tuple[LegalReference, ...] | None:
        before = len(self.problems)
        built: list[LegalReference] = []
        for index, item in self.tables(items, path):
            ref_path: KeyPath = (*path, index)
            values = self.table(item, ref_path, _REFERENCE_KEYS)
            valid_from = values.get("from")
            valid_to = values.get("to")
            if valid_from is not None and valid_to is not None and valid_from > valid_to:
                self.problem(
                    (*ref_path, "to"),
                    f"giltig till ({valid_to}) är före giltig från ({valid_from})",
                )
            if "text" in values:
                built.append(LegalReference(values["text"].strip(), valid_from, valid_to))
        return tuple(built) if len(self.problems) == before else None

    def applicability(self, table: dict[str, Any], path: KeyPath) -> Applicability | None:
        before = len(self.problems)
        values = self.table(table, path, _APPLIES_KEYS)
        wanted = self.strings(values.get("values", []), (*path, "values"))
        min_months = values.get("min_months")
        if min_months is not None:
            min_months = self.in_range(min_months, (*path, "min_months"), 1)
        if "values" not in table and "min_months" not in table:
            self.problem(path, "ange values eller min_months för när kriteriet gäller")
        if len(self.problems) != before or "attribute" not in values:
            return None
        attribute = values["attribute"].strip()
        reason = values.get("reason", "").strip()
        if not reason:
            conditions = []
            if wanted:
                conditions.append(f"{attribute} är {' eller '.join(wanted)}")
            if min_months is not None:
                conditions.append(f"{attribute} ligger minst {min_months} månader bakåt")
            reason = "Gäller endast när " + " och ".join(conditions)
        return Applicability(
            attribute=attribute,
            values=tuple(v.casefold() for v in wanted),
            min_months=min_months,
            reason=reason,
        )


_NON_EMPTY = {"title", "version", "law", "code", "question", "kind", "text", "attribute"}


def _unknown_key_message(key: str, spec: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(key, list(spec), n=1, cutoff=0.6)
    if close:
        return f"okänd nyckel '{key}' (menade du '{close[0]}'?)"
    return f"okänd nyckel '{key}' (tillåtna: {', '.join(spec)})"
