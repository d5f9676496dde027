"""Every way a personnummer reaches kvtui as text: typed, or pasted from a word processor, a web
page, a PDF or a spreadsheet.

Used by the recall test over all of Skatteverket's test numbers (tests/domain) and by the store
tests that write a number through every entry point (tests/store). Only Skatteverket's test
numbers are ever passed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from kvtui.domain.personnummer import as_read

_FULL_WIDTH = {ord(digit): chr(0xFF10 + int(digit)) for digit in "0123456789"} | {
    ord("-"): "\uff0d"}
_ARABIC_INDIC = {ord(digit): chr(0x0660 + int(digit)) for digit in "0123456789"}
_DEVANAGARI = {ord(digit): chr(0x0966 + int(digit)) for digit in "0123456789"}


def _between(char: str) -> Callable[[str], str]:
    """A form with ``char`` between every two characters (an invisible one, as pasted)."""
    return lambda text: char.join(text)


def written_forms(digits12: str) -> dict[str, str]:
    """The number (12 digits) in every written form, by a Swedish name for the form.

    The ten-digit forms of someone 100 or older read as a century later without "+"; they
    are still found (and masked), which is all these forms are used for.
    """
    short, long = digits12[2:], digits12
    date6, date8, tail = short[:6], long[:8], short[6:]
    return {
        "12 siffror": long,
        "10 siffror": short,
        "ÅÅMMDD-NNNN": f"{date6}-{tail}",
        "ÅÅÅÅMMDD-NNNN": f"{date8}-{tail}",
        "ÅÅMMDD NNNN": f"{date6} {tail}",
        "ÅÅMMDD - NNNN": f"{date6} - {tail}",
        "ÅÅÅÅMMDD NNNN": f"{date8} {tail}",
        "tankstreck": f"{date6}\u2013{tail}",
        "långt tankstreck": f"{date8}\u2014{tail}",
        "minustecken": f"{date6}\u2212{tail}",
        "hårt blanksteg": f"{date8}\u00a0{tail}",
        "smalt hårt blanksteg": f"{date6}\u202f{tail}",
        "helbredda siffror": f"{date8}-{tail}".translate(_FULL_WIDTH),
        "helbredda 10 siffror": short.translate(_FULL_WIDTH),
        "arabisk-indiska siffror": long.translate(_ARABIC_INDIC),
        "devanagari-siffror": f"{date6}-{tail}".translate(_DEVANAGARI),
        "nollbreddsblanksteg": _between("\u200b")(f"{date6}-{tail}"),
        "mjukt bindestreck": _between("\u00ad")(long),
        "ordfog och BOM": "\ufeff" + _between("\u2060")(short),
        "nollbreddsfog": _between("\u200d")(f"{date8}-{tail}"),
        "kombinerande tecken": _between("\u0301")(short),
        "radbrytning": f"{date6}\n{tail}",
        "radbrytning efter bindestreck": f"{date6}-\n{tail}",
        "CRLF före bindestreck": f"{date8}\r\n-{tail}",
        "radavgränsare": f"{date8}\u2028{tail}",
    }


FORM_NAMES = tuple(written_forms("0" * 12))


def in_sentence(text: str) -> str:
    """The number as it sits in a case note."""
    return f"Barnet med nr {text} placerades i familjehem."


#: Sentences that put other numbers right beside the personnummer, by a Swedish name: a date,
#: a small number, an amount, a phone number, a clearing number (a Nordea account is its
#: owner's personnummer), another personnummer. "{}" is the number; "{0}" twice is two of them.
NEIGHBOURS = {
    "litet tal efter": "Barn {} 3 syskon.",
    "litet tal före": "Syskon 3 {} bor hemma.",
    "datum efter": "Barnet {} 2024-01-01 placerat.",
    "datum före": "Beslut 2024-01-01 {} familjehem.",
    "årtal efter": "Född {} 1984 i Sjövik.",
    "belopp efter": "Barnet {} 12 500 kr i månaden.",
    "telefonnummer före": "Ring 070-123 45 67 {} i kväll.",
    "telefonnummer efter": "Barnet {} 070 123 45 67 hos mormor.",
    "klockslag före": "Kl. 14.30 {} ringde.",
    "clearingnummer före": "Konto 3300 {} hos Nordea.",
    "två nummer": "Syskonen {0} {0} bor ihop.",
}


def spelt_anyhow(digits12: str) -> re.Pattern[str]:
    """The number in any spelling, in text read by ``as_read``: its date part, up to three
    other characters, its last four digits. The masked form (date part and XXXX) does not
    match."""
    short = digits12[2:]
    return re.compile(re.escape(short[:6]) + r"[^0-9]{0,3}" + re.escape(short[6:]))


def store_texts(folder: Path) -> str:
    """Every file under ``folder`` (a store, its WAL, its backups), read as text."""
    return "\n".join(as_read(path.read_bytes().decode("utf-8", "replace"))
                     for path in sorted(folder.rglob("*")) if path.is_file())
