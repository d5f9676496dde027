"""A Hypothesis state machine: two auditors edit copies of one review at random (answers,
comments, section texts, ratings, observations, deletions) and exchange real bundles
(``kvtui.store.bundle``: encrypted files, imported into the other's store), one way or both, in
any order.

After every exchange: no change either made is lost (each is the value the merged store holds
or one side of a conflict), a second import of the same copy changes nothing, and after an
exchange both ways the two stores hold the same review (A+B = B+A). ``kvtui check`` passes
at the end. Used by tests/store/test_merge_fuzz.py with few examples and by
bench/merge_fuzz.py for the long run.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from kvtui.domain.bundle_format import ScryptCost
from kvtui.store.answers import restore_answer, save_answer, set_comment
from kvtui.store.assessments import set_section_text, update_assessment
from kvtui.store.bundle import export_review, import_bundle, open_bundle
from kvtui.store.changelog import count_entries
from kvtui.store.database import Store, check_store, open_store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.interviews import delete_observation, update_observation
from kvtui.store.merge import MergeOutcome
from tests.store.merge_copies import content, copy_store

PASSPHRASE = "två granskare, en granskning"
CHEAP = ScryptCost(n=2**10, r=8, p=1)  # the tests' cost; a real bundle's is far higher

SIDES = st.sampled_from("ab")
TEXTS = st.sampled_from(["Beslut saknas.", "Plan finns.", "Uppföljd.", "Oklart.", ""])
_SETUP: dict[str, Any] = {}


def setup(base: Path, review_id: str) -> None:
    """The starting store (a review with answers, texts, statements and observations)."""
    _SETUP.update(base=base, review_id=review_id)
    with sqlite3.connect(base) as raw:
        _SETUP["keys"] = raw.execute(
            "SELECT a.case_file_id, a.criterion_id FROM answer a JOIN review_criterion k ON "
            "k.id = a.criterion_id WHERE k.kind = 'judgement' ORDER BY a.id LIMIT 6").fetchall()
        _SETUP["sections"] = [row[0] for row in raw.execute(
            "SELECT DISTINCT section_id FROM assessment ORDER BY section_id LIMIT 3")]
        _SETUP["assessments"] = [row[0] for row in raw.execute(
            "SELECT id FROM assessment ORDER BY id LIMIT 3")]
        _SETUP["observations"] = [row[0] for row in raw.execute(
            "SELECT id FROM observation ORDER BY id LIMIT 3")]
    raw.close()


class TwoAuditors(RuleBasedStateMachine):
    """Anna (a) and Bertil (b), each with her or his store."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="kvtui-merge-"))
        self.review_id: str = _SETUP["review_id"]
        self.paths = {side: self.folder / f"{side}.db" for side in "ab"}
        for path in self.paths.values():
            copy_store(_SETUP["base"], path)
        self.stores: dict[str, Store] = {
            side: open_store(path, backup=False) for side, path in self.paths.items()}
        # Each side's changes the other has not merged yet: (table, key, field) → value.
        self.unseen: dict[str, dict[tuple[str, Any, str], Any]] = {"a": {}, "b": {}}
        self.bundles = 0

    # How many runs end with ``kvtui check`` on both stores (a second each): the suite checks
    # the first, the long run every one.
    checks_left = 1

    def teardown(self) -> None:
        for store in self.stores.values():
            store.close()
        if TwoAuditors.checks_left > 0:
            TwoAuditors.checks_left -= 1
            for path in self.paths.values():
                assert check_store(path).ok, check_store(path).lines
        shutil.rmtree(self.folder, ignore_errors=True)

    def _write(self, side: str, call: Any, *args: Any, **kwargs: Any) -> bool:
        """Whether the store took the change: refused (a row the other side's merge deleted)
        or changing nothing (the value it already had), there is nothing to keep."""
        with self.stores[side].session() as session:
            before = count_entries(session)
            try:
                call(session, self.review_id, *args, **kwargs)
            except (InvalidInput, NotFound):
                return False
            return count_entries(session) > before

    # --- edits --------------------------------------------------------------------------

    @rule(side=SIDES, key=st.integers(0, 5), value=st.sampled_from(["ja", "delvis", "nej"]))
    def answer(self, side: str, key: int, value: str) -> None:
        case_file, criterion = _SETUP["keys"][key]
        if self._write(side, save_answer, case_file, criterion, value):
            self.unseen[side][("answer", (case_file, criterion), "value")] = value

    @rule(side=SIDES, key=st.integers(0, 5), text=TEXTS)
    def comment(self, side: str, key: int, text: str) -> None:
        case_file, criterion = _SETUP["keys"][key]
        if self._write(side, set_comment, case_file, criterion, text):
            self.unseen[side][("answer", (case_file, criterion), "comment")] = text

    @rule(side=SIDES, key=st.integers(0, 5))
    def unanswer(self, side: str, key: int) -> None:
        case_file, criterion = _SETUP["keys"][key]
        if self._write(side, restore_answer, case_file, criterion, None):
            for name in ("value", "comment"):
                self.unseen[side].pop(("answer", (case_file, criterion), name), None)

    @rule(side=SIDES, index=st.integers(0, 2), text=TEXTS)
    def section_text(self, side: str, index: int, text: str) -> None:
        section = _SETUP["sections"][index % len(_SETUP["sections"])]
        if self._write(side, set_section_text, section, text):
            self.unseen[side][("section_text", section, "text")] = text

    @rule(side=SIDES, index=st.integers(0, 2), rating=st.sampled_from(["", "gron", "gul", "rod"]))
    def rating(self, side: str, index: int, rating: str) -> None:
        assessment = _SETUP["assessments"][index % len(_SETUP["assessments"])]
        if self._write(side, update_assessment, assessment, rating=rating):
            self.unseen[side][("assessment", assessment, "rating")] = rating

    @rule(side=SIDES, index=st.integers(0, 2), text=TEXTS.filter(bool))
    def observation(self, side: str, index: int, text: str) -> None:
        observation = _SETUP["observations"][index % len(_SETUP["observations"])]
        if self._write(side, update_observation, observation, text=text):
            self.unseen[side][("observation", observation, "text")] = text

    @rule(side=SIDES, index=st.integers(0, 2))
    def delete(self, side: str, index: int) -> None:
        observation = _SETUP["observations"][index % len(_SETUP["observations"])]
        if self._write(side, delete_observation, observation):
            self.unseen[side].pop(("observation", observation, "text"), None)

    # --- exchanges ----------------------------------------------------------------------

    def _bundle(self, side: str) -> Path:
        """The side's review exported as a real bundle (encrypted, as one auditor sends it)."""
        self.bundles += 1
        target = self.folder / f"paket {self.bundles} #?%å.kvtui"
        export_review(self.stores[side], self.review_id, target, PASSPHRASE, cost=CHEAP)
        return target

    def _import(self, into: str, bundle: Path) -> MergeOutcome:
        header, payload = open_bundle(bundle.read_bytes(), PASSPHRASE)
        merged = import_bundle(self.stores[into], header, payload).merged
        assert merged is not None
        return merged

    def _merge(self, into: str, bundle: Path, sender: str) -> None:
        self._import(into, bundle)
        before = content(self.paths[into])
        again = self._import(into, bundle)
        assert not again.changed and content(self.paths[into]) == before, "re-import changed"
        self._none_lost(into, self.unseen[sender])
        self.unseen[sender] = {}

    @rule(into=SIDES)
    def one_way(self, into: str) -> None:
        sender = "b" if into == "a" else "a"
        self._merge(into, self._bundle(sender), sender)

    @rule()
    def both_ways(self) -> None:
        bundle_a, bundle_b = self._bundle("a"), self._bundle("b")
        mine = dict(self.unseen["a"])
        self._merge("a", bundle_b, "b")
        self._none_lost("a", mine)
        self._merge("b", bundle_a, "a")
        assert content(self.paths["a"]) == content(self.paths["b"]), "A+B differs from B+A"

    def _none_lost(self, side: str, changes: dict[tuple[str, Any, str], Any]) -> None:
        """Each change is the store's value or one side of a conflict about that field (or
        of a deleted row's conflict)."""
        with sqlite3.connect(self.paths[side]) as raw:
            for (table, key, name), value in changes.items():
                if table == "answer":
                    row = raw.execute(f"SELECT id, {name} FROM answer WHERE case_file_id = ? "
                                      "AND criterion_id = ?", key).fetchone()
                else:
                    row = raw.execute(f"SELECT id, {name} FROM {table} WHERE "
                                      f"{'section_id' if table == 'section_text' else 'id'}"
                                      " = ?", (key,)).fetchone()
                if row is not None and row[1] == value:
                    continue
                kept = set()
                for a, b in raw.execute(
                        "SELECT value_a, value_b FROM merge_conflict WHERE entity = ? AND "
                        "field IN (?, '#deleted') AND (row_id = ? OR ? IS NULL)",
                        (table, name, row[0] if row else None, row[0] if row else None)):
                    kept |= {json.loads(a) if a else None, json.loads(b) if b else None}
                assert row is not None and value in kept, (
                    f"lost: {table} {name} = {value!r} (store has {row and row[1]!r})")
        raw.close()
