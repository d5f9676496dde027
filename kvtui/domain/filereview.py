"""Plain data the file-review screens and commands work with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from kvtui.domain.plural import noun, plural
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


#: What became of a sampled akt: reviewed, replaced by the next in the seeded order, or
#: excluded with a reason (both leave the statistics; both are told in Metod and appendix).
ACTIVE = "active"
REPLACED = "replaced"
EXCLUDED = "excluded"
STATUS_LABELS = {ACTIVE: "Ingår", REPLACED: "Ersatt", EXCLUDED: "Utesluten"}

#: References named in a message before the rest is only counted.
NAMED_AKTER = 10


@dataclass(frozen=True)
class SampledAkt:
    """An akt in the sample, in drawn order.

    ``replaced_reason`` holds the reason of a replacement or an exclusion; ``replaced_by`` is
    the reference of the akt that took a replaced one's place.
    """

    case_file_id: str
    reference: str
    position: int
    status: str = ACTIVE
    replaced_reason: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    replaced_by: str = ""


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
        """The akter that are reviewed (neither replaced nor excluded)."""
        return tuple(item for item in self.items if item.status == ACTIVE)

    @property
    def replaced(self) -> tuple[SampledAkt, ...]:
        """The akter replaced by the next in the seeded order."""
        return tuple(item for item in self.items if item.status == REPLACED)

    @property
    def excluded(self) -> tuple[SampledAkt, ...]:
        """The akter excluded with a reason and not replaced."""
        return tuple(item for item in self.items if item.status == EXCLUDED)

    @property
    def drawn(self) -> int:
        """How many akter were drawn (and added by extensions): every replacement added one."""
        return len(self.items) - len(self.replaced)


def akter_count(count: int) -> str:
    """"1 akt", "2 akter"."""
    return plural(count, "akt", "akter")


def named(references: Sequence[str], limit: int = NAMED_AKTER) -> str:
    """References as a list for a message: the first ``limit`` and a count of the rest."""
    shown = ", ".join(references[:limit])
    rest = len(references) - limit
    return shown + (f" och {rest} till" if rest > 0 else "")


def unreviewed_line(missing: int, total: int) -> str:
    """"28 av 36 akter är inte granskade", "1 av 36 akter är inte granskad": akter of the
    sample still to be reviewed (not fully answered, neither replaced nor excluded)."""
    return f"{missing} av {akter_count(total)} är inte {noun(missing, 'granskad', 'granskade')}"


def unreviewed_refusal(missing: Sequence[str], total: int) -> str:
    """Why a review with akter of its sample still unreviewed cannot be signed, naming them."""
    return (
        f"{unreviewed_line(len(missing), total)}: {named(missing)}. Besvara alla kriterier "
        "för dem, eller ersätt eller uteslut dem med skäl under Akter & urval, innan "
        "granskningen signeras."
    )


METHODS: dict[str, str] = {
    "simple": "obundet slumpmässigt urval",
    "stratified": "stratifierat urval med proportionell fördelning",
    "systematic": "systematiskt urval med slumpmässig start",
}
