"""Fixtures for the report tests: the demo review built once, its report rendered once.

Building the demo takes seconds and a report about half a second, so the store, its
``ReportData`` and the draft and final PDFs are made once per test session and shared; tests
only read them. Variants (no assessments, long texts …) are made from the demo's data with
``dataclasses.replace``: the report is built from plain data and never needs the store.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from kvtui.domain.report_data import ReportData
from kvtui.release.flow import sign_and_export
from kvtui.report.document import RenderedReport, render_report
from kvtui.store.database import Store, open_store
from kvtui.store.factcheck import send_for_factcheck
from kvtui.store.report_data import current_content, load_report_data
from tests.report.demo_file import demo_copy

REPORT_DATE = date(2026, 11, 23)


@dataclass(frozen=True)
class Pdf:
    """A rendered report and what pypdf reads from it."""

    rendered: RenderedReport
    reader: PdfReader
    pages: list[str]

    @property
    def text(self) -> str:
        """All pages' text, page after page."""
        return "\n".join(self.pages)


def read_pdf(rendered: RenderedReport) -> Pdf:
    """Parse a rendered report with pypdf and extract each page's text."""
    reader = PdfReader(io.BytesIO(rendered.pdf))
    return Pdf(rendered, reader, [page.extract_text() for page in reader.pages])


def render(data: ReportData, *, draft: bool) -> Pdf:
    """Render and read back."""
    return read_pdf(render_report(data, draft=draft))


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, str]]:
    """The demo review in a store of its own, for reading only."""
    path, review_id = demo_copy(tmp_path_factory.mktemp("report-demo"))
    store = open_store(path, backup=False)
    yield store, review_id
    store.close()


@pytest.fixture(scope="session")
def demo_data(demo_store: tuple[Store, str]) -> ReportData:
    """The demo review as the report sees it, dated 2026-11-23."""
    store, review_id = demo_store
    with store.session() as session:
        return load_report_data(session, review_id, today=REPORT_DATE)


@pytest.fixture(scope="session")
def draft_pdf(demo_data: ReportData) -> Pdf:
    """The demo's draft report."""
    return render(demo_data, draft=True)


@pytest.fixture(scope="session")
def final_pdf(demo_data: ReportData) -> Pdf:
    """The demo's final report (the demo is not signed)."""
    return render(demo_data, draft=False)


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where tests that need files (pdffonts, pdftoppm) write them."""
    return tmp_path_factory.mktemp("pdfs")


@pytest.fixture(scope="session")
def signed_final(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pdf]:
    """The demo's signed final: sent for fact-check on 10 November (so the Metod ends with the
    fact-check paragraph), then signed and exported, as the auditor does it."""
    folder = tmp_path_factory.mktemp("signed-demo")
    path, review_id = demo_copy(folder / "store")
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            send_for_factcheck(session, review_id, current_content(session, review_id),
                               sent_on=date(2026, 11, 10))
            released = sign_and_export(session, review_id, folder / "exports",
                                       name="Karin Ekdahl", role="Kvalitetscontroller")
        data = released.path.read_bytes()
        yield read_pdf(RenderedReport(data, 0))
    finally:
        store.close()
