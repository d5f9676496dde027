"""Characters that must never reach a terminal raw are shown escaped, and only those."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvtui.domain.safe_text import (
    describe_char,
    escape_char,
    first_unsafe,
    printable,
    printable_json,
    typed_text,
)

NEVER_RAW = (
    [chr(code) for code in (*range(0x00, 0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20))]
    + [chr(code) for code in range(0x7F, 0xA0)]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029", "\u202a", "\u202b", "\u202c",
       "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)


def test_every_dangerous_character_is_escaped() -> None:
    for char in NEVER_RAW:
        shown = printable(f"a{char}b")
        assert char not in shown and shown == f"a{escape_char(char)}b", repr(char)


def test_escapes_are_written_as_python_writes_them() -> None:
    assert printable("\x1b[2J") == "\\x1b[2J"
    assert printable("BoU-\u202e321") == "BoU-\\u202e321"
    assert printable("\x9b31m") == "\\x9b31m"


def test_swedish_text_tab_and_ordinary_unicode_pass_unchanged() -> None:
    text = "Åsa Öberg – nätverkshem\t€ 😀 \u00a0 ½"
    assert printable(text) is text


def test_newlines_are_escaped_on_one_line_and_kept_on_many() -> None:
    assert printable("a\nb") == "a\\nb"
    assert printable("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"
    assert printable("a\r\nb", keep_newlines=True) == "a\\r\nb"


def test_values_may_hold_tab_newline_and_carriage_return_but_nothing_else() -> None:
    assert first_unsafe("rad ett\r\nrad två\tflik") == -1
    assert first_unsafe("ok\x1b") == 2
    assert first_unsafe("ok\u2066", 1) == 2


def test_characters_are_described_in_swedish() -> None:
    assert describe_char("\x1b") == "styrtecknet \\x1b"
    assert describe_char("\x85") == "styrtecknet \\x85"
    assert describe_char("\u202e") == "riktningstecknet \\u202e"
    assert describe_char("\u2028") == "radbrytningstecknet \\u2028"


@pytest.mark.slow
@given(st.text())
def test_printable_output_never_holds_a_dangerous_character(text: str) -> None:
    shown = printable(text)
    assert not any(char in shown for char in [*NEVER_RAW, "\n"])
    assert printable(shown) == shown


@given(st.dictionaries(st.text(), st.text()))
def test_json_stays_valid_and_equal_but_safe(data: dict[str, str]) -> None:
    text = printable_json(json.dumps(data, ensure_ascii=False, indent=2))
    assert json.loads(text) == data
    assert not any(char in text for char in NEVER_RAW)


def test_typed_text_keeps_nothing_that_could_act_on_a_terminal() -> None:
    for char in NEVER_RAW:
        kept = typed_text(f"a{char}b")
        assert first_unsafe(kept) < 0, repr(char)
        expected = "a\nb" if char in "\x0b\x0c\x85\u2028\u2029" else (
            "a\rb" if char == "\r" else "ab")
        assert kept == expected, repr(char)
    assert typed_text("Rad 1\r\n\tRad 2 – åäö\n") == "Rad 1\r\n\tRad 2 – åäö\n"
    assert typed_text("jour\x1b[31mhem") == "jour[31mhem"  # the sequence is inert text


@given(st.text())
def test_typed_text_is_safe_and_settled(text: str) -> None:
    kept = typed_text(text)
    assert first_unsafe(kept) < 0 and typed_text(kept) == kept



def test_typed_origin_finds_each_character_where_it_was_typed() -> None:
    from kvtui.domain.safe_text import typed_origin

    text = "\x1b[2Jrad 1\u2028\u202erad\x9b 2\x0b\x7f\x7fslut\u200e"
    typed = typed_text(text)
    assert typed == "[2Jrad 1\nrad 2\nslut"
    for index, char in enumerate(typed):
        origin = typed_origin(text, index)
        assert text[origin] == char or (char == "\n" and text[origin] in "\u2028\x0b"), index
    assert [typed_origin(text, index) for index in (0, 8, 13)] == [1, 9, 16]
    assert typed_origin("utan styrtecken", 4) == 4
