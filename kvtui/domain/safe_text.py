"""Characters that must never reach a terminal raw, and how to show them instead.

A file from another system is not trusted to be text meant for a screen. An escape character
(``\\x1b``) in a cell of an imported list, written raw to a terminal, starts a control sequence
that can move the cursor, rewrite what is on the screen or change the window title; DEL and the
C1 controls (U+0080–U+009F) do the same on some terminals; and a bidirectional override such as
U+202E shows "BoU-321" where the file says "BoU-123". So values read from files are refused
when they hold such characters, and any message that quotes a file's text shows them escaped,
as Python writes them in a string literal: ``\\x1b``, ``\\u202e``.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline aside), DEL, C1 controls, the bidirectional formatting
# characters (marks, embeddings, overrides, isolates) and the Unicode line and paragraph
# separators. Tab, newline and carriage return are judged by the caller: a CSV line may end in
# CR LF, and a multi-line message keeps its newlines.
_NEVER_RAW = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
)
_UNSAFE_IN_VALUES = re.compile(f"[{_NEVER_RAW}]")
_UNSAFE_ON_ONE_LINE = re.compile(f"[{_NEVER_RAW}\r\n]")
_UNSAFE_ON_LINES = re.compile(f"[{_NEVER_RAW}\r]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LINE_BREAKS = frozenset("\x0b\x0c\x85\u2028\u2029")


def _escaped(match: re.Match[str]) -> str:
    return escape_char(match.group())


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """The text with every character that could act on a terminal written as an escape.

    Newlines are escaped too unless ``keep_newlines``: a one-line message quoting a file's
    header stays one line. Text without such characters comes back as it is.
    """
    pattern = _UNSAFE_ON_LINES if keep_newlines else _UNSAFE_ON_ONE_LINE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escaped, text)


def printable_json(text: str) -> str:
    """JSON text with every character ``printable`` would escape written as a \\u escape.

    ``json.dumps(..., ensure_ascii=False)`` escapes the C0 controls but writes DEL, the C1
    controls and the direction marks as they are; written as escapes they keep the JSON valid
    and parse back to the same values.
    """
    if _UNSAFE_ON_LINES.search(text) is None:
        return text
    return _UNSAFE_ON_LINES.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def first_unsafe(text: str, start: int = 0) -> int:
    """The index of the first character a value must not hold, or -1.

    Tab, newline and carriage return are allowed (a value may span lines); every character
    ``printable`` escapes besides those is not.
    """
    match = _UNSAFE_IN_VALUES.search(text, start)
    return match.start() if match else -1


def typed_text(text: str) -> str:
    """Text typed or pasted by the auditor, as the store keeps it: every character a value
    must not hold (``first_unsafe``) taken out, and the vertical tab, form feed, next line and
    the Unicode line and paragraph separators, which word processors paste as line breaks,
    made newlines. Text without such characters comes back as it is.

    Files are refused instead (the auditor can mend a file, not see what is wrong with a
    paste); text typed by hand has no use for these characters.
    """
    if _UNSAFE_IN_VALUES.search(text) is None:
        return text
    return _UNSAFE_IN_VALUES.sub(_typed, text)


def typed_origin(text: str, index: int) -> int:
    """Where the character at ``index`` of ``typed_text(text)`` stands in ``text``: for a
    message that names the line of something found in the text as the store keeps it."""
    taken_out = 0  # characters of ``text`` before the one sought that typed_text dropped
    for match in _UNSAFE_IN_VALUES.finditer(text):
        at = match.start() - taken_out  # where the match stands in the text as typed
        if index < at:
            break
        if match.group() not in _LINE_BREAKS:
            taken_out += 1
        elif index == at:  # the line break it became
            return match.start()
    return index + taken_out


def blank(text: str) -> bool:
    """Whether a required text is missing: nothing but spaces once the characters the store
    takes out (``typed_text``) are out. A paste of a direction mark alone is no title."""
    return not typed_text(text).strip()


def _typed(match: re.Match[str]) -> str:
    return "\n" if match.group() in _LINE_BREAKS else ""


def escape_char(char: str) -> str:
    """One character as ``printable`` writes it: "\\x1b", "\\u202e", "\\n"."""
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def describe_char(char: str) -> str:
    """What kind of character it is, in Swedish, with its escape: "styrtecknet \\x1b"."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "styrtecknet"
    elif code in (0x2028, 0x2029):
        kind = "radbrytningstecknet"
    else:
        kind = "riktningstecknet"
    return f"{kind} {escape_char(char)}"
