"""What the terminal shows, as lines of text: read from Textual's own SVG screenshot.

``App.export_screenshot`` is the public way to see the screen as a person does, overlays,
footer and all. Each run of text in it is an SVG ``<text>`` at a pixel position; this puts
every run back at its column and row, so a test can look for a word, or for a line cut short,
where the auditor would.
"""

from __future__ import annotations

import re
from html import unescape

from textual.app import App

_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', re.S)
_CHAR_WIDTH = 12.2  # Rich's SVG export: pixels per terminal column
_LINE_HEIGHT = 24.4  # pixels per terminal row


def screen_lines(app: App[object]) -> list[str]:
    """The screen as it is drawn now, one string per terminal row, padded to the width."""
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for x, y, raw in _TEXT.findall(app.export_screenshot()):
        column = round(float(x) / _CHAR_WIDTH)
        row = round(float(y) / _LINE_HEIGHT) - 1
        text = unescape(re.sub(r"<[^>]+>", "", raw)).replace("\xa0", " ")
        if 0 <= row < height:
            for offset, char in enumerate(text):
                if 0 <= column + offset < width:
                    rows[row][column + offset] = char
    return ["".join(row) for row in rows]


def screen_text(app: App[object]) -> str:
    """The screen as one text, rows joined by newlines."""
    return "\n".join(screen_lines(app))
