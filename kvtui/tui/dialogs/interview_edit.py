"""Ny intervju / Ändra intervju: date, roles, number of participants and form.

Interviewees are recorded by role, never by name: there is no name field. The template's
roles are offered as a checklist (space ticks one); roles the template does not name are typed
in a line of their own, separated by commas. The notes are written in the part itself, where
they are saved as the auditor types.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.judgement import FORMS, InterviewFields, InterviewView, clean_roles
from kvtui.domain.reviews import parse_date
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.interviews import add_interview, update_interview
from kvtui.tui.dialogs.form import FormDialog
from kvtui.tui.widgets.judgement_checklist import CheckList
from kvtui.tui.widgets.select import Select

FORM_CHOICES = (("enskild intervju", "individual"), ("gruppintervju", "group"))
NO_NAMES = "Intervjupersoner anges med roll, aldrig med namn."


def split_roles(text: str) -> list[str]:
    """Roles typed on one line, separated by commas or semicolons."""
    return [role.strip() for role in text.replace(";", ",").split(",") if role.strip()]


def parse_participants(text: str) -> int:
    """The number of participants typed; ``ValueError`` in Swedish when it is not a number."""
    raw = text.strip()
    if not raw:
        return 1
    if not raw.isdigit():
        raise ValueError(f"Antal deltagare: '{text}' är inte ett heltal.")
    return int(raw)


class InterviewDialog(FormDialog[InterviewView]):
    """Adds an interview (no ``interview``) or changes one; dismisses with it, or None."""

    PROBLEM_ID = "interview-problem"
    DRAFT_TITLE = "Intervju"
    MASKED_NOTICE = ("Ett personnummer i de andra rollerna är nu maskerat. Kontrollera och "
                     "spara igen (Ctrl+S).")

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="interview_edit.save"),
        Binding("escape", "cancel", "Avbryt", id="interview_edit.cancel"),
    ]

    def __init__(
        self,
        store: Store,
        review_id: str,
        interview: InterviewView | None,
        suggested_roles: Sequence[str],
    ) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._interview = interview
        current = list(interview.roles) if interview else []
        folded = {role.casefold() for role in suggested_roles}
        self._suggested = list(suggested_roles)
        self._chosen = {role.casefold() for role in current}
        self._other = [role for role in current if role.casefold() not in folded]

    def draft_subject(self) -> str:
        """The interview changed, or "ny"."""
        return self._interview.id if self._interview else "ny"

    def compose(self) -> ComposeResult:
        interview = self._interview
        title = f"Ändra intervju {interview.label}" if interview else "Ny intervju"
        with Vertical(id="interview-box", classes="dialog-box"):
            yield Static(title, classes="box-title", markup=False)
            with VerticalScroll(id="interview-fields", can_focus=False):
                with Horizontal(classes="dialog-row"):
                    yield Label("Datum", classes="dialog-label")
                    yield Input(
                        interview.held_on.isoformat() if interview and interview.held_on else "",
                        placeholder="ÅÅÅÅ-MM-DD", id="interview-date", compact=True,
                        classes="dialog-input",
                    )
                yield Label("Roller (mellanslag väljer)", classes="dialog-label interview-roles")
                yield CheckList(((role, role, role.casefold() in self._chosen)
                                 for role in self._suggested), id="interview-roles")
                with Horizontal(classes="dialog-row"):
                    yield Label("Andra roller", classes="dialog-label")
                    yield Input(", ".join(self._other), placeholder="t.ex. kurator, jurist",
                                id="interview-other-roles", compact=True, classes="dialog-input")
                with Horizontal(classes="dialog-row"):
                    yield Label("Antal deltagare", classes="dialog-label")
                    yield Input(str(interview.participants) if interview else "1",
                                id="interview-participants", compact=True,
                                classes="dialog-input")
                with Horizontal(classes="dialog-row"):
                    yield Label("Form", classes="dialog-label")
                    yield Select(FORM_CHOICES, value=interview.form if interview else "individual",
                                 allow_blank=False, compact=True, id="interview-form")
            yield Static(NO_NAMES, classes="dialog-note")
            yield Static("", id="interview-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#interview-problem", Static).display = False
        self.query_one("#interview-date", Input).focus()

    def _fields(self) -> InterviewFields:
        """What was typed; ``ValueError`` in Swedish for a date or number that is not one."""
        date_text = self.query_one("#interview-date", Input).value
        held_on: date | None = None
        if date_text.strip():
            held_on = parse_date(date_text)
        roles = list(self.query_one("#interview-roles", CheckList).selected)
        roles += split_roles(self.query_one("#interview-other-roles", Input).value)
        participants = parse_participants(self.query_one("#interview-participants", Input).value)
        form = self.query_one("#interview-form", Select).value
        notes = self._interview.notes if self._interview else ""
        return InterviewFields(held_on=held_on, roles=clean_roles(roles),
                               participants=participants,
                               form=form if isinstance(form, str) and form in FORMS
                               else "individual",
                               notes=notes)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the interview, or show why it cannot be saved."""
        if self._refused_read_only():
            return
        if self._masked(self.query_one("#interview-other-roles", Input)):
            return
        try:
            fields = self._fields()
            with self._session() as session:
                if self._interview is None:
                    saved = add_interview(session, self._review_id, fields)
                else:
                    saved = update_interview(session, self._review_id, self._interview.id,
                                             fields)
        except (InvalidInput, NotFound, ValueError) as error:
            self._show_problem(str(error))
            return
        self.dismiss(saved)
