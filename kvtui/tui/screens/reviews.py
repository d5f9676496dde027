"""Granskningar: every review in the store, with status and progress; the way into each."""

from __future__ import annotations

from contextlib import closing

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from kvtui import paths
from kvtui.domain.bundle_format import BundleError
from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.plural import plural
from kvtui.domain.reviews import ReviewSummary, short_id
from kvtui.store.database import Store, StoreError
from kvtui.store.errors import InvalidInput, NotFound, archive_support_missing
from kvtui.store.review_list import review_summaries
from kvtui.tui.dialogs.bundle import BundleDialog, BundleRequest
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.format import DASH, progress_text, shorten
from kvtui.tui.messages import OpenPlan, OpenReview
from kvtui.tui.screens.archive import ArchiveScreen
from kvtui.user_settings import archive_address

EMPTY_TEXT = "Inga granskningar ännu. Tryck n för att skapa en, eller kör kvtui demo."

# Below this width the Ändrad column shows the date only, to leave room for the titles.
_WIDE = 100
_SCROLLBAR = 2
_MIN_FLEX = 8


def _row(summary: ReviewSummary, *, wide: bool) -> tuple[str, ...]:
    return (
        summary.short_id,
        summary.title,
        summary.unit,
        summary.status_label,
        progress_text(summary.answered, summary.expected),
        summary.updated_text(with_time=wide),
    )


class ReviewsScreen(Screen[None]):
    """The list of reviews; the screen kvtui starts on and returns to.

    Titles and units are cut to fit 80 columns; the line under the table shows the highlighted
    review in full.
    """

    BINDINGS = [
        Binding("n", "app.new_review", "Ny granskning", id="reviews.new"),
        Binding("enter", "open", "Öppna", priority=True, id="reviews.open"),
        # Once a year, so not in the footer's 80 columns: Hjälp (F1) and the palette name it.
        Binding("f", "new_from", "Ny granskning utifrån", show=False,
                tooltip="Ny granskning av samma enhet utifrån den valda, ett år senare",
                id="reviews.new_from"),
        Binding("p", "plan", "Åtgärdsplan", tooltip="Åtgärdsplanen för granskningens enhet",
                id="reviews.plan"),
        Binding("r", "refresh", "Uppdatera", id="reviews.refresh"),
        # Rare, so not in the footer's 80 columns: Hjälp (F1) and the palette name them.
        Binding("x", "export_bundle", "Exportera paket", show=False,
                tooltip="Granskningen i en krypterad fil till en annan granskare",
                id="reviews.export_bundle"),
        Binding("m", "import_bundle", "Importera paket", show=False,
                tooltip="En granskning från en annan granskares paket", id="reviews.import_bundle"),
        Binding("a", "archive", "Arkivet", show=False,
                tooltip="Enhetens granskningar i arkivet, skrivskyddat", id="reviews.archive"),
        Binding("u", "push_archive", "Skicka till arkivet", show=False,
                tooltip="Den valda granskningen till arkivet", id="reviews.push_archive"),
        # Set once per installation, so not in the footer's 80 columns: Hjälp (F1) and the
        # palette (Ctrl+P) name it.
        Binding("i", "app.settings", "Inställningar", show=False,
                tooltip="Nämndens namn och logotyp på rapportens omslag", id="reviews.settings"),
        # The app's Ctrl+Q (hidden) works everywhere; this one shows it where the auditor
        # starts and ends. Priority, or the app's hidden binding would take its footer place.
        Binding("ctrl+q", "app.quit", "Avsluta", priority=True, id="reviews.quit"),
    ]

    HEADERS = ("Id", "Titel", "Enhet", "Status", "Framsteg", "Ändrad")

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store
        self._reviews: list[ReviewSummary] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(EMPTY_TEXT, id="reviews-empty")
        yield DataTable(id="reviews-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="reviews-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Granskningar"

    def on_screen_resume(self) -> None:
        """First shown, or back from a review or a form: progress or fields may have changed."""
        self.refresh_reviews(keep=self.highlighted_id)

    def on_resize(self) -> None:
        """Share the new width between Titel and Enhet."""
        self._fill_table(keep=self.highlighted_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Öppna shows greyed out while there is nothing to open."""
        if action in ("open", "plan", "export_bundle", "push_archive", "new_from") and (
                not self._reviews):
            return None
        return True

    @property
    def reviews(self) -> list[ReviewSummary]:
        """The reviews as last read from the store, in table order."""
        return list(self._reviews)

    @property
    def highlighted_id(self) -> str | None:
        """The full id of the review under the cursor, or None when the list is empty."""
        table = self.query_one("#reviews-table", DataTable)
        if not self._reviews or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), len(self._reviews) - 1)
        return self._reviews[row].id

    def refresh_reviews(self, keep: str | None = None) -> None:
        """Read the list again from the store and keep the cursor on ``keep`` if it is there.

        Read with plain sqlite3 (``review_summaries``), so that kvtui's first frame does not
        wait for SQLModel to load.
        """
        with closing(self._store.plain_connection()) as connection:
            self._reviews = review_summaries(connection)
        self._fill_table(keep=keep)

    def _column_widths(self, rows: list[tuple[str, ...]]) -> list[int]:
        """Fixed columns as wide as their content; Titel and Enhet share the rest."""
        widths = [
            max([len(header), *(len(row[index]) for row in rows)])
            for index, header in enumerate(self.HEADERS)
        ]
        padding = 2 * len(self.HEADERS)
        fixed = widths[0] + sum(widths[3:])
        room = max(self.size.width - _SCROLLBAR - padding - fixed, 2 * _MIN_FLEX)
        title = max(min(widths[1], room * 3 // 5), _MIN_FLEX)
        unit = max(min(widths[2], room - title), _MIN_FLEX)
        # Give what the unit does not need back to the title.
        title = max(min(widths[1], room - unit), _MIN_FLEX)
        widths[1], widths[2] = title, unit
        return widths

    def _fill_table(self, keep: str | None = None) -> None:
        table = self.query_one("#reviews-table", DataTable)
        empty = not self._reviews
        self.query_one("#reviews-empty", Static).display = empty
        table.display = not empty
        self.query_one("#reviews-detail", Static).display = not empty
        wide = self.size.width >= _WIDE
        rows = [_row(summary, wide=wide) for summary in self._reviews]
        widths = self._column_widths(rows)
        self.refresh_bindings()
        table.clear(columns=True)
        for header, width in zip(self.HEADERS, widths, strict=True):
            table.add_column(header, width=width, key=header)
        for summary, row in zip(self._reviews, rows, strict=True):
            # Text, not str: DataTable reads a str as markup, and a title may hold "[".
            cells = [Text(shorten(cell, width)) for cell, width in zip(row, widths, strict=True)]
            table.add_row(*cells, key=summary.id)
        if empty:
            return
        index = next((i for i, s in enumerate(self._reviews) if s.id == keep), 0)
        table.move_cursor(row=index)
        self._show_detail(index)
        table.focus()

    def _show_detail(self, index: int) -> None:
        if not 0 <= index < len(self._reviews):
            return
        summary = self._reviews[index]
        place = ", ".join(part for part in (summary.unit, summary.municipality) if part)
        facts = [
            f"Dnr {summary.diary_number}" if summary.diary_number else "",
            plural(summary.case_files, "akt", "akter"),
            f"urval {summary.sampled}" if summary.sampled else "inget urval",
            f"ändrad {summary.updated_text()}",
            f"mall: {summary.template_title}" if summary.template_title else "",
        ]
        self.query_one("#reviews-detail", Static).update(
            Text.assemble(
                (summary.title, "bold"),
                "\n",
                place or DASH,
                "\n",
                " · ".join(fact for fact in facts if fact),
            )
        )

    @on(DataTable.RowHighlighted, "#reviews-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    @on(DataTable.RowSelected, "#reviews-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        # A mouse click on a row; Enter reaches action_open first.
        self.action_open()

    def action_open(self) -> None:
        """Open the highlighted review's workspace."""
        review_id = self.highlighted_id
        if review_id is None:
            self.notify("Det finns ingen granskning att öppna. Tryck n för att skapa en.")
            return
        self.post_message(OpenReview(review_id))

    def action_new_from(self) -> None:
        """Ny granskning utifrån …: a review of the same unit started from the highlighted
        one (its template, unit data and sections; none of its findings), a year later,
        after a question."""
        previous_id = self.highlighted_id
        if previous_id is None:
            self.notify("Välj först den granskning som den nya ska utgå från.")
            return
        title = next(s.title for s in self._reviews if s.id == previous_id)

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_from(previous_id)

        self.app.push_screen(ConfirmDialog(
            f"Skapa en ny granskning utifrån ”{title}”?\nMallen, uppgifterna och avsnitten "
            "följer med, med perioden ett år senare; inga svar, akter, intervjuer eller "
            "bedömningar.", yes="Skapa"), answered)

    def start_from(self, previous_id: str) -> None:
        """Make the new review from ``previous_id`` and show it highlighted."""
        from kvtui.store.previous_review import start_from  # SQLModel

        if self._store.read_only:
            self.notify("Databasen är öppnad skrivskyddad; ingen granskning kan skapas.",
                        severity="error")
            return
        self._store.prepare_orm()
        try:
            with self._store.session() as session:
                started = start_from(session, previous_id, paths.templates_dir(self._store.path))
        except (InvalidInput, NotFound, StoreError) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.refresh_reviews(keep=started.review_id)
        said = (f"Granskningen {short_id(started.review_id)} är skapad utifrån "
                f"{short_id(previous_id)}, med perioden ett år senare. Inga svar, akter, "
                "intervjuer eller bedömningar följer med. Öppna den och ändra uppgifterna "
                "med e.")
        self.notify(" ".join([said, *started.warnings]), timeout=12, markup=False,
                    severity="warning" if started.warnings else "information")

    def action_plan(self) -> None:
        """The action plan of the highlighted review's unit."""
        review_id = self.highlighted_id
        if review_id is not None:
            self.post_message(OpenPlan(review_id))

    def action_refresh(self) -> None:
        """Read the list again, e.g. after ``kvtui demo`` in another window."""
        self.refresh_reviews(keep=self.highlighted_id)
        self.notify("Listan är uppdaterad.", timeout=2)

    def action_export_bundle(self) -> None:
        """Exportera paket: the highlighted review to an encrypted file."""
        review_id = self.highlighted_id
        if review_id is None:
            return
        default = paths.exports_dir(self._store.path) / f"granskning-{short_id(review_id)}.kvtui"

        def chosen(request: BundleRequest | None) -> None:
            if request is not None:
                self.notify("Paketet skapas …", timeout=2)
                self._export_bundle(review_id, request)

        self.app.push_screen(BundleDialog(export=True, path=str(default),
                                          what=short_id(review_id)), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bundle")
    def _export_bundle(self, review_id: str, request: BundleRequest) -> None:
        from kvtui.store.bundle import export_review  # SQLModel and cryptography

        try:
            request.path.parent.mkdir(parents=True, exist_ok=True)
            done = export_review(self._store, review_id, request.path, request.passphrase)
        except (BundleError, InvalidInput, NotFound, StoreError, OSError) as error:
            self.app.call_from_thread(self.notify, _message(error), severity="error",
                                      timeout=8)
            return
        self.app.call_from_thread(
            self.notify, f"Granskningen {short_id(review_id)} är exporterad till {done.path}. "
            "Mottagaren behöver lösenfrasen.", timeout=8)

    def action_import_bundle(self) -> None:
        """Importera paket: a review from another auditor's encrypted file."""
        if self._store.read_only:
            self.notify("Databasen är öppnad skrivskyddad; inget kan importeras.",
                        severity="error")
            return

        def chosen(request: BundleRequest | None) -> None:
            if request is not None:
                self.notify("Paketet öppnas …", timeout=2)
                self._import_bundle(request)

        self.app.push_screen(BundleDialog(export=False), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bundle")
    def _import_bundle(self, request: BundleRequest) -> None:
        from kvtui.store.bundle import import_bundle, open_bundle  # SQLModel and cryptography
        from kvtui.store.bundle_file import read_bundle

        try:
            header, payload = open_bundle(read_bundle(request.path), request.passphrase)
            self._store.prepare_orm()
            done = import_bundle(self._store, header, payload)
        except (BundleError, InvalidInput, StoreError) as error:
            self.app.call_from_thread(self.notify, _message(error), severity="error",
                                      timeout=8)
            return
        signed = " Den är signerad och låst, som den var." if done.signed else ""
        said = done.merge_said() or (f"Granskningen {short_id(done.review_id)} är importerad "
                                     f"från paketet (exporterat av {header.exported_by})."
                                     f"{signed}")
        self.app.call_from_thread(self.refresh_reviews, done.review_id)
        self.app.call_from_thread(self.notify, said, timeout=10, markup=False)

    def _archive_target(self) -> str | None:
        missing = archive_support_missing()
        if missing is not None:
            self.notify(missing, severity="error", timeout=10, markup=False)
            return None
        target = archive_address()
        if not target:
            self.notify("Inget arkiv är anslutet. Anslut med kvtui archive connect ADRESS "
                        "(fråga IT efter adressen).", severity="warning", timeout=8)
        return target or None

    def action_archive(self) -> None:
        """Arkivet: the archive's reviews beside the store's own."""
        target = self._archive_target()
        if target is not None:
            local = frozenset(summary.id for summary in self._reviews)
            self.app.push_screen(ArchiveScreen(self._store, target, local), self._from_archive)

    def _from_archive(self, start_from: str | None) -> None:
        """Back from Arkivet: the list again, and a new review from the one brought from the
        archive when that was asked for there."""
        self.refresh_reviews(keep=start_from or self.highlighted_id)
        if start_from is not None:
            self.start_from(start_from)

    def action_push_archive(self) -> None:
        """Skicka till arkivet: the highlighted review, after a question."""
        review_id = self.highlighted_id
        target = self._archive_target() if review_id is not None else None
        if review_id is None or target is None:
            return
        summary = next(s for s in self._reviews if s.id == review_id)
        question = (f"Skicka ”{summary.title}” till arkivet?\nÄr den inte signerad slås den "
                    "ihop med arkivets exemplar; ändringar som krockar sparas som konflikter "
                    "där. Databasen här ändras inte.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.notify("Skickar till arkivet …", timeout=2)
                self._push(review_id, target)

        self.app.push_screen(ConfirmDialog(question, yes="Skicka"), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="archive-push")
    def _push(self, review_id: str, target: str) -> None:
        from kvtui.store.archive import on_archive, push  # SQLAlchemy and psycopg
        from kvtui.store.archive_engine import ArchiveError

        try:
            self._store.prepare_orm()
            done = on_archive(target, lambda engine: push(self._store, engine, review_id))
        except (ArchiveError, InvalidInput, NotFound, StoreError) as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", timeout=10,
                                      markup=False)
            return
        if done.already:
            said = "Arkivet har redan granskningen som den är här. Ingenting skickades."
        else:
            conflicts = done.merged.conflicts if done.merged is not None else 0
            said = ("Granskningen finns nu i arkivet"
                    + (f" som signerad version {done.version}." if done.signed else ".")
                    + (f" {plural(conflicts, 'konflikt', 'konflikter')} sparades i arkivets "
                       "exemplar; hämta den (a, h) för att lösa dem." if conflicts else ""))
        self.app.call_from_thread(self.notify, said, timeout=8, markup=False)


def _message(error: BaseException) -> str:
    """What to tell the auditor of a refused bundle: the store's Swedish sentence, or the
    file's reason."""
    if isinstance(error, OSError):
        return f"Paketet kunde inte skrivas: {file_error_reason(error)}."
    return str(error)
