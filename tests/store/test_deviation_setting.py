"""Which answers are a brist: set in the template, kept in the review's own copy of each
criterion, and read back with the results; a wrong setting refused in Swedish."""

from __future__ import annotations

import pytest

from kvtui.domain.assurance import row_assurance
from kvtui.domain.deviation import Deviation
from kvtui.domain.reviews import ReviewFields
from kvtui.domain.templates import TemplateError, parse_template
from kvtui.store.answers import review_criteria, save_answer
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import Store
from kvtui.store.results import review_results
from kvtui.store.review_document import review_document
from kvtui.store.reviews import create_review
from kvtui.store.sampling import draw_sample

TEMPLATE = """\
title = "Testmall"
version = "1.0"
law = "SoL (2001:453)"
references_checked = 2026-11-01
deviation = "nej_och_delvis"
sections = []

[[criteria]]
code = "K1"
question = "Genomförandeplan finns"
kind = "judgement"

[[criteria]]
code = "K2"
question = "Journalanteckningar visar hur vården fortlöper"
kind = "judgement"
deviation = "nej"
"""


def test_the_setting_reaches_the_results(store: Store) -> None:
    template = parse_template(TEMPLATE, "egen.toml")
    assert template.deviation == Deviation.NO_OR_PARTLY
    assert [c.deviation for c in template.criteria] == ["nej_och_delvis", "nej"]
    with store.session() as session:
        review_id = create_review(session, template, TEMPLATE, ReviewFields(title="Test"))
        ids = add_case_files(session, review_id, [(f"A-{i}", {}) for i in range(1, 21)])
        sample = draw_sample(session, review_id, size=4, seed="7")
        criteria = review_criteria(session, review_id)
        for item, value in zip(sample.active, ("ja", "delvis", "nej", "ja"), strict=True):
            for criterion in criteria:
                save_answer(session, review_id, item.case_file_id, criterion.id, value)
        results = review_results(session, review_id)
        document = review_document(session, review_id)
    assert len(ids) == 20 and results is not None
    k1, k2 = results.rows
    assert (k1.deviation, k2.deviation) == ("nej_och_delvis", "nej")
    found = [row_assurance(row) for row in results.rows]
    assert [a.found for a in found if a is not None] == [2, 1]
    assert [c.get("deviation") for c in document["criteria"]] == ["nej_och_delvis", None]


@pytest.mark.parametrize("where", ["top", "criterion"])
def test_an_unknown_setting_is_refused_in_swedish(where: str) -> None:
    text = (TEMPLATE.replace('deviation = "nej_och_delvis"', 'deviation = "delvis"')
            if where == "top" else TEMPLATE.replace('deviation = "nej"\n', 'deviation = "ja"\n'))
    with pytest.raises(TemplateError) as info:
        parse_template(text, "egen.toml")
    (problem,) = info.value.problems
    assert problem.key.endswith("deviation")
    assert problem.line == (5 if where == "top" else 17)
    assert "okänd avvikelsedefinition" in problem.message
    assert "'nej', 'nej_och_delvis'" in problem.message


def test_the_default_is_nej_alone() -> None:
    text = TEMPLATE.replace('deviation = "nej_och_delvis"\n', "").replace(
        'deviation = "nej"\n', "")
    template = parse_template(text, "egen.toml")
    assert template.deviation == Deviation.NO
    assert {c.deviation for c in template.criteria} == {Deviation.NO}
