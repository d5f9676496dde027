"""The command line: parses arguments and calls the store, the report or the app factory.

Heavy modules (SQLModel, Textual) are imported inside the commands so that ``--help`` is quick.
Every expected error ends with a plain Swedish message and exit code 1, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.plural import plural

if TYPE_CHECKING:
    from kvtui.store.database import Store

app = SwedishTyper(
    name="kvtui",
    help="kvtui – fältverktyg för kvalitetsgranskning av socialtjänstens verksamheter.",
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)
templates_app = SwedishTyper(
    help="Granskningsmallar: lista, visa, exportera och importera.", no_args_is_help=True
)
app.add_typer(templates_app, name="templates")
not_ids_app = SwedishTyper(
    help="Nummer som har bekräftats inte vara personnummer (de sparas som de är skrivna): "
    "lista och ta tillbaka.", no_args_is_help=True
)
app.add_typer(not_ids_app, name="inte-personnummer")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Databasfil att använda (annars KVTUI_DB eller standardplatsen).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Skriv ut resultatet som JSON.")]
ReviewArg = Annotated[
    str, typer.Argument(metavar="REVIEW", help="Granskningens id som `kvtui list` visar.")
]
NotIdOption = Annotated[
    list[str] | None,
    typer.Option(
        "--inte-personnummer", metavar="NUMMER",
        help="Ett nummer i texterna som ser ut som ett personnummer men inte är det: det "
        "sparas som det är skrivet. Kan anges flera gånger.",
    ),
]


def fail(message: str) -> NoReturn:
    """Stop the command with a Swedish message and exit code 1."""
    typer.echo(f"Fel: {message}", err=True)
    raise typer.Exit(1)


def _echo_json(data: Any) -> None:
    """Print data as JSON; characters that could act on the terminal are written as escapes."""
    from kvtui.domain.safe_text import printable_json

    def default(value: Any) -> Any:
        if isinstance(value, date | datetime):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    typer.echo(printable_json(json.dumps(data, ensure_ascii=False, indent=2, default=default)))


def _offer_restore(error: Any, path: Path) -> bool:
    """Ask whether to put the newest good backup in place of a store that was set aside."""
    from kvtui.store.database import restore_backup

    typer.echo(str(error), err=True)
    if error.backup is None or not sys.stdin.isatty():
        if error.backup is not None:
            typer.echo(
                "Kör kvtui i ett terminalfönster för att återställa säkerhetskopian.", err=True
            )
        return False
    label = error.backup.label
    which = (f"märkt {label}?" if error.backup.misdated else  # of unknown age: see its message
             f"från {label}? Ändringar gjorda efter den tidpunkten finns inte i kopian.")
    if not _yes(f"Vill du återställa säkerhetskopian {which} [j/n]"):
        typer.echo("Ingen säkerhetskopia återställdes. Den skadade filen finns kvar åt sidan.")
        return False
    from kvtui.store.backup import BackupError

    try:
        restore_backup(error.backup, path)
    except BackupError as failed:
        fail(f"{failed} Den skadade filen finns kvar åt sidan.")
    typer.echo(f"Säkerhetskopian från {error.backup.label} är återställd.")
    return True


def _offer_backup_of_a_missing_store(path: Path) -> None:
    """No store where one was (good backups of it lie beside it): restore the newest, begin a
    new one, or stop, as the user answers. Without a terminal to ask in, stop: a command that
    went on would begin a new, empty store where the user's work was."""
    if path.exists() or path.is_symlink():
        return
    from kvtui.paths import backups_dir
    from kvtui.store.backup import newest_good_backup

    good = newest_good_backup(path)
    if good is None:
        return
    which = f"märkt {good.label}" if good.misdated else f"från {good.label}"
    typer.echo(f"Databasen {path} finns inte, men i {backups_dir(path)} finns en "
               f"säkerhetskopia av den {which}.", err=True)
    if not sys.stdin.isatty():
        fail("Kör kvtui i ett terminalfönster för att återställa säkerhetskopian. Vill du i "
             f"stället börja med en ny, tom databas: flytta först mappen {backups_dir(path)}.")
    if _yes("Vill du återställa den? Ändringar gjorda efter den tidpunkten finns inte i "
            "kopian. [j/n]"):
        from kvtui.store.backup import BackupError
        from kvtui.store.database import restore_backup

        try:
            restore_backup(good, path)
        except BackupError as failed:
            fail(str(failed))
        typer.echo(f"Säkerhetskopian {which} är återställd.", err=True)
    elif _yes("Vill du börja med en ny, tom databas? Säkerhetskopiorna finns kvar. [j/n]"):
        from kvtui.store.backup import BackupError, keep_earlier_backups

        try:
            kept = keep_earlier_backups(path)
        except BackupError as failed:
            fail(str(failed))
        typer.echo(f"Säkerhetskopiorna av den tidigare databasen ligger nu i {kept}; de rensas "
                   "aldrig bort automatiskt.", err=True)
    else:
        typer.echo("Ingenting har ändrats.", err=True)
        raise typer.Exit(1)


def _yes(question: str) -> bool:
    answer = typer.prompt(question, default="n", show_default=False, err=True)
    return answer.strip().lower() in ("j", "ja", "y", "yes")


@contextmanager
def opened_store(
    db: str | None, *, read_only: bool = False, backup: bool = True, viewer: bool = False
) -> Iterator[Store]:
    """Open the store for one command and close it afterwards, whatever happens.

    Reading commands (``read_only``) only read: no lock, no backup, nothing written, so that
    they work beside an open app and after an unclean stop leave the log for the next writer
    to recover and count. Only a store that must first be created, upgraded (after a backup)
    or set aside goes through the writer's way. The app (``viewer``) and reading commands
    fall back to reading a store that cannot be written (a read-only file or folder, no room
    for the start backup), saying why; changing commands stop there. The app passes
    ``backup=False`` and makes its start backup in the background after the first frame.

    A store whose file was moved, deleted or replaced while in use (``StoreGone``, or noticed
    only here, at the end) has saved what it held; where is said last, with exit code 1.
    """
    from kvtui.paths import store_path
    from kvtui.store.database import StoreGone, unclean_notice

    path = store_path(db)
    _offer_backup_of_a_missing_store(path)
    store = _open_for_reading(path) if read_only else None
    if store is None:
        store = _open_for_writing(path, backup=backup and not read_only,
                                  may_view=read_only or viewer)
    if store.warning:
        typer.echo(store.warning, err=True)
    if store.was_unclean and not viewer:
        typer.echo(unclean_notice(store), err=True)
    gone: StoreGone | None = None
    try:
        yield store
    except StoreGone as error:
        gone = error  # said below, with where what the store held was saved
    finally:
        notice = store.lost_work_notice() or (str(gone) if gone else None)
        store.close()
        if notice is not None and not store.lost_work_told:  # the app may have said it
            typer.echo(f"Fel: {notice}", err=True)
    if notice is not None:
        raise typer.Exit(1)


def _open_for_reading(path: Path) -> Store | None:
    """The store opened for reading, or None when a writer must open it first."""
    from kvtui.store.database import StoreError, StoreNeedsWriter, open_store

    try:
        return open_store(path, read_only=True)
    except StoreNeedsWriter:
        return None
    except StoreError as error:
        fail(str(error))


def _open_for_writing(path: Path, *, backup: bool, may_view: bool) -> Store:
    """The store opened by the writer: a damaged file set aside (and a backup offered once);
    one that cannot be written opened for reading instead when ``may_view``."""
    from kvtui.store.database import StoreDamaged, StoreError, StoreReadOnly, open_store

    for _attempt in range(2):
        try:
            return open_store(path, backup=backup)
        except StoreDamaged as error:
            if not _offer_restore(error, path):
                raise typer.Exit(1) from None
        except StoreReadOnly as error:
            if not may_view:
                fail(f"{error} Kommandot ändrar databasen och kan inte köras.")
            try:
                store = open_store(path, read_only=True)
            except StoreError as reading:
                fail(f"{error} {reading}")
            store.warning = "\n".join(filter(None, [
                f"{error} Databasen öppnas skrivskyddad: du kan läsa men inte ändra.",
                store.warning]))
            return store
        except StoreError as error:  # locked by another copy, too new, not a store file
            fail(str(error))
    fail(f"Databasen {path} kunde inte öppnas.")


def _run_app(db: str | None, open_review: str | None = None) -> int:
    """Run the app over the store; its return code (1 when it had to stop for an error)."""
    with opened_store(db, backup=False, viewer=True) as store:
        from kvtui.tui.app import make_app

        app = make_app(store, open_review=open_review)
        app.run()
    return app.return_code or 0


def _show_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        typer.echo(f"kvtui {version('kvtui')}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: DbOption = None,
    show_version: Annotated[
        bool, typer.Option("--version", help="Visa kvtui:s version och avsluta.",
                           callback=_show_version, is_eager=True)
    ] = False,
) -> None:
    """Öppnar kvtui. Underkommandona gör arbete från kommandoraden."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is None:
        raise typer.Exit(_run_app(db))


def _db(ctx: typer.Context, db: str | None) -> str | None:
    """A ``--db`` given after the subcommand wins over one given before it."""
    return db or (ctx.obj or {}).get("db")


def _resolve(store: Store, ref: str) -> str:
    from kvtui.store.errors import NotFound
    from kvtui.store.reviews import resolve_review_id

    with store.session() as session:
        try:
            return resolve_review_id(session, ref)
        except NotFound as error:
            fail(str(error))


@app.command()
def demo(
    ctx: typer.Context,
    no_open: Annotated[
        bool, typer.Option("--no-open", help="Skapa bara, öppna inte appen.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Skapar demogranskningen (påhittad familjevårdsenhet med 44 akter) och öppnar den.

    Finns demogranskningen redan öppnas den i stället, så att inget arbete i den skrivs över.
    """
    from kvtui.domain.reviews import short_id
    from kvtui.paths import templates_dir
    from kvtui.store.demo import create_demo, find_demo

    with opened_store(_db(ctx, db)) as store, store.session() as session:
        review_id = find_demo(session)
        if review_id is None:
            review_id = create_demo(session, templates_dir(store.path))
        elif not no_open:
            typer.echo(f"Demogranskningen finns redan ({short_id(review_id)}) och öppnas.")
    if no_open:
        typer.echo(short_id(review_id))
        return
    raise typer.Exit(_run_app(_db(ctx, db), open_review=review_id))


def _not_id_keys(not_ids: list[str] | None) -> set[str]:
    """The keys of the numbers named with ``--inte-personnummer``; stops on one that is not a
    number."""
    from kvtui.store.idnumber_rule import key_of

    keys = set()
    for value in not_ids or []:
        key = key_of(value)
        if key is None:
            fail(f"--inte-personnummer: '{value}' ser inte ut som ett personnummer; ange numret "
                 "som det står i texten.")
        keys.add(key)
    return keys


@contextmanager
def texts_checked(
    session: Any, texts: dict[str, str], not_ids: list[str] | None
) -> Iterator[None]:
    """Stop before anything is written when an option's text holds something that looks like
    a personnummer (nobody can be asked here); within the block, the numbers named with
    ``--inte-personnummer`` are stored as typed. ``texts`` maps each option to its text."""
    from kvtui.store.errors import InvalidInput
    from kvtui.store.idnumber_rule import Rule, as_typed, refuse

    with as_typed(_not_id_keys(not_ids)):
        try:
            refuse(Rule.of(session), texts,
                   "ta bort det, eller ange --inte-personnummer NUMMER om det inte är ett "
                   "personnummer.")
        except InvalidInput as error:
            fail(str(error))
        yield


def _parse_optional_date(text: str | None, label: str) -> date | None:
    from kvtui.domain.reviews import parse_date

    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        fail(f"{label}: {error}")


@app.command()
def new(
    ctx: typer.Context,
    template: Annotated[
        str, typer.Option("--template", help="Mallens namn (se `kvtui templates list`).")
    ],
    title: Annotated[str, typer.Option("--title", help="Granskningens titel.")],
    unit: Annotated[str, typer.Option("--unit", help="Granskad verksamhet eller enhet.")] = "",
    municipality: Annotated[str, typer.Option("--municipality", help="Kommun.")] = "",
    committee: Annotated[str, typer.Option("--committee", help="Ansvarig nämnd.")] = "",
    diary: Annotated[str, typer.Option("--diary", help="Diarienummer.")] = "",
    auditor: Annotated[
        list[str] | None, typer.Option("--auditor", help="Granskare (kan anges flera gånger).")
    ] = None,
    period_start: Annotated[
        str | None, typer.Option("--period-start", help="Granskningsperiodens början (ÅÅÅÅ-MM-DD).")
    ] = None,
    period_end: Annotated[
        str | None, typer.Option("--period-end", help="Granskningsperiodens slut (ÅÅÅÅ-MM-DD).")
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="Syfte.")] = "",
    scope: Annotated[str, typer.Option("--scope", help="Omfattning och avgränsningar.")] = "",
    not_ids: NotIdOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Skapar en granskning från en mall och skriver ut dess id.

    En text som innehåller något som ser ut som ett personnummer stoppas; inget sparas.
    """
    from kvtui.domain.reviews import ReviewFields, short_id, split_auditors
    from kvtui.domain.templates import TemplateError
    from kvtui.paths import templates_dir
    from kvtui.store.errors import InvalidInput
    from kvtui.store.reviews import create_review
    from kvtui.store.template_library import TemplateNotFound, load_template

    names: list[str] = []
    for entry in auditor or []:
        names.extend(split_auditors(entry))
    fields = ReviewFields(
        title=title,
        unit=unit,
        municipality=municipality,
        committee=committee,
        diary_number=diary,
        auditors=tuple(names),
        period_start=_parse_optional_date(period_start, "--period-start"),
        period_end=_parse_optional_date(period_end, "--period-end"),
        purpose=purpose,
        scope=scope,
    )
    with opened_store(_db(ctx, db)) as store:
        try:
            parsed, text = load_template(template, templates_dir(store.path))
        except (TemplateNotFound, TemplateError) as error:
            fail(str(error))
        texts = {"--title": title, "--unit": unit, "--municipality": municipality,
                 "--committee": committee, "--diary": diary, "--auditor": "\n".join(names),
                 "--purpose": purpose, "--scope": scope}
        with store.session() as session, texts_checked(session, texts, not_ids):
            try:
                review_id = create_review(session, parsed, text, fields)
            except InvalidInput as error:
                fail(str(error))
    if as_json:
        _echo_json({"id": review_id, "short_id": short_id(review_id)})
    else:
        typer.echo(short_id(review_id))


@app.command("list")
def list_command(ctx: typer.Context, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Listar alla granskningar med status och framsteg."""
    from kvtui.store.reviews import list_reviews

    with opened_store(_db(ctx, db), read_only=True) as store, store.session() as session:
        reviews = list_reviews(session)
    if as_json:
        _echo_json(
            [
                {
                    "id": r.id,
                    "short_id": r.short_id,
                    "title": r.title,
                    "unit": r.unit,
                    "municipality": r.municipality,
                    "status": r.status,
                    "status_label": r.status_label,
                    "template": r.template_title,
                    "case_files": r.case_files,
                    "sampled": r.sampled,
                    "answered": r.answered,
                    "expected": r.expected,
                    "updated": r.updated.isoformat(),
                }
                for r in reviews
            ]
        )
        return
    if not reviews:
        typer.echo("Inga granskningar ännu. Skapa en med `kvtui new` eller `kvtui demo`.")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Id", "Titel", "Enhet", "Status", "Akter", "Framsteg", "Ändrad")
    for r in reviews:
        progress = f"{r.answered}/{r.expected}" if r.expected else "–"
        table.add_row(
            r.short_id, r.title, r.unit, r.status_label, str(r.case_files), progress,
            r.updated_text(),
        )
    Console().print(table)


@app.command()
def show(
    ctx: typer.Context, review: ReviewArg, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """Visar allt som databasen har om en granskning."""
    from kvtui.cli.show_text import local_time, work_lines
    from kvtui.store.reviews import review_document

    with opened_store(_db(ctx, db), read_only=True) as store:
        review_id = _resolve(store, review)
        with store.session() as session:
            document = review_document(session, review_id)
    if as_json:
        _echo_json(document)
        return
    progress = document["progress"]
    lines = [
        f"{document['title']}  [{document['short_id']}]",
        f"Status:        {document['status_label']} (version {document['version']})",
        f"Enhet:         {document['unit']}",
        f"Kommun:        {document['municipality']}",
        f"Nämnd:         {document['committee']}",
        f"Diarienummer:  {document['diary_number']}",
        f"Granskare:     {', '.join(document['auditors'])}",
        f"Period:        {document['period_start'] or '–'} – {document['period_end'] or '–'}",
        f"Mall:          {document['template']['title']} {document['template']['version']}",
        f"Akter:         {progress['case_files']}, varav {progress['sampled']} i urvalet",
        f"Svar:          {progress['answered']} av {progress['expected']}",
        f"Ändrad:        {local_time(document['changed_at'])}",
        "",
        "Avsnitt:",
        *[f"  {s['number']} {s['title']}".rstrip() for s in document["sections"]],
        "",
        "Kriterier:",
        *[f"  {c['code']:4} {c['question']}" for c in document["criteria"]],
        *work_lines(document),
    ]
    typer.echo("\n".join(lines))


@app.command()
def search(
    ctx: typer.Context,
    review: ReviewArg,
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Ord att söka efter.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Söker i all text i en granskning: anteckningar, iakttagelser, dokument, avsnitt,
    bedömningar och kommentarer. Alla ord måste finnas; det sista får vara början av ett ord."""
    from kvtui.store.search import match_expression
    from kvtui.store.search import search as search_review

    if not match_expression(query):
        fail("Ange minst ett ord att söka efter.")
    with opened_store(_db(ctx, db), read_only=True) as store:
        review_id = _resolve(store, review)
        with store.session() as session:
            hits = search_review(session, review_id, query)
    if as_json:
        _echo_json({"query": query, "hits": [
            {"kind": h.kind, "kind_label": h.kind_label, "record_id": h.record_id,
             "label": h.label, "snippet": h.snippet}
            for h in hits
        ]})
        return
    if not hits:
        typer.echo(f"Inga träffar för ”{query}”.")
        return
    lines = []
    for hit in hits:
        lines.append(f"{hit.kind_label}: {hit.label}" if hit.label else hit.kind_label)
        lines.append(f"    {hit.snippet}")
    typer.echo("\n".join(lines))
    typer.echo(f"{plural(len(hits), 'träff', 'träffar')}.", err=True)


@app.command("import-akter")
def import_akter(
    ctx: typer.Context,
    review: ReviewArg,
    file: Annotated[str, typer.Argument(metavar="FILE", help="CSV- eller Excel-fil (.xlsx).")],
    id_column: Annotated[
        str, typer.Option("--id-column", help="Kolumnen med aktens referens (aktnummer).")
    ],
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="Bladet i en Excel-fil (annars det första som inte är tomt)."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Importerar granskningens akter (populationen); övriga kolumner blir attribut."""
    from kvtui.domain.casefile_import import ImportFailure
    from kvtui.store.casefile_import import import_case_files
    from kvtui.store.errors import InvalidInput

    with opened_store(_db(ctx, db)) as store:
        review_id = _resolve(store, review)
        with store.session() as session:
            try:
                result = import_case_files(session, review_id, Path(file).expanduser(),
                                           id_column=id_column, sheet=sheet)
            except (ImportFailure, InvalidInput) as error:
                fail(f"{error}\nInget har importerats.")
    if as_json:
        _echo_json({"imported": result.count, "encoding": result.encoding,
                    "delimiter": result.delimiter, "source": result.source,
                    "id_column": result.id_column, "attributes": list(result.columns),
                    "references": [reference for reference, _ in result.case_files]})
    else:
        typer.echo(result.summary())


@app.command()
def sample(
    ctx: typer.Context,
    review: ReviewArg,
    fraction: Annotated[
        str | None, typer.Option("--fraction", help="Andel av akterna, t.ex. 0,3 eller 30%.")
    ] = None,
    size: Annotated[int | None, typer.Option("--size", help="Antal akter.")] = None,
    method: Annotated[
        str, typer.Option("--method", help="simple, stratified eller systematic.")
    ] = "simple",
    stratify: Annotated[
        str | None, typer.Option("--stratify", help="Attribut att stratifiera efter.")
    ] = None,
    seed: Annotated[
        str | None, typer.Option("--seed", help="Slumpfrö; utelämnat väljs ett nytt.")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Drar granskningens urval och skriver ut de dragna akterna i ordning."""
    from kvtui.domain.filereview import METHODS
    from kvtui.domain.sample_input import parse_fraction
    from kvtui.domain.sampling import SamplingError, allocation_parts, describe_precision
    from kvtui.store.errors import InvalidInput
    from kvtui.store.sampling import draw_sample, sample_allocation

    if (fraction is None) == (size is None):
        fail("Ange antingen --fraction eller --size.")
    try:
        share = parse_fraction(fraction) if fraction is not None else None
    except ValueError as error:
        fail(str(error))
    if method not in METHODS:
        fail(f"Okänd metod '{method}'. Välj simple, stratified eller systematic.")
    if method == "stratified" and not stratify:
        fail("Ett stratifierat urval behöver --stratify ATTRIBUT.")
    if stratify and method != "stratified":
        fail("--stratify används bara med --method stratified.")
    with opened_store(_db(ctx, db)) as store:
        review_id = _resolve(store, review)
        with store.session() as session:
            try:
                info = draw_sample(session, review_id, method=method, size=size,
                                   fraction=share, stratify_by=stratify, seed=seed)
            except InvalidInput as error:
                fail(str(error))
            shares = sample_allocation(session, review_id, info)
    references = [item.reference for item in info.items]
    if as_json:
        _echo_json({"method": info.method, "seed": info.seed,
                    "population_size": info.population_size, "size": len(references),
                    "stratify_by": info.stratify_by, "references": references,
                    "allocation": [{"stratum": s.name, "sampled": s.sampled,
                                    "population": s.size} for s in shares]})
        return
    try:
        precision = describe_precision(info.population_size, len(references))
    except SamplingError:
        precision = ""
    typer.echo(f"{METHODS[info.method].capitalize()}, frö {info.seed}. {precision}.", err=True)
    if shares:
        typer.echo(f"Per {info.stratify_by}: {', '.join(allocation_parts(shares))}.", err=True)
    typer.echo("\n".join(references))


@app.command()
def results(ctx: typer.Context, review: ReviewArg, as_json: JsonOption = False,
            db: DbOption = None) -> None:
    """Visar aktgranskningens resultat per kriterium med 95 % konfidensintervall."""
    from kvtui.domain.statistics import format_interval, format_share
    from kvtui.store.results import review_results

    with opened_store(_db(ctx, db), read_only=True) as store:
        review_id = _resolve(store, review)
        with store.session() as session:
            found = review_results(session, review_id)
    if found is None:
        fail("Inget urval är draget ännu. Dra ett med `kvtui sample`.")
    if as_json:
        _echo_json(results_document(found))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Kriterium", "n", "Ja", "Delvis", "Nej", "Ej akt.", "Andel Ja", "95 % KI",
                  title=f"Population {found.population_size} akter, urval {found.sample_size}")
    for row in found.rows:
        c = row.result.counts
        table.add_row(row.code, str(c.n), str(c.ja), str(c.delvis), str(c.nej),
                      str(c.ej_aktuellt), format_share(row.result.share),
                      format_interval(row.result.low, row.result.high))
    Console().print(table)


@app.command("lagrum")
def lagrum(
    ctx: typer.Context,
    review: ReviewArg,
    code: Annotated[str | None, typer.Argument(
        metavar="KRITERIUM", help="Kriteriets kod, t.ex. U1; utelämnad listas alla.")] = None,
    text: Annotated[str | None, typer.Argument(
        metavar="LAGRUM", help="Lagrummet som ska gälla i granskningen, t.ex. "
        "\"20 kap. 1 § SoL (2025:400)\".")] = None,
    confirm: Annotated[bool, typer.Option(
        "--bekräfta", help="Bekräfta lagrummet som gäller för granskningsperioden.")] = False,
    db: DbOption = None,
) -> None:
    """Visar kriteriernas lagrum för granskningsperioden, eller lägger till, ändrar eller
    bekräftar ett kriteriums lagrum i granskningen (loggas; mallen ändras inte)."""
    from kvtui.store.answers import review_criteria
    from kvtui.store.criteria import MISSING, REFERENCE_ACTIONS, set_reference
    from kvtui.store.errors import InvalidInput, NotFound

    if text is not None and confirm:
        fail("Ange antingen ett lagrum eller --bekräfta, inte båda.")
    if code is None and (text is not None or confirm):
        fail("Ange kriteriets kod, t.ex. `kvtui lagrum REVIEW U1 \"20 kap. 1 § SoL "
             "(2025:400)\"`.")
    writes = text is not None or confirm
    with opened_store(_db(ctx, db), read_only=not writes) as store:
        review_id = _resolve(store, review)
        with store.session() as session:
            views = review_criteria(session, review_id)
            if code is not None:
                views = [v for v in views if v.code.casefold() == code.strip().casefold()]
                if not views:
                    fail(f"Granskningen har inget kriterium {code.strip()}.")
            if not writes:
                for view in views:
                    typer.echo(f"{view.code}\t{view.reference or '! ' + MISSING}")
                return
            if confirm and views[0].reference is None:
                fail(f"Kriteriet {views[0].code} har inget lagrum för granskningsperioden att "
                     "bekräfta; ange ett.")
            wanted = views[0].reference if confirm else text
            try:
                action = set_reference(session, review_id, views[0].code, wanted or "")
            except (InvalidInput, NotFound) as error:
                fail(str(error))
            reference = next(v.reference for v in review_criteria(session, review_id)
                             if v.code == views[0].code)
    typer.echo(f"{REFERENCE_ACTIONS[action]} för {views[0].code}: {reference}")


def results_document(found: Any) -> dict[str, Any]:
    """Results as JSON-ready data."""

    def result(r: Any) -> dict[str, Any]:
        c = r.counts
        return {"n": c.n, "ja": c.ja, "delvis": c.delvis, "nej": c.nej,
                "ej_aktuellt": c.ej_aktuellt, "share": r.share, "low": r.low, "high": r.high,
                "population_applicable": r.population_applicable}

    return {
        "population_size": found.population_size,
        "sample_size": found.sample_size,
        "method": found.method,
        "seed": found.seed,
        "stratify_by": found.stratify_by,
        "criteria": [
            {"code": row.code, "question": row.question, "reference": row.reference,
             "unanswered": row.unanswered, **result(row.result),
             "strata": ({name: result(r) for name, r in row.strata.strata.items()}
                        if row.strata else {})}
            for row in found.rows
        ],
    }


@app.command()
def export(
    ctx: typer.Context,
    review: ReviewArg,
    draft: Annotated[
        bool, typer.Option("--draft", help="Ett utkast för faktagranskning (annars slutlig).")
    ] = False,
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", help="Fil eller mapp för rapporten (annars exports/). "
                     "En befintlig fil skrivs aldrig över."),
    ] = None,
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
    db: DbOption = None,
) -> None:
    """Exporterar rapporten som PDF (utkast eller slutlig), eller aktgranskningens svar som
    CSV eller Excel för verksamhetens egen uppföljning."""
    from kvtui.store.errors import InvalidInput, NotFound

    if (csv_file or xlsx_file) and (draft or output):
        fail("--csv och --xlsx skriver bara svaren; ange inte --draft eller -o samtidigt.")
    with opened_store(_db(ctx, db), read_only=True) as store:
        review_id = _resolve(store, review)
        try:
            if csv_file or xlsx_file:
                _export_answers(store, review_id, csv_file, xlsx_file)
            else:
                _export_report(store, review_id, draft=draft, output=output)
        except (InvalidInput, NotFound) as error:
            fail(str(error))
        except OSError as error:
            fail(f"Filen kunde inte skrivas: {file_error_reason(error)}.")


def _export_answers(store: Store, review_id: str, csv_file: str | None,
                    xlsx_file: str | None) -> None:
    from kvtui.store.exports import export_answers, write_new_file

    wanted = [("csv", csv_file), ("xlsx", xlsx_file)]
    with store.session() as session:
        files = [(Path(name).expanduser(), export_answers(session, review_id, kind))
                 for kind, name in wanted if name]
    for path, data in files:
        write_new_file(path, data)
        typer.echo(f"Svaren är exporterade till {path}")


def _export_report(store: Store, review_id: str, *, draft: bool, output: str | None) -> None:
    from kvtui.paths import exports_dir
    from kvtui.report.release import check_target, export_final
    from kvtui.store.report_data import load_report_data

    with store.session() as session:
        data = load_report_data(session, review_id)
        check_target(output, exports_dir(store.path), data, draft=draft)  # before the work
        if not data.signed:
            for line in data.warnings:
                typer.echo(f"Obs: {line}", err=True)
        if draft:
            from kvtui.report.document import render_report
            from kvtui.store.exports import report_file_name, write_export

            rendered = render_report(data, draft=True)
            name = report_file_name(data.diary_number, data.unit, data.report_date, draft=True,
                                    version=data.version)
            path = write_export(output, exports_dir(store.path), name, rendered.pdf)
            typer.echo(f"Utkastet ({rendered.pages} sidor) är exporterat till {path}")
            return
        if not data.signed:
            typer.echo("Obs: granskningen är inte signerad; omslaget säger "
                       "”Slutlig version – ej signerad”. Signera med `kvtui sign`.", err=True)
        done = export_final(session, review_id, exports_dir(store.path), output=output)
    what = "Den signerade rapporten" if data.signed else "Rapporten"
    typer.echo(f"{what} ({done.pages} sidor) är exporterad till {done.path}")


@app.command()
def check(ctx: typer.Context, db: DbOption = None) -> None:
    """Kontrollerar databasen: snabb- och fullständig kontroll, främmande nycklar, ändringslogg."""
    from kvtui.paths import store_path
    from kvtui.store.database import check_store

    path = store_path(_db(ctx, db))
    result = check_store(path)
    typer.echo(f"Databas: {path}")
    for line in result.lines:
        typer.echo(f"  {line}")
    if not result.ok:
        typer.echo("Databasen har fel. Kör inte vidare på den; återställ en säkerhetskopia.")
        raise typer.Exit(1)
    typer.echo("Allt i ordning.")


@app.command()
def backup(
    ctx: typer.Context,
    to: Annotated[str | None, typer.Option("--to", help="Skriv kopian till denna fil.")] = None,
    db: DbOption = None,
) -> None:
    """Gör en kontrollerad säkerhetskopia av databasen.

    Utan --to hamnar kopian bland de roterade säkerhetskopiorna bredvid databasen, men bara om
    databasen har ändrats sedan den senaste."""
    from kvtui.store.backup import BackupError

    with opened_store(_db(ctx, db), read_only=True) as store:
        dest = Path(to).expanduser().resolve() if to else None
        try:
            info = store.backup(dest)
        except BackupError as error:
            fail(str(error))
    if info.warning:
        typer.echo(f"Varning: {info.warning}", err=True)
    if info.new:
        typer.echo(f"Säkerhetskopian är gjord och kontrollerad: {info.path}")
    else:
        typer.echo(f"Databasen är oförändrad sedan säkerhetskopian från {info.label}; "
                   f"ingen ny kopia behövdes: {info.path}")


@templates_app.command("list")
def templates_list(ctx: typer.Context, db: DbOption = None) -> None:
    """Listar inbyggda och egna mallar."""
    from kvtui.paths import store_path, templates_dir
    from kvtui.store.template_library import list_templates

    for info in list_templates(templates_dir(store_path(_db(ctx, db)))):
        typer.echo(f"{info.name:24} {info.version:6} {info.title}  ({info.source})")


@templates_app.command("show")
def templates_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Mallens namn.")],
    db: DbOption = None,
) -> None:
    """Visar en malls avsnitt och kriterier."""
    from kvtui.domain.templates import DIMENSIONS, TemplateError
    from kvtui.paths import store_path, templates_dir
    from kvtui.store.template_library import TemplateNotFound, load_template

    try:
        template, _text = load_template(name, templates_dir(store_path(_db(ctx, db))))
    except (TemplateNotFound, TemplateError) as error:
        fail(str(error))
    lines = [
        f"{template.title} (version {template.version})",
        f"Lagstiftning: {template.law}; hänvisningarna kontrollerade {template.references_checked}",
        "",
        "Avsnitt:",
    ]
    for section in template.sections:
        dimension = f"  [{DIMENSIONS[section.dimension]}]" if section.dimension else ""
        lines.append(f"  {section.number} {section.title}{dimension}".replace("   ", "  "))
    lines += ["", "Kriterier:"]
    for criterion in template.criteria:
        refs = "; ".join(ref.text for ref in criterion.references) or "–"
        lines.append(f"  {criterion.code:4} {criterion.question}")
        lines.append(f"       {criterion.kind}, {refs}")
    typer.echo("\n".join(lines))


@templates_app.command("export")
def templates_export(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Mallens namn.")],
    file: Annotated[str, typer.Argument(help="Fil att skriva (TOML).")],
    db: DbOption = None,
) -> None:
    """Skriver en mall till en TOML-fil som kan redigeras och importeras."""
    from kvtui.domain.templates import TemplateError
    from kvtui.paths import store_path, templates_dir
    from kvtui.store.template_library import TemplateNotFound, export_template

    try:
        path = export_template(
            name, Path(file).expanduser(), templates_dir(store_path(_db(ctx, db)))
        )
    except (TemplateNotFound, TemplateError, FileExistsError, OSError) as error:
        fail(str(error))
    typer.echo(f"Mallen är exporterad till {path}")


@templates_app.command("import")
def templates_import(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="TOML-fil med mallen.")],
    not_ids: NotIdOption = None,
    db: DbOption = None,
) -> None:
    """Kontrollerar och installerar en egen mall.

    En mall som innehåller något som ser ut som ett personnummer tas inte emot, om numret inte
    anges med --inte-personnummer. Ett nummer som anges så bekräftas i databasen, som när det
    bekräftas i appen, så att granskningar kan skapas från mallen.
    """
    from kvtui.domain.templates import TemplateError
    from kvtui.paths import store_path, templates_dir
    from kvtui.store.template_library import import_template

    source = Path(file).expanduser()
    if not source.is_file():
        fail(f"Filen {source} finns inte.")
    keys = _not_id_keys(not_ids)
    folder = templates_dir(store_path(_db(ctx, db)))
    if not keys:
        try:
            template = import_template(source, folder)
        except (TemplateError, FileExistsError, ValueError, OSError) as error:
            fail(str(error))
    else:
        # The numbers named are confirmed in the store the template sits beside: opened
        # first, so that a store that cannot be written stops the import before it installs.
        from kvtui.store.template_library import confirm_numbers, load_template

        with opened_store(_db(ctx, db)) as store, store.session() as session:
            try:
                template = import_template(source, folder, kept=keys)
            except (TemplateError, FileExistsError, ValueError, OSError) as error:
                fail(str(error))
            confirm_numbers(session, load_template(template.name, folder)[1], keys)
            session.commit()
    typer.echo(f"Mallen {template.name} ({template.title}) är importerad.")


@not_ids_app.command("list")
def not_ids_list(ctx: typer.Context, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Listar numren som har bekräftats inte vara personnummer, med vem och när."""
    from kvtui.store.stored_idnumbers import confirmations

    with opened_store(_db(ctx, db), read_only=True) as store, store.session() as session:
        found = confirmations(session)
    if as_json:
        _echo_json([{"digits": c.digits, "actor": c.actor,
                     "confirmed_at": c.confirmed_at.isoformat()} for c in found])
        return
    if not found:
        typer.echo("Inga nummer är bekräftade som något annat än personnummer.")
        return
    for c in found:
        when = c.confirmed_at.astimezone().strftime("%Y-%m-%d %H.%M")
        typer.echo(f"{c.digits:14} {when}  {c.actor}")


@not_ids_app.command("ta-bort")
def not_ids_withdraw(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(metavar="NUMMER",
                                          help="Numret som det står i listan eller i texten.")],
    db: DbOption = None,
) -> None:
    """Tar tillbaka en bekräftelse: numret maskeras från och med nu.

    Det maskeras genast också i texterna i alla granskningar som inte är signerade.
    Signerade versioner och ändringsloggen ändras inte (se kvtui check).
    """
    from kvtui.store.errors import InvalidInput
    from kvtui.store.stored_idnumbers import withdraw_confirmation

    with opened_store(_db(ctx, db)) as store, store.session() as session:
        try:
            done = withdraw_confirmation(session, number)
        except InvalidInput as error:
            fail(str(error))
    texts = "en text" if done.texts == 1 else f"{done.texts} texter"
    typer.echo(f"Bekräftelsen är borttagen: {done.masked} maskeras från och med nu. "
               f"I granskningar som inte är signerade maskerades {texts}.")


def _app_only(arguments: list[str]) -> tuple[bool, str | None]:
    """Whether the command line only opens the app, and its ``--db`` value.

    ``kvtui`` and ``kvtui --db FIL`` (or ``--db=FIL``) open the app; anything else, help
    included, goes to Typer.
    """
    if not arguments:
        return True, None
    if len(arguments) == 2 and arguments[0] == "--db" and not arguments[1].startswith("-"):
        return True, arguments[1]
    if len(arguments) == 1 and arguments[0].startswith("--db=") and len(arguments[0]) > 5:
        return True, arguments[0].removeprefix("--db=")
    return False, None


def main() -> None:
    """Entry point: run the CLI, turning expected errors into messages and exit code 1.

    An unexpected error is a fault in kvtui: the user reads a Swedish sentence and where the
    crash log is (``crash_log.unexpected_error``), never the error's English name or message.

    A bare ``kvtui`` (with at most ``--db FIL``) opens the app without Typer: building Typer's
    commands and parsing with them costs about a tenth of a second before the first frame.
    """
    from kvtui.file_modes import keep_files_private

    keep_files_private()
    app_only, db = _app_only(sys.argv[1:])
    try:
        result = _run_app(db) if app_only else app(standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.echo("Avbrutet.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.TyperException as error:
        typer.echo(f"Fel: {usage_message(error)}", err=True)
        sys.exit(1)
    except Exception as error:
        from kvtui.crash_log import unexpected_error

        typer.echo(f"Fel: {unexpected_error('Kommandot kunde inte slutföras.', error)}",
                   err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)


# What a value must be, by the English words of Typer's conversion error for it.
_WANTED = {
    "valid integer": "ett heltal",
    "valid number": "ett tal",
    "valid boolean": "ja eller nej (true/false)",
    "valid date": "ett datum (ÅÅÅÅ-MM-DD)",
    "valid path": "en sökväg",
    "is not one of": "ett av de tillåtna värdena",
}


def usage_message(error: Any) -> str:
    """Typer's usage errors (named by class, as Typer exports only their base), in Swedish."""
    ctx = getattr(error, "ctx", None)
    command = ctx.command_path if ctx is not None else "kvtui"
    hint = f" Se `{command} --help`."
    kind = type(error).__name__
    message = str(getattr(error, "message", error))
    if kind == "MissingParameter":
        param = getattr(error, "param", None)
        name = getattr(error, "param_hint", None) or (
            (param.metavar if param.param_type_name == "argument" else None) or param.opts[0]
            if param else "")
        if isinstance(name, list | tuple):
            name = " / ".join(name)
        return f"{name} saknas.{hint}".replace("'", "")
    if kind == "NoSuchOption":
        return f"Okänt val {getattr(error, 'option_name', '')}.{hint}"
    if kind == "BadParameter":
        param = getattr(error, "param", None)
        name = param.opts[0] if param is not None and getattr(param, "opts", None) else ""
        wanted = next((text for phrase, text in _WANTED.items() if phrase in message), "")
        where = f" för {name}" if name else ""
        return f"Ogiltigt värde{where}{': ange ' + wanted if wanted else ''}.{hint}"
    if "No such command" in message:
        return f"Okänt kommando.{hint}"
    if "Got unexpected extra argument" in message:
        return f"För många argument.{hint}"
    return f"{message}.{hint}"


# The release commands (factcheck, sign, reopen, verify, log) and those that replace or exclude
# an akt of the sample register themselves on ``app``.
from kvtui.cli import case_files, release  # noqa: E402, F401
