"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

kvtui must never store one as a case-file reference, and warns when one appears in free text.
Two questions are asked of text, with different strictness:

- ``parse_id``: is this whole string (a case-file reference) a personnummer in any written form?
  Generous about spacing ("ÅÅMMDD - NNNN", "ÅÅÅÅMMDD NNNN"), because a miss stores a child's
  identity.
- ``find_ids``: where are personnummer in free text? Every form needs a real date and a valid
  checksum; a bare ten-digit run also must not continue into a longer number ("2024/0147",
  "070-1234567", "+46 0701234567"), so phone numbers, dates, amounts and diary numbers are
  left alone. A bare twelve-digit run with a century is never left alone, and a number beside
  another across a space ("Barn ÅÅMMDDNNNN 3 syskon") is found: the store masks silently and
  a false alarm costs the auditor one key, while a miss stores a child's personnummer.

The rules (Skatteverket, SKV 704):

- Ten significant digits ÅÅMMDD NNNK: birth date, a three-digit birth number (never 000) and a
  Luhn check digit computed over the ten digits (the century is not part of the checksum).
- A samordningsnummer is the same with 60 added to the day of birth. Its birth date may be
  unknown or uncertain: month 00, day 60 (00 + 60) and days past the month's end (31 April,
  30 February) all occur among Skatteverket's test samordningsnummer, so only month 00-12 and
  day 60-91 are required.
- Written with ten digits, the century is the most recent one that does not put the birth date
  in the future; "+" instead of "-" means the person is 100 or older (one century further back).
- Written with twelve digits the century is explicit; kvtui accepts 18, 19 and 20.

Deliberate deviation from some libraries: a single space in place of the hyphen
("ÅÅMMDD NNNN") is accepted as a written form, and so is a line break (a number pasted from a
document wrapped by hand). As a privacy guard kvtui would rather ask once too often than store
a child's personnummer.

Text is read as a person reads it, whatever was pasted: digits of any script and their
compatibility forms (full-width "１９", mathematical, superscript, Arabic-Indic) count as the
digits they are, any kind of space as a space and any dash as a dash, and characters that are
not seen (zero-width space, soft hyphen, joiners, byte-order mark, combining marks, Hangul
fillers) are passed over. Positions still refer to the text as written, so masking keeps the
rest of it exactly as typed.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["personnummer", "samordningsnummer"]

_CENTURIES = frozenset({"18", "19", "20"})
# Hyphen-like characters word processors put in place of "-" (hyphen, non-breaking hyphen,
# figure dash, en and em dash, horizontal bar, hyphen bullet, minus signs); the full-width and
# small forms become "-" or an em dash when the text is read (see ``as_read``).
_DASH_CHARS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u02d7"
_DASHES = _DASH_CHARS.replace("-", "\\-")  # for a character class
_BLANK = "[ \t\u00a0\u202f]"  # horizontal spaces, including the non-breaking ones
# One space, or one line break with at most a space on either side.
_GAP = rf"(?:{_BLANK}|{_BLANK}?(?:\r\n|\r|\n){_BLANK}?)"
_SEPARATOR = rf"(?:{_GAP}?[{_DASHES}+]{_GAP}?|{_GAP})"

# A whole string: 12 or 10 digits, or a date part and four digits with a separator in between
# (any amount of spacing around it).
_WHOLE = re.compile(
    rf"(?P<date>[0-9]{{8}}|[0-9]{{6}})\s*(?P<sep>[{_DASHES}+]?)\s*(?P<tail>[0-9]{{4}})"
)

# Free text: a separated form, or a bare run of exactly 12 or 10 digits.
_FREE = re.compile(
    rf"(?<![0-9])(?:"
    rf"(?P<date>[0-9]{{8}}|[0-9]{{6}})(?P<sep>{_SEPARATOR})(?P<tail>[0-9]{{4}})"
    rf"|(?P<bare>[0-9]{{12}}|[0-9]{{10}})"
    rf")(?![0-9])"
)

# Characters that join digit groups into one number ("2024/0147", "3.14", "070-1234567",
# "12:30"): a bare ten-digit run next to one of them followed by a digit is part of a longer
# number. A space is not one of them: no phone number or amount has a group of ten digits, so
# a ten-digit run beside a space and a digit sits beside a date, a small number or another
# number ("Barnet ÅÅMMDDNNNN 2024-01-01", "ÅÅMMDDNNNN 3 syskon", "3300 ÅÅMMDDNNNN", a Nordea
# account that is its owner's personnummer) and is found.
_TIGHT_JOINERS = frozenset(_DASH_CHARS + "+/.,:")
# The one neighbour across a space that makes a ten-digit run part of a phone number: an
# international dialling prefix before a national number with its trunk zero
# ("+46 0701234567"). "00" is not taken as a prefix: "Akt 0012 ÅÅMMDDNNNN" is an akt and a
# personnummer.
_DIALLING_PREFIX = re.compile(r"(?<![0-9])\+[0-9]{1,3} \Z")  # in text as read
_ASCII_DIGITS = "0123456789"


# The digit sum of twice a digit, indexed by the digit's ASCII code.
_DOUBLED = bytes(
    (2 * (code - 48) - 9 if code >= 53 else 2 * (code - 48)) if 48 <= code <= 57 else 0
    for code in range(256)
)
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# Characters that are not seen but are not format characters either (Hangul fillers): passed
# over like zero-width spaces.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@dataclass(frozen=True)
class IdNumber:
    """A personnummer or samordningsnummer found in text.

    ``digits12`` has the century; ``start``/``end`` delimit ``text``, the matched span of the
    input as written. ``written`` is the same span as it was read: ASCII digits, "-", "+",
    spaces or a line break (empty when it is ``text`` itself).
    """

    digits12: str
    kind: Kind
    start: int
    end: int
    text: str
    written: str = ""

    @property
    def masked(self) -> str:
        """The span with its last four digits hidden: "ÅÅMMDD-XXXX", "ÅÅÅÅMMDD-XXXX"."""
        return _masked(self.written or self.text)

    @property
    def key(self) -> str:
        """The digits as written (ten or twelve ASCII digits): the same number written with a
        hyphen, a space or full-width digits has the same key."""
        return "".join(char for char in self.written or self.text if char in _ASCII_DIGITS)


def _read_char(char: str) -> str:
    """What a character counts as when looking for numbers ("" when it is not seen)."""
    if char.isascii():
        return char
    category = unicodedata.category(char)
    if category in ("Cf", "Mn", "Me") or char in _INVISIBLE:
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if category == "Zs":
        return " "
    if category in ("Zl", "Zp") or char == "\x85":
        return "\n"
    return unicodedata.normalize("NFKC", char)


class _ReadTable(dict[int, str]):
    """``str.translate``'s table for ``_read_char``, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        read = self[code] = _read_char(chr(code))
        return read


_READ_TABLE = _ReadTable()


def as_read(text: str) -> str:
    """The text as a person reads it: NFKC, any decimal digit as its ASCII digit, any space
    as " ", any line separator as a line break, and format characters, combining marks and
    fillers dropped. ASCII text is read as it is."""
    return text if text.isascii() else text.translate(_READ_TABLE)


class _Origins:
    """Where each character of ``as_read(text)`` came from in ``text``.

    Kept as segments: each stretch of ASCII is read as it is (one to one), each other
    character as what it reads as (perhaps nothing, perhaps more than one character).
    """

    def __init__(self, text: str) -> None:
        self._starts: list[int] = []  # where each segment begins in the text as read
        self._origins: list[int] = []  # and where it begins in the text
        self._ascii: list[bool] = []
        read = position = 0
        for run in _NON_ASCII.finditer(text):
            if run.start() > position:
                self._add(read, position, True)
                read += run.start() - position
            for index in range(run.start(), run.end()):
                length = len(_READ_TABLE[ord(text[index])])
                if length:
                    self._add(read, index, False)
                    read += length
            position = run.end()
        if position < len(text):
            self._add(read, position, True)

    def _add(self, read: int, origin: int, ascii_run: bool) -> None:
        self._starts.append(read)
        self._origins.append(origin)
        self._ascii.append(ascii_run)

    def __getitem__(self, read: int) -> int:
        segment = bisect.bisect_right(self._starts, read) - 1
        if self._ascii[segment]:
            return self._origins[segment] + read - self._starts[segment]
        return self._origins[segment]


def _span(origin: _Origins | None, start: int, end: int) -> tuple[int, int]:
    """The span of the text as written behind ``start:end`` of the text as read (``origin``
    is None when they are the same text)."""
    if origin is None:
        return start, end
    return origin[start], origin[end - 1] + 1


def luhn_ok(ten_digits: str) -> bool:
    """Whether ten ASCII digits carry a valid Luhn check digit (the last one)."""
    if len(ten_digits) != 10 or not ten_digits.isascii() or not ten_digits.isdigit():
        return False
    d = ten_digits.encode("ascii")
    # Digits 1, 3, 5, 7, 9 doubled (digit sum), the others as they are; 240 = 5 x ord("0").
    doubled = _DOUBLED[d[0]] + _DOUBLED[d[2]] + _DOUBLED[d[4]] + _DOUBLED[d[6]] + _DOUBLED[d[8]]
    return (doubled + d[1] + d[3] + d[5] + d[7] + d[9] - 240) % 10 == 0


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return _MONTH_DAYS[month]


def _century_year(yy: int, month: int, day: int, *, plus: bool, today: date) -> int:
    """The full year of a ten-digit number: the latest birth date not after today, then '+'."""
    year = today.year - (today.year - yy) % 100
    if year == today.year and (month, day) > (today.month, today.day):
        year -= 100
    if plus:
        year -= 100
    return year


def _check(
    date_digits: str, tail: str, *, plus: bool, today: date | None
) -> tuple[str, Kind] | None:
    """The 12 digits and kind of a date part and four digits, or None when not a valid number."""
    ten = date_digits[-6:] + tail
    if tail[:3] == "000" or not luhn_ok(ten):
        return None
    month = int(date_digits[-4:-2])
    day = int(date_digits[-2:])
    kind: Kind = "personnummer"
    if day >= 60:
        # Samordningsnummer: day + 60. The birth date may be unknown or uncertain: month or
        # day 00, even 31 April, occur among Skatteverket's own test numbers.
        kind = "samordningsnummer"
        day -= 60
        if month > 12 or day > 31:
            return None
    elif not 1 <= month <= 12 or day < 1:
        return None
    if len(date_digits) == 8:
        if date_digits[:2] not in _CENTURIES:
            return None
        year = int(date_digits[:4])
    else:
        year = _century_year(
            int(date_digits[:2]), month, day, plus=plus, today=today or date.today()
        )
    if year < 1 or (kind == "personnummer" and day > _days_in_month(year, month)):
        return None
    return f"{year:04d}{date_digits[-4:]}{tail}", kind


def parse_id(text: str, *, today: date | None = None) -> IdNumber | None:
    """The personnummer or samordningsnummer that the whole string is, or None.

    Accepts 12 or 10 digits, ÅÅMMDD-NNNN, ÅÅMMDD+NNNN, ÅÅÅÅMMDD-NNNN, with spaces around or
    instead of the separator. ``today`` sets the century of ten-digit forms (default: today).
    """
    read = as_read(text)
    stripped = read.strip()
    match = _WHOLE.fullmatch(stripped)
    if match is None:
        return None
    checked = _check(match["date"], match["tail"], plus=match["sep"] == "+", today=today)
    if checked is None:
        return None
    offset = len(read) - len(read.lstrip())
    origin = None if text.isascii() else _Origins(text)
    start, end = _span(origin, offset, offset + len(stripped))
    return IdNumber(checked[0], checked[1], start, end, text[start:end], stripped)


def _joined(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] continues through a joiner ("-", "+", "/", ".", "," or ":")
    into another digit."""
    before = start >= 2 and text[start - 1] in _TIGHT_JOINERS and text[start - 2].isdigit()
    after = end + 1 < len(text) and text[end] in _TIGHT_JOINERS and text[end + 1].isdigit()
    return before or after


def _in_longer_number(text: str, start: int, end: int) -> bool:
    """Whether the bare run text[start:end] is part of a longer number.

    Twelve digits never are: with a century, a date and a checksum they are a personnummer
    whatever stands beside them. Ten digits are when they continue through a joiner into a
    digit, or follow an international dialling prefix as a phone number ("+46 0701234567").
    """
    if end - start == 12:
        return False
    if _joined(text, start, end):
        return True
    prefix = _DIALLING_PREFIX.search(text, max(start - 6, 0), start)
    return text[start] == "0" and prefix is not None


def find_ids(text: str, *, today: date | None = None) -> list[IdNumber]:
    """Every personnummer and samordningsnummer in free text, in order.

    Separated forms (ÅÅMMDD-NNNN, ÅÅMMDD+NNNN, ÅÅÅÅMMDD-NNNN, also with a space or a line break
    around or instead of the hyphen) and bare runs of 12 digits (century 18, 19 or 20) or 10
    digits, each with a real date and a valid checksum, in the text as read (``as_read``).
    A bare run counts only when it is not part of a longer number (``_in_longer_number``): no
    digit next to it, and for ten digits no joiner-and-digit ("3-ÅÅMMDDNNNN", "ÅÅMMDDNNNN/2024")
    and no dialling prefix ("+46 0701234567"); a space and another number beside it is fine
    ("Barnet ÅÅMMDDNNNN 2024-01-01"). A separated form must not continue through "-", "+",
    "/", ".", "," or ":" into a digit ("ÅÅÅÅMMDD ÅÅÅÅ-MM-DD"); a space next to it is fine
    ("möte 2024-03-05 om ÅÅMMDD-NNNN 14.30").
    """
    read = as_read(text)
    if sum(map(read.count, _ASCII_DIGITS)) < 10:
        return []  # every form has ten digits or more; a quick answer for most fields
    when = today or date.today()
    found: list[IdNumber] = []
    origin: _Origins | None = None  # made when the first number is found
    for match in _FREE.finditer(read):
        bare = match["bare"]
        if bare is not None:
            if _in_longer_number(read, match.start(), match.end()):
                continue
            date_digits, tail, plus = bare[:-4], bare[-4:], False
        else:
            # "ÅÅÅÅMMDD ÅÅÅÅ-MM-DD" is a date before another date, not a number.
            if _joined(read, match.start(), match.end()):
                continue
            date_digits, tail = match["date"], match["tail"]
            plus = "+" in match["sep"]
        checked = _check(date_digits, tail, plus=plus, today=when)
        if checked is not None:
            if origin is None and not text.isascii():
                origin = _Origins(text)
            start, end = _span(origin, match.start(), match.end())
            found.append(IdNumber(checked[0], checked[1], start, end, text[start:end],
                                  match.group()))
    return found


# Six digits, perhaps a dash or plus with any spacing, four digits: every written form holds
# this, read (``as_read``), whatever is around it.
_LOOSE = re.compile(rf"[0-9]{{6}}\s*[{_DASHES}+]?\s*[0-9]{{4}}")


def may_hold_id(text: str) -> bool:
    """False when ``text`` certainly holds no number in any form: one quick look over many
    values joined (by a character that is not a space, such as NUL) before looking at each."""
    return _LOOSE.search(as_read(text)) is not None


def _masked(span: str) -> str:
    run = re.match(r"[0-9]+", span)
    digits = run.group() if run else ""
    date_part = digits[:8] if len(digits) in (8, 12) else digits[:6]
    separator = "+" if "+" in span else "-"
    return f"{date_part}{separator}XXXX"


def mask_found(text: str, numbers: Iterable[IdNumber]) -> str:
    """``text`` with ``numbers`` (found in it) replaced by their date part and XXXX."""
    parts: list[str] = []
    position = 0
    for number in sorted(numbers, key=lambda found: found.start):
        parts.append(text[position:number.start])
        parts.append(number.masked)
        position = number.end
    parts.append(text[position:])
    return "".join(parts)


def mask(text: str, *, today: date | None = None) -> str:
    """The text with each number found replaced by its date part and XXXX ("ÅÅMMDD-XXXX")."""
    return mask_found(text, find_ids(text, today=today))
