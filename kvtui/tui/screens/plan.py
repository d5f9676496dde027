"""Åtgärdsplan: the unit's action plan, opened from a review of the unit (p in Granskningar and
in the workspace).

The risks are listed per quality area with their number, text and current level; under each
risk its actions (the traffic light of the latest round that set one, status, deadline) and
its indicators (the latest value). Under the list, the 4 × 4 matrix with how many risks sit in
each cell now and at their previous assessment, and the details of the row under the cursor
(role, activities, history). Every change goes through a dialog and the store's own checks
(``kvtui.store.action_plan``), and the plan is read again after it; the list is a
``GuardedScreen``, so text typed into it by mistake is not taken as commands.

A unit without a plan is offered one, with the review's unit, municipality and committee.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker, WorkerState

from kvtui import paths
from kvtui.domain.action_plan import (
    action_status_label,
    area_label,
    format_value,
    traffic_light_label,
    unit_key,
)
from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.plan_data import ActionView, FollowupView, IndicatorView, PlanView, RiskView
from kvtui.domain.plural import plural
from kvtui.domain.reviews import SIGNED, ReviewSummary
from kvtui.report.plan_outline import PlanReportError
from kvtui.store.action_plan import Finding, find_plan_for_unit, findings
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.exports import write_to_default
from kvtui.store.plan_delete import (
    Deletion,
    action_deletion,
    delete_action,
    delete_indicator,
    delete_risk,
    indicator_deletion,
    risk_deletion,
)
from kvtui.store.plan_export import export_plan, followup_file_name, plan_file_name
from kvtui.store.plan_view import plan_view
from kvtui.store.review_detail import list_reviews
from kvtui.store.reviews import get_review
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.plan_action import ActionDialog
from kvtui.tui.dialogs.plan_assess import AssessDialog
from kvtui.tui.dialogs.plan_findings import FindingsDialog
from kvtui.tui.dialogs.plan_followup import FollowupDialog
from kvtui.tui.dialogs.plan_indicator import IndicatorDialog
from kvtui.tui.dialogs.plan_new import PlanNewDialog
from kvtui.tui.dialogs.plan_risk import RiskDialog
from kvtui.tui.format import DASH, shorten
from kvtui.tui.key_guard import GuardedScreen, KeyGuard, refuse
from kvtui.tui.screens.plan_log import PlanLogScreen
from kvtui.tui.widgets.key_footer import KeyFooter
from kvtui.tui.widgets.part_base import cursor_key, move_cursor_to
from kvtui.tui.widgets.plan_fields import level_text, light_text
from kvtui.tui.widgets.plan_matrix import matrix_text

READ_ONLY = "Databasen är öppnad skrivskyddad; planen kan inte ändras."
NO_RISKS = ("Inga risker ännu. Tryck a för att lägga till en risk för hand, eller g för att "
            "hämta Gula och Röda påståenden ur en signerad granskning av enheten.")
CHOOSE_RISK = "Ställ markören på en risk (eller något under den) först."
EXPORT_GROUP = "plan-export"
TEXT_WIDTH = 33


def _latest_light(plan: PlanView, action: ActionView) -> FollowupView | None:
    """The action's traffic light at the latest round that set one."""
    for key in reversed(plan.ordered_round_keys()):
        light = action.light_at(key)
        if light is not None:
            return light
    return None


def _latest_value(plan: PlanView, indicator: IndicatorView) -> tuple[str, str]:
    """The indicator's latest value and the round it is from; its starting value before any
    round has one."""
    for key in reversed(plan.ordered_round_keys()):
        if indicator.value_at(key) is not None:
            round_ = plan.round(key)
            return indicator.text_at(key), round_.period.short_label if round_ else key
    if indicator.baseline is not None:
        return format_value(indicator.kind, indicator.baseline), "ingång"
    return DASH, ""


def unit_reviews(store: Store, plan: PlanView) -> list[ReviewSummary]:
    """The reviews of the plan's unit, newest first."""
    key = unit_key(plan.unit, plan.municipality)
    with store.session() as session:
        return [r for r in list_reviews(session) if unit_key(r.unit, r.municipality) == key]


class PlanScreen(Screen[None], GuardedScreen):
    """One unit's action plan; Esc goes back to where it was opened from."""

    BINDINGS = [
        Binding("a", "add_risk", "Ny risk", id="plan.add_risk"),
        Binding("g", "findings", "Från granskning",
                tooltip="Risker från en signerad gransknings Gula och Röda påståenden",
                id="plan.findings"),
        Binding("b", "assess", "Bedöm", tooltip="Bedöm risken (sannolikhet × "
                "allvarlighetsgrad)", id="plan.assess"),
        Binding("t", "add_action", "Ny åtgärd", tooltip="Ny åtgärd för risken",
                id="plan.add_action"),
        Binding("i", "add_indicator", "Ny indikator", show=False,
                tooltip="Ny indikator för risken", id="plan.add_indicator"),
        Binding("e", "edit", "Ändra", tooltip="Ändra risken eller åtgärden (även Enter)",
                id="plan.edit"),
        Binding("u", "followup", "Uppföljning", tooltip="Följ upp planen: stoppljus, nya "
                "bedömningar och indikatorvärden för ett tertial, en månad eller ett datum",
                id="plan.followup"),
        Binding("f", "report", "Rapport", tooltip="Uppföljningsrapporten för den senaste "
                "uppföljningen som PDF-utkast (den slutliga signeras med kvtui plan report)",
                id="plan.report"),
        Binding("x", "export('xlsx')", "Excel", tooltip="Exportera planen som Excel (.xlsx)",
                id="plan.export_xlsx"),
        Binding("c", "export('csv')", "CSV", show=False,
                tooltip="Exportera risker och åtgärder som CSV", id="plan.export_csv"),
        Binding("delete", "delete", "Ta bort", show=False, tooltip="Ta bort risken, åtgärden "
                "eller indikatorn (frågar först; inte det en signerad uppföljning tar upp)",
                id="plan.delete"),
        Binding("l", "log", "Logg", show=False, tooltip="Planens logg: vem ändrade vad och "
                "när", id="plan.log"),
        Binding("r", "reload", "Uppdatera", show=False, id="plan.reload"),
        Binding("escape", "back", "Tillbaka", id="plan.back"),
    ]

    def __init__(self, store: Store, plan_id: str, review_id: str | None = None) -> None:
        super().__init__()
        self._store = store
        self._plan_id = plan_id
        self._review_id = review_id  # the review it was opened from, if any
        self._plan: PlanView | None = None
        self._rows: dict[str, tuple[str, str, int]] = {}  # row key → (risk, kind, number)
        self._last_path: Any = None
        self.key_guard = KeyGuard(self, self._is_command)

    def _is_command(self, key: str) -> bool:
        active = self.active_bindings.get(key)
        return active is not None and active.enabled

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plan-bar", markup=False)
        yield Static(NO_RISKS, id="plan-empty")
        yield DataTable(id="plan-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="plan-strip"):
            yield Static("", id="plan-matrix")
            yield Static("", id="plan-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.table
        table.add_column("Nr", key="nr", width=5)
        table.add_column("Risk · åtgärd · indikator", key="text", width=TEXT_WIDTH)
        table.add_column("Nivå", key="level", width=4)
        table.add_column("Ljus", key="light", width=5)
        table.add_column("Status", key="status", width=9)
        table.add_column("Tidsgräns", key="deadline", width=10)
        self.reload()
        table.focus()

    @property
    def table(self) -> DataTable[Any]:
        """The list of risks, actions and indicators."""
        return self.query_one("#plan-table", DataTable)

    @property
    def plan(self) -> PlanView | None:
        """The plan as last read."""
        return self._plan

    @property
    def plan_id(self) -> str:
        """The plan's full id."""
        return self._plan_id

    @property
    def last_path(self) -> Any:
        """The file of the last export, if any."""
        return self._last_path

    # --- reading and showing ------------------------------------------------------------------

    def reload(self) -> None:
        """Read the plan again and show it; back if it is gone."""
        try:
            with self._store.session() as session:
                self._plan = plan_view(session, self._plan_id)
        except (NotFound, InvalidInput) as error:
            self.notify(str(error), severity="error", markup=False)
            self.dismiss(None)
            return
        self._show()

    def _show(self) -> None:
        plan = self._plan
        if plan is None:
            return
        self.sub_title = f"Åtgärdsplan · {plan.unit}"
        keys = plan.ordered_round_keys()
        last = plan.round(keys[-1]) if keys else None
        place = ", ".join(p for p in (plan.unit, plan.municipality) if p)
        self.query_one("#plan-bar", Static).update(
            f"{place} · beslutad {plan.decided_on.isoformat()} · "
            f"{plural(len(plan.risks), 'risk', 'risker')} · "
            + (f"senaste uppföljning {last.period.label}"
               + (" (signerad)" if last.signed else "") if last else "ingen uppföljning"))
        self.query_one("#plan-empty", Static).display = not plan.risks
        self.table.display = bool(plan.risks)
        self.query_one("#plan-matrix", Static).update(matrix_text(plan))
        self._fill_table(plan)
        self._show_detail()

    def _fill_table(self, plan: PlanView) -> None:
        table = self.table
        keep = cursor_key(table)
        table.clear()
        self._rows = {}
        area = None
        for risk in plan.risks:
            if risk.area_number != area:
                area = risk.area_number
                table.add_row("", Text(shorten(area_label(risk.area_number, risk.area_name),
                                               TEXT_WIDTH), style="bold"), "", "", "", "",
                              key=f"area:{area}")
                self._rows[f"area:{area}"] = (risk.label, "area", 0)
            current = risk.current
            table.add_row(risk.label, Text(shorten(risk.title, TEXT_WIDTH)),
                          level_text(current.level) if current else Text(DASH),
                          "", "", "", key=f"risk:{risk.label}")
            self._rows[f"risk:{risk.label}"] = (risk.label, "risk", 0)
            for action in risk.actions:
                light = _latest_light(plan, action)
                key = f"action:{risk.label}:{action.number}"
                table.add_row(f" :{action.number}",
                              Text(shorten(f"↳ {action.title}", TEXT_WIDTH)), "",
                              light_text(light.light) if light else Text(DASH, style="dim"),
                              action_status_label(action.status),
                              action.deadline.isoformat() if action.deadline else DASH,
                              key=key)
                self._rows[key] = (risk.label, "action", action.number)
            for indicator in risk.indicators:
                value, when = _latest_value(plan, indicator)
                key = f"indicator:{risk.label}:{indicator.number}"
                table.add_row(f" i{indicator.number}",
                              Text(shorten(f"◇ {indicator.name}", TEXT_WIDTH)), "", "",
                              value, when, key=key)
                self._rows[key] = (risk.label, "indicator", indicator.number)
        if keep is None or keep.startswith("area:"):
            # On the area's first risk rather than its heading, where no key applies.
            keys = list(self._rows)
            start = keys.index(keep) if keep in self._rows else 0
            keep = next((key for key in keys[start:] if self._rows[key][1] == "risk"), keep)
        move_cursor_to(table, keep)
        if plan.risks and self.focused is None:
            table.focus()

    @property
    def current_row(self) -> tuple[str, str, int] | None:
        """(risk label, kind of row, number) under the cursor."""
        key = cursor_key(self.table)
        return self._rows.get(key) if key else None

    @property
    def current_risk(self) -> RiskView | None:
        """The risk under the cursor, or the risk of the action or indicator under it."""
        row = self.current_row
        if row is None or self._plan is None or row[1] == "area":
            return None
        return self._plan.risk(row[0])

    def _current_action(self) -> ActionView | None:
        row, risk = self.current_row, self.current_risk
        if row is None or risk is None or row[1] != "action":
            return None
        return next((a for a in risk.actions if a.number == row[2]), None)

    def _show_detail(self) -> None:
        self.query_one("#plan-detail", Static).update(self._detail_text())

    def _detail_text(self) -> str:
        plan, row, risk = self._plan, self.current_row, self.current_risk
        if plan is None or row is None or risk is None:
            return "Välj en risk med ↑ ↓." if plan and plan.risks else ""
        if row[1] == "action":
            action = self._current_action()
            if action is None:
                return ""
            light = _latest_light(plan, action)
            lines = [f"Åtgärd {risk.label}:{action.number} {action.title}",
                     f"Ansvarig: {action.responsible_role or DASH} · tidsgräns "
                     f"{action.deadline.isoformat() if action.deadline else DASH} · "
                     f"{action_status_label(action.status)}"]
            if light is not None:
                lines.append(f"Stoppljus: {traffic_light_label(light.light)}"
                             + (f" – {light.comment}" if light.comment else ""))
            lines += [f"• {activity}" for activity in action.activities]
            return "\n".join(lines)
        if row[1] == "indicator":
            indicator = next((i for i in risk.indicators if i.number == row[2]), None)
            if indicator is None:
                return ""
            values = [f"{r.period.short_label}: {indicator.text_at(r.key) or DASH}"
                      for r in plan.rounds]
            start = format_value(indicator.kind, indicator.baseline) \
                if indicator.baseline is not None else DASH
            return "\n".join([f"Indikator {risk.label}:{indicator.number} {indicator.name}",
                              f"Ingångsvärde: {start}", *values])
        lines = [f"Risk {risk.label} {risk.title}"]
        if risk.description:
            lines.append(risk.description)
        history = " → ".join(g.label for g in risk.history[-3:])
        lines.append(f"Bedömd: {history}" if history else "Inte bedömd: tryck b.")
        if risk.source is not None:
            lines.append(f"Från: {risk.source.review_title}, {risk.source.section}")
        lines.append(plural(len(risk.actions), "åtgärd", "åtgärder") + " · "
                     + plural(len(risk.indicators), "indikator", "indikatorer"))
        return "\n".join(lines)

    @on(DataTable.RowHighlighted, "#plan-table")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#plan-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    # --- changes ------------------------------------------------------------------------------

    def _writable(self) -> bool:
        if self._store.read_only:
            refuse(self.table, READ_ONLY)
            return False
        return True

    def _after(self, message: Callable[[Any], str]) -> Callable[[Any], None]:
        """A dialog's callback: on a result, read the plan again and say what was done."""
        def done(result: Any) -> None:
            if result is None:
                return
            self.reload()
            text = message(result)
            if text:
                self.notify(text, timeout=4, markup=False)
        return done

    def _risk_or_refuse(self) -> RiskView | None:
        risk = self.current_risk
        if risk is None:
            refuse(self.table, CHOOSE_RISK)
        return risk

    def action_add_risk(self) -> None:
        """a: a risk typed by hand."""
        if self._plan is None or not self._writable():
            return
        areas = list(dict.fromkeys(f"{r.area_number} {r.area_name}" for r in self._plan.risks))

        def added(risk_id: str | None) -> None:
            if risk_id is None:
                return
            self.reload()
            risk = next((r for r in self._plan.risks if r.id == risk_id), None) \
                if self._plan else None
            if risk is not None:
                move_cursor_to(self.table, f"risk:{risk.label}")
                self.notify(f"Risk {risk.label} är tillagd. Bedöm den med b.", timeout=4,
                            markup=False)

        self.app.push_screen(RiskDialog(self._store, self._plan_id, areas), added)

    def action_findings(self) -> None:
        """g: risks from the Gul and Röd statements of the unit's signed reviews."""
        plan = self._plan
        if plan is None or not self._writable():
            return
        taken = {r.source.assessment_id for r in plan.risks if r.source is not None}
        found: list[Finding] = []
        signed = [r for r in unit_reviews(self._store, plan) if r.status == SIGNED]
        with self._store.session() as session:
            for review in signed:
                found += [f for f in findings(session, review.id)
                          if f.assessment_id not in taken]
        areas = list(dict.fromkeys(f"{r.area_number} {r.area_name}" for r in plan.risks))
        self.app.push_screen(FindingsDialog(self._store, self._plan_id, found, areas),
                             self._after(
            lambda added: plural(added, "risk är tillagd", "risker är tillagda") + "."
            if added else ""))

    def action_assess(self) -> None:
        """b: a new assessment of the risk under the cursor."""
        if self._plan is None or not self._writable():
            return
        risk = self._risk_or_refuse()
        if risk is None:
            return
        self.app.push_screen(
            AssessDialog(self._store, self._plan_id, risk, self._plan.matrix),
            self._after(lambda level: f"Risk {risk.label} är bedömd."))

    def action_add_action(self) -> None:
        """t: a new action against the risk under the cursor."""
        if self._plan is None or not self._writable():
            return
        risk = self._risk_or_refuse()
        if risk is None:
            return
        self.app.push_screen(ActionDialog(self._store, self._plan_id, risk),
                             self._after(lambda number: f"Åtgärd {risk.label}:{number} är "
                                         "tillagd."))

    def action_add_indicator(self) -> None:
        """i: a new indicator of the risk under the cursor."""
        if self._plan is None or not self._writable():
            return
        risk = self._risk_or_refuse()
        if risk is None:
            return
        self.app.push_screen(IndicatorDialog(self._store, self._plan_id, risk),
                             self._after(lambda number: f"Indikator {risk.label}:{number} är "
                                         "tillagd."))

    def action_edit(self) -> None:
        """e or Enter: change the action, or the risk's wording, under the cursor."""
        if self._plan is None or not self._writable():
            return
        risk = self._risk_or_refuse()
        if risk is None:
            return
        action = self._current_action()
        if action is not None:
            self.app.push_screen(ActionDialog(self._store, self._plan_id, risk, action),
                                 self._after(lambda number: "Åtgärden är sparad."))
            return
        self.app.push_screen(RiskDialog(self._store, self._plan_id, [], risk),
                             self._after(lambda _id: "Risken är sparad."))

    def action_followup(self) -> None:
        """u: record a follow-up round."""
        plan = self._plan
        if plan is None or not self._writable():
            return
        if not plan.risks:
            refuse(self.table, "Planen har inga risker att följa upp ännu.")
            return
        reviews = [(r.title, r.id) for r in unit_reviews(self._store, plan)]

        def done(key: str | None) -> None:
            if key is None:
                return
            self.reload()
            if self._plan is not None:
                lines = self._plan.summary_at(key)
                round_ = self._plan.round(key)
                label = round_.period.label if round_ else key
                self.notify("\n".join(lines), title=f"Uppföljning {label} sparad",
                            timeout=10, markup=False)

        self.app.push_screen(FollowupDialog(self._store, plan, reviews), done)

    def action_delete(self) -> None:
        """Delete: the risk, action or indicator under the cursor, once the auditor has seen
        what goes with it and said yes."""
        row = self.current_row
        if self._plan is None or not self._writable():
            return
        if row is None or row[1] == "area":
            refuse(self.table, "Välj risken, åtgärden eller indikatorn som ska tas bort.")
            return
        label, kind, number = row
        deletions: dict[str, tuple[Callable[..., Deletion], Callable[..., Deletion]]] = {
            "risk": (risk_deletion, delete_risk),
            "action": (action_deletion, delete_action),
            "indicator": (indicator_deletion, delete_indicator),
        }
        preview, delete = deletions[kind]
        where = (label,) if kind == "risk" else (label, number)
        try:
            with self._store.session() as session:
                question = preview(session, self._plan_id, *where).question
        except (InvalidInput, NotFound) as error:
            refuse(self.table, str(error))
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                with self._store.session() as session:
                    done = delete(session, self._plan_id, *where)
            except (InvalidInput, NotFound) as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.reload()
            self.notify(done.done, timeout=6, markup=False)

        self.app.push_screen(ConfirmDialog(question, yes="Ta bort", no="Behåll"), answered)

    def action_log(self) -> None:
        """l: the plan's log."""
        if self._plan is not None:
            self.app.push_screen(PlanLogScreen(self._store, self._plan_id, self._plan.unit))

    # --- export -------------------------------------------------------------------------------

    @property
    def exporting(self) -> bool:
        """Whether an export is running."""
        return any(w.group == EXPORT_GROUP and w.is_running for w in self.workers)

    def action_export(self, kind: str) -> None:
        """x or c: the plan as Excel or CSV under exports/, as ``kvtui plan export`` writes
        it."""
        if self.exporting:
            self.notify("En export pågår redan; vänta tills den är klar.", severity="warning")
            return
        self._run_export(kind)

    @work(thread=True, exclusive=True, exit_on_error=False, group=EXPORT_GROUP)
    def _run_export(self, kind: str) -> None:
        with self._store.session() as session:
            data = export_plan(session, self._plan_id, kind)
        unit = self._plan.unit if self._plan else "plan"
        name = plan_file_name(unit, date.today(), f".{kind}")
        path = write_to_default(paths.exports_dir(self._store.path), name, data)
        self.app.call_from_thread(self._exported, kind, path)

    def action_report(self) -> None:
        """f: the follow-up report of the latest round as a draft PDF under exports/."""
        if self.exporting:
            self.notify("En export pågår redan; vänta tills den är klar.", severity="warning")
            return
        plan = self._plan
        if plan is None:
            return
        if not plan.rounds:
            refuse(self.table, "Planen har ingen uppföljning ännu; följ upp den med u först.")
            return
        self.notify("Uppföljningsrapporten görs …", timeout=3)
        self._run_report(plan)

    @work(thread=True, exclusive=True, exit_on_error=False, group=EXPORT_GROUP)
    def _run_report(self, plan: PlanView) -> None:
        from kvtui.report.plan_document import render_plan_report  # ReportLab, in the worker

        rendered = render_plan_report(plan, draft=True)
        key = plan.ordered_round_keys()[-1]
        name = followup_file_name(plan.unit, key, draft=True)
        path = write_to_default(paths.exports_dir(self._store.path), name, rendered.pdf)
        self.app.call_from_thread(self._exported, "pdf", path)

    def _exported(self, kind: str, path: Any) -> None:
        self._last_path = path
        if kind == "pdf":
            self.notify(f"Uppföljningsrapporten (utkast) är exporterad till {path}",
                        title="Exporterad", timeout=15, markup=False)
            return
        what = "Excel" if kind == "xlsx" else "CSV, risker och åtgärder"
        self.notify(f"Planen ({what}) är exporterad till {path}", title="Exporterad",
                    timeout=15, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed export: said in Swedish, never a traceback."""
        if event.worker.group != EXPORT_GROUP or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, InvalidInput | NotFound | PlanReportError):
            message = str(error)
        elif isinstance(error, OSError):
            message = f"Filen kunde inte skrivas: {file_error_reason(error)}."
        else:
            raise error if isinstance(error, Exception) else RuntimeError(error)
        self.notify(message, severity="error", timeout=15, markup=False)

    # --- leaving ------------------------------------------------------------------------------

    def action_reload(self) -> None:
        """Read the plan again."""
        self.reload()

    def action_back(self) -> None:
        """Back to the review or to Granskningar."""
        self.dismiss(None)


def open_unit_plan(app: App[Any], store: Store, review_id: str) -> None:
    """Show the plan of the review's unit over the screen on show; a unit without one is
    offered a new plan with the review's unit, municipality and committee."""
    try:
        with store.session() as session:
            review = get_review(session, review_id)
            unit, municipality, committee = review.unit, review.municipality, review.committee
            plan_id = find_plan_for_unit(session, unit, municipality)
    except NotFound as error:
        app.notify(str(error), severity="error", markup=False)
        return
    if plan_id is not None:
        app.push_screen(PlanScreen(store, plan_id, review_id))
        return
    if not unit.strip():
        app.notify("Granskningen har ingen enhet angiven; ange enheten (e) först.",
                   severity="warning")
        return
    if store.read_only:
        app.notify(f"Enheten {unit} har ingen åtgärdsplan, och databasen är öppnad "
                   "skrivskyddad.", severity="warning", markup=False)
        return

    def created(new_id: str | None) -> None:
        if new_id is not None:
            app.notify("Åtgärdsplanen är skapad.", timeout=3)
            app.push_screen(PlanScreen(store, new_id, review_id))

    def answered(yes: bool | None) -> None:
        if yes:
            app.push_screen(PlanNewDialog(store, unit=unit, municipality=municipality,
                                          committee=committee), created)

    where = f" i {municipality}" if municipality else ""
    app.push_screen(ConfirmDialog(f"Enheten {unit}{where} har ingen åtgärdsplan ännu. "
                                  "Skapa en?"), answered)
