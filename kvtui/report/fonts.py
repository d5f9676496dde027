"""The fonts the report embeds: DejaVu Sans, shipped inside the package.

ReportLab's standard fonts are not embedded in the PDF and lack the en dash and other glyphs
on some readers; DejaVu Sans covers å ä ö, the en dash, "§" and the bullet, and its licence
(``fonts/LICENSE-DejaVu.txt``) allows shipping it. Registration happens once per process.
ReportLab's graphics default font is set to DejaVu as well, so that nothing falls back to
unembedded Helvetica. These settings are ReportLab's global configuration; kvtui is its only
user in the process.
"""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}

_registered = False


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique) as a family, once."""
    global _registered
    if _registered:
        return
    from reportlab import rl_config
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file_name in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file_name)))
    # <b> and <i> in paragraphs pick these; there is no bold oblique, bold stands in for it.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)
    rl_config.defaultGraphicsFontName = REGULAR
    rl_config.canvas_basefontname = REGULAR
    # Compressed streams are written as binary, not ASCII85 text: a fifth smaller, and the
    # pure-Python encoder was a fifth of a report's time.
    rl_config.useA85 = 0
    _registered = True
