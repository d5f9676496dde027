"""Whether what was signed is still what the store holds: the checks behind ``kvtui check``.

The triggers stop every change to a signed review through SQLite. These checks catch what goes
around them (a trigger dropped, the file edited, a log rebuilt, an older copy put back) by
comparing the things a sign-off ties together, each of which an attacker would have to forge
consistently:

- the review's report content now, and the hash the sign-off froze (and its stored content);
- every row of the review now, and the hash over them the sign-off recorded;
- the sign-off row, and the change-log entry written in the same transaction;
- the change log's entry at the point the sign-off names as the log's end when signing (for a
  review imported from a bundle, signed in another store's log: the import's entry that
  recorded that anchor, ``kvtui.store.bundle``);
- the stored PDF, and the hash the sign-off recorded of it;
- each reopening, and its change-log entry;
- the backups: a sign-off in a backup must still be in the store, and the store's log must
  continue each backup's log.

Sign-offs made before migration 0006 have no log anchor or row hash; for those the checks that
need them are skipped and said to be skipped.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from kvtui.domain.plural import plural
from kvtui.domain.reviews import SIGNED, short_id
from kvtui.domain.signoff import SignOffAnchor, SignOffView, content_hash, sha256_hex
from kvtui.store import changelog
from kvtui.store.bulk import driver
from kvtui.store.bundle import imported_anchor
from kvtui.store.engine import connect_plain
from kvtui.store.errors import InvalidInput
from kvtui.store.models import Review, ReviewReopening, SignOff
from kvtui.store.report_data import current_content
from kvtui.store.review_rows import review_records_hash
from kvtui.store.signoff import logged_fields, sign_off_view


@dataclass(frozen=True)
class SignOffFinding:
    """What the checks found for one sign-off; ``problems`` are Swedish phrases."""

    review_id: str
    version: int
    current: bool  # the version the review is signed in now (its content is compared too)
    anchored: bool  # signed with the log anchor and row hash of migration 0006
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether every check of this sign-off held."""
        return not self.problems


def check_sign_offs(session: Session) -> list[SignOffFinding]:
    """Check every sign-off in the store, and every signed review without one."""
    findings: list[SignOffFinding] = []
    reviews = {review.id: review for review in session.exec(select(Review))}
    rows = session.exec(select(SignOff).order_by(col(SignOff.review_id),
                                                 col(SignOff.version))).all()
    signed_versions = {(row.review_id, row.version) for row in rows}
    for review in reviews.values():
        if review.status == SIGNED and (review.id, review.version) not in signed_versions:
            findings.append(SignOffFinding(review.id, review.version, True, False,
                                           ("granskningen är signerad men signeringen saknas",)))
    for row in rows:
        owner = reviews.get(row.review_id)
        current = (owner is not None and owner.status == SIGNED
                   and owner.version == row.version)
        problems = _sign_off_problems(session, row)
        if current:
            problems += _content_problems(session, row)
        findings.append(SignOffFinding(row.review_id, row.version, current,
                                       bool(row.log_hash), tuple(problems)))
    return findings


def _sign_off_problems(session: Session, row: SignOff) -> list[str]:
    problems: list[str] = []
    if content_hash(_json(row.content_json)) != row.content_sha256:
        problems.append("det frysta innehållet stämmer inte med sin kontrollsumma")
    if row.pdf is None or sha256_hex(row.pdf) != row.pdf_sha256:
        problems.append("den signerade PDF-filen i databasen stämmer inte med signeringen")
    problems += log_entry_problems(session, row)
    if row.log_hash and changelog.entry_hash_at(session, row.log_seq) != row.log_hash and (
            not imported_anchor(session, row.review_id, row.id, row.log_seq, row.log_hash)):
        problems.append(f"ändringsloggens post {row.log_seq}, som signeringen bygger på, "
                        "saknas eller har ändrats")
    return problems


def log_entry_problems(session: Session, row: SignOff) -> list[str]:
    """Whether the sign-off is the one its change-log entry recorded (one entry, same fields)."""
    entries = [entry for entry in changelog.entries_of(session, "sign_off", row.id)
               if entry.get("action") == "sign"]
    if len(entries) != 1:
        return ["ändringsloggen har ingen post för signeringen" if not entries else
                "ändringsloggen har flera poster för samma signering"]
    logged = entries[0]
    differing = sorted(key for key, value in logged_fields(row).items()
                       if logged.get(key) != value)
    if differing:
        return ["signeringen stämmer inte med ändringsloggens post (" + ", ".join(differing)
                + ")"]
    return []


def _content_problems(session: Session, row: SignOff) -> list[str]:
    problems: list[str] = []
    try:
        digest = current_content(session, row.review_id).sha256
    except ValueError:  # a value the report cannot read (JSON, a date) edited into the file
        return ["granskningens uppgifter kan inte läsas som rapport; de har ändrats"]
    if digest != row.content_sha256:
        problems.append("rapportens innehåll är inte det som signerades")
    if row.records_sha256:
        try:
            records, _columns = review_records_hash(driver(session.connection()),
                                                    row.review_id, row.records_columns)
        except ValueError:
            records = ""
        if records != row.records_sha256:
            problems.append("granskningens uppgifter (svar, akter, anteckningar) är inte de "
                            "som signerades")
    return problems


def reopening_problems(session: Session) -> list[str]:
    """Reopenings without the change-log entry written with them, in Swedish."""
    problems: list[str] = []
    for row in session.exec(select(ReviewReopening)):
        entries = changelog.entries_of(session, "review", row.review_id)
        if not any(entry.get("action") == "reopen"
                   and entry.get("version") == [row.from_version, row.to_version]
                   for entry in entries):
            problems.append(f"öppningen till version {row.to_version} saknar sin post i "
                            "ändringsloggen")
    return problems


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


# --- the backups -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupComparison:
    """What a backup says of the store: problems (Swedish phrases), or that it is a copy of
    another store, which has nothing to say of this one."""

    problems: tuple[str, ...] = ()
    other_store: bool = False


def compare_with_backup(session: Session, backup: Path) -> BackupComparison:
    """Whether the store still holds what the backup at ``backup`` held of the signed record.

    Sign-offs and the change log only grow, so a store that lacks a sign-off of one of its own
    backups, or whose log does not continue the backup's, has been changed or put back from an
    older copy. A backup that shares no review with the store is a copy of another store (one
    that stood here before and was set aside or deleted) and is not compared. Reads the backup
    only.
    """
    try:
        connection = connect_plain(backup, read_only=True)
    except sqlite3.Error:
        return BackupComparison()
    store = driver(session.connection())
    try:
        reviews = {row[0] for row in connection.execute("SELECT id FROM review")}
        # Every column both have but the file itself, whose hash is among them.
        columns = [name for name in _columns(connection, "sign_off")
                   if name != "pdf" and name in _columns(store, "sign_off")]
        listed = ", ".join(columns)
        signed = connection.execute(f"SELECT {listed} FROM sign_off").fetchall()
        last = connection.execute(
            "SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return BackupComparison()  # a backup from before sign-offs existed, or not a store
    finally:
        connection.close()
    if reviews and not any(store.execute("SELECT 1 FROM review WHERE id = ?", (review,))
                           .fetchone() for review in reviews):
        return BackupComparison(other_store=True)
    problems: list[str] = []
    stored = {row[0]: tuple(row) for row in store.execute(f"SELECT {listed} FROM sign_off")}
    lost = [row for row in signed if stored.get(row[0]) != tuple(row)]
    if lost:
        problems.append(f"{plural(len(lost), 'signering', 'signeringar')} i kopian saknas "
                        "eller är ändrade i databasen")
    if last is not None and changelog.entry_hash_at(session, int(last[0])) != last[1]:
        problems.append(f"databasens ändringslogg fortsätter inte kopians (post {last[0]})")
    return BackupComparison(tuple(problems))


# --- what ``kvtui check`` prints ----------------------------------------------------------------


def signed_record_report(session: Session, backups: list[tuple[str, Path]]) -> tuple[
        list[str], bool]:
    """The lines ``kvtui check`` prints about signed reviews, and whether all held.

    ``backups`` are the store's good backups as (label, path), newest first.
    """
    lines: list[str] = []
    ok = True
    for found in check_sign_offs(session):
        what = (f"Signerad granskning {short_id(found.review_id)} version {found.version}"
                + ("" if found.current else " (tidigare version)"))
        if found.ok:
            extra = "" if found.anchored else " (signerad före radkontrollen; den hoppas över)"
            lines.append(f"{what}: stämmer med signeringen{extra}")
        else:
            ok = False
            lines.append(f"{what}: {'; '.join(found.problems)}")
    for problem in reopening_problems(session):
        ok = False
        lines.append(f"Öppnad granskning: {problem}")
    compared = others = 0
    for label, path in backups:
        comparison = compare_with_backup(session, path)
        if comparison.other_store:
            others += 1
            continue
        compared += 1
        if comparison.problems:
            ok = False
            lines.append(f"Säkerhetskopian från {label}: {'; '.join(comparison.problems)}. "
                         "Databasen kan vara ändrad eller återställd från en äldre kopia.")
    if compared and ok:
        lines.append(f"Säkerhetskopiorna ({compared}): databasen innehåller allt som "
                     "signerats i dem")
    if others:
        lines.append(f"{plural(others, 'säkerhetskopia', 'säkerhetskopior')} i mappen är av "
                     "en annan databas (som tidigare låg här) och jämförs inte")
    return lines, ok


# --- a report file against the store ------------------------------------------------------------


@dataclass(frozen=True)
class StoredMatch:
    """What the store says of a report file: the sign-off it is, and what does not hold.

    ``sign_off`` is None when the store has the review the file names but no sign-off with the
    file's hash. ``problems`` are Swedish sentences; any of them fails the file.
    """

    review_id: str
    title: str
    sign_off: SignOffView | None
    problems: tuple[str, ...]


def match_report_file(session: Session, pdf_sha256: str, anchor: SignOffAnchor | None,
                      signed_with: str | None) -> StoredMatch | None:
    """Look a report file up in the store: by its hash, else by the sign-off it names.

    ``anchor`` is what the file's keywords say of its sign-off; ``signed_with`` the fingerprint
    of the certificate whose intact signature covers the whole file (None without one). None
    when the store knows neither the file nor its review: a file from another laptop. A store
    whose rows cannot be read (values edited into it that are not dates, numbers or JSON)
    contradicts every file.
    """
    try:
        return _match(session, pdf_sha256, anchor, signed_with)
    except (ValueError, DBAPIError, sqlite3.Error):
        return StoredMatch("", "", None, (
            "Databasens uppgifter om granskningen kan inte läsas; de har ändrats utanför "
            "kvtui. Kör kvtui check.",))


def _match(session: Session, pdf_sha256: str, anchor: SignOffAnchor | None,
           signed_with: str | None) -> StoredMatch | None:
    row = session.exec(select(SignOff).where(SignOff.pdf_sha256 == pdf_sha256)).first()
    if row is not None:
        return _stored_file(session, row, anchor, signed_with)
    if anchor is None:
        return None
    review = session.get(Review, anchor.review_id)
    if review is None:
        return None
    other = session.exec(select(SignOff).where(SignOff.review_id == anchor.review_id,
                                               SignOff.version == anchor.version)).first()
    problems = [
        f"Databasen har en annan fil för version {anchor.version} av granskningen: filen är "
        "inte den som signerades." if other is not None else
        f"Databasen saknar signeringen av version {anchor.version} som filen bär. Databasen "
        "kan vara återställd från en äldre kopia eller ändrad; kör kvtui check."]
    problems += _anchor_log_problems(session, anchor)
    return StoredMatch(review.id, review.title, None, tuple(problems))


def _stored_file(session: Session, row: SignOff, anchor: SignOffAnchor | None,
                 signed_with: str | None) -> StoredMatch:
    review = session.get(Review, row.review_id)
    problems: list[str] = []
    if _sign_off_problems(session, row):
        problems.append("Signeringen i databasen stämmer inte med ändringsloggen eller sin "
                        "fil; kör kvtui check.")
    if row.certificate or row.certificate_sha256:
        if signed_with is None:
            problems.append(f"Signeringen gjordes med certifikatet för {row.certificate}, men "
                            "filen saknar en hel och giltig digital signatur.")
        elif row.certificate_sha256 and signed_with != row.certificate_sha256:
            problems.append("Filen är signerad med ett annat certifikat än det som användes "
                            "vid signeringen.")
    expected = sign_off_view(row).anchor(row.review_id)
    if expected is not None and anchor != expected:
        problems.append("Filens uppgifter om signeringen stämmer inte med databasens.")
    if (review is not None and review.status == SIGNED and review.version == row.version
            and _content_problems(session, row)):
        problems.append("Granskningens uppgifter i databasen är inte de som signerades; kör "
                        "kvtui check.")
    return StoredMatch(row.review_id, review.title if review else "", sign_off_view(row),
                       tuple(problems))


def _anchor_log_problems(session: Session, anchor: SignOffAnchor) -> list[str]:
    if changelog.entry_hash_at(session, anchor.log_seq) == anchor.log_hash:
        return []
    return [f"Ändringsloggen saknar posten {anchor.log_seq} som rapporten signerades efter, "
            "eller posten har ändrats."]


def verified_signed_pdf(session: Session, review_id: str) -> bytes | None:
    """The file the review's current version was signed off with, once it is shown to be the
    one the change log recorded; None when the review is not signed.

    Refused (``InvalidInput``) when the stored file or its sign-off no longer match the log:
    ``export`` must never hand out a file that was put in the store afterwards as the signed
    report.
    """
    review = session.get(Review, review_id)
    if review is None or review.status != SIGNED:
        return None
    row = session.exec(select(SignOff).where(SignOff.review_id == review_id,
                                             SignOff.version == review.version)).first()
    if row is None or _sign_off_problems(session, row):
        raise InvalidInput("Den signerade rapporten i databasen stämmer inte med signeringen "
                           "och lämnas inte ut. Kör kvtui check.")
    return row.pdf


def sign_off_log_problems(session: Session, review_id: str) -> list[str]:
    """For ``kvtui log``: each of the review's sign-offs that the log does not bear out."""
    problems: list[str] = []
    for row in session.exec(select(SignOff).where(SignOff.review_id == review_id)
                            .order_by(col(SignOff.version))):
        problems += [f"version {row.version}: {problem}"
                     for problem in _sign_off_problems(session, row)]
    return problems
