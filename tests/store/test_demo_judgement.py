"""The demo review's judgement: shaped like the published report, every rating with evidence."""

from __future__ import annotations

from kvtui.domain.judgement import summary_assessments
from kvtui.store.assessments import missing_for_review, review_sections
from kvtui.store.demo import create_demo
from kvtui.store.documents import list_documents
from kvtui.store.interviews import list_interviews


def test_demo_summary_six_green_one_red_with_evidence(store) -> None:
    with store.session() as session:
        review_id = create_demo(session)
        sections = review_sections(session, review_id)
        interviews = list_interviews(session, review_id)
        documents = list_documents(session, review_id)
        missing = missing_for_review(session, review_id)
    summary = summary_assessments(sections)
    assert sorted(a.rating for _s, a in summary) == ["gron"] * 6 + ["rod"]
    assert all(a.evidence for s in sections for a in s.assessments if a.rating)
    assert any(not a.rating and not a.in_summary for s in sections for a in s.assessments)
    red = next(a for _s, a in summary if a.rating == "rod")
    assert "genomförandeplaner" in red.statement
    labels = [e.label for e in red.evidence]
    assert any(label.startswith("F4 ") for label in labels)
    assert any(label.startswith("F5 ") for label in labels)
    assert any(e.kind == "observation" for e in red.evidence)
    roles = [i.roles[0] for i in interviews]
    assert roles[:2] == ["enhetschef", "gruppledare"] and "barnsekreterare" in roles
    assert [(i.form, i.participants) for i in interviews if i.roles == ("socialsekreterare",)] == [
        ("group", 4)]
    assert len(documents) == 8
    texts = {s.number for s in sections if s.text}
    assert texts == {"4", "4.1", "4.2", "4.3", "5", "5.1", "5.2", "5.3", "5.4", "6", "6.1",
                     "6.2"}
    assert missing == []


def test_demo_without_file_review_has_no_judgement_by_default(store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        assert list_interviews(session, review_id) == []
        with_judgement = create_demo(session, file_review=False, judgement=True)
        assert len(list_interviews(session, with_judgement)) == 5
