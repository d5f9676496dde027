"""``kvtui assign``: give akter and interviews to the review's granskare, and the lines
``kvtui show`` prints about who has what and how far each has come.

The command only parses and calls ``kvtui.store.assignments``, which checks the request
against the review (its granskare, its sample, its interviews, not signed) before it writes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kvtui.cli.shared import DbOption, ReviewArg, chosen_db, fail, opened_store, resolve_review
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.assignment import MINE_MARK, AuditorProgress
from kvtui.domain.plural import plural
from kvtui.store.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from sqlmodel import Session

commands = SwedishTyper()

_RANGE = re.compile(r"^\s*(\d+)\s*(?:(?:\.\.|-|–)\s*(\d+))?\s*$")


def parse_range(text: str) -> tuple[int, int]:
    """"3..7", "3-7" or "5" as (first, last); a Swedish message otherwise."""
    match = _RANGE.match(text)
    if match is None:
        raise InvalidInput(f"”{text}” är inget intervall. Skriv t.ex. 1..10 eller 4.")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise InvalidInput(f"Intervallet {first}..{last} slutar före sin början.")
    return first, last


@commands.command()
def assign(
    ctx: typer.Context,
    review: ReviewArg,
    auditor: Annotated[str, typer.Option(
        "--auditor", "--granskare", help="Granskaren som får akterna eller intervjun "
                                         "(tomt: ingen).")] = "",
    akter: Annotated[str | None, typer.Option(
        "--akter", help="Akterna i urvalet efter nummer, t.ex. 1..10.")] = None,
    evenly: Annotated[bool, typer.Option(
        "--evenly", "--jamnt", help="Fördela akter utan granskare jämnt mellan granskarna.")
    ] = False,
    interview: Annotated[str | None, typer.Option(
        "--interview", "--intervju", help="Intervjuns id (kvtui show --json visar det).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Fördelar akter och intervjuer mellan granskningens granskare."""
    from kvtui.store.assignments import (  # SQLModel
        assign_evenly,
        assign_interview,
        assign_range,
    )

    chosen = [name for name, given in (("--akter", akter is not None), ("--evenly", evenly),
                                       ("--interview", interview is not None)) if given]
    if len(chosen) != 1:
        fail("Ange precis ett av --akter N..M, --evenly och --interview ID.")
    if not evenly and not auditor.strip():
        fail("Ange granskaren med --auditor NAMN.")
    with opened_store(chosen_db(ctx, db)) as store:
        review_id = resolve_review(store, review)
        try:
            with store.session() as session:
                if evenly:
                    given = assign_evenly(session, review_id)
                    typer.echo("Fördelat: " + ", ".join(
                        f"{name} {plural(count, 'akt', 'akter')}"
                        for name, count in given.items()) + ".")
                elif akter is not None:
                    first, last = parse_range(akter)
                    changed = assign_range(session, review_id, auditor, first, last)
                    typer.echo(f"Akt {first}–{last} till {auditor.strip()} "
                               f"({plural(changed, 'ändrad', 'ändrade')}).")
                else:
                    assert interview is not None
                    assign_interview(session, review_id, interview.strip(), auditor)
                    typer.echo(f"Intervjun till {auditor.strip()}.")
        except (InvalidInput, NotFound) as error:
            fail(str(error))


def auditor_work(session: Session, review_id: str) -> dict[str, Any]:
    """Who has which akter and interviews and how far each has come, as ``kvtui show`` (and
    its JSON) gives it."""
    from kvtui.store.assignments import assignments, auditor_progress, unassigned_count
    from kvtui.store.sampling import current_sample

    division = assignments(session, review_id)
    sample = current_sample(session, review_id)
    references = {akt.case_file_id: akt.reference for akt in sample.active} if sample else {}
    return {
        "auditors": [
            {"auditor": item.auditor, "akter": item.akter, "akter_done": item.akter_done,
             "answers": item.answers, "interviews": item.interviews,
             "interviews_held": item.interviews_held,
             "akt_references": [ref for cid, ref in references.items()
                                if division.akter.get(cid) == item.auditor]}
            for item in auditor_progress(session, review_id)],
        "unassigned_akter": unassigned_count(session, review_id),
    }


def work_lines(work: dict[str, Any], me: str) -> list[str]:
    """The lines ``kvtui show`` prints about each granskare's work; none before the work is
    divided and before anyone's answers are known."""
    rows = work["auditors"]
    if not any(row["akter"] or row["interviews"] or row["answers"] for row in rows):
        return []
    lines = ["", "Granskarnas arbete:"]
    for row in rows:
        progress = AuditorProgress(row["auditor"], row["akter"], row["akter_done"],
                                   row["answers"], row["interviews"], row["interviews_held"])
        mark = f"{MINE_MARK} " if row["auditor"] == me else "  "
        lines.append(f"{mark}{row['auditor']}: {progress.line()}")
        if row["akt_references"]:
            lines.append("    Akter: " + ", ".join(row["akt_references"]))
    if work["unassigned_akter"]:
        lines.append(f"  Ej tilldelade: {plural(work['unassigned_akter'], 'akt', 'akter')}")
    if me:
        lines.append(f"  ({MINE_MARK} = {me}, den här datorns granskare)")
    return lines
