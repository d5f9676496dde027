"""The report as a tagged PDF (PDF/UA-1): the demo's draft, its final and a signed final.

The ``pdfua`` checker covers the machine-checkable part of PDF/UA-1; the tests here walk the
structure tree with pikepdf for what it does not check: headings in the document's order and
nesting, tables with scoped header cells, figures whose alternative text gives the numbers,
every marked-content sequence reachable through the parent tree, no text outside tagged
content or an artifact (pages and the forms they paint), links and the signature's field in
the tree, the rated statement read level first, and the draft mark kept out of the text.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from itertools import pairwise
from pathlib import Path

import pikepdf
import pytest
from pdfua import Severity, validate

from kvtui.domain.judgement import AssessmentView
from kvtui.domain.report_data import ReportData
from kvtui.domain.signoff import CommentView
from kvtui.domain.statistics import format_interval, format_share
from kvtui.release.flow import sign_and_export
from kvtui.report.signature import verify_pdf
from kvtui.store.database import open_store
from tests.report.conftest import Pdf, render
from tests.report.demo_file import demo_copy
from tests.report.pki import PASSPHRASE, make_identity
from tests.report.structure import assert_all_text_tagged
from tests.report.structure import children as _children
from tests.report.structure import tree as _tree


@pytest.fixture(scope="module")
def signed_final(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bytes]:
    """The demo's final, signed off and signed with a test certificate (PAdES)."""
    folder = tmp_path_factory.mktemp("signed-ua")
    (folder / "pki").mkdir()
    identity = make_identity(folder / "pki")
    path, review_id = demo_copy(folder / "store")
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            released = sign_and_export(session, review_id, folder / "exports",
                                       name="Karin Ekdahl", role="Kvalitetscontroller",
                                       p12=identity.p12, passphrase=PASSPHRASE)
        yield released.path.read_bytes()
    finally:
        store.close()


@pytest.fixture(params=["draft", "final", "signed"])
def any_pdf(request: pytest.FixtureRequest, draft_pdf: Pdf, final_pdf: Pdf) -> bytes:
    """Each of the three forms of the report."""
    if request.param == "draft":
        return draft_pdf.rendered.pdf
    if request.param == "final":
        return final_pdf.rendered.pdf
    return bytes(request.getfixturevalue("signed_final"))


# --- the checker ------------------------------------------------------------------------------


def test_pdfua_finds_no_error_and_no_warning(any_pdf: bytes, pdf_dir: Path,
                                             request: pytest.FixtureRequest) -> None:
    target = pdf_dir / f"ua-{request.node.callspec.id}.pdf"
    target.write_bytes(any_pdf)
    report = validate(str(target))
    skipped = [(o.rule_id, o.skipped_reason) for o in report.outcomes if o.skipped_reason]
    assert skipped == []
    serious = [(f.rule_id, f.message) for f in report.findings
               if f.severity in (Severity.ERROR, Severity.WARNING)]
    assert serious == []


def test_catalog_and_metadata_declare_pdf_ua(any_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(any_pdf)) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "sv-SE"
        assert root.ViewerPreferences.DisplayDocTitle is True
        xmp = root.Metadata.read_bytes().decode("utf-8")
        # As an element, or as an attribute where pyHanko rewrote the packet when signing.
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp or 'pdfuaid:part="1"' in xmp
        assert f"<rdf:li xml:lang=\"x-default\">{pdf.docinfo.Title}</rdf:li>" in xmp
        assert "<rdf:li>Karin Ekdahl</rdf:li>" in xmp and "<rdf:li>sv-SE</rdf:li>" in xmp
        for page in pdf.pages:
            assert page.obj.Tabs == "/S" and "/StructParents" in page.obj


# --- the tree ---------------------------------------------------------------------------------


def test_headings_follow_the_chapters_and_sections(final_pdf: Pdf,
                                                   demo_data: ReportData) -> None:
    with pikepdf.open(io.BytesIO(final_pdf.rendered.pdf)) as pdf:
        headings = [(int(str(e.S)[2:]), str(e.T)) for e in _tree(pdf)
                    if str(e.S) in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")]
    assert headings[0] == (1, demo_data.title)
    assert headings[1] == (1, "Innehåll")
    levels = [level for level, _text in headings]
    assert all(b <= a + 1 for a, b in pairwise(levels))  # no level skipped
    # Every chapter is an H1 and every numbered section under it an H2, in the report's
    # order; the summary's legend and the references' parts are H2 under their chapter.
    written = [(1 if "." not in s.number else 2, s.heading)
               for s in demo_data.sections if s.number]
    found = iter(headings)
    assert all(any(h == want for h in found) for want in written)
    assert (2, "Kvalitetsnivåer") in headings
    references = [h for h in headings if h[1] in ("Referenser", "Dokument", "Intervjuer")]
    assert references == [(1, "Referenser"), (2, "Dokument"), (2, "Intervjuer")]


def test_every_table_has_scoped_header_cells(any_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(any_pdf)) as pdf:
        tables = [e for e in _tree(pdf) if e.S == "/Table"]
        assert len(tables) >= 4  # cover facts, summary, legend, appendix
        for table in tables:
            rows = _children(table, "/TR")
            assert rows
            headers = [cell for row in rows for cell in _children(row, "/TH")]
            assert headers
            for cell in headers:
                assert cell.A.O == "/Table" and str(cell.A.Scope) in ("/Column", "/Row")


def test_appendix_table_is_one_table_of_its_lines(final_pdf: Pdf,
                                                  demo_data: ReportData) -> None:
    results = demo_data.results
    assert results is not None
    lines = sum(1 + (len(row.strata.strata) if row.strata else 0) for row in results.rows)
    with pikepdf.open(io.BytesIO(final_pdf.rendered.pdf)) as pdf:
        table = [e for e in _tree(pdf) if e.S == "/Table"][-1]
        rows = _children(table, "/TR")
        assert len(rows) == 1 + lines  # the header once, though repeated on later pages
        assert [str(c.A.Scope) for c in _children(rows[0], "/TH")] == ["/Column"] * 8
        for row in rows[1:]:
            assert len(_children(row, "/TH")) == 1 and len(_children(row, "/TD")) == 7


def test_figures_say_their_numbers(final_pdf: Pdf, demo_data: ReportData) -> None:
    results = demo_data.results
    assert results is not None
    with pikepdf.open(io.BytesIO(final_pdf.rendered.pdf)) as pdf:
        figures = [e for e in _tree(pdf) if e.S == "/Figure"]
    assert len(figures) == 2
    overall = str(figures[0].Alt)
    assert overall.startswith("Diagram: Andel Ja per kriterium")
    for row in results.rows:
        # The demo is stratified: the figure states the weighted headline, as the table does,
        # never the plain share of the sampled akter.
        headline = row.headline
        assert headline.weighted
        assert (f"{row.code}: {format_share(headline.share)} (vägd andel, 95 % KI "
                f"{format_interval(headline.low, headline.high)})") in overall
        if format_share(row.result.share) != format_share(headline.share):
            assert f"{row.code}: {format_share(row.result.share)}" not in overall
    strata = str(figures[1].Alt)
    first = results.rows[0]
    assert first.strata is not None
    for name, result in first.strata.strata.items():
        assert name in strata and format_share(result.share) in strata


def test_lists_contents_and_notes(final_pdf: Pdf) -> None:
    with pikepdf.open(io.BytesIO(final_pdf.rendered.pdf)) as pdf:
        tree = _tree(pdf)
        lists = [e for e in tree if e.S == "/L"]
        assert lists and all(
            [str(k.S) for k in _children(item, "/Lbl") + _children(item, "/LBody")]
            == ["/Lbl", "/LBody"] for lst in lists for item in _children(lst, "/LI"))
        toc = [e for e in tree if e.S == "/TOC"]
        assert len(toc) == 1
        entries = _children(toc[0], "/TOCI")
        assert len(entries) >= 10
        links = [_children(entry, "/Link")[0] for entry in entries]
        assert all(any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                       for k in link.K) for link in links)
        notes = [e for e in tree if e.S == "/Note"]
        assert [str(n.ID) for n in notes] == [f"kvnote{i}" for i in range(1, len(notes) + 1)]
        for note in notes:  # each under the statement that cites it, after its reference
            parent = note.P
            assert parent.S == "/P" and _children(parent, "/Reference")
        ids = pdf.Root.StructTreeRoot.IDTree.Names
        assert len(ids) == 2 * len(notes)


def test_links_are_in_the_tree_with_a_description(any_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(any_pdf)) as pdf:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        count = 0
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                count += 1
                assert str(annot.get("/Contents", "")).strip()
                element = parents[int(annot.StructParent)]
                expected = "/Form" if annot.get("/Subtype") == "/Widget" else "/Link"
                assert expected == element.S
                kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
                assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                           and k.Obj.objgen == annot.objgen for k in kids)
        assert count >= 10


# --- the content streams ----------------------------------------------------------------------


def test_all_text_is_tagged_or_an_artifact_and_every_mcid_in_the_tree(any_pdf: bytes) -> None:
    assert_all_text_tagged(any_pdf)


def test_rated_statement_reads_its_level_first(final_pdf: Pdf) -> None:
    # The first statement under 4.4's Bedömning is rated Grön (the demo's data).
    page = next(i for i, text in enumerate(final_pdf.pages)
                if "4.4 Bedömning" in text and "Innehåll" not in text)
    text = final_pdf.pages[page]
    after = text[text.index("4.4 Bedömning"):]
    assert after.split("\n")[1].strip() == "Grön"  # the level, then its statement
    assert after.split("\n")[2].startswith("Enhetschef och gruppledare")
    with pikepdf.open(io.BytesIO(final_pdf.rendered.pdf)) as pdf:
        operators = list(pikepdf.parse_content_stream(pdf.pages[page]))
    spans = [str(operands[1].ActualText) for operands, op in operators
             if str(op) == "BDC" and str(operands[0]) == "/Span"]
    assert spans and spans[0] == "Grön: "


def test_draft_mark_is_not_text(draft_pdf: Pdf) -> None:
    for text in draft_pdf.pages:
        assert "UTKAST" not in text and "för faktagranskning\n2026" not in text


# --- signed -----------------------------------------------------------------------------------


def test_signed_final_passes_kvtui_verify_and_pdfsig(signed_final: bytes,
                                                     pdf_dir: Path) -> None:
    verdict = verify_pdf(signed_final)
    assert verdict.signed and verdict.intact and verdict.covers_whole_file
    with pikepdf.open(io.BytesIO(signed_final)) as pdf:
        forms = [e for e in _tree(pdf) if e.S == "/Form"]
        assert len(forms) == 1 and str(forms[0].Alt) == "Digital signatur"
        assert forms[0].K.Obj.FT == "/Sig" and forms[0].K.Obj.get("/V") is not None
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler's pdfsig is not installed")
    target = pdf_dir / "signed-ua.pdf"
    target.write_bytes(signed_final)
    result = subprocess.run(["pdfsig", str(target)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert "Signature Validation: Signature is Valid." in result.stdout
    assert "Total document signed" in result.stdout


def test_split_tables_and_statements_stay_tagged(demo_data: ReportData, pdf_dir: Path) -> None:
    # 45 rated statements in the summary: its table runs over pages with its header repeated;
    # one statement longer than a page splits; all of it stays one tree that pdfua accepts.
    words = " ".join(["verksamheten dokumenterar överväganden och uppföljning"] * 180)
    many = tuple(AssessmentView(id=f"a{i}", statement=f"Bedömning nummer {i}: {words[:240]}",
                                rating=("gron", "gul", "rod")[i % 3], in_summary=True,
                                position=i, evidence=()) for i in range(45))
    long = AssessmentView(id="long", statement=words, rating="rod", in_summary=False,
                          position=99, evidence=())
    data = replace(demo_data, sections=tuple(
        replace(s, assessments=(*many, long)) if s.number == "5.4" else s
        for s in demo_data.sections))
    pdf = render(data, draft=True).rendered.pdf
    target = pdf_dir / "ua-split.pdf"
    target.write_bytes(pdf)
    report = validate(str(target))
    assert [f.rule_id for f in report.findings
            if f.severity in (Severity.ERROR, Severity.WARNING)] == []
    test_all_text_is_tagged_or_an_artifact_and_every_mcid_in_the_tree(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        tables = [e for e in _tree(doc) if e.S == "/Table"]
        summary = tables[1]  # after the cover's facts
        rows = _children(summary, "/TR")
        # the header once, though repeated on every page the table covers
        assert len(rows) == 1 + len(data.summary_rows())
        assert len(_children(rows[0], "/TH")) == 3
        pages = {cell.Pg.objgen for row in rows[1:] for cell in _children(row, "/TD")}
        assert len(pages) >= 2  # the table did run over pages


def test_a_table_split_inside_a_row_stays_one_table(demo_data: ReportData) -> None:
    # A comment longer than a page: its table in the fact-check appendix splits inside the
    # row and runs over pages. The report has as many Table elements as with a short
    # comment, and the rows after the split are body rows, not column headers.
    def tables(text: str) -> tuple[list[pikepdf.Dictionary], pikepdf.Pdf]:
        comment = CommentView("c", None, "Hela rapporten", "Enhetschef", text,
                              date(2026, 11, 14), "not_changed", "Motivering.")
        data = replace(demo_data, factcheck_appendix=True, factcheck_comments=(comment,))
        pdf = render(data, draft=True).rendered.pdf
        test_all_text_is_tagged_or_an_artifact_and_every_mcid_in_the_tree(pdf)
        doc = pikepdf.open(io.BytesIO(pdf))
        return [e for e in _tree(doc) if e.S == "/Table"], doc

    short, short_doc = tables("Kort synpunkt.")
    long, long_doc = tables(" ".join(f"Mening {n} om placeringen." for n in range(700)))
    with short_doc, long_doc:
        assert len(long) == len(short)
        spanning = [table for table in long
                    if len({cell.Pg.objgen for row in _children(table, "/TR")
                            for cell in _children(row, "/TD")}) >= 2]
        assert spanning, "no table ran over pages"
        comment_table = spanning[-1]
        rows = _children(comment_table, "/TR")  # the first is the title: "Synpunkt 1"
        assert len(rows) >= 3
        for row in rows[1:]:
            assert [cell.A.Scope for cell in _children(row, "/TH")] in ([], ["/Row"])
