"""An action plan as the app, the command line, the exports and the follow-up report see it.

Plain data read from the store (``kvtui.store.plan_view``), so that whatever renders a plan
never reads the store, and the rules of ``kvtui.domain.action_plan`` can be asked about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kvtui.domain.action_plan import (
    Change,
    Grade,
    Period,
    RoundRef,
    change_between,
    change_sentence,
    format_value,
    grade_at,
    grade_before,
    level_lowered,
    ordered_rounds,
    risk_label,
)
from kvtui.domain.plural import plural
from kvtui.domain.reviews import short_id
from kvtui.domain.risk_matrix import RiskMatrix


@dataclass(frozen=True)
class PlanSummary:
    """One plan in a list of plans."""

    id: str
    unit: str
    municipality: str
    committee: str
    title: str
    decided_on: date
    risks: int
    rounds: int

    @property
    def short_id(self) -> str:
        """The id users type."""
        return short_id(self.id)


@dataclass(frozen=True)
class SourceView:
    """The statement of a signed review a risk came from, as it stood when signed."""

    review_id: str
    assessment_id: str
    version: int | None
    review_title: str
    section: str
    statement: str
    rating: str


@dataclass(frozen=True)
class FollowupView:
    """An action's traffic light and comment at one round."""

    round_key: str
    light: str
    comment: str


@dataclass(frozen=True)
class ActionView:
    """An action against a risk, with its activities and its traffic light per round."""

    id: str
    number: int
    title: str
    description: str
    responsible_role: str
    deadline: date | None
    status: str
    activities: tuple[str, ...]
    followups: tuple[FollowupView, ...] = ()

    def light_at(self, round_key: str) -> FollowupView | None:
        """The traffic light set at a round, if any."""
        return next((f for f in self.followups if f.round_key == round_key), None)


@dataclass(frozen=True)
class ValueView:
    """An indicator's value at one round; ``value`` None when it was not measured."""

    round_key: str
    value: float | None
    note: str = ""
    source_review_id: str | None = None
    source_criterion: str = ""
    source_yes: int | None = None
    source_applicable: int | None = None


@dataclass(frozen=True)
class IndicatorView:
    """An indicator of a risk, with its starting value and a value per round."""

    id: str
    number: int
    name: str
    kind: str
    baseline: float | None
    values: tuple[ValueView, ...] = ()

    def value_at(self, round_key: str) -> ValueView | None:
        """The value recorded at a round, if any."""
        return next((v for v in self.values if v.round_key == round_key), None)

    def text_at(self, round_key: str) -> str:
        """The value at a round as a report prints it ("67 %", "u.s.", "" when none)."""
        value = self.value_at(round_key)
        return "" if value is None else format_value(self.kind, value.value)


@dataclass(frozen=True)
class RiskView:
    """A risk with its history of assessments, its actions and its indicators."""

    id: str
    area_number: int
    area_name: str
    number: int
    title: str
    description: str
    history: tuple[Grade, ...]
    actions: tuple[ActionView, ...] = ()
    indicators: tuple[IndicatorView, ...] = ()
    source: SourceView | None = None

    @property
    def label(self) -> str:
        """"1.1"."""
        return risk_label(self.area_number, self.number)

    @property
    def current(self) -> Grade | None:
        """Its latest assessment."""
        return self.history[-1] if self.history else None


@dataclass(frozen=True)
class RoundView:
    """A follow-up round."""

    id: str
    period: Period
    held_on: date
    summary: str
    # Signed by the committee and locked: what it recorded can no longer change.
    signed: bool = False

    @property
    def key(self) -> str:
        """The period in stored form."""
        return self.period.key

    @property
    def ref(self) -> RoundRef:
        """The round as the history rules need it."""
        return RoundRef(self.period.key, self.period, self.held_on)


@dataclass(frozen=True)
class RiskChange:
    """Where a risk stood last time and at this round."""

    risk: RiskView
    before: Grade | None
    now: Grade | None

    @property
    def change(self) -> Change:
        """Down, up, the same, new or not assessed."""
        return change_between(self.before, self.now)


@dataclass(frozen=True)
class PlanView:
    """A whole plan: its unit, its matrix, its risks in order and its rounds in order."""

    id: str
    unit: str
    municipality: str
    committee: str
    title: str
    decided_on: date
    matrix: RiskMatrix
    risks: tuple[RiskView, ...]
    rounds: tuple[RoundView, ...] = field(default=())

    @property
    def short_id(self) -> str:
        """The id users type."""
        return short_id(self.id)

    def risk(self, label: str) -> RiskView | None:
        """The risk numbered ``label`` ("1.1")."""
        return next((r for r in self.risks if r.label == label.strip()), None)

    def round(self, key: str) -> RoundView | None:
        """The round of a period (stored form)."""
        return next((r for r in self.rounds if r.key == key), None)

    def changes_at(self, key: str) -> list[RiskChange]:
        """Every risk's move between the previous round and the round of period ``key``."""
        round_ = self.round(key)
        if round_ is None:
            return []
        refs = [r.ref for r in self.rounds]
        return [RiskChange(risk, grade_before(risk.history, refs, round_.ref),
                           grade_at(risk.history, round_.ref)) for risk in self.risks]

    def went_down_at(self, key: str) -> list[RiskChange]:
        """The risks that went down since the previous round."""
        return [c for c in self.changes_at(key) if c.change == Change.DOWN]

    def placements(self, key: str | None = None) -> list[RiskChange]:
        """Where each assessed risk was and where it is on the matrix: at the round of period
        ``key`` and the round before it, or, without a key, at its last two assessments."""
        if key is not None:
            return [c for c in self.changes_at(key) if c.now is not None]
        return [RiskChange(risk, risk.history[-2] if len(risk.history) > 1 else None,
                           risk.history[-1]) for risk in self.risks if risk.history]

    def cells_at(self, key: str | None = None) -> dict[tuple[int, int], list[str]]:
        """The risks in each cell of the matrix now (as ``placements``), by their numbers."""
        cells: dict[tuple[int, int], list[str]] = {}
        for placement in self.placements(key):
            now = placement.now
            assert now is not None
            cells.setdefault((now.probability, now.severity), []).append(placement.risk.label)
        return cells

    def summary_at(self, key: str) -> list[str]:
        """What a follow-up report's summary says of the risks at the round of period ``key``:
        how many remain Röd, and each risk whose level went down or up since last time."""
        changes = self.changes_at(key)
        if not changes:
            return []
        red = [c.risk.label for c in changes if c.now is not None and c.now.level == "rod"]
        lines = [("Ingen risk kvarstår som röd, det vill säga som en kritisk, oacceptabel risk."
                  if not red else
                  f"{plural(len(red), 'risk kvarstår', 'risker kvarstår')} som "
                  f"{'röd' if len(red) == 1 else 'röda'}: {', '.join(red)}.")]
        lowered = [c for c in changes if level_lowered(c.before, c.now)]
        lines.append(
            "Ingen risk har sänkts sedan förra uppföljningen." if not lowered else
            f"{plural(len(lowered), 'risk har', 'risker har')} sänkts sedan förra "
            "uppföljningen.")
        lines += [change_sentence(c.risk.label, c.risk.title, c.before, c.now)
                  for c in changes
                  if c.change in (Change.DOWN, Change.UP) and c.before is not None]
        return lines

    def ordered_round_keys(self) -> list[str]:
        """The rounds' periods in the order they report."""
        return [r.key for r in ordered_rounds(r.ref for r in self.rounds)]
