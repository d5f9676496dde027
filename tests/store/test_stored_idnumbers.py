"""Personnummer already in a store: masked by migration 0008 where a review can still be
written, masked in the new version when a signed review is reopened, masked again when a
confirmation is taken back, and counted by ``kvtui check`` where nothing can be rewritten.

The old store is made as an older kvtui left it: texts written with the numbers as typed or
split by control characters (raw SQL, as the rules did not exist), a log entry holding one, a
review signed with them, and the store taken back to revision 0007.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from kvtui.domain.personnummer import as_read
from kvtui.domain.reviews import short_id
from kvtui.domain.safe_text import first_unsafe
from kvtui.store import changelog
from kvtui.store.database import Store, check_store, open_store
from kvtui.store.demo import create_demo
from kvtui.store.engine import make_engine
from kvtui.store.errors import InvalidInput
from kvtui.store.migrate import alembic_config
from kvtui.store.models import ChangeLog, FalseAlarm
from kvtui.store.report_data import current_content
from kvtui.store.search import search
from kvtui.store.signoff import plan_signoff, record_signoff, reopen
from kvtui.store.stored_idnumbers import stored_numbers_report, withdraw_confirmation
from tests.idnumber_forms import spelt_anyhow, written_forms
from tests.report.demo_file import demo_copy
from tests.store.test_typed_text import HOSTILE
from tests.testdata import PERSONNUMMER_FILE

PDF = b"%PDF-1.7\n% only bytes to hash\n%%EOF\n"


@dataclass
class OldStore:
    """A store as a kvtui from before the rule left it, and the numbers in it."""

    path: Path
    open_review: str  # not signed: masked by the upgrade
    signed_review: str  # signed with numbers in it: left as it is
    in_open: list[str]  # numbers (12 digits) written into the open review
    twins: tuple[str, str]  # two references with the same birth date
    in_signed: list[str]
    in_log: str  # a number only in the change log
    phone: str  # confirmed not a personnummer, in the open review
    split_open: list[str]  # written split by a control character, in the open review
    split_signed: str  # the same in the signed review
    in_titles: tuple[str, str]  # in a section title of the open and of the signed review
    seed: str  # the open review's sample was drawn with this seed


def _twins(numbers: list[str]) -> tuple[str, str]:
    seen: dict[str, str] = {}
    for number in numbers:
        if number[:8] in seen:
            return seen[number[:8]], number
        seen[number[:8]] = number
    raise AssertionError("no two test numbers share a birth date")


def _split(number: str, char: str) -> str:
    """The number (12 digits, or its 10 when ``char`` is odd) with ``char`` after its date part:
    what a paste can carry, which the store sees only once the character is taken out."""
    if ord(char) % 2:
        return f"{number[2:8]}{char}{number[8:]}"
    return f"{number[:8]}{char}{number[8:]}"


def _raw(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def _log_as_typed(store: Store, review_id: str, text: str) -> None:
    """A change-log entry holding ``text`` as typed, chained as an older kvtui chained it."""
    with store.session() as session:
        seq, prev = changelog.head(session)
    now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    entry = ChangeLog(seq=seq + 1, review_id=review_id, entity="review", entity_id=review_id,
                      action="update", changes_json=json.dumps({"scope": ["", text]}),
                      actor="karin", prev_hash=prev, hash="", created_at=now, updated_at=now)
    entry.hash = changelog.entry_hash(prev, entry)
    with _raw(store.path) as connection:
        connection.execute(
            "INSERT INTO change_log (id, created_at, updated_at, seq, review_id, entity,"
            " entity_id, action, changes_json, actor, prev_hash, hash)"
            " VALUES (?, '2025-03-01 09:00:00.000000', '2025-03-01 09:00:00.000000',"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.id, entry.seq, review_id, entry.entity, entry.entity_id, entry.action,
             entry.changes_json, entry.actor, entry.prev_hash, entry.hash))
    connection.close()


@pytest.fixture
def old_store(tmp_path: Path) -> OldStore:
    numbers = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()
    path, open_review = demo_copy(tmp_path / "db")
    twins = _twins(numbers[6000:])
    in_open, in_signed = numbers[7000:7006], numbers[7100:7102]
    old = OldStore(path, open_review, "", in_open, twins, in_signed, numbers[7200],
                   numbers[7300][2:], numbers[7010:7010 + len(HOSTILE)], numbers[7110],
                   (numbers[7020], numbers[7120]), numbers[7030])
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            old.signed_review = create_demo(session, file_review=False, judgement=True)
        forms = [written_forms(number) for number in in_open]
        with _raw(path) as raw:
            raw.execute("UPDATE review SET purpose = ?, scope = ? WHERE id = ?", (
                f"Barnet {forms[0]['12 siffror']} placerades.",
                "Barnen " + " och ".join(_split(number, char[0]) for number, char
                                         in zip(old.split_open, HOSTILE, strict=True)),
                open_review))
            raw.execute("UPDATE interview SET notes = ? WHERE review_id = ?",
                        (f"Mamma {forms[1]['ÅÅMMDD-NNNN']} ringde.", open_review))
            raw.execute("UPDATE document SET title = ?, kind = ? WHERE review_id = ?",
                        (f"Beslut om {forms[2]['10 siffror']}", f"Tel {old.phone}",
                         open_review))
            raw.execute("UPDATE sample SET seed = ? WHERE review_id = ?", (old.seed, open_review))
            # The twins are akter with answers: the search index labels their answers with
            # their references.
            answered = [row[0] for row in raw.execute(
                "SELECT case_file_id FROM answer WHERE review_id = ? GROUP BY case_file_id"
                " ORDER BY case_file_id LIMIT 2", (open_review,))]
            for case_file_id, twin in zip(answered, twins, strict=True):
                raw.execute("UPDATE case_file SET reference = ?, attributes_json ="
                            " json_set(attributes_json, '$.anteckning', ?) WHERE id = ?",
                            (twin, f"nr {twin}", case_file_id))
            raw.execute("UPDATE answer SET comment = ? WHERE review_id = ?",
                        (f"Se {forms[3]['helbredda siffror']} i akten", open_review))
            for review_id, number in zip((open_review, old.signed_review), old.in_titles,
                                         strict=True):
                # A section title labels the section's text and statements in the index.
                raw.execute("UPDATE review_section SET title = ? WHERE id = (SELECT s.id"
                            " FROM review_section s JOIN assessment a ON a.section_id = s.id"
                            " WHERE s.review_id = ? ORDER BY s.position LIMIT 1)",
                            (f"Avsnitt {number}", review_id))
                raw.execute("UPDATE assessment SET statement = statement || ' (ny)' WHERE"
                            " section_id IN (SELECT id FROM review_section WHERE review_id = ?)",
                            (review_id,))
            raw.execute(
                "UPDATE section_text SET text = ? WHERE section_id IN"
                " (SELECT id FROM review_section WHERE review_id = ?)",
                (f"Text {forms[4]['ÅÅMMDD NNNN']} Barn {forms[5]['12 siffror']} 3 syskon",
                 open_review))
            raw.execute("INSERT INTO false_alarm (id, created_at, updated_at, digits, actor)"
                        " VALUES ('fa1', '2025-01-01 00:00:00.000000',"
                        " '2025-01-01 00:00:00.000000', ?, 'karin')", (old.phone,))
            raw.execute("UPDATE review SET purpose = ?, scope = ? WHERE id = ?",
                        (f"Syfte {in_signed[0]}",
                         f"Omfattning {_split(old.split_signed, HOSTILE[2])}",
                         old.signed_review))
            raw.execute("UPDATE document SET title = ? WHERE id = (SELECT id FROM document"
                        " WHERE review_id = ? LIMIT 1)",
                        (f"Dokument {in_signed[1]}", old.signed_review))
        raw.close()
        _log_as_typed(store, open_review, f"Barnet {old.in_log}")
        with store.session() as session:
            content = current_content(session, old.signed_review)
            plan = plan_signoff(session, old.signed_review, content, name="Karin Ekdahl",
                                role="Granskare")
            record_signoff(session, plan, current_content(session, plan.review_id), PDF)
    finally:
        store.close()
    _downgrade(path, "0007")
    return old


def _downgrade(path: Path, revision: str) -> None:
    """Take the store back to ``revision`` with the migrations' own downgrades: the schema a
    kvtui of that revision left."""
    from alembic import command

    engine = make_engine(path)
    config = alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.downgrade(config, revision)  # type: ignore[arg-type]
        connection.commit()
    engine.dispose()


def _open_texts(path: Path, review_id: str) -> str:
    """Every free text of the open review, read straight from the file."""
    with _raw(path) as raw:
        rows = [
            *raw.execute("SELECT purpose, scope, method_text FROM review WHERE id = ?",
                         (review_id,)),
            *raw.execute("SELECT notes FROM interview WHERE review_id = ?", (review_id,)),
            *raw.execute("SELECT title, kind FROM document WHERE review_id = ?", (review_id,)),
            *raw.execute("SELECT comment FROM answer WHERE review_id = ?", (review_id,)),
            *raw.execute("SELECT reference, attributes_json FROM case_file WHERE review_id = ?",
                         (review_id,)),
            *raw.execute("SELECT title FROM review_section WHERE review_id = ?", (review_id,)),
            *raw.execute("SELECT t.text FROM section_text t JOIN review_section s"
                         " ON s.id = t.section_id WHERE s.review_id = ?", (review_id,)),
            *raw.execute("SELECT seed FROM sample WHERE review_id = ?", (review_id,)),
        ]
    raw.close()
    return "\n".join(str(value) for row in rows for value in row)


def _indexed(path: Path, review_id: str) -> str:
    """What the search index holds for a review: labels and searched text."""
    with _raw(path) as raw:
        rows = raw.execute("SELECT label, body FROM search_index WHERE review_id = ?",
                           (review_id,)).fetchall()
    raw.close()
    return "\n".join(f"{label}\n{body}" for label, body in rows)


def _file_texts(path: Path) -> str:
    """The store's file and its WAL, read as text (not its backups)."""
    return "\n".join(as_read(part.read_bytes().decode("utf-8", "replace"))
                     for part in (path, path.with_name(path.name + "-wal")) if part.exists())


def _masked(number: str, char: str) -> str:
    """``_split(number, char)`` as the store keeps it."""
    return f"{number[2:8] if ord(char) % 2 else number[:8]}-XXXX"


def test_the_upgrade_masks_every_number_in_reviews_that_are_not_signed(
    old_store: OldStore,
) -> None:
    old = old_store
    store = open_store(old.path)
    try:
        assert store.start_backup is not None  # the backup before the upgrade holds them
        with store.session() as session:
            masks = [entry for entry in session.exec(
                select(ChangeLog).where(ChangeLog.action == "mask")
                .order_by(col(ChangeLog.seq))).all()]
            assert changelog.verify_chain(session).ok
            labels = [hit.label for hit in search(session, old.open_review, "akten",
                                                  limit=1000)]
    finally:
        store.close()
    texts = _open_texts(old.path, old.open_review)
    hidden = (*old.in_open, *old.twins, *old.split_open, old.in_titles[0], old.seed)
    for number in hidden:
        assert not spelt_anyhow(number).search(as_read(texts)), number[:8]
    assert first_unsafe(texts) < 0
    # Every row changed has its entry, in the open review only, with what it now holds.
    assert {entry.review_id for entry in masks} == {old.open_review}
    assert {entry.entity for entry in masks} >= {
        "review", "interview", "document", "answer", "section_text", "case_file", "sample",
        "review_section"}
    purpose = next(json.loads(e.changes_json) for e in masks if e.entity == "review")
    assert purpose == {
        "purpose": f"Barnet {old.in_open[0][:8]}-XXXX placerades.",
        "scope": "Barnen " + " och ".join(_masked(number, char[0]) for number, char
                                          in zip(old.split_open, HOSTILE, strict=True))}
    # Twins masked alike stay two akter; the confirmed phone number stays as typed.
    assert f"{old.twins[0][:8]}-XXXX\n" in texts and f"{old.twins[0][:8]}-XXXX (2)\n" in texts
    assert f"Tel {old.phone}" in texts
    # The search shows the akter and sections as they are now named.
    assert any(label.endswith(f"akt {old.twins[0][:8]}-XXXX (2)") for label in labels)
    assert f"Avsnitt {old.in_titles[0][:8]}-XXXX" in _indexed(old.path, old.open_review)
    # No byte of the store's file or log holds a number of the open review (the search
    # index is rebuilt and merged, deleted text overwritten); the signed review keeps its own.
    files = _file_texts(old.path)
    for number in hidden:
        assert not spelt_anyhow(number).search(files), number[:8]
    assert spelt_anyhow(old.in_signed[0]).search(files)


def test_check_reports_what_cannot_be_rewritten_without_failing(old_store: OldStore) -> None:
    old = old_store
    open_store(old.path).close()  # the upgrade
    result = check_store(old.path)
    assert result.ok, result.lines
    [line] = [line for line in result.lines if line.startswith("Personnummer i texter")]
    assert f"i låsta delar av 1 granskning ({short_id(old.signed_review)})" in line
    # The purpose, the scope (a number split by a control character), a document's title, a
    # section's title and the frozen content of the sign-off.
    assert "5 texter" in line
    assert "1 post i ändringsloggen" in line
    assert "kvtui reopen" in line and "inget fel i databasen" in line
    assert not spelt_anyhow(old.in_signed[0]).search(line)


def test_reopening_masks_the_new_version(old_store: OldStore) -> None:
    old = old_store
    store = open_store(old.path)
    try:
        with store.session() as session:
            reopen(session, old.signed_review, "Nämnden bad om en komplettering.")
        with store.session() as session:
            report = stored_numbers_report(session)
            masked = [json.loads(entry.changes_json) for entry in session.exec(
                select(ChangeLog).where(ChangeLog.review_id == old.signed_review,
                                        ChangeLog.action == "mask")).all()]
    finally:
        store.close()
    with _raw(old.path) as raw:
        purpose, scope = raw.execute("SELECT purpose, scope FROM review WHERE id = ?",
                                     (old.signed_review,)).fetchone()
    raw.close()
    assert purpose == f"Syfte {old.in_signed[0][:8]}-XXXX"
    assert scope == f"Omfattning {_masked(old.split_signed, HOSTILE[2])}"
    assert {"purpose": purpose, "scope": scope} in masked
    # What version 1 froze at signing still holds them: only that is counted now. The
    # search index holds none of them.
    assert "1 text i låsta delar av 1 granskning" in report[0]
    indexed = as_read(_indexed(old.path, old.signed_review))
    for number in (*old.in_signed, old.split_signed, old.in_titles[1]):
        assert not spelt_anyhow(number).search(indexed), number[:8]
    assert check_store(old.path).ok


def test_a_confirmation_taken_back_masks_the_number_from_then_on(old_store: OldStore) -> None:
    old = old_store
    phone = old.phone
    store = open_store(old.path)
    # Written past kvtui after the upgrade: the number split by a line break Word pastes,
    # and an akt named by it (its answers are labelled with it in the search index).
    with _raw(old.path) as raw:
        raw.execute("UPDATE review SET method_text = ? WHERE id = ?",
                    (f"Växel {phone[:6]}\x0b{phone[6:]}", old.open_review))
        raw.execute("UPDATE case_file SET reference = ? WHERE id = (SELECT case_file_id FROM"
                    " answer WHERE review_id = ? AND comment != '' ORDER BY id LIMIT 1)",
                    (f"Akt {phone}", old.open_review))
    raw.close()
    typed = _open_texts(old.path, old.open_review).count(f"Tel {phone}") + 2
    try:
        with store.session() as session:
            with pytest.raises(InvalidInput, match="finns inte bland numren"):
                withdraw_confirmation(session, old.in_open[0])
            done = withdraw_confirmation(session, f"{phone[:6]}-{phone[6:]}")
        with store.session() as session:
            assert session.exec(select(FalseAlarm)).all() == []
            entry = session.exec(select(ChangeLog).where(ChangeLog.entity == "false_alarm")
                                 .order_by(col(ChangeLog.seq).desc())).first()
            masked = [json.loads(entry.changes_json) for entry in session.exec(
                select(ChangeLog).where(ChangeLog.entity == "review",
                                        ChangeLog.action == "mask")).all()]
            assert changelog.verify_chain(session).ok
    finally:
        store.close()
    assert done.masked == f"{phone[:6]}-XXXX" and done.texts == typed > 2
    assert entry is not None and entry.action == "delete"
    assert json.loads(entry.changes_json) == {"digits": f"{phone[:6]}-XXXX"}
    assert {"method_text": f"Växel {phone[:6]}-XXXX"} in masked
    texts = _open_texts(old.path, old.open_review)
    assert f"Tel {phone[:6]}-XXXX" in texts and f"Akt {phone[:6]}-XXXX" in texts
    assert not spelt_anyhow(f"20{phone}").search(_file_texts(old.path))


# A later kvtui, whose models have more than revision 0007: a column the change log gains and a
# unique key over a new column. It takes a store of revision 0007 through migration 0008.
_LATER_KVTUI = textwrap.dedent("""
    import sys
    from pathlib import Path

    from sqlalchemy import Column, String, UniqueConstraint

    from kvtui.store import models

    models.ChangeLog.__table__.append_column(
        Column("origin", String, nullable=False, server_default=""))
    document = models.Document.__table__
    document.append_column(Column("code", String, nullable=True))
    document.append_constraint(UniqueConstraint("review_id", "code"))

    from kvtui.store.engine import make_engine
    from kvtui.store.migrate import upgrade

    engine = make_engine(Path(sys.argv[1]))
    upgrade(engine, "0008")
    engine.dispose()
""")


@pytest.mark.slow
def test_migration_0008_works_with_the_models_of_a_later_kvtui(old_store: OldStore) -> None:
    old = old_store
    later = subprocess.run([sys.executable, "-c", _LATER_KVTUI, str(old.path)],
                           capture_output=True, text=True, timeout=120, check=False)
    assert later.returncode == 0, later.stderr[-2000:]
    store = open_store(old.path)  # the rest of the way, with this kvtui's models
    try:
        with store.session() as session:
            assert changelog.verify_chain(session).ok
            masks = session.exec(select(ChangeLog).where(ChangeLog.action == "mask")).all()
    finally:
        store.close()
    assert {entry.entity for entry in masks} >= {"review", "document", "case_file"}
    texts = as_read(_open_texts(old.path, old.open_review))
    for number in (*old.in_open, *old.twins, *old.split_open):
        assert not spelt_anyhow(number).search(texts), number[:8]


def test_the_file_and_the_models_name_the_same_free_text(store: Store) -> None:
    """What the masking of stored texts reads from the file is what the flush listener reads
    from the models, in a store at this revision."""
    from sqlmodel import SQLModel

    from kvtui.store.idnumber_rule import free_text_columns
    from kvtui.store.stored_idnumbers import _FROZEN_COPIES, _text_columns

    with store.session() as session:
        connection = session.connection()
        for table in SQLModel.metadata.sorted_tables:
            from_file = _text_columns(connection, table.name)
            for copy in _FROZEN_COPIES.get(table.name, ()):
                del from_file[copy]
            assert from_file == free_text_columns(table), table.name


def test_a_sample_whose_seed_was_masked_is_continued_from_what_is_stored(
    old_store: OldStore,
) -> None:
    """The upgrade masks the seed the open review's sample was drawn with: the akter drawn
    stay, and replacing or adding one continues the stored sample in the seeded order of the
    seed and references as stored now, each logged (no traceback, nothing redrawn)."""
    from kvtui.domain.sampling import seeded_order
    from kvtui.store.sampling import current_sample, extend_sample, population, replace_akt

    old = old_store
    store = open_store(old.path)
    try:
        with store.session() as session:
            before = current_sample(session, old.open_review)
            assert before is not None and before.seed == f"{old.seed[:8]}-XXXX"
            first = before.active[0]
            new = replace_akt(session, old.open_review, first.case_file_id, "Makulerad")
            bigger = extend_sample(session, old.open_review, 1)
            items = population(session, old.open_review)
            logged = [entry.action for entry in session.exec(
                select(ChangeLog).where(ChangeLog.entity == "sample")
                .order_by(col(ChangeLog.seq))).all()]
    finally:
        store.close()
    stratum = {item.key: item.attributes["Placeringsform"] for item in items}
    taken = {item.reference for item in before.items}
    reserve = [key for key in seeded_order([item.key for item in items], before.seed)
               if key not in taken]
    assert new.reference == next(key for key in reserve
                                 if stratum[key] == stratum[first.reference])
    assert [item.reference for item in bigger.items[:len(before.items)]] == [
        item.reference for item in before.items]
    assert len(bigger.active) == len(before.active) + 1
    assert logged[-2:] == ["replace", "extend"]
