"""Sealing a review's payload into a bundle file and opening one again.

The encryption is the ``cryptography`` package's AES-256-GCM (an AEAD: one pass both hides
and authenticates), its key derived from the passphrase with scrypt and a random salt; the
nonce is random too, and a key is never used twice since every bundle has its own salt. The
payload (a SQLite database, ``kvtui.store.bundle``) is compressed with zlib before it is
encrypted. The layout and the rules for reading it are ``kvtui.domain.bundle_format``.

Nothing the crypto library says reaches the user: a wrong passphrase and a changed byte are
the same ``InvalidTag`` to GCM, and become one Swedish sentence.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kvtui.domain.bundle_format import (
    FORMAT_VERSION,
    MAX_BUNDLE,
    WRONG_PASSPHRASE,
    BundleError,
    BundleHeader,
    ScryptCost,
    build_prefix,
    parse_bundle,
)
from kvtui.domain.file_errors import file_error_reason
from kvtui.file_modes import PRIVATE_FILE


@dataclass(frozen=True)
class Sealed:
    """A bundle's bytes and the header they carry."""

    data: bytes
    header: BundleHeader


def _key(passphrase: str, salt: bytes, cost: ScryptCost) -> bytes:
    try:
        return Scrypt(salt=salt, length=32, n=cost.n, r=cost.r, p=cost.p).derive(
            passphrase.encode("utf-8"))
    except (ValueError, MemoryError):
        raise BundleError("Nyckeln till paketet kunde inte tas fram (för lite minne).") from None


def seal(payload: bytes, passphrase: str, *, kvtui_version: str, review_id: str,
         exported_by: str, exported_at: datetime, revision: str,
         cost: ScryptCost | None = None) -> Sealed:
    """The bundle of ``payload``, encrypted with a key from ``passphrase``."""
    cost = cost or ScryptCost()
    salt, nonce = os.urandom(16), os.urandom(12)
    header = BundleHeader(
        format=FORMAT_VERSION, kvtui_version=kvtui_version, review_id=review_id,
        exported_by=exported_by, exported_at=exported_at, revision=revision,
        payload_sha256=hashlib.sha256(payload).hexdigest(), payload_size=len(payload),
        compression="zlib", cost=cost, salt=salt, nonce=nonce)
    prefix = build_prefix(header)
    body = AESGCM(_key(passphrase, salt, cost)).encrypt(nonce, zlib.compress(payload, 6), prefix)
    return Sealed(prefix + body, header)


def unseal(data: bytes, passphrase: str) -> tuple[BundleHeader, bytes]:
    """The header and the payload of a bundle; ``BundleError`` (Swedish) for anything wrong."""
    parsed = parse_bundle(data)
    header = parsed.header
    key = _key(passphrase, header.salt, header.cost)
    try:
        packed = AESGCM(key).decrypt(header.nonce, parsed.ciphertext, parsed.associated_data)
    except InvalidTag:
        raise BundleError(WRONG_PASSPHRASE) from None
    payload = _unpacked(packed, header.payload_size)
    if len(payload) != header.payload_size or (
            hashlib.sha256(payload).hexdigest() != header.payload_sha256):
        raise BundleError("Paketets innehåll stämmer inte med sin kontrollsumma; filen är "
                          "skadad.")
    return header, payload


def _unpacked(packed: bytes, size: int) -> bytes:
    """The payload, never more than the header said it would be."""
    inflater = zlib.decompressobj()
    try:
        payload = inflater.decompress(packed, size + 1)
    except zlib.error:
        raise BundleError("Paketets innehåll kan inte packas upp; filen är skadad.") from None
    if len(payload) > size or not inflater.eof:
        raise BundleError("Paketets innehåll är större än paketet anger; filen är skadad.")
    return payload


def read_bundle(path: Path) -> bytes:
    """A bundle file's bytes; ``BundleError`` when it cannot be read or is too large."""
    try:
        if path.is_dir():
            raise BundleError(f"{path} är en mapp, inte ett paket.")
        with path.open("rb") as file:
            data = file.read(MAX_BUNDLE + 1)
    except OSError as error:
        raise BundleError(f"Paketet {path} kunde inte läsas: "
                          f"{file_error_reason(error)}.") from None
    if len(data) > MAX_BUNDLE:
        raise BundleError(f"Paketet {path} är för stort för att vara ett kvtui-paket.")
    return data


def write_bundle(path: Path, data: bytes) -> None:
    """Write a new file, private from its first byte; an existing file is never overwritten,
    and a file left half-written is removed."""
    if path.is_dir():
        raise BundleError(f"{path} är en mapp; ange ett filnamn för paketet.")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    except FileExistsError:
        raise BundleError(f"Filen {path} finns redan och skrivs inte över. Ange ett annat "
                          "namn.") from None
    except OSError as error:
        raise BundleError(f"Paketet {path} kunde inte skapas: "
                          f"{file_error_reason(error)}.") from None
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        path.unlink(missing_ok=True)
        raise BundleError(f"Paketet {path} kunde inte skrivas: "
                          f"{file_error_reason(error)}.") from None
