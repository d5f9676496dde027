"""The report's appendix states what a stratified sample reviews of each stratum, read back
from the PDF; the content a sign-off hashes is not changed by it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import text

from kvtui.domain.demo import DEMO_STRATIFY_BY
from kvtui.domain.method_text import join_words, lower_first
from kvtui.domain.report_content import report_content
from kvtui.domain.report_data import ReportData
from kvtui.store.database import Store
from tests.report.conftest import Pdf


def _per_stratum_in_store(store: Store, review_id: str) -> dict[str, tuple[int, int]]:
    """Stratum → (akter reviewed, akter in the population), counted by SQL from the rows."""
    path = f'$."{DEMO_STRATIFY_BY}"'
    with store.session() as session:
        connection = session.connection()
        sizes = dict(connection.execute(text(
            "SELECT json_extract(attributes_json, :path), count(*) FROM case_file "
            "WHERE review_id = :review GROUP BY 1"), {"path": path, "review": review_id}).all())
        sampled = dict(connection.execute(text(
            "SELECT json_extract(c.attributes_json, :path), count(*) FROM sample_item s "
            "JOIN case_file c ON c.id = s.case_file_id WHERE c.review_id = :review "
            "AND s.status = 'active' GROUP BY 1"), {"path": path, "review": review_id}).all())
    return {name: (sampled.get(name, 0), size) for name, size in sizes.items()}


def test_the_appendix_prints_each_stratum_reviewed_of_its_population(
    demo_store: tuple[Store, str], demo_data: ReportData, draft_pdf: Pdf
) -> None:
    counted = _per_stratum_in_store(*demo_store)
    assert len(counted) >= 3
    expected = [f"{name} {sampled} av {size} akter"
                for name, (sampled, size) in sorted(counted.items())]
    sentence = f"Per {lower_first(DEMO_STRATIFY_BY)}: {join_words(expected)}."
    appendix = " ".join(draft_pdf.text.split("Bilaga 1 Aktgranskningens resultat")[-1].split())
    assert sentence in appendix
    assert demo_data.sample is not None
    assert sum(share.sampled for share in demo_data.sample.allocation) == (
        demo_data.sample.sample_size)


def test_the_allocation_is_not_part_of_the_signed_content(demo_data: ReportData) -> None:
    """A review signed before the appendix printed the allocation still has the content it
    was signed with."""
    assert demo_data.sample is not None and demo_data.sample.allocation
    without = replace(demo_data, sample=replace(demo_data.sample, allocation=()))
    assert report_content(without) == report_content(demo_data)
    assert "Per " + lower_first(DEMO_STRATIFY_BY) not in demo_data.method_text
