"""Signing with a certificate whose subject holds a personnummer (a Swedish e-ID such as
BankID carries its holder's in the serial number): the signed file keeps it, so the auditor is
warned, in Swedish, with the number masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvtui.release.flow import certificate_warning, sign_and_export
from kvtui.report.signature import verify_pdf
from kvtui.store.database import open_store
from kvtui.store.signoff import reopen
from tests.report.demo_file import demo_copy
from tests.report.pki import PASSPHRASE, make_identity
from tests.testdata import PERSONNUMMER_FILE, SAMORDNINGSNUMMER_FILE


@pytest.mark.slow
def test_a_certificate_with_a_personnummer_is_warned_about(tmp_path: Path) -> None:
    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[9000]
    (tmp_path / "vanlig").mkdir()
    (tmp_path / "bankid").mkdir()
    plain = make_identity(tmp_path / "vanlig")
    bankid = make_identity(tmp_path / "bankid", serial_number=number)
    path, review_id = demo_copy(tmp_path / "db")
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            first = sign_and_export(session, review_id, tmp_path / "exports",
                                    name="Åsa Öberg", role="Granskare", p12=plain.p12,
                                    passphrase=PASSPHRASE)
            reopen(session, review_id, "Ny signering med annat certifikat.")
            second = sign_and_export(session, review_id, tmp_path / "exports",
                                     name="Åsa Öberg", role="Granskare", p12=bankid.p12,
                                     passphrase=PASSPHRASE)
    finally:
        store.close()
    assert first.warnings == ()
    [warning] = second.warnings
    assert f"innehåller ett personnummer ({number[:8]}-XXXX)" in warning
    assert number[8:] not in warning and "BankID" in warning
    # The file is kept as it was signed: the number is in it, and its signature holds.
    verdict = verify_pdf(second.path.read_bytes())
    assert verdict.ok and number in verdict.subject


def test_certificate_warning_in_every_subject_form() -> None:
    number = SAMORDNINGSNUMMER_FILE.read_text(encoding="utf-8").split()[10]
    for subject in (f"Common Name: Åsa Öberg, Serial Number: {number}",
                    f"CN=Åsa Öberg,serialNumber={number},C=SE"):
        warning = certificate_warning(subject)
        assert warning is not None and f"ett samordningsnummer ({number[:8]}-XXXX)" in warning
    assert certificate_warning("Common Name: Åsa Öberg, Organization: Testkommunen") is None
    assert certificate_warning("Serial Number: SE2120001234-0042") is None  # an HSA-id
