"""Commands for the conflicts a merge of two auditors' copies of a review left open: listed,
and settled by choosing one side or writing a new value.

They only parse and call the store, imported in each command: ``kvtui --help`` and a
mistyped command answer without SQLModel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kvtui.cli.shared import (
    DbOption,
    JsonOption,
    ReviewArg,
    chosen_db,
    echo_json,
    fail,
    opened_store,
    resolve_review,
)
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.merge import side_text, what_text, who_text
from kvtui.domain.safe_text import printable
from kvtui.store.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from kvtui.domain.merge import ConflictSide, ConflictView

commands = SwedishTyper()


def _side(view: ConflictView, side: ConflictSide) -> str:
    return printable(f"{side_text(view, side)} ({who_text(side)})")


def _side_json(side: ConflictSide) -> dict[str, Any]:
    return {"värde": side.value, "vem": side.actor, "när": side.at, "här": side.here}


def _json(view: ConflictView) -> dict[str, Any]:
    return {"id": view.id, "tabell": view.entity, "rad": view.row_id,
            "vad": dict(view.what), "fält": view.field_label, "borttagen_rad": view.deletion,
            "lokalt": _side_json(view.local), "importerat": _side_json(view.incoming),
            "visas": "lokalt" if view.shown_is_local else "importerat",
            "avgjord": view.resolved, "val": view.resolution}


@commands.command("conflicts")
def conflicts(ctx: typer.Context, review: ReviewArg, as_json: JsonOption = False,
              db: DbOption = None) -> None:
    """Visar granskningens öppna konflikter efter en sammanslagning: vad, vilket fält, båda
    värdena och vem som ändrade vad och när."""
    from kvtui.store.merge_conflicts import list_conflicts  # SQLModel

    with opened_store(chosen_db(ctx, db), read_only=True) as store:
        review_id = resolve_review(store, review)
        with store.session() as session:
            found = list_conflicts(session, review_id)
    if as_json:
        echo_json([_json(view) for view in found])
        return
    if not found:
        typer.echo("Granskningen har inga öppna konflikter.")
        return
    for view in found:
        typer.echo(f"{view.id[:8]}  {what_text(view)}")
        typer.echo(f"    lokalt:     {_side(view, view.local)}")
        typer.echo(f"    importerat: {_side(view, view.incoming)}")
    count = len(found)
    typer.echo("1 öppen konflikt." if count == 1 else f"{count} öppna konflikter.")


@commands.command("resolve")
def resolve(
    ctx: typer.Context,
    review: ReviewArg,
    conflict: Annotated[str, typer.Argument(
        metavar="CONFLICT_ID", help="Konfliktens id (eller början av det) som `kvtui "
        "conflicts` visar.")],
    local: Annotated[bool, typer.Option("--local", help="Behåll det lokala värdet.")] = False,
    incoming: Annotated[bool, typer.Option(
        "--incoming", help="Ta det importerade värdet.")] = False,
    value: Annotated[str | None, typer.Option(
        "--value", metavar="TEXT", help="Skriv ett nytt värde (textfält).")] = None,
    db: DbOption = None,
) -> None:
    """Avgör en konflikt genom att välja en av sidorna eller skriva ett nytt värde. Valet
    skrivs i ändringsloggen med båda värdena."""
    from kvtui.store.merge_conflicts import resolve_conflict  # SQLModel

    chosen = [name for name, given in (("local", local), ("incoming", incoming),
                                       ("value", value is not None)) if given]
    if len(chosen) != 1:
        fail("Ange precis ett av --local, --incoming och --value.")
    with opened_store(chosen_db(ctx, db)) as store:
        review_id = resolve_review(store, review)
        with store.session() as session:
            try:
                view = resolve_conflict(session, review_id, conflict, chosen[0], value)
            except (InvalidInput, NotFound) as error:
                fail(str(error))
    typer.echo(f"Konflikten är avgjord ({what_text(view)}).")
