"""The auditor's structure in a section text: sub-headings, footnotes, quotes, joined lines."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from kvtui.domain.judgement import InterviewView, ObservationView, SectionView
from kvtui.domain.section_text import (
    MISSING_QUOTE,
    BulletList,
    Footnote,
    Paragraph,
    Quote,
    Subheading,
    Text,
    definite_role,
    inlines,
    parse_section_text,
    plain_lines,
    quotable,
    quote_markup,
    quote_sentence,
    section_problems,
    signoff_refusal,
    subheading_numbers,
    text_problems,
    word_count,
)

OBS_ID = "5b0c2d8e-1f7a-4c3e-9d2b-0a1b2c3d4e5f"
GONE_ID = "00000000-0000-4000-8000-000000000000"


def _interview(notes: str = "") -> InterviewView:
    return InterviewView("i1", date(2025, 3, 4), ("gruppledare",), 1, "individual", notes,
                         (ObservationView(OBS_ID, "Vi har  ärendegenomgång varje vecka."),))


def test_hard_line_breaks_are_joined_and_blank_lines_separate() -> None:
    blocks = parse_section_text("Ett stycke som\nklistrats in\r\nmed radbrytningar.\n\n"
                                "Andra   stycket.\n   \nTredje.")
    assert blocks == [Paragraph((Text("Ett stycke som klistrats in med radbrytningar."),)),
                      Paragraph((Text("Andra stycket."),)),
                      Paragraph((Text("Tredje."),))]


def test_subheadings_end_the_paragraph_before_them() -> None:
    blocks = parse_section_text("Inledning.\n# Personal\nText om personal\nsom fortsätter.\n"
                                "## Ledning\n#ingen rubrik")
    assert blocks == [Paragraph((Text("Inledning."),)), Subheading("Personal"),
                      Paragraph((Text("Text om personal som fortsätter."),)),
                      Subheading("Ledning"), Paragraph((Text("#ingen rubrik"),))]


def test_bullets_stay_bullets_and_wrapped_lines_continue_the_item() -> None:
    blocks = parse_section_text("Det finns:\n• rutiner för\n  uppföljning\n- en plan som\n"
                                "gäller i år\n* ett tredje\nNytt stycke efter listan.")
    assert blocks == [
        Paragraph((Text("Det finns:"),)),
        BulletList(((Text("rutiner för uppföljning"),), (Text("en plan som gäller i år"),),
                    (Text("ett tredje"),))),
        Paragraph((Text("Nytt stycke efter listan."),)),
    ]


def test_footnotes_and_quotes_inline_with_balanced_brackets() -> None:
    text = (f"Metoden[fotnot: Signs of Safety [SoS] är en metod.] används. "
            f"{quote_markup(OBS_ID)} Slut[FOTNOT:andra]")
    (block,) = parse_section_text(text)
    assert isinstance(block, Paragraph)
    assert block.parts == (Text("Metoden"), Footnote("Signs of Safety [SoS] är en metod."),
                           Text(" används. "), Quote(OBS_ID), Text(" Slut"),
                           Footnote("andra"))


def test_open_and_malformed_markup_stays_as_typed_and_is_named() -> None:
    text = ("Stycke [fotnot: öppen not\n\nAnnat [citat: inte-ett-id] och [citat: "
            f"{GONE_ID}] och [fotnot: ]\n\n# Rubrik [fotnot: x]")
    blocks = parse_section_text(text)
    assert blocks[0] == Paragraph((Text("Stycke [fotnot: öppen not"),))
    problems = text_problems(text, {OBS_ID})
    assert problems == [
        "en fotnot saknar avslutande ] (”[fotnot: öppen not”)",
        "citatet ”[citat: inte-ett-id]” hänvisar inte till någon iakttagelse; infoga citat "
        "med Ctrl+O",
        "ett citat hänvisar till en iakttagelse som har tagits bort",
        "en fotnot är tom",
        "rubriken ”Rubrik [fotnot: x]” kan inte ha fotnot eller citat",
    ]
    assert text_problems(f"Bra {quote_markup(OBS_ID)}[fotnot: ok]", {OBS_ID}) == []


def test_a_footnote_cannot_span_paragraphs() -> None:
    assert text_problems("[fotnot: början\n\nslut]", set()) == [
        "en fotnot saknar avslutande ] (”[fotnot: början”)"]


def test_subheading_numbers_follow_the_section() -> None:
    assert subheading_numbers("4.1", 2, has_subsections=False) == ["4.1.1", "4.1.2"]
    assert subheading_numbers("6", 1, has_subsections=False) == ["6.1"]
    assert subheading_numbers("4", 2, has_subsections=True) == ["", ""]
    assert subheading_numbers("", 1, has_subsections=False) == [""]


def test_quotes_name_the_role_and_date_never_a_person() -> None:
    quotes = quotable([_interview(notes="Samtal med Karin Testsson")])
    sentence = quotes[OBS_ID].sentence
    assert sentence == ("Gruppledaren uppger vid intervjun den 4 mars 2025: ”Vi har "
                        "ärendegenomgång varje vecka.”")
    assert "Karin" not in sentence and "Karin" not in quotes[OBS_ID].label
    assert quote_sentence(("enhetschef", "gruppledare"), None, 2, "x") == (
        "Enhetschefen och gruppledaren uppger vid intervjun: ”x”")
    # A group, or a role that cannot be inflected safely: no inflection needed.
    assert quote_sentence(("socialsekreterare",), date(2025, 1, 2), 4, "x") == (
        "Vid intervjun med socialsekreterare den 2 januari 2025 framkom: ”x”")
    assert quote_sentence(("chef för IFO",), None, 1, "x") == (
        "Vid intervjun med chef för IFO framkom: ”x”")
    assert quote_sentence((), None, 1, "x") == "Vid en intervju framkom: ”x”"


def test_definite_roles() -> None:
    assert [definite_role(r) for r in ("gruppledare", "Enhetschef", "konsulent", "psykolog",
                                       "IFO-chef", "rektor", "två ord", "")] == [
        "gruppledaren", "Enhetschefen", "konsulenten", "psykologen", "IFO-chefen", None,
        None, None]


def test_problems_name_the_section_and_refuse_signing() -> None:
    sections = [SectionView("s1", "4.1", "Uppdrag", "struktur", "text", 2,
                            f"Text {quote_markup(GONE_ID)}"),
                SectionView("s2", "2", "Syfte", "", "purpose", 1, "[fotnot: öppen")]
    problems = section_problems(sections, [_interview()])
    assert problems == ["Avsnitt 4.1 Uppdrag: ett citat hänvisar till en iakttagelse som har "
                        "tagits bort"]
    assert signoff_refusal(problems).startswith("Rapporten kan inte signeras")


def test_plain_lines_show_what_the_report_will_read() -> None:
    text = (f"# Ledning\nStycke\nett.[fotnot: Noten.]\n\n• punkt {quote_markup(OBS_ID)}\n"
            f"• {quote_markup(GONE_ID)}")
    lines = plain_lines(parse_section_text(text), "4.2", has_subsections=False,
                        quotes=quotable([_interview()]), first_note=3)
    assert lines == [
        "4.2.1 Ledning", "", "Stycke ett.[3]", "",
        "• punkt Gruppledaren uppger vid intervjun den 4 mars 2025: ”Vi har ärendegenomgång "
        "varje vecka.”",
        f"• {MISSING_QUOTE}", "", "Fotnoter:", "[3] Noten.",
    ]


_words = st.text(alphabet="abcåäöXYZ019.,;:!?()-#*•", min_size=1, max_size=8)
_lines = st.lists(st.lists(_words, min_size=0, max_size=6).map(" ".join), max_size=12)


@settings(max_examples=200, deadline=None)
@given(_lines, st.sampled_from(["\n", "\r\n", "\n  "]))
def test_joining_never_loses_or_reorders_words(lines: list[str], sep: str) -> None:
    text = sep.join(lines)
    printed: list[str] = []
    for block in parse_section_text(text):
        for part in inlines([block]):
            assert isinstance(part, Text)  # no markup in this alphabet
            printed.extend(part.text.split())
    expected = []
    for line in text.replace("\r\n", "\n").split("\n"):
        words, stripped = line.split(), line.strip()
        if (stripped == "•" or stripped[:2] in ("• ", "- ", "* ")
                or re.match(r"#{1,3}\s+\S", stripped)):
            words = words[1:]  # the markers themselves are not printed
        expected.extend(words)
    assert printed == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_and_keeps_its_notes(text: str) -> None:
    blocks = parse_section_text(text)  # never raises
    notes = [part for part in inlines(blocks) if isinstance(part, Footnote)]
    assert len(notes) <= text.casefold().count("fotnot")
    text_problems(text, set())


def test_word_count_leaves_out_markup_and_quotes() -> None:
    text = ("# Verksamhetens uppdrag\n"
            "Enheten ger stöd[fotnot: Enligt delegationsordningen.] till familjer.\n"
            "[citat: obs-1]\n\n"
            "- första punkten\n- andra punkten")
    # heading 2, paragraph 5 and its footnote 2, items 2 + 2; the quote and the markup none
    assert word_count(text) == 13
    assert word_count("") == 0
    assert word_count("[fotnot: öppen") == 2  # unclosed: read as plain text
