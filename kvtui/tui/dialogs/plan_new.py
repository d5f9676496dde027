"""Ny åtgärdsplan: the unit's plan, started from a review of the unit.

The unit, municipality and committee come from the review and can be corrected; the auditor
gives the date the committee decided the plan (deadlines and follow-ups cannot come before it).
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from kvtui.store.action_plan import create_plan
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.plan_base import PlanDialog, field_date

FIELDS = ("plan-unit", "plan-municipality", "plan-committee", "plan-date", "plan-title")


class PlanNewDialog(PlanDialog[str]):
    """Creates the unit's plan; dismisses with its id, or None."""

    PROBLEM_ID = "plan-new-problem"
    DRAFT_TITLE = "Ny åtgärdsplan"

    BINDINGS = [
        Binding("ctrl+s", "save", "Skapa", id="plan_new.save"),
        Binding("escape", "cancel", "Avbryt", id="plan_new.cancel"),
    ]

    def __init__(self, store: Store, *, unit: str, municipality: str, committee: str,
                 decided_on: date | None = None) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._unit = unit
        self._municipality = municipality
        self._committee = committee
        self._decided = decided_on or date.today()

    def draft_subject(self) -> str:
        """The unit the plan is for."""
        return f"ny:{self._unit}|{self._municipality}"

    def compose(self) -> ComposeResult:
        rows = (("Enhet", "plan-unit", self._unit, ""),
                ("Kommun", "plan-municipality", self._municipality, ""),
                ("Nämnd", "plan-committee", self._committee, "t.ex. Socialnämnden"),
                ("Beslutad", "plan-date", self._decided.isoformat(), "ÅÅÅÅ-MM-DD"),
                ("Titel", "plan-title", "", f"Åtgärdsplan {self._unit}"))
        with Vertical(id="plan-new-box", classes="dialog-box"):
            yield Static("Ny åtgärdsplan för enheten", classes="box-title")
            yield Static("Planen hör till enheten och gäller över granskningar och år. "
                         "Tidsgränser och uppföljningar kan inte ligga före planens datum.",
                         classes="dialog-note")
            for label, field_id, value, placeholder in rows:
                with Horizontal(classes="dialog-row"):
                    yield Label(label, classes="dialog-label")
                    yield Input(value, id=field_id, placeholder=placeholder, compact=True,
                                classes="dialog-input")
            yield Static("", id=self.PROBLEM_ID, classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show_problem("")
        self.query_one("#plan-date", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Create the plan, or say why not."""
        if self._refused_read_only():
            return
        fields = [self.query_one(f"#{field}", Input) for field in FIELDS]
        if self._masked(*fields):
            return
        unit, municipality, committee, dated, title = fields
        try:
            decided = field_date(dated, "Beslutad")
            assert decided is not None
            with self._session() as session:
                plan_id = create_plan(session, unit=unit.value, municipality=municipality.value,
                                      committee=committee.value, title=title.value,
                                      decided_on=decided)
        except (InvalidInput, NotFound, ValueError) as error:
            self._show_problem(str(error))
            return
        self.dismiss(plan_id)
