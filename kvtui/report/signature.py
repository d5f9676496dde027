"""Signing a finished report (PAdES) and checking a signed one, offline.

Why it looks the way it does:

- A final report is signed with the auditor's own certificate, given as a PKCS#12 file
  (.p12/.pfx) and its passphrase. The signature is PAdES (``ETSI.CAdES.detached``) without a
  timestamp or revocation data: both need a network, and kvtui runs on laptops that may not
  have one. The signing time is therefore the one the signer's computer claims.
- The signature is visible: a box on the report's last page (the sign-off page "Signering"),
  in the lower part of the text area, see ``SIGNATURE_BOX``. Whatever draws that page must
  leave the box free. The stamp is set in the report's own font, DejaVu Sans, from a copy in
  ``fonts/`` made for it: pyHanko's default stamp font is a standard-14 font without å ä ö,
  and pyHanko spaces the letters of a font with 2048 units per em (as DejaVu Sans is drawn)
  apart, so the copy is scaled to 1000 units per em. It is a Latin subset (every European
  and Vietnamese name; ``fonts/LICENSE-DejaVu.txt`` says how it was made): a whole font's
  Greek and Cyrillic layout tables doubled the signing time.
- Checking (``verify_pdf``) answers what a reader of the report needs: is it signed, is the
  signed content unchanged, was anything appended after the signature, who signed and when,
  and, when the user names the certificates they trust, whether the signer's certificate
  leads to one of them. The answer is data (``PdfVerdict``), with the problems as Swedish
  sentences, so the CLI and the app can show it as it is.
- Every failure the user can cause (wrong passphrase, a file that is not a certificate …) is a
  ``SigningError`` whose message is a Swedish sentence meant to be shown as it is.

pyHanko and cryptography take about 0.7 s to import. They are imported inside the functions,
so this module itself is cheap to import (``SIGNATURE_BOX`` can be read by whatever lays out
the sign-off page without loading them), and the app's start never pays for them. Both
functions block for a fraction of a second: call them from a thread worker. They also work
from a thread that runs an asyncio loop (pyHanko's synchronous API starts a loop of its own,
which is then done in a helper thread).
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kvtui.report.fonts import FONT_DIR

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko.sign.validation.status import PdfSignatureStatus

T = TypeVar("T")

STAMP_FONT = FONT_DIR / "DejaVuSans-Stamp.ttf"
FIELD_NAME = "Signering"

_MM = 72 / 25.4
# The stamp's box in PDF points (x1, y1, x2, y2 from the lower left corner of an A4 page):
# from the left margin (25 mm), 85 mm wide, from 26 mm to 52 mm above the bottom edge. That is
# the lowest 30 mm of the text frame (which ends 22 mm above the edge, under it is the footer),
# so the sign-off page must end its text at least 52 mm above the bottom edge.
SIGNATURE_BOX: tuple[int, int, int, int] = (
    round(25 * _MM), round(26 * _MM), round(110 * _MM), round(52 * _MM))
STAMP_FONT_SIZE = 10
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M %Z"


class SigningError(Exception):
    """Signing or checking could not be done; the message is a Swedish sentence for the user."""


@dataclass(frozen=True)
class PdfVerdict:
    """What checking a PDF found: enough for "is this the report that was signed?".

    ``intact`` means the signature is cryptographically valid and the bytes it covers are
    unchanged; ``covers_whole_file`` that nothing was appended after it (an incremental update
    can change what a reader shows without breaking the signature). ``trusted`` is None when
    no trusted certificate was given, since "not checked" must not read as "not trusted".
    """

    signed: bool
    intact: bool
    covers_whole_file: bool
    signer: str  # the signing certificate's common name, "" when unsigned
    signed_at: datetime | None  # the signing time the signer's computer claimed
    trusted: bool | None
    sha256: str  # of the whole file, as given
    problems: tuple[str, ...] = ()
    signature_count: int = 0
    reason: str = ""  # the signature's stated reason (/Reason), if any
    location: str = ""  # the signature's stated location (/Location), if any
    certificate_sha256: str = ""  # the signing certificate's SHA-256 fingerprint (DER)
    keywords: str = ""  # the document's keywords, where kvtui writes its sign-off anchor
    subject: str = ""  # the signing certificate's whole subject ("" when unsigned)

    @property
    def ok(self) -> bool:
        """Signed, unchanged, nothing appended, and trusted when trust was asked for."""
        return (self.signed and self.intact and self.covers_whole_file
                and self.trusted is not False)


# --- signing ----------------------------------------------------------------------------------


def sign_pdf(pdf: bytes, p12_path: Path, passphrase: bytes | None, *, signer_name: str,
             role: str, reason: str, location: str = "") -> bytes:
    """Sign ``pdf`` with the key in ``p12_path`` and return the signed file.

    The signature is PAdES with a visible stamp in ``SIGNATURE_BOX`` on the last page, saying
    who signed (``signer_name``, as the user knows the name, which may be spelled differently
    from the certificate's), in which role and when. ``reason`` and ``location`` go into the
    signature dictionary, where PDF readers show them. The signed file is the given bytes with
    an incremental update appended, so the report's own bytes stay as they were.

    Raises ``SigningError`` (Swedish message) for a missing or unreadable certificate file,
    a file that is not PKCS#12, a wrong or missing passphrase, a certificate without its
    private key, a certificate that has expired or is not yet valid, a PDF that cannot be read
    or is already signed.
    """
    _quiet_libraries()
    signer = _load_signer(p12_path, passphrase)
    return _off_loop(_sign, pdf, signer, signer_name=signer_name, role=role, reason=reason,
                     location=location)


def _sign(pdf: bytes, signer: SimpleSigner, *, signer_name: str, role: str, reason: str,
          location: str) -> bytes:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
    from pyhanko.sign.general import SigningError as PyHankoSigningError
    from pyhanko.stamp import TextStampStyle

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        already_signed = bool(writer.prev.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SigningError("Rapporten kunde inte läsas som PDF och kan inte signeras.") from exc
    if already_signed:
        raise SigningError("PDF-filen är redan signerad. Signera en nyexporterad rapport.")
    if "/StructTreeRoot" in writer.root:
        try:
            _tagged_field(writer)
        except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SigningError("Rapporten kunde inte läsas som PDF och kan inte "
                               "signeras.") from exc

    lines = ["Digitalt signerad av %(signer)s"]
    if role.strip():
        lines.append("Roll: %(role)s")
    lines.append("Datum: %(ts)s")
    style = TextStampStyle(
        stamp_text="\n".join(lines),
        timestamp_format=TIMESTAMP_FORMAT,
        border_width=1,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(str(STAMP_FONT), font_size=STAMP_FONT_SIZE),
            font_size=STAMP_FONT_SIZE, leading=STAMP_FONT_SIZE + 3),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=_one_line(signer_name) or None,
        reason=_one_line(reason) or None,
        location=_one_line(location) or None,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer, stamp_style=style,
        new_field_spec=SigFieldSpec(FIELD_NAME, on_page=-1, box=SIGNATURE_BOX))
    params = {"signer": _one_line(signer_name), "role": _one_line(role)}
    try:
        out = pdf_signer.sign_pdf(writer, appearance_text_params=params)
    except (PyHankoSigningError, PdfError, ValueError) as exc:
        raise SigningError("Signeringen misslyckades: PDF-filen eller certifikatet kunde inte "
                           "användas.") from exc
    return out.getvalue()


def _tagged_field(writer: Any) -> None:
    """In a tagged report, the signature's field before it is signed, in the same update:
    its widget is a Form element at the end of the structure tree (PDF/UA-1 wants every
    annotation tagged) and says what it is (``TU``). pyHanko then signs this field."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    append_signature_field(writer, SigFieldSpec(FIELD_NAME, on_page=-1, box=SIGNATURE_BOX))
    page_ref = writer.find_page_for_modification(-1)[0]
    page = page_ref.get_object()
    widget_ref = next(ref for ref in page["/Annots"]
                      if ref.get_object().get("/FT") == "/Sig"
                      and ref.get_object().get("/T") == FIELD_NAME)
    widget = widget_ref.get_object()
    root = writer.root["/StructTreeRoot"]
    document_ref = writer.root.raw_get("/StructTreeRoot").get_object().raw_get("/K")
    document = root["/K"]
    key = int(root["/ParentTreeNextKey"])
    description = "Digital signatur"
    form_ref = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/StructElem"),
        generic.NameObject("/S"): generic.NameObject("/Form"),
        generic.NameObject("/P"): document_ref,
        generic.NameObject("/Pg"): page_ref,
        generic.NameObject("/Alt"): generic.TextStringObject(description),
        generic.NameObject("/K"): generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/OBJR"),
            generic.NameObject("/Obj"): widget_ref,
            generic.NameObject("/Pg"): page_ref}),
    }))
    kids = document["/K"]
    if not isinstance(kids, generic.ArrayObject):
        kids = generic.ArrayObject([kids])
        document["/K"] = kids
    kids.append(form_ref)
    writer.update_container(document)
    parents = root["/ParentTree"]
    parents["/Nums"].extend([generic.NumberObject(key), form_ref])
    writer.update_container(parents)
    root["/ParentTreeNextKey"] = generic.NumberObject(key + 1)
    writer.update_container(root)
    widget["/StructParent"] = generic.NumberObject(key)
    widget["/TU"] = generic.TextStringObject(description)
    widget["/Contents"] = generic.TextStringObject(description)
    writer.update_container(widget)


def _one_line(text: str) -> str:
    """Text for a one-line place (stamp line, signature dictionary): white space collapsed."""
    return " ".join(text.split())


def _load_signer(p12_path: Path, passphrase: bytes | None) -> SimpleSigner:
    """The signer from a PKCS#12 file, with every way it can fail told apart for the user."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner

    name = p12_path.name
    try:
        data = p12_path.read_bytes()
    except FileNotFoundError as exc:
        raise SigningError(f"Certifikatfilen {p12_path} finns inte.") from exc
    except OSError as exc:
        raise SigningError(f"Certifikatfilen {p12_path} kunde inte läsas.") from exc
    if not _looks_like_pkcs12(data):
        raise SigningError(
            f"Filen {name} är ingen PKCS#12-fil (.p12 eller .pfx) med certifikat och nyckel.")
    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        if not passphrase:
            raise SigningError(f"Certifikatfilen {name} är skyddad med lösenord. "
                               "Ange lösenordet.") from exc
        raise SigningError(f"Fel lösenord för certifikatfilen {name}.") from exc
    # Without a key, cryptography returns no certificate either (it pairs them by key).
    if key is None:
        raise SigningError(f"Certifikatfilen {name} innehåller ingen privat nyckel. Det går "
                           "inte att signera med den.")
    if cert is None:
        raise SigningError(f"Certifikatfilen {name} innehåller inget certifikat till nyckeln.")
    now = datetime.now(UTC)
    if cert.not_valid_after_utc < now:
        raise SigningError(f"Certifikatet i {name} gick ut "
                           f"{cert.not_valid_after_utc:%Y-%m-%d}. Det går inte att signera "
                           "med det.")
    if cert.not_valid_before_utc > now:
        raise SigningError(f"Certifikatet i {name} gäller först från "
                           f"{cert.not_valid_before_utc:%Y-%m-%d}.")
    try:
        return SimpleSigner.load_pkcs12_data(data, [], passphrase)
    except (ValueError, NotImplementedError) as exc:
        raise SigningError(f"Nyckeln i {name} är av ett slag som inte kan användas för "
                           "signering.") from exc


def _looks_like_pkcs12(data: bytes) -> bool:
    """Whether the bytes parse as a PKCS#12 structure (PFX version 3), encrypted or not.

    cryptography reports a wrong passphrase and a file that is not PKCS#12 with the same
    error; parsing the outer structure first tells the two apart.
    """
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return bool(pfx["version"].native == "v3"
                    and pfx["auth_safe"]["content_type"].native == "data")
    except (ValueError, TypeError, KeyError, OSError):
        return False


# --- checking ---------------------------------------------------------------------------------


def verify_pdf(pdf: bytes, trust: Sequence[Path] = ()) -> PdfVerdict:
    """Check the signatures in ``pdf`` offline; ``trust`` are certificates (PEM or DER) to trust.

    Never fetches anything. Without ``trust`` the chain is not judged (``trusted`` is None);
    with it, ``trusted`` is True only if every signer's certificate leads to one of them.
    A file that is not a PDF, or one without a signature, gives a verdict with a problem, not
    an exception. A trust file that is missing or is not a certificate raises ``SigningError``:
    the user asked for a check that cannot be made.
    """
    _quiet_libraries()
    roots = _load_certificates(trust)
    return _off_loop(_verify, pdf, roots, bool(trust))


def _verify(pdf: bytes, roots: list[asn1_x509.Certificate], trust_asked: bool) -> PdfVerdict:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    sha256 = hashlib.sha256(pdf).hexdigest()
    unsigned = PdfVerdict(signed=False, intact=False, covers_whole_file=False, signer="",
                          signed_at=None, trusted=False if trust_asked else None,
                          sha256=sha256)
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        signatures = reader.embedded_regular_signatures
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return _with(unsigned, "Filen är ingen läsbar PDF.")
    unsigned = replace(unsigned, keywords=_keywords(reader))
    if not signatures:
        return _with(unsigned, "PDF-filen är inte signerad.")

    problems: list[str] = []
    intact = True
    trusted_all = True
    results: list[PdfSignatureStatus | None] = []
    for embedded in signatures:
        status = _validate_one(embedded, roots)
        results.append(status)
        if status is None:
            intact = trusted_all = False
            problems.append("En signatur i filen är skadad och kunde inte kontrolleras.")
            continue
        if not (status.intact and status.valid):
            # pyHanko does not judge the chain of a broken signature: not trusted, and the
            # broken signature is the problem to tell.
            intact = trusted_all = False
            problems.append("Signaturen stämmer inte med innehållet: filen har ändrats efter "
                            "signeringen eller signaturen är skadad.")
        elif trust_asked and not status.trusted:
            trusted_all = False
            problems.append(_trust_problem(status))

    last = signatures[-1]
    status = results[-1]
    covers_whole_file = status is not None and _covers_whole_file(status)
    if status is not None and not covers_whole_file:
        problems.append("Filen har ändrats efter signeringen: något har lagts till efter "
                        "signaturen.")
    if len(signatures) > 1:
        problems.append(f"Filen har {len(signatures)} signaturer; kvtui signerar en gång. "
                        "Kontrollera var och en i en PDF-läsare.")
    signer = fingerprint = subject = ""
    signed_at = None
    if status is not None:
        signer = _common_name(status.signing_cert)
        subject = str(status.signing_cert.subject.human_friendly)
        fingerprint = hashlib.sha256(status.signing_cert.dump()).hexdigest()
        signed_at = status.signer_reported_dt
    sig_object = last.sig_object
    return PdfVerdict(
        signed=True,
        intact=intact,
        covers_whole_file=covers_whole_file,
        signer=signer,
        signed_at=signed_at,
        trusted=(trusted_all if trust_asked else None),
        sha256=sha256,
        problems=tuple(dict.fromkeys(problems)),  # in order, each once
        signature_count=len(signatures),
        reason=str(sig_object.get("/Reason", "")),
        location=str(sig_object.get("/Location", "")),
        certificate_sha256=fingerprint,
        keywords=unsigned.keywords,
        subject=subject,
    )


def _keywords(reader: Any) -> str:
    """The document's /Keywords as text ("" when it has none or they cannot be read)."""
    try:
        info = reader.trailer_view.get("/Info")
        if info is None:
            return ""
        return str(info.get_object().get("/Keywords", ""))
    except Exception:  # untrusted input: a damaged Info dictionary only loses the keywords
        return ""


def _validate_one(embedded: Any, roots: list[asn1_x509.Certificate]) -> PdfSignatureStatus | None:
    """pyHanko's status for one signature, or None when the signature cannot be parsed."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    # Signing certificates from Swedish issuers carry non-repudiation, digital signature or
    # both; pyHanko's default demands non-repudiation.
    usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"},
                                match_all_key_usages=False)
    try:
        return validate_pdf_signature(embedded, context, key_usage_settings=usage)
    except Exception:  # untrusted input: pyHanko raises many kinds of error on bad data
        logging.getLogger(__name__).debug("signature could not be validated", exc_info=True)
        return None


def _covers_whole_file(status: PdfSignatureStatus) -> bool:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    return status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def _trust_problem(status: PdfSignatureStatus) -> str:
    """A Swedish sentence for why the signer's certificate was not trusted."""
    from pyhanko.sign.ades.report import AdESIndeterminate

    indication = status.trust_problem_indic
    if indication in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
                      AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED):
        return ("Signerarens certifikat har gått ut eller gällde inte vid kontrollen. Utan "
                "tidsstämpel går det inte att visa att det gällde vid signeringen.")
    if indication == AdESIndeterminate.NOT_YET_VALID:
        return "Signerarens certifikat gäller ännu inte."
    if indication == AdESIndeterminate.SIG_CONSTRAINTS_FAILURE:
        return "Signerarens certifikat är inte utfärdat för att signera dokument."
    return ("Signerarens certifikat leder inte till något av de betrodda certifikat som "
            "angavs.")


def _common_name(cert: Any) -> str:
    """The subject's common name (or the whole subject when it has none)."""
    subject = cert.subject
    name = subject.native.get("common_name") if hasattr(subject, "native") else None
    if isinstance(name, list):  # several CN attributes: the last is the most specific
        name = name[-1]
    return str(name) if name else str(subject.human_friendly)


def _with(verdict: PdfVerdict, problem: str) -> PdfVerdict:
    return replace(verdict, problems=(*verdict.problems, problem))


def _load_certificates(paths: Sequence[Path]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM (one or more in a file) or DER files, for trust roots."""
    if not paths:
        return []
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509

    certificates: list[asn1_x509.Certificate] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise SigningError(f"Certifikatfilen {path} finns inte.") from exc
        except OSError as exc:
            raise SigningError(f"Certifikatfilen {path} kunde inte läsas.") from exc
        try:
            if b"-----BEGIN" in data:
                loaded = x509.load_pem_x509_certificates(data)
            else:
                loaded = [x509.load_der_x509_certificate(data)]
        except ValueError as exc:
            raise SigningError(f"Filen {path.name} är inget certifikat (PEM eller DER).") \
                from exc
        certificates.extend(asn1_x509.Certificate.load(cert.public_bytes(_der()))
                            for cert in loaded)
    return certificates


def _der() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def _off_loop(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``function`` here, or in a helper thread when this thread runs an asyncio loop.

    pyHanko's synchronous API calls ``asyncio.run``, which refuses to start inside a running
    loop (Textual's thread, a test's event loop).
    """
    import asyncio

    _quiet_libraries()
    try:
        asyncio.get_running_loop()
        loop_running = True
    except RuntimeError:
        loop_running = False
    if not loop_running:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _quiet_libraries() -> None:
    """Keep pyHanko's and fontTools' log records and cryptography's warnings off the terminal.

    Without a handler of their own, their warnings (with tracebacks, e.g. "Failed to build
    path" for an untrusted signer, which the verdict already says in Swedish) would reach
    Python's last-resort handler and be printed on stderr, over the app or the CLI's output.
    A NullHandler keeps them from it; records still propagate to handlers the app configures.
    pyHanko imports cryptography's DSA support, which warns in English that DSA is deprecated
    whenever pyHanko is loaded: a note for pyHanko's developers, not for the auditor, who
    never signs with DSA.
    """
    from cryptography.utils import CryptographyDeprecationWarning

    warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning)
    for name in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
