"""Risker från granskning: the Gul and Röd statements of the unit's signed reviews, to be
picked (Space) and added to the plan as risks (Ctrl+S).

Each becomes a risk under the quality area typed (Socialstyrelsen's and the plan's own are
suggested), or, left empty, under an area named like its report section; it keeps a copy of
the statement. A statement already in the plan is not offered again.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Label, SelectionList, Static

from kvtui.domain.action_plan import QUALITY_AREAS
from kvtui.domain.plural import plural
from kvtui.store.action_plan import Finding, add_risk_from_statement
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.plan_base import PlanDialog
from kvtui.tui.format import shorten
from kvtui.tui.widgets.plan_fields import level_text

NONE_LEFT = ("Inga Gula eller Röda påståenden att hämta: enheten har ingen signerad granskning "
             "med sådana, eller så finns de redan i planen.")


class FindingsDialog(PlanDialog[int]):
    """Adds the chosen findings as risks; dismisses with how many were added, or None."""

    PROBLEM_ID = "findings-problem"
    DRAFT_TITLE = "Risker från granskning"

    BINDINGS = [
        Binding("ctrl+s", "save", "Lägg till valda", id="plan_findings.save"),
        Binding("escape", "cancel", "Avbryt", id="plan_findings.cancel"),
    ]

    def __init__(self, store: Store, plan_id: str, found: Sequence[Finding],
                 areas: Sequence[str] = ()) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._plan_id = plan_id
        self._found = list(found)
        self._areas = list(dict.fromkeys([*areas, *QUALITY_AREAS]))

    def draft_subject(self) -> str:
        """The plan's risks from reviews."""
        return f"{self._plan_id}:från-granskning"

    def compose(self) -> ComposeResult:
        with Vertical(id="findings-box", classes="dialog-box"):
            yield Static("Risker från granskning", classes="box-title")
            yield Static(NONE_LEFT if not self._found else
                         "Mellanslag väljer, Ctrl+S lägger till de valda som risker "
                         "(under området med avsnittets namn).", classes="dialog-note")
            options = []
            for finding in self._found:
                prompt = Text()
                prompt.append_text(level_text(finding.rating))
                prompt.append(f" {shorten(finding.section, 18)}: ", style="bold")
                prompt.append(shorten(finding.statement, 120))
                options.append((prompt, finding.assessment_id))
            yield SelectionList[str](*options, id="findings-list", compact=True)
            with Horizontal(classes="dialog-row"):
                yield Label("Kvalitetsområde", classes="dialog-label")
                yield Input("", id="findings-area", compact=True, classes="dialog-input",
                            suggester=SuggestFromList(self._areas, case_sensitive=False),
                            placeholder="tomt: avsnittets namn")
            yield Static("", id="findings-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show_problem("")
        self.query_one("#findings-list", SelectionList).focus()

    def action_save(self) -> None:
        """Add the chosen statements as risks; say why one could not be."""
        chosen = list(self.query_one("#findings-list", SelectionList).selected)
        if not chosen:
            self._show_problem("Välj minst ett påstående med mellanslag.")
            return
        if self._refused_read_only():
            return
        area = self.query_one("#findings-area", Input)
        if self._masked(area):
            return
        added = 0
        for assessment_id in chosen:
            try:
                with self._session() as session:
                    add_risk_from_statement(session, assessment_id, plan_id=self._plan_id,
                                            area=area.value.strip() or None)
            except (InvalidInput, NotFound) as error:
                done = f"{plural(added, 'risk', 'risker')} tillagda; sedan: " if added else ""
                self._show_problem(f"{done}{error}")
                return
            added += 1
        self.dismiss(added)
