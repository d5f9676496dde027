"""Long Swedish compounds in narrow table cells are hyphenated (pyphen, Swedish patterns)
instead of running out of their column."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from kvtui.report.styles import make_styles

WORD = "familjehemsplaceringsutredningarna"


def set_lines(text: str, width: float, style_name: str = "cell") -> list[tuple[float, str]]:
    """The lines ReportLab sets the text in: the room left on each (negative when the line
    runs past the width) and its words."""
    style = getattr(make_styles(), style_name)
    paragraph = Paragraph(text, style)
    paragraph.wrap(width, 10_000)
    return [(line[0], " ".join(line[1])) for line in paragraph.blPara.lines]


def test_a_long_compound_in_a_narrow_cell_is_hyphenated() -> None:
    lines = set_lines(f"Antal {WORD} under året", 70)
    assert all(room >= 0 for room, _words in lines), lines  # nothing runs past the cell
    assert any(words.endswith("-") for _room, words in lines), lines
    assert "".join(words.rstrip("-") for _room, words in lines).replace(" ", "") == (
        f"Antal{WORD}underåret")


def test_the_break_falls_between_syllables() -> None:
    lines = set_lines(WORD, 90)
    first = lines[0][1]
    assert first.endswith("-") and WORD.startswith(first[:-1])
    syllable_ends = ("famil", "familje", "familjehem", "familjehems", "familjehemspla",
                     "familjehemsplace", "familjehemsplacerings", "familjehemsplaceringsut")
    assert first[:-1] in syllable_ends


def test_a_hash_is_not_hyphenated() -> None:
    lines = set_lines("a3f9 0c1d 77be 9e2f 5a6b c4d8 e1f0 2b3c", 60, "digest")
    assert not any(words.endswith("-") for _room, words in lines)
