"""The workspace part Faktagranskning (key 7): the draft sent to the unit, its comments, and
how the auditor handled each.

``u`` sends a draft: after a question (it cannot be undone) the draft PDF is rendered in a
thread worker with a progress bar, written under ``exports/`` and the report's content frozen
with its hash; the review gets the status Faktagranskning (``kvtui.release.flow.send_draft``,
the same step as ``kvtui factcheck`` on the command line). The unit's comments are recorded
by role, never by name (``a``, ``e``), answered Ändrat or Ej ändrat with a reason (``r``), and
``j`` shows what has changed in the report since the draft was sent, which the unit has not
seen. What may be recorded, and when, is decided by ``kvtui.store.factcheck``; this part asks
and shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import Worker, WorkerState

from kvtui import paths
from kvtui.crash_log import unexpected_error
from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.plural import noun, plural
from kvtui.domain.reviews import SIGNED, status_label
from kvtui.domain.signoff import CommentView, FactCheckRoundView
from kvtui.release.flow import send_draft
from kvtui.store.assessments import review_sections
from kvtui.store.database import Store, StoreError
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.factcheck import delete_comment, list_comments, rounds
from kvtui.store.factcheck_changes import changes_since_factcheck
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.factcheck_changes import ChangesScreen, round_label
from kvtui.tui.dialogs.factcheck_comment import CommentDefaults, CommentDialog
from kvtui.tui.dialogs.factcheck_response import ResponseDialog
from kvtui.tui.format import DASH, shorten
from kvtui.tui.widgets.part_base import WorkspacePart, cursor_key, move_cursor_to, takes_focus

SEND_GROUP = "factcheck-send"
BUSY = "Ett utkast skickas redan; vänta tills det är klart."
HASH_LENGTH = 12
ROUNDS_SHOWN = 3
NOT_SENT = ("Inget utkast har skickats ännu. Tryck u för att skicka ett utkast till "
            "verksamheten.")
NO_COMMENTS = "Inga synpunkter ännu. Tryck a för att anteckna en synpunkt från verksamheten."
SEND_QUESTION = (
    "Skicka utkastet för faktagranskning? Utkastet fryses som det är nu och granskningen får "
    "status Faktagranskning. Du kan fortsätta arbeta; ändringar efter detta syns under Jämför. "
    "Det går inte att ångra."
)
PICK_FIRST = "Välj en synpunkt i listan först."

# Column widths: the date and the response are fixed; the rest share what the part has. The
# table has no cell padding: each column is one cell wider than its longest text instead, which
# leaves the text five more cells at 80×24.
DATE_WIDTH = 10
ANSWER_WIDTH = 11  # "Ej besvarad"
GAP = 1
COLUMNS = 5
MIN_WIDTH = 8
SCROLLBAR = 1
DEFAULT_WIDTH = 56  # the table at 80×24 without its scrollbar, before the first layout


def column_widths(available: int) -> tuple[int, int, int]:
    """Widths of the texts of Avsnitt, Roll and Synpunkt in a table ``available`` cells wide.

    At 80×24 the three share about 30 cells, so each gives way a little and the detail under
    the table shows the selected comment in full; a wider terminal gives the text the most.
    """
    rest = available - COLUMNS * GAP - DATE_WIDTH - ANSWER_WIDTH
    third = rest // 3
    section = max(MIN_WIDTH, min(24, third))
    role = max(MIN_WIDTH, min(16, third))
    return section, role, max(MIN_WIDTH, rest - section - role)


def rounds_lines(sent: list[FactCheckRoundView]) -> list[str]:
    """The drafts sent, newest last: number, date and the start of the content's hash."""
    lines = [f"{round_label(r)} · innehåll {r.content_sha256[:HASH_LENGTH]}"
             for r in sent[-ROUNDS_SHOWN:]]
    if len(sent) > ROUNDS_SHOWN:
        earlier = len(sent) - ROUNDS_SHOWN
        lines.insert(0, f"… och {earlier} tidigare utkast")
    return lines


def comments_line(comments: list[CommentView]) -> str:
    """How many comments there are and how many still wait for a response."""
    if not comments:
        return NO_COMMENTS
    count = len(comments)
    open_ = sum(1 for c in comments if not c.response)
    waiting = ("alla besvarade" if not open_
               else f"{open_} ej {noun(open_, 'besvarad', 'besvarade')}")
    return f"{plural(count, 'synpunkt', 'synpunkter')} · {waiting}"


class FactCheckPart(WorkspacePart):
    """Faktagranskning: send the draft, record the unit's comments, respond, compare."""

    LOCKED_MESSAGE = "Granskningen är signerad och låst; faktagranskningen kan inte ändras."

    BINDINGS = [
        Binding("u", "send", "Skicka utkast",
                tooltip="Skicka utkast för faktagranskning (PDF; fryser innehållet)",
                id="factcheck.send"),
        Binding("a", "add", "Ny synpunkt", tooltip="Ny synpunkt från verksamheten",
                id="factcheck.add"),
        # Not in the footer, where Jämför would not fit at 80 columns; Enter does the same.
        Binding("e", "edit", "Ändra", tooltip="Ändra synpunkten (även Enter)", show=False,
                id="factcheck.edit"),
        Binding("r", "respond", "Svara", tooltip="Svara: Ändrat eller Ej ändrat, med motivering",
                id="factcheck.respond"),
        Binding("x,delete", "remove", "Ta bort", tooltip="Ta bort synpunkten",
                id="factcheck.remove"),
        Binding("j", "compare", "Jämför",
                tooltip="Jämför: vad som har ändrats i rapporten sedan utkastet skickades",
                id="factcheck.compare"),
    ]

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(store, review_id, id=id)
        self._rounds: list[FactCheckRoundView] = []
        self._comments: list[CommentView] = []
        self._sections: list[tuple[str, str]] = []
        self._status = ""
        self._defaults = CommentDefaults()
        self._last_path: Path | None = None
        self._widths = column_widths(DEFAULT_WIDTH)

    def compose(self) -> ComposeResult:
        yield Static("", id="factcheck-status", markup=False)
        yield DataTable(id="factcheck-table", cursor_type="row", zebra_stripes=True,
                        cell_padding=0)
        yield Static("", id="factcheck-detail", markup=False)
        with Horizontal(id="factcheck-progress"):
            yield ProgressBar(total=100, show_eta=False, id="factcheck-progress-bar")
            yield Static("", id="factcheck-progress-label", markup=False)

    def on_mount(self) -> None:
        self.query_one("#factcheck-progress").display = False
        self._set_columns()

    def focus(self, scroll_visible: bool = True) -> Self:
        """Entering the part puts the cursor in the list of comments."""
        self.table.focus(scroll_visible)
        return self

    # --- what is on show -----------------------------------------------------------------------

    @property
    def table(self) -> DataTable[str]:
        """The unit's comments."""
        return self.query_one("#factcheck-table", DataTable)

    @property
    def comments(self) -> list[CommentView]:
        """The comments as last read, in report order."""
        return list(self._comments)

    @property
    def sent(self) -> list[FactCheckRoundView]:
        """The drafts sent, oldest first, as last read."""
        return list(self._rounds)

    @property
    def last_path(self) -> Path | None:
        """The file of the draft sent last from this part, if any."""
        return self._last_path

    @property
    def sending(self) -> bool:
        """Whether a draft is being rendered and sent."""
        return any(worker.group == SEND_GROUP and worker.is_running for worker in self.workers)

    @property
    def current_comment(self) -> CommentView | None:
        """The comment under the cursor."""
        key = cursor_key(self.table)
        return next((c for c in self._comments if c.id == key), None)

    def reload(self, select: str | None = None) -> None:
        """Read the drafts and comments again; keep the cursor on the same comment."""
        try:
            with self.store.session() as session:
                self._status = self.read_status(session)
                self._rounds = rounds(session, self.review_id)
                self._comments = list_comments(session, self.review_id)
                self._sections = [(s.id, s.heading)
                                  for s in review_sections(session, self.review_id)]
        except NotFound as error:
            self.notify(str(error), severity="error", markup=False)
            return
        lines = [f"Status: {status_label(self._status)}"]
        if self._status == SIGNED:
            lines[0] += " · låst, synpunkterna kan läsas men inte ändras"
        elif self.store.read_only:
            lines[0] += " · databasen är skrivskyddad"
        lines += rounds_lines(self._rounds) if self._rounds else [NOT_SENT]
        if self._rounds:
            lines.append(comments_line(self._comments))
        self.query_one("#factcheck-status", Static).update("\n".join(lines))
        current = self.current_comment
        self._fill(select or (current.id if current else None))
        # A draft finishes sending in the background: a part not on show takes no keyboard.
        if self.display and takes_focus(self):
            self.focus()

    def _set_columns(self) -> None:
        section, role, text = self._widths
        table = self.table
        table.clear(columns=True)
        table.add_column("Avsnitt", width=section + GAP, key="section")
        table.add_column("Roll", width=role + GAP, key="role")
        table.add_column("Datum", width=DATE_WIDTH + GAP, key="date")
        table.add_column("Svar", width=ANSWER_WIDTH + GAP, key="response")
        table.add_column("Synpunkt", width=text + GAP, key="text")

    def _fill(self, keep: str | None) -> None:
        section, role, text = self._widths
        table = self.table
        table.clear()
        for comment in self._comments:
            table.add_row(
                shorten(comment.section_label, section),
                shorten(comment.role, role) or DASH,
                comment.received_on.isoformat() if comment.received_on else DASH,
                comment.response_label,
                shorten(" ".join(comment.text.split()), text),
                key=comment.id,
            )
        move_cursor_to(table, keep)
        self._show_detail()

    def on_resize(self, event: events.Resize) -> None:
        """Give the text column what the part's width allows."""
        available = self.content_size.width - SCROLLBAR
        widths = column_widths(available if available > 0 else DEFAULT_WIDTH)
        if widths != self._widths:
            self._widths = widths
            current = self.current_comment
            self._set_columns()
            self._fill(current.id if current else None)

    def _show_detail(self) -> None:
        detail = self.query_one("#factcheck-detail", Static)
        comment = self.current_comment
        if comment is None:
            detail.update("")
            detail.display = False
            return
        detail.display = True
        # At most three lines of the comment and two of the response, so that the response
        # always shows; the dialogs (e, r) show both in full.
        line = max(self.content_size.width, DEFAULT_WIDTH)
        when = comment.received_on.isoformat() if comment.received_on else DASH
        lines = [f"{comment.section_label} · {comment.role or DASH} · {when}",
                 shorten(" ".join(comment.text.split()), 3 * line - 24)]
        answer = comment.response_label
        if comment.response_reason:
            answer += ": " + " ".join(comment.response_reason.split())
        lines.append(shorten(f"Svar: {answer}", 2 * line - 16))
        detail.update("\n".join(lines))

    @on(DataTable.RowHighlighted, "#factcheck-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected, "#factcheck-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _changed(self, select: str | None = None) -> None:
        self.reload(select)
        self.post_message(self.Changed(self))

    # --- sending the draft ----------------------------------------------------------------------

    def action_send(self) -> None:
        """Skicka utkast, after a question: it freezes the content and cannot be undone."""
        if self.sending:
            self.notify(BUSY, severity="warning")
            return
        if not self.writable():
            return
        question = SEND_QUESTION
        if self._rounds:
            question += f" Det blir utkast {len(self._rounds) + 1}."

        def answered(yes: bool | None) -> None:
            if yes:
                self._start_sending()

        self.app.push_screen(ConfirmDialog(question, yes="Skicka"), answered)

    def _start_sending(self) -> None:
        self.query_one("#factcheck-progress").display = True
        self.query_one("#factcheck-progress-bar", ProgressBar).update(progress=0)
        self.query_one("#factcheck-progress-label", Static).update("Startar …")
        self._send()

    @work(thread=True, exclusive=True, exit_on_error=False, group=SEND_GROUP)
    def _send(self) -> None:
        """In a thread: render the draft, write it, freeze the content (``send_draft``)."""
        def progress(share: float, what: str) -> None:
            self.app.call_from_thread(self._progress, share, what)

        folder = paths.exports_dir(self.store.path)
        with self.store.session() as session:
            released = send_draft(session, self.review_id, folder, progress=progress)
        number = released.factcheck.number if released.factcheck else 0
        self.app.call_from_thread(self._sent, released.path, released.pages, number)
        for warning in released.warnings:
            self.app.call_from_thread(self.notify, warning, title="Obs", severity="warning",
                                      timeout=30, markup=False)

    def _progress(self, share: float, what: str) -> None:
        self.query_one("#factcheck-progress-bar", ProgressBar).update(progress=round(share * 100))
        self.query_one("#factcheck-progress-label", Static).update(what)

    def _sent(self, path: Path, pages: int, number: int) -> None:
        self._last_path = path
        self.query_one("#factcheck-progress").display = False
        self._changed()
        self.notify(f"Utkast {number} ({pages} sidor) är skickat för faktagranskning och "
                    f"sparat i {path}", title="Utkast skickat", timeout=15, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed send: say why in Swedish, never a traceback; nothing was frozen."""
        if event.worker.group != SEND_GROUP:
            return
        if event.state == WorkerState.ERROR:
            self.query_one("#factcheck-progress").display = False
            error = event.worker.error
            assert error is not None  # a worker in the ERROR state holds its error
            if isinstance(error, InvalidInput | NotFound):
                message = str(error)
            elif isinstance(error, OSError):
                message = f"Utkastet kunde inte skrivas: {file_error_reason(error)}."
            elif isinstance(error, StoreError):
                raise error  # the store's file has gone: the app says where the work is
            else:
                message = unexpected_error("Utkastet kunde inte skickas.", error)
            self.notify(message, severity="error", timeout=15, markup=False)
            self.reload()
        elif event.state == WorkerState.CANCELLED:
            self.query_one("#factcheck-progress").display = False

    # --- the unit's comments --------------------------------------------------------------------

    def action_add(self) -> None:
        """Ny synpunkt: what the unit said about the draft."""
        if not self.writable():
            return
        if not self._rounds:
            self.notify("Skicka först ett utkast (u); synpunkterna gäller utkastet.",
                        severity="warning")
            return
        self._edit(None)

    def action_edit(self) -> None:
        """Ändra the comment under the cursor."""
        comment = self.current_comment
        if comment is None:
            self.notify(PICK_FIRST, severity="warning")
        elif self.writable():
            self._edit(comment)

    def _edit(self, comment: CommentView | None) -> None:
        def saved(result: CommentView | None) -> None:
            if result is None:
                return
            if comment is None:
                self._defaults = CommentDefaults(result.section_id, result.role,
                                                 result.received_on)
            self._changed(select=result.id)
            verb = "ändrad" if comment is not None else "antecknad"
            self.notify(f"Synpunkten är {verb}.", timeout=3)

        self.app.push_screen(
            CommentDialog(self.store, self.review_id, comment, self._sections, self._defaults),
            saved,
        )

    def action_respond(self) -> None:
        """Svara on the comment under the cursor: Ändrat or Ej ändrat, and why."""
        comment = self.current_comment
        if comment is None:
            self.notify(PICK_FIRST, severity="warning")
            return
        if not self.writable():
            return

        def saved(result: CommentView | None) -> None:
            if result is not None:
                self._changed(select=result.id)
                self.notify(f"Svaret är sparat: {result.response_label}.", timeout=3)

        self.app.push_screen(ResponseDialog(self.store, self.review_id, comment), saved)

    def action_remove(self) -> None:
        """Ta bort the comment under the cursor, after asking (the change log keeps it)."""
        comment = self.current_comment
        if comment is None:
            self.notify(PICK_FIRST, severity="warning")
            return
        if not self.writable():
            return
        who = escape(comment.role or "verksamheten")
        question = (f"Ta bort synpunkten från {who} om {escape(comment.section_label)}? "
                    "Ändringsloggen behåller vad den sa.")

        def done() -> None:
            self._changed()
            self.notify("Synpunkten är borttagen.", timeout=3)

        self.remove_after_asking(
            question, lambda session: delete_comment(session, self.review_id, comment.id), done
        )

    # --- comparing ------------------------------------------------------------------------------

    def action_compare(self) -> None:
        """Jämför: what has changed in the report since the last draft was sent."""
        try:
            with self.store.session() as session:
                found = changes_since_factcheck(session, self.review_id)
        except NotFound as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if found is None:
            self.notify("Inget utkast har skickats ännu, så det finns inget att jämföra med.",
                        severity="warning")
            return
        sent, changes = found
        self.app.push_screen(ChangesScreen(sent, changes))
