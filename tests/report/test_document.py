"""The demo review's report: every part is there, fonts embedded, pages numbered, draft marked."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kvtui.domain.judgement import LEVEL_DEFINITIONS
from kvtui.domain.report_data import ReportData
from kvtui.report.document import DRAFT_TEXT
from kvtui.report.styles import BOTTOM_MARGIN
from tests.report.conftest import Pdf


def _squash(text: str) -> str:
    """Text with runs of white space made single spaces (pypdf breaks lines where the PDF
    does)."""
    return " ".join(text.split())


def embedded_fonts(pdf: Pdf) -> dict[str, bool]:
    """Every font the pages use, and whether its program is embedded."""
    found: dict[str, bool] = {}
    for page in pdf.reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor: Any = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def outline(pdf: Pdf) -> list[tuple[str, int, float]]:
    """The bookmarks, flattened: title, page number (from 1) and the top of the heading."""
    entries: list[tuple[str, int, float]] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                entries.append((str(item.title), pdf.reader.get_destination_page_number(item) + 1,
                                float(item.top)))

    walk(pdf.reader.outline)
    return entries


def test_every_part_of_the_report_is_there(draft_pdf: Pdf, demo_data: ReportData) -> None:
    text = _squash(draft_pdf.text)
    cover = _squash(draft_pdf.pages[0])
    for fact in ("Kvalitetsgranskning av familjevården 2026", "Familjevårdsenheten",
                 "Sjövik kommun", "Socialnämnden", "SN 2026/0147", "23 november 2026",
                 "Karin Ekdahl, Jonas Lindwall", "Version 1", "Utkast för faktagranskning",
                 "1 januari–30 juni 2025"):
        assert fact in cover, fact
    assert "Innehåll" in draft_pdf.pages[1]
    for heading in ("1 Sammanfattning", "Kvalitetsnivåer", "2 Syfte", "3 Metod",
                    "4 Verksamhetens förutsättningar", "4.1 Uppdrag", "5.4 Social dokumentation",
                    "6 Kvalitetsarbete", "4.4 Bedömning av verksamhetens förutsättningar",
                    "5.5 Bedömning av arbetet i verksamheten", "6.3 Bedömning av kvalitetsarbete",
                    "Referenser", "Bilaga 1 Aktgranskningens resultat"):
        assert heading in text, heading
    for definition in LEVEL_DEFINITIONS.values():
        assert definition in text
    # The summary table: each level named, beside its statement.
    summary = _squash(draft_pdf.pages[2])
    assert summary.count("Grön") >= 6 and "Röd Verksamheten behöver upprätta" in summary
    # Syfte and Metod, drafted from the data.
    for phrase in ("Syftet med granskningen är att belysa arbetssätt",
                   "Arbetet med kontaktpersoner, kontaktfamiljer och familjerätt",
                   "(fem intervjuer, varav tre i grupp, med totalt 12 personer)",
                   "13 av 44 akter (30 procent)", "slumpfröet 20261101",
                   "stratifierat urval efter placeringsform", "hypergeometrisk fördelning",
                   "faktagranska", "Verksamhetens förutsättningar (strukturkvalitet)"):
        assert phrase in text, phrase
    # Every section's text and every statement.
    for section in demo_data.sections:
        first_words = " ".join(section.text.split()[:6])
        assert first_words in text, section.heading
        for assessment in section.assessments:
            assert _squash(assessment.statement)[:60] in text
    # Referenser: documents and interviews by role, never by name.
    for document in demo_data.documents:
        assert document.title in text
    assert "2026-10-07 – socialsekreterare (gruppintervju, 4 personer)" in text
    # The appendix: the table, per stratum, and the charts.
    for cell in ("Kriterium", "Delvis", "Nej", "Ej akt.", "Andel Ja", "95 % KI",
                 "F4 Genomförandeplan finns", "22,7 %", "8,9–47,4 %", "familjehem (30 akter)",
                 "Figur 1. Andel Ja per kriterium", "Figur 2. Andel Ja per kriterium och "
                 "placeringsform", "95 % konfidensintervall"):
        assert cell in text, cell
    # F4's line is the weighted share (3 Ja of 13 sampled akter is 23,1 %, weighted by
    # placement 22,7 %), and the Metod and the appendix name the method.
    assert "23,1 %" not in text and "9,1–47,7 %" not in text
    for phrase in ("vägs andelen för hela populationen efter placeringsform",
                   "95-procentsintervall enligt Korn och Graubard (1998)",
                   "utifrån 13 granskade akter", "samtliga akter, vägd efter placeringsform",
                   "Kriteriets rad visar den vägda andelen för hela populationen"):
        assert phrase in text, phrase


def test_legal_references_are_footnotes_numbered_through(draft_pdf: Pdf) -> None:
    notes: list[tuple[int, str]] = []
    for page in draft_pdf.pages:  # a note may take more lines (a law written out in full)
        lines = page.splitlines()
        for index, line in enumerate(lines):
            match = re.match(r"^\s*(\d+)\s", line)
            if not match:
                continue
            note = [line]
            for more in lines[index + 1:index + 3]:
                if _squash(" ".join(note)).endswith("se bilaga 1).") or re.match(
                        r"^\s*\d+\s(?!kap\.)", more):
                    break
                note.append(more)
            if _squash(" ".join(note)).endswith("se bilaga 1)."):
                notes.append((int(match.group(1)), "\n".join(note)))
    numbers = [number for number, _line in notes]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    text = _squash(draft_pdf.text)
    assert "11 kap. 3 § SoL; SOSFS 2012:11 (kriterierna F4 och F5 i aktgranskningen" in text
    # Each note stands on the page of its marker.
    for number, line in notes:
        page = next(p for p in draft_pdf.pages if line in p)
        assert re.search(rf"[a-zåäö.]{number}\n", page.split(line)[0]), number


def test_every_font_is_embedded(draft_pdf: Pdf, final_pdf: Pdf, pdf_dir: Path) -> None:
    for pdf in (draft_pdf, final_pdf):
        fonts = embedded_fonts(pdf)
        assert fonts and all(fonts.values()), fonts
        assert all("DejaVuSans" in name for name in fonts)
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    path = pdf_dir / "draft.pdf"
    path.write_bytes(draft_pdf.rendered.pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert listing and all(line.split()[-5] == "yes" for line in listing), listing


def test_pages_are_a4_and_numbered(draft_pdf: Pdf) -> None:
    total = len(draft_pdf.pages)
    assert total == draft_pdf.rendered.pages >= 10
    for page in draft_pdf.reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595, 842)
    assert "Sida" not in draft_pdf.pages[0]  # the cover has no header or footer
    for number, text in enumerate(draft_pdf.pages[1:], start=2):
        assert f"Sida {number} ({total})" in text
        assert text.startswith("Kvalitetsgranskning av familjevården 2026")  # the header


def test_contents_and_bookmarks_point_at_the_headings(draft_pdf: Pdf) -> None:
    marks = outline(draft_pdf)
    titles = [title for title, _page, _top in marks]
    assert titles[:3] == ["1 Sammanfattning", "2 Syfte", "3 Metod"]
    assert titles[-1] == "Bilaga 1 Aktgranskningens resultat"
    contents = _squash(draft_pdf.pages[1])
    for title, page, _top in marks:
        assert re.search(rf"{re.escape(title)}[ .]*{page}\b", contents), (title, page)
        assert title in _squash(draft_pdf.pages[page - 1])


def test_no_heading_alone_at_the_foot_of_a_page(draft_pdf: Pdf) -> None:
    for title, _page, top in outline(draft_pdf):
        assert top - BOTTOM_MARGIN > 90, title  # room for the heading and some lines


def test_metadata_language_and_outline_mode(draft_pdf: Pdf, final_pdf: Pdf) -> None:
    meta = draft_pdf.reader.metadata
    assert meta is not None
    assert meta.title == "Kvalitetsgranskning av familjevården 2026 (utkast)"
    assert meta.author == "Karin Ekdahl, Jonas Lindwall"
    assert "Familjevårdsenheten" in (meta.subject or "")
    root = draft_pdf.reader.trailer["/Root"]
    assert root["/Lang"] == "sv-SE"
    assert root["/PageMode"] == "/UseOutlines"
    assert final_pdf.reader.metadata.title == "Kvalitetsgranskning av familjevården 2026"


def test_draft_mark_and_date_on_every_page_of_drafts_only(draft_pdf: Pdf,
                                                          final_pdf: Pdf) -> None:
    # The mark is drawn in glyph outlines (an artifact, not text): every draft page paints
    # the mark's form, which fills paths and shows no text, and no page's text includes it.
    for page, text in zip(draft_pdf.reader.pages, draft_pdf.pages, strict=True):
        forms = page["/Resources"]["/XObject"]
        assert "/FormXob.kvdraft" in forms
        mark = forms["/FormXob.kvdraft"].get_object().get_data()
        assert b" f" in mark or b"\nf" in mark
        assert b"Tj" not in mark and b"TJ" not in mark and b"BT" not in mark
        assert DRAFT_TEXT not in text and "UTKAST" not in text
    assert all("2026-11-23" in text for text in draft_pdf.pages[1:])  # in the header
    for page, text in zip(final_pdf.reader.pages, final_pdf.pages, strict=True):
        assert "/FormXob.kvdraft" not in page["/Resources"].get("/XObject", {})
        assert "UTKAST" not in text and "Utkast" not in text
    assert "Slutlig version – ej signerad" in final_pdf.pages[0]
    assert "Version 1" in final_pdf.pages[3]  # the final's header names the version


def test_summary_level_cells_are_coloured_and_named(draft_pdf: Pdf) -> None:
    content = draft_pdf.reader.pages[2].get_contents().get_data().decode("latin-1")
    for rgb in (".180392 .490196 .196078 rg", ".776471 .156863 .156863 rg"):  # green, red
        assert rgb in content
    assert "Grön" in draft_pdf.pages[2] and "Röd" in draft_pdf.pages[2]
