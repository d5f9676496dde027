"""Section texts, statements and evidence on a real store: validated, ordered, logged, cited."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from kvtui.domain.judgement import DocumentFields, InterviewFields, colour_counts
from kvtui.store.answers import review_criteria
from kvtui.store.assessments import (
    add_assessment,
    citing,
    delete_assessment,
    evidence_options,
    get_assessment,
    get_section,
    link_evidence,
    missing_for_review,
    move_assessment,
    review_sections,
    set_evidence,
    set_in_summary,
    set_rating,
    set_section_text,
    update_assessment,
)
from kvtui.store.changelog import count_entries
from kvtui.store.demo import create_demo
from kvtui.store.documents import add_document
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.interviews import add_interview, add_observation, delete_observation
from kvtui.store.review_document import review_document


@pytest.fixture
def review(store):
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
        sections = {s.number or s.title: s.id for s in review_sections(session, review_id)}
    return store, review_id, sections


@pytest.fixture
def evidence(review):
    """One criterion, observation and document of the review."""
    store, review_id, sections = review
    with store.session() as session:
        criterion = next(v.id for v in review_criteria(session, review_id) if v.code == "F4")
        interview = add_interview(session, review_id,
                                  InterviewFields(date(2025, 3, 4), ("gruppledare",)))
        observation = add_observation(session, review_id, interview.id,
                                      "Många barn saknar genomförandeplan.", [sections["5.4"]])
        document = add_document(session, review_id,
                                DocumentFields("Egenkontroll av genomförandeplaner"))
    return {"criterion": criterion, "observation": observation.id, "document": document.id}


def test_sections_tree_with_levels_and_inherited_dimensions(review) -> None:
    store, review_id, _sections = review
    with store.session() as session:
        views = review_sections(session, review_id)
    by_number = {v.number: v for v in views}
    assert (by_number["4"].level, by_number["4.2"].level, by_number[""].level) == (1, 2, 0)
    assert by_number["4.2"].dimension == "struktur" and by_number["5.4"].quality == (
        "processkvalitet")
    assert by_number["6.1"].dimension == "resultat" and by_number["1"].dimension == ""
    assert by_number["4.2"].heading == "4.2 Organisation och ledning"


def test_section_text_saved_and_logged(review) -> None:
    store, review_id, sections = review
    with store.session() as session:
        before = count_entries(session)
        set_section_text(session, review_id, sections["4.2"], "Enheten har två grupper.")
        set_section_text(session, review_id, sections["4.2"], "Enheten har två arbetsgrupper.")
        set_section_text(session, review_id, sections["4.2"], "Enheten har två arbetsgrupper.")
        assert count_entries(session) == before + 2
        assert get_section(session, review_id, sections["4.2"]).text == (
            "Enheten har två arbetsgrupper.")
    raw = sqlite3.connect(store.path)
    assert raw.execute("SELECT text FROM section_text").fetchall() == [
        ("Enheten har två arbetsgrupper.",)]
    raw.close()


def test_text_and_statements_only_in_text_sections_of_the_review(review) -> None:
    store, review_id, sections = review
    with store.session() as session:
        other_id = create_demo(session, file_review=False)
        other = {s.number: s.id for s in review_sections(session, other_id)}
        before = count_entries(session)
        with pytest.raises(InvalidInput, match="hör inte till granskningen"):
            set_section_text(session, review_id, other["4.2"], "Text")
        with pytest.raises(InvalidInput, match="hör inte till granskningen"):
            add_assessment(session, review_id, other["4.2"], "Påstående")
        with pytest.raises(InvalidInput, match="Syfte"):
            set_section_text(session, review_id, sections["2"], "Text")
        with pytest.raises(InvalidInput, match="Referenser"):
            add_assessment(session, review_id, sections["Referenser"], "Påstående")
        with pytest.raises(NotFound):
            set_section_text(session, review_id, "no-such-section", "Text")
        assert count_entries(session) == before


def test_statements_validated_rated_ordered(review) -> None:
    store, review_id, sections = review
    with store.session() as session:
        before = count_entries(session)
        with pytest.raises(InvalidInput, match="tom"):
            add_assessment(session, review_id, sections["5.4"], "  ")
        with pytest.raises(InvalidInput, match="Okänd kvalitetsnivå"):
            add_assessment(session, review_id, sections["5.4"], "Påstående", rating="blå")
        assert count_entries(session) == before
        first = add_assessment(session, review_id, sections["5.4"], " Dokumentationen är saklig. ",
                               rating="gron")
        second = add_assessment(session, review_id, sections["5.4"], "Planer saknas.")
        assert (first.statement, first.in_summary, first.position) == (
            "Dokumentationen är saklig.", False, 0)
        assert second.position == 1
        assert set_rating(session, review_id, second.id, "rod").rating_label == "Röd"
        assert set_in_summary(session, review_id, second.id, True).in_summary is True
        with pytest.raises(InvalidInput):
            set_rating(session, review_id, second.id, "grön")
        with pytest.raises(InvalidInput, match="tom"):
            update_assessment(session, review_id, second.id, statement="")
        assert get_assessment(session, review_id, second.id).rating == "rod"
        move_assessment(session, review_id, second.id, -1)
        move_assessment(session, review_id, second.id, -1)  # already first: nothing happens
        section = get_section(session, review_id, sections["5.4"])
        assert [a.id for a in section.assessments] == [second.id, first.id]
        assert [a.position for a in section.assessments] == [0, 1]
        logged = count_entries(session)
        delete_assessment(session, review_id, first.id)
        assert [a.id for a in get_section(session, review_id, sections["5.4"]).assessments] == [
            second.id]
        assert count_entries(session) == logged + 1
        counts = colour_counts(review_sections(session, review_id))
        assert counts["process"]["rod"] == 1 and counts["struktur"]["rod"] == 0


def test_evidence_links_and_citing(review, evidence) -> None:
    store, review_id, sections = review
    with store.session() as session:
        red = add_assessment(session, review_id, sections["5.4"], "Planer saknas.",
                             rating="rod", in_summary=True)
        other = add_assessment(session, review_id, sections["6.1"], "Egenkontroll görs.",
                               rating="gron")
        for kind, target in evidence.items():
            view = link_evidence(session, review_id, red.id, kind, target)
            assert view.kind == kind and view.label
        before = count_entries(session)
        link_evidence(session, review_id, red.id, "criterion", evidence["criterion"])
        assert count_entries(session) == before  # already linked: nothing changes
        link_evidence(session, review_id, other.id, "document", evidence["document"])
        linked = get_assessment(session, review_id, red.id).evidence
        assert [e.kind for e in linked] == ["criterion", "observation", "document"]
        assert linked[0].label.startswith("F4 ")
        assert linked[1].label.startswith("Intervju 2025-03-04 (gruppledare)")
        assert [a.id for a in citing(session, "document", evidence["document"])] == [
            red.id, other.id]
        cited = citing(session, "observation", evidence["observation"])
        assert [(a.id, a.section_number) for a in cited] == [(red.id, "5.4")]
        assert [a.id for a in citing(session, "criterion", evidence["criterion"])] == [red.id]
        set_evidence(session, review_id, red.id, [("criterion", evidence["criterion"]),
                                                  ("observation", evidence["observation"])])
        assert [a.id for a in citing(session, "document", evidence["document"])] == [other.id]
        updated = set_evidence(session, review_id, red.id, [("document", evidence["document"])])
        assert [(e.kind, e.target_id) for e in updated.evidence] == [
            ("document", evidence["document"])]
        # Removing an observation removes it as evidence too.
        link_evidence(session, review_id, red.id, "observation", evidence["observation"])
        delete_observation(session, review_id, evidence["observation"])
        assert citing(session, "observation", evidence["observation"]) == []


def test_evidence_of_another_review_is_refused(review, evidence) -> None:
    store, review_id, sections = review
    with store.session() as session:
        other_id = create_demo(session, file_review=False)
        other_criterion = review_criteria(session, other_id)[0].id
        other_document = add_document(session, other_id, DocumentFields("Annan kommuns rutin"))
        statement = add_assessment(session, review_id, sections["5.4"], "Planer saknas.",
                                   rating="rod")
        before = count_entries(session)
        with pytest.raises(InvalidInput, match="annan granskning"):
            link_evidence(session, review_id, statement.id, "criterion", other_criterion)
        with pytest.raises(InvalidInput, match="annan granskning"):
            set_evidence(session, review_id, statement.id, [("document", other_document.id),
                                                             ("criterion", evidence["criterion"])])
        with pytest.raises(InvalidInput, match="Okänd sorts underlag"):
            link_evidence(session, review_id, statement.id, "answer", evidence["criterion"])
        with pytest.raises(NotFound, match="Dokumentet"):
            link_evidence(session, review_id, statement.id, "document", "no-such-document")
        with pytest.raises(NotFound):
            link_evidence(session, other_id, statement.id, "document", other_document.id)
        assert get_assessment(session, review_id, statement.id).evidence == ()
        assert count_entries(session) == before


def test_evidence_options(review, evidence) -> None:
    store, review_id, _sections = review
    with store.session() as session:
        options = evidence_options(session, review_id)
    kinds = [o.kind for o in options]
    assert kinds.count("criterion") == 19 and kinds[-2:] == ["observation", "document"]
    assert {o.target_id for o in options} >= set(evidence.values())


def test_missing_for_a_fresh_review(review) -> None:
    store, review_id, sections = review
    with store.session() as session:
        missing = missing_for_review(session, review_id)
        assert "Avsnitt 4.2 Organisation och ledning saknar text" in missing
        assert "Avsnitt 4 Verksamhetens förutsättningar saknar bedömning" in missing
        assert not any("Syfte" in line for line in missing)
        add_assessment(session, review_id, sections["5.4"], "Planer saknas.", rating="rod")
        add_interview(session, review_id, InterviewFields(date(2025, 3, 4), ("enhetschef",)))
        missing = missing_for_review(session, review_id)
    assert "Röd bedömning i 5.4 saknar underlag: ”Planer saknas.”" in missing
    assert "Intervjun 2025-03-04 (enhetschef) saknar iakttagelser" in missing
    assert "Avsnitt 5 Arbetet i verksamheten saknar bedömning" not in missing


def test_show_json_has_interviews_documents_and_sections(review, evidence) -> None:
    store, review_id, sections = review
    with store.session() as session:
        set_section_text(session, review_id, sections["5.4"], "Planer saknas ofta.")
        statement = add_assessment(session, review_id, sections["5.4"], "Planer saknas.",
                                   rating="rod", in_summary=True)
        link_evidence(session, review_id, statement.id, "criterion", evidence["criterion"])
        document = review_document(session, review_id)
    section = next(s for s in document["sections"] if s["number"] == "5.4")
    assert {"id", "number", "title", "dimension", "kind"} <= set(section)
    assert (section["dimension"], section["level"]) == ("process", 2)
    assert section["text"] == "Planer saknas ofta."
    assert section["assessments"][0]["rating"] == "rod"
    assert section["assessments"][0]["evidence"][0]["kind"] == "criterion"
    assert document["interviews"][0]["roles"] == ["gruppledare"]
    assert document["interviews"][0]["held_on"] == "2025-03-04"
    assert document["interviews"][0]["observations"][0]["section_ids"] == [sections["5.4"]]
    assert document["documents"][0]["title"] == "Egenkontroll av genomförandeplaner"
