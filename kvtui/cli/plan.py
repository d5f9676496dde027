"""The group ``kvtui plan``: the unit's action plan (åtgärdsplan) and its follow-up.

A plan belongs to a unit and lives across reviews and years. Its risks come from the Gul and
Röd statements of signed reviews (``findings`` lists them, ``add-risk --from-statement``
takes one) or are added by hand; each is assessed on the risk matrix again and again; actions
with activities, a responsible role and a deadline are followed up in rounds (a tertial, a
month or a date) with a traffic light each, and indicators get a value per round.

The commands only parse and call the store, imported in each command: ``kvtui --help`` and a
mistyped command answer without SQLModel.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kvtui import paths
from kvtui.cli.release import _passphrase
from kvtui.cli.shared import (
    DbOption,
    JsonOption,
    NotIdOption,
    OutputOption,
    chosen_db,
    echo_json,
    fail,
    opened_store,
    resolve_review,
    texts_checked,
)
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.action_plan import (
    CHANGES,
    ActionStatus,
    IndicatorKind,
    Period,
    PlanError,
    TrafficLight,
    action_status_label,
    format_value,
    parse_action_status,
    parse_indicator_kind,
    parse_period,
    parse_traffic_light,
    parse_value,
    traffic_light_label,
)
from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.plan_signoff import round_hash
from kvtui.domain.plan_tables import change_document, grade_document, plan_document
from kvtui.domain.plural import plural
from kvtui.domain.reviews import parse_date, short_id
from kvtui.domain.risk_matrix import (
    DEFAULT_MATRIX,
    PROBABILITY_LABELS,
    SEVERITY_LABELS,
    MatrixError,
    RiskMatrix,
    level_label,
    parse_matrix,
)
from kvtui.domain.signoff import SignOffRuleError, check_signers
from kvtui.report.signature import SigningError
from kvtui.store.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from kvtui.domain.plan_data import PlanView, RiskChange
    from kvtui.report.plan_story import Signer
    from kvtui.store.database import Store

commands = SwedishTyper(
    name="plan",
    help="Åtgärdsplaner: enhetens risker, åtgärder och uppföljning per tertial, månad eller "
    "datum.",
    no_args_is_help=True,
)

PlanArg = Annotated[str, typer.Argument(
    metavar="PLAN", help="Planens id eller enhetens namn, som `kvtui plan list` visar.")]
RiskArg = Annotated[str, typer.Argument(metavar="RISK", help="Riskens nummer, till exempel 1.1.")]
DateOption = Annotated[str | None, typer.Option(
    "--date", metavar="DATUM", help="Datum (ÅÅÅÅ-MM-DD); annars i dag.")]


def _date(text: str | None, label: str, default: date | None = None) -> date:
    if not text:
        return default or date.today()
    try:
        return parse_date(text)
    except ValueError as error:
        fail(f"{label}: {error}")


def _plan_id(store: Store, ref: str) -> str:
    from kvtui.store.action_plan import resolve_plan_id  # SQLModel

    with store.session() as session:
        try:
            return resolve_plan_id(session, ref)
        except NotFound as error:
            fail(str(error))


def _view(store: Store, plan_id: str) -> PlanView:
    from kvtui.store.plan_view import plan_view  # SQLModel

    with store.session() as session:
        try:
            return plan_view(session, plan_id)
        except (InvalidInput, NotFound) as error:
            fail(str(error))


def _parsed(parse: Any, text: str) -> Any:
    try:
        return parse(text)
    except (PlanError, MatrixError) as error:
        fail(str(error))


# --- Plans ------------------------------------------------------------------------------------


@commands.command("list")
def plan_list(ctx: typer.Context, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Listar alla åtgärdsplaner: enhet, beslutsdatum, antal risker och uppföljningar."""
    from kvtui.store.plan_view import list_plans  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store, store.session() as session:
        plans = list_plans(session)
    if as_json:
        echo_json([{"id": p.id, "short_id": p.short_id, "unit": p.unit,
                    "municipality": p.municipality, "committee": p.committee,
                    "title": p.title, "decided_on": p.decided_on, "risks": p.risks,
                    "rounds": p.rounds} for p in plans])
        return
    if not plans:
        typer.echo("Inga åtgärdsplaner ännu. Skapa en med `kvtui plan new`.")
        return
    for p in plans:
        place = ", ".join(part for part in (p.unit, p.municipality) if part)
        typer.echo(f"{p.short_id}  {place}  beslutad {p.decided_on.isoformat()}  "
                   f"{plural(p.risks, 'risk', 'risker')}  "
                   f"{plural(p.rounds, 'uppföljning', 'uppföljningar')}")


@commands.command("new")
def plan_new(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option("--unit", help="Enheten som planen gäller.")],
    decided: Annotated[str, typer.Option(
        "--date", metavar="DATUM", help="Dagen nämnden beslutade planen (ÅÅÅÅ-MM-DD).")],
    municipality: Annotated[str, typer.Option("--municipality", help="Kommun.")] = "",
    committee: Annotated[str, typer.Option("--committee", help="Ansvarig nämnd.")] = "",
    title: Annotated[str, typer.Option("--title", help="Planens rubrik.")] = "",
    not_ids: NotIdOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Skapar enhetens åtgärdsplan. En enhet har en plan, som gäller över granskningar och år."""
    from kvtui.store.action_plan import create_plan  # SQLModel

    decided_on = _date(decided, "--date")
    texts = {"--unit": unit, "--municipality": municipality, "--committee": committee,
             "--title": title}
    with opened_store(chosen_db(ctx, db)) as store, store.session() as session, \
            texts_checked(session, texts, not_ids):
        try:
            plan_id = create_plan(session, unit=unit, decided_on=decided_on,
                                  municipality=municipality, committee=committee, title=title)
        except InvalidInput as error:
            fail(str(error))
    if as_json:
        echo_json({"id": plan_id, "short_id": short_id(plan_id)})
    else:
        typer.echo(short_id(plan_id))


def _round_label(plan: PlanView, key: str) -> str:
    round_ = plan.round(key)
    return round_.period.short_label if round_ else key


def _risk_lines(plan: PlanView) -> list[str]:
    lines = [f"{plan.title} ({plan.short_id})",
             f"Enhet: {', '.join(p for p in (plan.unit, plan.municipality) if p)}; "
             f"beslutad {plan.decided_on.isoformat()}"
             + (f"; {plan.committee}" if plan.committee else ""), ""]
    area = None
    for risk in plan.risks:
        if risk.area_number != area:
            area = risk.area_number
            lines.append(f"{risk.area_number} {risk.area_name}")
        now = risk.current.label if risk.current else "ej bedömd"
        lines.append(f"  {risk.label}  {risk.title}  [{now}]")
        for action in risk.actions:
            deadline = f", senast {action.deadline.isoformat()}" if action.deadline else ""
            role = f", ansvarig: {action.responsible_role}" if action.responsible_role else ""
            lines.append(f"      Åtgärd {action.number}: {action.title} "
                         f"({action_status_label(action.status)}{role}{deadline})")
            for activity in action.activities:
                lines.append(f"        – {activity}")
            for followup in action.followups:
                lines.append(f"        {_round_label(plan, followup.round_key)}: "
                             f"{traffic_light_label(followup.light)}"
                             + (f". {followup.comment}" if followup.comment else ""))
        for indicator in risk.indicators:
            values = ", ".join(f"{_round_label(plan, v.round_key)}: "
                               f"{format_value(indicator.kind, v.value)}"
                               for v in indicator.values)
            start = (f"ingång {format_value(indicator.kind, indicator.baseline)}"
                     if indicator.baseline is not None else "")
            shown = "; ".join(part for part in (start, values) if part)
            lines.append(f"      Indikator {indicator.number}: {indicator.name}"
                         + (f" ({shown})" if shown else ""))
    if not plan.risks:
        lines.append("Planen har inga risker ännu. Lägg till med `kvtui plan add-risk`.")
    for round_ in plan.rounds:
        down = [c.risk.label for c in plan.went_down_at(round_.key)]
        signed = ", signerad och låst" if round_.signed else ""
        lines.append(f"Uppföljning {round_.period.label} ({round_.held_on.isoformat()}"
                     f"{signed}): "
                     + (f"sänkta risker {', '.join(down)}" if down else "ingen risk sänkt"))
    return lines


@commands.command("show")
def plan_show(ctx: typer.Context, plan: PlanArg, as_json: JsonOption = False,
              db: DbOption = None) -> None:
    """Visar planens risker med nivå, åtgärder, stoppljus, indikatorer och uppföljningar."""
    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        view = _view(store, _plan_id(store, plan))
    if as_json:
        echo_json(plan_document(view))
        return
    typer.echo("\n".join(_risk_lines(view)))


# --- Risks ------------------------------------------------------------------------------------


@commands.command("findings")
def plan_findings(ctx: typer.Context, review: Annotated[str, typer.Argument(
        metavar="REVIEW", help="Den signerade granskningens id som `kvtui list` visar.")],
        as_json: JsonOption = False, db: DbOption = None) -> None:
    """Listar en signerad gransknings påståenden bedömda Gul eller Röd.

    Id:t ges till `kvtui plan add-risk --from-statement`.
    """
    from kvtui.store.action_plan import findings  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        review_id = resolve_review(store, review)
        with store.session() as session:
            found = findings(session, review_id)
    if as_json:
        echo_json([{"id": f.assessment_id, "short_id": short_id(f.assessment_id),
                    "review_id": f.review_id, "version": f.version, "section": f.section,
                    "statement": f.statement, "rating": f.rating,
                    "rating_label": level_label(f.rating)} for f in found])
        return
    if not found:
        typer.echo("Granskningen har inga påståenden bedömda Gul eller Röd, eller är inte "
                   "signerad.")
        return
    for f in found:
        typer.echo(f"{short_id(f.assessment_id)}  {level_label(f.rating):4} {f.section}: "
                   f"{f.statement}")


def _first_grade(probability: int | None, severity: int | None, on: str | None,
                 comment: str) -> Any:
    from kvtui.store.action_plan import FirstGrade  # SQLModel

    if probability is None and severity is None:
        if on or comment:
            fail("Ange --probability och --severity för riskens första bedömning.")
        return None
    if probability is None or severity is None:
        fail("Ange både --probability och --severity.")
    return FirstGrade(probability, severity, _date(on, "--date"), comment)


ProbabilityOption = Annotated[int | None, typer.Option(
    "--probability", metavar="1-4",
    help="Sannolikhet: " + ", ".join(f"{n} {t}" for n, t in PROBABILITY_LABELS.items()) + ".")]
SeverityOption = Annotated[int | None, typer.Option(
    "--severity", metavar="1-4",
    help="Allvarlighetsgrad: " + ", ".join(f"{n} {t}" for n, t in SEVERITY_LABELS.items())
    + ".")]
CommentOption = Annotated[str, typer.Option("--comment", help="Kommentar till bedömningen.")]


@commands.command("add-risk")
def plan_add_risk(
    ctx: typer.Context,
    plan: Annotated[str | None, typer.Argument(
        metavar="PLAN", help="Planens id eller enhetens namn; med --from-statement räcker "
        "granskningens enhet.")] = None,
    statement: Annotated[str | None, typer.Option(
        "--from-statement", metavar="ID",
        help="Ett påstående bedömt Gul eller Röd i en signerad granskning (se `kvtui plan "
        "findings`).")] = None,
    area: Annotated[str | None, typer.Option(
        "--area", help="Kvalitetsområde, gärna med nummer: \"2 Trygghet och säkerhet\". Med "
        "--from-statement annars påståendets avsnitt.")] = None,
    title: Annotated[str | None, typer.Option(
        "--title", help="Risken i korthet; med --from-statement annars påståendet.")] = None,
    description: Annotated[str, typer.Option("--description", help="Riskens beskrivning.")] = "",
    probability: ProbabilityOption = None,
    severity: SeverityOption = None,
    on: DateOption = None,
    comment: CommentOption = "",
    not_ids: NotIdOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Lägger till en risk, för hand eller från ett påstående i en signerad granskning.

    Påståendet ska vara bedömt Gul eller Röd. Risken numreras inom sitt kvalitetsområde (1.1,
    1.2 …) och får sin första bedömning när sannolikhet och allvarlighetsgrad anges.
    """
    from kvtui.store.action_plan import (  # SQLModel
        add_risk,
        add_risk_from_statement,
        resolve_statement_id,
    )

    if statement is None and (plan is None or area is None or title is None):
        fail("Ange PLAN, --area och --title, eller --from-statement ID.")
    first = _first_grade(probability, severity, on, comment)
    texts = {"--area": area or "", "--title": title or "", "--description": description,
             "--comment": comment}
    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan) if plan is not None else None
        with store.session() as session, texts_checked(session, texts, not_ids):
            try:
                if statement is not None:
                    risk_id = add_risk_from_statement(
                        session, resolve_statement_id(session, statement), plan_id=plan_id,
                        area=area, title=title, description=description, first=first)
                else:
                    assert plan_id is not None and area is not None and title is not None
                    risk_id = add_risk(session, plan_id, area=area, title=title,
                                       description=description, first=first)
            except (InvalidInput, NotFound) as error:
                fail(str(error))
        view = _view(store, plan_id or _plan_of_risk(store, risk_id))
    risk = next(r for r in view.risks if r.id == risk_id)
    if as_json:
        echo_json(next(r for r in plan_document(view)["risks"] if r["id"] == risk_id))
        return
    typer.echo(f"Risk {risk.label} {risk.title}"
               + (f": {risk.current.label}" if risk.current else ""))


def _plan_of_risk(store: Store, risk_id: str) -> str:
    from kvtui.store.models import PlanRisk  # SQLModel

    with store.session() as session:
        row = session.get(PlanRisk, risk_id)
        assert row is not None
        return row.plan_id


@commands.command("assess")
def plan_assess(
    ctx: typer.Context,
    plan: PlanArg,
    risk: RiskArg,
    probability: Annotated[int, typer.Option(
        "--probability", metavar="1-4", help="Sannolikhet: " + ", ".join(
            f"{n} {t}" for n, t in PROBABILITY_LABELS.items()) + ".")],
    severity: Annotated[int, typer.Option(
        "--severity", metavar="1-4", help="Allvarlighetsgrad: " + ", ".join(
            f"{n} {t}" for n, t in SEVERITY_LABELS.items()) + ".")],
    on: DateOption = None,
    comment: CommentOption = "",
    not_ids: NotIdOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Bedömer en risk på nytt i riskmatrisen.

    Tidigare bedömningar sparas, så att det syns var risken var och var den är.
    """
    from kvtui.store.action_plan import assess_risk  # SQLModel

    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        with store.session() as session, texts_checked(session, {"--comment": comment},
                                                       not_ids):
            try:
                assess_risk(session, plan_id, risk, probability, severity,
                            assessed_on=_date(on, "--date"), comment=comment)
            except (InvalidInput, NotFound) as error:
                fail(str(error))
        view = _view(store, plan_id)
    found = view.risk(risk)
    assert found is not None and found.current is not None
    if as_json:
        echo_json({"risk": found.label, "current": grade_document(found.current),
                   "history": [grade_document(g) for g in found.history]})
        return
    typer.echo(f"Risk {found.label}: {found.current.label}")


# --- Actions and indicators -------------------------------------------------------------------


@commands.command("add-action")
def plan_add_action(
    ctx: typer.Context,
    plan: PlanArg,
    risk: RiskArg,
    title: Annotated[str, typer.Option("--title", help="Åtgärden i korthet.")],
    description: Annotated[str, typer.Option("--description", help="Vad åtgärden ska "
                                             "åstadkomma.")] = "",
    role: Annotated[str, typer.Option(
        "--role", help="Ansvarig roll, till exempel enhetschef (aldrig ett namn).")] = "",
    deadline: Annotated[str | None, typer.Option(
        "--deadline", metavar="DATUM", help="Klar senast (ÅÅÅÅ-MM-DD), inte före planens "
        "datum.")] = None,
    activity: Annotated[list[str] | None, typer.Option(
        "--activity", help="En aktivitet i åtgärden (kan anges flera gånger).")] = None,
    status: Annotated[str, typer.Option(
        "--status", help="Planerad, Pågår, Genomförd eller Avbruten.")] = "Planerad",
    not_ids: NotIdOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Lägger till en åtgärd mot en risk, med aktiviteter, ansvarig roll och tidsgräns."""
    from kvtui.store.action_plan import add_action  # SQLModel

    chosen: ActionStatus = _parsed(parse_action_status, status)
    until = _date(deadline, "--deadline") if deadline else None
    texts = {"--title": title, "--description": description, "--role": role,
             "--activity": "\n".join(activity or [])}
    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        with store.session() as session, texts_checked(session, texts, not_ids):
            try:
                number = add_action(session, plan_id, risk, title=title,
                                    description=description, responsible_role=role,
                                    deadline=until, activities=activity or [], status=chosen)
            except (InvalidInput, NotFound) as error:
                fail(str(error))
    if as_json:
        echo_json({"risk": risk.strip(), "action": number})
    else:
        typer.echo(f"Åtgärd {number} för risk {risk.strip()}")


@commands.command("edit-action")
def plan_edit_action(
    ctx: typer.Context,
    plan: PlanArg,
    risk: RiskArg,
    action: Annotated[int, typer.Argument(metavar="ÅTGÄRD", help="Åtgärdens nummer i risken.")],
    title: Annotated[str | None, typer.Option("--title", help="Ny rubrik.")] = None,
    description: Annotated[str | None, typer.Option("--description",
                                                    help="Ny beskrivning.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Ny ansvarig roll.")] = None,
    deadline: Annotated[str | None, typer.Option(
        "--deadline", metavar="DATUM", help="Ny tidsgräns (ÅÅÅÅ-MM-DD).")] = None,
    no_deadline: Annotated[bool, typer.Option("--no-deadline",
                                              help="Ta bort tidsgränsen.")] = False,
    activity: Annotated[list[str] | None, typer.Option(
        "--activity", help="Aktiviteterna, i ordning; ersätter de tidigare (kan anges flera "
        "gånger).")] = None,
    not_ids: NotIdOption = None,
    db: DbOption = None,
) -> None:
    """Ändrar en åtgärds rubrik, beskrivning, ansvariga roll, tidsgräns eller aktiviteter.

    Det som inte anges är kvar.
    """
    from kvtui.store.action_plan import update_action  # SQLModel

    if deadline and no_deadline:
        fail("Ange --deadline eller --no-deadline, inte båda.")
    until = _date(deadline, "--deadline") if deadline else None
    texts = {"--title": title or "", "--description": description or "", "--role": role or "",
             "--activity": "\n".join(activity or [])}
    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        with store.session() as session, texts_checked(session, texts, not_ids):
            try:
                update_action(session, plan_id, risk, action, title=title,
                              description=description, responsible_role=role,
                              deadline=until, no_deadline=no_deadline, activities=activity)
            except (InvalidInput, NotFound) as error:
                fail(str(error))
    typer.echo(f"Åtgärd {risk.strip()}:{action} är sparad.")


@commands.command("edit-risk")
def plan_edit_risk(
    ctx: typer.Context,
    plan: PlanArg,
    risk: RiskArg,
    title: Annotated[str | None, typer.Option("--title", help="Ny rubrik.")] = None,
    description: Annotated[str | None, typer.Option("--description",
                                                    help="Ny beskrivning.")] = None,
    not_ids: NotIdOption = None,
    db: DbOption = None,
) -> None:
    """Ändrar en risks rubrik eller beskrivning.

    Numret, kvalitetsområdet och bedömningarna är kvar.
    """
    from kvtui.store.action_plan import update_risk  # SQLModel

    texts = {"--title": title or "", "--description": description or ""}
    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        with store.session() as session, texts_checked(session, texts, not_ids):
            try:
                update_risk(session, plan_id, risk, title=title, description=description)
            except (InvalidInput, NotFound) as error:
                fail(str(error))
    typer.echo(f"Risk {risk.strip()} är sparad.")


@commands.command("set-status")
def plan_set_status(
    ctx: typer.Context,
    plan: PlanArg,
    risk: RiskArg,
    action: Annotated[int, typer.Argument(metavar="ÅTGÄRD", help="Åtgärdens nummer i risken.")],
    status: Annotated[str, typer.Argument(
        metavar="STATUS", help="Planerad, Pågår, Genomförd eller Avbruten.")],
    db: DbOption = None,
) -> None:
    """Ändrar en åtgärds status."""
    from kvtui.store.action_plan import set_action_status  # SQLModel

    chosen: ActionStatus = _parsed(parse_action_status, status)
    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        with store.session() as session:
            try:
                set_action_status(session, plan_id, risk, action, chosen)
            except (InvalidInput, NotFound) as error:
                fail(str(error))
    typer.echo(f"Åtgärd {risk.strip()}:{action} är {action_status_label(chosen).lower()}.")


@commands.command("add-indicator")
def plan_add_indicator(
    ctx: typer.Context,
    plan: PlanArg,
    risk: RiskArg,
    name: Annotated[str, typer.Option("--name", help="Vad indikatorn mäter.")],
    kind: Annotated[str, typer.Option(
        "--kind", help="andel (procent, 0–100) eller antal.")] = "andel",
    baseline: Annotated[str | None, typer.Option(
        "--baseline", metavar="VÄRDE", help="Ingångsvärde, till exempel 42 eller 2,4.")] = None,
    not_ids: NotIdOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Lägger till en indikator som visar om risken minskar.

    En indikator är en andel i procent eller ett antal, med ingångsvärde.
    """
    from kvtui.store.action_plan import add_indicator  # SQLModel

    chosen: IndicatorKind = _parsed(parse_indicator_kind, kind)
    start = _parsed(parse_value, baseline) if baseline is not None else None
    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        with store.session() as session, texts_checked(session, {"--name": name}, not_ids):
            try:
                number = add_indicator(session, plan_id, risk, name=name, kind=chosen,
                                       baseline=start)
            except (InvalidInput, NotFound) as error:
                fail(str(error))
    if as_json:
        echo_json({"risk": risk.strip(), "indicator": number})
    else:
        typer.echo(f"Indikator {number} för risk {risk.strip()}")


# --- Follow-up --------------------------------------------------------------------------------


def _pairs(values: list[str] | None, option: str) -> list[tuple[str, str]]:
    """"KEY=VALUE" pairs of a repeated option."""
    pairs = []
    for entry in values or []:
        key, sep, value = entry.partition("=")
        if not sep or not key.strip():
            fail(f"{option}: skriv NYCKEL=VÄRDE, inte '{entry}'.")
        pairs.append((key.strip(), value.strip()))
    return pairs


def _numbered(key: str, option: str) -> tuple[str, int]:
    """"1.1:2" as the risk and the number of its action or indicator."""
    risk, sep, number = key.partition(":")
    if not sep or not number.strip().isdigit():
        fail(f"{option}: ange risk och nummer som RISK:NR, till exempel 1.1:2, inte '{key}'.")
    return risk.strip(), int(number)


def _cell_text(text: str, option: str) -> tuple[int, int]:
    """"3x2" (sannolikhet × allvarlighetsgrad)."""
    normalised = text.replace("×", "x").replace("*", "x").replace(" ", "").lower()
    first, sep, second = normalised.partition("x")
    if not sep or not first.isdigit() or not second.isdigit():
        fail(f"{option}: ange sannolikhet × allvarlighetsgrad som 3x2, inte '{text}'.")
    return int(first), int(second)


@commands.command("follow-up")
def plan_follow_up(
    ctx: typer.Context,
    plan: PlanArg,
    period: Annotated[str, typer.Option(
        "--period", help="Perioden som följs upp: ett tertial (\"T2 2020\"), en månad "
        "(\"2020-08\", \"augusti 2020\") eller ett datum (\"2020-08-31\").")],
    held: Annotated[str | None, typer.Option(
        "--date", metavar="DATUM", help="Dagen uppföljningen görs, när den öppnas (annars "
        "i dag).")] = None,
    summary: Annotated[str | None, typer.Option(
        "--summary", help="Uppföljningens sammanfattning.")] = None,
    light: Annotated[list[str] | None, typer.Option(
        "--light", metavar="RISK:NR=FÄRG",
        help="En åtgärds stoppljus: grönt (följer tidplanen), gult (risk för försening) "
        "eller rött (försenad), till exempel 1.1:1=gult. Kan anges flera gånger.")] = None,
    comment: Annotated[list[str] | None, typer.Option(
        "--comment", metavar="RISK:NR=TEXT",
        help="Kommentar till en åtgärds stoppljus, till exempel 1.1:1=\"Rekrytering "
        "pågår\".")] = None,
    assess: Annotated[list[str] | None, typer.Option(
        "--assess", metavar="RISK=SxA",
        help="En risks nya bedömning, sannolikhet × allvarlighetsgrad, till exempel "
        "5.2=3x2.")] = None,
    value: Annotated[list[str] | None, typer.Option(
        "--value", metavar="RISK:NR=VÄRDE",
        help="En indikators värde, till exempel 1.1:1=67 (en andel i procent) eller "
        "1.1:2=9; tomt värde betyder ej undersökt.")] = None,
    criterion: Annotated[list[str] | None, typer.Option(
        "--criterion", metavar="RISK:NR=KOD",
        help="Hämta en indikators värde som andelen Ja för ett kriterium i granskningen "
        "som --review anger, till exempel 5.1:1=F4.")] = None,
    review: Annotated[str | None, typer.Option(
        "--review", metavar="GRANSKNING", help="Granskningen som --criterion hämtar "
        "andelen Ja från.")] = None,
    not_ids: NotIdOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Följer upp planen för ett tertial, en månad eller ett datum.

    Öppnar uppföljningen om den inte finns, och sparar åtgärdernas stoppljus och kommentarer,
    riskernas nya bedömningar och indikatorernas värden i ett svep. Skriver ut vilka risker
    som har sänkts sedan förra uppföljningen.
    """
    from kvtui.store.action_plan import Light, RoundGrade, Value, record_followup  # SQLModel

    chosen: Period = _parsed(parse_period, period)
    comments = {_numbered(k, "--comment"): v for k, v in _pairs(comment, "--comment")}
    lights = []
    for key, text in _pairs(light, "--light"):
        risk, number = _numbered(key, "--light")
        colour: TrafficLight = _parsed(parse_traffic_light, text)
        lights.append(Light(risk, number, colour, comments.pop((risk, number), "")))
    if comments:
        fail("--comment hör till ett stoppljus; ange --light för "
             + ", ".join(f"{r}:{n}" for r, n in comments) + ".")
    grades = [RoundGrade(key, *_cell_text(text, "--assess"))
              for key, text in _pairs(assess, "--assess")]
    values = [Value(*_numbered(key, "--value"),
                    value=_parsed(parse_value, text) if text else None)
              for key, text in _pairs(value, "--value")]
    if criterion and not review:
        fail("--criterion behöver --review: granskningen som andelen Ja hämtas från.")
    texts = {"--summary": summary or "", "--comment": "\n".join(c for c in comment or [])}
    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        review_id = resolve_review(store, review) if review else None
        values += [Value(*_numbered(key, "--criterion"), review_id=review_id, criterion=code)
                   for key, code in _pairs(criterion, "--criterion")]
        with store.session() as session, texts_checked(session, texts, not_ids):
            try:
                opened = record_followup(session, plan_id, chosen, lights=lights,
                                         grades=grades, values=values, summary=summary,
                                         held_on=_date(held, "--date"))
            except (InvalidInput, NotFound) as error:
                fail(str(error))
        view = _view(store, plan_id)
    changes = view.changes_at(chosen.key)
    if as_json:
        echo_json({"period": chosen.key, "label": chosen.label, "opened": opened,
                   "went_down": [c.risk.label for c in changes if c.change == "down"],
                   "summary": view.summary_at(chosen.key),
                   "changes": [change_document(c) for c in changes]})
        return
    typer.echo(f"Uppföljning {chosen.label}" + (" öppnad." if opened else " uppdaterad."))
    for line in view.summary_at(chosen.key):
        typer.echo(f"  {line}")
    for change in changes:
        now = change.now.label if change.now else "ej bedömd"
        typer.echo(f"  Risk {change.risk.label}: {CHANGES[change.change]}, {now}")


# --- The matrix and exports -------------------------------------------------------------------


def _matrix_lines(matrix: RiskMatrix) -> list[str]:
    width = max(len(t) for t in PROBABILITY_LABELS.values()) + 2
    head = " " * width + "".join(f"{n} {t:<10}" for n, t in SEVERITY_LABELS.items())
    lines = ["Allvarlighetsgrad →", head]
    for probability, cells in matrix.rows():
        label = f"{probability} {PROBABILITY_LABELS[probability]}"
        lines.append(f"{label:<{width}}" + "".join(
            f"{product:>2} {level_label(level):<10}" for product, level in cells))
    lines.append("↑ Sannolikhet")
    return lines


@commands.command("matrix")
def plan_matrix(
    ctx: typer.Context,
    plan: Annotated[str | None, typer.Argument(
        metavar="PLAN", help="Planens id eller enhetens namn; utan PLAN visas kvtui:s "
        "standardmatris.")] = None,
    set_file: Annotated[str | None, typer.Option(
        "--set", metavar="FIL", help="Sätt nämndens egen matris från en textfil med en rad "
        "per ruta, \"2 × 4 = Röd\" (se --text). Alla 16 rutor måste ha en nivå. Matrisen "
        "gäller nämndens alla planer, även de som skapas senare.")] = None,
    as_text: Annotated[bool, typer.Option(
        "--text", help="Skriv matrisen i filformatet som --set läser.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Visar riskmatrisen eller sätter nämndens egen.

    Sannolikhet × allvarlighetsgrad, varje ruta Grön, Gul eller Röd; med PLAN också var
    planens risker var och är.
    """
    matrix = DEFAULT_MATRIX
    cells: dict[tuple[int, int], list[str]] = {}
    placed: list[RiskChange] = []
    if set_file is not None:
        if plan is None:
            fail("Ange planen som matrisen ska gälla för.")
        try:
            text = Path(set_file).expanduser().read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            fail(f"Filen {set_file} kan inte läsas: {error.__class__.__name__}.")
        matrix = _parsed(parse_matrix, text)
    if plan is not None:
        from kvtui.store.action_plan import set_matrix  # SQLModel

        with opened_store(chosen_db(ctx, db), read_only=set_file is None) as store:
            plan_id = _plan_id(store, plan)
            if set_file is not None:
                with store.session() as session:
                    try:
                        changed = set_matrix(session, plan_id, matrix)
                    except (InvalidInput, NotFound) as error:
                        fail(str(error))
                if not as_json and not as_text:
                    typer.echo("Ändrade rutor: " + "; ".join(changed) if changed
                               else "Matrisen var redan denna.")
            view = _view(store, plan_id)
            matrix = view.matrix
            cells = view.cells_at()
            placed = view.placements()
    if as_json:
        echo_json({"default": matrix.is_default,
                   "probability": PROBABILITY_LABELS, "severity": SEVERITY_LABELS,
                   "cells": [{"probability": p, "severity": s, "product": p * s,
                              "level": str(level), "level_label": level_label(level),
                              "risks": cells.get((p, s), [])}
                             for (p, s), level in sorted(matrix.cells.items())],
                   "risks": [{"risk": c.risk.label, "was": grade_document(c.before),
                              "is": grade_document(c.now)} for c in placed]})
    elif as_text:
        typer.echo(matrix.to_text(), nl=False)
    else:
        typer.echo("\n".join(_matrix_lines(matrix)))
        for change in placed:
            assert change.now is not None
            was = f"{change.before.label} → " if change.before else ""
            typer.echo(f"Risk {change.risk.label}: {was}{change.now.label}")


@commands.command("export")
def plan_export(
    ctx: typer.Context,
    plan: PlanArg,
    kind: Annotated[str, typer.Option(
        "--format", metavar="FORMAT", help="xlsx (alla tabeller) eller csv (en tabell).")
    ] = "xlsx",
    table: Annotated[str, typer.Option(
        "--table", metavar="TABELL", help="För csv: risker (risker och åtgärder) eller "
        "indikatorer.")] = "risker",
    output: Annotated[str | None, typer.Option(
        "-o", "--output", metavar="FIL", help="Fil eller mapp (annars exports/). En "
        "befintlig fil skrivs aldrig över.")] = None,
    db: DbOption = None,
) -> None:
    """Exporterar planen som Excel (.xlsx) eller CSV för enhetens egen rapportering.

    Risker med nivå per uppföljning, åtgärder med stoppljus och indikatorernas värden.
    """
    from kvtui.store.exports import write_export  # SQLModel
    from kvtui.store.plan_export import export_plan, plan_file_name  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        plan_id = _plan_id(store, plan)
        with store.session() as session:
            try:
                data = export_plan(session, plan_id, kind.strip().lower(),
                                   table.strip().lower())
            except (InvalidInput, NotFound) as error:
                fail(str(error))
        view = _view(store, plan_id)
        name = plan_file_name(view.unit, date.today(), f".{kind.strip().lower()}")
        try:
            path = write_export(output, paths.exports_dir(store.path), name, data)
        except InvalidInput as error:
            fail(str(error))
        except OSError as error:
            fail(f"Filen kunde inte skrivas: {file_error_reason(error)}.")
    typer.echo(f"Planen är exporterad till {path}")


# --- The follow-up report -----------------------------------------------------------------------


def _only_plan(store: Store) -> str:
    """The store's one plan, when PLAN is left out; a Swedish refusal when there are none or
    several."""
    from kvtui.store.plan_view import list_plans  # SQLModel

    with store.session() as session:
        plans = list_plans(session)
    if not plans:
        fail("Inga åtgärdsplaner ännu. Skapa en med `kvtui plan new`.")
    if len(plans) > 1:
        fail("Databasen har flera åtgärdsplaner; ange vilken: " + ", ".join(
            f"{p.short_id} ({p.unit})" for p in plans) + ".")
    return plans[0].id


def _round_hash(store: Store, plan_id: str, period_key: str) -> str:
    """The content hash of what the round recorded, taken before the report is made: the
    lock refuses the round if it holds anything else by the time the file is signed."""
    from kvtui.store.plan_lock import round_record, round_sign_off  # SQLModel

    with store.session() as session:
        try:
            signed = round_sign_off(session, plan_id, period_key)
            record = round_record(session, plan_id, period_key)
        except (InvalidInput, NotFound) as error:
            fail(str(error))
    if signed is not None:
        fail(f"Uppföljningen är redan signerad och låst (av {signed.signed_by}, "
             f"{signed.signed_at.date().isoformat()}).")
    return round_hash(record)


def lock_signed_round(store: Store, plan_id: str, period_key: str, pdf: bytes,
                      signer: Signer) -> str:
    """After a signed final is written: lock the round in the store with its content hash
    and the file's, so that what the signed report says cannot change under it; the signed
    file's SHA-256. Refused (the caller removes the file): a Swedish ``InvalidInput``."""
    from kvtui.store.plan_lock import lock_round  # SQLModel

    digest = hashlib.sha256(pdf).hexdigest()
    with store.session() as session:
        lock_round(session, plan_id, period_key, signed_by=signer.name, role=signer.role,
                   pdf_sha256=digest, content_hash=signer.content_sha256,
                   now=signer.signed_at.astimezone(UTC))
    return digest


@commands.command("report")
def plan_report(
    ctx: typer.Context,
    plan: Annotated[str | None, typer.Argument(
        metavar="PLAN", help="Planens id eller enhetens namn, som `kvtui plan list` visar; "
        "kan utelämnas när databasen har en enda plan.")] = None,
    period: Annotated[str | None, typer.Option(
        "--period", metavar="PERIOD", help="Uppföljningen som rapporten redovisar: ett "
        "tertial (\"T2 2020\"), en månad (\"2020-08\") eller ett datum; annars den "
        "senaste.")] = None,
    draft: Annotated[bool, typer.Option(
        "--draft", help="Ett utkast med utkastmärkning på varje sida (annars slutlig).")
    ] = False,
    p12: Annotated[str | None, typer.Option(
        "--p12", metavar="FIL", help="PKCS#12-fil (.p12/.pfx) med ditt certifikat: den "
        "slutliga rapporten signeras digitalt (PAdES) och uppföljningen låses.")] = None,
    passphrase_env: Annotated[str | None, typer.Option(
        "--passphrase-env", help="Läs certifikatets lösenord ur denna miljövariabel i stället "
        "för att fråga. Lösenordet sparas aldrig.")] = None,
    name: Annotated[str | None, typer.Option(
        "--name", help="Namnet på den som signerar (med --p12).")] = None,
    role: Annotated[str | None, typer.Option(
        "--role", help="Den signerandes roll, till exempel Enhetschef (med --p12).")] = None,
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Exporterar uppföljningsrapporten som PDF: utkast, slutlig eller slutlig och signerad.

    Sammanfattning med sänkta och höjda risker, bakgrund, riskmatrisen och per
    kvalitetsområde riskerna med nivå, åtgärder, stoppljus och indikatorer.
    """
    if p12 is not None and draft:
        fail("--p12 signerar den slutliga rapporten; ange inte --draft samtidigt.")
    if p12 is None and (name or role):
        fail("--name och --role hör till signeringen; ange också --p12.")
    if p12 is not None:
        try:
            check_signers(name or "", role or "")
        except SignOffRuleError as error:
            fail(f"{error} (--name, --role)")
    key = _parsed(parse_period, period).key if period else None
    from kvtui.report.plan_document import render_plan_report, sign_plan_report  # ReportLab
    from kvtui.report.plan_outline import PlanReportError, chosen_round  # ReportLab-free
    from kvtui.report.plan_story import Signer  # ReportLab
    from kvtui.store.exports import write_export  # SQLModel
    from kvtui.store.plan_export import followup_file_name  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=p12 is None) as store:
        plan_id = _plan_id(store, plan) if plan is not None else _only_plan(store)
        view = _view(store, plan_id)
        try:
            round_ = chosen_round(view, key)
        except PlanReportError as error:
            fail(str(error))
        secret = _passphrase(p12, passphrase_env)
        signer = (Signer((name or "").strip(), (role or "").strip(),
                         datetime.now(UTC).astimezone(),
                         _round_hash(store, plan_id, round_.key))
                  if p12 is not None else None)
        rendered = render_plan_report(view, round_.key, draft=draft, signer=signer)
        pdf = rendered.pdf
        if p12 is not None and signer is not None:
            try:
                pdf = sign_plan_report(pdf, Path(p12).expanduser(), secret, signer)
            except SigningError as error:
                fail(str(error))
        file_name = followup_file_name(view.unit, round_.key, draft=draft)
        try:
            path = write_export(output, paths.exports_dir(store.path), file_name, pdf)
        except InvalidInput as error:
            fail(str(error))
        except OSError as error:
            fail(f"Filen kunde inte skrivas: {file_error_reason(error)}.")
        digest = ""
        if signer is not None:
            try:
                digest = lock_signed_round(store, plan_id, round_.key, pdf, signer)
            except (InvalidInput, NotFound) as error:
                path.unlink(missing_ok=True)  # a signed file the store does not hold
                fail(str(error))
    pages = plural(rendered.pages, "sida", "sidor")
    if draft:
        typer.echo(f"Utkastet ({pages}) är exporterat till {path}")
        return
    if not digest:
        typer.echo("Obs: rapporten är inte signerad; omslaget säger ”Slutlig version – ej "
                   "signerad”. Signera med --p12.", err=True)
        typer.echo(f"Rapporten ({pages}) är exporterad till {path}")
        return
    assert signer is not None
    typer.echo(f"Uppföljningen {round_.period.label} är signerad och låst.")
    typer.echo(f"Den signerade rapporten ({pages}) är exporterad till {path}")
    typer.echo(f"Innehållets kontrollsumma (SHA-256): {signer.content_sha256}")
    typer.echo(f"PDF-filens kontrollsumma (SHA-256):  {digest}")
