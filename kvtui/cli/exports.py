"""The export command: the report as PDF (draft or final) or as a Word working copy, or the
file review's answers as CSV or Excel.

It only parses and calls the store and the report. The store's modules load SQLModel and the
report ReportLab or python-docx (and openpyxl or xlsxwriter for the answers), so each is
imported where it is used: ``kvtui --help`` and a mistyped command answer without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kvtui import paths
from kvtui.cli.shared import (
    DbOption,
    OutputOption,
    ReviewArg,
    chosen_db,
    fail,
    opened_store,
    resolve_review,
)
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.file_errors import file_error_reason
from kvtui.look import look_warnings, with_look
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound

commands = SwedishTyper()


@commands.command()
def export(
    ctx: typer.Context,
    review: ReviewArg,
    draft: Annotated[
        bool, typer.Option("--draft", help="Ett utkast för faktagranskning (annars slutlig).")
    ] = False,
    output: OutputOption = None,
    csv_file: Annotated[
        str | None,
        typer.Option("--csv", help="Skriv aktgranskningens svar och kommentarer som CSV "
                     "(semikolon, UTF-8) till denna fil i stället för rapporten."),
    ] = None,
    xlsx_file: Annotated[
        str | None,
        typer.Option("--xlsx", help="Skriv aktgranskningens svar och kommentarer som Excel-fil "
                     "(.xlsx) till denna fil i stället för rapporten."),
    ] = None,
    results_file: Annotated[
        str | None,
        typer.Option("--resultat", metavar="FIL",
                     help="Skriv aktgranskningens resultat per kriterium och stratum (andel Ja "
                     "och 95 % KI, samma siffror som rapporten) som CSV till denna fil."),
    ] = None,
    docx_file: Annotated[
        str | None,
        typer.Option("--docx", metavar="FIL",
                     help="Skriv rapporten som Word-fil (.docx) till denna fil eller mapp: en "
                     "arbetskopia för faktagranskning eller redigering, aldrig den signerade "
                     "rapporten."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Exporterar rapporten som PDF (utkast eller slutlig) eller som arbetskopia i Word, eller
    aktgranskningens svar som CSV eller Excel (med resultaten på ett eget blad) och resultaten
    som CSV, för verksamhetens egen uppföljning."""
    if (csv_file or xlsx_file or results_file) and (draft or output):
        fail("--csv, --xlsx och --resultat skriver bara svaren eller resultaten; ange inte "
             "--draft eller -o samtidigt.")
    if docx_file is not None and (draft or output or csv_file or xlsx_file or results_file):
        fail("--docx skriver Word-kopian till filen du anger; ange inte --draft, -o, --csv "
             "eller --xlsx samtidigt.")
    if docx_file is not None and not docx_file.strip():
        fail("Ange en fil eller mapp efter --docx.")
    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        review_id = resolve_review(store, review)
        try:
            if docx_file is not None:
                _export_word(store, review_id, docx_file)
            elif csv_file or xlsx_file or results_file:
                _export_answers(store, review_id, csv_file, xlsx_file, results_file)
            else:
                _export_report(store, review_id, draft=draft, output=output)
        except (InvalidInput, NotFound) as error:
            fail(str(error))
        except OSError as error:
            fail(f"Filen kunde inte skrivas: {file_error_reason(error)}.")


def _export_answers(store: Store, review_id: str, csv_file: str | None,
                    xlsx_file: str | None, results_file: str | None = None) -> None:
    from kvtui.store.exports import export_answers, write_new_file  # SQLModel

    wanted = [("csv", csv_file), ("xlsx", xlsx_file), ("results-csv", results_file)]
    with store.session() as session:
        files = [(kind, Path(name).expanduser(), export_answers(session, review_id, kind))
                 for kind, name in wanted if name]
    for kind, path, data in files:
        write_new_file(path, data)
        what = "Resultaten" if kind == "results-csv" else "Svaren"
        typer.echo(f"{what} är exporterade till {path}")


def _export_word(store: Store, review_id: str, docx_file: str) -> None:
    from kvtui.release.word_copy import export_word  # python-docx and SQLModel

    with store.session() as session:
        done = export_word(session, review_id, paths.exports_dir(store.path), output=docx_file)
    for line in (*done.data.warnings, *look_warnings(done.data)):
        typer.echo(f"Obs: {line}", err=True)
    typer.echo(f"Word-kopian är exporterad till {done.path}. Den är en arbetskopia för "
               "faktagranskning eller redigering, inte den signerade rapporten.")


def _export_report(store: Store, review_id: str, *, draft: bool, output: str | None) -> None:
    from kvtui.release.flow import check_target, export_final  # SQLModel
    from kvtui.report.document import render_report  # ReportLab
    from kvtui.store.exports import report_file_name, write_export  # SQLModel
    from kvtui.store.report_data import load_report_data  # SQLModel

    with store.session() as session:
        data = load_report_data(session, review_id)
        check_target(output, paths.exports_dir(store.path), data, draft=draft)  # before the work
        if not data.signed:
            for line in data.warnings:
                typer.echo(f"Obs: {line}", err=True)
        if draft:
            data = with_look(data)
            for warning in look_warnings(data):
                typer.echo(f"Varning: {warning}", err=True)
            rendered = render_report(data, draft=True)
            name = report_file_name(data.diary_number, data.unit, data.report_date, draft=True,
                                    version=data.version)
            path = write_export(output, paths.exports_dir(store.path), name, rendered.pdf)
            typer.echo(f"Utkastet ({rendered.pages} sidor) är exporterat till {path}")
            return
        if not data.signed:
            typer.echo("Obs: granskningen är inte signerad; omslaget säger "
                       "”Slutlig version – ej signerad”. Signera med `kvtui sign`.", err=True)
        done = export_final(session, review_id, paths.exports_dir(store.path), output=output)
    for warning in done.warnings:
        typer.echo(f"Varning: {warning}", err=True)
    what = "Den signerade rapporten" if data.signed else "Rapporten"
    typer.echo(f"{what} ({done.pages} sidor) är exporterad till {done.path}")
