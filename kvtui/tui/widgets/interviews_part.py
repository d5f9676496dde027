"""The workspace part Intervjuer (key 4): interviews by role, their notes and observations.

Interviewees are recorded by role, never by name. The list at the top holds the review's
interviews; under it the chosen interview's notes, saved as the auditor types (no save key),
and its observations: short quotes or findings, each linked to the report sections it
supports, and citable as evidence in Bedömningar ("Citeras av" shows which statements do).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Self

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from kvtui.domain.assignment import MINE_MARK, AssignmentError, next_auditor
from kvtui.domain.judgement import InterviewView, ObservationView, short_text
from kvtui.domain.plural import noun, plural
from kvtui.domain.section_kinds import written
from kvtui.store.assessments import citing, review_sections
from kvtui.store.assignments import (
    Assignments,
    assign_interview,
    assignments,
    review_auditors,
)
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.interviews import (
    delete_interview,
    delete_observation,
    list_interviews,
    move_observation,
    set_interview_notes,
    suggested_roles,
)
from kvtui.tui.dialogs.interview_edit import InterviewDialog
from kvtui.tui.dialogs.interview_observation import ObservationDialog
from kvtui.tui.format import shorten
from kvtui.tui.key_guard import refuse
from kvtui.tui.messages import JumpTarget
from kvtui.tui.widgets.assignment import my_granskare
from kvtui.tui.widgets.judgement_editor import AutoSaveEditor, EditorArea, Saver
from kvtui.tui.widgets.judgement_format import with_dividers
from kvtui.tui.widgets.part_base import WorkspacePart, cursor_key, move_cursor_to, takes_focus

NO_INTERVIEWS = "Inga intervjuer ännu. Tryck a för att lägga till en intervju."
NOTES_TITLE = "Anteckningar"
ROLES_WIDTH = 34

# Which keys apply where the keyboard is: the list of interviews, the observations or both.
TABLE_ACTIONS = frozenset({"edit_interview", "remove_interview", "assign"})
OBSERVATION_ACTIONS = frozenset({"edit_observation", "remove_observation", "citing",
                                 "move_observation"})


def interview_row(interview: InterviewView) -> tuple[str, str, str, str]:
    """Datum, Form, Iaktt. and Roller of an interview, as the list shows them."""
    when = interview.held_on.isoformat() if interview.held_on else "utan datum"
    form = interview.form_label
    if interview.participants > 1 or interview.form == "group":
        form += f" ({interview.participants})"
    roles = ", ".join(interview.roles) or "–"
    return when, form, str(len(interview.observations)), shorten(roles, ROLES_WIDTH)


def observation_prompt(observation: ObservationView, headings: dict[str, str]) -> Text:
    """An observation in the list: the quote, then the sections it supports."""
    text = Text(f"”{observation.text}”")
    numbers = [headings.get(section_id, "?") for section_id in observation.section_ids]
    text.append("\n→ " + (", ".join(numbers) if numbers else "inget avsnitt"), style="dim")
    return text


class InterviewsPart(WorkspacePart):
    """Intervjuer: add, change and remove interviews; notes saved as typed; observations."""

    LOCKED_MESSAGE = "Granskningen är signerad och låst; intervjuerna kan inte ändras."

    BINDINGS = [
        Binding("a", "add", "Ny intervju", id="interviews.add"),
        Binding("e", "edit_interview", "Ändra", id="interviews.edit"),
        Binding("e", "edit_observation", "Ändra", id="interviews.edit_observation"),
        Binding("x,delete", "remove_interview", "Ta bort", id="interviews.remove"),
        Binding("x,delete", "remove_observation", "Ta bort",
                id="interviews.remove_observation"),
        Binding("o", "add_observation", "Ny iakttagelse", id="interviews.observe"),
        Binding("c", "citing", "Citeras av", id="interviews.citing"),
        Binding("g", "assign", "Granskare", tooltip="Ge intervjun till nästa granskare",
                id="interviews.assign"),
        Binding("ctrl+up", "move_observation(-1)", "Flytta upp", show=False,
                id="interviews.move_up"),
        Binding("ctrl+down", "move_observation(1)", "Flytta ned", show=False,
                id="interviews.move_down"),
    ]

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(store, review_id, id=id)
        self._interviews: list[InterviewView] = []
        self._sections: list[tuple[str, str]] = []  # (id, heading) of text sections
        self._numbers: dict[str, str] = {}  # section id -> number (or title)
        self._headings: dict[str, str] = {}  # section id -> heading
        self._roles: tuple[str, ...] = ()
        self._shown_id: str | None = None
        self._auditors: tuple[str, ...] = ()
        self._division = Assignments()
        self._me = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="interviews-summary", markup=False)
        yield DataTable(id="interviews-table", cursor_type="row", zebra_stripes=True)
        yield AutoSaveEditor(NOTES_TITLE, id="interview-notes",
                             placeholder="Anteckningar från intervjun. Sparas medan du skriver.")
        observations = OptionList(id="interview-observations")
        observations.border_title = "Iakttagelser"
        yield observations

    def on_mount(self) -> None:
        table = self.query_one("#interviews-table", DataTable)
        table.add_column("Datum", key="date")
        table.add_column("Form", key="form")
        table.add_column("Iaktt.", key="observations")
        table.add_column("Roller", key="roles")

    def focus(self, scroll_visible: bool = True) -> Self:
        """Entering the part puts the cursor in the list of interviews."""
        self.table.focus(scroll_visible)
        return self

    # --- what is on show -----------------------------------------------------------------------

    @property
    def table(self) -> DataTable[str]:
        """The list of interviews."""
        return self.query_one("#interviews-table", DataTable)

    @property
    def observation_list(self) -> OptionList:
        """The chosen interview's observations."""
        return self.query_one("#interview-observations", OptionList)

    @property
    def notes(self) -> AutoSaveEditor:
        """The chosen interview's notes."""
        return self.query_one("#interview-notes", AutoSaveEditor)

    @property
    def interviews(self) -> list[InterviewView]:
        """The interviews as last read."""
        return self._interviews

    @property
    def current_interview(self) -> InterviewView | None:
        """The interview under the cursor."""
        key = cursor_key(self.table)
        return next((i for i in self._interviews if i.id == key), None)

    @property
    def current_observation(self) -> ObservationView | None:
        """The observation highlighted in the list."""
        interview = self.current_interview
        option = self.observation_list.highlighted_option
        if interview is None or option is None:
            return None
        return next((o for o in interview.observations if o.id == option.id), None)

    def reload(self, select: str | None = None, observation: str | None = None) -> None:
        """Read the interviews again; keep the cursor where it was, or put it on ``select``
        (an interview id) and ``observation``."""
        try:
            with self.store.session() as session:
                self._interviews = list_interviews(session, self.review_id)
                sections = review_sections(session, self.review_id)
                self._roles = suggested_roles(session, self.review_id)
                self._auditors = review_auditors(session, self.review_id)
                self._division = assignments(session, self.review_id)
                self.read_status(session)
        except NotFound as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._sections = [(s.id, s.heading) for s in sections if written(s.kind)]
        self._numbers = {s.id: s.number or s.title for s in sections}
        self._headings = {s.id: s.heading for s in sections}
        self._fill_table(select)
        self._show_interview(observation, force=True)
        self.refresh_bindings()
        if takes_focus(self):
            self.focus()

    def _summary(self) -> str:
        count = len(self._interviews)
        if not count:
            return NO_INTERVIEWS
        observations = sum(len(i.observations) for i in self._interviews)
        people = sum(i.participants for i in self._interviews)
        return (f"{plural(count, 'intervju', 'intervjuer')} med {people} deltagare · "
                f"{plural(observations, 'iakttagelse', 'iakttagelser')}. "
                "Intervjupersoner anges med roll, aldrig med namn.")

    def _fill_table(self, select: str | None) -> None:
        self.query_one("#interviews-summary", Static).update(self._summary())
        table = self.table
        current = self.current_interview
        keep = select or (current.id if current else None)
        table.clear()
        divided = bool(self._division.interviews)
        if divided and "auditor" not in table.columns:
            table.add_column("Granskare", key="auditor")
        self._me = my_granskare(self._auditors) if divided else self._me
        for interview in self._interviews:
            cells: tuple[str, ...] = interview_row(interview)
            if "auditor" in table.columns:
                owner = self._division.interviews.get(interview.id, "")
                cells = (*cells, f"{MINE_MARK} {owner}" if owner and owner == self._me
                         else owner)
            table.add_row(*cells, key=interview.id)
        move_cursor_to(table, keep)

    def _show_interview(self, observation: str | None = None, *, force: bool = False) -> None:
        """Notes and observations of the interview under the cursor."""
        interview = self.current_interview
        notes = self.notes
        if interview is None:
            if self._shown_id is not None or force:
                notes.load("", None, title=NOTES_TITLE)
            self._shown_id = None
            self.observation_list.clear_options()
            self.observation_list.border_title = "Iakttagelser"
            return
        if interview.id != self._shown_id or notes.saved_text != interview.notes:
            notes.load(interview.notes, None if self._locked else self._notes_saver(interview.id),
                       title=f"{NOTES_TITLE} · {interview.label}")
        self._shown_id = interview.id
        options = self.observation_list
        keep = observation
        if keep is None and options.highlighted_option is not None:
            keep = options.highlighted_option.id
        options.clear_options()
        options.add_options(with_dividers(Option(observation_prompt(o, self._numbers), id=o.id)
                                          for o in interview.observations))
        count = len(interview.observations)
        options.border_title = f"Iakttagelser ({count})"
        ids = [o.id for o in interview.observations]
        if ids:
            options.highlighted = ids.index(keep) if keep in ids else 0

    def _notes_saver(self, interview_id: str) -> Saver:
        def save(text: str) -> None:
            with self.store.session() as session:
                set_interview_notes(session, self.review_id, interview_id, text)
            self._interviews = [
                replace(i, notes=text) if i.id == interview_id else i for i in self._interviews
            ]

        return save

    @on(DataTable.RowHighlighted, "#interviews-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_interview()
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#interviews-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_interview()

    @on(OptionList.OptionSelected, "#interview-observations")
    def _observation_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit_observation()

    @on(OptionList.OptionHighlighted, "#interview-observations")
    def _observation_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()

    @on(EditorArea.Leave)
    def _leave_notes(self, event: EditorArea.Leave) -> None:
        event.stop()
        self.table.focus()

    def show_target(self, target: JumpTarget) -> None:
        """Select an interview (and observation), from a search hit."""
        self.reload(select=target.interview_id or None,
                    observation=target.observation_id or None)
        if target.observation_id and self.current_observation is not None:
            self.observation_list.focus()
        else:
            self.table.focus()

    # --- which keys apply -------------------------------------------------------------------

    def _zone(self) -> str:
        focused: Widget | None = self.screen.focused
        if focused is self.table:
            return "table"
        if focused is self.observation_list:
            return "observations"
        if focused is self.notes.area:
            return "notes"
        return ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Interview keys in the list, observation keys among the observations; none of them
        while the notes have the keyboard (there they are letters to type). An action that
        applies but has nothing to act on says so itself, so that its key never falls
        through to the workspace's key of the same letter."""
        zone = self._zone()
        if action in TABLE_ACTIONS:
            return zone == "table"
        if action in OBSERVATION_ACTIONS:
            return zone == "observations"
        if action in ("add", "add_observation"):
            return zone in ("table", "observations")
        return True


    def action_assign(self) -> None:
        """g: the interview under the cursor to the review's next granskare (after the last:
        no one)."""
        interview = self.current_interview
        if interview is None:
            refuse(self, "Välj en intervju i listan först.")
            return
        if not self.writable():
            return
        try:
            auditor = next_auditor(self._auditors,
                                   self._division.interviews.get(interview.id, ""))
            with self.store.session() as session:
                assign_interview(session, self.review_id, interview.id, auditor)
        except (AssignmentError, InvalidInput, NotFound) as error:
            refuse(self, str(error), severity="error", markup=False)
            return
        self._changed(select=interview.id)
        self.notify(f"Intervjun {interview.label}: {auditor or 'ingen granskare'}.", timeout=3,
                    markup=False)

    def _changed(self, select: str | None = None, observation: str | None = None) -> None:
        self.reload(select, observation)
        self.post_message(self.Changed(self))

    # --- interviews ---------------------------------------------------------------------------

    def action_add(self) -> None:
        """Ny intervju."""
        if self.writable():
            self._edit(None)

    def action_edit_interview(self) -> None:
        """Ändra the interview under the cursor."""
        interview = self.current_interview
        if interview is None:
            refuse(self, "Välj en intervju i listan först.")
        elif self.writable():
            self._edit(interview)

    def _edit(self, interview: InterviewView | None) -> None:
        def saved(result: InterviewView | None) -> None:
            if result is not None:
                self._changed(select=result.id)
                verb = "ändrad" if interview is not None else "tillagd"
                self.notify(f"Intervjun {result.label} är {verb}.", timeout=3, markup=False)
                self.table.focus()

        self.notes.flush()
        self.app.push_screen(InterviewDialog(self.store, self.review_id, interview, self._roles),
                             saved)

    def action_remove_interview(self) -> None:
        """Ta bort the interview under the cursor, after asking."""
        interview = self.current_interview
        if interview is None:
            refuse(self, "Välj en intervju i listan först.")
            return
        if not self.writable():
            return
        count = len(interview.observations)
        question = f"Ta bort intervjun {escape(interview.label)}"
        if count:
            question += (f" med dess {plural(count, 'iakttagelse', 'iakttagelser')}? "
                         "Bedömningar som hänvisar till "
                         f"{noun(count, 'iakttagelsen', 'iakttagelserna')} förlorar den "
                         "hänvisningen.")
        else:
            question += "?"

        def done() -> None:
            self._changed()
            self.notify(f"Intervjun {interview.label} är borttagen.", timeout=3, markup=False)

        self.notes.flush()
        self.remove_after_asking(
            question, lambda session: delete_interview(session, self.review_id, interview.id),
            done,
        )

    # --- observations ---------------------------------------------------------------------------

    def action_add_observation(self) -> None:
        """Ny iakttagelse in the interview under the cursor."""
        interview = self.current_interview
        if interview is None:
            refuse(self, "Lägg till en intervju först (a).")
        elif self.writable():
            self._edit_observation(interview, None)

    def action_edit_observation(self) -> None:
        """Ändra the highlighted observation: its text and sections."""
        interview = self.current_interview
        observation = self.current_observation
        if interview is None or observation is None:
            refuse(self, "Välj en iakttagelse i listan först.")
        elif self.writable():
            self._edit_observation(interview, observation)

    def _edit_observation(self, interview: InterviewView,
                          observation: ObservationView | None) -> None:
        def saved(result: ObservationView | None) -> None:
            if result is not None:
                self._changed(select=interview.id, observation=result.id)
                verb = "ändrad" if observation is not None else "tillagd"
                self.notify(f"Iakttagelsen är {verb}.", timeout=3)
                self.observation_list.focus()

        self.notes.flush()
        self.app.push_screen(
            ObservationDialog(self.store, self.review_id, interview.id, observation,
                              self._sections, interview_label=interview.label),
            saved,
        )

    def action_remove_observation(self) -> None:
        """Ta bort the highlighted observation, after asking."""
        interview = self.current_interview
        observation = self.current_observation
        if interview is None or observation is None or not self.writable():
            return

        def done() -> None:
            self._changed(select=interview.id)
            self.notify("Iakttagelsen är borttagen.", timeout=3)

        quoted = escape(short_text(observation.text, 60))
        self.remove_after_asking(
            f"Ta bort iakttagelsen ”{quoted}”? Bedömningar som hänvisar till den förlorar den "
            "hänvisningen.",
            lambda session: delete_observation(session, self.review_id, observation.id),
            done,
        )

    def action_move_observation(self, offset: int) -> None:
        """Ctrl+↑ / Ctrl+↓: move the observation among the interview's."""
        interview = self.current_interview
        observation = self.current_observation
        if interview is None or observation is None or not self.writable():
            return
        try:
            with self.store.session() as session:
                move_observation(session, self.review_id, observation.id, offset)
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._changed(select=interview.id, observation=observation.id)

    def action_citing(self) -> None:
        """Citeras av: the statements that cite the highlighted observation."""
        observation = self.current_observation
        if observation is None:
            return
        try:
            with self.store.session() as session:
                statements = citing(session, "observation", observation.id)
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.show_citing(f"iakttagelsen ”{short_text(observation.text, 50)}”", statements,
                         self._headings)
