"""The layout of a review bundle (``kvtui bundle``) and the rules for reading one, without I/O.

A bundle is one file that carries one review to another store, encrypted with a passphrase:

    MAGIC | header length (4 bytes, big-endian) | header (JSON, UTF-8) | SHA-256 of the header
    | ciphertext (AES-256-GCM, the 16-byte tag at its end)

Everything before the ciphertext is the AEAD's associated data, so a byte changed anywhere in
the file makes decryption fail. GCM cannot tell a wrong passphrase from a changed byte; the
header's own checksum is therefore checked first, so that a damaged header is named as
damaged rather than blamed on the passphrase.

The header is in clear so that a bundle says what it is before the passphrase is asked: the
format, the kvtui that wrote it, the review's id (never its title, which may name a unit), who
exported it and when, the payload's SHA-256 and size, and the key derivation's parameters.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

MAGIC = b"KVTUI-PAKET\r\n\x1a\n"
FORMAT_VERSION = 1
HEADER_DIGEST_SIZE = 32
TAG_SIZE = 16
MAX_HEADER = 64 * 1024
#: A bundle larger than this is refused before it is read (the signed PDFs make most of one).
MAX_BUNDLE = 1024 * 1024 * 1024
#: The payload a bundle may unpack to, at most (a guard against a compressed bomb).
MAX_PAYLOAD = 2 * MAX_BUNDLE
PASSPHRASE_MIN = 10

#: scrypt's cost on export: 2**17 × 8 × 128 bytes = 128 MiB of memory, a third of a second on
#: a laptop; the import reads the cost from the header, within ``_COST_LIMITS``.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
_ID_CHARS = frozenset("0123456789abcdef-")
_COST_LIMITS = {"n": (2**10, 2**20), "r": (1, 16), "p": (1, 4)}

WRONG_PASSPHRASE = ("Fel lösenfras eller skadad fil: paketet kunde inte öppnas. Databasen har "
                    "inte ändrats.")


class BundleError(ValueError):
    """A bundle cannot be read or written; ``str()`` is a Swedish message for the user."""


@dataclass(frozen=True)
class ScryptCost:
    """scrypt's parameters; tests pass a small cost so that they stay quick."""

    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P


@dataclass(frozen=True)
class BundleHeader:
    """What a bundle says of itself in clear."""

    format: int
    kvtui_version: str
    review_id: str
    exported_by: str
    exported_at: datetime
    revision: str
    payload_sha256: str
    payload_size: int
    compression: str
    cost: ScryptCost
    salt: bytes
    nonce: bytes

    def to_json(self) -> dict[str, Any]:
        """The header as the file stores it."""
        return {
            "format": self.format,
            "kvtui": self.kvtui_version,
            "review_id": self.review_id,
            "exported_by": self.exported_by,
            "exported_at": self.exported_at.isoformat(),
            "schema": self.revision,
            "payload_sha256": self.payload_sha256,
            "payload_size": self.payload_size,
            "compression": self.compression,
            "cipher": "AES-256-GCM",
            "kdf": {"name": "scrypt", "n": self.cost.n, "r": self.cost.r, "p": self.cost.p,
                    "salt": _b64(self.salt)},
            "nonce": _b64(self.nonce),
        }


@dataclass(frozen=True)
class ParsedBundle:
    """A bundle split into its parts: the header, the associated data and the ciphertext."""

    header: BundleHeader
    associated_data: bytes
    ciphertext: bytes


def check_passphrase(passphrase: str) -> str:
    """The passphrase, if it is long enough to protect a review; ``BundleError`` otherwise."""
    if len(passphrase) < PASSPHRASE_MIN:
        raise BundleError(f"Lösenfrasen måste ha minst {PASSPHRASE_MIN} tecken.")
    return passphrase


def build_prefix(header: BundleHeader) -> bytes:
    """Everything before the ciphertext: the associated data of the encryption."""
    text = json.dumps(header.to_json(), ensure_ascii=True, sort_keys=True).encode("ascii")
    return (MAGIC + len(text).to_bytes(4, "big") + text
            + hashlib.sha256(text).digest())


def parse_bundle(data: bytes) -> ParsedBundle:
    """Split a bundle's bytes, refusing in Swedish what is not a bundle, is cut short, has a
    damaged header or comes from a newer kvtui. The ciphertext is not checked here."""
    if not data:
        raise BundleError("Filen är tom (0 byte) och är inget kvtui-paket.")
    if not data.startswith(MAGIC):
        if MAGIC.startswith(data):
            raise BundleError("Paketet är avkortat: filen slutar innan paketets huvud.")
        raise BundleError("Filen är inget kvtui-paket.")
    start = len(MAGIC) + 4
    if len(data) < start:
        raise BundleError("Paketet är avkortat: filen slutar innan paketets huvud.")
    size = int.from_bytes(data[len(MAGIC):start], "big")
    if size > MAX_HEADER:
        raise BundleError("Paketets huvud är skadat.")
    end = start + size + HEADER_DIGEST_SIZE
    if len(data) < end:
        raise BundleError("Paketet är avkortat: filen slutar i paketets huvud.")
    text = data[start:start + size]
    if hashlib.sha256(text).digest() != data[start + size:end]:
        raise BundleError("Paketets huvud är skadat (kontrollsumman stämmer inte).")
    header = _header(text)
    ciphertext = data[end:]
    if len(ciphertext) < TAG_SIZE:
        raise BundleError("Paketet är avkortat: filen slutar innan det krypterade innehållet.")
    return ParsedBundle(header, data[:end], ciphertext)


def _header(text: bytes) -> BundleHeader:
    try:
        raw = json.loads(text.decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError("Paketets huvud kan inte läsas.") from None
    if not isinstance(raw, dict):
        raise BundleError("Paketets huvud kan inte läsas.")
    version = raw.get("format")
    if not isinstance(version, int) or version < 1:
        raise BundleError("Paketets huvud kan inte läsas (formatversion saknas).")
    if version > FORMAT_VERSION:
        raise BundleError(
            f"Paketet är skapat av en nyare version av kvtui ({_text(raw.get('kvtui'))}, "
            f"paketformat {version}; den här versionen läser format {FORMAT_VERSION}). "
            "Uppdatera kvtui för att importera det. Databasen har inte ändrats.")
    try:
        kdf = raw["kdf"]
        cost = ScryptCost(int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
        header = BundleHeader(
            format=version, kvtui_version=_text(raw["kvtui"]), review_id=str(raw["review_id"]),
            exported_by=_text(raw["exported_by"]),
            exported_at=datetime.fromisoformat(str(raw["exported_at"])),
            revision=str(raw["schema"]), payload_sha256=str(raw["payload_sha256"]),
            payload_size=int(raw["payload_size"]), compression=str(raw["compression"]),
            cost=cost, salt=base64.b64decode(kdf["salt"], validate=True),
            nonce=base64.b64decode(raw["nonce"], validate=True))
    except (KeyError, TypeError, ValueError):
        raise BundleError("Paketets huvud kan inte läsas (uppgifter saknas).") from None
    if kdf.get("name") != "scrypt" or raw.get("cipher") != "AES-256-GCM" or not all(
            low <= getattr(cost, name) <= high for name, (low, high) in _COST_LIMITS.items()):
        raise BundleError("Paketet är krypterat på ett sätt som kvtui inte känner till.")
    if header.compression not in ("zlib", "lzma") or not 0 < header.payload_size <= MAX_PAYLOAD:
        raise BundleError("Paketets huvud kan inte läsas (okänt innehåll).")
    if not header.review_id or len(header.review_id) > 64 or set(header.review_id) - _ID_CHARS:
        raise BundleError("Paketets huvud kan inte läsas (granskningens id är fel).")
    if len(header.nonce) != 12 or len(header.salt) < 16:
        raise BundleError("Paketets huvud kan inte läsas (nyckeluppgifterna är fel).")
    return header


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _text(value: Any) -> str:
    """A value from the header as text to show (it came from a file: no control characters)."""
    text = str(value) if value is not None else "okänd version"
    return "".join(ch for ch in text if ch.isprintable())[:40]
