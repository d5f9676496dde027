"""The group ``kvtui templates``: list, show, export and import review templates.

They only parse and call the template library, which loads SQLAlchemy (it confirms numbers in
the store), so it is imported in the commands that use it: ``kvtui --help`` and a mistyped
command answer without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kvtui import paths
from kvtui.cli.shared import DbOption, NotIdOption, chosen_db, fail, not_id_keys, opened_store
from kvtui.cli.swedish_help import SwedishTyper
from kvtui.domain.templates import DIMENSIONS, TemplateError

commands = SwedishTyper(
    name="templates",
    help="Granskningsmallar: lista, visa, exportera och importera.", no_args_is_help=True
)


def _folder(ctx: typer.Context, db: str | None) -> Path:
    """The folder of the user's own templates: beside the store the command names."""
    return paths.templates_dir(paths.store_path(chosen_db(ctx, db)))


@commands.command("list")
def templates_list(ctx: typer.Context, db: DbOption = None) -> None:
    """Listar inbyggda och egna mallar."""
    from kvtui.store.template_library import list_templates  # SQLAlchemy

    for info in list_templates(_folder(ctx, db)):
        typer.echo(f"{info.name:24} {info.version:6} {info.title}  ({info.source})")


@commands.command("show")
def templates_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Mallens namn.")],
    db: DbOption = None,
) -> None:
    """Visar en malls avsnitt och kriterier."""
    from kvtui.store.template_library import TemplateNotFound, load_template  # SQLAlchemy

    try:
        template, _text = load_template(name, _folder(ctx, db))
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


@commands.command("export")
def templates_export(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Mallens namn.")],
    file: Annotated[str, typer.Argument(help="Fil att skriva (TOML).")],
    db: DbOption = None,
) -> None:
    """Skriver en mall till en TOML-fil som kan redigeras och importeras."""
    from kvtui.store.template_library import TemplateNotFound, export_template  # SQLAlchemy

    try:
        path = export_template(name, Path(file).expanduser(), _folder(ctx, db))
    except (TemplateNotFound, TemplateError, FileExistsError, OSError) as error:
        fail(str(error))
    typer.echo(f"Mallen är exporterad till {path}")


@commands.command("import")
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
    from kvtui.store.template_library import (  # SQLAlchemy
        confirm_numbers,
        import_template,
        load_template,
    )

    source = Path(file).expanduser()
    if not source.is_file():
        fail(f"Filen {source} finns inte.")
    keys = not_id_keys(not_ids)
    folder = _folder(ctx, db)
    if not keys:
        try:
            template = import_template(source, folder)
        except (TemplateError, FileExistsError, ValueError, OSError) as error:
            fail(str(error))
    else:
        # The numbers named are confirmed in the store the template sits beside: opened
        # first, so that a store that cannot be written stops the import before it installs.
        with opened_store(chosen_db(ctx, db)) as store, store.session() as session:
            try:
                template = import_template(source, folder, kept=keys)
            except (TemplateError, FileExistsError, ValueError, OSError) as error:
                fail(str(error))
            confirm_numbers(session, load_template(template.name, folder)[1], keys)
            session.commit()
    typer.echo(f"Mallen {template.name} ({template.title}) är importerad.")
