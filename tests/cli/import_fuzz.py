"""Run hostile files through kvtui's two ways in, against a real store, and judge each outcome.

The ways in are ``kvtui import-akter`` (``FuzzRun.run``) and the app's import dialog, whose
first step reads the file with ``kvtui.store.casefiles.preview_file`` to show its sheets and
columns (``FuzzRun.preview``). Shared by ``tests/cli/test_import_fuzz.py`` (a few dozen files,
in this process) and ``bench/fuzz_import.py`` (hundreds, each in a process of its own whose peak
memory is measured). A run fails a file when the output holds a traceback or kvtui's message for
an unexpected error, when the exit code is neither 0 nor 1, when a refused file changed the
store, when a refusal does not name the file, when the output holds a character that must never
reach a terminal raw (``kvtui.domain.safe_text``), or, where the run is given ``slow_seconds``
(the bench, not the suite, which judges no time), when a small file keeps kvtui busy longer.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kvtui.domain.reviews import ReviewFields
from kvtui.domain.safe_text import printable

_PROJECT = Path(__file__).resolve().parent.parent.parent  # so that a child finds ``tests``

ID_COLUMN = "Referens"
TIMEOUT = 180.0
# A file under SMALL_BYTES has nothing in it that takes long to read: taking more than
# SLOW_SECONDS (judged by the bench) means the work grows faster than the file. Larger files
# have the TIMEOUT.
SMALL_BYTES = 1024 * 1024
SLOW_SECONDS = 15.0
PREVIEW = "importdialogen"
# The child runs kvtui's own entry point and, as it exits, writes its peak resident memory in
# kB to the file named first. Linux's VmHWM counts this program's memory alone; the child's
# ru_maxrss would also count the parent's, whose memory the child shares until it starts
# Python (vfork).
_CHILD = """
import atexit, resource, sys

def report(path=sys.argv[1]):
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(path, "w", encoding="ascii") as out:
        out.write(str(peak))

atexit.register(report)
sys.argv = ["kvtui", *sys.argv[2:]]
from kvtui.cli import main
main()
"""
# The same, reading the file as the app's import dialog does; a refusal's message is printed
# with exit code 1, anything else propagates (a traceback).
_PREVIEW_CHILD = _CHILD.replace("""from kvtui.cli import main
main()""", """from pathlib import Path
from kvtui.domain.casefile_import import ImportFailure
from tests.cli.import_fuzz import preview_output
try:
    print(preview_output(Path(sys.argv[1])))
except ImportFailure as error:
    print(error)
    sys.exit(1)""")


def preview_output(path: Path) -> str:
    """What the app's import dialog shows after reading ``path``: the line describing the
    sheet read, or raises the ImportFailure whose message the dialog shows."""
    from kvtui.store.casefiles import preview_file
    from kvtui.tui.dialogs.import_mapping import describe_file

    return describe_file(preview_file(path))


@dataclass
class Outcome:
    """What one import did, and what was wrong with it (``faults`` empty when nothing)."""

    name: str
    exit_code: int
    output: str
    seconds: float
    peak_kb: int = 0  # the child's peak resident memory; 0 when run in this process
    faults: list[str] = field(default_factory=list)
    way: str = "import-akter"  # or PREVIEW, the app's import dialog

    @property
    def accepted(self) -> bool:
        return self.exit_code == 0

    def describe(self) -> str:
        """One line for a failure report."""
        return (f"{self.name} ({self.way}): {', '.join(self.faults)}\n"
                f"    {self.output.strip()[:600]}")


def _fingerprint(db: Path) -> tuple[object, ...]:
    """What an import could change: the case files and the change log.

    Read while no kvtui runs on the store, through a plain connection: a read-only one cannot
    always open a WAL database whose shared-memory file is gone.
    """
    connection = sqlite3.connect(db)
    try:
        return connection.execute(
            "SELECT (SELECT count(*) FROM case_file), "
            "(SELECT group_concat(reference || attributes_json, '|') FROM case_file), "
            "(SELECT count(*) FROM change_log), (SELECT max(seq) FROM change_log)"
        ).fetchone()
    finally:
        connection.close()


def _raw_unsafe(text: str) -> bool:
    """Whether text would act on a terminal: anything ``printable`` escapes but newlines."""
    return printable(text, keep_newlines=True) != text


class FuzzRun:
    """A store with a review in ``folder``; ``run`` imports one file into it and judges it.

    After an accepted file the next import goes into a fresh review, so that a reference
    imported once does not make the next file's refusal a matter of duplicates.
    """

    def __init__(self, folder: Path, *, in_process: bool = False,
                 slow_seconds: float | None = None) -> None:
        self.folder = folder
        self.slow_seconds = slow_seconds
        self.files = folder / "filer"
        self.files.mkdir(parents=True, exist_ok=True)
        self.db = folder / "db" / "kvtui.db"
        self.in_process = in_process
        self.review_id = self._new_review()

    def _new_review(self) -> str:
        from kvtui.store.database import open_store
        from kvtui.store.reviews import create_review
        from kvtui.store.template_library import load_template

        store = open_store(self.db, backup=False)
        try:
            template, text = load_template("familjevard", None)
            with store.session() as session:
                return create_review(session, template, text, ReviewFields(title="Fuzz"))
        finally:
            store.close()

    def run(self, name: str, data: bytes) -> Outcome:
        """Import ``data`` saved as ``name`` and judge the outcome."""
        path = self.files / name
        path.write_bytes(data)
        before = _fingerprint(self.db)
        arguments = ["import-akter", self.review_id, str(path), "--id-column", ID_COLUMN,
                     "--db", str(self.db)]
        began = time.perf_counter()
        if self.in_process:
            outcome = self._in_process(name, arguments)
        else:
            outcome = self._in_child(name, _CHILD, arguments)
        outcome.seconds = time.perf_counter() - began
        path.unlink()
        self._judge(outcome, before, _fingerprint(self.db), size=len(data))
        if outcome.accepted:
            self.review_id = self._new_review()
        if "Inget har importerats" not in outcome.output and outcome.exit_code == 1:
            outcome.faults.append("meddelandet säger inte att inget importerades")
        return outcome

    def preview(self, name: str, data: bytes) -> Outcome:
        """Read ``data`` saved as ``name`` as the app's import dialog does, and judge it."""
        path = self.files / name
        path.write_bytes(data)
        before = _fingerprint(self.db)
        began = time.perf_counter()
        if self.in_process:
            outcome = self._preview_in_process(name, path)
        else:
            outcome = self._in_child(name, _PREVIEW_CHILD, [str(path)])
        outcome.seconds = time.perf_counter() - began
        outcome.way = PREVIEW
        path.unlink()
        self._judge(outcome, before, _fingerprint(self.db), size=len(data))
        return outcome

    def _preview_in_process(self, name: str, path: Path) -> Outcome:
        from kvtui.domain.casefile_import import ImportFailure

        try:
            return Outcome(name, 0, preview_output(path), 0.0)
        except ImportFailure as error:
            return Outcome(name, 1, str(error), 0.0)
        except Exception as error:
            outcome = Outcome(name, 1, "", 0.0)
            outcome.faults.append(f"undantag {type(error).__name__}")
            return outcome

    def _in_process(self, name: str, arguments: list[str]) -> Outcome:
        from typer.testing import CliRunner

        from kvtui.cli.typer_app import app

        result = CliRunner().invoke(app, arguments)
        outcome = Outcome(name, result.exit_code, result.output, 0.0)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            outcome.faults.append(f"undantag {type(result.exception).__name__}")
        return outcome

    def _in_child(self, name: str, program: str, arguments: list[str]) -> Outcome:
        home = self.folder / "hem"
        environment = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
                       "KVTUI_DB": str(self.db), "PYTHONIOENCODING": "utf-8"}
        peak = self.folder / "topp.txt"
        peak.unlink(missing_ok=True)
        child = subprocess.Popen(
            [sys.executable, "-c", program, str(peak), *arguments], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=environment,
            cwd=_PROJECT,
        )
        watchdog = threading.Timer(TIMEOUT, child.kill)
        watchdog.start()
        try:
            output, _ = child.communicate()
        finally:
            watchdog.cancel()
        peak_kb = int(peak.read_text(encoding="ascii")) if peak.exists() else 0
        outcome = Outcome(name, child.returncode, output.decode("utf-8", "backslashreplace"),
                          0.0, peak_kb=peak_kb)
        if child.returncode < 0:
            outcome.faults.append(f"dödad av signal {-child.returncode} (hängde eller kraschade)")
        return outcome

    def _judge(self, outcome: Outcome, before: tuple[object, ...],
               after: tuple[object, ...], *, size: int) -> None:
        output = outcome.output
        if "Traceback" in output or "Ett oväntat fel inträffade" in output:
            outcome.faults.append("traceback")
        if outcome.exit_code not in (0, 1) and outcome.exit_code >= 0:
            outcome.faults.append(f"slutkod {outcome.exit_code}")
        if _raw_unsafe(output):
            outcome.faults.append("råa styrtecken i utskriften")
        if outcome.exit_code != 0 and before != after:
            outcome.faults.append("databasen ändrades fast filen vägrades")
        if outcome.exit_code == 1 and printable(outcome.name) not in output:
            outcome.faults.append("meddelandet nämner inte filen")
        if (self.slow_seconds is not None and size < SMALL_BYTES
                and outcome.seconds > self.slow_seconds):
            outcome.faults.append(f"tog {outcome.seconds:.0f} s för en fil på {size} byte")
