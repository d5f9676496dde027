"""The demo review's full report against a plain ReportLab document of as many pages.

kvtui's side is ``render_report`` on the demo review's ``ReportData`` (read from a real store
once, beforehand; the read is timed separately): cover, contents, summary table, Metod, the
chapters with footnotes, Referenser, the appendix table with strata and two charts, header,
footer "Sida X (Y)", bookmarks, the draft mark when ``--draft``, and the tagging for PDF/UA-1
(marked content while drawing, then the structure tree). The baseline is the plainest
document ReportLab makes: ``SimpleDocTemplate.build`` of paragraphs and tables, no page
furniture, no contents, in the same embedded font (DejaVu Sans, as the report must embed its
font), grown until it has exactly as many pages as the report.

After one warm-up each (fonts parsed, modules imported) the runs alternate. It prints the
median seconds of both, wall clock and process CPU time, and the ratio of the CPU times
(goal: **≤ 1.5×**; CPU time is what the work costs, wall time also counts whatever else the
machine is doing), and the time to read the data. Compare ratios from one run, not seconds
across runs. Last it signs the final (PAdES, with a throwaway test certificate) and prints the
median time of signing alone and of the tagged, signed export as a whole; signing is not part
of the ratio, since the baseline has nothing like it.

    python bench/export.py [--runs 7] [--draft]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kvtui.domain.report_data import ReportData
from kvtui.report.document import render_report
from kvtui.report.fonts import REGULAR, register_fonts
from kvtui.store.database import open_store
from kvtui.store.demo import create_demo
from kvtui.store.report_data import load_report_data

WORDS = ("verksamheten", "barnet", "familjehemmet", "uppföljning", "dokumentationen", "och",
         "socialsekreteraren", "genomförandeplan", "är", "för", "i", "med", "överväganden")


def baseline_story(blocks: int) -> list[object]:
    """``blocks`` times: two paragraphs of about 80 words and a 14-row table of 8 columns."""
    register_fonts()
    body = ParagraphStyle("b", fontName=REGULAR, fontSize=10, leading=14.5, spaceAfter=7)
    story: list[object] = []
    for block in range(blocks):
        for paragraph in range(2):
            words = [WORDS[(block * 7 + paragraph * 3 + i) % len(WORDS)] for i in range(80)]
            story.append(Paragraph(" ".join(words).capitalize() + ".", body))
        rows = [["Kriterium", "n", "Ja", "Delvis", "Nej", "Ej akt.", "Andel", "95 % KI"]]
        rows += [[f"F{r} Genomförandeplan finns", "13", "3", "5", "5", "0", "23,1 %",
                  "9,1–47,7 %"] for r in range(1, 14)]
        table = Table(rows, repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR),
                                   ("FONTSIZE", (0, 0), (-1, -1), 8.8),
                                   ("GRID", (0, 0), (-1, -1), 0.4, "#B8C2CE")]))
        story += [table, Spacer(1, 10)]
    return story


def baseline(blocks: int) -> tuple[bytes, int]:
    """The plain document: its bytes and its number of pages."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, initialFontName=REGULAR)
    doc.build(baseline_story(blocks))
    return buffer.getvalue(), doc.page


def blocks_for(pages: int) -> int:
    """The number of blocks that makes the baseline exactly ``pages`` long (or just over)."""
    low, high = 1, 1
    while baseline(high)[1] < pages:
        low, high = high, high * 2
    while low < high:
        middle = (low + high) // 2
        if baseline(middle)[1] < pages:
            low = middle + 1
        else:
            high = middle
    return low


def demo_data(folder: Path) -> tuple[ReportData, float]:
    """The demo review's report data, and the seconds it took to read it."""
    store = open_store(folder / "bench.db", backup=False)
    try:
        with store.session() as session:
            review_id = create_demo(session)
        start = time.perf_counter()
        with store.session() as session:
            data = load_report_data(session, review_id)
        return data, time.perf_counter() - start
    finally:
        store.close()


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--draft", action="store_true", help="the draft (with its mark)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data, read_seconds = demo_data(Path(folder))
    report = render_report(data, draft=args.draft)  # warm-up
    blocks = blocks_for(report.pages)
    _pdf, base_pages = baseline(blocks)  # warm-up
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for _run in range(args.runs):
        ours.append(_timed(lambda: render_report(data, draft=args.draft)))
        theirs.append(_timed(lambda: baseline(blocks)))
    wall = statistics.median(t[0] for t in ours), statistics.median(t[0] for t in theirs)
    cpu = statistics.median(t[1] for t in ours), statistics.median(t[1] for t in theirs)
    form = "utkast" if args.draft else "slutlig"
    print(f"kvtui report ({form}): {report.pages} pages; median {wall[0]:.3f} s wall, "
          f"{cpu[0]:.3f} s CPU over {args.runs} runs")
    print(f"plain ReportLab:      {base_pages} pages ({blocks} blocks of paragraphs and a "
          f"table); median {wall[1]:.3f} s wall, {cpu[1]:.3f} s CPU")
    print(f"ratio: {cpu[0] / cpu[1]:.2f}x CPU, {wall[0] / wall[1]:.2f}x wall (goal <= 1.5x)")
    print(f"reading the review from the store: {read_seconds:.3f} s; "
          f"read + render {read_seconds + wall[0]:.3f} s wall")
    if not args.draft:
        _signing(data, args.runs, wall[0])


def _signing(data: ReportData, runs: int, render_wall: float) -> None:
    """Sign the rendered final with a throwaway certificate; print the times."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kvtui.report.signature import sign_pdf
    from tests.report.pki import PASSPHRASE, make_identity

    with tempfile.TemporaryDirectory() as folder:
        identity = make_identity(Path(folder))
        pdf = render_report(data, draft=False).pdf

        def sign() -> None:
            sign_pdf(pdf, identity.p12, PASSPHRASE, signer_name="Åsa Öberg",
                     role="Granskningsledare", reason="Slutlig rapport")

        sign()  # warm-up
        times = [_timed(sign) for _run in range(runs)]
    wall = statistics.median(t[0] for t in times)
    cpu = statistics.median(t[1] for t in times)
    print(f"signing the tagged final: median {wall:.3f} s wall, {cpu:.3f} s CPU; "
          f"tagged and signed export {render_wall + wall:.3f} s wall")


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and process CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    main()
