"""The follow-up report of an action plan, as a real PDF from a plan in a real store: what it
says (headings, each area's rows, traffic lights and levels in words, the risks lowered named,
counts per level), that it is tagged PDF/UA-1 as the review report is (pdfua, the structure
tree, Lang and title), the draft mark and the page furniture, a committee's own matrix in the
legend, and the Swedish refusal for a plan that has nothing to report."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from itertools import pairwise
from pathlib import Path

import pikepdf
import pytest
from pdfua import Severity, validate
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from kvtui.domain.plan_data import FollowupView, PlanView
from kvtui.domain.risk_matrix import DEFAULT_MATRIX, RiskMatrix
from kvtui.domain.vocabulary import Rating
from kvtui.report.document import DRAFT_TEXT, _outline_code
from kvtui.report.fonts import BOLD
from kvtui.report.plan_document import render_plan_report
from kvtui.report.plan_outline import (
    PlanReportError,
    level_counts,
    products_of,
    report_problem,
    report_title,
)
from kvtui.store.database import open_store
from kvtui.store.plan_view import plan_view
from tests.report.conftest import Pdf, read_pdf
from tests.report.plan_demo import ACTIONS, INDICATORS, RISKS, build_demo_plan
from tests.report.structure import assert_all_text_tagged, children, tree

TODAY = date(2026, 9, 20)


def _view(path: Path, plan_id: str) -> PlanView:
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            return plan_view(session, plan_id)
    finally:
        store.close()


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PlanView:
    """The demo plan with its two rounds, as the report reads it."""
    path = tmp_path_factory.mktemp("plan") / "kvtui.db"
    return _view(path, build_demo_plan(path))


@pytest.fixture(scope="module")
def final(plan: PlanView) -> Pdf:
    """The final report of the latest round (tertial 2)."""
    return read_pdf(render_plan_report(plan, draft=False, today=TODAY))


@pytest.fixture(scope="module")
def draft(plan: PlanView) -> Pdf:
    """The draft of the first round (tertial 1)."""
    return read_pdf(render_plan_report(plan, "2026-T1", draft=True, today=TODAY))


def _flat(text: str) -> str:
    """Extracted text with its lines joined and hyphenation at line ends undone."""
    return " ".join(text.replace("-\n", "").split())


def _squeezed(text: str) -> str:
    """Text without any spacing or line-end hyphen: a phrase hyphenated in a narrow cell
    ("me\ndarbetar…", the hyphen not extracted) is found all the same."""
    return "".join(text.replace("-\n", "").split())


# --- what it says ----------------------------------------------------------------------------


def test_title_cover_and_headings(final: Pdf, plan: PlanView) -> None:
    title = "Uppföljning av åtgärdsplan 2026 barn- och familjeenheten, tertial 2"
    assert report_title(plan, plan.rounds[-1]) == title
    cover = _flat(final.pages[0])
    assert title in cover.replace("\u00a0", " ")
    assert "Förra uppföljningen Tertial 1 2026" in cover
    assert "Slutlig version – ej signerad" in cover
    text = final.text
    for heading in ("Sammanfattning", "Bakgrund", "Uppföljning av åtgärdsplan",
                    "Riskmatris: sannolikhet × allvarlighetsgrad", "Risknivåer", "Stoppljus",
                    "Risker, åtgärder och indikatorer", "1 Självbestämmande och integritet",
                    "2 Trygghet och säkerhet", "3 Kunskapsbaserad verksamhet",
                    "4 Helhetssyn och samordning", "5 Effektivitet"):
        assert heading in text
    assert "Signering" not in text  # no sign-off page when not signed
    # Page furniture as the review report's: header with the title, "Sida X (Y)".
    total = len(final.pages)
    for number, page in enumerate(final.pages[1:], start=2):
        assert f"Sida {number} ({total})" in page
        assert page.startswith("Uppföljning av åtgärdsplan 2026")


def test_summary_names_the_lowered_risks_and_counts_levels(final: Pdf) -> None:
    summary = _flat(final.text[final.text.index("Sammanfattning"):
                               final.text.index("Bakgrund")])
    assert "Rapporten redovisar genomförda aktiviteter och egenkontroller." in summary
    assert "Ingen risk kvarstår som röd" in summary
    assert "2 risker har sänkts sedan förra uppföljningen." in summary
    assert "Risk 2.1 Stöd och skydd har sänkts från Gul till Grön." in summary
    assert "Risk 5.2 Kontinuitet har sänkts från Röd till Gul." in summary
    # Röd 1 → 0, Gul 6 → 6, Grön 0 → 1, of 7.
    assert "Förra uppföljningen (T1 2026)" in summary
    for line in ("Röd 1 0", "Gul 6 6", "Grön 0 1", "Totalt 7 7"):
        assert line in summary


def test_matrix_cells_say_product_level_and_risks(final: Pdf) -> None:
    page = _flat(next(p for p in final.pages if "Riskmatris:" in p))
    for row in ("4 Sannolik 4 Gul 8 Röd 12 Röd 16 Röd",
                "3 Möjlig 3 Grön 6 Gul Risk 4.1 9 Röd 12 Röd",
                "1 Osannolik 1 Grön 2 Grön 3 Grön Risk 2.1 4 Gul"):
        assert row in page
    assert "Risk 2.2, 5.1" in page and "Risk 1.1, 3.1, 5.2" in page
    assert "Kritisk, oacceptabel risk, åtgärder vidtas omedelbart: 8, 9, 12, 16." in page
    assert "Grönt Följer tidplanen." in page and "Rött Försenad." in page


def test_each_area_lists_its_risks_actions_lights_and_indicators(final: Pdf) -> None:
    text = _flat("\n".join(final.pages[3:]))
    squeezed = _squeezed("\n".join(final.pages[3:]))
    for _area, title, description, *_rest in RISKS:
        assert _squeezed(f"{title} {description}") in squeezed
    for _risk, title, *_middle, _t1, _t2, comment in ACTIONS:
        assert _squeezed(title) in squeezed
        if comment:
            assert _squeezed(comment) in squeezed
    assert text.count("Grönt – följer tidplanen") == sum(
        1 for *_a, t2, _c in ACTIONS if t2 == "gron")
    assert text.count("Gult – risk för försening") == sum(
        1 for *_a, t2, _c in ACTIONS if t2 == "gul")
    assert "Stoppljus T2 2026" in text
    # The risk's level in words, its cell and its move.
    assert "Grön 1 × 3 = 3 sänkt från Gul" in text
    assert "Gul 2 × 3 = 6 sänkt från Röd" in text
    assert "2.1 (forts.)" in text
    for _risk, name, *_values in INDICATORS:
        assert name in text
    # Baseline, T1, T2: "u.s." where the round recorded no measurement.
    assert "Antal vakanta tjänster 5 9 1" in text
    assert "månader 10 7 u.s." in text
    assert "Personalomsättning 0 % 2,4 % 1,2 %" in text


def test_draft_of_an_earlier_round(draft: Pdf) -> None:
    text = _flat(draft.text)
    assert "Uppföljning av åtgärdsplan 2026 barn- och familjeenheten, tertial 1" in \
        text.replace("\u00a0", " ")
    assert "Förra uppföljningen Ingen, detta är den första" in text
    assert "Före första uppföljningen" in text
    assert "Risk 5.2 Kontinuitet har minskat inom Röd (12 → 9)." in text
    assert "Stoppljus T1 2026" in text and "T2 2026" not in text
    assert "Utkast 2026-09-20" in draft.pages[1]
    # The mark is drawn as outlines, never text, and says only UTKAST: a follow-up is not
    # sent for fact-checking as a review's draft is.
    assert "UTKAST" not in draft.text
    for page in draft.reader.pages:
        mark = page["/Resources"]["/XObject"]["/FormXob.kvdraft"].get_object().get_data()
        assert _outline_code("UTKAST", 40, -_width("UTKAST") / 2, 8.0).encode() in mark
        assert _outline_code(DRAFT_TEXT, 40, -_width(DRAFT_TEXT) / 2, 8.0).encode() not in mark


def _width(text: str) -> float:
    return stringWidth(text, BOLD, 40)


def test_plan_with_nothing_to_report_is_refused_in_swedish(plan: PlanView) -> None:
    empty = replace(plan, risks=())
    assert report_problem(empty, None) is not None
    with pytest.raises(PlanReportError, match="Planen har inga risker ännu"):
        render_plan_report(empty, draft=True)
    no_rounds = replace(plan, rounds=())
    with pytest.raises(PlanReportError, match="Planen har ingen uppföljning ännu"):
        render_plan_report(no_rounds, draft=False)
    with pytest.raises(PlanReportError, match=r"ingen uppföljning för Tertial 3 2026\. "
                                              r"Uppföljningar: Tertial 1 2026, Tertial 2 2026"):
        render_plan_report(plan, "2026-T3", draft=False)


def test_levels_counted_and_legend_from_the_plans_own_matrix(plan: PlanView) -> None:
    counts = level_counts(plan.changes_at("2026-T2"))
    assert [(c.label, c.before, c.now) for c in counts] == [
        ("Röd", 1, 0), ("Gul", 6, 6), ("Grön", 0, 1)]
    cells = dict(DEFAULT_MATRIX.cells)
    cells[(4, 2)] = cells[(2, 4)] = Rating.YELLOW  # a committee that reads 8 as Gul
    own = replace(plan, matrix=RiskMatrix(cells))
    assert products_of(own)[Rating.YELLOW] == [4, 6, 8]
    assert products_of(own)[Rating.RED] == [9, 12, 16]
    text = _flat(read_pdf(render_plan_report(own, draft=False, today=TODAY)).text)
    assert "Matrisen är nämndens egen" in text
    assert "Signifikant/medium risk, åtgärder vidtas efter djupare analys: 4, 6, 8." in text


# --- tagged PDF/UA-1 ---------------------------------------------------------------------------


@pytest.fixture(params=["draft", "final"])
def any_pdf(request: pytest.FixtureRequest, draft: Pdf, final: Pdf) -> bytes:
    """The draft and the final."""
    return (draft if request.param == "draft" else final).rendered.pdf


def test_pdfua_finds_no_error(any_pdf: bytes, tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    target.write_bytes(any_pdf)
    report = validate(str(target))
    assert [(o.rule_id, o.skipped_reason) for o in report.outcomes if o.skipped_reason] == []
    assert [(f.rule_id, f.message) for f in report.findings
            if f.severity in (Severity.ERROR, Severity.WARNING)] == []


def test_catalog_language_title_and_text_all_tagged(any_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(any_pdf)) as pdf:
        assert str(pdf.Root.Lang) == "sv-SE"
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        title = str(pdf.docinfo.Title)
        assert title.startswith("Uppföljning av åtgärdsplan 2026")
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert f"<rdf:li xml:lang=\"x-default\">{title}</rdf:li>" in xmp
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert_all_text_tagged(any_pdf)


def test_headings_in_order_and_tables_with_scoped_headers(final: Pdf) -> None:
    with pikepdf.open(io.BytesIO(final.rendered.pdf)) as pdf:
        elements = tree(pdf)
        headings = [(int(str(e.S)[2:]), str(e.T)) for e in elements
                    if str(e.S) in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")]
        levels = [level for level, _text in headings]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in pairwise(levels))
        assert (2, "2 Trygghet och säkerhet") in headings
        assert [t for _l, t in headings if _l == 1][1:] == [
            "Sammanfattning", "Bakgrund", "Uppföljning av åtgärdsplan",
            "Risker, åtgärder och indikatorer"]
        tables = [e for e in elements if e.S == "/Table"]
        # cover, count, matrix, two legends, five areas' risks, three areas' indicators
        assert len(tables) == 13
        for table in tables:
            rows = children(table, "/TR")
            headers = [cell for row in rows for cell in children(row, "/TH")]
            assert rows and headers
            for cell in headers:
                assert cell.A.O == "/Table" and str(cell.A.Scope) in ("/Column", "/Row")
        matrix = tables[2]
        rows = children(matrix, "/TR")
        assert len(rows) == 6  # two header rows, sannolikhet 4 to 1
        assert [len(children(r, "/TH")) for r in rows[2:]] == [1] * 4
        assert [len(children(r, "/TD")) for r in rows[2:]] == [4] * 4


def test_long_plan_splits_its_tables_and_stays_tagged(plan: PlanView, tmp_path: Path) -> None:
    many = [replace(risk, number=risk.number + 10 * copy, id=f"{risk.id}-{copy}")
            for copy in range(4) for risk in plan.risks]
    # An action taller than a page: its row splits inside, under the repeated header.
    first = many[0]
    tall = replace(first.actions[0], activities=tuple(f"Aktivitet {i}" for i in range(60)),
                   followups=(FollowupView("2026-T2", "rod", "Lång kommentar. " * 700),))
    many[0] = replace(first, actions=(tall,))
    long_plan = replace(plan, risks=tuple(many))
    rendered = render_plan_report(long_plan, draft=False, today=TODAY)
    assert rendered.pages > 12
    reader = PdfReader(io.BytesIO(rendered.pdf))
    assert f"Sida {rendered.pages} ({rendered.pages})" in reader.pages[-1].extract_text()
    assert_all_text_tagged(rendered.pdf)
    target = tmp_path / "long.pdf"
    target.write_bytes(rendered.pdf)
    report = validate(str(target))
    assert [f.rule_id for f in report.findings
            if f.severity in (Severity.ERROR, Severity.WARNING)] == []


def test_every_font_embedded(final: Pdf, tmp_path: Path) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler's pdffonts is not installed")
    target = tmp_path / "fonts.pdf"
    target.write_bytes(final.rendered.pdf)
    lines = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines)


def test_figure_says_its_numbers(final: Pdf, draft: Pdf) -> None:
    with pikepdf.open(io.BytesIO(final.rendered.pdf)) as pdf:
        [figure] = [e for e in tree(pdf) if e.S == "/Figure"]
        assert str(figure.Alt) == (
            "Diagram: Antal risker per nivå vid varje uppföljning. "
            "Riskanalysen: Röd 2, Gul 5, Grön 0. T1 2026: Röd 1, Gul 6, Grön 0. "
            "T2 2026: Röd 0, Gul 6, Grön 1.")
        assert figure.A.O == "/Layout" and len(figure.A.BBox) == 4
    assert "Figur 1. Antal risker per nivå vid varje uppföljning" in final.text
    with pikepdf.open(io.BytesIO(draft.rendered.pdf)) as pdf:
        [figure] = [e for e in tree(pdf) if e.S == "/Figure"]
        assert str(figure.Alt).endswith("Riskanalysen: Röd 2, Gul 5, Grön 0. "
                                        "T1 2026: Röd 1, Gul 6, Grön 0.")
