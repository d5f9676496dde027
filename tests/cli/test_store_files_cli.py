"""The command line on the store's files: every command in folders named to confuse a URI,
read-only commands that write nothing, backups that keep history, refused paths, a read-only
folder, a full disk, a killed writer, file modes and the crash log."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.domain.reviews import short_id
from kvtui.store.backup import keep_earlier_backups, list_backups
from kvtui.store.database import open_store
from tests.report.demo_file import demo_at
from tests.sandbox import busy, in_namespace, last_json, read_only, run_python, small_disk
from tests.store_files import ODD_NAMES, change_outside, fake_backups, kill_a_writer, new_engine
from tests.testdata import PERSONNUMMER_FILE

runner = CliRunner()


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert "oväntat fel" not in result.output
    if ok:
        assert result.exit_code == 0, (args, result.output)
    return result


def _demo_at(path: Path) -> str:
    """A copy of the demo store at ``path``; the review's short id."""
    return short_id(demo_at(path))


def _files(root: Path) -> set[Path]:
    return set(root.rglob("*"))


@pytest.mark.slow
@pytest.mark.parametrize("name", ODD_NAMES)
def test_every_command_in_an_oddly_named_folder(tmp_path: Path, name: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / name
    monkeypatch.setattr("kvtui.paths.exports_dir", lambda store=None: folder / "exports")
    db = str(folder / f"{name}.db")
    review = _demo_at(Path(db))
    before = _files(tmp_path)
    created = json.loads(run("new", "--template", "familjevard", "--title", f"Ny {name}",
                             "--json", "--db", db).output)["short_id"]
    population = folder / f"akter {name}.csv"
    population.write_text("Aktnummer;Placeringsform\nFV-1;familjehem\nFV-2;jourhem\n"
                          "FV-3;HVB\n", encoding="utf-8")
    run("import-akter", created, str(population), "--id-column", "Aktnummer", "--db", db)
    run("sample", created, "--size", "2", "--seed", "1", "--db", db)
    listed = json.loads(run("list", "--json", "--db", db).output)
    assert {r["short_id"] for r in listed} == {review, created}
    assert json.loads(run("show", review, "--json", "--db", db).output)["short_id"] == review
    assert json.loads(run("results", review, "--json", "--db", db).output)["sample_size"] == 13
    run("search", review, "genomförandeplan", "--db", db)
    run("export", review, "--draft", "-o", str(folder / f"utkast {name}.pdf"), "--db", db)
    run("export", review, "--csv", str(folder / "svar.csv"), "--xlsx", str(folder / "svar.xlsx"),
        "--db", db)
    run("factcheck", review, "-o", str(folder / "faktagranskning.pdf"), "--db", db)
    final = folder / f"slutlig {name}.pdf"
    run("sign", review, "--name", "Åsa Öberg", "--role", "Granskare", "-o", str(final),
        "--db", db)
    assert "Databasen:           signerad version 1" in run("verify", str(final), "--db", db,
                                                            ok=False).output
    run("reopen", review, "--reason", "Nytt underlag", "--db", db)
    run("log", review, "--db", db)
    assert "Allt i ordning." in run("check", "--db", db).output
    run("backup", "--db", db)
    run("backup", "--to", str(folder / f"kopia {name}.db"), "--db", db)
    run("templates", "export", "familjevard", str(folder / "mall.toml"), "--db", db)
    assert "familjevard" in run("templates", "list", "--db", db).output
    made = _files(tmp_path) - before
    assert all(folder in path.parents for path in made), sorted(map(str, made))
    backups = list_backups(Path(db))
    assert backups and backups[0].path.parent.parent == folder
    for info in backups:
        with sqlite3.connect(info.path) as copy:
            assert copy.execute("SELECT count(*) FROM review").fetchone()[0] >= 1
        copy.close()


# --- backups that keep history -------------------------------------------------------------


def test_reading_commands_make_no_backup_and_identical_ones_are_skipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kvtui.paths.exports_dir", lambda store=None: tmp_path / "exports")
    db = str(tmp_path / "db" / "kvtui.db")
    review = _demo_at(Path(db))
    run("new", "--template", "familjevard", "--title", "Ändrar", "--db", db)
    assert len(list_backups(Path(db))) == 1  # made before the change
    store_bytes = Path(db).read_bytes()
    pdf = tmp_path / "utkast.pdf"
    for args in (["list"], ["show", review], ["results", review], ["search", review, "plan"],
                 ["log", review], ["check"], ["export", review, "--draft", "-o", str(pdf)]):
        run(*args, "--db", db)
    run("verify", str(pdf), "--db", db, ok=False)
    assert len(list_backups(Path(db))) == 1
    assert Path(db).read_bytes() == store_bytes
    # A changing command that fails changes nothing: the next one needs no new backup.
    for _ in range(2):
        assert run("new", "--template", "finns-inte", "--title", "X", "--db", db,
                   ok=False).exit_code == 1
    assert len(list_backups(Path(db))) == 2  # the first failing one backed up "Ändrar"
    assert "oförändrad" in run("backup", "--db", db).output
    assert len(list_backups(Path(db))) == 2


def test_backup_to_a_name_the_system_refuses(tmp_path: Path) -> None:
    db = tmp_path / "db" / "kvtui.db"
    _demo_at(db)
    result = run("backup", "--to", str(tmp_path / ("kopia" * 60 + ".db")), "--db", str(db),
                 ok=False)
    assert result.exit_code == 1 and "namnet är för långt" in result.output


BACKUP_BESIDE_A_FILE_IN_USE = textwrap.dedent("""
    import json, sys
    from kvtui.cli import main
    sys.argv = ["kvtui", "backup", "--db", sys.argv[1]]
    try:
        main()
    except SystemExit as done:
        print(json.dumps({"code": done.code}))
    """)


def test_backup_says_which_old_backups_it_could_not_delete(tmp_path: Path) -> None:
    db = tmp_path / "db" / "kvtui.db"
    _demo_at(db)
    hourly = fake_backups(db, [datetime(2026, 11, 1, 0, 0) + timedelta(hours=hour)
                               for hour in range(30)])
    change_outside(db, 5)
    result = in_namespace(BACKUP_BESIDE_A_FILE_IN_USE, str(db), prefix=busy(hourly[0]))
    assert last_json(result) == {"code": 0}
    assert "Säkerhetskopian är gjord och kontrollerad" in result.stdout
    assert "Varning: Säkerhetskopian är gjord, men 1 fil" in result.stderr
    assert hourly[0].name in result.stderr and "oväntat" not in result.stderr
    assert hourly[0].exists() and not hourly[1].exists()


@pytest.mark.slow
def test_truncated_store_is_set_aside_and_never_replaced_silently(tmp_path: Path) -> None:
    db = tmp_path / "db" / "kvtui.db"
    _demo_at(db)
    run("new", "--template", "familjevard", "--title", "Ändrar", "--db", str(db))
    good = {info.path for info in list_backups(db)}
    db.write_bytes(b"")
    result = run("list", "--db", str(db), ok=False)
    assert result.exit_code == 1
    assert "tom (0 byte)" in result.output and "flyttats åt sidan" in result.output
    assert "säkerhetskopian" in result.output
    for _ in range(12):  # none begins an empty store in its place, so no backup of one
        result = run("new", "--template", "familjevard", "--title", "Ny", "--db", str(db),
                     ok=False)
        assert result.exit_code == 1 and "terminalfönster" in result.output
    assert not db.exists()
    assert good <= {info.path for info in list_backups(db)}
    # A new store begun on purpose (as the question in a terminal does) never rotates them
    # away: they are kept apart first.
    kept = keep_earlier_backups(db)
    assert kept is not None and list_backups(db) == []
    with open_store(db, backup=False):
        pass
    for _ in range(12):
        run("new", "--template", "familjevard", "--title", "Ny", "--db", str(db))
    assert {kept / path.name for path in good} <= set(kept.iterdir())


def test_missing_store_beside_backups_is_not_replaced_without_asking(tmp_path: Path) -> None:
    """Without a terminal to ask in, no command begins a new, empty store where the backups
    say the user's store was."""
    db = tmp_path / "db" / "kvtui.db"
    _demo_at(db)
    run("new", "--template", "familjevard", "--title", "Ändrar", "--db", str(db))
    db.unlink()
    for args in (["list"], ["new", "--template", "familjevard", "--title", "Ny"]):
        result = run(*args, "--db", str(db), ok=False)
        assert result.exit_code == 1
        assert "finns inte, men" in result.output and "terminalfönster" in result.output
        assert not db.exists()


def _answering(db: Path, *answers: str) -> tuple[int, str]:
    """``kvtui list --db`` in a terminal of its own, answering its questions in turn."""
    import pty
    import select

    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    process = subprocess.Popen([sys.executable, "-m", "kvtui", "list", "--db", str(db)],
                               stdin=slave, stdout=slave, stderr=slave, env=env,
                               close_fds=True)
    os.close(slave)
    written = b""
    pending = list(answers)
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if select.select([master], [], [], 0.2)[0]:
                try:
                    written += os.read(master, 65536)
                except OSError:
                    break
            if pending and written.rstrip().endswith(b"[j/n]:"):
                os.write(master, pending.pop(0).encode() + b"\n")
                written += b"\n"
        code = process.wait(timeout=60)
        with contextlib.suppress(OSError):
            while select.select([master], [], [], 0.2)[0]:
                written += os.read(master, 65536)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    return code, written.decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.parametrize(("answers", "after"), [
    (("j",), "restored"), (("n", "j"), "new"), (("n", "n"), "nothing")])
def test_missing_store_beside_backups_is_restored_or_begun_anew_as_asked(
        tmp_path: Path, answers: tuple[str, ...], after: str) -> None:
    db = tmp_path / "db" / "kvtui.db"
    _demo_at(db)
    run("new", "--template", "familjevard", "--title", "Ändrar", "--db", str(db))
    db.unlink()
    code, output = _answering(db, *answers)
    assert "finns inte, men" in output and "Traceback" not in output
    if after == "restored":
        # The newest backup is the one made as the last command began: the demo review.
        assert code == 0 and "är återställd" in output and "Kvalitets" in output
    elif after == "new":
        assert code == 0 and "Inga granskningar ännu" in output
        [kept] = (db.parent / "kvtui-backups").glob("tidigare-*")
        assert "rensas aldrig bort" in output and list(kept.glob("kvtui-*.db"))
    else:
        assert code == 1 and "Ingenting har ändrats" in output and not db.exists()


def test_foreign_file_is_refused_untouched(tmp_path: Path) -> None:
    target = tmp_path / "rapport.docx"
    target.write_bytes(b"PK\x03\x04 not a database" * 100)
    before = target.read_bytes()
    for args in (["list"], ["new", "--template", "familjevard", "--title", "X"]):
        result = run(*args, "--db", str(target), ok=False)
        assert result.exit_code == 1 and "inte en kvtui-databas" in result.output
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.docx", "rapport.docx.lock"]


def _kvtui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("KVTUI")}
    return subprocess.run([sys.executable, "-m", "kvtui", *args], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL,
                          env={**environment, **(env or {})}, check=False)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_folder_fifo_or_device_at_db_is_refused(tmp_path: Path, kind: str) -> None:
    if kind == "folder":
        path = tmp_path / "mapp"
        path.mkdir()
        (path / "egen fil.txt").write_text("min", encoding="utf-8")
    elif kind == "fifo":
        path = tmp_path / "rör"
        os.mkfifo(path)
    else:
        path = Path("/dev/null")
    for args in (["list"], ["check"], ["new", "--template", "familjevard", "--title", "X"]):
        result = _kvtui(*args, "--db", str(path))
        assert result.returncode == 1, (args, result.stderr)
        assert "Fel" in result.stderr or "inte" in result.stdout + result.stderr
        assert "Traceback" not in result.stderr and "oväntat" not in result.stderr
    if kind == "folder":
        assert [p.name for p in path.iterdir()] == ["egen fil.txt"]
    if kind == "fifo":
        assert stat.S_ISFIFO(path.stat().st_mode)
    assert not list(tmp_path.glob("*.skadad-*"))


@pytest.mark.slow
def test_app_and_reading_commands_view_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    db = folder / "kvtui.db"
    review = _demo_at(db)
    code = textwrap.dedent("""
        import json, subprocess, sys
        from kvtui.cli.shared import opened_store
        db = sys.argv[1]
        with opened_store(db, backup=False, viewer=True) as store:
            app_view = {"read_only": store.read_only, "warning": store.warning}
        runs = {}
        for name, args in (("list", ["list", "--json"]), ("show", ["show", sys.argv[2]]),
                           ("new", ["new", "--template", "familjevard", "--title", "X"])):
            done = subprocess.run([sys.executable, "-m", "kvtui", *args, "--db", db],
                                  capture_output=True, text=True)
            runs[name] = [done.returncode, done.stdout, done.stderr]
        print(json.dumps({"app": app_view, "runs": runs}))
        """)
    with read_only(folder) as prefix:
        found = last_json(in_namespace(code, str(db), review, prefix=prefix))
    assert found["app"]["read_only"] and "skrivskyddad" in found["app"]["warning"]
    code_list, out_list, _err = found["runs"]["list"]  # reading needs no warning
    assert code_list == 0 and json.loads(out_list)[0]["short_id"] == review
    code_new, _out, err_new = found["runs"]["new"]
    assert code_new == 1 and "Kommandot ändrar databasen" in err_new
    assert found["runs"]["show"][0] == 0
    assert sorted(p.name for p in folder.iterdir()) == ["kvtui.db"]


@pytest.mark.slow
def test_full_disk_refuses_changes_in_swedish_and_still_shows(tmp_path: Path) -> None:
    source = tmp_path / "källa.db"
    _demo_at(source)
    disk = tmp_path / "disk"
    disk.mkdir()
    size = source.stat().st_size
    code = textwrap.dedent("""
        import json, shutil, subprocess, sys
        from pathlib import Path
        db = Path(sys.argv[2]) / "kvtui.db"
        shutil.copyfile(sys.argv[1], db)
        runs = {}
        for name, args in (("new", ["new", "--template", "familjevard", "--title", "X"]),
                           ("list", ["list", "--json"])):
            done = subprocess.run([sys.executable, "-m", "kvtui", *args, "--db", str(db)],
                                  capture_output=True, text=True)
            runs[name] = [done.returncode, done.stdout, done.stderr]
        print(json.dumps(runs))
        """)
    prefix = small_disk(disk, size + size // 4)
    runs = last_json(in_namespace(code, str(source), str(disk), prefix=prefix))
    code_new, _out, err_new = runs["new"]
    assert code_new == 1 and "inte plats på disken" in err_new
    assert "oväntat" not in err_new and "Traceback" not in err_new
    code_list, out_list, _err = runs["list"]
    assert code_list == 0 and len(json.loads(out_list)) == 1  # nothing was added


@pytest.mark.slow
def test_reading_after_a_kill_then_the_writer_says_what_it_recovered(tmp_path: Path) -> None:
    db = tmp_path / "db" / "kvtui.db"
    run("list", "--db", str(db))  # creates the store
    kill_a_writer(db, 4)
    wal = db.with_name("kvtui.db-wal")
    before = (db.read_bytes(), wal.read_bytes())
    listed = _kvtui("list", "--json", "--db", str(db))
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 4
    assert (db.read_bytes(), wal.read_bytes()) == before
    changed = _kvtui("new", "--template", "familjevard", "--title", "Efter", "--db", str(db))
    assert changed.returncode == 0, changed.stderr
    assert "avslutades inte korrekt" in changed.stderr
    assert "4 sparade ändringar" in changed.stderr and "kvtui.db-wal" in changed.stderr


# --- files for the user alone ----------------------------------------------------------------

MODES = textwrap.dedent("""
    import json, os, stat, sys
    from pathlib import Path
    import kvtui.store.backup as backup_module
    from kvtui.cli import main
    from kvtui.store.database import open_store

    base, review = Path(sys.argv[1]), sys.argv[2]
    db = base / "db" / "kvtui.db"
    renamed = {}
    real_replace = os.replace

    def watching_replace(source, target):  # the temporary copy's mode as it becomes a backup
        renamed[str(source)] = stat.S_IMODE(os.stat(source).st_mode)
        real_replace(source, target)

    backup_module.os.replace = watching_replace

    def cli(*args):
        sys.argv = ["kvtui", *args, "--db", str(db)]
        try:
            main()
        except SystemExit as done:
            return done.code

    modes = {}
    with open_store(db) as store:  # -wal, -shm, the lock and the open marker while in use
        with store.plain_connection() as raw:
            raw.execute("UPDATE review SET title = title || ' '")
        for path in db.parent.iterdir():
            modes[path.name] = stat.S_IMODE(path.stat().st_mode)
    exports = base / "exporter"
    codes = [cli("new", "--template", "familjevard", "--title", "Ny"),
             cli("export", review, "--draft", "-o", str(exports / "utkast.pdf")),
             cli("export", review, "--csv", str(exports / "svar.csv"),
                 "--xlsx", str(exports / "svar.xlsx")),
             cli("backup"), cli("backup", "--to", str(base / "kopior" / "kopia.db"))]
    for root, folders, files in os.walk(base):
        for name in folders + files:
            path = Path(root) / name
            modes[str(path.relative_to(base))] = stat.S_IMODE(path.stat().st_mode)
    print(json.dumps({"codes": codes, "modes": modes, "renamed": renamed}))
    """)


@pytest.mark.slow
def test_every_file_is_private_from_the_first_byte(tmp_path: Path) -> None:
    base = tmp_path / "hem"
    base.mkdir(mode=0o755)
    review = _demo_at(base / "db" / "kvtui.db")
    (base / "db").chmod(0o700)
    (base / "db" / "kvtui.db").chmod(0o600)
    found = last_json(run_python(MODES, str(base), review, umask=0o022))
    assert found["codes"] == [0, 0, 0, 0, 0]
    open_files = {"kvtui.db-wal", "kvtui.db-shm", "kvtui.db.lock", "kvtui.db.open"}
    assert open_files <= set(found["modes"])
    loose = {name: oct(mode) for name, mode in found["modes"].items() if mode & 0o077}
    assert loose == {}
    folders = [name for name in found["modes"] if (base / name).is_dir()]
    assert {"db/kvtui-backups", "exporter", "kopior"} <= set(folders)
    assert all(found["modes"][name] == 0o700 for name in folders if name != "db")
    assert found["renamed"] and all(mode == 0o600 for mode in found["renamed"].values())


CRASH = textwrap.dedent("""
    import sqlite3, sys
    from kvtui.cli import main
    db, secret, number = sys.argv[1], sys.argv[2], sys.argv[3]
    connection = sqlite3.connect(db)
    # A failure that carries case data in its message; the statement's values carry more.
    connection.execute("CREATE TRIGGER stopp BEFORE INSERT ON review BEGIN SELECT "
                       f"RAISE(ABORT, 'akten gäller {number}'); END")
    connection.commit()
    connection.close()
    sys.argv = ["kvtui", "new", "--template", "familjevard", "--title", secret,
                "--unit", secret, "--db", db]
    main()
    """)


def test_crash_log_holds_no_case_data(tmp_path: Path) -> None:
    from kvtui.paths import data_dir

    db = tmp_path / "db" / "kvtui.db"
    _demo_at(db)
    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[0]
    secret = "Hemlig akt Zq7-ÅÄÖ"
    home = tmp_path / "hem"
    env = {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "KVTUI_DATA": str(home / "kvtui")}
    log = Path(run_python("from kvtui.paths import data_dir; print(data_dir())",
                          env=env).stdout.strip()) / "kvtui-fel.log"
    assert log == home / "kvtui" / "kvtui-fel.log"
    existed = log.exists()
    start = log.stat().st_size if existed else 0
    try:
        result = run_python(CRASH, str(db), secret, number, umask=0o022, env=env)
        assert result.returncode == 1
        assert result.stderr == (f"Fel: Kommandot kunde inte slutföras. Ett oväntat fel "
                                 f"inträffade. Detaljer finns i {log}.\n")
        with log.open("rb") as handle:
            handle.seek(start)
            text = handle.read().decode("utf-8")
        assert stat.S_IMODE(log.stat().st_mode) == 0o600 or existed
    finally:
        if not existed:
            log.unlink(missing_ok=True)
    assert "sqlalchemy.exc.IntegrityError" in text and "in create_review" in text
    assert secret not in text and number not in text and "gäller" not in text
    assert data_dir() is not None


def test_engine_errors_hide_their_parameters(tmp_path: Path) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    engine = new_engine(tmp_path / "x.db")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (name TEXT UNIQUE)"))
            connection.execute(text("INSERT INTO t VALUES (:v)"), {"v": "Zq7 hemligt"})
        with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (:v)"), {"v": "Zq7 hemligt"})
    finally:
        engine.dispose()
    assert "Zq7" not in str(caught.value)


XLSX_WRITES = textwrap.dedent("""
    import json, os, sys
    from kvtui.cli import main
    db, review, target = sys.argv[1], sys.argv[2], sys.argv[3]
    written = []
    WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def hook(event, args):
        if event == "open" and isinstance(args[0], str):
            mode, flags = args[1], args[2]
            if (mode and any(c in mode for c in "wax+")) or (flags and flags & WRITE):
                written.append(args[0])

    sys.addaudithook(hook)
    sys.argv = ["kvtui", "export", review, "--xlsx", target, "--db", db]
    try:
        main()
    except SystemExit as done:
        code = done.code
    print(json.dumps({"code": code, "written": written}))
    """)


def test_xlsx_export_writes_nothing_outside_the_target_folder(tmp_path: Path) -> None:
    db = tmp_path / "db" / "kvtui.db"
    review = _demo_at(db)
    target = tmp_path / "till enheten" / "svar.xlsx"
    found = last_json(run_python(XLSX_WRITES, str(db), review, str(target)))
    assert found["code"] == 0 and target.read_bytes()[:2] == b"PK"
    assert found["written"] and all(Path(p).parent == target.parent for p in found["written"])


# --- the store taken away while the app has it open --------------------------------------------


def _in_a_terminal(db: Path, key: bytes, before_key: Callable[[], None]) -> tuple[int, str]:
    """Run ``kvtui --db`` in a terminal of its own (a pseudo-terminal, 100×30), wait for its
    first frame, call ``before_key``, press ``key``; its exit code and everything it wrote,
    escape sequences and white space removed."""
    import fcntl
    import pty
    import re
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(Path.cwd())}
    process = subprocess.Popen([sys.executable, "-m", "kvtui", "--db", str(db)], stdin=slave,
                               stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    written = b""

    def read_until(done: Callable[[], bool], seconds: float) -> None:
        """Read what the app writes until ``done()``, the terminal closes, or ``seconds``."""
        nonlocal written
        deadline = time.monotonic() + seconds
        while not done() and time.monotonic() < deadline:
            if select.select([master], [], [], 0.2)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the terminal closed with the process
                    return
                if not chunk:
                    return
                written += chunk

    try:
        read_until(lambda: b"Granskningar" in written, 60)
        assert b"Granskningar" in written, written[-2000:]
        before_key()
        os.write(master, key)
        read_until(lambda: process.poll() is not None, 60)
        read_until(lambda: False, 10)  # what it wrote last, until the terminal closes
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    text = re.sub(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-_])", "",
                  written.decode("utf-8", "replace"))
    return code, _unwrapped(text)


def _unwrapped(text: str) -> str:
    """``text`` without white space: lines wrapped at the terminal's width, wherever they were
    wrapped (a long path too), read as one."""
    return "".join(text.split())


@pytest.mark.parametrize("key", [b"r", b"\x11"], ids=["r reads the list", "ctrl+q quits"])
def test_the_real_app_says_where_the_work_of_a_deleted_store_is(tmp_path: Path,
                                                                 key: bytes) -> None:
    """The store deleted under the running app: read again (r), the app closes at once; or
    not used again before Ctrl+Q, and noticed as kvtui stops. Either way the terminal shows
    where what was saved has been copied, once, and no traceback."""
    db = tmp_path / "db" / "kvtui.db"
    _demo_at(db)

    def delete_after_the_start_backup() -> None:
        deadline = time.monotonic() + 60
        while not list_backups(db) and time.monotonic() < deadline:
            time.sleep(0.05)
        db.unlink()

    code, shown = _in_a_terminal(db, key, delete_after_the_start_backup)
    copy, _start = list_backups(db)  # newest first
    assert code == 1
    assert "Traceback" not in shown and "StoreGone" not in shown
    said = (f"Databasen {db} finns inte längre: den har flyttats eller tagits bort efter att "
            "kvtui öppnade den.")
    assert shown.count(_unwrapped(said)) == 1, shown
    assert _unwrapped(f"kopiera {copy.path} till {db} och starta kvtui igen") in shown
    with closing(sqlite3.connect(copy.path)) as connection:
        assert connection.execute("SELECT count(*) FROM case_file").fetchone() == (44,)
