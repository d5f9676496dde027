"""More of ``kvtui plan``: deleting risks, actions, activities and indicators, signing a
follow-up round and checking the signed ones, and the plan's own change log.

The commands sit in the group of ``kvtui.cli.plan`` (registered when ``kvtui.cli.typer_app``
imports this module) and, like those, only parse and call the store, imported in each
command: ``kvtui --help`` answers without SQLModel.

A deletion asks first, naming what goes with it, unless ``--ja`` is given; without a
terminal to ask in, the question cannot be answered and nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kvtui.cli.plan import PlanArg, RiskArg, _parsed, _plan_id
from kvtui.cli.plan import commands as commands
from kvtui.cli.shared import (
    DbOption,
    JsonOption,
    NotIdOption,
    chosen_db,
    echo_json,
    fail,
    opened_store,
    texts_checked,
)
from kvtui.domain.action_plan import Period, parse_period
from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.plan_signoff import round_hash
from kvtui.domain.plural import plural
from kvtui.domain.signoff import sha256_hex
from kvtui.store.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from sqlmodel import Session

    from kvtui.store.database import Store
    from kvtui.store.plan_delete import Deletion

YesOption = Annotated[bool, typer.Option(
    "--ja", "--yes", help="Ta bort utan att fråga först.")]
ActionArg = Annotated[int, typer.Argument(metavar="ÅTGÄRD", help="Åtgärdens nummer i risken.")]


def _confirmed(deletion: Deletion, yes: bool) -> None:
    """Ask before deleting (on standard error, so that --json output stays JSON)."""
    if yes:
        return
    try:
        answer = typer.prompt(f"{deletion.question} [j/n]", default="n", show_default=False,
                              err=True)
    except typer.Abort:
        fail("Ingenting togs bort. Svara j på frågan, eller ange --ja för att ta bort utan "
             "att fråga.")
    if answer.strip().lower() not in ("j", "ja", "y", "yes"):
        typer.echo("Ingenting togs bort.", err=True)
        raise typer.Exit(1)


def _delete(store: Store, preview: Callable[[Session], Deletion],
            delete: Callable[[Session], Deletion], yes: bool, as_json: bool) -> None:
    """Show what goes (or the refusal), ask, delete, and say what went."""
    with store.session() as session:
        try:
            deletion = preview(session)
        except (InvalidInput, NotFound) as error:
            fail(str(error))
    _confirmed(deletion, yes)
    with store.session() as session:
        try:
            done = delete(session)
        except (InvalidInput, NotFound) as error:
            fail(str(error))
    if as_json:
        echo_json({"deleted": done.what, "with": list(done.goes)})
    else:
        typer.echo(done.done)


@commands.command("delete-risk")
def plan_delete_risk(
    ctx: typer.Context,
    plan: PlanArg,
    risk: RiskArg,
    yes: YesOption = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Tar bort en risk med dess åtgärder, indikatorer och bedömningar.

    Frågan före borttagningen räknar upp allt som tas bort med risken. En risk som finns i en
    signerad uppföljning kan inte tas bort. De andra riskerna behåller sina nummer, och
    numret ges aldrig till en annan risk.
    """
    from kvtui.store.plan_delete import delete_risk, risk_deletion  # SQLModel

    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        _delete(store, lambda s: risk_deletion(s, plan_id, risk),
                lambda s: delete_risk(s, plan_id, risk), yes, as_json)


@commands.command("delete-action")
def plan_delete_action(
    ctx: typer.Context,
    plan: PlanArg,
    risk: RiskArg,
    action: ActionArg,
    yes: YesOption = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Tar bort en åtgärd med dess aktiviteter och stoppljus.

    En åtgärd som har stoppljus i en signerad uppföljning kan inte tas bort. Riskens andra
    åtgärder behåller sina nummer.
    """
    from kvtui.store.plan_delete import action_deletion, delete_action  # SQLModel

    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        _delete(store, lambda s: action_deletion(s, plan_id, risk, action),
                lambda s: delete_action(s, plan_id, risk, action), yes, as_json)


@commands.command("delete-activity")
def plan_delete_activity(
    ctx: typer.Context,
    plan: PlanArg,
    risk: RiskArg,
    action: ActionArg,
    activity: Annotated[int, typer.Argument(
        metavar="AKTIVITET", help="Aktivitetens plats i åtgärdens lista, från 1.")],
    yes: YesOption = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Tar bort en aktivitet ur en åtgärd. Aktiviteterna efter den flyttas upp ett steg."""
    from kvtui.store.plan_delete import Deletion, delete_activity  # SQLModel
    from kvtui.store.plan_view import plan_view  # SQLModel

    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        with store.session() as session:
            try:
                found = plan_view(session, plan_id).risk(risk)
            except (InvalidInput, NotFound) as error:
                fail(str(error))
        label = f"{risk.strip()}:{action}"
        if found is None:
            fail(f"Planen har ingen risk {risk.strip()}.")
        actions = [a for a in found.actions if a.number == action]
        if not actions:
            fail(f"Risk {found.label} har ingen åtgärd {action}.")
        texts = actions[0].activities
        if not 1 <= activity <= len(texts):
            fail(f"Åtgärd {label} har {plural(len(texts), 'aktivitet', 'aktiviteter')}; "
                 f"aktivitet {activity} finns inte.")
        _confirmed(Deletion(f"aktivitet {activity} i åtgärd {label}: "
                            f"{texts[activity - 1]}"), yes)
        with store.session() as session:
            try:
                text = delete_activity(session, plan_id, risk, action, activity)
            except (InvalidInput, NotFound) as error:
                fail(str(error))
    if as_json:
        echo_json({"action": label, "deleted": text})
    else:
        typer.echo(f"Aktiviteten \"{text}\" är borttagen ur åtgärd {label}.")


@commands.command("delete-indicator")
def plan_delete_indicator(
    ctx: typer.Context,
    plan: PlanArg,
    risk: RiskArg,
    indicator: Annotated[int, typer.Argument(
        metavar="INDIKATOR", help="Indikatorns nummer i risken.")],
    yes: YesOption = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Tar bort en indikator med dess värden.

    En indikator som har ett värde i en signerad uppföljning kan inte tas bort. Riskens
    andra indikatorer behåller sina nummer.
    """
    from kvtui.store.plan_delete import delete_indicator, indicator_deletion  # SQLModel

    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        _delete(store, lambda s: indicator_deletion(s, plan_id, risk, indicator),
                lambda s: delete_indicator(s, plan_id, risk, indicator), yes, as_json)


# --- Signed rounds ------------------------------------------------------------------------------


@commands.command("sign-round")
def plan_sign_round(
    ctx: typer.Context,
    plan: PlanArg,
    period: Annotated[str, typer.Option(
        "--period", help="Uppföljningens period: ett tertial (\"T2 2020\"), en månad "
        "(\"2020-08\") eller ett datum.")],
    name: Annotated[str, typer.Option("--name", help="Namnet på den som signerar.")],
    role: Annotated[str, typer.Option(
        "--role", help="Rollen för den som signerar, till exempel nämndsekreterare.")],
    pdf: Annotated[Path | None, typer.Option(
        "--pdf", metavar="FIL", help="Den signerade uppföljningsrapporten (PDF); dess "
        "SHA-256 sparas med signeringen.")] = None,
    not_ids: NotIdOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Signerar en uppföljning och låser den.

    Det uppföljningen registrerade (stoppljus, kommentarer, riskbedömningar, indikatorvärden
    och sammanfattningen) kan sedan inte ändras eller tas bort. Planen fortsätter med nya
    uppföljningar.
    """
    from kvtui.store.plan_lock import lock_round, round_record  # SQLModel

    chosen: Period = _parsed(parse_period, period)
    pdf_sha256 = None
    if pdf is not None:
        try:
            pdf_sha256 = sha256_hex(pdf.read_bytes())
        except OSError as error:
            fail(f"PDF-filen kunde inte läsas: {file_error_reason(error)}.")
    with opened_store(chosen_db(ctx, db)) as store:
        plan_id = _plan_id(store, plan)
        with store.session() as session, texts_checked(
                session, {"--name": name, "--role": role}, not_ids):
            try:
                record = round_record(session, plan_id, chosen)
                signed = lock_round(session, plan_id, chosen, signed_by=name, role=role,
                                    pdf_sha256=pdf_sha256, content_hash=round_hash(record))
            except (InvalidInput, NotFound) as error:
                fail(str(error))
    if as_json:
        echo_json({"period": signed.period, "label": chosen.label,
                   "signed_by": signed.signed_by, "role": signed.role,
                   "signed_at": signed.signed_at, "content_sha256": signed.content_sha256,
                   "pdf_sha256": signed.pdf_sha256})
    else:
        typer.echo(f"Uppföljningen {chosen.label} är signerad av {signed.signed_by} och låst.")


@commands.command("check")
def plan_check(ctx: typer.Context, plan: PlanArg, as_json: JsonOption = False,
               db: DbOption = None) -> None:
    """Kontrollerar att de signerade uppföljningarna är oförändrade sedan signeringen."""
    from kvtui.store.plan_guards import period_label  # SQLModel
    from kvtui.store.plan_lock import check_round_sign_offs, round_sign_offs  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        plan_id = _plan_id(store, plan)
        with store.session() as session:
            signed = round_sign_offs(session, plan_id)
            problems = check_round_sign_offs(session, plan_id)
    if as_json:
        echo_json({"signed": [{"period": s.period, "label": period_label(s.period),
                               "signed_by": s.signed_by, "role": s.role,
                               "signed_at": s.signed_at, "content_sha256": s.content_sha256,
                               "pdf_sha256": s.pdf_sha256} for s in signed],
                   "problems": problems, "ok": not problems})
    else:
        for s in signed:
            typer.echo(f"{period_label(s.period)}: signerad {s.signed_at.date().isoformat()} "
                       f"av {s.signed_by} ({s.role})")
        if not signed:
            typer.echo("Planen har ingen signerad uppföljning.")
        for problem in problems:
            typer.echo(f"Fel: {problem[0].upper()}{problem[1:]}.")
        if signed and not problems:
            typer.echo("De signerade uppföljningarna är oförändrade.")
    if problems:
        raise typer.Exit(1)


# --- The plan's log -----------------------------------------------------------------------------


@commands.command("log")
def plan_log_command(
    ctx: typer.Context,
    plan: Annotated[str | None, typer.Argument(
        metavar="[PLAN]", help="Planens id eller enhetens namn; kan utelämnas när det bara "
        "finns en plan.")] = None,
    as_json: JsonOption = False,
    limit: Annotated[int | None, typer.Option(
        "--limit", help="Visa bara de senaste N posterna.", min=1)] = None,
    db: DbOption = None,
) -> None:
    """Visar planens ändringslogg, senaste först: vem, när och vad."""
    from kvtui.store.plan_log import plan_log  # SQLModel
    from kvtui.store.plan_view import list_plans  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        if plan is None:
            with store.session() as session:
                plans = list_plans(session)
            if len(plans) != 1:
                fail("Ange planen med dess id eller enhetens namn (`kvtui plan list`)."
                     if plans else "Det finns ingen åtgärdsplan ännu.")
            plan_id = plans[0].id
        else:
            plan_id = _plan_id(store, plan)
        with store.session() as session:
            entries = plan_log(session, plan_id)
    shown = entries[:limit] if limit else entries
    if as_json:
        echo_json([{"seq": e.seq, "at": e.at, "actor": e.actor, "entity": e.entity,
                    "entity_id": e.entity_id, "action": e.action, "event": e.event,
                    "summary": e.summary, "changes": e.changes} for e in shown])
        return
    for e in shown:
        when = e.at.astimezone().strftime("%Y-%m-%d %H.%M")
        typer.echo(f"{e.seq:>6}  {when}  {e.actor:<10} {e.event}  {e.summary}")
    typer.echo(f"{plural(len(entries), 'post', 'poster')} för planen.")


