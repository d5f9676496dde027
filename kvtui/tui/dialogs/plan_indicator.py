"""Ny indikator: what is measured at each follow-up of a risk, a share (%) or a count, with
its starting value (ingångsvärde)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.action_plan import INDICATOR_KINDS, IndicatorKind, PlanError, parse_value
from kvtui.domain.plan_data import RiskView
from kvtui.store.action_plan import add_indicator
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.plan_base import PlanDialog
from kvtui.tui.widgets.select import Select


class IndicatorDialog(PlanDialog[int]):
    """Adds an indicator to ``risk``; dismisses with its number, or None."""

    PROBLEM_ID = "indicator-problem"
    DRAFT_TITLE = "Ny indikator"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="plan_indicator.save"),
        Binding("escape", "cancel", "Avbryt", id="plan_indicator.cancel"),
    ]

    def __init__(self, store: Store, plan_id: str, risk: RiskView) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._plan_id = plan_id
        self._risk = risk

    def draft_subject(self) -> str:
        """A new indicator of the risk."""
        return f"{self._plan_id}:{self._risk.id}:ny-indikator"

    def compose(self) -> ComposeResult:
        with Vertical(id="indicator-box", classes="dialog-box"):
            yield Static(f"Ny indikator för risk {self._risk.label} {self._risk.title}",
                         classes="box-title", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Indikator", classes="dialog-label")
                yield Input("", id="indicator-name", compact=True, classes="dialog-input",
                            placeholder="t.ex. Andel barn med dokumenterade mål")
            with Horizontal(classes="dialog-row"):
                yield Label("Sort", classes="dialog-label")
                yield Select([(label, kind) for kind, label in INDICATOR_KINDS.items()],
                             value=str(IndicatorKind.SHARE), allow_blank=False, compact=True,
                             id="indicator-kind")
            with Horizontal(classes="dialog-row"):
                yield Label("Ingångsvärde", classes="dialog-label")
                yield Input("", id="indicator-baseline", compact=True, classes="dialog-input",
                            placeholder="t.ex. 42 (tomt: inget)")
            yield Static("", id=self.PROBLEM_ID, classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show_problem("")
        self.query_one("#indicator-name", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the indicator, or say why not."""
        if self._refused_read_only():
            return
        name = self.query_one("#indicator-name", Input)
        if self._masked(name):
            return
        kind = self.query_one("#indicator-kind", Select).value
        baseline_text = self.query_one("#indicator-baseline", Input).value
        try:
            baseline = parse_value(baseline_text) if baseline_text.strip() else None
            with self._session() as session:
                number = add_indicator(session, self._plan_id, self._risk.label,
                                       name=name.value, kind=IndicatorKind(str(kind)),
                                       baseline=baseline)
        except (InvalidInput, NotFound, PlanError) as error:
            self._show_problem(str(error))
            return
        self.dismiss(number)
