"""Text typed or pasted by the auditor reaches the store without the characters that could act
on a terminal (escape, C1 controls, direction overrides), through every entry point and in the
change log; a number split by one is masked whole."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import SQLModel

from kvtui.domain.judgement import InterviewFields
from kvtui.domain.safe_text import first_unsafe
from kvtui.store.casefiles import add_case_file, list_case_files, update_case_file
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput
from kvtui.store.idnumber_rule import free_text_columns
from kvtui.store.interviews import add_interview, get_interview
from tests.idnumber_forms import spelt_anyhow
from tests.store.test_idnumber_rule import Texts, _write_everywhere
from tests.testdata import PERSONNUMMER_FILE, SAMORDNINGSNUMMER_FILE

# What a paste can carry: a screen-clearing escape sequence, a direction override, a C1
# control, DEL, and a vertical tab (Word's line break inside a paragraph).
HOSTILE = ("\x1b[2J", "\u202e", "\x9b", "\x7f", "\x0b")


class PastedTexts(Texts):
    """As ``Texts``, every text with the hostile characters around its number."""

    def __call__(self, column: str, *, refused: bool = False, bare: bool = False) -> str:
        text = super().__call__(column, refused=refused, bare=bare)
        return f"{HOSTILE[0]}{text}{HOSTILE[1]}{HOSTILE[2]}{HOSTILE[3]}{HOSTILE[4]}slut"


@pytest.fixture(scope="module")
def numbers() -> list[str]:
    people = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()
    coordination = SAMORDNINGSNUMMER_FILE.read_text(encoding="utf-8").split()
    return [number for pair in zip(people[1::400], coordination[1::20], strict=False)
            for number in pair]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for name, item in value.items():
            yield name
            yield from _strings(item)


def _stored(store: Store) -> dict[str, list[str]]:
    """Every text in every free-text column, JSON read, by "table.column"."""
    connection = sqlite3.connect(store.path)
    found: dict[str, list[str]] = {}
    try:
        for table in SQLModel.metadata.sorted_tables:
            for column, kind in free_text_columns(table).items():
                values = [row[0] for row in connection.execute(
                    f"SELECT {column} FROM {table.name}") if row[0]]
                found[f"{table.name}.{column}"] = [
                    text for value in values
                    for text in (_strings(json.loads(value)) if kind == "json" else (value,))]
    finally:
        connection.close()
    return found


def test_no_control_character_reaches_any_column(
    store: Store, numbers: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    say = PastedTexts(numbers)
    _write_everywhere(store, say, monkeypatch)
    stored = _stored(store)
    unsafe = {name: [text for text in texts if first_unsafe(text) >= 0]
              for name, texts in stored.items()}
    assert {name: texts for name, texts in unsafe.items() if texts} == {}
    # The writes happened, with what was around the control characters kept.
    for name, written in say.written.items():
        if name.startswith("change_log.") or all(refused for _, refused in written):
            continue
        assert any("[2J" in text and "slut" in text for text in stored[name]), name
    assert any(text.endswith("\nslut") for text in stored["interview.notes"])  # \x0b
    log = "\n".join(stored["change_log.changes_json"])
    assert "[2J" in log and "XXXX" in log


def test_a_number_split_by_a_control_character_is_masked_whole(store: Store) -> None:
    from kvtui.store.demo import create_demo

    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[5]
    split = f"{number[:8]}\x9b-{number[8:]}"
    with store.session() as session:
        review_id = create_demo(session, file_review=False, judgement=False)
        interview = add_interview(session, review_id, InterviewFields(notes=f"Akt {split}."))
        notes = get_interview(session, review_id, interview.id).notes
    assert notes.startswith("Akt ") and notes.endswith("-XXXX.") and "\x9b" not in notes
    texts = "\n".join(text for texts in _stored(store).values() for text in texts)
    assert not spelt_anyhow(number).search(texts)


def test_case_file_references_are_compared_as_stored(store: Store) -> None:
    """Two references that differ by a control character are the same akt: refused as a
    duplicate in Swedish, not by the store's unique index in English."""
    from kvtui.domain.reviews import ReviewFields
    from kvtui.store.reviews import create_review
    from kvtui.store.template_library import load_template

    template, text = load_template("familjevard", None)
    with store.session() as session:
        review_id = create_review(session, template, text, ReviewFields(title="Akter"))
        first = add_case_file(session, review_id, "FV-9\u202e", {"plac\x1bering": "jour\x9bhem"})
        assert (first.reference, first.attributes) == ("FV-9", {"placering": "jourhem"})
        with pytest.raises(InvalidInput, match="Akten FV-9 finns redan"):
            add_case_file(session, review_id, "\x1bFV-9", {})
        other = add_case_file(session, review_id, "FV-10", {})
        with pytest.raises(InvalidInput, match="Akten FV-9 finns redan"):
            update_case_file(session, review_id, other.id, "FV-9\x7f", {})
        with pytest.raises(InvalidInput, match="finns två gånger"):
            add_case_file(session, review_id, "FV-11", {"a\x1b": "1", "a": "2"})
        references = [row.reference for row in list_case_files(session, review_id)]
    assert references.count("FV-9") == 1 and "FV-10" in references


def test_a_text_stored_before_cleaning_and_edited_is_logged(store: Store) -> None:
    """A text a kvtui from before the cleaning stored with a control character, edited to the
    same text without it, is a change the store writes: the log records it too."""
    from sqlmodel import col, select

    from kvtui.domain.judgement import DocumentFields
    from kvtui.store.demo import create_demo
    from kvtui.store.documents import add_document, get_document, update_document
    from kvtui.store.models import ChangeLog

    with store.session() as session:
        review_id = create_demo(session, file_review=False, judgement=False)
        document = add_document(session, review_id, DocumentFields(title="Rutin"))
    raw = sqlite3.connect(store.path)
    with raw:
        raw.execute("UPDATE document SET title = 'Rutin\x1b' WHERE id = ?", (document.id,))
    raw.close()
    with store.session() as session:
        update_document(session, review_id, document.id, DocumentFields(title="Rutin"))
        assert get_document(session, review_id, document.id).title == "Rutin"
        # The same text typed again with a control character changes nothing: not logged.
        update_document(session, review_id, document.id, DocumentFields(title="Rut\x1bin"))
        entries = session.exec(select(ChangeLog).where(ChangeLog.entity_id == document.id)
                               .order_by(col(ChangeLog.seq))).all()
    assert [(entry.action, json.loads(entry.changes_json)) for entry in entries] == [
        ("create", {"title": "Rutin", "kind": "", "dated": None, "provided_by": ""}),
        ("update", {"title": ["Rutin", "Rutin"]}),
    ]


# Characters a paste can carry that the store takes out: a required text made only of them
# (and spaces) is missing, as an empty one is.
NOTHING = "\u200e\x1b \u202e\x9b"


def test_a_required_text_of_control_characters_only_is_missing(store: Store) -> None:
    from datetime import date

    from kvtui.domain.judgement import DocumentFields
    from kvtui.domain.reviews import ReviewFields
    from kvtui.store.assessments import add_assessment, review_sections
    from kvtui.store.demo import create_demo
    from kvtui.store.documents import add_document
    from kvtui.store.factcheck import add_comment, send_for_factcheck
    from kvtui.store.interviews import add_observation
    from kvtui.store.report_data import current_content
    from kvtui.store.reviews import create_review
    from kvtui.store.signoff import plan_signoff, record_signoff, reopen
    from kvtui.store.template_library import load_template
    from tests.signing import TEST_PDF

    template, text = load_template("familjevard", None)
    with store.session() as session:
        with pytest.raises(InvalidInput, match="Titel saknas"):
            create_review(session, template, text, ReviewFields(title=NOTHING))
        review_id = create_demo(session, file_review=False, judgement=False)
        with pytest.raises(InvalidInput, match="titel saknas"):
            add_document(session, review_id, DocumentFields(title=NOTHING))
        section = next(s for s in review_sections(session, review_id) if s.kind == "text")
        with pytest.raises(InvalidInput, match="Bedömningen är tom"):
            add_assessment(session, review_id, section.id, NOTHING)
        interview = add_interview(session, review_id, InterviewFields(held_on=date(2026, 3, 2)))
        with pytest.raises(InvalidInput, match="Iakttagelsen är tom"):
            add_observation(session, review_id, interview.id, NOTHING)
        send_for_factcheck(session, review_id, current_content(session, review_id),
                           sent_on=date(2026, 11, 2))
        content = current_content(session, review_id)
        with pytest.raises(InvalidInput, match="Skriv vad verksamheten"):
            add_comment(session, review_id, section_id=None, role="enhetschef", text=NOTHING)
        with pytest.raises(InvalidInput, match="samma person"):  # no one approves their own
            plan_signoff(session, review_id, content, name="Karin Ekdahl", role="Granskare",
                         approver_name=f"Karin{NOTHING}Ekdahl", approver_role="Chef")
        with pytest.raises(InvalidInput, match="Ange rollen"):
            plan_signoff(session, review_id, content, name="Karin Ekdahl", role=NOTHING)
        record_signoff(session, plan_signoff(session, review_id, content, name="Karin Ekdahl",
                                             role="Granskare"), content, TEST_PDF)
        with pytest.raises(InvalidInput, match="skälet"):
            reopen(session, review_id, NOTHING)
