"""Releasing the report: a draft sent for fact-check, and the signed-off final.

The command line and the app do these the same way, so the steps live here once:

- ``send_draft``: render the draft, write it (never over a file), then freeze the content sent
  with the PDF's hash (``kvtui.store.factcheck``). The content frozen is the one rendered, read
  once from the store's read model (``kvtui.store.report_data``). The file exists before the
  round is stored, so a stored round always has its file; a failed store removes the file
  again.
- ``sign_and_export``: check and freeze (``plan_signoff``), render the final with its sign-off
  page, sign it PAdES when the auditor gives a PKCS#12 file, check the signature, write the
  file, and only then store the sign-off with the file's bytes and hash, which locks the review.
- ``final_pdf``: a signed review's final is the very file that was signed, from the store, so
  that its hash matches the sign-off; an unsigned review's final is rendered afresh.

Every PDF rendered here carries the installation's look on its cover (``kvtui.look``); a logo
that can no longer be read leaves the cover without it, and ``Released.warnings`` says so.

A Swedish e-ID certificate (BankID) carries its holder's personnummer in its subject's serial
number, and a PAdES signature embeds the certificate in the file. The signed file is kept as
it was signed (masking the number would break the signature), in the export and in the store,
so ``sign_and_export`` warns the auditor (``Released.warnings``, ``certificate_warning``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from kvtui.domain.personnummer import find_ids
from kvtui.domain.report_content import ReportContent
from kvtui.domain.report_data import ReportData
from kvtui.domain.reviews import SIGNED
from kvtui.domain.section_text import section_problems, signoff_refusal
from kvtui.domain.signoff import FactCheckRoundView, SignOffView, sha256_hex
from kvtui.look import look_warnings, with_look
from kvtui.report.document import render_report
from kvtui.report.signature import SigningError, sign_pdf, verify_pdf
from kvtui.store.errors import InvalidInput
from kvtui.store.exports import report_file_name, target_path, write_export
from kvtui.store.factcheck import send_for_factcheck
from kvtui.store.guards import writable_review
from kvtui.store.report_data import current_content, load_report_data
from kvtui.store.signed_record import verified_signed_pdf
from kvtui.store.signoff import plan_signoff, record_signoff

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Released:
    """A report written to a file: where, how many pages, and what the store recorded."""

    path: Path
    pages: int
    pdf_sha256: str
    factcheck: FactCheckRoundView | None = None
    sign_off: SignOffView | None = None
    warnings: tuple[str, ...] = ()  # in Swedish, for the auditor to read after it is done


def certificate_warning(subject: str) -> str | None:
    """The warning, in Swedish, when a signing certificate's ``subject`` holds something that
    looks like a personnummer (the number masked), or None."""
    found = find_ids(subject)
    if not found:
        return None
    return (f"Certifikatet som rapporten signerades med innehåller ett {found[0].kind} "
            f"({found[0].masked}), troligen ditt eget: e-legitimationer som BankID har det i "
            "certifikatet. Det följer med i den signerade PDF-filen och sparas med den i "
            "databasen, eftersom signaturen bryts om filen ändras. Ska rapporten inte "
            "innehålla det: öppna granskningen igen och signera med ett certifikat utan "
            "personnummer, till exempel ett tjänstekort.")


def _write(output: str | Path | None, folder: Path, data: ReportData, pdf: bytes, *,
           draft: bool) -> Path:
    name = report_file_name(data.diary_number, data.unit, data.report_date, draft=draft,
                            version=data.version)
    return write_export(output, folder, name, pdf)


def check_target(output: str | Path | None, folder: Path, data: ReportData, *,
                 draft: bool) -> None:
    """Refuse a file that is taken before any work is done (``ExportExists``)."""
    name = report_file_name(data.diary_number, data.unit, data.report_date, draft=draft,
                            version=data.version)
    target_path(output, folder, name)


def send_draft(session: Session, review_id: str, folder: Path, *,
               output: str | Path | None = None, progress: Progress | None = None) -> Released:
    """Export the draft for the unit's fact-check and freeze what it shows. Commits."""
    writable_review(session, review_id, "rapporten")
    data = with_look(load_report_data(session, review_id))
    check_target(output, folder, data, draft=True)
    rendered = render_report(data, draft=True, progress=progress)
    path = _write(output, folder, data, rendered.pdf, draft=True)
    digest = sha256_hex(rendered.pdf)
    try:
        sent = send_for_factcheck(session, review_id, ReportContent.of(data),
                                  pdf_sha256=digest)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Released(path, rendered.pages, digest, factcheck=sent,
                    warnings=look_warnings(data))


def sign_and_export(
    session: Session, review_id: str, folder: Path, *, name: str, role: str,
    approver_name: str = "", approver_role: str = "", p12: Path | None = None,
    passphrase: bytes | None = None, output: str | Path | None = None,
    factcheck_appendix: bool = False, progress: Progress | None = None,
) -> Released:
    """Sign the review off and export the final, signed PDF. Commits; locks the review.

    Raises ``InvalidInput`` for a rule broken (names, a review signed already or changed
    meanwhile, a section text whose footnote or quote markup is broken), ``SigningError``
    for a certificate problem, ``ExportExists`` for a taken file; in every case
    nothing is stored and no file is left behind.
    """
    data = with_look(load_report_data(session, review_id))
    problems = section_problems(data.sections, data.interviews)
    if problems:
        raise InvalidInput(signoff_refusal(problems))
    plan = plan_signoff(session, review_id, ReportContent.of(data), name=name, role=role,
                        approver_name=approver_name, approver_role=approver_role)
    check_target(output, folder, data, draft=False)
    signed_data = dataclasses.replace(data, status=SIGNED, sign_off=plan.view(),
                                      factcheck_appendix=factcheck_appendix)
    rendered = render_report(signed_data, draft=False, progress=progress)
    pdf, certificate, fingerprint = rendered.pdf, "", ""
    warnings = look_warnings(data)
    if p12 is not None:
        if progress is not None:
            progress(0.95, "Signerar PDF-filen")
        pdf = sign_pdf(pdf, p12, passphrase, signer_name=plan.name, role=plan.role,
                       reason=f"Slutlig rapport, version {plan.version}")
        verdict = verify_pdf(pdf)
        if not (verdict.signed and verdict.intact and verdict.covers_whole_file):
            raise SigningError("Den signerade filen gick inte att kontrollera: "
                               + " ".join(verdict.problems))
        certificate, fingerprint = verdict.signer, verdict.certificate_sha256
        warning = certificate_warning(verdict.subject)
        warnings += (warning,) if warning else ()
    path = _write(output, folder, data, pdf, draft=False)
    try:
        recorded = record_signoff(session, plan, current_content(session, review_id), pdf,
                                  certificate, fingerprint)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Released(path, rendered.pages, recorded.pdf_sha256, sign_off=recorded,
                    warnings=warnings)


def final_pdf(session: Session, data: ReportData, progress: Progress | None = None,
              factcheck_appendix: bool = False) -> tuple[bytes, int]:
    """The final report's bytes and page count: the signed file itself once signed."""
    if data.signed:
        stored = verified_signed_pdf(session, data.review_id)
        if stored:
            return stored, _page_count(stored)
    rendered = render_report(dataclasses.replace(data, factcheck_appendix=factcheck_appendix),
                             draft=False, progress=progress)
    return rendered.pdf, rendered.pages


def _page_count(pdf: bytes) -> int:
    """Pages of a stored PDF, read from its page tree without a PDF library."""
    counts = [int(count) for tree in re.findall(rb"<<[^<>]*/Type\s*/Pages\b[^<>]*>>", pdf)
              for count in re.findall(rb"/Count\s+(\d+)", tree)]
    return max(counts, default=0)


def export_final(session: Session, review_id: str, folder: Path, *,
                 output: str | Path | None = None, factcheck_appendix: bool = False,
                 progress: Progress | None = None) -> Released:
    """Write the final report: the signed file of a signed review, or a fresh unsigned one."""
    data = load_report_data(session, review_id)
    if not data.signed:  # a signed review's file is the one signed, with the look it had
        data = with_look(data)
    check_target(output, folder, data, draft=False)
    pdf, pages = final_pdf(session, data, progress, factcheck_appendix)
    path = _write(output, folder, data, pdf, draft=False)
    return Released(path, pages, sha256_hex(pdf), sign_off=data.sign_off,
                    warnings=look_warnings(data))
