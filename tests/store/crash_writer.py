"""Crash testing the store: a writer process to kill, and the routine that kills and verifies.

Run as a script, ``python crash_writer.py STORE SEED`` opens the store (creating the demo review
if it holds none) and saves answers until it is killed. It reports on stdout, one flushed line
per event:

    START                       imports done, about to call open_store
    OPEN                        open_store returned
    WILL <cf> <crit> <value>    about to call save_answer
    SAVED <cf> <crit> <value>   save_answer returned: the answer is acknowledged as saved
    BACKUP <name>               a verified backup was written

Imported, it provides ``CrashRun``: the parent side used by ``test_crash.py`` and
``bench/crash.py``. Each ``CrashRun.cycle()`` starts a writer, kills it at a random moment
(``Popen.kill``: SIGKILL on POSIX), reopens the store with ``open_store`` (which must see the
unclean stop), and checks that every acknowledged answer is there, that the store holds nothing
that was never written, that each answer matches its latest change-log entry, that
``check_store`` (integrity, foreign keys, change-log chain) passes and that every finished
backup is intact.

A write that was committed but not yet acknowledged when the kill came may or may not be in the
store; that is the only freedom the check allows (at most one such write per kill, because the
writer is sequential).

This file must only import kvtui with absolute imports: it runs as a script, is imported as
part of the tests package, and is imported by ``bench/crash.py`` with ``tests/store`` on the path.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlmodel import Session, col, select

from kvtui.paths import backups_dir
from kvtui.store.answers import VALUES, save_answer
from kvtui.store.backup import integrity_ok
from kvtui.store.database import StoreLocked, check_store, open_store
from kvtui.store.demo import create_demo
from kvtui.store.models import Answer, CaseFile, ChangeLog, Review, ReviewCriterion

WRITER = Path(__file__).resolve()

#: Seconds to wait for a writer to start acknowledging; generous for a loaded 2-core machine.
START_TIMEOUT = 120.0
#: Delay between the first acknowledgement and the kill, in seconds.
KILL_DELAY = (0.05, 0.6)
#: The writer makes a backup after this many saves, so some kills land inside a backup.
BACKUP_EVERY = 40
#: The writer gives up on its own after this long, in case nobody is left to kill it.
WRITER_MAX_SECONDS = 600.0

Key = tuple[str, str]


# --------------------------------------------------------------------------------------------
# The writer (child process)
# --------------------------------------------------------------------------------------------


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def ensure_review(session: Session) -> str:
    """The id of the store's first review, creating the demo review if there is none."""
    review_id = session.exec(select(Review.id).order_by(col(Review.created_at))).first()
    if review_id is None:
        review_id = create_demo(session)
    return review_id


def answer_keys(session: Session, review_id: str) -> list[Key]:
    """Every (case file, criterion) pair of the review, in a stable order."""
    case_files = session.exec(
        select(CaseFile.id).where(CaseFile.review_id == review_id).order_by(col(CaseFile.position))
    ).all()
    criteria = session.exec(
        select(ReviewCriterion.id)
        .where(ReviewCriterion.review_id == review_id)
        .order_by(col(ReviewCriterion.position))
    ).all()
    return [(cf, crit) for cf in case_files for crit in criteria]


def stored_answers(session: Session) -> dict[Key, str]:
    """Every answer in the store as {(case file, criterion): value}."""
    rows = session.exec(select(Answer.case_file_id, Answer.criterion_id, Answer.value)).all()
    return {(cf, crit): value for cf, crit, value in rows}


def write_forever(path: Path, seed: int) -> None:
    """Open the store and save answers until killed (or until the parent is gone)."""
    parent = os.getppid()
    rng = random.Random(seed)
    _say("START")
    store = open_store(path)
    _say("OPEN")
    deadline = time.monotonic() + WRITER_MAX_SECONDS
    with store.session() as session:
        review_id = ensure_review(session)
        keys = answer_keys(session, review_id)
        current = stored_answers(session)
        rng.shuffle(keys)
        written: list[Key] = []
        position = rng.randrange(len(keys))
        saves = 0
        while time.monotonic() < deadline and os.getppid() == parent:
            if written and rng.random() < 0.3:
                key = rng.choice(written)  # overwrite an answer given earlier
            else:
                key = keys[position % len(keys)]
                position += 1
                written.append(key)
            # Always a different value, so a lost write cannot hide behind an equal old one.
            value = rng.choice([v for v in VALUES if v != current.get(key)])
            _say(f"WILL {key[0]} {key[1]} {value}")
            save_answer(session, review_id, key[0], key[1], value)
            _say(f"SAVED {key[0]} {key[1]} {value}")
            current[key] = value
            saves += 1
            if saves % BACKUP_EVERY == 0:
                info = store.backup()
                _say(f"BACKUP {info.path.name}")
    store.close()


# --------------------------------------------------------------------------------------------
# The parent: kill and verify
# --------------------------------------------------------------------------------------------


class CrashTestError(AssertionError):
    """The writer misbehaved (died on its own, never started); the message has its stderr."""


@dataclass
class CycleResult:
    """What one kill cycle saw and found."""

    number: int
    seed: int
    acknowledged: int = 0
    killed_during_open: bool = False
    restart_seconds: float = 0.0
    check_seconds: float = 0.0
    lost: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    partial_backups: int = 0

    @property
    def ok(self) -> bool:
        """Nothing lost, nothing unexpected, every check passed."""
        return not (self.lost or self.unexpected or self.problems)

    def describe(self) -> str:
        """A multi-line account for an assertion message."""
        lines = [f"kill cycle {self.number} (writer seed {self.seed}):"]
        lines += [f"  lost acknowledged answer: {item}" for item in self.lost]
        lines += [f"  unexpected answer: {item}" for item in self.unexpected]
        lines += [f"  problem: {item}" for item in self.problems]
        return "\n".join(lines)


class _Reader(threading.Thread):
    """Reads the writer's stdout to the end, noting when it starts, opens and acknowledges."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.lines: list[str] = []
        self.started = threading.Event()
        self.opened = threading.Event()
        self.acknowledged = threading.Event()
        self.opened_after: float | None = None

    def run(self) -> None:
        began = time.perf_counter()
        start_seen: float | None = None
        for raw in self.stream:
            if not raw.endswith(b"\n"):
                break  # a line cut off by the kill was never acknowledged
            line = raw.decode("utf-8").rstrip("\n")
            self.lines.append(line)
            if line == "START":
                start_seen = time.perf_counter()
                self.started.set()
            elif line == "OPEN":
                self.opened_after = time.perf_counter() - (start_seen or began)
                self.opened.set()
            elif line.startswith("SAVED "):
                self.acknowledged.set()


class CrashRun:
    """Kill cycles against one store, keeping the model of what must be in it."""

    def __init__(self, path: Path, seed: int = 0, *, log: Path | None = None) -> None:
        self.path = path
        self.seed = seed
        self.rng = random.Random(seed)
        self.log = log or path.with_name(path.name + ".writer.log")
        self.cycles = 0
        self.open_estimate = 0.5  # seconds from START to OPEN, learnt as cycles run
        self.model: dict[Key, str] = {}
        self._checked_backups: set[str] = set()  # a finished backup never changes
        self._prepare()

    def _prepare(self) -> None:
        """Create the store and the demo review up front, so no kill lands in their creation."""
        store = open_store(self.path)
        try:
            with store.session() as session:
                ensure_review(session)
                self.model = stored_answers(session)
        finally:
            store.close()

    def cycle(self, *, early: bool = False, check_lock: bool = False) -> CycleResult:
        """Start a writer, kill it, verify the store. Raises CrashTestError if the writer fails.

        ``early`` kills at a random moment between the writer's imports and its first save,
        most often inside ``open_store`` (checks, start-up backup); otherwise the kill comes
        0.05–0.6 s after the first acknowledgement. ``check_lock`` also asserts that the store
        cannot be opened while the writer holds it.
        """
        self.cycles += 1
        child_seed = self.rng.randrange(2**31)
        result = CycleResult(number=self.cycles, seed=child_seed)
        lines = self._run_and_kill(child_seed, early=early, check_lock=check_lock, result=result)
        pending = self._apply(lines, result)
        self._verify(pending, result)
        return result

    # -- running the writer ------------------------------------------------------------------

    def _run_and_kill(
        self, child_seed: int, *, early: bool, check_lock: bool, result: CycleResult
    ) -> list[str]:
        with self.log.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, str(WRITER), str(self.path), str(child_seed)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
            )
            reader = _Reader(process.stdout)  # type: ignore[arg-type]
            reader.start()
            try:
                if early:
                    self._wait(process, reader.started, "start")
                    time.sleep(self.rng.uniform(0.0, self.open_estimate))
                else:
                    self._wait(process, reader.acknowledged, "acknowledge an answer")
                    if check_lock:
                        self._assert_locked(result)
                    time.sleep(self.rng.uniform(*KILL_DELAY))
                if process.poll() is not None:
                    raise CrashTestError(self._died(process, "before it was killed"))
                process.kill()
            finally:
                if process.poll() is None:
                    process.kill()
                process.wait(timeout=START_TIMEOUT)
                reader.join(timeout=START_TIMEOUT)
                if process.stdout is not None:
                    process.stdout.close()
        if os.name == "posix" and process.returncode != -9:
            raise CrashTestError(self._died(process, "with an unexpected exit status"))
        if reader.is_alive():
            raise CrashTestError("the writer's output was not read to the end")
        result.killed_during_open = not reader.opened.is_set()
        if reader.opened_after is not None:
            self.open_estimate = reader.opened_after
        return reader.lines

    def _wait(self, process: subprocess.Popen[bytes], event: threading.Event, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not event.wait(0.02):
            if process.poll() is not None:
                raise CrashTestError(self._died(process, f"before it could {what}"))
            if time.monotonic() > deadline:
                raise CrashTestError(
                    f"the writer did not {what} within {START_TIMEOUT:.0f} s\n" + self._stderr()
                )

    def _assert_locked(self, result: CycleResult) -> None:
        try:
            store = open_store(self.path, backup=False)
        except StoreLocked:
            return
        store.close()
        result.problems.append("the store could be opened while the writer held it")

    def _stderr(self) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no writer log)"
        return f"writer stderr ({self.log}):\n{text[-4000:]}" if text else "(writer stderr empty)"

    def _died(self, process: subprocess.Popen[bytes], when: str) -> str:
        return f"the writer exited {when} (status {process.returncode})\n" + self._stderr()

    # -- checking ------------------------------------------------------------------------------

    def _apply(self, lines: list[str], result: CycleResult) -> tuple[Key, str] | None:
        """Fold the writer's acknowledgements into the model; return the unacknowledged write."""
        pending: tuple[Key, str] | None = None
        for line in lines:
            kind, _, rest = line.partition(" ")
            if kind == "WILL":
                cf, crit, value = rest.split(" ")
                pending = ((cf, crit), value)
            elif kind == "SAVED":
                cf, crit, value = rest.split(" ")
                if pending != ((cf, crit), value):
                    raise CrashTestError(f"writer protocol broken at line {line!r}")
                self.model[(cf, crit)] = value
                result.acknowledged += 1
                pending = None
        return pending

    def _verify(self, pending: tuple[Key, str] | None, result: CycleResult) -> None:
        began = time.perf_counter()
        store = open_store(self.path)
        result.restart_seconds = time.perf_counter() - began
        try:
            if not result.killed_during_open and not store.was_unclean:
                result.problems.append("open_store did not notice the unclean stop")
            with store.session() as session:
                stored = stored_answers(session)
                result.problems += _log_mismatches(session)
        finally:
            store.close()

        for key, value in self.model.items():
            have = stored.get(key)
            if have != value and pending != (key, have):
                result.lost.append(f"{key[0]} {key[1]}: acknowledged {value!r}, stored {have!r}")
        for key, have in stored.items():
            if key not in self.model and pending != (key, have):
                result.unexpected.append(f"{key[0]} {key[1]}: {have!r} was never written")
        self.model = stored

        began = time.perf_counter()
        check = check_store(self.path)
        result.check_seconds = time.perf_counter() - began
        if not check.ok:
            result.problems.append("check_store failed: " + " | ".join(check.lines))
        folder = backups_dir(self.path)
        for backup in sorted(folder.glob("kvtui-*.db")):
            if backup.name in self._checked_backups:
                continue
            if not integrity_ok(backup):
                result.problems.append(f"backup {backup.name} fails integrity_check")
            self._checked_backups.add(backup.name)
        result.partial_backups = len(list(folder.glob("*.tmp")))


def _log_mismatches(session: Session) -> list[str]:
    """Answers whose latest change-log entry does not carry the answer's value."""
    latest: dict[str, str] = {}
    entries = session.exec(
        select(ChangeLog.entity_id, ChangeLog.changes_json)
        .where(ChangeLog.entity == "answer")
        .order_by(col(ChangeLog.seq))
    ).all()
    for entity_id, changes_json in entries:
        change = json.loads(changes_json).get("value")
        if change is not None:
            latest[entity_id] = change[1]
    problems = []
    for answer_id, value in session.exec(select(Answer.id, Answer.value)).all():
        if latest.get(answer_id) != value:
            problems.append(
                f"answer {answer_id} is {value!r} but its latest log entry says "
                f"{latest.get(answer_id)!r}"
            )
    return problems


def main(argv: list[str]) -> None:
    """``crash_writer.py STORE SEED``: write answers until killed."""
    if len(argv) != 3:
        sys.exit("usage: crash_writer.py STORE SEED")
    write_forever(Path(argv[1]), int(argv[2]))


if __name__ == "__main__":
    main(sys.argv)
