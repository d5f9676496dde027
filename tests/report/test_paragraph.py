"""The report's paragraphs: plain text made as the parser makes it, lines broken once per
width and anew after a split."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import paragraph as reportlab_paragraph

from kvtui.domain.report_data import ReportData
from kvtui.report import paragraph as paragraph_module
from kvtui.report.document import render_report
from kvtui.report.fonts import REGULAR, register_fonts
from kvtui.report.paragraph import Paragraph, Run, plain_frags, run_frags
from kvtui.report.styles import make_styles

TEXT = " ".join(["Genomförandeplanen är upprättad tillsammans med barnet och vårdnadshavarna."] * 8)


@pytest.fixture
def paragraph(monkeypatch: pytest.MonkeyPatch) -> tuple[Paragraph, list[Any]]:
    register_fonts()
    made = Paragraph(TEXT, ParagraphStyle("t", fontName=REGULAR, fontSize=10, leading=14))
    breaks: list[Any] = []
    original = made.breakLines

    def counted(widths: Any) -> Any:
        breaks.append(widths)
        return original(widths)

    monkeypatch.setattr(made, "breakLines", counted)
    return made, breaks


def test_same_width_breaks_once(paragraph: tuple[Paragraph, list[Any]]) -> None:
    made, breaks = paragraph
    first = made.wrap(300, 800)
    assert made.wrap(300, 200) == first
    assert len(breaks) == 1


def test_other_width_breaks_again(paragraph: tuple[Paragraph, list[Any]]) -> None:
    made, breaks = paragraph
    wide = made.wrap(400, 800)
    narrow = made.wrap(200, 800)
    assert narrow[1] > wide[1]
    assert made.wrap(400, 800) == wide
    assert len(breaks) == 3


def test_split_forgets_the_lines(paragraph: tuple[Paragraph, list[Any]]) -> None:
    made, breaks = paragraph
    made.wrap(300, 800)
    parts = made.split(300, 30)
    assert len(parts) == 2 and all(isinstance(part, Paragraph) for part in parts)
    made.wrap(300, 800)
    assert len(breaks) >= 2


# --- plain text without the parser ----------------------------------------------------------


def _parsed(text: str, style: Any) -> tuple[str, list[dict[str, Any]]]:
    """What ReportLab's own Paragraph makes of the text: its text and fragments."""
    made = reportlab_paragraph.Paragraph(text, style)
    return made.text, [dict(frag.__dict__) for frag in made.frags]


STYLES = [value for value in vars(make_styles()).values() if isinstance(value, ParagraphStyle)]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120),
       index=st.integers(min_value=0, max_value=len(STYLES) - 1))
def test_plain_text_makes_the_parsers_fragments(text: str, index: int) -> None:
    style = STYLES[index]
    plain = plain_frags(text, style)
    if plain is None:
        assert set(text) & set("<>&") or not text.strip()
        return
    cleaned, frags = plain
    assert (cleaned, [dict(frag.__dict__) for frag in frags]) == _parsed(text, style)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                           blacklist_characters="<>&"), max_size=80),
       bullet=st.sampled_from(["•", "–", "1.", "a)"]),
       index=st.integers(min_value=0, max_value=len(STYLES) - 1))
def test_a_bulleted_plain_paragraph_is_the_parsers(text: str, bullet: str, index: int) -> None:
    style = STYLES[index]
    ours = Paragraph(text, style, bulletText=bullet)
    theirs = reportlab_paragraph.Paragraph(text, style, bulletText=bullet)
    assert ours.text == theirs.text and ours.bulletText == theirs.bulletText == bullet
    assert ours.style is theirs.style
    assert [dict(f.__dict__) for f in ours.frags] == [dict(f.__dict__) for f in theirs.frags]


def test_every_style_and_a_swedish_sentence() -> None:
    text = "  Barnets\u00a0synpunkter  framträder\ttydligt,\n men inte\u00ad alltid. "
    for style in STYLES:
        plain = plain_frags(text, style)
        assert plain is not None
        cleaned, frags = plain
        assert (cleaned, [dict(f.__dict__) for f in frags]) == _parsed(text, style)
    assert plain_frags("<b>F1</b>", STYLES[0]) is None
    assert plain_frags("A &amp; B", STYLES[0]) is None


RUN_TEXT = st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
                     st.text(alphabet="aÅö §1.\u00a0\n", max_size=20))
RUNS = st.lists(st.builds(Run, text=RUN_TEXT, bold=st.booleans(),
                          size=st.sampled_from([None, 7.2, 8, 10.5]),
                          color=st.sampled_from([None, "#5A6472", "#000000"])),
                max_size=5)


@settings(max_examples=300, deadline=None)
@given(runs=RUNS, index=st.integers(min_value=0, max_value=len(STYLES) - 1),
       bullet=st.sampled_from([None, "•"]))
def test_runs_make_the_parsers_fragments(runs: list[Run], index: int, bullet: str | None
                                         ) -> None:
    style = STYLES[index]
    text, frags = run_frags(runs, style)
    assert text == "".join(run.markup() for run in runs)
    ours = Paragraph.of_runs(runs, style, bulletText=bullet)
    theirs = reportlab_paragraph.Paragraph(text, style, bulletText=bullet)
    assert (ours.text, ours.bulletText) == (theirs.text, theirs.bulletText)
    assert [dict(f.__dict__) for f in ours.frags] == [dict(f.__dict__) for f in theirs.frags]
    event("made without the parser" if frags is not None else "parsed")


def test_a_results_label_skips_the_parser() -> None:
    runs = [Run("F1", bold=True), Run(" Genomförandeplan finns\n"),
            Run("SoL 11 kap. 3 §", size=7.2, color="#5A6472")]
    text, frags = run_frags(runs, STYLES[0])
    assert frags is not None and [frag.__tag__ for frag in frags] == ["b", "para", "br", "font"]
    assert text == ('<b>F1</b> Genomförandeplan finns<br/>'
                    '<font size="7.2" color="#5A6472">SoL 11 kap. 3 §</font>')
    assert run_frags([Run("F1  x")], STYLES[0])[1] is None  # spaces to fold: the parser's


def test_the_report_is_drawn_the_same_without_the_shortcut(
        demo_data: ReportData, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page's content, byte for byte, as when the parser reads every paragraph."""
    def contents(pdf: bytes) -> list[bytes]:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            return [page.obj.Contents.read_bytes() for page in doc.pages]

    quick = contents(render_report(demo_data, draft=False).pdf)
    monkeypatch.setattr(paragraph_module, "plain_frags", lambda text, style: None)
    monkeypatch.setattr(paragraph_module, "run_frags",
                        lambda runs, style: ("".join(run.markup() for run in runs), None))
    parsed = contents(render_report(demo_data, draft=False).pdf)
    assert len(quick) == len(parsed) > 10
    assert quick == parsed
