"""Arkivet: the unit's archive beside the store's own reviews, read-only.

The list is read from the archive on PostgreSQL in a worker thread, so the screen is there at
once and says so when the archive does not answer; nothing here writes to the archive. A
review is brought into the store with h (after a question) and opened from there; one that is
in the store already is opened with Enter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from kvtui.domain.plural import plural
from kvtui.domain.reviews import short_id
from kvtui.store.database import Store, StoreError
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.format import shorten
from kvtui.tui.messages import OpenReview
from kvtui.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from kvtui.store.archive_catalog import ArchivedReview

TITLE_WIDTH = 30
UNIT_WIDTH = 18
STATE_WIDTH = 17


class ArchiveScreen(Screen[str | None]):
    """The archive's reviews this auditor may read, and a search in their texts. Dismissed
    with a review's id when a new review is to be started from it."""

    BINDINGS = [
        Binding("h", "pull", "Hämta hit", id="archive.pull"),
        Binding("f", "new_from", "Ny utifrån", id="archive.new_from"),
        Binding("s", "search", "Sök", id="archive.search"),
        Binding("enter", "open", "Öppna", id="archive.open"),
        Binding("r", "reload", "Uppdatera", id="archive.reload"),
        Binding("escape", "back", "Tillbaka", id="archive.back"),
    ]

    def __init__(self, store: Store, target: str, local: frozenset[str]) -> None:
        super().__init__()
        self._store = store
        self._target = target
        self._local = set(local)
        self.archived: list[ArchivedReview] = []
        self._passages: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hämtar listan från arkivet …", id="archive-bar", markup=False)
        yield Input(placeholder="Sök i arkivets texter (Enter söker, Esc tömmer)",
                    id="archive-search")
        yield DataTable(id="archive-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="archive-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Arkivet (skrivskyddat)"
        table = self.query_one("#archive-table", DataTable)
        for label, key, width in (("År", "year", 4), ("Enhet", "unit", UNIT_WIDTH),
                                  ("Titel", "title", TITLE_WIDTH),
                                  ("Status", "status", STATE_WIDTH), ("Här", "here", 3)):
            table.add_column(label, key=key, width=width)
        table.focus()
        self._load("")

    # --- reading the archive -------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="archive")
    def _load(self, words: str) -> None:
        from kvtui.store.archive import on_archive
        from kvtui.store.archive_catalog import list_archived, search
        from kvtui.store.archive_engine import ArchiveError

        try:
            if words:
                hits = on_archive(self._target, lambda engine: search(engine, words))
                found = [hit.review for hit in hits]
                passages = {hit.review.review_id: hit.passage for hit in hits}
            else:
                found, passages = on_archive(self._target, list_archived), {}
        except (ArchiveError, InvalidInput) as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._show, found, passages, words)

    def _failed(self, message: str) -> None:
        self.query_one("#archive-bar", Static).update(message)

    def _show(self, found: list[ArchivedReview], passages: dict[str, str], words: str) -> None:
        self.archived, self._passages = found, passages
        table = self.query_one("#archive-table", DataTable)
        table.clear()
        for review in found:
            table.add_row(str(review.year or ""), Text(shorten(review.unit, UNIT_WIDTH)),
                          Text(shorten(review.title, TITLE_WIDTH)),
                          Text(shorten(review.state, STATE_WIDTH)),
                          "ja" if review.review_id in self._local else "",
                          key=review.review_id)
        what = (plural(len(found), "träff", "träffar") + f" på ”{words}”" if words
                else plural(len(found), "granskning", "granskningar") + " som du får läsa")
        self.query_one("#archive-bar", Static).update(
            f"Arkivet: {what}. h hämtar den valda hit, f gör en ny granskning utifrån den, "
            "s söker.")
        self._detail(table.cursor_row)

    def _detail(self, row: int) -> None:
        review = self.current(row)
        text = "" if review is None else (
            f"{review.title}\n{review.unit}, {review.municipality}. Skickad av "
            f"{review.pushed_by} {review.pushed_at:%Y-%m-%d %H:%M}. "
            f"Id {short_id(review.review_id)}.")
        passage = self._passages.get(review.review_id, "") if review is not None else ""
        if passage:
            text += f"\n… {passage} …"
        self.query_one("#archive-detail", Static).update(text)

    def current(self, row: int | None = None) -> ArchivedReview | None:
        """The archived review under the cursor (or on ``row``)."""
        if row is None:
            row = self.query_one("#archive-table", DataTable).cursor_row
        return self.archived[row] if 0 <= row < len(self.archived) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted review in full."""
        self._detail(event.cursor_row)

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        """Enter on a row (the table takes the key before the screen's binding)."""
        self.action_open()

    # --- actions ---------------------------------------------------------------------------

    def action_search(self) -> None:
        """Write words to search for."""
        self.query_one("#archive-search", Input).focus()

    @on(Input.Submitted, "#archive-search")
    def _searched(self, event: Input.Submitted) -> None:
        self.query_one("#archive-bar", Static).update("Söker i arkivet …")
        self.query_one("#archive-table", DataTable).focus()
        self._load(event.value.strip())

    def action_reload(self) -> None:
        """Read the list again (a search is left)."""
        self.query_one("#archive-search", Input).value = ""
        self.query_one("#archive-bar", Static).update("Hämtar listan från arkivet …")
        self._load("")

    def action_open(self) -> None:
        """Open the review when it is in the store; otherwise say how to bring it."""
        review = self.current()
        if review is None:
            return
        if review.review_id not in self._local:
            self.notify("Granskningen finns bara i arkivet. Tryck h för att hämta den hit.",
                        severity="warning")
            return
        self.post_message(OpenReview(review.review_id))

    def action_new_from(self) -> None:
        """Ny granskning utifrån …: the highlighted review brought here (when it is not) and a
        new review of the same unit started from it, after a question."""
        review = self.current()
        if review is None or not self._writable():
            return
        question = (f"Skapa en ny granskning utifrån ”{review.title}”?\n"
                    + ("" if review.review_id in self._local else
                       "Den hämtas först hit från arkivet. ")
                    + "Mallen, uppgifterna och avsnitten följer med, med perioden ett år "
                    "senare; inga svar, akter, intervjuer eller bedömningar.")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if review.review_id in self._local:
                self.dismiss(review.review_id)
            else:
                self.notify("Hämtar från arkivet …", timeout=2)
                self._pull(review.review_id, then_new=True)

        self.app.push_screen(ConfirmDialog(question, yes="Skapa"), answered)

    def _writable(self) -> bool:
        if self._store.read_only:
            self.notify("Databasen är öppnad skrivskyddad; inget kan hämtas.", severity="error")
        return not self._store.read_only

    def action_pull(self) -> None:
        """Bring the highlighted review into the store, after a question."""
        review = self.current()
        if review is None or not self._writable():
            return
        here = review.review_id in self._local
        question = (f"Hämta ”{review.title}” från arkivet?\n"
                    + ("Den finns redan här: arkivets ändringar slås ihop med den här."
                       if here else "Den läggs till bland granskningarna här.")
                    + (" Den är signerad och kommer in låst." if review.signed else ""))

        def answered(yes: bool | None) -> None:
            if yes:
                self.notify("Hämtar från arkivet …", timeout=2)
                self._pull(review.review_id)

        self.app.push_screen(ConfirmDialog(question, yes="Hämta"), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="archive-pull")
    def _pull(self, review_id: str, *, then_new: bool = False) -> None:
        from kvtui.store.archive import on_archive, pull, pulled_said
        from kvtui.store.archive_engine import ArchiveError

        try:
            self._store.prepare_orm()
            done = on_archive(self._target, lambda engine: pull(self._store, engine, review_id))
        except (ArchiveError, InvalidInput, NotFound, StoreError) as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", timeout=10,
                                      markup=False)
            return
        self.app.call_from_thread(self._pulled, review_id, pulled_said(done), then_new)

    def _pulled(self, review_id: str, said: str, then_new: bool) -> None:
        self._local.add(review_id)
        self.notify(said, timeout=8, markup=False)
        if then_new:
            self.dismiss(review_id)
            return
        self._show(self.archived, self._passages, self.query_one("#archive-search",
                                                                 Input).value.strip())

    def action_back(self) -> None:
        """Back to Granskningar (from the search field: empty it first)."""
        field = self.query_one("#archive-search", Input)
        if field.has_focus and field.value:
            field.value = ""
            return
        self.dismiss(None)
