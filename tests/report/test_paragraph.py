"""The report's paragraphs break their lines once per width, and anew after a split."""

from __future__ import annotations

from typing import Any

import pytest
from reportlab.lib.styles import ParagraphStyle

from kvtui.report.fonts import REGULAR, register_fonts
from kvtui.report.paragraph import Paragraph

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
