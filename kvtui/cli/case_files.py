"""Commands for a review's case files and its sample: importing the akter (the population),
planning and drawing the sample (its size given, or planned by the attribute planner of
``kvtui.domain.attribute_sampling``), the file review's results over it, and replacing or
excluding an akt of the sample that cannot be reviewed.

They only parse and call the store; ``kvtui.store.sampling`` keeps a replaced or excluded akt
with its reason, logs the change and refuses it once the review is signed. The store's modules
load SQLModel, so each is imported in the command that uses it: ``kvtui --help`` and a
mistyped command answer without it.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

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
    texts_checked,
)
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.assurance import (
    appendix_statements,
    deviation_note,
    result_assurance,
    row_assurance,
    short_statement,
    statement,
)
from kvtui.domain.attribute_sampling import (
    AttributePlan,
    describe_attribute_plan,
    plan_attribute_sample,
)
from kvtui.domain.casefile_import import ImportFailure
from kvtui.domain.filereview import METHODS
from kvtui.domain.headline_text import (
    coverage_sentence,
    estimate_explained,
    headline_interval,
    headline_share,
    uncovered_summary,
)
from kvtui.domain.sample_input import parse_fraction, parse_percent
from kvtui.domain.sampling import SamplingError, allocation_line, describe_precision
from kvtui.domain.year_over_year import (
    YearComparison,
    change_sentence,
    difference_text,
    interval_text,
    share_text,
    unmatched_lines,
)
from kvtui.store.errors import InvalidInput, NotFound

commands = SwedishTyper()

AktArg = Annotated[str, typer.Argument(help="Aktens referens, som i urvalet.",
                                       show_default=False)]
ReasonOption = Annotated[str, typer.Option(
    "--orsak", help="Varför akten inte kan granskas. Står i rapportens Metod och bilaga.")]
ExpectedOption = Annotated[str | None, typer.Option(
    "--expected", help="Attributtest: förväntad avvikelse i procent, t.ex. 1 (utelämnad: 0).")]
ConfidenceOption = Annotated[str | None, typer.Option(
    "--confidence", help="Attributtest: säkerhet i procent, 90 eller 95 (utelämnad: 95).")]


@commands.command("import-akter")
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
    from kvtui.store.casefile_import import import_case_files  # SQLModel

    with opened_store(chosen_db(ctx, db)) as store:
        review_id = resolve_review(store, review)
        with store.session() as session:
            try:
                result = import_case_files(session, review_id, Path(file).expanduser(),
                                           id_column=id_column, sheet=sheet)
            except (ImportFailure, InvalidInput) as error:
                fail(f"{error}\nInget har importerats.")
    if as_json:
        echo_json({"imported": result.count, "encoding": result.encoding,
                   "delimiter": result.delimiter, "source": result.source,
                   "id_column": result.id_column, "attributes": list(result.columns),
                   "references": [reference for reference, _ in result.case_files]})
    else:
        typer.echo(result.summary())


@commands.command()
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
    tolerable: Annotated[str | None, typer.Option(
        "--tolerable",
        help="Attributtest i stället för --size eller --fraction: tolerabel avvikelse i "
             "procent, t.ex. 5. Urvalet blir så stort att det räcker för att visa att färre "
             "än så av akterna har bristen.")] = None,
    expected: ExpectedOption = None,
    confidence: ConfidenceOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Drar granskningens urval och skriver ut de dragna akterna i ordning."""
    from kvtui.store.casefiles import case_file_ids  # SQLModel
    from kvtui.store.sampling import draw_sample, sample_allocation  # SQLModel

    if sum(given is not None for given in (fraction, size, tolerable)) != 1:
        fail("Ange antingen --fraction, --size eller --tolerable.")
    if tolerable is None and (expected is not None or confidence is not None):
        fail("--expected och --confidence används bara med --tolerable.")
    try:
        share = parse_fraction(fraction) if fraction is not None else None
        rates = _rates(tolerable, expected, confidence) if tolerable is not None else None
    except ValueError as error:
        fail(str(error))
    if method not in METHODS:
        fail(f"Okänd metod '{method}'. Välj simple, stratified eller systematic.")
    if method == "stratified" and not stratify:
        fail("Ett stratifierat urval behöver --stratify ATTRIBUT.")
    if stratify and method != "stratified":
        fail("--stratify används bara med --method stratified.")
    plan: AttributePlan | None = None
    with opened_store(chosen_db(ctx, db)) as store:
        review_id = resolve_review(store, review)
        with store.session() as session:
            try:
                if rates is not None:
                    plan = _plan(*rates, len(case_file_ids(session, review_id)))
                    size = plan.size
                info = draw_sample(session, review_id, method=method, size=size,
                                   fraction=share, stratify_by=stratify, seed=seed)
            except InvalidInput as error:
                fail(str(error))
            shares = sample_allocation(session, review_id, info)
    references = [item.reference for item in info.items]
    if as_json:
        echo_json({"method": info.method, "seed": info.seed,
                   "population_size": info.population_size, "size": len(references),
                   "stratify_by": info.stratify_by, "references": references,
                   "allocation": [{"stratum": s.name, "sampled": s.sampled,
                                   "population": s.size} for s in shares],
                   **({"attribute_plan": attribute_plan_document(plan)} if plan else {})})
        return
    try:
        precision = describe_precision(info.population_size, len(references))
    except SamplingError:
        precision = ""
    typer.echo(f"{METHODS[info.method].capitalize()}, frö {info.seed}. {precision}.", err=True)
    if plan is not None:
        typer.echo(f"Attributtest: {describe_attribute_plan(plan)}.", err=True)
    if shares:
        typer.echo(allocation_line(info.stratify_by, shares, separator=", "), err=True)
    typer.echo("\n".join(references))


@commands.command("sample-size")
def sample_size(
    ctx: typer.Context,
    tolerable: Annotated[str, typer.Option(
        "--tolerable", help="Tolerabel avvikelse i procent, t.ex. 5: den största andel akter "
                            "med bristen som kan godtas.")],
    review: Annotated[str | None, typer.Argument(
        metavar="REVIEW", show_default=False,
        help="Granskningens id som `kvtui list` visar: planen görs för dess akter. Utelämnad "
             "planeras för en stor population, som i AICPA:s tabeller.")] = None,
    expected: ExpectedOption = None,
    confidence: ConfidenceOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Planerar ett attributtest: hur många akter som räcker, innan urvalet dras.

    Inget sparas. Dra sedan urvalet med `kvtui sample --tolerable`.
    """
    try:
        rates = _rates(tolerable, expected, confidence)
    except ValueError as error:
        fail(str(error))
    population: int | None = None
    if review is not None:
        from kvtui.store.casefiles import case_file_ids  # SQLModel

        with opened_store(chosen_db(ctx, db), read_only=True) as store:
            review_id = resolve_review(store, review)
            with store.session() as session:
                population = len(case_file_ids(session, review_id))
    try:
        planned = _plan(*rates, population, drawing=False)
    except InvalidInput as error:
        fail(str(error))
    if as_json:
        echo_json(attribute_plan_document(planned))
    else:
        typer.echo(f"{describe_attribute_plan(planned)}.")


def _rates(tolerable: str, expected: str | None,
           confidence: str | None) -> tuple[Fraction, Fraction, Fraction]:
    """The attribute test's rates as typed in percent; ValueError in Swedish."""
    return (parse_percent(tolerable, "--tolerable"),
            parse_percent(expected, "--expected") if expected is not None else Fraction(0),
            parse_percent(confidence, "--confidence") if confidence is not None
            else Fraction(95, 100))


def _plan(tolerable: Fraction, expected: Fraction, confidence: Fraction,
          population: int | None, *, drawing: bool = True) -> AttributePlan:
    """The plan, its refusal raised as the store's InvalidInput (one error to catch)."""
    try:
        return plan_attribute_sample(tolerable, expected, confidence, population)
    except SamplingError as error:
        raise InvalidInput(f"{error} Inget urval har dragits." if drawing
                           else str(error)) from None


def attribute_plan_document(plan: AttributePlan) -> dict[str, Any]:
    """An attribute plan as JSON-ready data; rates as shares (0.05 for 5 %)."""
    return {"tolerable": float(plan.tolerable), "expected": float(plan.expected),
            "confidence": float(plan.confidence), "population": plan.population,
            "size": plan.size, "allowed_deviations": plan.allowed, "risk": float(plan.risk),
            "text": describe_attribute_plan(plan)}


StatementsOption = Annotated[bool, typer.Option(
    "--statements",
    help="Skriv under tabellen varje kriteriums säkerhetsuttalande: med 95 % säkerhet högst "
         "hur stor andel av akterna som har bristen (per stratum när urvalet är "
         "stratifierat).")]


@commands.command()
def results(ctx: typer.Context, review: ReviewArg, as_json: JsonOption = False,
            statements: StatementsOption = False, db: DbOption = None) -> None:
    """Visar aktgranskningens resultat per kriterium med 95 % konfidensintervall och, under
    Brist högst, den största andel av akterna (antal inom parentes) som med 95 % säkerhet kan
    ha bristen: Nej, eller Nej och Delvis där mallen säger så."""
    from kvtui.store.previous_review import review_comparison  # SQLModel
    from kvtui.store.results import review_results  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        review_id = resolve_review(store, review)
        with store.session() as session:
            found = review_results(session, review_id)
            earlier = review_comparison(session, review_id)
    if found is None:
        fail("Inget urval är draget ännu. Dra ett med `kvtui sample`.")
    if as_json:
        echo_json({**results_document(found), **previous_document(earlier)})
        return
    weighted = found.method == "stratified" and found.stratify_by
    table = Table("Kriterium", "n", "Ja", "Delvis", "Nej", "Ej akt.",
                  "Andel Ja, vägd" if weighted else "Andel Ja", "95 % KI", "Brist högst",
                  title=f"Population {found.population_size} akter, urval {found.sample_size}")
    for row in found.rows:
        c = row.result.counts
        table.add_row(row.code, str(c.n), str(c.ja), str(c.delvis), str(c.nej),
                      str(c.ej_aktuellt), headline_share(row.headline),
                      headline_interval(row.headline), short_statement(row_assurance(row)))
    console = Console()
    console.print(table)
    notes = [coverage_sentence(found), *uncovered_summary(found), estimate_explained(found)]
    for note in notes:
        if note:
            console.print(note, markup=False, highlight=False)
    if earlier is not None:
        # A table of its own: beside the results' nine columns it would not fit 80.
        compared = Table("Kriterium", "Förra andelen", "Andel nu", "Skillnad", "95 % intervall",
                         title=f"Jämfört med {earlier.previous_title}"
                         + (f" ({earlier.previous_period})" if earlier.previous_period else ""))
        for change in earlier.changes:
            compared.add_row(change.code, share_text(change.earlier), share_text(change.later),
                             difference_text(change.comparison),
                             interval_text(change.comparison))
        console.print(compared)
        for note in ("Andelen Ja (ovägd) förra gången och nu, skillnaden i procentenheter och "
                     "dess 95 %-intervall; säkerställd när intervallet inte omfattar 0.",
                     *unmatched_lines(earlier)):
            console.print(note, markup=False, highlight=False)
    if statements:
        console.print(deviation_note(found.rows), highlight=False, markup=False)
        for said in appendix_statements(found.rows, found.stratify_by):
            console.print(f"{said.code}: {said.text}", highlight=False, markup=False)
            if said.strata:
                console.print(f"    {said.strata}", highlight=False, markup=False)


def previous_document(found: YearComparison | None) -> dict[str, Any]:
    """The comparison with the review this one was started from, as JSON-ready data; empty
    when there is none, so that the document of other reviews is what it was."""
    if found is None:
        return {}

    def share(result: Any) -> float | None:
        return None if result is None else result.share

    return {"previous_review": {
        "id": found.previous_id, "title": found.previous_title, "period": found.previous_period,
        "criteria": [
            {"code": c.code, "previous_code": c.earlier_code, "by_question": c.by_question,
             "previous_share": share(c.earlier), "share": share(c.later),
             "difference": None if c.comparison is None else c.comparison.difference,
             "low": None if c.comparison is None else c.comparison.low,
             "high": None if c.comparison is None else c.comparison.high,
             "established": None if c.comparison is None else c.comparison.established,
             "sentence": change_sentence(c)}
            for c in found.changes],
        "only_now": list(found.only_now), "only_before": list(found.only_before),
        "not_matched": unmatched_lines(found)}}


def results_document(found: Any) -> dict[str, Any]:
    """Results as JSON-ready data."""

    def result(r: Any) -> dict[str, Any]:
        c = r.counts
        return {"n": c.n, "ja": c.ja, "delvis": c.delvis, "nej": c.nej,
                "ej_aktuellt": c.ej_aktuellt, "share": r.share, "low": r.low, "high": r.high,
                "population_applicable": r.population_applicable}

    def assured(row: Any, r: Any) -> dict[str, Any]:
        """The bound on akter with a brist; null where nothing applicable was answered."""
        bound = result_assurance(r, row.deviation)
        return {"assurance": None if bound is None else {
            "deviation": row.deviation, "found": bound.found, "upper": bound.upper,
            "population": bound.population, "upper_share": bound.upper / bound.population,
            "statement": statement(bound)}}

    def headline(row: Any) -> dict[str, Any]:
        """The counts over all sampled akter, and the headline as the share: one figure."""
        h = row.headline
        return {**result(row.result), "share": h.share, "low": h.low, "high": h.high,
                "population_applicable": h.population_applicable,
                "estimate": {"design": h.design, "interval": h.interval_method,
                             "weighted": h.weighted, "effective_size": h.effective_size,
                             "not_covered": list(h.uncovered)}}

    return {
        "population_size": found.population_size,
        "sample_size": found.sample_size,
        "method": found.method,
        "seed": found.seed,
        "stratify_by": found.stratify_by,
        "reviewed": found.answered,
        "criteria": [
            {"code": row.code, "question": row.question, "reference": row.reference,
             "unanswered": row.unanswered, **headline(row),
             **assured(row, row.result),
             "strata": ({name: {**result(r), "reviewed": r.counts.n > 0, **assured(row, r)}
                        for name, r in row.strata.strata.items()}
                        if row.strata else {})}
            for row in found.rows
        ],
    }




def _change(ctx: typer.Context, review: str, akt: str, reason: str, not_ids: list[str] | None,
            db: str | None, *, exclude: bool) -> tuple[str, str]:
    """Replace or exclude the akt; the akt changed and, for a replacement, the new one."""
    from kvtui.store.sampling import exclude_akt, replace_akt, sampled_case_file  # SQLModel

    with opened_store(chosen_db(ctx, db)) as store:
        review_id = resolve_review(store, review)
        try:
            with store.session() as session, texts_checked(session, {"--orsak": reason},
                                                           not_ids):
                case_file_id = sampled_case_file(session, review_id, akt)
                change = exclude_akt if exclude else replace_akt
                done = change(session, review_id, case_file_id, reason)
        except (InvalidInput, NotFound) as error:
            fail(str(error))
    return akt.strip(), done.reference


@commands.command("ersätt-akt")
def replace(ctx: typer.Context, review: ReviewArg, akt: AktArg, reason: ReasonOption,
            not_ids: NotIdOption = None, as_json: JsonOption = False,
            db: DbOption = None) -> None:
    """Ersätter en akt i urvalet som inte kan granskas med nästa akt i dragningsordningen.

    Den ersatta akten och orsaken sparas och loggas; den nya akten ska granskas.
    """
    replaced, by = _change(ctx, review, akt, reason, not_ids, db, exclude=False)
    if as_json:
        echo_json({"replaced": replaced, "by": by})
    else:
        typer.echo(f"Akten {replaced} är ersatt av {by}, nästa akt i dragningsordningen.")


@commands.command("uteslut-akt")
def exclude(ctx: typer.Context, review: ReviewArg, akt: AktArg, reason: ReasonOption,
            not_ids: NotIdOption = None, as_json: JsonOption = False,
            db: DbOption = None) -> None:
    """Utesluter en akt ur urvalet utan ersättning; urvalet som granskas blir en akt mindre.

    Akten och orsaken sparas, loggas och redovisas i rapportens Metod och bilaga.
    """
    excluded, _same = _change(ctx, review, akt, reason, not_ids, db, exclude=True)
    if as_json:
        echo_json({"excluded": excluded})
    else:
        typer.echo(f"Akten {excluded} är utesluten ur urvalet.")
