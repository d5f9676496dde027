"""A date written out in words is never broken over two lines, in any paragraph the report
sets (``markup`` makes its spaces non-breaking), and the stored text keeps plain spaces."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Paragraph

from kvtui.domain.method_text import NO_BREAK, swedish_date, unbroken_dates
from kvtui.report.flowables import markup
from kvtui.report.styles import make_styles

TEXT = ("Verksamheten har getts möjlighet att faktagranska rapporten. Ett utkast skickades den "
        "6 december 2026 och signerades 23 november 2026 kl. 19.10 (UTC+1) av granskaren.")


def lines_of(text: str, width: float) -> list[str]:
    """The lines ReportLab sets ``text`` in at ``width``, in the report's body style."""
    paragraph = Paragraph(markup(text), make_styles().body)
    paragraph.wrap(width, 10_000)
    return [" ".join(line[1]) for line in paragraph.blPara.lines]


def test_a_date_is_set_on_one_line_at_every_width() -> None:
    broken = []
    for width in range(160, 420, 3):  # the longer date is about 140 points wide
        lines = [line.replace(NO_BREAK, " ") for line in lines_of(TEXT, width)]
        for whole in ("6 december 2026", "23 november 2026 kl. 19.10"):
            if not any(whole in line for line in lines):
                broken.append((width, whole))
    assert broken == []


def test_only_dates_are_bound() -> None:
    assert unbroken_dates("den 6 december 2026, 12 majestäter") == (
        f"den 6{NO_BREAK}december{NO_BREAK}2026, 12 majestäter")
    assert unbroken_dates("1 januari–30 juni 2025") == (
        f"1{NO_BREAK}januari–30{NO_BREAK}juni{NO_BREAK}2025")
    assert swedish_date(date(2026, 12, 6)) == "6 december 2026"  # stored texts keep spaces
