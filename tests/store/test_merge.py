"""Merging two auditors' copies of one review on real store files: one-sided changes travel,
changes on both sides become conflicts with both values, deletions travel unless the other
side edited the row, A+B = B+A, a second import changes nothing, a signed review is never
changed, and ``kvtui check`` holds afterwards."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kvtui.store.answers import restore_answer, save_answer, set_comment
from kvtui.store.assessments import review_sections, set_section_text, update_assessment
from kvtui.store.database import Store, check_store, open_store
from kvtui.store.demo import create_demo
from kvtui.store.errors import InvalidInput
from kvtui.store.factcheck import send_for_factcheck
from kvtui.store.interviews import delete_observation, list_interviews, update_observation
from kvtui.store.merge_conflicts import list_conflicts, resolve_conflict
from kvtui.store.report_data import current_content
from tests.signing import sign_review
from tests.store.merge_copies import content, copy_store, merge_file
from tests.testdata import PERSONNUMMER_FILE


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store with the demo review (akter, answers, interviews, statements)."""
    path = tmp_path_factory.mktemp("base") / "base.db"
    store = open_store(path)
    try:
        with store.session() as session:
            review_id = create_demo(session)
    finally:
        store.close()
    return path, review_id


class Pair:
    """Anna's and Bertil's stores, copies of the same review."""

    def __init__(self, folder: Path, base: Path, review_id: str) -> None:
        self.folder, self.review_id = folder, review_id
        self.a, self.b = folder / "anna.db", folder / "bertil.db"
        copy_store(base, self.a)
        copy_store(base, self.b)
        with sqlite3.connect(self.a) as raw:
            self.files = [row[0] for row in raw.execute(
                "SELECT DISTINCT case_file_id FROM answer ORDER BY case_file_id")]
            self.criteria = dict(raw.execute(
                "SELECT code, id FROM review_criterion WHERE review_id = ?", (review_id,)))
        raw.close()

    def open(self, side: str) -> Store:
        return open_store(self.a if side == "a" else self.b, backup=False)

    def snapshot(self, side: str) -> Path:
        """The bundle's copy of one side as it is now."""
        source = self.a if side == "a" else self.b
        target = self.folder / f"{side}-bundle-{len(list(self.folder.iterdir()))}.db"
        with sqlite3.connect(source) as old, sqlite3.connect(target) as new:
            old.backup(new)
        old.close()
        new.close()
        return target

    def exchange(self) -> None:
        """Each merges the other's copy as it was before either merged."""
        bundle_a, bundle_b = self.snapshot("a"), self.snapshot("b")
        merge_file(self.a, bundle_b, self.review_id)
        merge_file(self.b, bundle_a, self.review_id)


@pytest.fixture
def pair(tmp_path: Path, base: tuple[Path, str]) -> Pair:
    return Pair(tmp_path, *base)


def _answer(path: Path, case_file_id: str, criterion_id: str) -> tuple[str, str] | None:
    with sqlite3.connect(path) as raw:
        row = raw.execute("SELECT value, comment FROM answer WHERE case_file_id = ? AND "
                          "criterion_id = ?", (case_file_id, criterion_id)).fetchone()
    raw.close()
    return row


def _log_count(path: Path) -> int:
    with sqlite3.connect(path) as raw:
        count = int(raw.execute("SELECT count(*) FROM change_log").fetchone()[0])
    raw.close()
    return count


def test_one_sided_changes_travel_both_ways_and_copies_agree(pair: Pair) -> None:
    f1, f2 = pair.criteria["F1"], pair.criteria["F2"]
    with pair.open("a") as store, store.session() as session:
        save_answer(session, pair.review_id, pair.files[0], f1, "nej")
    with pair.open("b") as store, store.session() as session:
        set_comment(session, pair.review_id, pair.files[1], f2, "Genomförandeplan saknas.")
    pair.exchange()
    for path in (pair.a, pair.b):
        assert _answer(path, pair.files[0], f1)[0] == "nej"
        assert _answer(path, pair.files[1], f2)[1] == "Genomförandeplan saknas."
    assert content(pair.a) == content(pair.b)


def test_a_second_import_changes_nothing(pair: Pair) -> None:
    with pair.open("b") as store, store.session() as session:
        save_answer(session, pair.review_id, pair.files[0], pair.criteria["F1"], "delvis")
    bundle = pair.snapshot("b")
    first = merge_file(pair.a, bundle, pair.review_id)
    assert first.taken >= 1
    before, entries = content(pair.a), _log_count(pair.a)
    again = merge_file(pair.a, bundle, pair.review_id)
    assert not again.changed
    assert content(pair.a) == before and _log_count(pair.a) == entries


def test_both_changed_is_a_conflict_that_blocks_sending_until_settled(pair: Pair) -> None:
    f1 = pair.criteria["F1"]
    with pair.open("a") as store, store.session() as session:
        set_comment(session, pair.review_id, pair.files[0], f1, "Anna: beslut saknas.")
    with pair.open("b") as store, store.session() as session:
        set_comment(session, pair.review_id, pair.files[0], f1, "Bertil: beslut finns.")
    pair.exchange()
    assert content(pair.a) == content(pair.b)
    with pair.open("a") as store, store.session() as session:
        [conflict] = list_conflicts(session, pair.review_id)
        assert conflict.field_label == "kommentar"
        assert dict(conflict.what)["Akt"]
        assert (conflict.local.value, conflict.incoming.value) == (
            "Anna: beslut saknas.", "Bertil: beslut finns.")
        assert conflict.local.here and not conflict.incoming.here
        with pytest.raises(InvalidInput, match="1 öppen konflikt"):
            send_for_factcheck(session, pair.review_id,
                               current_content(session, pair.review_id))
        settled = resolve_conflict(session, pair.review_id, conflict.id[:8], "incoming")
        assert settled.resolved and settled.resolution == "incoming"
        assert list_conflicts(session, pair.review_id) == []
    assert _answer(pair.a, pair.files[0], f1)[1] == "Bertil: beslut finns."
    with sqlite3.connect(pair.a) as raw:
        logged = raw.execute("SELECT changes_json FROM change_log WHERE action = 'resolve'"
                             ).fetchone()[0]
    raw.close()
    assert "Anna: beslut saknas." in logged and "Bertil: beslut finns." in logged
    # Bertil gets the choice and the settled conflict at the next exchange.
    pair.exchange()
    assert content(pair.a) == content(pair.b)
    with pair.open("b") as store, store.session() as session:
        assert list_conflicts(session, pair.review_id) == []
    assert check_store(pair.b).ok


def test_a_new_value_settles_a_text_conflict(pair: Pair) -> None:
    with pair.open("a") as store, store.session() as session:
        section = next(s for s in review_sections(session, pair.review_id) if s.assessments).id
        set_section_text(session, pair.review_id, section, "Annas text.")
    with pair.open("b") as store, store.session() as session:
        set_section_text(session, pair.review_id, section, "Bertils text.")
    pair.exchange()
    with pair.open("b") as store, store.session() as session:
        [conflict] = list_conflicts(session, pair.review_id)
        resolve_conflict(session, pair.review_id, conflict.id, "value", "Gemensam text.")
        with pytest.raises(InvalidInput, match="redan avgjord"):
            resolve_conflict(session, pair.review_id, conflict.id, "local")
    pair.exchange()
    for path in (pair.a, pair.b):
        with sqlite3.connect(path) as raw:
            assert raw.execute("SELECT text FROM section_text WHERE section_id = ?",
                               (section,)).fetchone() == ("Gemensam text.",)
        raw.close()
    assert content(pair.a) == content(pair.b)


def test_the_same_change_on_both_sides_is_no_conflict(pair: Pair) -> None:
    for side in "ab":
        with pair.open(side) as store, store.session() as session:
            save_answer(session, pair.review_id, pair.files[2], pair.criteria["F1"], "nej")
    pair.exchange()
    with pair.open("a") as store, store.session() as session:
        assert list_conflicts(session, pair.review_id) == []
    assert content(pair.a) == content(pair.b)


def test_a_deletion_travels(pair: Pair) -> None:
    with pair.open("a") as store, store.session() as session:
        restore_answer(session, pair.review_id, pair.files[0], pair.criteria["F1"], None)
        observation = list_interviews(session, pair.review_id)[0].observations[0].id
        delete_observation(session, pair.review_id, observation)
    pair.exchange()
    assert _answer(pair.b, pair.files[0], pair.criteria["F1"]) is None
    with sqlite3.connect(pair.b) as raw:
        assert raw.execute("SELECT 1 FROM observation WHERE id = ?", (observation,)).fetchone() \
            is None
    raw.close()
    assert content(pair.a) == content(pair.b)


def test_a_deletion_of_a_row_the_other_edited_is_a_conflict(pair: Pair) -> None:
    with pair.open("a") as store, store.session() as session:
        observation = list_interviews(session, pair.review_id)[0].observations[0].id
        delete_observation(session, pair.review_id, observation)
    with pair.open("b") as store, store.session() as session:
        update_observation(session, pair.review_id, observation, text="Bertil skrev om den.")
    pair.exchange()
    assert content(pair.a) == content(pair.b)
    with pair.open("a") as store, store.session() as session:
        [conflict] = list_conflicts(session, pair.review_id)
        assert conflict.deletion and conflict.local.value is None
        with pytest.raises(InvalidInput, match="välja en av sidorna"):
            resolve_conflict(session, pair.review_id, conflict.id, "value", "x")
        resolve_conflict(session, pair.review_id, conflict.id, "local")  # delete it
    pair.exchange()
    for path in (pair.a, pair.b):
        with sqlite3.connect(path) as raw:
            assert raw.execute("SELECT 1 FROM observation WHERE id = ?",
                               (observation,)).fetchone() is None
        raw.close()
        assert check_store(path).ok
    assert content(pair.a) == content(pair.b)


def test_an_answer_given_on_both_sides_becomes_one_row(pair: Pair) -> None:
    case_file, criterion = pair.files[3], pair.criteria["F1"]
    with pair.open("a") as store, store.session() as session:
        restore_answer(session, pair.review_id, case_file, criterion, None)
    pair.exchange()
    for side, value in (("a", "ja"), ("b", "nej")):
        with pair.open(side) as store, store.session() as session:
            save_answer(session, pair.review_id, case_file, criterion, value)
    pair.exchange()
    assert content(pair.a) == content(pair.b)
    with pair.open("a") as store, store.session() as session:
        [conflict] = list_conflicts(session, pair.review_id)
        assert {conflict.local.value, conflict.incoming.value} == {"ja", "nej"}


def test_a_signed_review_is_never_changed(pair: Pair, tmp_path: Path) -> None:
    with pair.open("b") as store, store.session() as session:
        update_assessment(session, pair.review_id,
                          next(s for s in review_sections(session, pair.review_id)
                               if s.assessments).assessments[0].id,
                          rating="rod")
    with pair.open("a") as store, store.session() as session:
        sign_review(session, pair.review_id)
    before = content(pair.a)
    outcome = merge_file(pair.a, pair.snapshot("b"), pair.review_id)
    assert outcome.signed and not outcome.changed
    assert content(pair.a) == before
    # A copy of a later version (reopened there) is refused, in Swedish.
    newer = tmp_path / "newer.db"
    shutil.copy(pair.a, newer)
    with sqlite3.connect(newer) as raw:
        raw.execute("INSERT INTO review_reopening (id, created_at, updated_at, review_id, "
                    "from_version, to_version, reason, actor) SELECT 'x', created_at, "
                    "created_at, id, version, version + 1, 'Rättelse', '' FROM review")
        raw.execute("UPDATE review SET status = 'reopened', version = version + 1")
    raw.close()
    with pytest.raises(InvalidInput, match="version 2"):
        merge_file(pair.a, newer, pair.review_id)
    assert content(pair.a) == before and check_store(pair.a).ok


def test_forged_conflicts_in_a_copy_are_not_taken(pair: Pair) -> None:
    bundle = pair.snapshot("b")
    with sqlite3.connect(bundle) as raw:
        raw.execute(
            "INSERT INTO merge_conflict (id, review_id, entity, row_id, field, label_json, "
            "value_a, site_a, counter_a, actor_a, at_a, value_b, site_b, counter_b, actor_b, "
            "at_b, resolved_at, resolved_by, resolution, resolved_value, resolved_counter) "
            "VALUES ('f', ?, 'answer; DROP TABLE answer', 'r', 'value', '{}', '1', 's', 1, '',"
            " '', '2', 't', 1, '', '', NULL, '', '', NULL, 0)", (pair.review_id,))
    raw.close()
    merge_file(pair.a, bundle, pair.review_id)
    with pair.open("a") as store, store.session() as session:
        assert list_conflicts(session, pair.review_id) == []
    # Written into the store by hand, it is listed but refused when settled.
    with sqlite3.connect(pair.a) as raw:
        raw.execute("INSERT INTO merge_conflict SELECT * FROM (SELECT 'g', ?, 'answer', 'r', "
                    "'id = 1; --', '{}', '1', 's', 1, '', '', '2', 't', 1, '', '', NULL, '', "
                    "'', NULL, 0)", (pair.review_id,))
    raw.close()
    with pair.open("a") as store, store.session() as session:
        [forged] = list_conflicts(session, pair.review_id)
        with pytest.raises(InvalidInput, match="inget som kan avgöras"):
            resolve_conflict(session, pair.review_id, forged.id, "local")


def test_a_number_written_into_a_copy_by_hand_comes_in_masked(pair: Pair) -> None:
    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[0]
    bundle = pair.snapshot("b")
    with sqlite3.connect(bundle) as raw:
        row_id = raw.execute("SELECT id FROM answer WHERE case_file_id = ? AND criterion_id = ?",
                             (pair.files[0], pair.criteria["F1"])).fetchone()[0]
        raw.execute("UPDATE answer SET comment = ? WHERE id = ?", (f"Ring {number}", row_id))
        raw.execute("INSERT OR REPLACE INTO merge_stamp VALUES ('answer', ?, 'comment', ?, "
                    "'falsk', 1, '', '')", (row_id, pair.review_id))
        raw.execute("INSERT INTO merge_context VALUES (?, 'falsk', 1)", (pair.review_id,))
    raw.close()
    assert merge_file(pair.a, bundle, pair.review_id).taken == 1
    comment = _answer(pair.a, pair.files[0], pair.criteria["F1"])[1]
    assert comment.startswith("Ring ") and number[-4:] not in comment and "XXXX" in comment
