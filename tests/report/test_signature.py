"""Signing a report and checking it: a real PDF, a real (test) PKI, and the ways it can go wrong.

The report here is a small two-page ReportLab PDF shaped like a final report's end (text on
the sign-off page stops above the stamp's box): it signs in a quarter of a second, where the
demo report would cost seconds more and test nothing else. Keys and the signed file are made
once per module.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kvtui.report.fonts import REGULAR, register_fonts
from kvtui.report.signature import (
    FIELD_NAME,
    SIGNATURE_BOX,
    STAMP_FONT,
    STAMP_FONT_SIZE,
    PdfVerdict,
    SigningError,
    sign_pdf,
    verify_pdf,
)
from kvtui.report.styles import BOTTOM_MARGIN, LEFT_MARGIN, PAGE_HEIGHT, PAGE_WIDTH
from tests.report.pki import PASSPHRASE, SIGNER_NAME, SigningIdentity, make_identity

BODY_LINE = "Granskningen omfattar 24 akter från 2025."
LAST_TEXT_Y = 58 * mm  # the sign-off page's last line, above the stamp's box


def _report() -> bytes:
    """Two A4 pages: a body page and a sign-off page whose text ends above the stamp's box.

    Uncompressed, so that a test can find and change a word in the page's content.
    """
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setFont("DejaVuSans", 11)
    canvas.drawString(LEFT_MARGIN, PAGE_HEIGHT - 40 * mm, BODY_LINE)
    canvas.showPage()
    canvas.setFont("DejaVuSans-Bold", 14)
    canvas.drawString(LEFT_MARGIN, PAGE_HEIGHT - 40 * mm, "Signering")
    canvas.setFont("DejaVuSans", 11)
    y = PAGE_HEIGHT - 52 * mm
    while y > LAST_TEXT_Y:
        canvas.drawString(LEFT_MARGIN, y, "Fastställd av granskningsledaren, version 3.")
        y -= 14
    canvas.drawString(LEFT_MARGIN, LAST_TEXT_Y, "Innehållets kontrollsumma: 3f9a…")
    canvas.setFont("DejaVuSans", 8)
    canvas.drawString(LEFT_MARGIN, 12 * mm, "Testkommunen · Dnr 2026/17 · Sida 2 (2)")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    """A CA, a signer with a passphrase-protected PKCS#12, and an unrelated CA."""
    return make_identity(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def report() -> bytes:
    """The unsigned report."""
    return _report()


@pytest.fixture(scope="module")
def signed(report: bytes, identity: SigningIdentity) -> bytes:
    """The report signed by Åsa Öberg as granskningsledare."""
    return sign_pdf(report, identity.p12, PASSPHRASE, signer_name=SIGNER_NAME,
                    role="Granskningsledare", reason="Rapporten är fastställd",
                    location="Växjö")


def _assert_swedish(verdict: PdfVerdict) -> None:
    """Every problem is a sentence (capital letter, full stop), not a code or a traceback."""
    for problem in verdict.problems:
        assert problem[0].isupper() and problem.endswith("."), problem
        assert "Traceback" not in problem and "Error" not in problem


# --- the good cases ---------------------------------------------------------------------------


def test_signed_report_verifies(report: bytes, signed: bytes) -> None:
    verdict = verify_pdf(signed)
    assert verdict.ok
    assert verdict.signed and verdict.intact and verdict.covers_whole_file
    assert verdict.trusted is None  # no certificate to trust was given
    assert verdict.signer == SIGNER_NAME
    assert verdict.signed_at is not None and verdict.signed_at.tzinfo is not None
    assert verdict.problems == ()
    assert verdict.signature_count == 1
    assert verdict.reason == "Rapporten är fastställd"
    assert verdict.location == "Växjö"
    # The report's own bytes are untouched: signing appends an incremental update.
    assert signed.startswith(report)


@pytest.mark.parametrize("ca", ["ca_pem", "ca_der"])
def test_trusted_with_the_issuing_ca(signed: bytes, identity: SigningIdentity, ca: str) -> None:
    verdict = verify_pdf(signed, [getattr(identity, ca)])
    assert verdict.trusted is True
    assert verdict.ok


def test_not_trusted_with_another_ca(signed: bytes, identity: SigningIdentity) -> None:
    verdict = verify_pdf(signed, [identity.other_ca_pem])
    assert verdict.trusted is False
    assert verdict.intact and verdict.covers_whole_file
    assert not verdict.ok
    assert any("betrodda certifikat" in problem for problem in verdict.problems)
    _assert_swedish(verdict)


def test_trusted_when_one_of_several_cas_fits(signed: bytes, identity: SigningIdentity) -> None:
    assert verify_pdf(signed, [identity.other_ca_pem, identity.ca_pem]).trusted is True


def test_sha256_is_of_the_whole_file(signed: bytes) -> None:
    import hashlib

    assert verify_pdf(signed).sha256 == hashlib.sha256(signed).hexdigest()


# --- tampering --------------------------------------------------------------------------------


def test_changed_byte_inside_the_signed_range_is_not_intact(signed: bytes) -> None:
    word = b"Granskningen omfattar 24"
    assert signed.count(word) == 1
    tampered = signed.replace(word, b"Granskningen omfattar 42")
    verdict = verify_pdf(tampered)
    assert verdict.signed
    assert not verdict.intact
    assert not verdict.ok
    assert any("ändrats" in problem for problem in verdict.problems)
    _assert_swedish(verdict)


def test_incremental_update_after_signing_is_not_the_whole_file(signed: bytes) -> None:
    """Text drawn over the signed page in an appended update: the signature still checks
    out for its own revision, but the file is no longer what was signed."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    overlay = generic.StreamObject(stream_data=b"0 0 1 rg 70 400 200 40 re f")
    writer.add_stream_to_page(1, writer.add_object(overlay))
    out = io.BytesIO()
    writer.write(out)
    verdict = verify_pdf(out.getvalue())
    assert verdict.signed and verdict.intact
    assert not verdict.covers_whole_file
    assert not verdict.ok
    assert any("efter signeringen" in problem for problem in verdict.problems)
    _assert_swedish(verdict)


# --- not signed, not a PDF --------------------------------------------------------------------


def test_unsigned_pdf(report: bytes) -> None:
    verdict = verify_pdf(report)
    assert not verdict.signed and not verdict.ok
    assert verdict.problems == ("PDF-filen är inte signerad.",)


@pytest.mark.parametrize("data", [b"", b"hej", b"%PDF-1.7\n trasig", bytes(range(256)) * 4])
def test_not_a_pdf_gives_a_verdict(data: bytes, identity: SigningIdentity) -> None:
    verdict = verify_pdf(data, [identity.ca_pem])
    assert not verdict.signed and not verdict.ok
    assert verdict.trusted is False
    assert verdict.problems == ("Filen är ingen läsbar PDF.",)


def test_truncated_signed_file(signed: bytes) -> None:
    verdict = verify_pdf(signed[: len(signed) // 2])
    assert not verdict.ok
    assert verdict.problems
    _assert_swedish(verdict)


# --- errors the user can cause ----------------------------------------------------------------


def test_wrong_passphrase(report: bytes, identity: SigningIdentity) -> None:
    with pytest.raises(SigningError, match=r"Fel lösenord för certifikatfilen signerare\.p12\."):
        sign_pdf(report, identity.p12, "fel lösenord".encode(), signer_name="A", role="B",
                 reason="C")


def test_missing_passphrase(report: bytes, identity: SigningIdentity) -> None:
    with pytest.raises(SigningError, match="skyddad med lösenord"):
        sign_pdf(report, identity.p12, None, signer_name="A", role="B", reason="C")


def test_missing_certificate_file(report: bytes, tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="finns inte"):
        sign_pdf(report, tmp_path / "saknas.p12", PASSPHRASE, signer_name="A", role="B",
                 reason="C")


def test_not_a_pkcs12_file(report: bytes, identity: SigningIdentity) -> None:
    with pytest.raises(SigningError, match="ingen PKCS#12-fil"):
        sign_pdf(report, identity.ca_pem, PASSPHRASE, signer_name="A", role="B", reason="C")


def test_certificate_without_private_key(report: bytes, identity: SigningIdentity) -> None:
    with pytest.raises(SigningError, match="ingen privat nyckel"):
        sign_pdf(report, identity.p12_without_key, PASSPHRASE, signer_name="A", role="B",
                 reason="C")


def test_not_a_pdf_cannot_be_signed(identity: SigningIdentity) -> None:
    with pytest.raises(SigningError, match="kunde inte läsas som PDF"):
        sign_pdf(b"inte en pdf", identity.p12, PASSPHRASE, signer_name="A", role="B",
                 reason="C")


def test_already_signed_is_refused(signed: bytes, identity: SigningIdentity) -> None:
    with pytest.raises(SigningError, match="redan signerad"):
        sign_pdf(signed, identity.p12, PASSPHRASE, signer_name="A", role="B", reason="C")


def test_bad_trust_files(signed: bytes, identity: SigningIdentity, tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="finns inte"):
        verify_pdf(signed, [tmp_path / "saknas.pem"])
    with pytest.raises(SigningError, match="inget certifikat"):
        verify_pdf(signed, [identity.p12])


async def test_works_inside_a_running_event_loop(report: bytes, identity: SigningIdentity) -> None:
    """pyHanko's synchronous API starts its own loop; called from a loop's thread (as in
    Textual's), the module moves it to a helper thread instead of failing."""
    again = sign_pdf(report, identity.p12, PASSPHRASE, signer_name="Åsa Öberg", role="",
                     reason="Test")
    assert verify_pdf(again, [identity.ca_pem]).ok


# --- the visible stamp ------------------------------------------------------------------------


def test_stamp_is_on_the_last_page_below_the_text(signed: bytes) -> None:
    reader = PdfReader(io.BytesIO(signed))
    assert "/Annots" not in reader.pages[0]
    widgets = [annot.get_object() for annot in reader.pages[-1]["/Annots"]]
    (widget,) = [w for w in widgets if w.get("/FT") == "/Sig"]
    assert widget["/T"] == FIELD_NAME
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert (x1, y1, x2, y2) == SIGNATURE_BOX
    # Inside the text frame's lowest 5 cm, above the footer, under the page's last line.
    assert x1 >= LEFT_MARGIN - 0.5 and x2 <= PAGE_WIDTH - 20 * mm
    assert y1 >= BOTTOM_MARGIN and y2 <= BOTTOM_MARGIN + 50 * mm
    assert y2 < LAST_TEXT_Y


def test_stamp_font_has_1000_units_per_em() -> None:
    """pyHanko spaces letters out with fonts of 2048 units per em (DejaVu)."""
    from fontTools.ttLib import TTFont

    assert TTFont(STAMP_FONT)["head"].unitsPerEm == 1000


def test_stamp_text_reads_in_swedish(signed: bytes, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "signerad.pdf"
    path.write_bytes(signed)
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert f"Digitalt signerad av {SIGNER_NAME}" in text
    assert "Roll: Granskningsledare" in text
    assert "Datum: 20" in text


def test_importing_the_module_loads_neither_pyhanko_nor_cryptography() -> None:
    """The sign-off page may read ``SIGNATURE_BOX`` without paying pyHanko's import."""
    code = ("import sys, kvtui.report.signature; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pyhanko', 'cryptography', 'asn1crypto', 'reportlab', 'asyncio')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_stamp_is_set_in_the_reports_font(signed: bytes) -> None:
    reader = PdfReader(io.BytesIO(signed))
    widgets = [annot.get_object() for annot in reader.pages[-1]["/Annots"]]
    (widget,) = [w for w in widgets if w.get("/FT") == "/Sig"]
    fonts: list[str] = []

    def walk(xobject: Any) -> None:
        resources = xobject.get("/Resources", {})
        fonts.extend(str(font.get_object()["/BaseFont"])
                     for font in resources.get("/Font", {}).values())
        for inner in resources.get("/XObject", {}).values():
            walk(inner.get_object())

    walk(widget["/AP"]["/N"].get_object())
    assert fonts and all("+DejaVuSans" in font for font in fonts), fonts


def test_stamp_letters_are_not_spaced_apart(signed: bytes, tmp_path: Path) -> None:
    """pyHanko spaces out a font of 2048 units per em: the words would be twice as wide."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "signerad.pdf"
    path.write_bytes(signed)
    html = subprocess.run(["pdftotext", "-bbox", "-f", "2", "-l", "2", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    match = re.search(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">'
                      r"(Digitalt signerad av [^<]*)<", html)
    assert match is not None, html
    drawn = float(match.group(2)) - float(match.group(1))
    expected = stringWidth(match.group(3), REGULAR, STAMP_FONT_SIZE)
    assert abs(drawn - expected) < 0.1 * expected, (drawn, expected)
