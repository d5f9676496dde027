"""The workspace part Rapport (key 8): what the report will hold, and exporting it.

The part lists the report's sections with how many words of text and how many statements
(per colour) each has, and warns about what is missing: empty sections, chapters without a
statement, statements without a colour, unanswered criteria. ``u`` exports a draft for the
unit's fact check, ``s`` the final version; a final of a review that is not signed yet is
allowed after a question, and its cover says "Slutlig version – ej signerad" (signing comes
in a later version of kvtui). ``m`` edits the Metod. ``c`` and ``x`` export the file review's
answers and comments as CSV or Excel for the unit's own follow-up.

Exports run in a thread worker with a progress bar; the PDF is built by ``kvtui.report``
(imported only then) and written under ``exports/`` with a name from the diary number, the
unit and the date, never over an existing file. A notification gives the path.
"""

from __future__ import annotations

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
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.report_data import ReportData, load_report_data
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.export_method import MethodTextDialog
from kvtui.tui.format import shorten
from kvtui.tui.widgets.part_base import WorkspacePart

EXPORT_GROUP = "report-export"
BUSY = "En export pågår redan; vänta tills den är klar."
READ_ONLY = "Databasen är öppnad skrivskyddad; Metod kan inte ändras."
APPENDIX = "Bilaga 1 Aktgranskningens resultat"
LABEL_WIDTH = 20  # at 80×24 the part is 57 wide: the counts must fit beside the label

HELP_ROWS: tuple[tuple[str, str], ...] = (
    ("U", "Exportera utkast för faktagranskning (PDF)"),
    ("S", "Exportera slutlig version (PDF)"),
    ("M", "Redigera Metod (skriven av kvtui från uppgifterna)"),
    ("C", "Exportera aktgranskningens svar som CSV"),
    ("X", "Exportera aktgranskningens svar som Excel"),
)


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
        if section.kind == "summary":
            ratings = [assessment.rating for _where, assessment in data.summary_rows()]
            lines.append(_counts_line(section.id, label, "–", ratings))
        elif section.kind == "purpose":
            words = len((data.purpose + " " + data.scope).split())
            lines.append(SectionLine(section.id, label, _count(words), "", "", "", "", ""))
        elif section.kind == "method":
            words = len(data.method_text.split())
            lines.append(SectionLine(section.id, label, _count(words), "", "", "", "", ""))
        elif section.kind == "references":
            lines.append(SectionLine(section.id, label, "–", "", "", "", "", ""))
        else:
            ratings = [assessment.rating for assessment in section.assessments]
            lines.append(_counts_line(section.id, label, _count(len(section.text.split())),
                                      ratings))
    if data.results is not None:
        lines.append(SectionLine("appendix", APPENDIX, "–", "", "", "", "", ""))
    return lines


def _counts_line(key: str, label: str, words: str, ratings: list[str]) -> SectionLine:
    return SectionLine(key, label, words, _count(len(ratings)), _count(ratings.count("gron")),
                       _count(ratings.count("gul")), _count(ratings.count("rod")),
                       _count(ratings.count("")))


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

    BINDINGS = [
        Binding("u", "export('draft')", "Exportera utkast", id="report.export_draft"),
        Binding("s", "export('final')", "Exportera slutlig", id="report.export_final"),
        Binding("m", "edit_method", "Metod", tooltip="Redigera Metod", id="report.method"),
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
        self._show()

    def _show(self) -> None:
        data = self._data
        if data is None:
            return
        method = "din egen text" if data.method_edited else "skriven av kvtui"
        folder = paths.exports_dir(self.store.path)
        self.query_one("#report-summary", Static).update("\n".join([
            f"Status: {data.status_label} · Metod: {method} (m)",
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
        """Export a draft or final PDF, or the answers as CSV or Excel."""
        if self.exporting:
            self.notify(BUSY, severity="warning")
            return
        data = self._data
        if kind == "final" and data is not None and not data.signed:
            missing = len(data.warnings)
            extra = f" {missing} saker saknas fortfarande." if missing else ""
            question = ("Granskningen är inte signerad. Exportera ändå en slutlig version? "
                        "Omslaget visar ”Slutlig version – ej signerad”." + extra)

            def answered(yes: bool | None) -> None:
                if yes:
                    self._start(kind)

            self.app.push_screen(ConfirmDialog(question), answered)
            return
        self._start(kind)

    def _start(self, kind: str) -> None:
        self.query_one("#report-progress").display = True
        self.query_one("#report-progress-bar", ProgressBar).update(progress=0)
        self.query_one("#report-progress-label", Static).update("Startar …")
        self._run_export(kind)

    @work(thread=True, exclusive=True, exit_on_error=False, group=EXPORT_GROUP)
    def _run_export(self, kind: str) -> None:
        """In a thread: read the review, build the file, write it where nothing is lost."""
        from kvtui.store.exports import (
            data_file_name,
            export_answers,
            report_file_name,
            write_to_default,
        )

        def progress(share: float, what: str) -> None:
            self.app.call_from_thread(self._progress, share, what)

        folder = paths.exports_dir(self.store.path)
        with self.store.session() as session:
            data = load_report_data(session, self.review_id)
            answers = export_answers(session, self.review_id, kind) if kind in (
                "csv", "xlsx") else None
        if answers is not None:
            name = data_file_name(data.diary_number, data.unit, data.report_date, f".{kind}")
            path = write_to_default(folder, name, answers)
            self.app.call_from_thread(self._done, kind, path, 0)
            return
        from kvtui.report.document import render_report

        draft = kind == "draft"
        rendered = render_report(data, draft=draft, progress=progress)
        progress(1.0, "Skriver filen")
        name = report_file_name(data.diary_number, data.unit, data.report_date, draft=draft,
                                version=data.version)
        path = write_to_default(folder, name, rendered.pdf)
        self.app.call_from_thread(self._done, kind, path, rendered.pages)

    def _progress(self, share: float, what: str) -> None:
        self.query_one("#report-progress-bar", ProgressBar).update(progress=round(share * 100))
        self.query_one("#report-progress-label", Static).update(what)

    def _done(self, kind: str, path: Path, pages: int) -> None:
        self._last_path = path
        self.query_one("#report-progress").display = False
        what = {"draft": "Utkastet", "final": "Den slutliga rapporten", "csv": "Svaren (CSV)",
                "xlsx": "Svaren (Excel)"}[kind]
        size = f" ({pages} sidor)" if pages else ""
        self.notify(f"{what}{size} är exporterat till {path}", title="Exporterad",
                    timeout=15, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed export: say why in Swedish, never a traceback."""
        if event.worker.group != EXPORT_GROUP:
            return
        if event.state == WorkerState.ERROR:
            self.query_one("#report-progress").display = False
            error = event.worker.error
            if isinstance(error, InvalidInput | NotFound):
                message = str(error)
            elif isinstance(error, OSError):
                message = f"Filen kunde inte skrivas: {error.strerror or error}."
            else:
                message = f"Exporten misslyckades ({type(error).__name__}: {error})."
            self.notify(message, severity="error", timeout=15, markup=False)
        elif event.state == WorkerState.CANCELLED:
            self.query_one("#report-progress").display = False

    # --- Metod -----------------------------------------------------------------------------------

    def action_edit_method(self) -> None:
        """Redigera Metod in a dialog that saves as the auditor types."""
        if self.store.read_only:
            self.notify(READ_ONLY, severity="warning")
            return

        def closed(changed: bool | None) -> None:
            self.reload()
            if changed:
                self.post_message(self.Changed())

        self.app.push_screen(MethodTextDialog(self.store, self.review_id), closed)

    @on(DataTable.RowSelected, "#report-sections")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on the Metod row opens its editor."""
        event.stop()
        if self._data is None:
            return
        for section in self._data.sections:
            if section.id == event.row_key.value and section.kind == "method":
                self.action_edit_method()
