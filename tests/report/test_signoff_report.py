"""The report's side of fact-check and sign-off, on the demo review taken through its release.

One store, one story, told once per module (each PDF is rendered once): a draft goes to the
unit on 10 November, the unit sends three comments, the draft for a second round is exported
while one comment is still open, a second round goes out on 17 November, the auditor writes
her own Metod, signs version 1 with an approver and the comments' appendix, reopens it and
signs version 2. The tests then read the PDFs as a reader would (pypdf's text, with the
positions where the layout matters) and sign the final with a test certificate.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from kvtui.domain.report_data import ReportData
from kvtui.domain.report_outline import version_text
from kvtui.domain.signoff import CommentView, FactCheckRoundView, SignOffView, short_hash
from kvtui.release.flow import sign_and_export
from kvtui.report.document import RenderedReport, render_report
from kvtui.report.signature import SIGNATURE_BOX
from kvtui.report.story import (
    FACTCHECK_TITLE,
    SIGNATURE_CAPTION,
    SIGNOFF_TITLE,
    factcheck_sentence,
    signed_day,
    signed_time,
    utc_offset,
)
from kvtui.report.styles import BOTTOM_MARGIN
from kvtui.store.database import open_store
from kvtui.store.factcheck import add_comment, respond, send_for_factcheck
from kvtui.store.report_data import current_content, load_report_data, set_method_text
from kvtui.store.signoff import reopen
from tests.report.conftest import Pdf, read_pdf
from tests.report.demo_file import demo_copy
from tests.report.test_document import embedded_fonts

OWN_METHOD = "Granskarens egen metodtext: intervjuer, aktgranskning och dokumentstudier."
REASON = "Verksamheten påpekade efter signeringen att antalet placerade barn var fel i 4.1."
SIGNER, ROLE = "Karin Ekdahl", "Kvalitetscontroller"
APPROVER, APPROVER_ROLE = "Maria Sundström", "Enhetschef, juridik och utredning"
COMMENTS = (
    ("4.1", "Enhetschef", "Enheten har fyra socialsekreterare, inte fem.", "changed", ""),
    ("5.4", "Gruppledare", "Rutinen för uppföljning antogs i september, inte i oktober.",
     "not_changed", "Protokollet visar att rutinen antogs den 8 oktober 2026."),
    (None, "Enhetschef", "Vi önskar att rapporten nämner det nya verksamhetssystemet.",
     "not_changed", "Verksamhetssystemet ingår inte i granskningens avgränsning."),
)


def squash(text: str) -> str:
    """White space made single spaces (pypdf breaks lines where the PDF does)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Release:
    """The PDFs and records of the demo's release."""

    second_round_draft: Pdf
    signed_v1: Pdf
    signed_v1_bytes: bytes
    signed_v1_data: ReportData
    sign_off_v1: SignOffView
    signed_v2: Pdf
    sign_off_v2: SignOffView


def _read(path: Path) -> Pdf:
    data = path.read_bytes()
    return read_pdf(RenderedReport(data, len(PdfReader(io.BytesIO(data)).pages)))


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Release]:
    """The demo review taken from fact-check to a signed version 2."""
    folder = tmp_path_factory.mktemp("release")
    path, review_id = demo_copy(folder / "store")
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            sections = {s.number: s.id for s in load_report_data(session, review_id).sections}
            send_for_factcheck(session, review_id, current_content(session, review_id),
                               sent_on=date(2026, 11, 10))
            for index, (number, role, text, response, reason) in enumerate(COMMENTS):
                comment = add_comment(session, review_id,
                                      section_id=sections[number] if number else None,
                                      role=role, text=text,
                                      received_on=date(2026, 11, 13 + index))
                if index < 2:
                    respond(session, review_id, comment.id, response, reason)
            second = render_report(load_report_data(session, review_id), draft=True)
            send_for_factcheck(session, review_id, current_content(session, review_id),
                               sent_on=date(2026, 11, 17))
            comment_id = next(c.id for c in load_report_data(session, review_id)
                              .factcheck_comments if not c.response)
            respond(session, review_id, comment_id, COMMENTS[2][3], COMMENTS[2][4])
            set_method_text(session, review_id, OWN_METHOD)
            first = sign_and_export(session, review_id, folder / "exports", name=SIGNER,
                                    role=ROLE, approver_name=APPROVER,
                                    approver_role=APPROVER_ROLE, factcheck_appendix=True)
            signed_data = dataclasses.replace(load_report_data(session, review_id),
                                              factcheck_appendix=True)
            reopen(session, review_id, REASON)
            again = sign_and_export(session, review_id, folder / "exports", name=SIGNER,
                                    role=ROLE)
        assert first.sign_off is not None and again.sign_off is not None
        yield Release(read_pdf(second), _read(first.path), first.path.read_bytes(),
                      signed_data, first.sign_off, _read(again.path), again.sign_off)
    finally:
        store.close()


def text_positions(pdf: Pdf, page: int) -> list[tuple[float, float, str]]:
    """Every piece of text on a page with the page coordinates of its start."""
    found: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object,
              _size: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x, y, text.strip()))

    pdf.reader.pages[page].extract_text(visitor_text=visit)
    return found


def assert_box_free(pdf: Pdf) -> None:
    """Nothing written on the last page between the footer and the signature box's top."""
    _x0, _y0, _x1, top = SIGNATURE_BOX
    low = [text for _x, y, text in text_positions(pdf, -1) if BOTTOM_MARGIN - 20 < y < top]
    assert low == []


# --- the sign-off page --------------------------------------------------------------------------


def test_signoff_page_is_the_last_page_and_says_who_when_and_what(release: Release) -> None:
    pdf, signed = release.signed_v1, release.sign_off_v1
    last = squash(pdf.pages[-1])
    assert last.startswith("Kvalitetsgranskning av familjevården 2026 Version 1 Signering")
    for fact in (f"Signerad av {SIGNER} {ROLE}", f"Godkänd av {APPROVER} {APPROVER_ROLE}",
                 "Version 1", "Diarienummer SN 2026/0147",
                 f"Tidpunkt {signed_time(signed.signed_at)}",
                 f"Kontrollsumma (SHA-256) {short_hash(signed.content_sha256)}",
                 "kvtui verify FIL", squash(SIGNATURE_CAPTION),
                 f"Sida {len(pdf.pages)} ({len(pdf.pages)})"):
        assert fact in last, fact
    assert "Ersätter" not in last and "Tidigare version" not in last
    assert SIGNOFF_TITLE in squash(pdf.pages[1])  # listed in the contents
    assert sum(SIGNOFF_TITLE in page for page in pdf.pages) == 2  # contents and last page


def test_signoff_text_ends_above_the_signature_box(release: Release) -> None:
    assert_box_free(release.signed_v1)
    assert_box_free(release.signed_v2)
    positions = text_positions(release.signed_v1, -1)
    caption = min(y for _x, y, text in positions if text.startswith("kontrolleras i en PDF"))
    assert SIGNATURE_BOX[3] < caption < SIGNATURE_BOX[3] + 20  # right above the box


def test_no_signoff_page_on_drafts_or_unsigned_finals(release: Release, draft_pdf: Pdf,
                                                      final_pdf: Pdf) -> None:
    for pdf in (release.second_round_draft, draft_pdf, final_pdf):
        text = squash(pdf.text)
        assert "Kontrollsumma (SHA-256)" not in text
        assert SIGNOFF_TITLE not in squash(pdf.pages[1])
        assert squash(SIGNATURE_CAPTION) not in text
    assert "Slutlig version – ej signerad" in squash(final_pdf.pages[0])


def test_signed_final_embeds_every_font(release: Release) -> None:
    fonts = embedded_fonts(release.signed_v1)
    assert fonts and all(fonts.values())


# --- Metod and the fact-check appendix ------------------------------------------------------------


def test_method_tells_of_the_factcheck_after_the_auditors_own_text(release: Release) -> None:
    text = squash(release.signed_v1.text)
    method = text.index("3 Metod " + OWN_METHOD)
    sentence = ("Verksamheten har getts möjlighet att faktagranska rapporten. Utkast skickades "
                "i två omgångar, den 10 november 2026 och den 17 november 2026. Verksamheten "
                "lämnade tre synpunkter, som har besvarats; de redovisas i bilaga 2.")
    assert text.index(sentence) > method
    assert text.index(sentence) < text.index("4 Verksamhetens förutsättningar", method)


def test_draft_for_a_second_round_tells_of_the_first(release: Release) -> None:
    text = squash(release.second_round_draft.text)
    assert ("Verksamheten har getts möjlighet att faktagranska rapporten. Ett utkast "
            "skickades den 10 november 2026 och verksamheten lämnade tre synpunkter, varav en "
            "ännu inte har besvarats.") in text
    assert "3 Metod Granskningen" in text  # kvtui's draft of the Metod, then the paragraph
    assert FACTCHECK_TITLE not in text  # the appendix is the final's, when chosen


def test_factcheck_appendix_lists_every_comment_and_response(release: Release) -> None:
    pdf = release.signed_v1
    contents = squash(pdf.pages[1])
    assert "Bilaga 1 Aktgranskningens resultat" in contents
    assert f"Bilaga 2 {FACTCHECK_TITLE}" in contents
    start = next(i for i, page in enumerate(pdf.pages)
                 if i > 1 and f"Bilaga 2 {FACTCHECK_TITLE}" in page)
    appendix = squash(" ".join(pdf.pages[start:-1]))
    assert start < len(pdf.pages) - 1  # before the sign-off page
    assert ("Verksamheten fick utkast för faktagranskning den 10 november 2026 och den "
            "17 november 2026.") in appendix
    assert ("Synpunkt 1 Avsnitt Hela rapporten Roll Enhetschef Datum 15 november 2026 "
            "Synpunkt Vi önskar att rapporten nämner det nya verksamhetssystemet. Svar Ej "
            "ändrat Motivering Verksamhetssystemet ingår inte i granskningens avgränsning."
            ) in appendix
    assert ("Synpunkt 2 Avsnitt 4.1 Uppdrag Roll Enhetschef Datum 13 november 2026 Synpunkt "
            "Enheten har fyra socialsekreterare, inte fem. Svar Ändrat Motivering –") in appendix
    assert "Synpunkt 3 Avsnitt 5.4 Social dokumentation Roll Gruppledare" in appendix


# --- version 2 ---------------------------------------------------------------------------------


def test_version_2_says_what_it_replaces(release: Release) -> None:
    pdf, first = release.signed_v2, release.sign_off_v1
    day = signed_day(first.signed_at)
    cover = squash(pdf.pages[0])
    assert f"Version 2 – ersätter version 1 (signerad {day})" in cover
    assert "Slutlig version, signerad" in cover
    last = squash(pdf.pages[-1])
    assert last.startswith("Kvalitetsgranskning av familjevården 2026 Version 2 Signering")
    assert f"Tidigare version Ersätter version 1, signerad {day}." in last
    assert f"Skäl till ny version {REASON}" in last
    assert f"Signerad av {SIGNER} {ROLE} Tidpunkt" in last  # no approver this time
    assert short_hash(release.sign_off_v2.content_sha256) in last
    assert release.sign_off_v2.content_sha256 != first.content_sha256


# --- long texts and a real signature -------------------------------------------------------------


def test_long_comment_and_reason_keep_the_layout(release: Release) -> None:
    data = release.signed_v1_data
    assert data.signed and data.sign_off is not None
    long_text = " ".join(f"Mening {n} om placeringen och uppföljningen." for n in range(220))
    comment = CommentView("c", None, "Hela rapporten", "Enhetschef", long_text + " Slut.",
                          date(2026, 11, 14), "not_changed", "Å" * 3 + " motivering.")
    replaced = dataclasses.replace(data.sign_off, version=1)
    data = dataclasses.replace(
        data, version=2, sign_off=dataclasses.replace(data.sign_off, version=2),
        replaces=replaced, reopen_reason="Skäl. " * 330,
        factcheck_comments=(comment,) * 2)
    pdf = read_pdf(render_report(data, draft=False))
    text = squash(pdf.text)
    assert text.count("om placeringen och uppföljningen. Slut.") == 2  # never cut
    last = squash(pdf.pages[-1])
    assert "Signering" in last and "Ersätter version 1" in last
    assert short_hash(data.sign_off.content_sha256) in last
    assert_box_free(pdf)


def test_signed_with_a_certificate_the_stamp_sits_under_the_text(
        release: Release, tmp_path_factory: pytest.TempPathFactory) -> None:
    from kvtui.report.signature import sign_pdf, verify_pdf
    from tests.report.pki import PASSPHRASE, SIGNER_NAME, make_identity

    folder = tmp_path_factory.mktemp("pki")
    identity = make_identity(folder)
    signed = sign_pdf(release.signed_v1_bytes, identity.p12, PASSPHRASE,
                      signer_name=SIGNER_NAME, role=ROLE, reason="Slutlig rapport, version 1")
    verdict = verify_pdf(signed, [identity.ca_pem])
    assert verdict.ok
    pdf = read_pdf(RenderedReport(signed, len(release.signed_v1.pages)))
    assert len(pdf.pages) == len(release.signed_v1.pages)
    assert_box_free(pdf)
    annotations = [a.get_object() for a in pdf.reader.pages[-1].get("/Annots", [])]
    rects = [tuple(round(float(v)) for v in a["/Rect"]) for a in annotations
             if a.get("/FT") == "/Sig"]
    assert rects == [SIGNATURE_BOX]
    if shutil.which("pdftoppm"):
        target = folder / "signed.pdf"
        target.write_bytes(signed)
        last = str(len(pdf.pages))
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", last, "-l", last, str(target),
                        str(folder / "signering")], check=True, capture_output=True)
        assert list(folder.glob("signering*.png"))


# --- the sentences ------------------------------------------------------------------------------


def _round(day: date, number: int = 1) -> FactCheckRoundView:
    return FactCheckRoundView(f"r{number}", 1, number, day, "0" * 64, "")


def _comment(response: str = "changed") -> CommentView:
    return CommentView("c", None, "Hela rapporten", "Enhetschef", "Text.", date(2026, 11, 12),
                       response, "")


def test_factcheck_sentence_counts_in_swedish() -> None:
    one = [_round(date(2026, 11, 10))]
    assert factcheck_sentence([], [_comment()]) == ""
    assert factcheck_sentence(one, []) == (
        "Verksamheten har getts möjlighet att faktagranska rapporten. Ett utkast skickades den "
        "10 november 2026 och verksamheten lämnade inga synpunkter.")
    assert factcheck_sentence(one, [_comment()], 2).endswith(
        "lämnade en synpunkt, som har besvarats; den redovisas i bilaga 2.")
    assert factcheck_sentence(one, [_comment("")]).endswith(
        "lämnade en synpunkt, som ännu inte har besvarats.")
    assert factcheck_sentence(one, [_comment("")] * 2).endswith(
        "lämnade två synpunkter, som ännu inte har besvarats.")
    assert factcheck_sentence(one, [_comment()] * 14 + [_comment("")] * 2, 1).endswith(
        "lämnade 16 synpunkter, varav två ännu inte har besvarats; de redovisas i bilaga 1.")
    three = [_round(date(2026, 11, 24), 3), _round(date(2026, 11, 10)),
             _round(date(2026, 11, 17), 2)]
    assert ("Utkast skickades i tre omgångar, den 10 november 2026, den 17 november 2026 och "
            "den 24 november 2026. Verksamheten lämnade fyra synpunkter, som har besvarats."
            ) in factcheck_sentence(three, [_comment("not_changed")] * 4)


def test_signed_time_in_local_time_with_its_offset() -> None:
    winter = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 23, 17, 10, 42, tzinfo=UTC)
    assert signed_time(moment, winter) == "23 november 2026 kl. 18.10 (UTC+1)"
    assert signed_time(moment.replace(tzinfo=None), winter) == (
        "23 november 2026 kl. 18.10 (UTC+1)")  # the store gives UTC back without a zone
    late = datetime(2026, 6, 30, 23, 5, tzinfo=UTC)
    assert signed_time(late, timezone(timedelta(hours=2))) == "1 juli 2026 kl. 01.05 (UTC+2)"
    assert signed_day(late, timezone(timedelta(hours=2))) == "1 juli 2026"
    assert signed_time(late, UTC) == "30 juni 2026 kl. 23.05 (UTC)"
    assert utc_offset(datetime(2026, 1, 1, tzinfo=timezone(-timedelta(hours=3, minutes=30)))
                      ) == "UTC−3.30"


def test_version_text(demo_data: ReportData) -> None:
    assert version_text(demo_data) == "1"
    earlier = SignOffView("s", 1, SIGNER, ROLE, "", "", datetime(2026, 11, 20, 9, 0), "a" * 64,
                          "b" * 64, "")
    data = dataclasses.replace(demo_data, version=2, replaces=earlier)
    assert version_text(data) == "2 – ersätter version 1 (signerad 20 november 2026)"
