"""The built-in demo review: an invented foster-care unit, modelled on a published report.

Every name, number and case here is invented. References are the unit's own case numbers,
never personnummer.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from kvtui.domain.reviews import ReviewFields

DEMO_TEMPLATE = "familjevard"
DEMO_CASE_FILES = 44
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
