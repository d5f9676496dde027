"""The kinds of criterion, each described once: what it is called, what a template gives it,
what the auditor types for it, how its answer is computed and how that result is explained.

Templates (``templates``), the store (``kvtui.store.answers``), the Aktgranskning part and the
exports look a kind up here (``criterion_kind``) instead of asking "is it a deadline?" each in
its own way, so a new kind is added in this module (a member of ``CriterionKind`` and its
``CriterionKindInfo`` in ``CRITERION_KINDS``), described for template writers in TEMPLATES.md,
and given a sample answer in ``tests/domain/test_criterion_kinds.py``. A kind whose auditor
types something new besides dates or a number (``Entry``) also needs a dialog in the app.

This module sits below ``templates``: it knows a criterion only through ``KindParameters``,
the few parameters a kind reads, which ``templates.Criterion`` has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum, StrEnum
from typing import Protocol

from kvtui.domain.plural import noun
from kvtui.domain.reviews import parse_date
from kvtui.domain.vocabulary import AnswerValue


class CriterionKind(StrEnum):
    """What a criterion asks: a judgement, a time limit between two dates, or a count."""

    JUDGEMENT = "judgement"
    DEADLINE = "deadline"
    COUNT = "count"


class Entry(Enum):
    """What the auditor types for a criterion besides the answer key (Enter opens it)."""

    NONE = "none"
    DATES = "dates"  # two of the akt's dates, shared by every criterion that names them
    NUMBER = "number"


class KindParameters(Protocol):
    """The parameters of a criterion that its kind reads (``templates.Criterion`` has them)."""

    @property
    def code(self) -> str: ...

    @property
    def start_label(self) -> str: ...

    @property
    def end_label(self) -> str: ...

    @property
    def threshold(self) -> int | None: ...

    def due_date(self, start: date) -> date | None: ...


class AnswerError(ValueError):
    """An answer that cannot be saved; the message is for the user (Swedish)."""


@dataclass(frozen=True)
class Basis:
    """What an answer rests on besides its value: the dates or the number typed."""

    start: date | None = None
    end: date | None = None
    number: int | None = None


# --- Deadlines -------------------------------------------------------------------------------
# Exact to the day: a limit of six months from 2024-08-31 ends on 2025-02-28
# (``templates.add_months``), and a date on the last allowed day meets the limit.


@dataclass(frozen=True)
class DeadlineResult:
    """What kvtui computed from the two dates of a deadline criterion."""

    start: date
    end: date
    days: int
    due: date
    value: str

    def describe(self) -> str:
        """One line in Swedish: the days taken and whether the limit was met."""
        verdict = "inom tidsfristen" if self.value == AnswerValue.YES else "efter tidsfristen"
        return f"{days_text(self.days)}, {verdict} (senast {self.due.isoformat()})"


def days_text(days: int) -> str:
    """"1 dag", "0 dagar", "14 dagar"."""
    return f"{days} {noun(abs(days), 'dag', 'dagar')}"


def evaluate_deadline(criterion: KindParameters, start: date, end: date) -> DeadlineResult:
    """Whether the limit counted from ``start`` was met on ``end``."""
    due = criterion.due_date(start)
    if due is None:
        raise AnswerError(f"Kriteriet {criterion.code} har ingen tidsfrist.")
    if end < start:
        label_end = criterion.end_label or "Slutdatum"
        label_start = criterion.start_label or "startdatum"
        raise AnswerError(f"{label_end} ligger före {label_start.lower()}.")
    value = AnswerValue.YES if end <= due else AnswerValue.NO
    return DeadlineResult(start, end, (end - start).days, due, value)


def evaluate_deadline_text(criterion: KindParameters, start: str, end: str) -> DeadlineResult:
    """Dates as the auditor types them (2024-03-05, 20240305, 2024-3-5)."""
    try:
        first = parse_date(start)
        second = parse_date(end)
    except ValueError as error:
        raise AnswerError(str(error)) from None
    return evaluate_deadline(criterion, first, second)


def _deadline_problems(values: Mapping[str, object]) -> list[tuple[str, str]]:
    problems = [(key, "en tidsfrist (deadline) behöver två datumetiketter")
                for key in ("start_label", "end_label") if key not in values]
    if "limit_days" not in values and "limit_months" not in values:
        problems.append(("limit_days", "en tidsfrist (deadline) behöver limit_days eller "
                         "limit_months"))
    elif "limit_days" in values and "limit_months" in values:
        problems.append(("limit_months", "ange bara en av limit_days och limit_months"))
    return problems


def _deadline_value(criterion: KindParameters, basis: Basis) -> str:
    if basis.start is None or basis.end is None:
        return ""
    return evaluate_deadline(criterion, basis.start, basis.end).value


def _deadline_explained(criterion: KindParameters, basis: Basis) -> str:
    if basis.start is None or basis.end is None:
        return ""
    try:
        result = evaluate_deadline(criterion, basis.start, basis.end)
    except AnswerError as error:
        return str(error)
    return f"{basis.start.isoformat()} – {basis.end.isoformat()}: {result.describe()}"


# --- Counts ----------------------------------------------------------------------------------


def evaluate_count(criterion: KindParameters, number: int) -> str:
    """Ja when the number reaches the threshold, otherwise Nej."""
    if criterion.threshold is None:
        raise AnswerError(f"Kriteriet {criterion.code} har ingen gräns.")
    if number < 0:
        raise AnswerError("Antalet kan inte vara negativt.")
    return AnswerValue.YES if number >= criterion.threshold else AnswerValue.NO


def parse_count(text: str) -> int:
    """A count as typed; a clear message for anything that is not a whole number."""
    raw = text.strip()
    if not raw.isdigit():
        raise AnswerError(f"'{text}' är inte ett heltal.")
    return int(raw)


def _count_problems(values: Mapping[str, object]) -> list[tuple[str, str]]:
    if "threshold" in values:
        return []
    return [("threshold", "ett antal (count) behöver ett gränsvärde")]


def _count_value(criterion: KindParameters, basis: Basis) -> str:
    return "" if basis.number is None else evaluate_count(criterion, basis.number)


def _count_explained(criterion: KindParameters, basis: Basis) -> str:
    if basis.number is None:
        return ""
    limit = f" (gräns: minst {criterion.threshold})" if criterion.threshold else ""
    return f"antal {basis.number}{limit}"


# --- Judgements ------------------------------------------------------------------------------


def _nothing_missing(values: Mapping[str, object]) -> list[tuple[str, str]]:
    return []


def _nothing_to_say(criterion: KindParameters, basis: Basis) -> str:
    """A judgement is the auditor's own: nothing is computed, nothing needs explaining."""
    return ""


# --- The registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionKindInfo:
    """Everything kvtui knows about one kind of criterion.

    ``template_keys`` are the keys a template may give only criteria of this kind;
    ``template_problems`` says, as (key, Swedish message) pairs, which of them a criterion of
    this kind lacks. ``entry`` is what the auditor types besides the answer key, and
    ``enter_hint`` tells her so under an unanswered criterion. ``computed`` gives the answer
    the basis leads to ("" when the basis is not complete, ``AnswerError`` when it cannot be
    used), and ``explained`` one line saying what the answer rests on.
    """

    kind: CriterionKind
    label: str
    template_keys: tuple[str, ...]
    template_problems: Callable[[Mapping[str, object]], list[tuple[str, str]]]
    entry: Entry
    enter_hint: str
    computed: Callable[[KindParameters, Basis], str]
    explained: Callable[[KindParameters, Basis], str]

    def kept(self, basis: Basis) -> Basis:
        """The part of a basis an answer of this kind stores: dates, a number or nothing."""
        if self.entry is Entry.DATES:
            return Basis(start=basis.start, end=basis.end)
        if self.entry is Entry.NUMBER:
            return Basis(number=basis.number)
        return Basis()


CRITERION_KINDS: dict[str, CriterionKindInfo] = {
    info.kind: info for info in (
        CriterionKindInfo(
            kind=CriterionKind.JUDGEMENT,
            label="Bedömning",
            template_keys=(),
            template_problems=_nothing_missing,
            entry=Entry.NONE,
            enter_hint="",
            computed=_nothing_to_say,
            explained=_nothing_to_say,
        ),
        CriterionKindInfo(
            kind=CriterionKind.DEADLINE,
            label="Tidsfrist",
            template_keys=("start_label", "end_label", "limit_days", "limit_months"),
            template_problems=_deadline_problems,
            entry=Entry.DATES,
            enter_hint="Enter: skriv datumen.",
            computed=_deadline_value,
            explained=_deadline_explained,
        ),
        CriterionKindInfo(
            kind=CriterionKind.COUNT,
            label="Antal",
            template_keys=("threshold", "unit_label"),
            template_problems=_count_problems,
            entry=Entry.NUMBER,
            enter_hint="Enter: skriv antalet.",
            computed=_count_value,
            explained=_count_explained,
        ),
    )
}


def criterion_kind(kind: str) -> CriterionKindInfo:
    """The description of a kind. A kind kvtui does not know (a store changed by hand) is
    shown by its own name and answered like a judgement, with nothing computed."""
    found = CRITERION_KINDS.get(kind)
    if found is not None:
        return found
    return replace(CRITERION_KINDS[CriterionKind.JUDGEMENT], label=kind)
