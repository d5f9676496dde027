"""Merging two auditors' copies of a large review, against SQLite alone copying the same rows.

A review with 3,000 akter × 19 criteria (57,000 answers) is made once; the answers are written
straight into the store with a stamp each, as if one auditor had answered them all. Two copies
of the store get sites of their own (Anna's and Bertil's) and each changes 10 % of the answers
through the store's own ``save_answer`` and ``set_comment`` (logged and stamped as in the app:
values of judgement criteria and comments, chosen at random with different seeds, so about
1 % of the answers were changed on both sides). Then Bertil's copy is attached to Anna's store
as ``incoming`` and ``merge_review`` runs in one transaction, committed.

The baseline is SQLite alone doing the least a merge must: in a copy of Anna's store whose
review has no answers, attach Bertil's file and copy the review's 57,000 answers across with
one ``INSERT … SELECT``, committed. The two run in alternating pairs on fresh copies; the
ratio is the median of the pairs'. Goal: ≤ 5×.

Last, each side's review is exported as a real bundle (encrypted, at the shipped scrypt cost)
and Bertil's is imported into a copy of Anna's store, which merges it: the bundles' sizes and
the times of export and of the whole import (key derivation, decryption, merge) are printed.

    python bench/merge.py [--akter 3000] [--share 0.10] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kvtui.domain.demo import DEMO_FIELDS
from kvtui.store.answers import save_answer, set_comment
from kvtui.store.bulk import driver
from kvtui.store.bundle import export_review, import_bundle, open_bundle
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import check_store, make_engine, open_store
from kvtui.store.merge import MergeOutcome, merge_review
from kvtui.store.reviews import create_review
from kvtui.store.stamps import renew_site
from kvtui.store.template_library import load_template

PASSPHRASE = "en lösenfras för mätningen"

WORDS = ("Beslut", "saknas", "i", "akten", "genomförandeplan", "finns", "men", "är", "inte",
         "uppdaterad", "enligt", "rutin", "dokumenterat", "samtal", "med", "barnet")


def build(folder: Path, akter: int) -> tuple[Path, str]:
    """The shared starting point: the review, its akter and every answer, stamped."""
    path = folder / "base.db"
    store = open_store(path, backup=False)
    try:
        template, text = load_template("familjevard", None)
        with store.session() as session:
            review_id = create_review(session, template, text, DEMO_FIELDS)
            add_case_files(session, review_id, [(f"BoU-{n:05d}", {"Placeringsform":
                                                 "familjehem"}) for n in range(akter)])
    finally:
        store.close()
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO answer (id, created_at, updated_at, review_id, case_file_id, "
            "criterion_id, value, computed_value, override_reason, comment) SELECT "
            "lower(hex(randomblob(16))), '2026-01-10 09:00:00.000000', "
            "'2026-01-10 09:00:00.000000', c.review_id, c.id, k.id, 'ja', '', '', '' FROM "
            "case_file c JOIN review_criterion k ON k.review_id = c.review_id "
            "WHERE c.review_id = ?", (review_id,))
        raw.execute(
            "INSERT INTO merge_stamp (entity, row_id, field, review_id, site, counter, actor, "
            "at) SELECT 'answer', a.id, 'value', a.review_id, s.site, a.rowid + 1000000, "
            "'granskare', '2026-01-10T09:00:00+00:00' FROM answer a, merge_site s")
        raw.execute(
            "INSERT OR REPLACE INTO merge_context (review_id, site, counter) SELECT ?, s.site,"
            " (SELECT max(rowid) + 1000000 FROM answer) FROM merge_site s", (review_id,))
    raw.close()
    return path, review_id


def edit(path: Path, review_id: str, share: float, seed: int) -> int:
    """One auditor's work on her copy: a share of the answers changed through the store."""
    shutil.copy(path, path.with_suffix(".tmp"))
    engine = make_engine(path)
    with engine.begin() as connection:
        renew_site(connection)
    engine.dispose()
    with sqlite3.connect(path) as raw:
        rows = raw.execute(
            "SELECT a.case_file_id, a.criterion_id, k.kind FROM answer a JOIN "
            "review_criterion k ON k.id = a.criterion_id WHERE a.review_id = ? ORDER BY a.id",
            (review_id,)).fetchall()
    raw.close()
    rng = random.Random(seed)
    chosen = rng.sample(rows, int(len(rows) * share))
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            for case_file_id, criterion_id, kind in chosen:
                if kind == "judgement" and rng.random() < 0.5:
                    save_answer(session, review_id, case_file_id, criterion_id,
                                rng.choice(("nej", "delvis", "ej_aktuellt")), commit=False)
                else:
                    set_comment(session, review_id, case_file_id, criterion_id,
                                " ".join(rng.choices(WORDS, k=8)))
            session.commit()
    finally:
        store.close()
    path.with_suffix(".tmp").unlink()
    return len(chosen)


def merge_once(local: Path, incoming: Path, review_id: str) -> tuple[float, MergeOutcome]:
    engine = make_engine(local)
    try:
        with engine.connect() as connection:
            driver(connection).execute("ATTACH DATABASE ? AS incoming", (str(incoming),))
            start = time.perf_counter()
            with connection.begin():
                outcome = merge_review(connection, review_id)
            elapsed = time.perf_counter() - start
            driver(connection).execute("DETACH DATABASE incoming")
    finally:
        engine.dispose()
    return elapsed, outcome


def copy_once(local: Path, incoming: Path, review_id: str) -> float:
    """SQLite alone: the review's answers copied from the other file in one statement."""
    raw = sqlite3.connect(local, isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("DELETE FROM answer WHERE review_id = ?", (review_id,))
    raw.execute("ATTACH DATABASE ? AS incoming", (str(incoming),))
    start = time.perf_counter()
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("INSERT INTO main.answer SELECT * FROM incoming.answer WHERE review_id = ?",
                (review_id,))
    raw.execute("COMMIT")
    elapsed = time.perf_counter() - start
    raw.execute("DETACH DATABASE incoming")
    raw.close()
    return elapsed


def bundles(folder: Path, anna: Path, bertil: Path, review_id: str) -> None:
    """Both sides' bundles, and Bertil's imported into a copy of Anna's store: print sizes
    and times."""
    sizes, exports = [], []
    for side, path in (("anna", anna), ("bertil", bertil)):
        store = open_store(path, backup=False)
        try:
            started = time.perf_counter()
            done = export_review(store, review_id, folder / f"{side}.kvtui", PASSPHRASE)
            exports.append(time.perf_counter() - started)
            sizes.append(done.size)
        finally:
            store.close()
    target = folder / "anna-import.db"
    shutil.copy(anna, target)
    store = open_store(target, backup=False)
    try:
        started = time.perf_counter()
        header, payload = open_bundle((folder / "bertil.kvtui").read_bytes(), PASSPHRASE)
        outcome = import_bundle(store, header, payload)
        imported = time.perf_counter() - started
    finally:
        store.close()
    print(f"paket: Anna {sizes[0] / 1e6:.2f} MB, Bertil {sizes[1] / 1e6:.2f} MB (databasfilerna "
          f"{anna.stat().st_size / 1e6:.1f} och {bertil.stat().st_size / 1e6:.1f} MB); export "
          f"{statistics.median(exports):.2f} s, import med sammanslagning {imported:.2f} s")
    print(f"  {outcome.merge_said()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--akter", type=int, default=3000)
    parser.add_argument("--share", type=float, default=0.10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base, review_id = build(folder, args.akter)
        anna, bertil = folder / "anna.db", folder / "bertil.db"
        shutil.copy(base, anna)
        shutil.copy(base, bertil)
        started = time.perf_counter()
        changed = edit(anna, review_id, args.share, 1), edit(bertil, review_id, args.share, 2)
        print(f"{args.akter} akter × 19 kriterier; ändrade svar: Anna {changed[0]}, "
              f"Bertil {changed[1]} ({time.perf_counter() - started:.1f} s genom butiken)")
        ratios, merges, copies = [], [], []
        outcome = MergeOutcome()
        for round_number in range(args.rounds):
            work = folder / f"round{round_number}"
            work.mkdir()
            merged, copied = work / "merged.db", work / "copied.db"
            shutil.copy(anna, merged)
            shutil.copy(anna, copied)
            pair = []
            for which in ((0, 1) if round_number % 2 == 0 else (1, 0)):
                if which == 0:
                    seconds, outcome = merge_once(merged, bertil, review_id)
                    merges.append(seconds)
                else:
                    pair.append(copy_once(copied, bertil, review_id))
                    copies.append(pair[-1])
            ratios.append(merges[-1] / copies[-1])
        print(f"sammanslagning: {outcome}")
        print(f"merge_review: median {statistics.median(merges) * 1000:.0f} ms; "
              f"INSERT … SELECT av samma svar: median {statistics.median(copies) * 1000:.0f} ms")
        print(f"kvot (median av paren): {statistics.median(ratios):.2f}× (mål ≤ 5×)")
        merged = folder / "round0" / "merged.db"
        again, second = merge_once(merged, bertil, review_id)
        print(f"samma paket igen: {(second.changed and 'ändrade') or 'ingen ändring'} "
              f"({again * 1000:.0f} ms)")
        result = check_store(merged)
        print("kvtui check efter sammanslagningen:", "ok" if result.ok else result.lines)
        bundles(folder, anna, bertil, review_id)


if __name__ == "__main__":
    main()
