"""ReportLab's Paragraph, made and measured with less repeated work; the same lines drawn.

Two things a report asks of ReportLab again and again, done once (``bench/export.py``'s goal,
1.5 times a plain ReportLab document, is why):

- Plain text (no markup, no entity) is not run through ReportLab's markup parser: its one
  fragment, in the style's font, size and colour, is made directly, as the parser would make
  it; a bullet given as plain text is kept as given, as the parser keeps it. Most of a
  report's paragraphs are plain, and the parser is the larger part of making one.
  ``tests/report/test_paragraph.py`` checks that the fragments equal the parser's for any
  text and for every style of the report.
- A paragraph with a little markup of its own (a bold code, a line break, a smaller grey
  reference) is given as runs of text (``Run``) and made into the fragments the parser would
  make of its markup, without parsing it; the same test module checks this for any runs.
- A frame, a ``KeepTogether`` around it and the footnote area each ask the same paragraph for
  its size at the same width; ReportLab breaks the lines anew at every such ``wrap``. A
  paragraph's lines depend only on the width (its text and style do not change once made), so
  a second ``wrap`` at that width gives back the first answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import toColor
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.platypus import paragraph as reportlab_paragraph
from reportlab.platypus.paragraph import textTransformFrags  # type: ignore[attr-defined]
from reportlab.platypus.paraparser import ParaFrag

MARKUP = frozenset("<>&")


@dataclass(frozen=True)
class Run:
    """A stretch of a paragraph's text in one look: bold, or in a size and colour of its own
    (``<b>`` and ``<font size color>`` in ReportLab's markup). A line break in the text is a
    line break in the paragraph (``<br/>``)."""

    text: str
    bold: bool = False
    size: float | None = None
    color: str | None = None

    def markup(self) -> str:
        """The run in ReportLab's markup."""
        text = escape(self.text).replace("\n", "<br/>")
        if self.bold:
            text = f"<b>{text}</b>"
        if self.size is not None or self.color is not None:
            size = "" if self.size is None else f' size="{self.size}"'
            color = "" if self.color is None else f' color="{self.color}"'
            text = f"<font{size}{color}>{text}</font>"
        return text


def _frag(style: Any, text: str, tag: str) -> ParaFrag:
    """A fragment in the style's own font, size and colour, as the parser starts each one."""
    frag = ParaFrag()
    frag.rise = 0
    frag.greek = 0
    frag.link = []
    family, frag.bold, frag.italic = ps2tt(style.fontName)
    frag.fontName = tt2ps(family, frag.bold, frag.italic)
    frag.fontSize = style.fontSize
    frag.textColor = style.textColor
    frag.us_lines = []
    frag.__tag__ = tag
    frag.text = text
    return frag


def plain_frags(text: Any, style: Any) -> tuple[str, list[ParaFrag]] | None:
    """The text as ReportLab cleans it and the fragments its parser would make of it, when it
    is plain text in ``style``; None when the parser must read it (markup, entities, nothing
    to show)."""
    if not isinstance(text, str) or not MARKUP.isdisjoint(text):
        return None
    cleaned = reportlab_paragraph.cleanBlockQuotedText(text)
    if not cleaned:
        return None
    frags = [_frag(style, cleaned, "para")]
    textTransformFrags(frags, style)
    return cleaned, frags


def run_frags(runs: Sequence[Run], style: Any) -> tuple[str, list[ParaFrag] | None]:
    """The runs' markup, and the fragments the parser would make of it; None for the
    fragments when the parser would part or change the text (an entity, spaces to fold,
    nothing to show): then the parser must read it."""
    text = "".join(run.markup() for run in runs)
    if (not text or reportlab_paragraph.cleanBlockQuotedText(text) != text
            or any(not MARKUP.isdisjoint(run.text) for run in runs)):
        return text, None
    frags: list[ParaFrag] = []
    for run in _joined(runs):
        for number, piece in enumerate(run.text.split("\n")):
            if number:
                frags.append(_styled(_frag(style, "", "br"), run))
                frags[-1].lineBreak = True
            if piece:
                frags.append(_styled(_frag(style, piece, "para"), run))
    textTransformFrags(frags, style)
    return text, frags


def _joined(runs: Sequence[Run]) -> list[Run]:
    """The runs with neighbouring plain ones made one: nothing in the markup parts them."""
    joined: list[Run] = []
    for run in runs:
        if joined and run == Run(run.text) and joined[-1] == Run(joined[-1].text):
            joined[-1] = Run(joined[-1].text + run.text)
        else:
            joined.append(run)
    return joined


def _styled(frag: ParaFrag, run: Run) -> ParaFrag:
    """The fragment in the run's look, with the tag the parser names it by (the innermost)."""
    if run.size is not None or run.color is not None:
        if run.size is not None:
            frag.fontSize = run.size
        if run.color is not None:
            frag.textColor = toColor(run.color)
        if frag.__tag__ == "para":
            frag.__tag__ = "font"
    if run.bold:
        family, _bold, italic = ps2tt(frag.fontName)
        frag.fontName = tt2ps(family, 1, italic)
        frag.bold = 1
        if frag.__tag__ != "br":
            frag.__tag__ = "b"
    return frag


class Paragraph(reportlab_paragraph.Paragraph):
    """A paragraph that skips the parser for plain text and breaks its lines once per width."""

    _kv_wrapped: float | None = None  # the width the lines in ``blPara`` were broken for

    def __init__(self, text: str, style: Any = None, bulletText: Any = None,
                 frags: Any = None, caseSensitive: int = 1, encoding: str = "utf8") -> None:
        bullet = bulletText or getattr(style, "bulletText", None)
        if frags is None and style is not None and (bullet is None or isinstance(bullet, str)):
            plain = plain_frags(text, style)
            if plain is not None:
                text, frags = plain
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)

    @classmethod
    def of_runs(cls, runs: Sequence[Run], style: Any, bulletText: str | None = None
                ) -> Paragraph:
        """The paragraph the runs' markup makes, without parsing it where it need not."""
        text, frags = run_frags(runs, style)
        return cls(text, style, bulletText, frags)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """As ReportLab's, without breaking the lines again for the same width."""
        if availWidth == self._kv_wrapped:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._kv_wrapped = availWidth if hasattr(self, "blPara") else None
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """As ReportLab's; splitting may change the fragments, so the lines are broken anew
        if this paragraph is asked again."""
        self._kv_wrapped = None
        return list(super().split(availWidth, availHeight))
