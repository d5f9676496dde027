"""Commands for the report's release: fact-check, sign-off, reopening, verification, the log.

Like the rest of the command line they only parse and call: the steps are in
``kvtui.release.flow`` and the rules in the store and the domain. The release flow and the
store's modules load SQLModel and ReportLab, so each is imported in the command that uses it:
``kvtui --help`` and a mistyped command answer without them. pyHanko is imported only by
``sign`` with a certificate and by ``verify`` (``kvtui.report.signature`` loads it on use).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from kvtui import paths
from kvtui.cli.shared import (
    DbOption,
    JsonOption,
    NotIdOption,
    OutputOption,
    ReviewArg,
    chosen_db,
    echo_json,
    fail,
    opened_store,
    resolve_review,
    texts_checked,
)
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.plural import plural
from kvtui.domain.reviews import short_id
from kvtui.domain.signoff import file_passes, find_anchor
from kvtui.report.signature import PdfVerdict, SigningError, verify_pdf
from kvtui.store.database import StoreError, open_store
from kvtui.store.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from kvtui.store.plan_lock import PlanFileMatch
    from kvtui.store.signed_record import StoredMatch

commands = SwedishTyper()
T = TypeVar("T")

AppendixOption = Annotated[
    bool,
    typer.Option("--bilaga-faktagranskning",
                 help="Lägg till en bilaga med verksamhetens synpunkter och dina svar."),
]


def _local(moment: Any) -> str:
    """A stored UTC time as the user's local time, "2026-11-23 18.10"."""
    return moment.astimezone().strftime("%Y-%m-%d %H.%M")


@commands.command()
def factcheck(ctx: typer.Context, review: ReviewArg, output: OutputOption = None,
              db: DbOption = None) -> None:
    """Exporterar ett utkast för faktagranskning och fryser det innehåll verksamheten får.

    Granskningen får status Faktagranskning. Du kan fortsätta arbeta; vad som ändrats sedan
    utkastet skickades visas i appens del Faktagranskning.
    """
    from kvtui.release.flow import send_draft  # SQLModel, ReportLab

    with opened_store(chosen_db(ctx, db)) as store:
        review_id = resolve_review(store, review)
        try:
            with store.session() as session:
                sent = send_draft(session, review_id, paths.exports_dir(store.path), output=output)
        except (InvalidInput, NotFound) as error:
            fail(str(error))
        except OSError as error:
            fail(f"Filen kunde inte skrivas: {file_error_reason(error)}.")
    round_ = sent.factcheck
    assert round_ is not None
    typer.echo(f"Utkastet ({sent.pages} sidor) är exporterat till {sent.path}")
    for warning in sent.warnings:
        typer.echo(f"Varning: {warning}", err=True)
    typer.echo(f"Utkast {round_.number} för faktagranskning, skickat {round_.sent_on}. "
               f"Innehållets kontrollsumma (SHA-256): {round_.content_sha256}")


def _passphrase(p12: str | None, variable: str | None) -> bytes | None:
    """The certificate's passphrase: from the named environment variable, or asked for."""
    if p12 is None:
        if variable:
            fail("--passphrase-env gäller bara tillsammans med --p12.")
        return None
    if variable:
        value = os.environ.get(variable)
        if value is None:
            fail(f"Miljövariabeln {variable} finns inte; den ska innehålla certifikatets "
                 "lösenord.")
        return value.encode("utf-8")
    if not sys.stdin.isatty():
        fail("Lösenordet till certifikatfilen behövs. Kör kommandot i ett terminalfönster "
             "eller ange --passphrase-env VARIABEL.")
    return typer.prompt("Lösenord till certifikatfilen", hide_input=True,
                        default="", show_default=False).encode("utf-8")


@commands.command()
def sign(
    ctx: typer.Context,
    review: ReviewArg,
    name: Annotated[str, typer.Option("--name", help="Namnet på den som signerar.")],
    role: Annotated[str, typer.Option("--role", help="Rollen, till exempel Granskare.")],
    approver: Annotated[str | None, typer.Option(
        "--approver", help="Namnet på den som godkänner (inte samma person).")] = None,
    approver_role: Annotated[str | None, typer.Option(
        "--approver-role", help="Godkännarens roll, till exempel Verksamhetschef.")] = None,
    p12: Annotated[str | None, typer.Option(
        "--p12", help="PKCS#12-fil (.p12/.pfx) med ditt certifikat: PDF-filen signeras "
        "digitalt (PAdES).")] = None,
    passphrase_env: Annotated[str | None, typer.Option(
        "--passphrase-env", help="Läs certifikatets lösenord ur denna miljövariabel i stället "
        "för att fråga. Lösenordet sparas aldrig.")] = None,
    output: OutputOption = None,
    appendix: AppendixOption = False,
    not_ids: NotIdOption = None,
    db: DbOption = None,
) -> None:
    """Signerar granskningen och exporterar den slutliga rapporten.

    Innehållet fryses med sin kontrollsumma, PDF-filen får en signeringssida och granskningen
    låses i databasen. Den kan bara ändras igen med `kvtui reopen`, som startar en ny version.
    """
    from kvtui.release.flow import sign_and_export  # SQLModel, ReportLab

    secret = _passphrase(p12, passphrase_env)
    certificate = Path(p12).expanduser() if p12 else None
    with opened_store(chosen_db(ctx, db)) as store:
        review_id = resolve_review(store, review)
        texts = {"--name": name, "--role": role, "--approver": approver or "",
                 "--approver-role": approver_role or ""}
        try:
            with store.session() as session, texts_checked(session, texts, not_ids):
                done = sign_and_export(
                    session, review_id, paths.exports_dir(store.path), name=name, role=role,
                    approver_name=approver or "", approver_role=approver_role or "",
                    p12=certificate, passphrase=secret, output=output,
                    factcheck_appendix=appendix)
        except (InvalidInput, NotFound, SigningError) as error:
            fail(str(error))
        except OSError as error:
            fail(f"Filen kunde inte skrivas: {file_error_reason(error)}.")
    signed = done.sign_off
    assert signed is not None
    typer.echo(f"Granskningen är signerad (version {signed.version}) och låst.")
    typer.echo(f"Rapporten ({done.pages} sidor) är exporterad till {done.path}")
    if signed.certificate:
        typer.echo(f"PDF-filen är digitalt signerad med certifikatet för {signed.certificate}.")
    for warning in done.warnings:
        typer.echo(f"Obs: {warning}", err=True)
    typer.echo(f"Innehållets kontrollsumma (SHA-256): {signed.content_sha256}")
    typer.echo(f"PDF-filens kontrollsumma (SHA-256):  {signed.pdf_sha256}")


@commands.command()
def reopen(
    ctx: typer.Context,
    review: ReviewArg,
    reason: Annotated[str, typer.Option("--reason", help="Varför granskningen öppnas igen.")],
    not_ids: NotIdOption = None,
    db: DbOption = None,
) -> None:
    """Öppnar en signerad granskning igen som en ny version. Skälet loggas.

    Den tidigare signerade versionen finns kvar oförändrad; den nya versionens rapport säger
    att den ersätter den.
    """
    from kvtui.store.signoff import reopen as reopen_review  # SQLModel

    with opened_store(chosen_db(ctx, db)) as store:
        review_id = resolve_review(store, review)
        try:
            with store.session() as session, texts_checked(session, {"--reason": reason},
                                                           not_ids):
                done = reopen_review(session, review_id, reason)
        except (InvalidInput, NotFound) as error:
            fail(str(error))
    typer.echo(f"Granskningen är öppnad igen som version {done.to_version}. "
               f"Version {done.from_version} finns kvar som den signerades.")


@commands.command()
def verify(
    ctx: typer.Context,
    pdf: Annotated[str, typer.Argument(metavar="PDF", help="Rapportfilen som ska kontrolleras.")],
    trust: Annotated[list[str] | None, typer.Option(
        "--trust", help="Certifikat (PEM eller DER) att lita på, till exempel "
        "organisationens utfärdare. Kan anges flera gånger.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Kontrollerar en rapport offline: att den är hel, vem som signerat den, och att den är
    den fil som signerades i databasen. Avslutar med kod 1 om något inte stämmer."""
    path = Path(pdf).expanduser()
    try:
        data = path.read_bytes()
    except OSError as error:
        fail(f"Filen {path} kunde inte läsas: {file_error_reason(error)}.")
    try:
        verdict = verify_pdf(data, [Path(item).expanduser() for item in trust or []])
    except SigningError as error:
        fail(str(error))
    store_path = paths.store_path(chosen_db(ctx, db))
    match = _stored_match(store_path, verdict)
    followup = _plan_match(store_path, verdict) if match is None else None
    ok, lines = _verdict_lines(path, verdict, match, bool(trust), followup)
    if as_json:
        signed = match.sign_off if match is not None else None
        echo_json({
            "file": str(path), "sha256": verdict.sha256, "ok": ok,
            "signed": verdict.signed, "intact": verdict.intact,
            "covers_whole_file": verdict.covers_whole_file, "signer": verdict.signer,
            "signed_at": verdict.signed_at, "trusted": verdict.trusted,
            "problems": list(verdict.problems),
            "store_problems": list(match.problems) if match is not None else [],
            "sign_off": None if signed is None or match is None else {
                "review": short_id(match.review_id), "title": match.title,
                "version": signed.version, "name": signed.name, "role": signed.role,
                "approver_name": signed.approver_name, "signed_at": signed.signed_at,
                "content_sha256": signed.content_sha256},
            "followup_sign_off": None if followup is None else {
                "plan": short_id(followup.plan_id), "unit": followup.unit,
                "period": followup.sign_off.period, "name": followup.sign_off.signed_by,
                "role": followup.sign_off.role, "signed_at": followup.sign_off.signed_at,
                "content_sha256": followup.sign_off.content_sha256,
                "problems": list(followup.problems)},
        })
    else:
        typer.echo("\n".join(lines))
    if not ok:
        raise typer.Exit(1)


def _stored_match(path: Path, verdict: PdfVerdict) -> StoredMatch | None:
    """What the store says of the file (``StoredMatch``), read without writing to the store."""
    from kvtui.store.signed_record import match_report_file  # SQLModel

    signature_ok = verdict.signed and verdict.ok
    return _read_store(path, lambda session: match_report_file(
        session, verdict.sha256, find_anchor(verdict.keywords),
        verdict.certificate_sha256 if signature_ok else None))


def _plan_match(path: Path, verdict: PdfVerdict) -> PlanFileMatch | None:
    """The signed follow-up round the file is, read without writing to the store."""
    from kvtui.store.plan_lock import match_plan_file  # SQLModel

    return _read_store(path, lambda session: match_plan_file(session, verdict.sha256))


def _read_store(path: Path, read: Callable[[Any], T]) -> T | None:
    """``read`` of the store at ``path`` opened read-only; None when there is no store there
    to read."""
    if not path.exists():
        return None
    try:
        store = open_store(path, read_only=True)
    except StoreError:
        return None
    try:
        with store.session() as session:
            return read(session)
    finally:
        store.close()


def _verdict_lines(path: Path, verdict: PdfVerdict, match: StoredMatch | None,
                   trust_given: bool, followup: PlanFileMatch | None = None
                   ) -> tuple[bool, list[str]]:
    """The verdict in Swedish, and whether the file passes."""
    def yes(flag: bool) -> str:
        return "ja" if flag else "NEJ"

    lines = [f"Fil:                 {path}", f"Kontrollsumma:       {verdict.sha256}"]
    # An unsigned file says so on its own line; the sign-off in the store is what counts then.
    problems = list(verdict.problems) if verdict.signed else [
        p for p in verdict.problems if p != "PDF-filen är inte signerad."]
    if verdict.signed:
        when = f", {_local(verdict.signed_at)}" if verdict.signed_at else ""
        lines += [f"Digital signatur:    {verdict.signer or 'okänd'}{when}",
                  f"Oförändrad:          {yes(verdict.intact)}",
                  f"Täcker hela filen:   {yes(verdict.covers_whole_file)}"]
        if verdict.trusted is None:
            lines.append("Betrodd:             inte kontrollerat (ange --trust CERTIFIKAT)")
        else:
            lines.append(f"Betrodd:             {yes(verdict.trusted)}")
    else:
        lines.append("Digital signatur:    ingen")
    signed = match.sign_off if match is not None else None
    if match is not None and signed is not None:
        approver = f", godkänd av {signed.approver_name}" if signed.approver_name else ""
        lines.append(f"Databasen:           signerad version {signed.version} av "
                     f"{match.title} [{short_id(match.review_id)}], {signed.name} "
                     f"({signed.role}){approver}, {_local(signed.signed_at)}")
    elif followup is not None:
        round_ = followup.sign_off
        lines.append(f"Databasen:           signerad uppföljning {followup.period} "
                     f"av åtgärdsplanen för {followup.unit} [{short_id(followup.plan_id)}], "
                     f"{round_.signed_by} ({round_.role}), {_local(round_.signed_at)}")
        problems += followup.problems
    else:
        lines.append("Databasen:           ingen signering i databasen har denna kontrollsumma")
    signature_ok = verdict.signed and verdict.ok
    if match is None and followup is None and not (signature_ok and trust_given):
        problems.append("Filen är inte den som signerades i databasen (den kan vara ändrad, "
                        "eller signerad på en annan dator)." if not verdict.signed else
                        "Filen finns inte i databasen; ange --trust för att kontrollera "
                        "signaturen mot en betrodd utfärdare.")
    if match is not None:
        problems += match.problems
    ok = file_passes(signed=verdict.signed, signature_ok=signature_ok,
                     trust_checked=trust_given,
                     in_store=signed is not None or followup is not None,
                     store_problems=(match is not None and bool(match.problems))
                     or (followup is not None and bool(followup.problems)))
    for problem in dict.fromkeys(problems):
        lines.append(f"Obs: {problem}")
    lines.append("Resultat:            GODKÄND" if ok else "Resultat:            UNDERKÄND")
    return ok, lines


@commands.command("log")
def log_command(
    ctx: typer.Context, review: ReviewArg, as_json: JsonOption = False,
    limit: Annotated[int | None, typer.Option(
        "--limit", help="Visa bara de senaste N posterna.", min=1)] = None,
    db: DbOption = None,
) -> None:
    """Visar granskningens ändringslogg och kontrollerar att loggens kedja är obruten."""
    from kvtui.store.changelog import review_entries, verify_chain  # SQLModel
    from kvtui.store.signed_record import sign_off_log_problems  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        review_id = resolve_review(store, review)
        with store.session() as session:
            entries = review_entries(session, review_id)
            chain = verify_chain(session)
            signed = sign_off_log_problems(session, review_id)
    shown = entries[-limit:] if limit else entries
    if as_json:
        echo_json({"entries": [entry.__dict__ for entry in shown],
                   "chain": {"entries": chain.entries, "ok": chain.ok,
                             "first_broken": chain.first_broken, "reason": chain.reason},
                   "sign_off_problems": signed})
    else:
        for entry in shown:
            typer.echo(f"{entry.seq:>6}  {_local(entry.at)}  {entry.actor:<10} "
                       f"{entry.event}  {entry.summary}")
        typer.echo(f"{plural(len(entries), 'post', 'poster')} för granskningen.")
        if chain.ok:
            entries_text = plural(chain.entries, "post", "poster")
            typer.echo(f"Loggens kedja är obruten ({entries_text} i hela databasen).")
        else:
            typer.echo(f"Loggens kedja är bruten vid post {chain.first_broken}: "
                       f"{chain.reason}.")
        for problem in signed:
            typer.echo(f"Signeringen stämmer inte med loggen, {problem}.")
    if not chain.ok or signed:
        raise typer.Exit(1)
