"""Full-text search of a review (FTS5 kept in step by triggers), on a real store."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from kvtui.domain.judgement import DocumentFields, InterviewFields
from kvtui.domain.reviews import ReviewFields
from kvtui.store.answers import review_criteria, save_answer
from kvtui.store.assessments import add_assessment, review_sections, set_section_text
from kvtui.store.casefiles import case_file_ids
from kvtui.store.database import open_store
from kvtui.store.demo import create_demo
from kvtui.store.documents import add_document, delete_document, update_document
from kvtui.store.interviews import (
    add_interview,
    add_observation,
    delete_interview,
    set_interview_notes,
    update_interview,
    update_observation,
)
from kvtui.store.migrate import upgrade
from kvtui.store.reviews import update_review
from kvtui.store.search import match_expression, search
from tests.store_files import new_engine


@pytest.fixture
def review(store):
    with store.session() as session:
        review_id = create_demo(session, file_review=False)
    return store, review_id


def kinds(session, review_id: str, query: str) -> list[str]:
    return [hit.kind for hit in search(session, review_id, query)]


def test_match_expression_quotes_every_word() -> None:
    assert match_expression("far") == '"far"*'
    assert match_expression('lex "Sarah') == '"lex" """Sarah"*'
    assert match_expression("  ") == ""
    assert match_expression('" * ( _') == ""
    assert match_expression("2025-03-04 AND") == '"2025-03-04" "AND"*'


def test_a_hit_for_every_kind_of_text(review) -> None:
    store, review_id = review
    with store.session() as session:
        sections = {s.number: s.id for s in review_sections(session, review_id)}
        interview = add_interview(session, review_id, InterviewFields(
            date(2025, 3, 4), ("enhetschef",), notes="Anteckning om alfaordet."))
        add_observation(session, review_id, interview.id, "Citat med betaordet.",
                        [sections["4.2"]])
        add_document(session, review_id, DocumentFields("Rutin för gammaordet", "rutin"))
        set_section_text(session, review_id, sections["4.2"], "Avsnitt om deltaordet.")
        add_assessment(session, review_id, sections["5.4"], "Bedömning om epsilonordet.")
        criterion = review_criteria(session, review_id)[0]
        akt = case_file_ids(session, review_id)[0]
        save_answer(session, review_id, akt, criterion.id, "nej",
                    comment="Kommentar om zetaordet.")
        assert kinds(session, review_id, "alfaordet") == ["interview"]
        assert kinds(session, review_id, "betaordet") == ["observation"]
        assert kinds(session, review_id, "gammaordet") == ["document"]
        assert kinds(session, review_id, "deltaordet") == ["section_text"]
        assert kinds(session, review_id, "epsilonordet") == ["assessment"]
        assert kinds(session, review_id, "zetaordet") == ["answer"]
        assert kinds(session, review_id, "medborgarperspektiv") == ["review"]
        hits = {hit.kind: hit for word in ("alfa", "beta", "gamma", "delta", "epsilon", "zeta")
                for hit in search(session, review_id, word + "ordet")}
    assert hits["observation"].label == "2025-03-04 (enhetschef)"
    assert hits["section_text"].label == "4.2 Organisation och ledning"
    assert hits["assessment"].label == "5.4 Social dokumentation"
    assert hits["answer"].label.startswith(f"{criterion.code}, akt ")
    assert hits["document"].snippet == "Rutin för «gammaordet» rutin"
    assert hits["interview"].kind_label == "Intervju"


def test_swedish_letters_are_distinct_and_case_is_folded(review) -> None:
    store, review_id = review
    with store.session() as session:
        add_document(session, review_id, DocumentFields("Familjehemmen får stöd ÅRLIGEN"))
        add_document(session, review_id, DocumentFields("Mor och far"))
        assert len(search(session, review_id, "får")) == 1
        assert [h.label for h in search(session, review_id, "far")] == ["Mor och far"]
        assert [h.label for h in search(session, review_id, "FÅR")] == [
            "Familjehemmen får stöd ÅRLIGEN"]
        assert len(search(session, review_id, "årligen")) == 1
        assert len(search(session, review_id, "arligen")) == 0
        assert len(search(session, review_id, "FAMILJEHEM")) == 1  # last word is a prefix
        assert len(search(session, review_id, "familjehem stöd")) == 0  # earlier words whole
        assert len(search(session, review_id, "stöd familjehem")) == 1


def test_operators_and_quotes_never_raise(review) -> None:
    store, review_id = review
    with store.session() as session:
        add_document(session, review_id, DocumentFields("Familjehemmen får stöd"))
        for query in ('"', 'får"', '"får', "AND", "får AND", "NEAR(får", "får)", "body:får",
                      "*", "-får", "får OR far", "^får", "'", "{}", "review_id:x", "får NOT",
                      "(får)", "får*", '"""'):
            hits = search(session, review_id, query)
            assert isinstance(hits, list), query
        assert len(search(session, review_id, '"får"')) == 1
        assert len(search(session, review_id, "(får)")) == 1


def test_updates_reindex_and_deletes_remove(review) -> None:
    store, review_id = review
    with store.session() as session:
        sections = {s.number: s.id for s in review_sections(session, review_id)}
        fields = InterviewFields(date(2025, 3, 4), ("enhetschef",), notes="Första anteckningen")
        interview = add_interview(session, review_id, fields)
        observation = add_observation(session, review_id, interview.id, "Gammalt citat",
                                      [sections["4.2"]])
        set_interview_notes(session, review_id, interview.id, "Ändrad anteckning")
        assert search(session, review_id, "första") == []
        assert kinds(session, review_id, "ändrad") == ["interview"]
        update_observation(session, review_id, observation.id, text="Nytt citat")
        assert search(session, review_id, "gammalt") == []
        assert kinds(session, review_id, "nytt citat") == ["observation"]
        update_interview(session, review_id, interview.id,
                         InterviewFields(date(2025, 3, 5), ("gruppledare",), notes="Ändrad"))
        assert search(session, review_id, "citat")[0].label == "2025-03-05 (gruppledare)"
        doc = add_document(session, review_id, DocumentFields("Delegationsordning"))
        update_document(session, review_id, doc.id, DocumentFields("Delegeringsregler"))
        assert search(session, review_id, "delegationsordning") == []
        delete_document(session, review_id, doc.id)
        assert search(session, review_id, "delegeringsregler") == []
        delete_interview(session, review_id, interview.id)  # its observations go with it
        assert search(session, review_id, "citat") == []
        assert search(session, review_id, "ändrad") == []
        update_review(session, review_id, ReviewFields(title="Granskning av jourhemmen"))
        assert kinds(session, review_id, "jourhemmen") == ["review"]
        assert search(session, review_id, "medborgarperspektiv") == []


def test_another_reviews_text_is_not_found(review) -> None:
    store, review_id = review
    with store.session() as session:
        other_id = create_demo(session, file_review=False)
        add_document(session, other_id, DocumentFields("Hemlig rutin för kvastfening"))
        assert search(session, review_id, "kvastfening") == []
        assert len(search(session, other_id, "kvastfening")) == 1


def test_every_trigger_exists_at_head(review) -> None:
    store, _review_id = review
    raw = sqlite3.connect(store.path)
    names = {row[0] for row in raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'")}
    raw.close()
    tables = ("review", "interview", "observation", "document", "section_text", "assessment",
              "answer", "factcheck_comment")
    labelling = ("case_file", "review_criterion", "review_section")  # migration 0009
    assert names == ({f"search_{t}_{s}" for t in tables for s in ("ai", "au", "ad")}
                     | {f"search_{t}_au" for t in labelling})


def test_upgrade_indexes_rows_already_stored(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = new_engine(path)
    upgrade(engine, "0002")
    engine.dispose()
    raw = sqlite3.connect(path)
    now = "2026-01-15 09:00:00.000000"
    raw.execute(
        "INSERT INTO review (id, created_at, updated_at, title, unit, municipality, committee,"
        " diary_number, auditors_json, purpose, scope, method_text, status, version)"
        " VALUES ('r1', ?, ?, 'Granskning', '', '', '', '', '[]', 'Syftet är tydligt', '', '',"
        " 'planning', 1)", (now, now))
    raw.execute(
        "INSERT INTO interview (id, created_at, updated_at, review_id, held_on, roles_json,"
        " participants, form, notes) VALUES ('i1', ?, ?, 'r1', '2025-03-04',"
        " '[\"enhetschef\", \"gruppledare\"]', 2, 'group', 'Anteckningar före uppgraderingen')",
        (now, now))
    raw.commit()
    raw.close()
    store = open_store(path)
    try:
        with store.session() as session:
            hits = search(session, "r1", "uppgraderingen")
            assert [(h.kind, h.label) for h in hits] == [
                ("interview", "2025-03-04 (enhetschef, gruppledare)")]
            assert [h.kind for h in search(session, "r1", "tydligt")] == ["review"]
    finally:
        store.close()


def test_labels_follow_the_records_that_name_them(store) -> None:
    """An answer is labelled by its akt's reference, a section's text and statements by the
    section's title: a renamed akt or section is shown, and kept, by its new name only."""
    from kvtui.domain.reviews import ReviewFields
    from kvtui.store.casefiles import add_case_file, update_case_file
    from kvtui.store.reviews import create_review
    from kvtui.store.template_library import load_template

    template, text = load_template("familjevard", None)
    with store.session() as session:
        review_id = create_review(session, template, text, ReviewFields(title="Etiketter"))
        akt = add_case_file(session, review_id, "FV-gammal", {})
        criterion = review_criteria(session, review_id)[0]
        save_answer(session, review_id, akt.id, criterion.id, "nej",
                    comment="Kommentar om omegaordet.")
        section = next(s for s in review_sections(session, review_id) if s.kind == "text")
        set_section_text(session, review_id, section.id, "Avsnitt om sigmaordet.")
        add_assessment(session, review_id, section.id, "Bedömning om tauordet.")
        update_case_file(session, review_id, akt.id, "FV-ny", {})
    raw = sqlite3.connect(store.path)
    with raw:  # a section renamed (no screen does it yet; the store must follow any write)
        raw.execute("UPDATE review_section SET title = 'Nytt namn' WHERE id = ?", (section.id,))
    raw.close()
    with store.session() as session:
        [answer] = search(session, review_id, "omegaordet")
        [section_text] = search(session, review_id, "sigmaordet")
        [assessment] = search(session, review_id, "tauordet")
    assert answer.label == f"{criterion.code}, akt FV-ny"
    assert section_text.label == assessment.label == f"{section.number} Nytt namn".strip()
    raw = sqlite3.connect(store.path)
    labels = [row[0] for row in raw.execute("SELECT label FROM search_index")]
    raw.close()
    assert not any("FV-gammal" in label for label in labels)
