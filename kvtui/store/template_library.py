"""The template library: the templates kvtui ships and the ones the auditor has added.

Shipped templates live as TOML data in the package ``kvtui.templates`` and are read through
``importlib.resources``, so they work from a wheel as well as from a project folder. The
auditor's own templates live as ``<name>.toml`` in a user folder chosen by the caller; one
with the same name as a shipped template takes its place, which is how an auditor adapts a
shipped template without editing the package. Export copies the file text unchanged, so
comments and layout survive a round trip through another auditor's laptop.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.import_limits import megabytes, thousands
from kvtui.domain.json_texts import texts_in
from kvtui.domain.personnummer import IdNumber
from kvtui.domain.safe_text import typed_origin, typed_text
from kvtui.domain.templates import (
    MAX_TEMPLATE_CHARS,
    Template,
    TemplateError,
    TemplateProblem,
    parse_template,
)
from kvtui.store.idnumber_rule import Rule, numbers_in, numbers_to_mask

if TYPE_CHECKING:
    from sqlmodel import Session

SHIPPED_PACKAGE = "kvtui.templates"
SHIPPED_SOURCE = "inbyggd"
SUFFIX = ".toml"

# Letters (å ä ö included), digits, "-" and "_": safe as a file name and on a command line.
_NAME = re.compile(r"[^\W][\w-]*")


@dataclass(frozen=True)
class TemplateInfo:
    """One template in the library, for listing; ``error`` is set when it does not parse."""

    name: str
    title: str
    version: str
    source: str  # SHIPPED_SOURCE, or the path of the user's file
    error: str = ""


class TemplateNotFound(ValueError):
    """No template by that name; the message lists the names there are."""


def _shipped() -> dict[str, Traversable]:
    folder = files(SHIPPED_PACKAGE)
    return {
        entry.name.removesuffix(SUFFIX): entry
        for entry in folder.iterdir()
        if entry.name.endswith(SUFFIX) and entry.is_file()
    }


def _user(user_dir: Path | None) -> dict[str, Path]:
    if user_dir is None or not user_dir.is_dir():
        return {}
    return {
        path.stem: path
        for path in sorted(user_dir.glob(f"*{SUFFIX}"))
        if path.is_file() and not path.name.startswith(".")
    }


# A template's text within MAX_TEMPLATE_CHARS takes at most four bytes a character.
_MAX_TEMPLATE_BYTES = 4 * MAX_TEMPLATE_CHARS


def _read(entry: Traversable | Path, source: str) -> bytes:
    """The file's bytes, read no further than needed to know that it is too large."""
    with entry.open("rb") as handle:
        data = handle.read(_MAX_TEMPLATE_BYTES + 1)
    if len(data) > _MAX_TEMPLATE_BYTES:
        message = (f"filen är större än {megabytes(_MAX_TEMPLATE_BYTES)}; en mall får vara "
                   f"högst {thousands(MAX_TEMPLATE_CHARS)} tecken")
        raise TemplateError([TemplateProblem(source, None, "", message)])
    return data


def _decode(data: bytes, source: str) -> str:
    """UTF-8 text (a BOM from Windows Notepad is dropped), or a TemplateError saying why not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = "filen är inte sparad som UTF-8; spara om den som UTF-8 och försök igen"
        raise TemplateError([TemplateProblem(source, line, "", message)]) from None


def _find(name: str, user_dir: Path | None) -> tuple[Traversable | Path, str]:
    """The file behind a template name, user's first, and the source text for messages."""
    user = _user(user_dir)
    if name in user:
        return user[name], str(user[name])
    shipped = _shipped()
    if name in shipped:
        return shipped[name], name + SUFFIX
    available = sorted(set(user) | set(shipped))
    listed = ", ".join(available) if available else "(inga)"
    raise TemplateNotFound(f"Mallen '{name}' finns inte. Tillgängliga mallar: {listed}.")


def list_templates(user_dir: Path | None) -> list[TemplateInfo]:
    """Every template the auditor can start a review from, sorted by name.

    A user template that does not parse is still listed, with ``error`` set, so the auditor
    sees that it exists and why it cannot be used instead of it silently disappearing.
    """
    found: dict[str, tuple[Traversable | Path, str]] = {
        name: (entry, SHIPPED_SOURCE) for name, entry in _shipped().items()
    }
    for name, path in _user(user_dir).items():
        found[name] = (path, str(path))
    infos: list[TemplateInfo] = []
    for name in sorted(found):
        entry, source = found[name]
        label = str(entry) if isinstance(entry, Path) else name + SUFFIX
        try:
            template = parse_template(_decode(_read(entry, label), label), label)
        except TemplateError as exc:
            infos.append(TemplateInfo(name, name, "", source, error=str(exc)))
        except OSError as exc:
            infos.append(TemplateInfo(name, name, "", source,
                                      error=f"{label}: {file_error_reason(exc)}"))
        else:
            infos.append(TemplateInfo(name, template.title, template.version, source))
    return infos


def load_template(name: str, user_dir: Path | None) -> tuple[Template, str]:
    """The parsed template and its raw TOML text (a review stores the text as its own copy).

    Raises TemplateNotFound for an unknown name and TemplateError for a broken file.
    """
    entry, source = _find(name, user_dir)
    text = _decode(_read(entry, source), source)
    return parse_template(text, source), text


def export_template(name: str, dest: Path, user_dir: Path | None) -> Path:
    """Copy a template's file unchanged to ``dest`` (a file, or a folder to put it in).

    Never overwrites: an existing file may be another auditor's edited template.
    """
    entry, _ = _find(name, user_dir)
    target = dest / f"{name}{SUFFIX}" if dest.is_dir() else dest
    if not target.parent.is_dir():
        raise FileNotFoundError(f"Mappen {target.parent} finns inte.")
    data = _read(entry, str(entry))
    try:
        with target.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise FileExistsError(
            f"Filen {target} finns redan. Välj ett annat namn eller ta bort filen först."
        ) from None
    return target


def refuse_numbers(name: str, text: str, source: str,
                   kept: Collection[str] = frozenset()) -> None:
    """Refuse (TemplateError, with the line of each) a template holding a number the store's
    rule would mask (``kvtui.store.idnumber_rule``), in its text or its name.

    A template is copied into every review made from it, and masking would make the copy
    something else than the template, so it is refused instead, at import and again when a
    review is created from it (a file may be put in the folder by hand). It is read as the
    copy will hold it: the file's text with its control characters out (a comment may hold a
    C1 control, which TOML allows there), and each text as TOML reads it (a digit may be
    written as a \\u escape). ``kept`` are the numbers confirmed as not personnummer: the
    store's when a review is created, those named on the command line at import (a template
    file travels between stores; ``confirm_numbers`` then records them in the store).
    """
    problems = [
        TemplateProblem(source, None, "", f"mallens namn innehåller något som ser ut som ett "
                        f"{number.kind} ({number.masked}); byt namn på filen")
        for number in numbers_to_mask(typed_text(name), kept)
    ] + [
        TemplateProblem(source, line, "",
                        f"innehåller något som ser ut som ett {number.kind} ({number.masked}); "
                        "kvtui sparar inga personnummer: ta bort det ur mallen")
        for number, line in _numbers_with_lines(text, kept)
    ]
    if problems:
        raise TemplateError(problems)


def confirm_numbers(session: Session, text: str, keys: Collection[str]) -> None:
    """Record the numbers of ``keys`` that a template's text holds (as ``refuse_numbers``
    reads it) as confirmed not to be personnummer, each logged as every confirmation is
    (``kvtui.store.idnumber_rule``): the auditor named them when she imported the template,
    and a review can then be made from it in this store. The caller commits."""
    held = {number.key for number, _line in _numbers_with_lines(text, (), every=True)}
    Rule.of(session).confirm(held & set(keys))


def _numbers_with_lines(text: str, kept: Collection[str], *,
                        every: bool = False) -> list[tuple[IdNumber, int | None]]:
    """The numbers the rule masks (``every``: all numbers) in the file's text as the store
    keeps it and in each text as TOML reads it, with the line of the file each is on."""
    def found_in(value: str) -> list[IdNumber]:
        return numbers_in(value) if every else numbers_to_mask(value, kept)

    found: list[tuple[IdNumber, int | None]] = [
        (number, text.count("\n", 0, typed_origin(text, number.start)) + 1)
        for number in found_in(typed_text(text))]
    seen = {number.key for number, _line in found}
    lines = text.split("\n")
    for value in _parsed_texts(text):
        for number in found_in(typed_text(value)):
            if number.key not in seen:
                seen.add(number.key)
                found.append((number, next(
                    (index for index, line in enumerate(lines, start=1)
                     if number.key in {n.key for n in found_in(typed_text(_unescaped(line)))}),
                    None)))
    return found


def _parsed_texts(text: str) -> list[str]:
    """Every text of a template as TOML reads it (names too); none when it is not TOML."""
    try:
        return list(texts_in(tomllib.loads(text)))
    except tomllib.TOMLDecodeError:
        return []


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescaped(line: str) -> str:
    """A line of TOML with its \\u and \\U escapes written out, as a text holding it reads."""
    def char(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group()

    return _ESCAPE.sub(char, line)


def import_template(src: Path, user_dir: Path, *, replace: bool = False,
                    kept: Collection[str] = frozenset()) -> Template:
    """Validate a template file and install it as ``user_dir/<stem>.toml``.

    Nothing is installed unless the whole file is valid and holds no personnummer but the
    numbers ``kept`` (``refuse_numbers``; TemplateError lists the problems). An
    existing user template is replaced only with ``replace=True``; a name equal to a shipped
    template's installs the user's version in its place, which list_templates then shows.
    """
    name = src.stem
    if not _NAME.fullmatch(name):
        message = (
            f"filnamnet '{src.name}' går inte att använda som mallnamn: använd bara bokstäver, "
            "siffror, - och _"
        )
        raise TemplateError([TemplateProblem(str(src), None, "", message)])
    try:
        data = _read(src, str(src))
    except FileNotFoundError:
        raise FileNotFoundError(f"Filen {src} finns inte.") from None
    text = _decode(data, str(src))
    template = parse_template(text, str(src))
    refuse_numbers(name, text, str(src), kept)
    target = user_dir / f"{name}{SUFFIX}"
    if target.exists() and not replace:
        raise FileExistsError(
            f"Det finns redan en egen mall som heter '{name}' ({target}). "
            "Byt namn på filen eller välj att ersätta mallen."
        )
    user_dir.mkdir(parents=True, exist_ok=True)
    if target.exists() and target.resolve() == src.resolve():
        return template
    # Write beside the target and rename, so a crash never leaves half a template behind.
    handle, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=user_dir)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return template
