"""Sök i granskningen (Ctrl+F, or the command palette): all free text of one review.

Results (what kind of record, where it is, the matching passage) follow the typing; the search
runs in a thread worker, so a keystroke never waits for it. Enter on a hit closes the search
and shows the record in its part of the workspace: an interview or observation in Intervjuer,
a document in Dokument, a section text or statement in Bedömningar, a comment on an answer in
Aktgranskning. Only inside a review's workspace: a search is always within one review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from kvtui.crash_log import unexpected_error
from kvtui.store.answers import answer_rows
from kvtui.store.assessments import get_assessment, review_sections
from kvtui.store.database import Store, StoreError
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.interviews import list_interviews
from kvtui.store.search import SearchHit, search
from kvtui.tui.messages import JumpTarget, JumpTo
from kvtui.tui.screens.workspace import WorkspaceScreen

# Marks the store puts around matched words; private-use characters never typed by anyone.
_OPEN, _CLOSE = "\ue000", "\ue001"
MATCH_STYLE = "bold reverse"
HINT = "Skriv ett eller flera ord. Alla ord måste finnas; det sista får vara början av ett ord."

# Hits that have no part of their own are shown by the part they belong to.
_PARTS = {"review": "overview", "interview": "interviews", "observation": "interviews",
          "document": "documents", "section_text": "assessments", "assessment": "assessments",
          "answer": "filereview", "factcheck": "factcheck"}


def marked(snippet: str) -> Text:
    """A snippet with the store's marks turned into highlighted words."""
    text = Text()
    rest = snippet
    while _OPEN in rest:
        before, _, after = rest.partition(_OPEN)
        word, _, rest = after.partition(_CLOSE)
        text.append(before)
        text.append(word, style=MATCH_STYLE)
    text.append(rest)
    return text


def hit_prompt(hit: SearchHit) -> Text:
    """A hit in the list: its kind and label, then the matching passage."""
    text = Text()
    text.append(hit.kind_label, style="bold")
    if hit.label:
        text.append(f" · {hit.label}")
    text.append("\n")
    text.append_text(marked(hit.snippet))
    return text


def hit_target(session: Session, review_id: str, hit: SearchHit) -> JumpTarget:
    """Where a hit is shown in the workspace."""
    part = _PARTS.get(hit.kind, "overview")
    if hit.kind == "interview":
        return JumpTarget(part, interview_id=hit.record_id)
    if hit.kind == "observation":
        for interview in list_interviews(session, review_id):
            if any(o.id == hit.record_id for o in interview.observations):
                return JumpTarget(part, interview_id=interview.id,
                                  observation_id=hit.record_id)
        return JumpTarget(part)
    if hit.kind == "document":
        return JumpTarget(part, document_id=hit.record_id)
    if hit.kind == "assessment":
        assessment = get_assessment(session, review_id, hit.record_id)
        return JumpTarget(part, section_id=assessment.section_id, assessment_id=assessment.id)
    if hit.kind == "section_text":
        # The index labels a section text with its section's heading ("4.2 Organisation …").
        section = next((s for s in review_sections(session, review_id)
                        if s.heading == hit.label), None)
        return JumpTarget(part, section_id=section.id if section else "")
    if hit.kind == "answer":
        answer = next((a for a in answer_rows(session, review_id) if a.id == hit.record_id),
                      None)
        if answer is not None:
            return JumpTarget(part, case_file_id=answer.case_file_id,
                              criterion_id=answer.criterion_id)
    return JumpTarget(part)


@dataclass(frozen=True)
class _Found:
    query: str
    hits: list[SearchHit]


class SearchScreen(ModalScreen[JumpTarget | None]):
    """Searches one review as the auditor types; dismisses with where to go, or None."""

    BINDINGS = [
        Binding("escape", "close", "Stäng", id="search.close"),
        Binding("down", "to_results", "Till träffarna", show=False, id="search.to_results"),
    ]

    def __init__(self, store: Store, review_id: str) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box", classes="dialog-box"):
            yield Static("Sök i granskningen", classes="box-title")
            yield Input(placeholder="Sök i anteckningar, iakttagelser, dokument, texter …",
                        id="search-input", compact=True)
            yield Static(HINT, id="search-status", markup=False)
            yield OptionList(id="search-results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search-input", Input).focus()

    @property
    def hits(self) -> list[SearchHit]:
        """The hits shown now."""
        return list(self._hits)

    # --- searching -----------------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if not event.value.strip():
            self._show(_Found(event.value, []))
            return
        self._search(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def _search(self, query: str) -> None:
        """Run the query in a thread; only the newest query's hits are shown."""
        with self._store.session() as session:
            hits = search(session, self._review_id, query, marks=(_OPEN, _CLOSE))
        self.app.call_from_thread(self._show, _Found(query, hits))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A search that failed: the store gone is the app's to say; anything else is said
        here in Swedish, the details in the crash log."""
        if event.worker.group != "search" or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, StoreError):
            raise error
        if error is not None:
            self.query_one("#search-status", Static).update(
                Text(unexpected_error("Sökningen kunde inte göras.", error)))

    def _show(self, found: _Found) -> None:
        if not self.is_mounted:
            return
        if found.query != self.query_one("#search-input", Input).value:
            return  # typing has moved on; its own search is on its way
        self._hits = found.hits
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        options: list[Option | None] = []
        for index, hit in enumerate(found.hits):
            if index:
                options.append(None)  # a line between hits
            options.append(Option(hit_prompt(hit), id=str(index)))
        results.add_options(options)
        status = self.query_one("#search-status", Static)
        if not found.query.strip():
            status.update(HINT)
        elif not found.hits:
            status.update("Inga träffar.")
        else:
            count = len(found.hits)
            status.update(f"{count} träff{'ar' if count > 1 else ''}. ↓ går till träffarna, "
                          "Enter visar den valda.")
        if found.hits:
            results.highlighted = 0

    # --- going to a hit ------------------------------------------------------------------------

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._hits:
            self._go(self._hits[0])

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._go(self._hits[int(event.option.id)])

    def _go(self, hit: SearchHit) -> None:
        try:
            with self._store.session() as session:
                target = hit_target(session, self._review_id, hit)
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.dismiss(target)

    def action_to_results(self) -> None:
        """↓ in the field: into the list of hits."""
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            results.focus()

    def action_close(self) -> None:
        """Close without going anywhere."""
        self.dismiss(None)


def open_search(app: App[Any], store: Store) -> None:
    """Open the search over the review workspace on show; the workspace shows the hit chosen."""
    # From the command palette, the palette may still be on top of the workspace.
    workspace = next((screen for screen in reversed(app.screen_stack)
                      if isinstance(screen, WorkspaceScreen)), None)
    if workspace is None:
        app.notify("Sökningen gäller en granskning: öppna granskningen först.",
                   severity="warning")
        return

    def chosen(target: JumpTarget | None) -> None:
        if target is not None:
            workspace.post_message(JumpTo(target))

    app.push_screen(SearchScreen(store, workspace.review_id), chosen)
