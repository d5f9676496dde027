"""Bedöm risk: a new dated assessment of a risk on the plan's matrix.

Sannolikhet and allvarlighetsgrad are chosen with the keys 1–4 (``GradeField``), never typed
as text, and the level the plan's matrix gives them shows as they are chosen. The earlier
assessments stay: the risk's history is what the follow-up report tells.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.plan_data import RiskView
from kvtui.domain.risk_matrix import RiskMatrix
from kvtui.store.action_plan import assess_risk
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.plan_base import PlanDialog, field_date
from kvtui.tui.widgets.plan_fields import GRADE_KEYS, GradeField

NO_GRADE = "Välj både sannolikhet och allvarlighetsgrad (1–4)."


class AssessDialog(PlanDialog[str]):
    """Assesses ``risk``; dismisses with the level given, or None."""

    PROBLEM_ID = "assess-problem"
    DRAFT_TITLE = "Bedöm risk"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="plan_assess.save"),
        Binding("escape", "cancel", "Avbryt", id="plan_assess.cancel"),
    ]

    def __init__(self, store: Store, plan_id: str, risk: RiskView, matrix: RiskMatrix) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._plan_id = plan_id
        self._risk = risk
        self._matrix = matrix

    def draft_subject(self) -> str:
        """A new assessment of the risk."""
        return f"{self._plan_id}:{self._risk.id}:bedömning"

    def compose(self) -> ComposeResult:
        risk = self._risk
        current = risk.current
        with Vertical(id="assess-box", classes="dialog-box"):
            yield Static(f"Bedöm risk {risk.label} {risk.title}", classes="box-title",
                         markup=False)
            yield Static("Nu: " + (f"{current.label}, bedömd {current.assessed_on.isoformat()}"
                                   if current else "inte bedömd"), classes="dialog-note",
                         markup=False)
            yield GradeField(self._matrix, current.probability if current else None,
                             current.severity if current else None, id="assess-grade")
            yield Static(GRADE_KEYS, classes="dialog-note", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Datum", classes="dialog-label")
                yield Input(date.today().isoformat(), id="assess-date",
                            placeholder="ÅÅÅÅ-MM-DD", compact=True, classes="dialog-input")
            with Horizontal(classes="dialog-row"):
                yield Label("Kommentar", classes="dialog-label")
                yield Input("", id="assess-comment", compact=True, classes="dialog-input",
                            placeholder="t.ex. egenkontroll i juli visar 98 %")
            yield Static("", id=self.PROBLEM_ID, classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show_problem("")
        self.query_one("#assess-grade", GradeField).focus()

    @property
    def grade_field(self) -> GradeField:
        """The sannolikhet × allvarlighetsgrad field."""
        return self.query_one("#assess-grade", GradeField)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the assessment, or say why not."""
        if self._refused_read_only():
            return
        comment = self.query_one("#assess-comment", Input)
        if self._masked(comment):
            return
        grade = self.grade_field.grade
        if grade is None:
            self._show_problem(NO_GRADE)
            return
        try:
            assessed = field_date(self.query_one("#assess-date", Input), "Datum")
            assert assessed is not None
            with self._session() as session:
                level = assess_risk(session, self._plan_id, self._risk.label, *grade,
                                    assessed_on=assessed, comment=comment.value)
        except (InvalidInput, NotFound, ValueError) as error:
            self._show_problem(str(error))
            return
        self.dismiss(str(level))
