"""Plain data the file-review screens and commands work with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kvtui.domain.templates import Criterion


@dataclass(frozen=True)
class CriterionView:
    """A criterion of a review with the legal reference in force for the review's period."""

    id: str
    criterion: Criterion
    reference: str | None

    @property
    def code(self) -> str:
        """The criterion's code, e.g. F3."""
        return self.criterion.code


@dataclass(frozen=True)
class AnswerView:
    """A saved answer."""

    criterion_id: str
    value: str
    start_date: date | None = None
    end_date: date | None = None
    number: int | None = None
    computed_value: str = ""
    override_reason: str = ""
    comment: str = ""


@dataclass(frozen=True)
class SampledAkt:
    """An akt in the sample, in drawn order."""

    case_file_id: str
    reference: str
    position: int
    status: str = "active"
    replaced_reason: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SampleInfo:
    """A drawn sample: how, from what, and what it holds."""

    id: str
    method: str
    seed: str
    population_size: int
    target_size: int | None
    fraction: float | None
    stratify_by: str
    drawn_by: str
    drawn_at: datetime
    items: tuple[SampledAkt, ...]

    @property
    def active(self) -> tuple[SampledAkt, ...]:
        """The akter that are reviewed (not replaced)."""
        return tuple(item for item in self.items if item.status == "active")


METHODS: dict[str, str] = {
    "simple": "obundet slumpmässigt urval",
    "stratified": "stratifierat urval med proportionell fördelning",
    "systematic": "systematiskt urval med slumpmässig start",
}
