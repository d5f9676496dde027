"""Attacks on a signed review by someone who has the store file and the sqlite3 shell, and what
`kvtui check`, `verify` and `export` say afterwards.

The triggers refuse every change through SQLite (tests/store/test_lock.py). Each attack here
goes around them the way a determined user would: drops a trigger and puts it back, edits the
schema's text, rebuilds the change log's chain, puts an older copy back. None may end with
"Allt i ordning", a passing verdict on a file that is not the signed one, or a doctored file
handed out as the signed report.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from kvtui.cli.typer_app import app
from kvtui.domain.reviews import short_id
from kvtui.domain.signoff import sha256_hex
from kvtui.paths import backups_dir
from kvtui.store.changelog import entry_hash
from kvtui.store.database import open_store
from kvtui.store.demo import create_demo
from kvtui.store.engine import make_engine
from kvtui.store.models import ChangeLog
from tests.report.demo_file import demo_copy
from tests.report.pki import PASSPHRASE, SigningIdentity, make_identity

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):
    result = runner.invoke(app, list(args), env=env)
    assert "Traceback" not in result.output
    assert "oväntat fel" not in result.output
    return result


@dataclass(frozen=True)
class Signed:
    """A signed review's store, its signed PDF, the draft the unit read, and a copy of the
    store made just before signing."""

    db: Path
    review: str
    pdf: Path
    draft: Path
    before_signing: Path
    identity: SigningIdentity


@pytest.fixture(scope="module")
def signed_once(tmp_path_factory: pytest.TempPathFactory) -> Signed:
    folder = tmp_path_factory.mktemp("signed")
    identity = make_identity(tmp_path_factory.mktemp("pki"))
    path, review_id = demo_copy(folder / "db")
    db, review = str(path), short_id(review_id)
    assert run("factcheck", review, "-o", str(folder / "utkast.pdf"), "--db", db).exit_code == 0
    assert run("backup", "--to", str(folder / "före-signering.db"), "--db", db).exit_code == 0
    result = run("sign", review, "--name", "Åsa Öberg", "--role", "Granskningsledare",
                 "--p12", str(identity.p12), "--passphrase-env", "KVTUI_TEST_PW",
                 "-o", str(folder / "slutlig.pdf"), "--db", db,
                 env={"KVTUI_TEST_PW": PASSPHRASE.decode("utf-8")})
    assert result.exit_code == 0, result.output
    assert run("backup", "--db", db).exit_code == 0  # a backup that holds the sign-off
    return Signed(path, review, folder / "slutlig.pdf", folder / "utkast.pdf",
                  folder / "före-signering.db", identity)


@pytest.fixture
def signed(signed_once: Signed, tmp_path: Path) -> Signed:
    """A copy of the signed store (with its backups) for one test to attack."""
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / signed_once.db.name
    shutil.copyfile(signed_once.db, db)
    shutil.copytree(backups_dir(signed_once.db), backups_dir(db))
    return Signed(db, signed_once.review, signed_once.pdf, signed_once.draft,
                  signed_once.before_signing, signed_once.identity)


@contextmanager
def shell(db: Path, *without: str) -> Iterator[sqlite3.Connection]:
    """The sqlite3 shell on the store, with the named triggers dropped while it is open and
    put back, word for word, afterwards (so that the schema looks untouched)."""
    connection = sqlite3.connect(db, isolation_level=None)
    saved = {name: connection.execute("SELECT sql FROM sqlite_master WHERE name = ?",
                                      (name,)).fetchone()[0] for name in without}
    try:
        for name in without:
            connection.execute(f"DROP TRIGGER {name}")
        yield connection
        for sql in saved.values():
            connection.execute(sql)
    finally:
        connection.close()


def swap_two_answers(connection: sqlite3.Connection) -> None:
    """A Ja and a Nej of one criterion trade places: the counts, and so the report, stay."""
    first, second = connection.execute(
        "SELECT a.id, b.id FROM answer a JOIN answer b ON a.criterion_id = b.criterion_id "
        "AND a.value = 'ja' AND b.value = 'nej' LIMIT 1").fetchone()
    connection.execute("UPDATE answer SET value = 'nej' WHERE id = ?", (first,))
    connection.execute("UPDATE answer SET value = 'ja' WHERE id = ?", (second,))


def check(signed: Signed) -> tuple[int, str]:
    result = run("check", "--db", str(signed.db))
    return result.exit_code, result.output


def verify(signed: Signed, pdf: Path, *trust: Path) -> tuple[int, str]:
    args = ["verify", str(pdf), "--db", str(signed.db)]
    for item in trust:
        args += ["--trust", str(item)]
    result = run(*args)
    return result.exit_code, result.output


def test_an_untouched_signed_store_passes(signed: Signed) -> None:
    code, output = check(signed)
    assert code == 0 and "Allt i ordning" in output, output
    assert "stämmer med signeringen" in output
    assert "Säkerhetskopiorna" in output
    code, output = verify(signed, signed.pdf)
    assert code == 0 and "GODKÄND" in output, output


def test_a_dropped_trigger_is_found(signed: Signed) -> None:
    with sqlite3.connect(signed.db) as connection:
        connection.execute("DROP TRIGGER answer_locked_update")
    code, output = check(signed)
    assert code == 1 and "triggern answer_locked_update saknas" in output, output


def test_a_trigger_edited_through_writable_schema_is_found(signed: Signed) -> None:
    connection = sqlite3.connect(signed.db, isolation_level=None)
    try:
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute("UPDATE sqlite_master SET sql = replace(sql, '= ''signed''', "
                           "'= ''aldrig''') WHERE name = 'answer_locked_update'")
        connection.execute("PRAGMA writable_schema = OFF")
    finally:
        connection.close()
    with sqlite3.connect(signed.db) as connection:  # the edited trigger lets this through
        connection.execute("UPDATE answer SET comment = 'ändrad' WHERE rowid = "
                           "(SELECT min(rowid) FROM answer)")
    code, output = check(signed)
    assert code == 1 and "triggern answer_locked_update är ändrad" in output, output
    assert "inte de som signerades" in output


def test_two_answers_swapped_with_the_same_counts_are_found(signed: Signed) -> None:
    with shell(signed.db, "answer_locked_update") as connection:
        swap_two_answers(connection)
    code, output = check(signed)
    assert code == 1, output
    assert "Schemat (låsets och loggens triggrar, tabeller, index): ok" in output
    assert "granskningens uppgifter (svar, akter, anteckningar) är inte de som signerades" in output
    assert "rapportens innehåll är inte det som signerades" not in output  # same counts


def test_a_renamed_akt_is_found(signed: Signed) -> None:
    with shell(signed.db, "case_file_locked_update") as connection:
        connection.execute("UPDATE case_file SET reference = reference || '-X' WHERE rowid = "
                           "(SELECT min(rowid) FROM case_file)")
    code, output = check(signed)
    assert code == 1 and "inte de som signerades" in output, output


def test_the_log_cut_back_before_the_sign_off_is_found(signed: Signed) -> None:
    with shell(signed.db, "change_log_no_delete") as connection:
        seq = connection.execute("SELECT log_seq FROM sign_off").fetchone()[0]
        connection.execute("DELETE FROM change_log WHERE seq > ?", (seq - 1,))
    code, output = check(signed)
    assert code == 1, output
    assert "kedjan är obruten" in output  # what is left is a sound chain …
    assert "ingen post för signeringen" in output  # … that no longer holds the sign-off
    assert f"post {seq}, som signeringen bygger på, saknas" in output
    code, output = verify(signed, signed.pdf)
    assert code == 1 and "UNDERKÄND" in output, output
    result = run("log", signed.review, "--db", str(signed.db))
    assert result.exit_code == 1 and "Loggens kedja är obruten" in result.output
    assert "Signeringen stämmer inte med loggen, version 1" in result.output


def _rebuild_chain(db: Path, from_seq: int, changes_json: str) -> None:
    """Edit one entry of the log and give it and every later entry fresh, consistent hashes."""
    engine = make_engine(db, read_only=True)
    updates = []
    try:
        with Session(engine) as session:
            entries = session.exec(select(ChangeLog).order_by(col(ChangeLog.seq))).all()
            prev = entries[from_seq - 2].hash if from_seq > 1 else "0" * 64
            for entry in entries[from_seq - 1:]:
                if entry.seq == from_seq:
                    entry.changes_json = changes_json
                entry.prev_hash = prev
                entry.hash = prev = entry_hash(prev, entry)
                updates.append((entry.changes_json, entry.prev_hash, entry.hash, entry.seq))
    finally:
        engine.dispose()
    with shell(db, "change_log_no_update") as connection:
        connection.executemany("UPDATE change_log SET changes_json = ?, prev_hash = ?, "
                               "hash = ? WHERE seq = ?", updates)


def test_a_rebuilt_chain_is_found(signed: Signed) -> None:
    _rebuild_chain(signed.db, 3, '{"title": ["Före", "Efter"]}')
    code, output = check(signed)
    assert code == 1, output
    assert "kedjan är obruten" in output
    assert "som signeringen bygger på, saknas eller har ändrats" in output


def test_a_store_forged_consistently_is_caught_by_the_signed_file(signed: Signed) -> None:
    """Chain rebuilt, and the sign-off and its log entry made to agree with it: the store
    alone cannot tell, the signed PDF (which carries the log's end) can."""
    _rebuild_chain(signed.db, 3, '{"title": ["Före", "Efter"]}')
    with sqlite3.connect(signed.db) as connection:
        seq = connection.execute("SELECT log_seq FROM sign_off").fetchone()[0]
        new_hash = connection.execute("SELECT hash FROM change_log WHERE seq = ?",
                                      (seq,)).fetchone()[0]
    with shell(signed.db, "sign_off_no_update", "sign_off_locked_update") as connection:
        connection.execute("UPDATE sign_off SET log_hash = ?", (new_hash,))
    sign_entry = None
    with sqlite3.connect(signed.db) as connection:
        sign_entry, changes = connection.execute(
            "SELECT seq, changes_json FROM change_log WHERE action = 'sign'").fetchone()
        old_hash = connection.execute("SELECT log_hash FROM sign_off").fetchone()[0]
    _rebuild_chain(signed.db, sign_entry, changes.replace(old_hash, new_hash))
    code, output = verify(signed, signed.pdf)
    assert code == 1 and "UNDERKÄND" in output, output
    assert "Filens uppgifter om signeringen stämmer inte med databasens" in output


def test_a_copy_from_before_the_signing_put_back_is_found(signed: Signed) -> None:
    for suffix in ("-wal", "-shm"):
        Path(str(signed.db) + suffix).unlink(missing_ok=True)
    shutil.copyfile(signed.before_signing, signed.db)
    code, output = check(signed)
    assert code == 1, output
    assert "1 signering i kopian saknas" in output
    assert "fortsätter inte kopians" in output
    code, output = verify(signed, signed.pdf)
    assert code == 1 and "Databasen saknar signeringen av version 1" in output, output
    code, output = verify(signed, signed.pdf, signed.identity.ca_pem)
    assert code == 1, output  # a trusted signature does not excuse a store that lost it


def test_a_sign_off_swapped_for_a_doctored_file_is_refused_everywhere(signed: Signed,
                                                                     tmp_path: Path) -> None:
    """The forgery that once passed: the sign-off made to hold an unsigned, doctored PDF."""
    doctored = signed.draft.read_bytes()
    with shell(signed.db, "sign_off_no_update", "sign_off_locked_update") as connection:
        connection.execute("UPDATE sign_off SET pdf = ?, pdf_sha256 = ?, certificate = '', "
                           "certificate_sha256 = ''", (doctored, sha256_hex(doctored)))
    code, output = check(signed)
    assert code == 1 and "stämmer inte med ändringsloggens post" in output, output
    code, output = verify(signed, signed.draft, signed.identity.ca_pem)
    assert code == 1 and "UNDERKÄND" in output, output
    result = run("export", signed.review, "-o", str(tmp_path / "ut.pdf"), "--db",
                 str(signed.db))
    assert result.exit_code == 1 and "lämnas inte ut" in result.output
    assert not (tmp_path / "ut.pdf").exists()


def test_a_sign_off_swapped_for_a_file_signed_by_someone_else_is_refused(
        signed: Signed, tmp_path: Path) -> None:
    from kvtui.report.signature import sign_pdf

    (tmp_path / "annan").mkdir()
    other = make_identity(tmp_path / "annan")
    forged = sign_pdf(signed.draft.read_bytes(), other.p12, PASSPHRASE,
                      signer_name="Åsa Öberg", role="Granskningsledare", reason="Slutlig")
    forged_path = tmp_path / "förfalskad.pdf"
    forged_path.write_bytes(forged)
    with shell(signed.db, "sign_off_no_update", "sign_off_locked_update") as connection:
        connection.execute("UPDATE sign_off SET pdf = ?, pdf_sha256 = ?",
                           (forged, sha256_hex(forged)))
    code, output = verify(signed, forged_path, other.ca_pem)
    assert code == 1, output
    assert "annat certifikat än det som användes vid signeringen" in output


def test_rows_changed_and_their_hash_rewritten_are_caught_by_the_signed_file(
        signed: Signed) -> None:
    """Answers swapped, the sign-off's row hash and its log entry rewritten to match, and the
    log rebuilt from there on: the store agrees with itself, the signed PDF does not."""
    from kvtui.store.review_rows import review_records_hash

    with shell(signed.db, "answer_locked_update") as connection:
        swap_two_answers(connection)
        review_id, old_hash, columns = connection.execute(
            "SELECT review_id, records_sha256, records_columns FROM sign_off").fetchone()
        new_hash, _columns = review_records_hash(connection, review_id, columns)
    with shell(signed.db, "sign_off_no_update", "sign_off_locked_update") as connection:
        connection.execute("UPDATE sign_off SET records_sha256 = ?", (new_hash,))
    with sqlite3.connect(signed.db) as connection:
        sign_entry, changes = connection.execute(
            "SELECT seq, changes_json FROM change_log WHERE action = 'sign'").fetchone()
    _rebuild_chain(signed.db, sign_entry, changes.replace(old_hash, new_hash))
    code, output = check(signed)
    assert "stämmer med signeringen" in output  # the store alone cannot tell, …
    assert code == 1 and "1 signering i kopian saknas eller är ändrade" in output  # its
    code, output = verify(signed, signed.pdf)  # backups can, and so can the signed file
    assert code == 1 and "UNDERKÄND" in output, output
    assert "Filens uppgifter om signeringen stämmer inte med databasens" in output


@pytest.mark.parametrize("statement", [
    "DROP TABLE answer",
    "ALTER TABLE case_file RENAME TO akter",
    "ALTER TABLE sample DROP COLUMN drawn_by",
    "ALTER TABLE answer ADD COLUMN hemlig TEXT",
    "UPDATE alembic_version SET version_num = '0005'",
    "UPDATE alembic_version SET version_num = '9999'",
])
def test_a_table_dropped_or_the_schema_version_changed_fails_the_check_cleanly(
        signed: Signed, statement: str) -> None:
    with shell(signed.db) as connection:
        connection.execute(statement)
    code, output = check(signed)
    assert code == 1 and "Allt i ordning" not in output, output


def test_a_new_store_beside_the_backups_of_an_earlier_one_passes(signed: Signed) -> None:
    """The store deleted and a new one made in its place: the old store's backups say
    nothing about the new one, and check must not send the user to restore one of them."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(signed.db) + suffix).unlink(missing_ok=True)
    with open_store(signed.db, backup=False) as store, store.session() as session:
        create_demo(session)
    code, output = check(signed)
    assert code == 0 and "Allt i ordning" in output, output
    assert "säkerhetskopior i mappen är av en annan databas" in output


@pytest.mark.parametrize("statement", [
    "UPDATE review SET auditors_json = 'inte json'",
    "UPDATE review SET period_start = 'inget datum'",
    "UPDATE change_log SET changes_json = 'inte json' WHERE action = 'sign'",
])
def test_values_the_report_cannot_read_fail_check_and_verify_cleanly(
        signed: Signed, statement: str) -> None:
    with shell(signed.db, "review_locked_update", "change_log_no_update") as connection:
        connection.execute(statement)
    code, output = check(signed)
    assert code == 1 and "Allt i ordning" not in output, output
    code, output = verify(signed, signed.pdf)
    assert code == 1 and "UNDERKÄND" in output, output


def test_the_columns_a_sign_off_names_are_never_run_as_sql(signed: Signed) -> None:
    """The sign-off's list of hashed columns is read back into a query: a name that is not a
    column of the review's tables fails the check, and nothing in it is executed."""
    columns = json.dumps({"answer": ["value FROM answer; DROP TABLE document; --"]})
    with shell(signed.db, "sign_off_no_update", "sign_off_locked_update") as connection:
        connection.execute("UPDATE sign_off SET records_columns = ?", (columns,))
    code, output = check(signed)
    assert code == 1 and "inte de som signerades" in output, output
    with sqlite3.connect(signed.db) as connection:
        assert connection.execute("SELECT count(*) FROM document").fetchone()[0] > 0
