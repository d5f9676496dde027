"""The built-in demo review: an invented foster-care unit, modelled on a published report.

Every name, number and case here is invented. References are the unit's own case numbers,
never personnummer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from kvtui.domain.answers import not_applicable_reason
from kvtui.domain.criterion_kinds import Entry, criterion_kind
from kvtui.domain.reviews import ReviewFields
from kvtui.domain.templates import Criterion, add_months
from kvtui.domain.vocabulary import AnswerValue

DEMO_TEMPLATE = "familjevard"
DEMO_SAMPLE_SEED = "20261101"
DEMO_SAMPLE_FRACTION = 0.3
DEMO_STRATIFY_BY = "Placeringsform"
# The template gives F15 no legal reference; the demo's auditor adds one for her review.
DEMO_REFERENCES = {"F15": "SOSFS 2014:5"}
_SEED = 20261101

DEMO_FIELDS = ReviewFields(
    title="Kvalitetsgranskning av familjevården 2026",
    unit="Familjevårdsenheten, Individ- och familjeomsorgen",
    municipality="Sjövik kommun",
    committee="Socialnämnden",
    diary_number="SN 2026/0147",
    auditors=("Karin Ekdahl", "Jonas Lindwall"),
    period_start=date(2025, 1, 1),
    period_end=date(2025, 6, 30),
    purpose=(
        "Syftet med granskningen är att belysa arbetssätt ur ett kvalitetsperspektiv samt "
        "tydliggöra förbättringsområden som underlag för åtgärder för att förbättra "
        "verksamheten. Syftet är även att beskriva och bedöma kvaliteten i socialtjänstens "
        "verksamheter ur ett medborgarperspektiv. Med medborgare avses här de personer som är "
        "direkt berörda av den granskade verksamheten."
    ),
    scope=(
        "Granskningen avser verksamheten som arbetar med familjevård i Sjövik kommun. Arbetet "
        "med kontaktpersoner, kontaktfamiljer och familjerätt, som är en del av enhetens "
        "uppdrag, omfattas inte av denna granskning."
    ),
)

_PLACEMENTS = ("familjehem",) * 30 + ("jourhem",) * 8 + ("nätverkshem",) * 6
_AGE_BANDS = ("0–6 år", "7–12 år", "13–17 år")


def demo_case_files() -> list[tuple[str, dict[str, str]]]:
    """The 44 placed children's akter of the demo unit: case number and attributes."""
    rng = random.Random(_SEED)
    placements = list(_PLACEMENTS)
    rng.shuffle(placements)
    files: list[tuple[str, dict[str, str]]] = []
    for index, placement in enumerate(placements, start=1):
        days_placed = rng.randint(30, 60) if placement == "jourhem" else rng.randint(90, 2600)
        placed_from = date(2025, 6, 1) - timedelta(days=days_placed)
        files.append(
            (
                f"FV-{2019 + index % 7}-{100 + index * 7:04d}",
                {
                    "Placeringsform": placement,
                    "Lagrum": "LVU" if rng.random() < 0.3 else "SoL",
                    "Åldersgrupp": rng.choice(_AGE_BANDS),
                    "Placerad från": placed_from.isoformat(),
                },
            )
        )
    return files


@dataclass(frozen=True)
class DemoAnswer:
    """One invented answer of the demo's file review."""

    code: str
    value: str | None
    start: date | None = None
    end: date | None = None
    number: int | None = None
    comment: str = ""


# How often each judgement is Ja / Delvis / Nej in the demo: most things are in order, the
# implementation plans (F4, F5) are the unit's weak point, as in the published report.
_JUDGEMENT_WEIGHTS: dict[str, tuple[int, int, int]] = {
    "F4": (4, 2, 7),
    "F5": (3, 3, 4),
    "F8": (8, 2, 1),
    "F9": (8, 2, 1),
    "F15": (6, 3, 2),
    "F16": (7, 1, 2),
}
_COMMENTS = {
    AnswerValue.NO: "Saknas i akten vid granskningstillfället.",
    AnswerValue.PARTLY: "Finns men är inte aktuell.",
}


def demo_answers(
    criteria: list[Criterion], attributes: dict[str, str], on: date, index: int
) -> list[DemoAnswer]:
    """Invented, varied answers for every criterion of one sampled akt."""
    rng = random.Random(_SEED + index)
    placed_from = date.fromisoformat(attributes["Placerad från"])
    answers: list[DemoAnswer] = []
    for criterion in criteria:
        if reason := not_applicable_reason(criterion, attributes, on):
            answers.append(DemoAnswer(criterion.code, AnswerValue.NOT_APPLICABLE, comment=reason))
        elif (entry := criterion_kind(criterion.kind).entry) is Entry.DATES:
            answers.append(_deadline_answer(criterion, placed_from, on, rng))
        elif entry is Entry.NUMBER:
            number = rng.choice((2, 3, 4, 4, 5, 5, 6, 7))
            answers.append(DemoAnswer(criterion.code, None, number=number))
        else:
            ja, delvis, nej = _JUDGEMENT_WEIGHTS.get(criterion.code, (12, 1, 1))
            value = rng.choices((AnswerValue.YES, AnswerValue.PARTLY, AnswerValue.NO),
                                weights=(ja, delvis, nej))[0]
            answers.append(DemoAnswer(criterion.code, value, comment=_COMMENTS.get(value, "")))
    return answers


def _deadline_answer(criterion: Criterion, placed_from: date, on: date,
                     rng: random.Random) -> DemoAnswer:
    """Dates found in the akt: mostly within the limit, sometimes a few weeks late."""
    if criterion.limit_months is not None and criterion.limit_months <= 6:
        start = on - timedelta(days=rng.randint(200, 260))
    else:
        start = placed_from
    due = add_months(start, criterion.limit_months or 0) if criterion.limit_months else (
        start + timedelta(days=criterion.limit_days or 0))
    late = rng.random() < 0.2
    end = due + timedelta(days=rng.randint(3, 40)) if late else due - timedelta(
        days=rng.randint(0, max(0, (due - start).days // 3)))
    return DemoAnswer(criterion.code, None, start=start, end=end)
