"""The installation's look on the report's cover (``kvtui.domain.look``): kept, checked, read.

The committee's name and the logo live in the preferences file (``kvtui.user_settings``) of
kvtui's data folder. A logo is checked when it is set (really a PNG, JPEG or SVG that
ReportLab can draw, within the limits) and copied into the data folder under a name made
from its content, so that moving or deleting the original later changes nothing. The copy
and the preference are changed together: the new copy is written first, the preference
then points at it, and only then does the old copy go; a refusal or a failure leaves the
settings as they were.

The copy may still become unreadable (deleted, or its folder copied without it). The report
is then made without a logo and says why (``CoverLook.warning``), rather than refusing: the
auditor's report matters more than the letterhead.

Pillow, ReportLab and svglib are imported where an image is checked: ``kvtui settings``
without arguments and the app's first frame do without them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import os
import re
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.look import (
    KIND_NAMES,
    MAX_LOGO_BYTES,
    SVG,
    CoverLook,
    LookError,
    check_committee,
    check_logo_dimensions,
    check_logo_size,
    logo_alt,
    logo_kind,
)
from kvtui.domain.report_data import ReportData
from kvtui.file_modes import PRIVATE_FILE, PRIVATE_FOLDER
from kvtui.paths import data_dir
from kvtui.user_settings import load_settings, save_settings

COMMITTEE = "committee"
LOGO_FILE = "logo_file"
LOGO_SOURCE = "logo_source"
NOT_SAVED = "Inställningen kunde inte sparas i {folder}: {reason}."
_COPY_NAME = re.compile(r"^logotyp-[0-9a-f]{16}\.(png|jpeg|svg)$")
_EXTENSIONS = {"png": "png", "jpeg": "jpeg", "svg": "svg"}


@dataclass(frozen=True)
class LookSettings:
    """The look as set: the committee's name, the logo's copy and where it came from, and,
    when the copy can no longer be used, why (in Swedish)."""

    committee: str
    logo: Path | None
    logo_source: str
    logo_problem: str | None


def _settings_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _stored_logo(settings: dict[str, object]) -> Path | None:
    name = _settings_text(settings.get(LOGO_FILE))
    return data_dir() / name if _COPY_NAME.match(name) else None


def look_settings() -> LookSettings:
    """The look as it is set now, with the stored logo checked."""
    settings = load_settings()
    logo = _stored_logo(settings)
    problem = None
    if logo is not None:
        try:
            _checked(_read(logo))
        except LookError as error:
            problem = str(error)
    return LookSettings(_settings_text(settings.get(COMMITTEE)), logo,
                        _settings_text(settings.get(LOGO_SOURCE)), problem)


def _read(path: Path) -> bytes:
    """The bytes of an image file; ``LookError`` in Swedish for anything that is not one."""
    try:
        if not path.exists():
            raise LookError(f"Filen {path} finns inte.")
        if path.is_dir():
            raise LookError(f"{path} är en mapp, inte en bildfil.")
        if not path.is_file():
            raise LookError(f"{path} är ingen vanlig fil.")
        check_logo_size(path.stat().st_size)
        with path.open("rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError as error:
        raise LookError(f"Filen {path} kunde inte läsas: {file_error_reason(error)}.") from None
    check_logo_size(len(data))  # it may have changed since it was measured
    return data


def _quiet_svglib() -> None:
    """svglib logs what it cannot draw; without a handler Python would print it over the
    app's screen. What matters reaches the auditor as ``LookError``."""
    logger = logging.getLogger("svglib")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def _checked(data: bytes) -> str:
    """The image's kind once it has been decoded whole and measured; ``LookError`` if not."""
    kind = logo_kind(data)
    if kind is None:
        raise LookError("Filen är ingen bild i något av formaten PNG, JPEG eller SVG.")
    name = KIND_NAMES[kind]
    try:
        if kind == SVG:
            from reportlab.graphics import renderPDF
            from svglib.svglib import svg2rlg

            _quiet_svglib()
            drawing = svg2rlg(io.BytesIO(data))  # from bytes: no file it names is read
            if drawing is None:
                raise LookError("SVG-filen kunde inte läsas; den är skadad eller ofullständig.")
            check_logo_dimensions(float(drawing.width), float(drawing.height), raster=False)
            renderPDF.drawToString(drawing)
            return kind
        from PIL import Image
        from reportlab.lib.utils import ImageReader

        with Image.open(io.BytesIO(data)) as image:
            if image.format != name:
                raise LookError(f"Filen ser ut som {name} men är det inte.")
            check_logo_dimensions(*image.size)
            image.load()  # the whole image, so that a cut-off file is found now
        ImageReader(io.BytesIO(data)).getRGBData()
    except LookError:
        raise
    except Exception:  # a decoder of arbitrary bytes fails in its own ways
        raise LookError(f"Bilden kunde inte läsas som {name}; filen är skadad eller "
                        "ofullständig.") from None
    return kind


def _write_copy(data: bytes, kind: str) -> Path:
    folder = data_dir()
    target = folder / f"logotyp-{hashlib.sha256(data).hexdigest()[:16]}.{_EXTENSIONS[kind]}"
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_BINARY", 0))
    try:
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        temporary.unlink(missing_ok=True)
        with os.fdopen(os.open(temporary, flags, PRIVATE_FILE), "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except OSError as error:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise LookError(NOT_SAVED.format(folder=folder, reason=file_error_reason(error))) from None
    return target


def _remove_copy(path: Path | None, keep: Path | None = None) -> None:
    if path is not None and path != keep:
        with suppress(OSError):
            path.unlink(missing_ok=True)


def _save(changes: dict[str, str | None]) -> None:
    if not save_settings(changes):
        raise LookError(NOT_SAVED.format(folder=data_dir(), reason="filen kunde inte skrivas"))


def set_logo(typed: str) -> LookSettings:
    """Check the image at ``typed`` and make a copy of it the cover's logo; ``LookError``
    (settings unchanged) when it cannot be one."""
    text = typed.strip()
    if not text or "\x00" in text:
        raise LookError("Ange sökvägen till en bildfil (PNG, JPEG eller SVG).")
    source = Path(text).expanduser().absolute()
    data = _read(source)
    kind = _checked(data)
    before = _stored_logo(load_settings())
    copy = _write_copy(data, kind)
    try:
        _save({LOGO_FILE: copy.name, LOGO_SOURCE: str(source)})
    except LookError:
        _remove_copy(copy, keep=before)
        raise
    _remove_copy(before, keep=copy)
    return look_settings()


def remove_logo() -> bool:
    """No logo on the cover any more; whether there was one."""
    settings = load_settings()
    before = _stored_logo(settings)
    if before is None and LOGO_FILE not in settings:
        return False
    _save({LOGO_FILE: None, LOGO_SOURCE: None})
    _remove_copy(before)
    return True


def set_committee(typed: str) -> str:
    """Keep the committee's name for the cover (an empty text clears it); the name kept."""
    name = check_committee(typed)
    _save({COMMITTEE: name or None})
    return name


def cover_look(municipality: str = "") -> CoverLook:
    """The look for a report being made now, the logo read and checked; a logo that can no
    longer be used leaves the cover without one and says why in ``warning``."""
    settings = load_settings()
    committee = _settings_text(settings.get(COMMITTEE))
    logo = _stored_logo(settings)
    if logo is None:
        return CoverLook(committee=committee)
    try:
        data = _read(logo)
        kind = _checked(data)
    except LookError as error:
        return CoverLook(committee=committee, warning=(
            f"Logotypen kunde inte användas ({lower_reason(str(error))}). Rapporten har ingen "
            "logotyp. Välj logotypen igen under Inställningar (i) eller med "
            "kvtui settings --logo FIL."))
    return CoverLook(committee=committee, logo=data, logo_kind=kind,
                     logo_alt=logo_alt(municipality, committee))


def lower_reason(text: str) -> str:
    """A message as a phrase within another sentence: first letter small, no full stop."""
    text = text.rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def with_look(data: ReportData) -> ReportData:
    """``data`` with the installation's look for its cover, read now."""
    return dataclasses.replace(data, look=cover_look(data.municipality))


def look_warnings(data: ReportData) -> tuple[str, ...]:
    """What the auditor should know about the look of the report just made."""
    return (data.look.warning,) if data.look and data.look.warning else ()
