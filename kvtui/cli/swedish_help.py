"""The command line's help pages in Swedish.

Typer writes the frame of every help page itself: "Usage: kvtui [OPTIONS] COMMAND", the
panels "Arguments", "Options" and "Commands", "[required]", and the help of ``--help`` ("Show
this message and exit."). It has no translations, so the auditor's ``kvtui --help`` was half
English. The commands and groups here put Swedish in those places; the panel titles are
Typer's module settings, set when a help page is first drawn, so that a command that shows
none does not load the help renderer.

Typer also names each value by its Python type (``<str>``, ``<int>``, ``<bool>`` after a flag)
and each argument by its English metavar in braces (``{REVIEW}``). The commands here name
values in Swedish capitals, as the command line has always named what the user types
(``GRANSKNING``, ``TEXT``, ``HELTAL``), and show no type after a flag.

Typer's usage errors (a missing argument, an unknown option, a value of the wrong kind) are
English too; ``usage_message`` says them in Swedish for ``kvtui.cli.main``.
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


# Arguments named after the code's English parameter names, in Swedish.
ARGUMENT_NAMES = {
    "REVIEW": "GRANSKNING",
    "QUERY": "SÖKORD",
    "FILE": "FIL",
    "NAME": "NAMN",
    "NUMBER": "NUMMER",
}
# Typer's type labels (inside its angle brackets), in Swedish.
TYPE_WORDS = {
    "str": "TEXT",
    "int": "HELTAL",
    "float": "TAL",
    "list[str]": "TEXT",
    "list[int]": "HELTAL",
    "Path": "SÖKVÄG",
    "path": "SÖKVÄG",
    "file": "FIL",
    "directory": "MAPP",
    "datetime": "DATUM",
}


def _swedish_param(param: Any, ctx: Any) -> None:
    """Name a parameter's value in Swedish in help, usage and error messages."""
    if getattr(param, "_kvtui_swedish", False):
        return
    word: str | None
    if param.param_type_name == "argument":
        name = param.metavar or (param.name or "").upper()
        param.metavar = ARGUMENT_NAMES.get(name, name)
        word = None  # the name column already says what to type
    elif param.metavar is not None:
        word = param.metavar
    elif getattr(param, "is_flag", False) or getattr(param, "count", False):
        word = None
    else:
        label = param.display_type(ctx).removeprefix("<").removesuffix(">")
        word = TYPE_WORDS.get(label, label)
        if getattr(param, "multiple", False) or param.nargs != 1:
            word += " …"

    def display_type_rich(ctx: Any, word: str | None = word) -> str | None:
        return word

    param.display_type_rich = display_type_rich
    param._kvtui_swedish = True


def _swedish_panels() -> None:
    from typer import rich_utils  # the help renderer (Rich): only when a page is drawn

    for name, text in _PANELS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


def _usage_word(piece: str) -> str:
    """One piece of the usage line: a required argument bare (Typer puts it in braces, which
    reads as a set), an optional one in brackets as before."""
    if piece.startswith("{") and piece.removesuffix("...").endswith("}"):
        return piece[1:].replace("}", "", 1)  # "{ORD}..." (one word or more) too
    return _USAGE_WORDS.get(piece, piece)


class _SwedishFrame:
    """The parts of a command's help page that Typer words itself."""

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            _swedish_param(param, ctx)
        return params

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = [_usage_word(piece)
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
