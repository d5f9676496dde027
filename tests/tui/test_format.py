"""How the UI writes progress, periods and cut-off text."""

from __future__ import annotations

from datetime import date

from kvtui.tui.format import period_text, progress_text, shorten


def test_progress_text() -> None:
    assert progress_text(12, 247) == "12/247 (5 %)"
    assert progress_text(0, 10) == "0/10 (0 %)"
    assert progress_text(10, 10) == "10/10 (100 %)"
    assert progress_text(0, 0) == "–"


def test_period_text() -> None:
    assert period_text(date(2024, 3, 5), date(2024, 6, 1)) == "2024-03-05 – 2024-06-01"
    assert period_text(date(2024, 3, 5), None) == "från 2024-03-05"
    assert period_text(None, date(2024, 6, 1)) == "till 2024-06-01"
    assert period_text(None, None) == "–"


def test_shorten() -> None:
    assert shorten("Familjevården", 20) == "Familjevården"
    assert shorten("Familjevårdsenheten", 10) == "Familjevå…"
    assert len(shorten("Familjevårdsenheten", 10)) == 10


