"""The command line's help pages in Swedish.

Typer writes the frame of every help page itself: "Usage: kvtui [OPTIONS] COMMAND", the
panels "Arguments", "Options" and "Commands", "[required]", and the help of ``--help`` ("Show
this message and exit."). It has no translations, so the auditor's ``kvtui --help`` was half
English. The commands and groups here put Swedish in those places; the panel titles are
Typer's module settings, set when a help page is first drawn, so that a command that shows
none does not load the help renderer.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

HELP_OPTION = "Visa den här hjälpen och avsluta."
USAGE_PREFIX = "Användning: "
_USAGE_WORDS = {"[OPTIONS]": "[VAL]", "COMMAND [ARGS]...": "KOMMANDO [ARGUMENT]..."}
_PANELS = {
    "ARGUMENTS_PANEL_TITLE": "Argument",
    "OPTIONS_PANEL_TITLE": "Val",
    "COMMANDS_PANEL_TITLE": "Kommandon",
    "REQUIRED_LONG_STRING": "[krävs]",
    "DEFAULT_STRING": "[standard: {}]",
    "ENVVAR_STRING": "[miljövariabel: {}]",
    "ERRORS_PANEL_TITLE": "Fel",
    "ABORTED_TEXT": "Avbrutet.",
    "RICH_HELP": "Se [blue]'{command_path} {help_option}'[/] för hjälp.",
}


def _swedish_panels() -> None:
    from typer import rich_utils

    for name, text in _PANELS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


class _SwedishFrame:
    """The parts of a command's help page that Typer words itself."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = [_USAGE_WORDS.get(piece, piece)
                  for piece in self.collect_usage_pieces(ctx)]  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _swedish_panels()
        super().format_help(ctx, formatter)  # type: ignore[misc]


class SwedishCommand(_SwedishFrame, TyperCommand):
    """A command whose help page is in Swedish throughout."""


class SwedishGroup(_SwedishFrame, TyperGroup):
    """A group of commands whose help page is in Swedish throughout."""


class SwedishTyper(typer.Typer):
    """``typer.Typer`` whose groups and commands have Swedish help pages."""

    def __init__(self, **settings: Any) -> None:
        settings.setdefault("cls", SwedishGroup)
        super().__init__(**settings)

    def command(self, *args: Any, **settings: Any) -> Any:
        settings.setdefault("cls", SwedishCommand)
        return super().command(*args, **settings)
