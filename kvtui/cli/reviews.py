"""Commands for the reviews themselves: the demo, a new review, the list, one review shown,
searched, and its criteria's legal references.

They only parse and call the store. The store's modules load SQLModel, so each is imported in
the command that uses it: ``kvtui --help`` and a mistyped command answer without it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from kvtui import paths
from kvtui.cli.archive import review_from_archive
from kvtui.cli.assignments import auditor_work
from kvtui.cli.assignments import work_lines as auditor_lines
from kvtui.cli.shared import (
    DbOption,
    JsonOption,
    NotIdOption,
    ReviewArg,
    chosen_db,
    echo_json,
    fail,
    opened_store,
    resolve_review,
    run_app,
    texts_checked,
)
from kvtui.cli.show_text import local_time, work_lines
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.assignment import granskare_called
from kvtui.domain.plural import plural
from kvtui.domain.reviews import ReviewFields, parse_date, short_id, split_auditors
from kvtui.domain.templates import TemplateError
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.user_settings import my_auditor_name

if TYPE_CHECKING:
    from kvtui.store.database import Store

commands = SwedishTyper()


@commands.command()
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
    from kvtui.store.demo import create_demo, find_demo  # SQLModel

    with opened_store(chosen_db(ctx, db)) as store, store.session() as session:
        review_id = find_demo(session)
        if review_id is None:
            review_id = create_demo(session, paths.templates_dir(store.path))
        elif not no_open:
            typer.echo(f"Demogranskningen finns redan ({short_id(review_id)}) och öppnas.")
    if no_open:
        typer.echo(short_id(review_id))
        return
    raise typer.Exit(run_app(chosen_db(ctx, db), open_review=review_id))


def _parse_optional_date(text: str | None, label: str) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        fail(f"{label}: {error}")


@commands.command()
def new(
    ctx: typer.Context,
    template: Annotated[
        str | None, typer.Option("--template", help="Mallens namn (se `kvtui templates list`).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Granskningens titel.")] = None,
    previous: Annotated[str | None, typer.Option(
        "--from", metavar="GRANSKNING",
        help="Utgå från en tidigare granskning av samma enhet: mallen, uppgifterna och "
             "avsnitten följer med, inte svar, bedömningar, akter eller intervjuer. "
             "Perioden flyttas ett år om inget annat anges.")] = None,
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
    """Skapar en granskning från en mall, eller från en tidigare granskning (--from), och
    skriver ut dess id.

    En text som innehåller något som ser ut som ett personnummer stoppas; inget sparas.
    """
    from kvtui.store.reviews import create_review  # SQLModel
    from kvtui.store.template_library import TemplateNotFound, load_template  # SQLAlchemy

    if previous is not None:
        if template is not None:
            fail("Ange antingen --template eller --from, inte båda: en granskning som utgår "
                 "från en tidigare får dess mall.")
        given = {"unit": unit, "municipality": municipality, "committee": committee,
                 "purpose": purpose, "scope": scope}
        _new_from(ctx, previous, title=title, diary=diary, auditor=auditor,
                  period_start=period_start, period_end=period_end,
                  given={k: v for k, v in given.items() if v}, not_ids=not_ids,
                  as_json=as_json, db=db)
        return
    if template is None or title is None:
        missing = "--template" if template is None else "--title"
        fail(f"{missing} saknas: ange mallen med --template och titeln med --title, eller en "
             "tidigare granskning att utgå från med --from.")
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
    with opened_store(chosen_db(ctx, db)) as store:
        try:
            parsed, text = load_template(template, paths.templates_dir(store.path))
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
        echo_json({"id": review_id, "short_id": short_id(review_id)})
    else:
        typer.echo(short_id(review_id))


def _new_from(ctx: typer.Context, previous: str, *, title: str | None, diary: str,
              auditor: list[str] | None, period_start: str | None, period_end: str | None,
              given: dict[str, str], not_ids: list[str] | None, as_json: bool,
              db: str | None) -> None:
    """``new --from``: the earlier review's defaults, with what the options change
    (``given``: the texts typed for unit, municipality, committee, purpose and scope)."""
    from kvtui.store.previous_review import default_fields, start_from  # SQLModel
    from kvtui.store.reviews import get_review  # SQLModel

    names: list[str] = []
    for entry in auditor or []:
        names.extend(split_auditors(entry))
    with opened_store(chosen_db(ctx, db)) as store:
        previous_id = _local_or_archived(store, previous)
        texts = {"--title": title or "", "--diary": diary, "--auditor": "\n".join(names),
                 **{f"--{key}": value for key, value in given.items()}}
        with store.session() as session, texts_checked(session, texts, not_ids):
            fields = default_fields(get_review(session, previous_id))
            changes: dict[str, object] = {"diary_number": diary, **given}
            if title is not None:
                changes["title"] = title
            if names:
                changes["auditors"] = tuple(names)
            if period_start is not None:
                changes["period_start"] = _parse_optional_date(period_start, "--period-start")
            if period_end is not None:
                changes["period_end"] = _parse_optional_date(period_end, "--period-end")
            try:
                started = start_from(session, previous_id, paths.templates_dir(store.path),
                                     replace(fields, **changes))  # type: ignore[arg-type]
            except (InvalidInput, NotFound) as error:
                fail(str(error))
    for warning in started.warnings:
        typer.echo(f"Obs! {warning}", err=True)
    if as_json:
        echo_json({"id": started.review_id, "short_id": short_id(started.review_id),
                   "previous_id": previous_id, "warnings": list(started.warnings)})
    else:
        typer.echo(short_id(started.review_id))


def _local_or_archived(store: Store, reference: str) -> str:
    """The earlier review in the store, or else in the connected archive (brought here)."""
    from kvtui.store.reviews import resolve_review_id  # SQLModel

    with store.session() as session:
        try:
            return resolve_review_id(session, reference)
        except NotFound as error:
            missing = str(error)
    return review_from_archive(store, reference, missing)


@commands.command("list")
def list_command(ctx: typer.Context, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Listar alla granskningar med status och framsteg."""
    from kvtui.store.review_detail import list_reviews  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store, store.session() as session:
        reviews = list_reviews(session)
    if as_json:
        echo_json(
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
    table = Table("Id", "Titel", "Enhet", "Status", "Akter", "Framsteg", "Ändrad")
    for r in reviews:
        progress = f"{r.answered}/{r.expected}" if r.expected else "–"
        table.add_row(
            r.short_id, r.title, r.unit, r.status_label, str(r.case_files), progress,
            r.updated_text(),
        )
    Console().print(table)


@commands.command()
def show(
    ctx: typer.Context, review: ReviewArg, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """Visar allt som databasen har om en granskning."""
    from kvtui.store.review_document import review_document  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        review_id = resolve_review(store, review)
        with store.session() as session:
            document = review_document(session, review_id)
            document["auditor_work"] = auditor_work(session, review_id)
    if as_json:
        echo_json(document)
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
        *auditor_lines(document["auditor_work"],
                       granskare_called(document["auditors"], my_auditor_name())),
    ]
    typer.echo("\n".join(lines))


@commands.command()
def search(
    ctx: typer.Context,
    review: ReviewArg,
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Ord att söka efter.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Söker i all text i en granskning: anteckningar, iakttagelser, dokument, avsnitt,
    bedömningar och kommentarer. Alla ord måste finnas; det sista får vara början av ett ord."""
    from kvtui.store.search import match_expression  # SQLModel
    from kvtui.store.search import search as search_review  # SQLModel

    if not match_expression(query):
        fail("Ange minst ett ord att söka efter.")
    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        review_id = resolve_review(store, review)
        with store.session() as session:
            hits = search_review(session, review_id, query)
    if as_json:
        echo_json({"query": query, "hits": [
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


@commands.command("lagrum")
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
    from kvtui.store.answers import review_criteria  # SQLModel
    from kvtui.store.criteria import MISSING, REFERENCE_ACTIONS, set_reference  # SQLModel

    if text is not None and confirm:
        fail("Ange antingen ett lagrum eller --bekräfta, inte båda.")
    if code is None and (text is not None or confirm):
        fail("Ange kriteriets kod, t.ex. `kvtui lagrum REVIEW U1 \"20 kap. 1 § SoL "
             "(2025:400)\"`.")
    writes = text is not None or confirm
    with opened_store(chosen_db(ctx, db), read_only=not writes) as store:
        review_id = resolve_review(store, review)
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
