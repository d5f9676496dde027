"""Commands that account for an akt of the sample that cannot be reviewed: replace or exclude.

Registered on ``kvtui.cli.app`` (imported at the end of the package). They only parse and
call ``kvtui.store.sampling``, which keeps the replaced or excluded akt with its reason, logs
the change and refuses it once the review is signed.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kvtui.cli import (
    DbOption,
    JsonOption,
    NotIdOption,
    ReviewArg,
    _db,
    _echo_json,
    _resolve,
    app,
    fail,
    opened_store,
    texts_checked,
)

AktArg = Annotated[str, typer.Argument(help="Aktens referens, som i urvalet.",
                                       show_default=False)]
ReasonOption = Annotated[str, typer.Option(
    "--orsak", help="Varför akten inte kan granskas. Står i rapportens Metod och bilaga.")]


def _change(ctx: typer.Context, review: str, akt: str, reason: str, not_ids: list[str] | None,
            db: str | None, *, exclude: bool) -> tuple[str, str]:
    """Replace or exclude the akt; the akt changed and, for a replacement, the new one."""
    from kvtui.store.errors import InvalidInput, NotFound
    from kvtui.store.sampling import exclude_akt, replace_akt, sampled_case_file

    with opened_store(_db(ctx, db)) as store:
        review_id = _resolve(store, review)
        try:
            with store.session() as session, texts_checked(session, {"--orsak": reason},
                                                           not_ids):
                case_file_id = sampled_case_file(session, review_id, akt)
                change = exclude_akt if exclude else replace_akt
                done = change(session, review_id, case_file_id, reason)
        except (InvalidInput, NotFound) as error:
            fail(str(error))
    return akt.strip(), done.reference


@app.command("ersätt-akt")
def replace(ctx: typer.Context, review: ReviewArg, akt: AktArg, reason: ReasonOption,
            not_ids: NotIdOption = None, as_json: JsonOption = False,
            db: DbOption = None) -> None:
    """Ersätter en akt i urvalet som inte kan granskas med nästa akt i dragningsordningen.

    Den ersatta akten och orsaken sparas och loggas; den nya akten ska granskas.
    """
    replaced, by = _change(ctx, review, akt, reason, not_ids, db, exclude=False)
    if as_json:
        _echo_json({"replaced": replaced, "by": by})
    else:
        typer.echo(f"Akten {replaced} är ersatt av {by}, nästa akt i dragningsordningen.")


@app.command("uteslut-akt")
def exclude(ctx: typer.Context, review: ReviewArg, akt: AktArg, reason: ReasonOption,
            not_ids: NotIdOption = None, as_json: JsonOption = False,
            db: DbOption = None) -> None:
    """Utesluter en akt ur urvalet utan ersättning; urvalet som granskas blir en akt mindre.

    Akten och orsaken sparas, loggas och redovisas i rapportens Metod och bilaga.
    """
    excluded, _same = _change(ctx, review, akt, reason, not_ids, db, exclude=True)
    if as_json:
        _echo_json({"excluded": excluded})
    else:
        typer.echo(f"Akten {excluded} är utesluten ur urvalet.")
