"""The workspace part Rapport (key 8): what the report will hold, and exporting it.

The part lists the report's sections with how many words of text and how many statements
(per colour) each has, and warns about what is missing: empty sections, chapters without a
statement, statements without a colour, unanswered criteria. ``u`` exports a draft to read
(sending one to the unit, which freezes it, is Faktagranskning's ``u``).

``s`` signs the report off (``kvtui.release.flow.sign_and_export``): a dialog for the names
and an optional certificate, then a question, because the review is locked afterwards. ``f``
exports the final: the very file that was signed once signed, otherwise (after a question) a
final whose cover says "Slutlig version – ej signerad". ``o`` reopens a signed review as the
next version, with a reason. ``m`` edits the Metod. ``w`` exports the report as a Word
working copy for fact-check or editing (``kvtui.release.word_copy``; never the signed report).
``c`` and ``x`` export the file review's answers and comments as CSV or Excel for the unit's
own follow-up.

Exports run in a thread worker with a progress bar; the PDF is built by ``kvtui.report``
(imported only then) and written under ``exports/`` with a name from the diary number, the
unit and the date, never over an existing file. A notification gives the path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import Worker, WorkerState

from kvtui import paths
from kvtui.crash_log import unexpected_error
from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.filereview import unreviewed_refusal
from kvtui.domain.judgement import SectionView, still_missing
from kvtui.domain.report_data import ReportData
from kvtui.domain.section_kinds import SectionKind
from kvtui.domain.section_text import section_problems, signoff_refusal, word_count
from kvtui.domain.vocabulary import Rating
from kvtui.look import look_warnings, with_look
from kvtui.release.flow import export_final, sign_and_export
from kvtui.report.signature import SigningError
from kvtui.store.database import Store, StoreError
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.exports import data_file_name, export_answers, report_file_name, write_to_default
from kvtui.store.idnumber_rule import as_typed
from kvtui.store.report_data import load_report_data
from kvtui.store.signoff import reopen
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.export_method import MethodTextDialog
from kvtui.tui.dialogs.reopen import ReopenDialog
from kvtui.tui.dialogs.signoff import SignOffDialog, SignOffRequest
from kvtui.tui.format import shorten
from kvtui.tui.widgets.idnumber_guard import TypedText
from kvtui.tui.widgets.part_base import WorkspacePart

EXPORT_GROUP = "report-export"
BUSY = "En export pågår redan; vänta tills den är klar."
READ_ONLY = "Databasen är öppnad skrivskyddad; Metod kan inte ändras."
READ_ONLY_STORE = "Databasen är öppnad skrivskyddad; inget kan ändras."
APPENDIX = "Bilaga 1 Aktgranskningens resultat"
LABEL_WIDTH = 20  # at 80×24 the part is 57 wide: the counts must fit beside the label


@dataclass(frozen=True)
class SectionLine:
    """One line of the part's table: a section and what it holds."""

    key: str
    label: str
    words: str
    statements: str
    gron: str
    gul: str
    rod: str
    unrated: str


def _count(number: int) -> str:
    return str(number) if number else "–"


def section_lines(data: ReportData) -> list[SectionLine]:
    """The report's parts as the part lists them, in report order, the appendix last."""
    lines: list[SectionLine] = []
    for section in data.sections:
        indent = "  " * max(0, section.level - 1)
        label = f"{indent}{section.heading}"
        lines.append(SECTION_LINES.get(section.kind, _written_line)(data, section, label))
    if data.results is not None:
        lines.append(SectionLine("appendix", APPENDIX, "–", "", "", "", "", ""))
    return lines


def _summary_line(data: ReportData, section: SectionView, label: str) -> SectionLine:
    ratings = [assessment.rating for _where, assessment in data.summary_rows()]
    return _counts_line(section.id, label, "–", ratings)


def _purpose_line(data: ReportData, section: SectionView, label: str) -> SectionLine:
    words = len((data.purpose + " " + data.scope).split())
    return SectionLine(section.id, label, _count(words), "", "", "", "", "")


def _method_line(data: ReportData, section: SectionView, label: str) -> SectionLine:
    words = len(data.method_text.split())
    return SectionLine(section.id, label, _count(words), "", "", "", "", "")


def _references_line(data: ReportData, section: SectionView, label: str) -> SectionLine:
    return SectionLine(section.id, label, "–", "", "", "", "", "")


def _written_line(data: ReportData, section: SectionView, label: str) -> SectionLine:
    ratings = [assessment.rating for assessment in section.assessments]
    return _counts_line(section.id, label, _count(word_count(section.text)), ratings)


# What the part counts for each kind of section; ``tests/tui/test_report_part_kinds.py``
# checks that every kind has its line.
SECTION_LINES: dict[str, Callable[[ReportData, SectionView, str], SectionLine]] = {
    SectionKind.SUMMARY: _summary_line,
    SectionKind.PURPOSE: _purpose_line,
    SectionKind.METHOD: _method_line,
    SectionKind.TEXT: _written_line,
    SectionKind.REFERENCES: _references_line,
}


def _counts_line(key: str, label: str, words: str, ratings: list[str]) -> SectionLine:
    return SectionLine(key, label, words, _count(len(ratings)),
                       _count(ratings.count(Rating.GREEN)), _count(ratings.count(Rating.YELLOW)),
                       _count(ratings.count(Rating.RED)), _count(ratings.count(Rating.NONE)))


def signoff_line(data: ReportData) -> str:
    """Who signed this version and when, or that it is not signed yet."""
    signed = data.sign_off
    if signed is None:
        sent = len(data.factcheck_rounds)
        factcheck = f"{sent} utkast skickat" if sent else "inget utkast skickat"
        return f"Ej signerad (s) · faktagranskning: {factcheck}"
    when = signed.signed_at.astimezone().strftime("%Y-%m-%d %H.%M")
    digital = ", e-signerad" if signed.certificate else ""
    return f"Signerad {when} av {signed.name}{digital} (o öppnar igen)"


def signoff_question(data: ReportData, request: SignOffRequest) -> str:
    """The last question before signing: what happens, and what is still open."""
    lines = [f"Signera version {data.version} som {request.name} ({request.role})?",
             "Granskningen låses i databasen och kan bara ändras igen som en ny version."]
    if request.approver_name:
        lines.append(f"Godkänns av {request.approver_name}.")
    if request.p12 is not None:
        lines.append(f"PDF-filen signeras digitalt med {request.p12.name}.")
    if not data.factcheck_rounds:
        lines.append("Obs: inget utkast har skickats för faktagranskning.")
    unanswered = sum(1 for c in data.factcheck_comments if not c.response)
    if unanswered:
        lines.append(f"Obs: {unanswered} av verksamhetens synpunkter är obesvarade.")
    if data.warnings:
        lines.append(f"Obs: {still_missing(data.warnings)}")
    return "\n".join(lines)


def report_warnings(data: ReportData) -> list[str]:
    """What the auditor should know before exporting, one Swedish line each."""
    lines = list(data.warnings)
    unrated = sum(1 for s in data.sections for a in s.assessments if not a.rating)
    if unrated:
        lines.append(f"{unrated} {'bedömning' if unrated == 1 else 'bedömningar'} utan "
                     "kvalitetsnivå: de står under Bedömning men inte i sammanfattningen")
    if data.results is None:
        lines.append("Inget urval är draget: rapporten får ingen bilaga med aktgranskningen")
    return lines


class ReportPart(WorkspacePart):
    """Rapport: the contents to be exported, warnings, and the export keys."""

    LOCKED_MESSAGE = "Granskningen är redan signerad. Öppna den igen (o) för att ändra den."

    BINDINGS = [
        Binding("u", "export('draft')", "Utkast", tooltip="Exportera utkast",
                id="report.export_draft"),
        Binding("s", "sign", "Signera", tooltip="Signera och exportera slutlig version",
                id="report.sign"),
        Binding("f", "export('final')", "Slutlig", tooltip="Exportera slutlig version",
                id="report.export_final"),
        Binding("o", "reopen", "Öppna igen", tooltip="Öppna en signerad granskning igen",
                id="report.reopen"),
        Binding("m", "edit_method", "Metod", tooltip="Redigera Metod", id="report.method"),
        Binding("w", "export('docx')", "Word", tooltip="Exportera en arbetskopia i Word",
                id="report.export_docx"),
        Binding("c", "export('csv')", "Svar som CSV", id="report.export_csv"),
        Binding("x", "export('xlsx')", "Svar som Excel", id="report.export_xlsx"),
    ]

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(store, review_id, id=id)
        self._data: ReportData | None = None
        self._last_path: Path | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="report-summary", markup=False)
        yield DataTable(id="report-sections", cursor_type="row", zebra_stripes=True)
        yield Static("", id="report-warnings", markup=False)
        with Horizontal(id="report-progress"):
            yield ProgressBar(total=100, show_eta=False, id="report-progress-bar")
            yield Static("", id="report-progress-label", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#report-sections", DataTable)
        table.add_column("Avsnitt", key="section")
        for label, key in (("Ord", "words"), ("Bed.", "statements"), ("Grön", "gron"),
                           ("Gul", "gul"), ("Röd", "rod"), ("Utan", "unrated")):
            table.add_column(label, key=key)
        self.query_one("#report-progress").display = False

    def focus(self, scroll_visible: bool = True) -> Self:
        """Entering the part puts the cursor in the list of sections."""
        self.query_one("#report-sections", DataTable).focus(scroll_visible)
        return self

    # --- what is shown ---------------------------------------------------------------------------

    @property
    def data(self) -> ReportData | None:
        """The review as the report would show it, as last read."""
        return self._data

    @property
    def last_path(self) -> Path | None:
        """The file of the last export, if any."""
        return self._last_path

    @property
    def exporting(self) -> bool:
        """Whether an export is running."""
        return any(worker.group == EXPORT_GROUP and worker.is_running
                   for worker in self.workers)

    def reload(self) -> None:
        """Read the review again and show what the report will hold."""
        try:
            with self.store.session() as session:
                self._data = load_report_data(session, self.review_id)
        except NotFound:
            self._data = None
            return
        self._locked = self._data.signed
        self._show()

    def _show(self) -> None:
        data = self._data
        if data is None:
            return
        method = "din egen text" if data.method_edited else "kvtui:s text"
        folder = paths.exports_dir(self.store.path)
        self.query_one("#report-summary", Static).update("\n".join([
            f"{data.status_label}, version {data.version} · Metod: {method} (m)",
            signoff_line(data),
            f"Filerna hamnar i {folder}",
        ]))
        table = self.query_one("#report-sections", DataTable)
        table.clear()
        for line in section_lines(data):
            table.add_row(shorten(line.label, LABEL_WIDTH), line.words, line.statements,
                          line.gron, line.gul, line.rod, line.unrated, key=line.key)
        warnings = report_warnings(data)
        text = ("Inget saknas: rapporten kan exporteras." if not warnings else
                f"Att se över ({len(warnings)}):\n" + "\n".join(f"• {w}" for w in warnings))
        self.query_one("#report-warnings", Static).update(text)

    # --- exporting -------------------------------------------------------------------------------

    def action_export(self, kind: str) -> None:
        """Export a draft or final PDF, a Word working copy, or the answers as CSV or Excel."""
        if self.exporting:
            self.notify(BUSY, severity="warning")
            return
        data = self._data
        if kind == "final" and data is not None and not data.signed:
            extra = f" {still_missing(data.warnings)}" if data.warnings else ""
            question = ("Granskningen är inte signerad. Exportera ändå en slutlig version? "
                        "Omslaget visar ”Slutlig version – ej signerad”. Signera med s."
                        + extra)

            def answered(yes: bool | None) -> None:
                if yes:
                    self._start(kind)

            self.app.push_screen(ConfirmDialog(question), answered)
            return
        self._start(kind)

    def _start(self, kind: str, request: SignOffRequest | None = None) -> None:
        self.query_one("#report-progress").display = True
        self.query_one("#report-progress-bar", ProgressBar).update(progress=0)
        self.query_one("#report-progress-label", Static).update("Startar …")
        self._run_export(kind, request)

    @work(thread=True, exclusive=True, exit_on_error=False, group=EXPORT_GROUP)
    def _run_export(self, kind: str, request: SignOffRequest | None = None) -> None:
        """In a thread: read the review, build the file, write it where nothing is lost."""
        def progress(share: float, what: str) -> None:
            self.app.call_from_thread(self._progress, share, what)

        folder = paths.exports_dir(self.store.path)
        not_ids = request.not_ids if request is not None else frozenset()
        with as_typed(not_ids), self.store.session() as session:
            if kind == "sign" and request is not None:
                done = sign_and_export(
                    session, self.review_id, folder, name=request.name, role=request.role,
                    approver_name=request.approver_name, approver_role=request.approver_role,
                    p12=request.p12, passphrase=request.passphrase,
                    factcheck_appendix=request.factcheck_appendix, progress=progress)
                self.app.call_from_thread(self._done, kind, done.path, done.pages)
                self._warn(done.warnings)
                return
            if kind == "final":
                done = export_final(session, self.review_id, folder, progress=progress)
                self.app.call_from_thread(self._done, kind, done.path, done.pages)
                self._warn(done.warnings)
                return
            if kind == "docx":
                from kvtui.release.word_copy import export_word  # python-docx

                progress(0.2, "Skriver Word-kopian")
                copy = export_word(session, self.review_id, folder)
                self.app.call_from_thread(self._done, kind, copy.path, 0)
                self._warn(look_warnings(copy.data))
                return
            data = load_report_data(session, self.review_id)
            answers = export_answers(session, self.review_id, kind) if kind in (
                "csv", "xlsx") else None
        if answers is not None:
            name = data_file_name(data.diary_number, data.unit, data.report_date, f".{kind}")
            path = write_to_default(folder, name, answers)
            self.app.call_from_thread(self._done, kind, path, 0)
            return
        from kvtui.report.document import render_report

        data = with_look(data)
        rendered = render_report(data, draft=True, progress=progress)
        progress(1.0, "Skriver filen")
        name = report_file_name(data.diary_number, data.unit, data.report_date, draft=True,
                                version=data.version)
        path = write_to_default(folder, name, rendered.pdf)
        self.app.call_from_thread(self._done, kind, path, rendered.pages)
        self._warn(look_warnings(data))

    def _warn(self, warnings: tuple[str, ...]) -> None:
        """From the export's thread: what the auditor should know about the file made."""
        for warning in warnings:
            self.app.call_from_thread(self.notify, warning, title="Obs", severity="warning",
                                      timeout=30, markup=False)

    def _progress(self, share: float, what: str) -> None:
        self.query_one("#report-progress-bar", ProgressBar).update(progress=round(share * 100))
        self.query_one("#report-progress-label", Static).update(what)

    def _done(self, kind: str, path: Path, pages: int) -> None:
        self._last_path = path
        self.query_one("#report-progress").display = False
        what = {"draft": "Utkastet", "final": "Den slutliga rapporten", "csv": "Svaren (CSV)",
                "xlsx": "Svaren (Excel)",
                "docx": "Arbetskopian i Word (inte den signerade rapporten)",
                "sign": "Granskningen är signerad och låst. Den slutliga rapporten"}[kind]
        size = f" ({pages} sidor)" if pages else ""
        self.notify(f"{what}{size} är exporterad till {path}", title="Exporterad",
                    timeout=15, markup=False)
        if kind == "sign":
            self.reload()
            self.post_message(self.Changed(self))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed export: say why in Swedish, never a traceback."""
        if event.worker.group != EXPORT_GROUP:
            return
        if event.state == WorkerState.ERROR:
            self.query_one("#report-progress").display = False
            error = event.worker.error
            assert error is not None  # a worker in the ERROR state holds its error
            if isinstance(error, InvalidInput | NotFound | SigningError):
                message = str(error)
            elif isinstance(error, OSError):
                message = f"Filen kunde inte skrivas: {file_error_reason(error)}."
            elif isinstance(error, StoreError):
                raise error  # the store's file has gone: the app says where the work is
            else:
                message = unexpected_error("Exporten misslyckades.", error)
            self.notify(message, severity="error", timeout=15, markup=False)
        elif event.state == WorkerState.CANCELLED:
            self.query_one("#report-progress").display = False

    # --- sign-off and reopening -----------------------------------------------------------------

    def action_sign(self) -> None:
        """Signera: names and certificate in a dialog, one more question, then sign and export."""
        data = self._data
        if data is None or not self.writable():
            return
        if self.exporting:
            self.notify(BUSY, severity="warning")
            return
        if data.unreviewed:  # the store refuses too; said here before names are typed
            self.notify(unreviewed_refusal(data.unreviewed, data.to_review),
                        title="Kan inte signeras", severity="error", timeout=15,
                        markup=False)
            return
        problems = section_problems(data.sections, data.interviews)
        if problems:  # the release refuses too; said here before names are typed
            self.notify(signoff_refusal(problems), title="Kan inte signeras", severity="error",
                        timeout=15, markup=False)
            return

        def collected(request: SignOffRequest | None) -> None:
            if request is None:
                return
            self.app.push_screen(ConfirmDialog(signoff_question(data, request)),
                                 lambda yes: self._start("sign", request) if yes else None)

        name = data.auditors[0] if data.auditors else ""
        self.app.push_screen(SignOffDialog(data.version, name, len(data.factcheck_comments)),
                             collected)

    def action_reopen(self) -> None:
        """Öppna igen: a signed review becomes the next version, with the reason logged."""
        data = self._data
        if data is None:
            return
        if self.store.read_only:
            self.notify(READ_ONLY_STORE, severity="warning")
            return
        if not data.signed:
            self.notify("Granskningen är inte signerad; den behöver inte öppnas igen.",
                        severity="warning")
            return

        def reopen_now(reason: TypedText) -> None:
            try:
                with as_typed(reason.not_ids), self.store.session() as session:
                    done = reopen(session, self.review_id, reason.text)
            except (InvalidInput, NotFound) as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.notify(f"Granskningen är öppnad igen som version {done.to_version}.",
                        title="Öppnad igen", markup=False)
            self.reload()
            self.post_message(self.Changed(self))

        def collected(reason: TypedText | None) -> None:
            if reason is None:
                return
            question = (f"Öppna granskningen igen som version {data.version + 1}? Det går "
                        f"inte att ångra. Version {data.version} finns kvar som den "
                        "signerades, och skälet loggas.")
            self.app.push_screen(ConfirmDialog(question),
                                 lambda yes: reopen_now(reason) if yes else None)

        self.app.push_screen(ReopenDialog(data.version), collected)

    # --- Metod -----------------------------------------------------------------------------------

    def action_edit_method(self) -> None:
        """Redigera Metod in a dialog that saves as the auditor types."""
        if self.store.read_only:
            self.notify(READ_ONLY, severity="warning")
            return

        def closed(changed: bool | None) -> None:
            self.reload()
            if changed:
                self.post_message(self.Changed(self))

        self.app.push_screen(MethodTextDialog(self.store, self.review_id), closed)

    @on(DataTable.RowSelected, "#report-sections")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on the Metod row opens its editor."""
        event.stop()
        if self._data is None:
            return
        for section in self._data.sections:
            if section.id == event.row_key.value and section.kind == SectionKind.METHOD:
                self.action_edit_method()
