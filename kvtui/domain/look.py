"""The municipality's look on the report's cover: the committee's name and its logo.

Set once per installation (``kvtui settings``, or Inställningar in the app), not per review:
the review's own Nämnd is part of what a sign-off signs, the look is not. The rules for what
is accepted live here; reading, decoding and copying the file are ``kvtui.look``'s.

A logo is recognised by its first bytes, never by its name: a text file renamed ``.png`` is
not an image. Limits keep a slip of the hand (a scanned page, a photo of many megabytes) out
of every report: at most ``MAX_LOGO_BYTES`` and ``MAX_LOGO_SIDE`` pixels a side.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LOGO_BYTES = 5 * 1024 * 1024
MAX_LOGO_SIDE = 8000
#: A logo this flat or tall cannot be read on a cover once fitted to its box.
MAX_LOGO_RATIO = 20.0
MAX_COMMITTEE = 120

PNG, JPEG, SVG = "png", "jpeg", "svg"

#: The largest the cover's logo is drawn, in every format: (width, height) in millimetres.
LOGO_BOX_MM = (70.0, 26.0)
KIND_NAMES = {PNG: "PNG", JPEG: "JPEG", SVG: "SVG"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_SVG_HEAD = 4096


class LookError(ValueError):
    """A setting refused, with the reason in Swedish; the settings are left as they were."""


@dataclass(frozen=True)
class CoverLook:
    """What the cover shows of the installation's look.

    ``logo`` holds the image's bytes as read when the report was made (``None`` when no
    logo is set or it could not be read; ``warning`` then says why, in Swedish).
    ``logo_alt`` is the logo's text alternative for an accessible PDF.
    """

    committee: str = ""
    logo: bytes | None = None
    logo_kind: str = ""
    logo_alt: str = ""
    warning: str | None = None


def logo_kind(head: bytes) -> str | None:
    """PNG, JPEG or SVG from the file's first bytes; None for anything else."""
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head.startswith(_JPEG_SIGNATURE):
        return JPEG
    text = head[:_SVG_HEAD].decode("utf-8", errors="ignore").lstrip("\ufeff").lstrip()
    if text.startswith("<") and "<svg" in text:
        return SVG
    return None


def check_logo_size(size: int) -> None:
    """Refuse an empty file or one above ``MAX_LOGO_BYTES``."""
    if size <= 0:
        raise LookError("Filen är tom; den innehåller ingen bild.")
    if size > MAX_LOGO_BYTES:
        megabytes = f"{size / 1024 / 1024:.1f}".replace(".", ",")
        raise LookError(f"Bilden är för stor ({megabytes} MB). Logotypen får vara högst "
                        f"{MAX_LOGO_BYTES // 1024 // 1024} MB.")


def check_logo_dimensions(width: float, height: float, *, raster: bool = True) -> None:
    """Refuse an image without area, too flat to read or, for pixels (``raster``), larger than
    ``MAX_LOGO_SIDE``; a drawing (SVG) scales without cost."""
    if width <= 0 or height <= 0:
        raise LookError("Bilden har ingen storlek (bredd eller höjd är 0).")
    if raster and (width > MAX_LOGO_SIDE or height > MAX_LOGO_SIDE):
        raise LookError(f"Bilden är för stor ({round(width)} × {round(height)} bildpunkter). "
                        f"Logotypen får vara högst {MAX_LOGO_SIDE} bildpunkter åt varje håll.")
    if max(width / height, height / width) > MAX_LOGO_RATIO:
        raise LookError(f"Bilden är för smal ({round(width)} × {round(height)} bildpunkter) "
                        "för att gå att läsa på omslaget.")


def check_committee(text: str) -> str:
    """The committee's name as it is kept: trimmed, on one line, of a sensible length. An
    empty text clears it."""
    name = " ".join(text.split())
    if any(not character.isprintable() for character in name):
        raise LookError("Nämndens namn innehåller tecken som inte kan skrivas ut.")
    if len(name) > MAX_COMMITTEE:
        raise LookError(f"Nämndens namn är för långt ({len(name)} tecken); högst "
                        f"{MAX_COMMITTEE}.")
    return name


def logo_alt(municipality: str, committee: str) -> str:
    """The logo's text alternative: whose logo it is."""
    owner = municipality.strip() or committee.strip()
    return f"Logotyp: {owner}" if owner else "Logotyp"
