"""A hostile template is refused with a Swedish message naming file, line and key, before it
can make tomllib recurse, take minutes, or put a control character on the screen."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvtui.domain.templates import (
    MAX_CRITERIA,
    MAX_KEY_DOTS,
    MAX_LIST_ITEMS,
    MAX_NESTING,
    MAX_SECTIONS,
    MAX_TEMPLATE_CHARS,
    MAX_TEXT_CHARS,
    TemplateError,
    TemplateProblem,
    parse_template,
)

HEADER = """\
title = "Testmall"
version = "1.0"
law = "SoL (2001:453)"
references_checked = 2026-11-01
"""  # lines 1-4
EMPTY = "sections = []\ncriteria = []\n"
CRITERION = """
[[criteria]]
code = "F1"
question = "Finns en vårdplan?"
kind = "deadline"
start_label = "Placerad från"
end_label = "Vårdplan"
"""


def refusal(text: str, source: str = "mall.toml") -> TemplateProblem:
    with pytest.raises(TemplateError) as info:
        parse_template(text, source)
    problem = info.value.problems[0]
    assert str(problem).startswith(source)
    return problem


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a = ", "}")])
def test_deep_nesting_is_refused_before_tomllib_recurses(opening: str, closing: str) -> None:
    for depth in (MAX_NESTING + 1, 5_000):
        text = HEADER + EMPTY + "x = " + opening * depth + "1" + closing * depth + "\n"
        problem = refusal(text)
        assert problem.line == 7
        assert problem.message == (
            f"listor och tabeller är nästlade djupare än {MAX_NESTING} nivåer")


def test_nesting_made_of_table_headers_is_refused_too() -> None:
    dotted = ".".join(f"t{n}" for n in range(MAX_NESTING + 2))
    problem = refusal(HEADER + EMPTY + f"[{dotted}]\nx = 1\n")
    assert "nästlade djupare än" in problem.message


def test_a_key_of_many_parts_is_refused() -> None:
    """Refused from the key alone (how soon: ``bench/refusals.py``)."""
    for parts in (MAX_KEY_DOTS + 2, 20_000):
        problem = refusal(HEADER + EMPTY + ".".join(["a"] * parts) + " = 1\n")
        assert problem.line == 7
        assert f"en nyckel får ha högst {MAX_KEY_DOTS} delar" in problem.message
    header = refusal(HEADER + EMPTY + "[" + ".".join(["a"] * 60_000) + "]\n")
    assert header.line == 7


def test_dots_inside_texts_and_comments_are_not_key_parts() -> None:
    dots = "." * (MAX_KEY_DOTS * 3)
    template = parse_template(
        HEADER + f'description = "{dots}"  # {dots}\n' + EMPTY, "mall.toml")
    assert template.description == dots


def test_a_huge_key_is_refused_and_shown_shortened() -> None:
    problem = refusal(HEADER + EMPTY + '"' + "k" * 5_000 + '" = 1\n')
    assert problem.key == "k" * 40 + "…"
    assert problem.message == "nyckeln är 5\u00a0000 tecken lång; en nyckel får ha högst 100 tecken"


def test_a_huge_text_is_refused() -> None:
    text = HEADER.replace('"Testmall"', '"' + "x" * (MAX_TEXT_CHARS + 1) + '"') + EMPTY
    problem = refusal(text)
    assert (problem.line, problem.key) == (1, "title")
    assert problem.message.startswith("texten är 10\u00a0001 tecken lång")


@pytest.mark.parametrize("number, words", [
    ("9" * 5_000, "talet är för stort (högst 1\u00a0000\u00a0000)"),
    ("10_000_000_000", "talet är för stort (högst 1\u00a0000\u00a0000)"),
    ("-10_000_000_000", "talet är för stort"),
    ("inf", "inf är inget tal som kan användas"),
    ("-inf", "-inf är inget tal som kan användas"),
    ("nan", "nan är inget tal som kan användas"),
    ("1e400", "inf är inget tal som kan användas"),
])
def test_unbounded_numbers_are_refused(number: str, words: str) -> None:
    problem = refusal(HEADER + EMPTY + f"extra = {number}\n")
    assert problem.line == 7
    assert words in problem.message
    assert "Exceeds" not in str(problem)


@pytest.mark.parametrize("key, value, words", [
    ("limit_days", "36_501", "limit_days: måste vara högst 36\u00a0500, fick 36\u00a0501"),
    ("limit_months", "1_201", "limit_months: måste vara högst 1\u00a0200"),
])
def test_deadlines_past_a_hundred_years_are_refused(key: str, value: str, words: str) -> None:
    problem = refusal(HEADER + "sections = []\n" + CRITERION + f"{key} = {value}\n")
    assert problem.line == 13
    assert words in str(problem)


def test_a_deadline_of_a_hundred_years_is_allowed() -> None:
    template = parse_template(HEADER + "sections = []\n" + CRITERION + "limit_days = 36_500\n",
                              "mall.toml")
    assert template.criteria[0].limit_days == 36_500


def test_too_many_sections_criteria_or_list_items_are_refused() -> None:
    sections = "".join(f'[[sections]]\nnumber = "{n}"\ntitle = "A"\n'
                       for n in range(1, MAX_SECTIONS + 2))
    problem = refusal(HEADER + "criteria = []\n" + sections)
    assert (problem.key, problem.message) == (
        "sections", f"listan har {MAX_SECTIONS + 1} poster; högst {MAX_SECTIONS} går att använda")
    criteria = "".join(f'[[criteria]]\ncode = "K{n}"\nquestion = "?"\nkind = "judgement"\n'
                       for n in range(MAX_CRITERIA + 1))
    assert refusal(HEADER + "sections = []\n" + criteria).key == "criteria"
    roles = ", ".join(['"roll"'] * (MAX_LIST_ITEMS + 1))
    assert refusal(HEADER + EMPTY + f"interview_roles = [{roles}]\n").key == "interview_roles"


def test_a_template_larger_than_allowed_is_refused_before_it_is_parsed() -> None:
    text = HEADER + EMPTY + "# " + "x" * MAX_TEMPLATE_CHARS + "\n"
    problem = refusal(text)
    assert problem.line is None
    assert problem.message.startswith("mallen är ")


@pytest.mark.parametrize("escape, shown", [("\\u001b", "\\x1b"), ("\\u009b", "\\x9b"),
                                           ("\\u202e", "\\u202e"), ("\\u2028", "\\u2028")])
def test_control_characters_written_as_escapes_are_refused_and_shown_escaped(
    escape: str, shown: str,
) -> None:
    problem = refusal(HEADER.replace('"Testmall"', f'"Test{escape}mall"') + EMPTY)
    assert (problem.line, problem.key) == (1, "title")
    assert shown in str(problem)
    assert not any(char in str(problem) for char in "\x1b\x9b\u202e\u2028")


def test_a_key_with_a_direction_override_is_refused() -> None:
    problem = refusal(HEADER + EMPTY + '"okänd\\u202e" = 1\n')
    assert "nyckeln innehåller riktningstecknet \\u202e" in str(problem)
    assert "\u202e" not in str(problem)


def test_unknown_key_messages_show_file_text_escaped() -> None:
    with pytest.raises(TemplateError) as info:
        parse_template(HEADER + "sections = []\n[[criteria]]\ncode = \"A\"\nquestion = \"?\"\n"
                       'kind = "judgement"\nextra = 1\n', "mall\x1b.toml")
    assert str(info.value).startswith("mall\\x1b.toml, rad 10, criteria[1].extra: okänd nyckel")


def test_every_toml_syntax_error_is_worded_in_swedish() -> None:
    for text in ('x = "a\\qb"', 'x = "\\uZZZZ"', 'x = "\\uD800"', "a = {b=1, b=2}", "x = [1 2]",
                 "a = {b=1}\na.c = 2", "[a]\nb=1\n[a]", "a = 1 2", "[a.b]\n[a]\nb.c=1\n[a.b.c]"):
        problem = refusal(text)
        assert problem.message.startswith("TOML-syntaxfel"), problem
        assert not any(word in problem.message for word in ("Expected", "Cannot", "Invalid",
                                                            "Found", "namespace"))


_TOML_SHAPES = st.lists(
    st.sampled_from([*"[]{}.=\"'#\n ,:\\abk0129_-+einf", "\\u001b", "[[c]]", '"""', "1e999"]),
    max_size=120,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(body=_TOML_SHAPES)
def test_any_text_gives_a_template_or_a_template_error(body: str) -> None:
    try:
        parse_template(HEADER + EMPTY + body, "mall.toml")
    except TemplateError as error:
        assert all(isinstance(problem, TemplateProblem) for problem in error.problems)
