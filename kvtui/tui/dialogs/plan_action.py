"""Ny åtgärd / Ändra åtgärd: an action against a risk, with its activities (one a line), the
role responsible (a role, never a person's name), its deadline and its status.

A deadline before the plan's date is refused with the store's message; the status is chosen
from a list.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.action_plan import ACTION_STATUSES, ActionStatus
from kvtui.domain.plan_data import ActionView, RiskView
from kvtui.store.action_plan import add_action, set_action_status, update_action
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.plan_base import PlanDialog, field_date
from kvtui.tui.widgets.idnumber_guard import GuardedTextArea
from kvtui.tui.widgets.select import Select

ROLES = ("enhetschef", "biträdande enhetschef", "gruppledare", "kvalitetsutvecklare",
         "socialsekreterare", "avdelningschef", "verksamhetsutvecklare")


class ActionDialog(PlanDialog[int]):
    """Adds an action to ``risk`` (no ``action``) or changes one; dismisses with its number,
    or None."""

    PROBLEM_ID = "action-problem"
    DRAFT_TITLE = "Åtgärd"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="plan_action.save"),
        Binding("escape", "cancel", "Avbryt", id="plan_action.cancel"),
    ]

    def __init__(self, store: Store, plan_id: str, risk: RiskView,
                 action: ActionView | None = None) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._plan_id = plan_id
        self._risk = risk
        self._action = action

    def draft_subject(self) -> str:
        """The action changed, or a new one of the risk."""
        return f"{self._plan_id}:{self._risk.id}:{self._action.id if self._action else 'ny'}"

    def compose(self) -> ComposeResult:
        action = self._action
        heading = (f"Ändra åtgärd {self._risk.label}:{action.number}" if action
                   else f"Ny åtgärd för risk {self._risk.label}")
        with Vertical(id="action-box", classes="dialog-box"):
            yield Static(f"{heading} · {self._risk.title}", classes="box-title", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Åtgärd", classes="dialog-label")
                yield Input(action.title if action else "", id="action-title", compact=True,
                            classes="dialog-input", placeholder="t.ex. Säkerställa barns "
                            "delaktighet")
            with Horizontal(classes="dialog-row"):
                yield Label("Beskrivning", classes="dialog-label")
                yield Input(action.description if action else "", id="action-description",
                            compact=True, classes="dialog-input")
            area = GuardedTextArea("\n".join(action.activities) if action else "",
                                   id="action-activities", soft_wrap=True,
                                   tab_behavior="focus",
                                   placeholder="En aktivitet per rad")
            area.border_title = "Aktiviteter (en per rad)"
            yield area
            with Horizontal(classes="dialog-row"):
                yield Label("Ansvarig roll", classes="dialog-label")
                yield Input(action.responsible_role if action else "", id="action-role",
                            compact=True, classes="dialog-input",
                            suggester=SuggestFromList(ROLES, case_sensitive=False),
                            placeholder="en roll, t.ex. enhetschef (inte ett namn)")
            with Horizontal(classes="dialog-row"):
                yield Label("Tidsgräns", classes="dialog-label")
                yield Input(action.deadline.isoformat() if action and action.deadline else "",
                            id="action-deadline", placeholder="ÅÅÅÅ-MM-DD (tomt: ingen)",
                            compact=True, classes="dialog-input")
            with Horizontal(classes="dialog-row"):
                yield Label("Status", classes="dialog-label")
                yield Select([(label, status) for status, label in ACTION_STATUSES.items()],
                             value=action.status if action else str(ActionStatus.PLANNED),
                             allow_blank=False, compact=True, id="action-status")
            yield Static("", id=self.PROBLEM_ID, classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show_problem("")
        self.query_one("#action-title", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the action, or say why not."""
        if self._refused_read_only():
            return
        title = self.query_one("#action-title", Input)
        description = self.query_one("#action-description", Input)
        role = self.query_one("#action-role", Input)
        area = self.query_one("#action-activities", GuardedTextArea)
        if self._masked(title, description, role, area):
            return
        status = ActionStatus(str(self.query_one("#action-status", Select).value))
        activities = [line for line in area.text.splitlines() if line.strip()]
        try:
            deadline = field_date(self.query_one("#action-deadline", Input), "Tidsgräns",
                                  required=False)
            with self._session() as session:
                if self._action is None:
                    number = add_action(session, self._plan_id, self._risk.label,
                                        title=title.value, description=description.value,
                                        responsible_role=role.value, deadline=deadline,
                                        activities=activities, status=status)
                else:
                    number = self._action.number
                    update_action(session, self._plan_id, self._risk.label, number,
                                  title=title.value, description=description.value,
                                  responsible_role=role.value, deadline=deadline,
                                  no_deadline=deadline is None, activities=activities)
                    set_action_status(session, self._plan_id, self._risk.label, number, status)
        except (InvalidInput, NotFound, ValueError) as error:
            self._show_problem(str(error))
            return
        self.dismiss(number)
