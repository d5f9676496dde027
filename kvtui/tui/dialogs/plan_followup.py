"""Uppföljning: one follow-up round of the plan (a tertial, a month or a date), recorded in one
go: each action's traffic light (g, u, r) and comment, each risk's new assessment (1–4 on each
axis), each indicator's value, typed in or taken as the share Ja of a review's criterion.

Nothing is written until Ctrl+S, and then all of it at once (``record_followup``): a round that
does not exist yet is opened, held on the date given; a period followed up before is added to,
and the dialog opens with what that round already holds. Lights and grades not chosen, and
values left empty, are not recorded. The choices made by keys count as typed: Esc asks before
they are lost, and they are kept with the texts as the dialog's draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.action_plan import (
    IndicatorKind,
    Period,
    PlanError,
    TrafficLight,
    format_value,
    parse_period,
    parse_value,
    tertial,
)
from kvtui.domain.plan_data import PlanView
from kvtui.store.action_plan import Light, RoundGrade, Value, record_followup
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.plan_base import PlanDialog, field_date
from kvtui.tui.format import shorten
from kvtui.tui.widgets.plan_fields import GradeField, LightField
from kvtui.tui.widgets.select import Select

NOT_MEASURED = ("u.s.", "us", "u s", "ej undersökt")
KEYS_NOTE = ("Stoppljus: g grönt, u gult, r rött, 0 inget. Bedömning: 1–4 för sannolikhet "
             "och allvarlighetsgrad (← →). Tomt värde sparas inte; u.s. = ej undersökt.")


def current_tertial(day: date) -> Period:
    """The tertial ``day`` falls in."""
    return tertial(day.year, 1 if day.month <= 4 else 2 if day.month <= 8 else 3)


class FollowupDialog(PlanDialog[str]):
    """Records a follow-up round; dismisses with its period's key, or None."""

    PROBLEM_ID = "followup-problem"
    DRAFT_TITLE = "Uppföljning"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="plan_followup.save"),
        Binding("escape", "cancel", "Avbryt", id="plan_followup.cancel"),
    ]

    def __init__(self, store: Store, plan: PlanView,
                 reviews: Sequence[tuple[str, str]] = (), *, today: date | None = None) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._plan = plan
        self._reviews = list(reviews)
        self._today = today or date.today()
        self._period = current_tertial(self._today)
        self._shown_round = ""  # the period whose round the fields show
        self._shown_fields: dict[str, str] = {}  # what they showed of it

    def draft_subject(self) -> str:
        """The plan's follow-up."""
        return f"{self._plan.id}:uppföljning"

    # --- the fields ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        plan = self._plan
        existing = plan.round(self._period.key)
        with Vertical(id="followup-box", classes="dialog-box"):
            yield Static(f"Uppföljning · {plan.title}", classes="box-title", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Period", classes="dialog-label")
                yield Input(self._period.short_label, id="followup-period", compact=True,
                            placeholder="T2 2026, 2026-08 eller 2026-08-31",
                            classes="dialog-input")
                yield Label(" Datum ", classes="followup-label")
                yield Input((existing.held_on if existing else self._today).isoformat(),
                            id="followup-date", compact=True, placeholder="ÅÅÅÅ-MM-DD",
                            classes="followup-date")
            if self._reviews:
                with Horizontal(classes="dialog-row"):
                    yield Label("Granskning", classes="dialog-label")
                    yield Select([(shorten(title, 50), review_id)
                                  for title, review_id in self._reviews],
                                 prompt="för värden från ett kriterium", compact=True,
                                 id="followup-review")
            yield Static(KEYS_NOTE, classes="dialog-note", markup=False)
            with VerticalScroll(id="followup-body"):
                yield from self._risk_rows()
            with Horizontal(classes="dialog-row"):
                yield Label("Sammanfattning", classes="dialog-label")
                yield Input("", id="followup-summary",
                            compact=True, classes="dialog-input")
            yield Static("", id=self.PROBLEM_ID, classes="dialog-problems", markup=False)
        yield Footer()

    def _risk_rows(self) -> ComposeResult:
        for r, risk in enumerate(self._plan.risks):
            now = risk.current
            yield Static(f"{risk.label} {shorten(risk.title, 40)} · nu "
                         f"{now.label if now else 'inte bedömd'}",
                         classes="followup-risk", markup=False)
            with Horizontal(classes="followup-row"):
                yield Label("  Ny bedömning", classes="followup-what")
                yield GradeField(self._plan.matrix, compact=True, id=f"grade-{r}")
            for a, action in enumerate(risk.actions):
                yield Static(f"  Åtgärd {action.number} {shorten(action.title, 50)}",
                             classes="followup-action", markup=False)
                with Horizontal(classes="followup-row"):
                    yield LightField(id=f"light-{r}-{a}")
                    yield Input("", id=f"comment-{r}-{a}",
                                placeholder="kommentar", compact=True,
                                classes="dialog-input")
            for i, indicator in enumerate(risk.indicators):
                with Horizontal(classes="followup-row"):
                    yield Label(f"  {shorten(indicator.name, 28)}", classes="followup-what")
                    yield Input("", id=f"value-{r}-{i}", compact=True, classes="followup-value",
                                placeholder="%" if indicator.kind == IndicatorKind.SHARE
                                else "antal")
                    if indicator.kind == IndicatorKind.SHARE and self._reviews:
                        yield Input("", id=f"criterion-{r}-{i}", compact=True,
                                    classes="followup-criterion", placeholder="eller kriterium")

    def round_fields(self, key: str) -> dict[str, str]:
        """What the round of period ``key`` holds, by field id (empty for a new round)."""
        plan = self._plan
        existing = plan.round(key)
        fields = {"followup-summary": existing.summary if existing else ""}
        for r, risk in enumerate(plan.risks):
            grade = next((g for g in reversed(risk.history) if g.round_key == key), None)
            fields[f"grade-{r}"] = f"{grade.probability}x{grade.severity}" if grade else ""
            for a, action in enumerate(risk.actions):
                light = action.light_at(key)
                fields[f"light-{r}-{a}"] = light.light if light else ""
                fields[f"comment-{r}-{a}"] = light.comment if light else ""
            for i, indicator in enumerate(risk.indicators):
                value = indicator.value_at(key)
                from_review = value is not None and value.source_review_id is not None
                fields[f"value-{r}-{i}"] = "" if value is None or from_review else format_value(
                    indicator.kind, value.value)
                fields[f"criterion-{r}-{i}"] = value.source_criterion if value else ""
        return fields

    def _round_part(self) -> dict[str, str]:
        """The fields that belong to a round (all but period, date and review)."""
        return {name: text for name, text in self.typed_fields().items()
                if name not in ("followup-period", "followup-date")}

    @on(Input.Changed, "#followup-period")
    def _period_changed(self, event: Input.Changed) -> None:
        """Another period: what its round holds is shown, unless something was chosen or
        typed for the round already (it is never thrown away)."""
        try:
            key = parse_period(event.value).key
        except PlanError:
            return
        if key == self._shown_round:
            return
        if self._round_part() == self._shown_fields:
            fields = self.round_fields(key)
            self._set_fields(fields)
            existing = self._plan.round(key)
            if existing is not None:
                self.query_one("#followup-date", Input).value = existing.held_on.isoformat()
            self._shown_fields = self._round_part()
        self._shown_round = key

    def on_mount(self) -> None:
        self._set_fields(self.round_fields(self._period.key))
        self._shown_round = self._period.key
        self._shown_fields = self._round_part()
        self._show_problem("")
        # Tab goes from field to field; the list scrolls to the field with the keyboard.
        self.query_one("#followup-body", VerticalScroll).can_focus = False
        self.query_one("#followup-period", Input).focus()

    # --- choices made by keys count as typed ------------------------------------------------

    def typed_fields(self) -> dict[str, str]:
        """The texts, and every light and grade chosen (so Esc asks, and the draft keeps
        them)."""
        fields = super().typed_fields()
        for light in self.query(LightField):
            fields[light.id or ""] = light.light
        for grade in self.query(GradeField):
            chosen = grade.grade
            fields[grade.id or ""] = f"{chosen[0]}x{chosen[1]}" if chosen else ""
        return fields

    def _set_fields(self, fields: dict[str, str]) -> bool:
        """Put ``fields`` (as ``typed_fields`` gives them) into the dialog; whether anything
        differed."""
        changed = False
        for light in self.query(LightField):
            value = fields.get(light.id or "")
            if value is not None and value != light.light:
                light.light = value
                changed = True
        for grade in self.query(GradeField):
            value = fields.get(grade.id or "")
            if value is None:
                continue
            first, _x, second = value.partition("x")
            chosen = (int(first), int(second)) if first.isdigit() and second.isdigit() else None
            if grade.grade != chosen:
                if chosen is None:
                    grade.clear()
                else:
                    grade.set_grade(*chosen)
                changed = True
        for field in self._text_fields():
            text = fields.get(field.id or "")
            if isinstance(field, Input) and text is not None and field.value != text:
                field.value = text
                changed = True
        return changed

    def _restore(self, fields: dict[str, str]) -> bool:
        restored = self._set_fields(fields)
        return super()._restore(fields) or restored

    # --- saving ---------------------------------------------------------------------------

    def _collected(self) -> tuple[list[Light], list[RoundGrade], list[Value]]:
        """What was chosen and typed; ``PlanError`` in Swedish for what cannot be read."""
        lights: list[Light] = []
        grades: list[RoundGrade] = []
        values: list[Value] = []
        review = self.query("#followup-review")
        review_id = review.first(Select).value if review else None
        for r, risk in enumerate(self._plan.risks):
            grade = self.query_one(f"#grade-{r}", GradeField).grade
            if grade is not None:
                grades.append(RoundGrade(risk.label, *grade))
            for a, action in enumerate(risk.actions):
                light = self.query_one(f"#light-{r}-{a}", LightField).light
                comment = self.query_one(f"#comment-{r}-{a}", Input).value
                if light:
                    lights.append(Light(risk.label, action.number, TrafficLight(light), comment))
                elif comment.strip():
                    raise PlanError(f"Kommentaren till åtgärd {risk.label}:{action.number} "
                                    "behöver ett stoppljus (g, u eller r).")
            for i, indicator in enumerate(risk.indicators):
                text = self.query_one(f"#value-{r}-{i}", Input).value.strip()
                found = self.query(f"#criterion-{r}-{i}")
                code = found.first(Input).value.strip() if found else ""
                label = f"{risk.label}:{indicator.number}"
                if code and text:
                    raise PlanError(f"Indikator {label}: ange ett värde eller ett kriterium, "
                                    "inte båda.")
                if code:
                    if not isinstance(review_id, str):
                        raise PlanError(f"Indikator {label}: välj granskningen som "
                                        f"kriterium {code} hämtas från.")
                    values.append(Value(risk.label, indicator.number, review_id=review_id,
                                        criterion=code))
                elif text.casefold() in NOT_MEASURED:
                    values.append(Value(risk.label, indicator.number, None))
                elif text:
                    try:
                        number = parse_value(text)
                    except PlanError as error:
                        raise PlanError(f"Indikator {label}: {error}") from None
                    values.append(Value(risk.label, indicator.number, number))
        return lights, grades, values

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Record the round, or say why nothing was saved."""
        if self._refused_read_only():
            return
        texts = [self.query_one("#followup-summary", Input),
                 *(field for field in self.query(Input) if field.id and
                   field.id.startswith("comment-"))]
        if self._masked(*texts):
            return
        try:
            period = parse_period(self.query_one("#followup-period", Input).value)
            held = field_date(self.query_one("#followup-date", Input), "Datum")
            lights, grades, values = self._collected()
            summary = self.query_one("#followup-summary", Input).value
            with self._session() as session:
                record_followup(session, self._plan.id, period, lights=lights, grades=grades,
                                values=values, summary=summary or None, held_on=held)
        except (InvalidInput, NotFound, PlanError, ValueError) as error:
            self._show_problem(str(error))
            return
        self.dismiss(period.key)
