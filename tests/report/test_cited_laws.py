"""The report's Metod names the laws the criteria cite for the review's period."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from kvtui.domain.reviews import ReviewFields
from kvtui.report.document import render_report
from kvtui.store.casefiles import add_case_files
from kvtui.store.criteria import set_reference
from kvtui.store.database import open_store
from kvtui.store.report_data import load_report_data
from kvtui.store.reviews import create_review
from kvtui.store.sampling import draw_sample
from kvtui.store.template_library import load_template
from tests.report.conftest import read_pdf


def _report_text(folder: Path, template_name: str, start: date, end: date,
                 references: dict[str, str] | None = None) -> str:
    store = open_store(folder / "kvtui.db", backup=False)
    try:
        template, text = load_template(template_name, None)
        with store.session() as session:
            review_id = create_review(session, template, text, ReviewFields(
                title="Granskning", period_start=start, period_end=end))
            add_case_files(session, review_id, [(f"A-{n}", {}) for n in range(1, 11)])
            draw_sample(session, review_id, size=3, seed="1")
            for code, reference in (references or {}).items():
                set_reference(session, review_id, code, reference)
            data = load_report_data(session, review_id, today=date(2026, 12, 7))
    finally:
        store.close()
    pdf = read_pdf(render_report(data, draft=True))
    return re.sub(r"\s+", " ", pdf.text.replace("-\n", ""))


def test_a_review_after_the_change_names_the_new_laws_and_lvu(tmp_path: Path) -> None:
    text = _report_text(tmp_path, "familjevard", date(2025, 7, 1), date(2025, 12, 31))
    assert ("Hänvisningarna avser socialtjänstlagen (2025:400), socialtjänstförordningen "
            "(2025:468) och lagen (1990:52) med särskilda bestämmelser om vård av unga."
            in text)
    assert "2001:453" not in text and "2001:937" not in text


def test_a_review_before_the_change_names_the_old_laws(tmp_path: Path) -> None:
    text = _report_text(tmp_path, "barnavardsutredning", date(2025, 1, 1), date(2025, 6, 30))
    assert "Hänvisningarna avser socialtjänstlagen (2001:453)." in text
    assert "2025:400" not in text


def test_a_reference_the_auditor_added_counts_among_the_laws_cited(tmp_path: Path) -> None:
    text = _report_text(tmp_path, "barnavardsutredning", date(2025, 7, 1), date(2025, 12, 31),
                        {"U3": "6 kap. 1 § FB"})
    assert ("Hänvisningarna avser socialtjänstlagen (2025:400) och föräldrabalken (1949:381)."
            in text)
