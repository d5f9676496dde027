"""The archive under load: many auditors pushing and pulling at once, and the server restarted.

A real PostgreSQL server is started (``tests/pg_server.py``) and made an archive by kvtui's own
migrations. Each of ``--clients`` processes has a store of its own with ``--reviews`` divided
between them (3,002 answers each: 158 akter × 19 criteria), and for ``--seconds`` it works as
an auditor who syncs often: changes a few answers of one of its reviews and pushes it, or
pulls one of its own reviews back, or pulls another client's review into a second store.
Halfway, the server is restarted (``pg_ctl stop -m fast`` and start): the operations in
flight fail with kvtui's Swedish message and are retried until they succeed.

After the run each client pushes each of its reviews once more, and the archive is checked:

- lost: a review whose answers in the archive (its payload, and kvtui's own tables) differ
  from the client's store;
- duplicated: more than one work-in-progress version of a review, more than one catalogue row,
  or an answer twice in kvtui's tables;
- partial: a review whose catalogue, payload and rows do not agree (answer counts, SHA-256).

Goal: 0, 0 and 0. It prints the operations, their failures during the restart, the pushes'
throughput and p50/p99, and the ratio of a push's median to the baseline's: the least a push
must do, the same payload written with one INSERT through psycopg in its own transaction,
timed in the same run by the same clients.

    python bench/archive.py [--clients 20] [--reviews 200] [--seconds 120] [--akter 158]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import multiprocessing
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from kvtui.domain.demo import DEMO_FIELDS
from kvtui.store import archive
from kvtui.store.answers import save_answer
from kvtui.store.archive_engine import (
    ArchiveError,
    ArchiveRefused,
    make_archive_engine,
    upgrade_archive,
)
from kvtui.store.bundle import review_payload
from kvtui.store.casefiles import add_case_files
from kvtui.store.database import open_store
from kvtui.store.errors import InvalidInput
from kvtui.store.reviews import create_review
from kvtui.store.template_library import load_template
from tests.pg_server import PgServer

VALUES = ("ja", "nej", "delvis", "ej_aktuellt")


def build_store(path: Path, reviews: int, akter: int, seed: int) -> list[str]:
    """A store with ``reviews`` reviews, each with every answer given."""
    store = open_store(path, backup=False)
    made = []
    try:
        template, text = load_template("familjevard", None)
        with store.session() as session:
            for n in range(reviews):
                fields = replace(DEMO_FIELDS, title=f"Granskning {seed}-{n}",
                                 unit=f"Enhet {(seed * 7 + n) % 9}")
                review_id = create_review(session, template, text, fields)
                add_case_files(session, review_id, [
                    (f"BoU-{k:05d}", {"Placeringsform": "familjehem"}) for k in range(akter)])
                made.append(review_id)
    finally:
        store.close()
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO answer (id, created_at, updated_at, review_id, case_file_id, "
            "criterion_id, value, computed_value, override_reason, comment) SELECT "
            "lower(hex(randomblob(16))), '2026-01-10 09:00:00.000000', "
            "'2026-01-10 09:00:00.000000', c.review_id, c.id, k.id, 'ja', '', '', '' FROM "
            "case_file c JOIN review_criterion k ON k.review_id = c.review_id")
    raw.close()
    return made


def answers_of(path: Path, review_id: str) -> dict[tuple[str, str], str]:
    with sqlite3.connect(path) as raw:
        rows = raw.execute("SELECT case_file_id, criterion_id, value FROM answer WHERE "
                           "review_id = ?", (review_id,)).fetchall()
    raw.close()
    return {(a, b): v for a, b, v in rows}


def _retrying(what: Any, deadline: float, failures: list[str]) -> Any:
    """Do ``what`` until it succeeds: a failure while the server is away is retried."""
    while True:
        try:
            return what()
        except (ArchiveError, InvalidInput, psycopg.Error) as error:
            failures.append(str(error).split(".")[0])
            if time.monotonic() > deadline + 120:
                raise
            time.sleep(0.2)


def client(number: int, folder: Path, target: str, own: list[str], everyone: list[str],
           seconds: float, queue: Any) -> None:
    """One auditor's work for ``seconds``; what it did (or how it failed) goes to ``queue``."""
    try:
        queue.put(_work(number, folder, target, own, everyone, seconds))
    except BaseException as error:
        queue.put({"number": number, "error": f"{type(error).__name__}: {error}"})
        raise


def _work(number: int, folder: Path, target: str, own: list[str], everyone: list[str],
          seconds: float) -> dict[str, Any]:
    rng = random.Random(number)
    store = open_store(folder / f"c{number}" / "kvtui.db", backup=False)
    scratch = open_store(folder / f"c{number}" / "andra" / "kvtui.db", backup=False)
    engine = make_archive_engine(target)
    pushes: list[float] = []
    baselines: list[float] = []
    pulls: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + seconds
    try:
        keys_by_review: dict[str, list[tuple[str, str]]] = {}
        with sqlite3.connect(store.path) as raw:
            for review_id, case_file_id, criterion_id in raw.execute(
                    "SELECT review_id, case_file_id, criterion_id FROM answer"):
                keys_by_review.setdefault(review_id, []).append((case_file_id, criterion_id))
        raw.close()
        while time.monotonic() < deadline:
            choice = rng.random()
            review_id = rng.choice(own)
            if choice < 0.6:
                with store.session() as session:
                    for case_file_id, criterion_id in rng.sample(keys_by_review[review_id], 5):
                        save_answer(session, review_id, case_file_id, criterion_id,
                                    rng.choice(VALUES), commit=False)
                    session.commit()
                start = time.perf_counter()
                _retrying(lambda r=review_id: archive.push(store, engine, r), deadline, failures)
                pushes.append(time.perf_counter() - start)
                if rng.random() < 0.2:
                    baselines.append(_retrying(
                        lambda r=review_id: _baseline(store, engine, r), deadline, failures))
            elif choice < 0.8:
                start = time.perf_counter()
                _retrying(lambda r=review_id: _pull_own(store, engine, r), deadline, failures)
                pulls.append(time.perf_counter() - start)
            else:
                other = rng.choice(everyone)
                start = time.perf_counter()
                _retrying(lambda r=other: _pull_other(scratch, engine, r), deadline, failures)
                pulls.append(time.perf_counter() - start)
        for review_id in own:  # the last changes go in, after the run
            _retrying(lambda r=review_id: archive.push(store, engine, r), deadline, failures)
    finally:
        engine.dispose()
        scratch.close()
        store.close()
    return {"number": number, "pushes": pushes, "pulls": pulls, "baselines": baselines,
            "failures": failures}


def _pull_own(store: Any, engine: Any, review_id: str) -> None:
    """Pull one's own review, pushing it first when the store has changes the archive has
    not seen (the pull refuses those) or the archive does not have it yet."""
    try:
        archive.pull(store, engine, review_id)
    except archive.NotFound:
        archive.push(store, engine, review_id)
    except ArchiveRefused as error:
        if "har ändrats på den här datorn" not in str(error):
            raise
        archive.push(store, engine, review_id)
        archive.pull(store, engine, review_id)


def _pull_other(store: Any, engine: Any, review_id: str) -> None:
    with contextlib.suppress(archive.NotFound):  # not pushed by its client yet
        archive.pull(store, engine, review_id)


def _baseline(store: Any, engine: Any, review_id: str) -> float:
    """The least a push must do: the payload built and written with one INSERT."""
    start = time.perf_counter()
    payload, _revision = review_payload(store, review_id)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("INSERT INTO bench_baseline (payload) VALUES (%s)", (payload,))
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - start


def verify(target: str, stores: dict[str, Path]) -> dict[str, int]:
    """Lost, duplicated and partial reviews (see the module's text)."""
    engine = make_archive_engine(target)
    lost = duplicated = partial = 0
    try:
        with engine.connect() as connection:
            def rows(sql: str, **parameters: Any) -> list[Any]:
                return list(connection.exec_driver_sql(sql, tuple(parameters.values())))

            duplicated += len(rows("SELECT review_id FROM archive_version WHERE NOT signed "
                                   "GROUP BY review_id HAVING count(*) > 1"))
            duplicated += len(rows("SELECT review_id, case_file_id, criterion_id FROM answer "
                                   "GROUP BY 1, 2, 3 HAVING count(*) > 1"))
            archived = {r[0]: r for r in rows("SELECT review_id, payload_sha256 FROM "
                                              "archive_review")}
            for review_id, path in stores.items():
                if review_id not in archived:
                    lost += 1
                    continue
                payload_row = rows("SELECT v.payload, v.payload_sha256 FROM archive_version v "
                                   "JOIN archive_review r USING (review_id, payload_sha256) "
                                   "WHERE review_id = %s", review=review_id)
                if len(payload_row) != 1:
                    partial += 1
                    continue
                payload = bytes(payload_row[0][0])
                if hashlib.sha256(payload).hexdigest() != payload_row[0][1]:
                    partial += 1
                    continue
                in_payload = _payload_answers(payload, review_id)
                in_tables = {(a, b): v for a, b, v in rows(
                    "SELECT case_file_id, criterion_id, value FROM answer WHERE review_id = %s",
                    review=review_id)}
                if in_payload != in_tables:
                    partial += 1
                if in_payload != answers_of(path, review_id):
                    lost += 1
    finally:
        engine.dispose()
    return {"lost": lost, "duplicated": duplicated, "partial": partial}


def _payload_answers(payload: bytes, review_id: str) -> dict[tuple[str, str], str]:
    memory = sqlite3.connect(":memory:")
    try:
        memory.deserialize(payload)
        rows = memory.execute("SELECT case_file_id, criterion_id, value FROM answer WHERE "
                              "review_id = ?", (review_id,)).fetchall()
    finally:
        memory.close()
    return {(a, b): v for a, b, v in rows}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--reviews", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--akter", type=int, default=158)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kvtui-bench-archive-"))
    server = PgServer().start()
    try:
        target = server.create_database("arkiv")
        engine = make_archive_engine(target)
        upgrade_archive(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, "
                                       "payload bytea NOT NULL)")
        engine.dispose()

        print(f"Bygger {args.reviews} granskningar à {args.akter * 19} svar hos "
              f"{args.clients} klienter …", flush=True)
        per_client = args.reviews // args.clients
        base = folder / "base" / "kvtui.db"
        own: dict[int, list[str]] = {}
        stores: dict[str, Path] = {}
        for number in range(args.clients):
            path = folder / f"c{number}" / "kvtui.db"
            own[number] = build_store(path, per_client, args.akter, number)
            stores.update(dict.fromkeys(own[number], path))
        shutil.rmtree(base.parent, ignore_errors=True)
        everyone = [review_id for reviews in own.values() for review_id in reviews]

        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        workers = [context.Process(target=client, args=(
            number, folder, target, own[number], everyone, args.seconds, queue))
            for number in range(args.clients)]
        start = time.monotonic()
        for worker in workers:
            worker.start()
        time.sleep(args.seconds / 2)
        restart = time.monotonic()
        server.restart()
        print(f"Servern startades om efter {restart - start:.0f} s "
              f"({time.monotonic() - restart:.1f} s).", flush=True)
        results = [queue.get() for _ in workers]
        for worker in workers:
            worker.join()
        broken = [r for r in results if "error" in r]
        for result in broken:
            print(f"klient {result['number']} avbröts: {result['error']}")
        if broken:
            sys.exit(1)
        elapsed = time.monotonic() - start

        pushes = [t for r in results for t in r["pushes"]]
        pulls = [t for r in results for t in r["pulls"]]
        baselines = [t for r in results for t in r["baselines"]]
        failures = [f for r in results for f in r["failures"]]
        checked = verify(target, stores)
        print(f"Klienter: {args.clients}, granskningar: {len(stores)}, tid: {elapsed:.0f} s")
        print(f"push: {len(pushes)} ({len(pushes) / elapsed:.1f}/s), p50 "
              f"{_percentile(pushes, 0.5):.3f} s, p99 {_percentile(pushes, 0.99):.3f} s")
        print(f"pull: {len(pulls)} ({len(pulls) / elapsed:.1f}/s), p50 "
              f"{_percentile(pulls, 0.5):.3f} s, p99 {_percentile(pulls, 0.99):.3f} s")
        print(f"baslinje (nyttolasten med en INSERT): {len(baselines)}, p50 "
              f"{_percentile(baselines, 0.5):.3f} s; push/baslinje: "
              f"{statistics.median(pushes) / statistics.median(baselines):.2f}×"
              if baselines else "baslinje: inga mätningar")
        print(f"misslyckade försök under omstarten (sedan lyckade): {len(failures)}"
              + (f", t.ex. ”{failures[0]}”" if failures else ""))
        print(f"förlorade: {checked['lost']}, dubblerade: {checked['duplicated']}, "
              f"ofullständiga: {checked['partial']}")
        if any(checked.values()):
            sys.exit(1)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
