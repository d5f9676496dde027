"""Ny risk / Ändra risk: a risk of the unit's plan typed by hand, under a quality area.

The area is typed as "2 Trygghet och säkerhet" or by name only (the plan numbers a new area
after its last); Socialstyrelsen's areas and the plan's own are suggested as you type. A risk
once added keeps its number and area; its wording can be changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.action_plan import QUALITY_AREAS
from kvtui.domain.plan_data import RiskView
from kvtui.store.action_plan import add_risk, update_risk
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.plan_base import PlanDialog


class RiskDialog(PlanDialog[str]):
    """Adds a risk (no ``risk``) or changes one's wording; dismisses with its id, or None."""

    PROBLEM_ID = "risk-problem"
    DRAFT_TITLE = "Risk"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="plan_risk.save"),
        Binding("escape", "cancel", "Avbryt", id="plan_risk.cancel"),
    ]

    def __init__(self, store: Store, plan_id: str, areas: Sequence[str],
                 risk: RiskView | None = None) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._plan_id = plan_id
        self._areas = list(dict.fromkeys([*areas, *QUALITY_AREAS]))
        self._risk = risk

    def draft_subject(self) -> str:
        """The plan and the risk changed, or "ny"."""
        return f"{self._plan_id}:{self._risk.id if self._risk else 'ny'}"

    def compose(self) -> ComposeResult:
        risk = self._risk
        title = f"Ändra risk {risk.label}" if risk else "Ny risk"
        with Vertical(id="risk-box", classes="dialog-box"):
            yield Static(title, classes="box-title", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Kvalitetsområde", classes="dialog-label")
                if risk is None:
                    yield Input("", id="risk-area", placeholder="t.ex. 2 Trygghet och säkerhet",
                                suggester=SuggestFromList(self._areas, case_sensitive=False),
                                compact=True, classes="dialog-input")
                else:
                    yield Static(f"{risk.area_number} {risk.area_name}", markup=False,
                                 classes="dialog-input")
            with Horizontal(classes="dialog-row"):
                yield Label("Risk", classes="dialog-label")
                yield Input(risk.title if risk else "", id="risk-title",
                            placeholder="t.ex. Barns delaktighet", compact=True,
                            classes="dialog-input")
            with Horizontal(classes="dialog-row"):
                yield Label("Beskrivning", classes="dialog-label")
                yield Input(risk.description if risk else "", id="risk-description",
                            placeholder="t.ex. Risk för att barns delaktighet inte beaktas",
                            compact=True, classes="dialog-input")
            if risk is None:
                yield Static("Områden: " + ", ".join(self._areas) + ". → fyller i förslaget. "
                             "Bedöm risken sedan med b.", classes="dialog-note", markup=False)
            yield Static("", id=self.PROBLEM_ID, classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show_problem("")
        first = "#risk-title" if self._risk else "#risk-area"
        self.query_one(first, Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the risk, or say why not."""
        if self._refused_read_only():
            return
        fields = [self.query_one(field, Input) for field in ("#risk-title", "#risk-description")]
        if self._risk is None:
            fields.insert(0, self.query_one("#risk-area", Input))
        if self._masked(*fields):
            return
        title = self.query_one("#risk-title", Input).value
        description = self.query_one("#risk-description", Input).value
        try:
            with self._session() as session:
                if self._risk is None:
                    saved = add_risk(session, self._plan_id,
                                     area=self.query_one("#risk-area", Input).value,
                                     title=title, description=description)
                else:
                    update_risk(session, self._plan_id, self._risk.label, title=title,
                                description=description)
                    saved = self._risk.id
        except (InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            return
        self.dismiss(saved)
