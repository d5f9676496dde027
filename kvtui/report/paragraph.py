"""ReportLab's Paragraph, made and measured with less repeated work; the same lines drawn.

Two things a report asks of ReportLab again and again, done once (``bench/export.py``'s goal,
1.5 times a plain ReportLab document, is why):

- Plain text (no markup, no entity) is not run through ReportLab's markup parser: its one
  fragment, in the style's font, size and colour, is made directly, as the parser would make
  it; a bullet given as plain text is kept as given, as the parser keeps it. Most of a
  report's paragraphs are plain, and the parser is the larger part of making one.
  ``tests/report/test_paragraph.py`` checks that the fragments equal the parser's for any
  text and for every style of the report.
- A frame, a ``KeepTogether`` around it and the footnote area each ask the same paragraph for
  its size at the same width; ReportLab breaks the lines anew at every such ``wrap``. A
  paragraph's lines depend only on the width (its text and style do not change once made), so
  a second ``wrap`` at that width gives back the first answer.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.platypus import paragraph as reportlab_paragraph
from reportlab.platypus.paragraph import textTransformFrags  # type: ignore[attr-defined]
from reportlab.platypus.paraparser import ParaFrag

MARKUP = frozenset("<>&")


def plain_frags(text: Any, style: Any) -> tuple[str, list[ParaFrag]] | None:
    """The text as ReportLab cleans it and the fragments its parser would make of it, when it
    is plain text in ``style``; None when the parser must read it (markup, entities, nothing
    to show)."""
    if not isinstance(text, str) or not MARKUP.isdisjoint(text):
        return None
    cleaned = reportlab_paragraph.cleanBlockQuotedText(text)
    if not cleaned:
        return None
    frag = ParaFrag()
    frag.rise = 0
    frag.greek = 0
    frag.link = []
    family, frag.bold, frag.italic = ps2tt(style.fontName)
    frag.fontName = tt2ps(family, frag.bold, frag.italic)
    frag.fontSize = style.fontSize
    frag.textColor = style.textColor
    frag.us_lines = []
    frag.__tag__ = "para"
    frag.text = cleaned
    frags = [frag]
    textTransformFrags(frags, style)
    return cleaned, frags


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
