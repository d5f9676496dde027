"""Rapport by keys: what will be exported, warnings, draft and final exports, Metod."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from textual.worker import WorkerFailed

from kvtui.store.database import Store, open_store
from kvtui.store.demo import create_demo
from kvtui.store.report_data import current_content, load_report_data
from kvtui.store.sampling import current_sample
from kvtui.tui.app import KvtuiApp, make_app
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.export_method import MethodTextDialog
from kvtui.tui.dialogs.reopen import ReopenDialog
from kvtui.tui.dialogs.signoff import SignOffDialog
from kvtui.tui.widgets.report_part import ReportPart, report_warnings, section_lines

SIZE = (80, 24)


@pytest.fixture
def store(demo_store: Store) -> Store:
    """This module works on the demo review."""
    return demo_store


async def _open_part(app: KvtuiApp, pilot: Pilot[None]) -> ReportPart:
    await pilot.pause()
    await pilot.press("8")
    await pilot.pause()
    return app.screen.query_one(ReportPart)


def _notes(app: KvtuiApp) -> list[str]:
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
    return notes


async def _settle(app: KvtuiApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    for worker in app.screen.query_one(ReportPart).workers:
        await worker.wait()
    await pilot.pause()
    await pilot.pause()


@pytest.mark.slow
async def test_part_shows_the_report_and_exports_in_a_worker(
        store: Store, demo_id: str, exports: Path) -> None:
    app = make_app(store, open_review=demo_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        # What will be exported: sections with counts, the appendix, warnings.
        table = part.query_one("#report-sections", DataTable)
        labels = [str(table.get_row_at(i)[0]).strip() for i in range(table.row_count)]
        assert labels[:3] == ["1 Sammanfattning", "2 Syfte", "3 Metod"]
        assert any(label.startswith("5.4 Social dokum") for label in labels)
        assert labels[-1].startswith("Bilaga 1 ")
        assert table.get_row_at(0)[2:6] == ["7", "6", "–", "1"]  # the summary: 6 Grön, 1 Röd
        assert "kvtui:s text" in str(part.query_one("#report-summary", Static).content)
        warnings = str(part.query_one("#report-warnings", Static).content)
        assert "utan kvalitetsnivå" in warnings
        # A draft, in a worker; the notification gives the path.
        await pilot.press("u")
        await _settle(app, pilot)
        path = part.last_path
        assert path is not None and path.parent == exports
        assert path.name.endswith("_utkast.pdf") and path.name.startswith("SN-2026-0147_")
        assert any(str(path) in note for note in notes)
        assert not part.query_one("#report-progress").display
        assert "Utkast för faktagranskning" in PdfReader(path).pages[2].extract_text()
        await pilot.press("u")  # again: a new file, never over the first
        await _settle(app, pilot)
        assert part.last_path is not None and part.last_path.name.endswith("_utkast-2.pdf")
        # The answers for the unit's own follow-up.
        await pilot.press("c")
        await _settle(app, pilot)
        assert part.last_path is not None and part.last_path.suffix == ".csv"
        assert part.last_path.read_bytes().startswith(b"\xef\xbb\xbfAkt;")
        # The Word working copy, also in the worker, into exports/.
        await pilot.press("w")
        await _settle(app, pilot)
        word = part.last_path
        assert word is not None and word.parent == exports
        assert word.name.endswith("_arbetskopia.docx")
        assert any(str(word) in note and "inte den signerade" in note for note in notes)
        assert Document(str(word)).paragraphs[0].text == "Sjövik kommun"
        # A final of a review that is not signed: asked first, and the cover says so.
        csv_path = part.last_path
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert part.last_path == csv_path
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("j")
        await _settle(app, pilot)
        assert part.last_path is not None and part.last_path.name.endswith("_slutlig.pdf")
        cover = PdfReader(part.last_path).pages[0].extract_text()
        assert "Slutlig version – ej signerad" in cover


def test_section_lines_count_statements_per_colour(store: Store, demo_id: str) -> None:
    with store.session() as session:
        data = load_report_data(session, demo_id)
    lines = {line.label.strip(): line for line in section_lines(data)}
    social = lines["5.4 Social dokumentation"]
    assert (social.statements, social.gron, social.rod, social.gul) == ("3", "2", "1", "–")
    assert (lines["1 Sammanfattning"].statements, lines["1 Sammanfattning"].gron) == ("7", "6")


def test_warnings_name_empty_sections_and_unanswered(tmp_path: Path) -> None:
    bare = open_store(tmp_path / "bare.db", backup=False)
    with bare.session() as session:
        review_id = create_demo(session, file_review=False, judgement=False)
        data = load_report_data(session, review_id)
    bare.close()
    warnings = report_warnings(data)
    assert any("saknar text" in w for w in warnings)
    assert any("saknar bedömning" in w for w in warnings)
    assert any("Inget urval" in w for w in warnings)


@pytest.mark.slow
async def test_method_edited_saved_and_reset(store: Store, demo_id: str,
                                             exports: Path) -> None:
    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MethodTextDialog)
        await pilot.press("ctrl+end", *" Ny.")  # the long text opens at its start
        await pilot.press("escape")  # leaving saves
        await pilot.pause()
        with store.session() as session:
            data = load_report_data(session, demo_id)
        assert data.method_edited and data.method_text.endswith(" Ny.")
        assert "din egen text" in str(part.query_one("#report-summary", Static).content)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        with store.session() as session:
            data = load_report_data(session, demo_id)
        assert not data.method_edited


@pytest.mark.slow
@pytest.mark.usefixtures("short_key_hold")
async def test_sign_off_by_keys_locks_the_review_and_reopen_starts_version_2(
        store: Store, demo_id: str, exports: Path) -> None:
    from kvtui.domain.signoff import sha256_hex
    from kvtui.store.signoff import sign_offs

    app = make_app(store, open_review=demo_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SignOffDialog)
        # The name is the first auditor's; the same person cannot approve.
        # The dialog starts in the first field, Namn; Godkänns av is two fields on.
        await pilot.press("tab", "tab", *"Karin Ekdahl", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SignOffDialog)
        assert "samma person" in str(dialog.query_one("#signoff-problem", Static).content)
        dialog.query_one("#signoff-approver").value = "Jonas Lindwall"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        question = str(app.screen.query_one("#confirm-question", Static).content)
        assert "låses" in question and "inget utkast har skickats" in question
        await pilot.press("j")
        await _settle(app, pilot)
        path = part.last_path
        assert path is not None and path.name.endswith("_slutlig.pdf")
        with store.session() as session:
            [signed] = sign_offs(session, demo_id)
            assert (signed.name, signed.approver_name) == ("Karin Ekdahl", "Jonas Lindwall")
            assert signed.pdf_sha256 == sha256_hex(path.read_bytes())
            assert load_report_data(session, demo_id).signed
        assert "Signerad" in str(part.query_one("#report-summary", Static).content)
        # Signed: s and m are refused; f hands out the signed file itself.
        notes.clear()
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, SignOffDialog)
        assert any("redan signerad" in note for note in notes)
        await pilot.press("f")
        await _settle(app, pilot)
        assert part.last_path is not None and part.last_path != path
        assert part.last_path.read_bytes() == path.read_bytes()
        # Reopen: a reason is required, then a question, then version 2.
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ReopenDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReopenDialog)
        await pilot.press(*"Nämnden bad om komplettering", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("j")
        await pilot.pause()
        with store.session() as session:
            data = load_report_data(session, demo_id)
        assert (data.version, data.signed) == (2, False)
        assert data.reopen_reason == "Nämnden bad om komplettering"
        assert "version 2" in str(part.query_one("#report-summary", Static).content)


@pytest.mark.slow
async def test_sign_off_with_a_wrong_passphrase_says_so_and_locks_nothing(
        store: Store, demo_id: str, exports: Path, tmp_path: Path) -> None:
    from tests.report.pki import make_identity

    folder = tmp_path / "pki"
    folder.mkdir()
    identity = make_identity(folder)
    app = make_app(store, open_review=demo_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SignOffDialog)
        dialog.query_one("#signoff-p12").value = str(identity.p12)  # type: ignore[attr-defined]
        dialog.query_one("#signoff-passphrase").value = "fel"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "signeras digitalt" in str(app.screen.query_one("#confirm-question",
                                                                 Static).content)
        await pilot.press("j")
        for worker in part.workers:
            with contextlib.suppress(WorkerFailed):
                await worker.wait()
        await pilot.pause()
        await pilot.pause()
        assert any("lösenord" in note.lower() for note in notes), notes
        assert part.last_path is None
        with store.session() as session:
            assert not load_report_data(session, demo_id).signed
    assert not list(exports.glob("*.pdf"))


@pytest.mark.slow
async def test_sign_off_with_a_personnummer_in_the_certificate_warns(
        store: Store, demo_id: str, exports: Path, tmp_path: Path) -> None:
    from tests.report.pki import PASSPHRASE, make_identity
    from tests.testdata import PERSONNUMMER_FILE

    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[9100]
    folder = tmp_path / "pki"
    folder.mkdir()
    identity = make_identity(folder, serial_number=number)
    app = make_app(store, open_review=demo_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open_part(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SignOffDialog)
        dialog.query_one("#signoff-name").value = "Åsa Öberg"  # type: ignore[attr-defined]
        dialog.query_one("#signoff-role").value = "Granskare"  # type: ignore[attr-defined]
        dialog.query_one("#signoff-p12").value = str(identity.p12)  # type: ignore[attr-defined]
        dialog.query_one("#signoff-passphrase").value = (  # type: ignore[attr-defined]
            PASSPHRASE.decode("utf-8"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("j")
        await _settle(app, pilot)
    assert any(f"innehåller ett personnummer ({number[:8]}-XXXX)" in note for note in notes), (
        notes)
    with store.session() as session:
        assert load_report_data(session, demo_id).signed


@pytest.mark.slow
async def test_part_on_show_follows_a_change_made_by_another_part(
        store: Store, demo_id: str) -> None:
    """A draft sent in the background by Faktagranskning while Rapport is on show: Rapport
    reads the review again when the change is announced, not only when shown anew."""
    from kvtui.store.factcheck import send_for_factcheck
    from kvtui.tui.widgets.factcheck_part import FactCheckPart

    app = make_app(store, open_review=demo_id)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        summary = part.query_one("#report-summary", Static)
        assert "inget utkast skickat" in str(summary.content)
        with store.session() as session:
            send_for_factcheck(session, demo_id, current_content(session, demo_id))
        factcheck = app.screen.query_one(FactCheckPart)
        factcheck.post_message(FactCheckPart.Changed(factcheck))
        await pilot.pause()
        await pilot.pause()
        assert "1 utkast skickat" in str(summary.content)


@pytest.mark.slow
async def test_sign_off_is_refused_while_akter_are_unreviewed_and_names_them(
        store: Store, demo_id: str, exports: Path) -> None:
    from kvtui.store.sampling import extend_sample

    with store.session() as session:
        total = len(extend_sample(session, demo_id, 2).active)
        added = [akt.reference for akt in current_sample(session, demo_id).items[-2:]]
    app = make_app(store, open_review=demo_id)
    notes = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        part = await _open_part(app, pilot)
        warnings = str(part.query_one("#report-warnings", Static).content)
        assert f"2 av {total} akter är inte granskade" in warnings
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, SignOffDialog)
        [note] = notes
        assert note.startswith(f"2 av {total} akter är inte granskade: {', '.join(added)}.")
        assert "saker" not in note
    with store.session() as session:
        assert not load_report_data(session, demo_id).signed


def test_the_last_question_counts_what_is_missing_in_words() -> None:
    from kvtui.domain.judgement import still_missing

    assert still_missing(["Avsnitt 2 Syfte saknar text"]) == (
        "1 sak saknas fortfarande i rapporten: Avsnitt 2 Syfte saknar text.")
    assert still_missing(["a", "b", "c", "d"]) == (
        "4 saker saknas fortfarande i rapporten: a; b; c …")
