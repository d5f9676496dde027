"""The kvtui app: the screen stack, app-wide keys and the periodic backup.

``make_app`` is the one way to build the app, used by the command line and by the tests alike,
so that what is tested is what the auditor runs.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from contextlib import suppress
from typing import ClassVar

from rich.text import Text
from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, Provider
from textual.worker import Worker, WorkerFailed, WorkerState

from kvtui.crash_log import unexpected_error
from kvtui.store.backup import BackupError, BackupInfo, failure_reason, is_store_failure
from kvtui.store.database import Store, StoreError, StoreGone, unclean_notice
from kvtui.store.errors import NotFound
from kvtui.tui import heap
from kvtui.tui.key_guard import GuardedScreen
from kvtui.tui.messages import OpenPlan, OpenReview
from kvtui.tui.screens.reviews import ReviewsScreen

# The workspace, the form, help and the command palette's provider are imported when first
# opened, and SQLAlchemy with the row models in a worker after the first frame, so that the
# first frame (Granskningar, read with plain sqlite3) waits for none of them.

BACKUP_INTERVAL_SECONDS = 180.0
BACKUP_GROUP = "backup"
#: Said when kvtui must stop for an error nothing else caught, before where the details are.
CLOSED_BY_FAULT = "kvtui måste avslutas. Det som redan var sparat finns kvar i databasen."
STORE_GONE_TITLE = "Databasen finns inte där den var"
READ_ONLY_NOTICE = "Databasen är öppnad skrivskyddad: du kan läsa men inte ändra något."
WARM_UP_GROUP = "warm-up"


def _command_provider() -> type[Provider]:
    """The command palette's provider, loaded when the palette first opens.

    It lists reviews through the ORM, so importing it at start would load SQLModel before the
    first frame.
    """
    from kvtui.tui.commands import KvtuiCommands

    return KvtuiCommands


class ClosedByError(Exception):
    """Why the app had to close, in Swedish, for the auditor to read once it has gone.

    Textual shows an unhandled exception that renders itself (``__rich__``) as what it
    renders, not as a traceback.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __rich__(self) -> Text:
        return Text(self.message)


class KvtuiApp(App[None]):
    """The auditor's field kit: Granskningar first, a review's workspace on top of it."""

    TITLE = "kvtui"
    CSS_PATH = ["app.tcss", "casefiles.tcss", "filereview.tcss", "judgement.tcss", "report.tcss",
                "factcheck.tcss", "plan.tcss", "conflicts.tcss", "archive.tcss"]
    COMMANDS: ClassVar = {_command_provider}
    # A screen under a dialog: its footer keeps to one row, hidden by the dialog's own.
    SUSPENDED_SCREEN_CLASS: ClassVar[str] = "-suspended"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so that F1 also works over forms and dialogs (modal screens).
        Binding("f1", "help", "Hjälp", priority=True, id="app.help"),
        # Shown in the footer of Granskningar only, where there is room for it.
        Binding("ctrl+q", "quit", "Avsluta", show=False, priority=True, id="app.quit"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Kommandon",
            show=False,
            priority=True,
            tooltip="Sök bland alla kommandon",
            id="app.command_palette",
        ),
        # Only in a review's workspace (check_action); Ctrl+F, since letters are typed in texts.
        Binding("ctrl+f", "search", "Sök", tooltip="Sök i granskningen", id="app.search"),
    ]

    def __init__(self, store: Store, *, open_review: str | None = None) -> None:
        super().__init__()
        self.store = store
        self._open_review_ref = open_review
        self._closing_on_error = False

    def _handle_exception(self, error: Exception) -> None:
        """Every exception that no handler caught: a Swedish message, never a traceback.

        Textual's own answer prints a traceback with each frame's local variables, which hold
        case data. Textual 8.2.8 has no public hook for this: every message loop, timer and
        worker that fails calls this method, so it is overridden, and the error is handed on
        to Textual's own as a ``ClosedByError``, which it shows as its Swedish text instead
        of a traceback; the rest (return code 1, closing, what tests wait on) stays
        Textual's. The app closes in every case: Textual has already stopped the message loop
        of the widget or screen the error came from.

        A ``StoreGone`` (the store's file moved, deleted or replaced) has the store stop
        writing and save what it held, and says where (``Store.lost_work_notice``); another
        ``StoreError`` is said as it is; anything else is a fault in kvtui: its details go to
        the crash log and a Swedish sentence says where (``crash_log.unexpected_error``).
        Errors after the first, while closing, are not said again.
        """
        if isinstance(error, WorkerFailed) and isinstance(error.error, Exception):
            error = error.error  # from a worker that closes the app when it fails
        if self._closing_on_error:
            return
        self._closing_on_error = True
        self._keep_drafts_while_closing()
        if isinstance(error, StoreGone):
            message = self.store.lost_work_notice() or str(error)
            self.store.lost_work_told = True
        elif isinstance(error, StoreError):
            message = str(error)
        else:
            message = unexpected_error(CLOSED_BY_FAULT, error)
        closed = ClosedByError(message)
        closed.__cause__ = error
        super()._handle_exception(closed)

    def on_mount(self) -> None:
        self.push_screen(ReviewsScreen(self.store))
        self.call_after_refresh(self.prepare_store)  # SQLAlchemy and the models, after 1st frame
        if self.store.warning:
            self.notify(self.store.warning, severity="warning", timeout=20, markup=False)
        if self.store.was_unclean:
            self.notify(unclean_notice(self.store), timeout=10, markup=False)
        if self.store.read_only:
            self.notify(READ_ONLY_NOTICE, severity="warning", timeout=10)
        if self.store.start_backup is None and not self.store.read_only:
            self.call_after_refresh(self.start_backup)  # after the first frame
        self.set_interval(BACKUP_INTERVAL_SECONDS, self.periodic_backup)
        if self._open_review_ref:
            self._open_initial(self._open_review_ref)
        if not self.is_headless:
            self._on_hangup_or_terminate(self._keep_typed_text_and_exit)

    def _on_hangup_or_terminate(self, handler: Callable[[], None]) -> None:
        """Run ``handler`` in the event loop when the terminal closes (SIGHUP) or the process
        is told to stop (SIGTERM); where the platform has no such signals, nothing."""
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            number = getattr(signal, name, None)
            if number is None:
                continue
            with suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, handler)

    def _keep_drafts_while_closing(self) -> None:
        """Closing on an error (the terminal gone, say): what the open dialogs hold is kept as
        drafts if it still can be; nothing here may stop the closing."""
        dialogs = sys.modules.get("kvtui.tui.dialogs.unsaved")
        if dialogs is not None:
            with suppress(Exception):
                dialogs.keep_all_drafts(self)

    def _keep_typed_text_and_exit(self) -> None:
        """The terminal is going away: every open dialog's text is kept as a draft and every
        editor's text saved, before kvtui closes."""
        from kvtui.tui.dialogs.unsaved import keep_all_drafts
        from kvtui.tui.widgets.judgement_editor import AutoSaveEditor

        keep_all_drafts(self)
        for screen in self.screen_stack:
            for editor in screen.query(AutoSaveEditor):
                editor.flush()
        self.exit()

    @work(thread=True, exclusive=True, exit_on_error=False, group=WARM_UP_GROUP)
    def prepare_store(self) -> None:
        """Load the ORM in the background, so that opening a review later does not wait for it.

        Granskningar reads with plain sqlite3; everything after it uses SQLModel, which takes
        about half a second to import. A failure here shows up again, and is reported, where
        the ORM is first really used.
        """
        self.store.prepare_orm()
        self._tell_about_drafts()

    def _tell_about_drafts(self) -> None:
        """From the warm-up worker: text left in dialogs when kvtui last closed without
        saving it (a killed terminal) is waiting; say where it comes back."""
        from kvtui.store.drafts import drafts_left

        connection = self.store.plain_connection()
        try:
            drafts = drafts_left(connection)
        finally:
            connection.close()
        if drafts:
            where = ", ".join(f"{draft.title} ({draft.saved_label})" for draft in drafts)
            self.call_from_thread(
                self.notify, f"Osparad text finns kvar från: {where}. Den kommer tillbaka när "
                "du öppnar samma dialog igen.", title="Osparad text", timeout=20, markup=False)

    def _open_initial(self, ref: str) -> None:
        """The review named on the command line, by full or short id."""
        from kvtui.store.reviews import resolve_review_id

        try:
            with self.store.session() as session:
                review_id = resolve_review_id(session, ref)
        except NotFound as error:
            self.notify(str(error), severity="error", timeout=10, markup=False)
            return
        self.open_review(review_id)

    # --- screens ------------------------------------------------------------------------------

    def open_review(self, review_id: str) -> None:
        """Show a review's workspace over Granskningar, closing any other open review."""
        from kvtui.tui.screens.workspace import WorkspaceScreen

        while isinstance(self.screen, WorkspaceScreen):
            self.pop_screen()
        self.push_screen(WorkspaceScreen(self.store, review_id))
        self.call_after_refresh(heap.settle, "workspace")  # its modules are loaded by now

    def on_key(self, event: events.Key) -> None:
        """A key no widget took, before the bindings see it: in the workspace, text typed
        into a list is held rather than taken as commands, and text typed just before a dialog
        opened goes into it (``kvtui.tui.key_guard``). Here and not on the screen, because only
        here keys come one after the other, the command of each run before the next is seen."""
        screen = self.screen
        if isinstance(screen, GuardedScreen):
            screen.key_guard.take(event)
        elif len(self.screen_stack) > 1 and isinstance(self.screen_stack[-2], GuardedScreen):
            self.screen_stack[-2].key_guard.pass_on(event, screen)

    def on_open_review(self, message: OpenReview) -> None:
        """A screen asked for a review; the app owns the stack, so it does the opening."""
        self.open_review(message.review_id)

    def on_open_plan(self, message: OpenPlan) -> None:
        """A screen asked for the plan of a review's unit."""
        self.open_plan(message.review_id)

    def open_plan(self, review_id: str) -> None:
        """Show the action plan of the review's unit over the screen on show."""
        from kvtui.tui.screens.plan import open_unit_plan

        open_unit_plan(self, self.store, review_id)

    def action_new_review(self) -> None:
        """Ny granskning: the form, then the new review's workspace."""
        from kvtui.tui.screens.new_review import ReviewFormScreen

        if self.store.read_only:
            self.notify(READ_ONLY_NOTICE, severity="warning")
            return

        def created(review_id: str | None) -> None:
            if review_id is not None:
                self.notify("Granskningen är skapad.", timeout=3)
                self.open_review(review_id)

        self.push_screen(ReviewFormScreen(self.store), created)

    def action_settings(self) -> None:
        """Inställningar: the committee's name and the logo on the report's cover."""
        from kvtui.tui.dialogs.look import LookDialog

        def saved(settings: object) -> None:
            if settings is not None:
                self.notify("Inställningarna är sparade. De gäller nästa rapport som "
                            "exporteras.", timeout=4)

        self.push_screen(LookDialog(), saved)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Sök only in a review's workspace (without loading the workspace module early)."""
        if action == "search":
            workspace = sys.modules.get("kvtui.tui.screens.workspace")
            return workspace is not None and isinstance(self.screen, workspace.WorkspaceScreen)
        return True

    def action_search(self) -> None:
        """Ctrl+F: Sök i granskningen, over the review's workspace."""
        from kvtui.tui.screens.search import open_search

        open_search(self, self.store)

    def action_help(self) -> None:
        """F1: every key, wherever the auditor is; F1 again closes it."""
        from kvtui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        """Ctrl+P, with a Swedish prompt."""
        # Textual annotates is_open for an App[object], but App is invariant in its result.
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(placeholder="Sök kommando …", id="--command-palette")
            )

    def action_help_quit(self) -> None:
        """Ctrl+C copies in text fields; say in Swedish how to quit instead."""
        self.notify("Tryck Ctrl+Q för att avsluta kvtui.", title="Vill du avsluta?")

    async def action_quit(self) -> None:
        """Ctrl+Q. Everything else is saved already; only an open dialog can hold text not
        saved, and then Spara / Släng / Fortsätt is asked for the topmost one.

        Ctrl+Q a second time, over the question, quits without asking again; the dialogs'
        drafts stay in the store and come back when they are opened again. The dialogs'
        module is looked up, not imported: if it was never loaded, no dialog is open, and
        importing it would load SQLModel just to quit.
        """
        dialogs = sys.modules.get("kvtui.tui.dialogs.unsaved")
        unsaved = [] if dialogs is None else dialogs.unsaved_dialogs(self.screen_stack)
        if dialogs is None or not unsaved or isinstance(self.screen, dialogs.UnsavedQuestion):
            self.exit()
            return
        dialog = unsaved[0]

        def saved_then_quit() -> None:
            if dialog not in self.screen_stack:  # saved and closed; else it says why not
                self.exit()

        def answered(answer: str | None) -> None:
            if answer == "save":
                dialog.action_save()
                self.call_after_refresh(saved_then_quit)
            elif answer == "discard":
                for each in unsaved:
                    each.forget_draft()
                self.exit()

        self.push_screen(dialogs.UnsavedQuestion(dialog.draft_title()), answered)

    # --- backups ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group=BACKUP_GROUP)
    def start_backup(self) -> None:
        """The start backup, made in the background once the first frame is drawn.

        The auditor can begin to work before it is done, so it does not precede her first
        change; what it promises is that kvtui does not go on changing a store it could not
        back up. If the backup fails in any way (no room on the disk, a copy that fails its
        check, a store that another program keeps locked), the store becomes read-only and the
        auditor is told why.
        """
        try:
            self.store.prepare_orm()  # not at the same time as the warm-up worker
            info = self.store.backup_if_changed()
        except StoreGone:
            self._say_store_gone()
            return
        except Exception as error:  # any failure: stop writing, never leave it unexplained
            message = self.store.start_backup_failed(error)
            if not (isinstance(error, BackupError | StoreError) or is_store_failure(error)):
                message = unexpected_error(message, error)  # a fault in kvtui: logged
            self.call_from_thread(
                self.notify, message, title="Säkerhetskopiering misslyckades",
                severity="error", timeout=30, markup=False,
            )
            return
        self._warn_about(info)

    @work(thread=True, exclusive=True, exit_on_error=False, group=BACKUP_GROUP)
    def periodic_backup(self) -> None:
        """Every few minutes, a verified backup if anything has changed since the last one.

        Runs in a thread so the auditor never waits for it; only a failure, or files in the
        backup folder that would not go, are reported. It is also where a store whose file
        was deleted or moved while nothing was being saved is noticed, and its work saved.
        """
        try:
            info = self.store.backup_if_changed()
        except StoreGone:
            self._say_store_gone()
            return
        self._warn_about(info)

    @work(thread=True, exclusive=True, exit_on_error=False, group=BACKUP_GROUP)
    def action_backup_now(self) -> None:
        """A verified backup now, e.g. before leaving the office with the laptop."""
        if self.store.read_only:
            self.call_from_thread(self.notify, READ_ONLY_NOTICE, severity="warning")
            return
        try:
            info = self.store.backup()
        except StoreGone:
            self._say_store_gone()
            return
        message = (f"Säkerhetskopian är gjord och kontrollerad ({info.label})." if info.new else
                   f"Databasen är oförändrad sedan säkerhetskopian från {info.label}.")
        self.call_from_thread(self.notify, message, timeout=4)
        self._warn_about(info)

    def _say_store_gone(self) -> None:
        """From a worker thread: the store's file has gone from its path; it is saved and
        read-only now (``Store.lost_work_notice``), and the auditor is told where her work is.
        """
        notice = self.store.lost_work_notice()
        if notice is not None:
            self.call_from_thread(self.notify, notice, title=STORE_GONE_TITLE,
                                  severity="error", timeout=60, markup=False)

    def _warn_about(self, info: BackupInfo | None) -> None:
        """From a worker thread: what a backup that was made left for the auditor to know."""
        if info is not None and info.warning:
            self.call_from_thread(self.notify, info.warning, severity="warning", timeout=15,
                                  markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Settle the heap once the ORM is loaded; report a failed backup: the auditor must
        know when her safety net is gone."""
        if event.worker.group == WARM_UP_GROUP and event.state == WorkerState.SUCCESS:
            heap.settle("orm")
            return
        if event.worker.group != BACKUP_GROUP or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        assert error is not None  # a worker in the ERROR state holds its error
        if isinstance(error, BackupError | StoreError):
            reason = str(error)
        elif is_store_failure(error):
            reason = f"Säkerhetskopian kunde inte göras ({failure_reason(error)})."
        else:
            reason = unexpected_error("Säkerhetskopian kunde inte göras.", error)
        self.notify(
            f"{reason} Ditt arbete är sparat i databasen; kvtui försöker igen om en stund.",
            title="Säkerhetskopiering misslyckades",
            severity="error",
            timeout=15,
            markup=False,
        )


def make_app(store: Store, *, open_review: str | None = None) -> KvtuiApp:
    """The app over an open store, optionally with a review (full or short id) opened."""
    return KvtuiApp(store, open_review=open_review)
