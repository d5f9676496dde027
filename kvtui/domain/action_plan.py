"""The rules of a unit's action plan (åtgärdsplan) and its follow-up.

A review ends in findings; the committee then decides an action plan for the unit and follows
it up, often every tertial, until the risks are down. The plan belongs to the unit and lives
across reviews and years. Its risks are numbered per quality area ("2.1" is the first risk
of area 2); each risk is assessed on the risk matrix (``kvtui.domain.risk_matrix``) again and
again, every assessment dated and kept; each risk has actions with their activities, a
responsible role (never a person's name), a deadline and a status; at every follow-up round
each action gets a traffic light for its progress and each indicator a value.

Everything here is pure: the store keeps the rows and asks these rules what is allowed, how a
round or a risk is labelled, and which risks went down since the previous round.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kvtui.domain.risk_matrix import LEVEL_RANK, level_label

# Socialstyrelsen's quality areas, which committees number their risks by (the numbers are
# the plan's own: a plan numbers its areas as it first uses them, or as the committee says).
QUALITY_AREAS: tuple[str, ...] = (
    "Självbestämmande och integritet",
    "Trygghet och säkerhet",
    "Kunskapsbaserad verksamhet",
    "Helhetssyn och samordning",
    "Effektivitet",
    "Tillgänglighet",
)


class TrafficLight(StrEnum):
    """How an action's activities follow their time plan, at one follow-up round."""

    GREEN = "gron"
    YELLOW = "gul"
    RED = "rod"


TRAFFIC_LIGHTS: dict[str, str] = {
    TrafficLight.GREEN: "Grönt",
    TrafficLight.YELLOW: "Gult",
    TrafficLight.RED: "Rött",
}
TRAFFIC_LIGHT_MEANINGS: dict[str, str] = {
    TrafficLight.GREEN: "följer tidplanen",
    TrafficLight.YELLOW: "risk för försening",
    TrafficLight.RED: "försenad",
}
_LIGHT_WORDS = {"grön": TrafficLight.GREEN, "grönt": TrafficLight.GREEN,
                "gron": TrafficLight.GREEN, "gront": TrafficLight.GREEN,
                "gul": TrafficLight.YELLOW, "gult": TrafficLight.YELLOW,
                "röd": TrafficLight.RED, "rött": TrafficLight.RED, "rod": TrafficLight.RED,
                "rott": TrafficLight.RED}


class ActionStatus(StrEnum):
    """Where an action stands as a whole."""

    PLANNED = "planned"
    ONGOING = "ongoing"
    DONE = "done"
    CANCELLED = "cancelled"


ACTION_STATUSES: dict[str, str] = {
    ActionStatus.PLANNED: "Planerad",
    ActionStatus.ONGOING: "Pågår",
    ActionStatus.DONE: "Genomförd",
    ActionStatus.CANCELLED: "Avbruten",
}
_STATUS_WORDS = {label.casefold(): ActionStatus(status)
                 for status, label in ACTION_STATUSES.items()}


class IndicatorKind(StrEnum):
    """What an indicator's values are: a share in per cent, or a count."""

    SHARE = "share"
    COUNT = "count"


INDICATOR_KINDS: dict[str, str] = {IndicatorKind.SHARE: "Andel (%)",
                                   IndicatorKind.COUNT: "Antal"}
_KIND_WORDS = {"andel": IndicatorKind.SHARE, "%": IndicatorKind.SHARE,
               "antal": IndicatorKind.COUNT}

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")
_MONTH_WORDS = {name: index for index, name in enumerate(MONTHS, start=1)} | {
    name[:3]: index for index, name in enumerate(MONTHS, start=1)}


class PlanError(ValueError):
    """Input the plan's rules refuse; the message is Swedish, for the user."""


# --- Labels -------------------------------------------------------------------------------


def traffic_light_label(light: str) -> str:
    """"Gult – risk för försening"."""
    if light not in TRAFFIC_LIGHTS:
        return light
    return f"{TRAFFIC_LIGHTS[light]} – {TRAFFIC_LIGHT_MEANINGS[light]}"


def action_status_label(status: str) -> str:
    """"Pågår"."""
    return ACTION_STATUSES.get(status, status)


def risk_label(area_number: int, risk_number: int) -> str:
    """"1.1": the first risk of quality area 1."""
    return f"{area_number}.{risk_number}"


def next_number(existing: Iterable[int]) -> int:
    """The number the next risk (or area, or action) gets: one past the highest, so that a
    number once used in a report is never given to another risk."""
    return max(existing, default=0) + 1


def area_label(number: int, name: str) -> str:
    """"2 Trygghet och säkerhet"."""
    return f"{number} {name}"


_AREA = re.compile(r"^\s*(\d{1,2})[.)]?\s+(.+?)\s*$")


def parse_area(text: str) -> tuple[int | None, str]:
    """A quality area as typed: "2 Trygghet och säkerhet" gives its number and name,
    "Trygghet och säkerhet" the name only (the plan numbers it)."""
    text = " ".join(text.split())
    if not text:
        raise PlanError("Kvalitetsområdet saknas. Ange till exempel \"2 Trygghet och "
                        "säkerhet\".")
    match = _AREA.match(text)
    if match is None:
        return None, text
    number = int(match[1])
    if number < 1:
        raise PlanError(f"Kvalitetsområdets nummer måste vara 1 eller större, inte {number}.")
    return number, match[2]


def same_area(a: str, b: str) -> bool:
    """Whether two area names name the same area (case and spacing aside)."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def unit_key(unit: str, municipality: str) -> str:
    """What makes a unit the same unit across reviews and years: its name and municipality,
    case and spacing aside."""
    return "|".join(" ".join(part.split()).casefold() for part in (municipality, unit))


# --- Parsing what the user types ----------------------------------------------------------


def parse_traffic_light(text: str) -> TrafficLight:
    """Grönt, Gult or Rött (also grön/gul/röd)."""
    light = _LIGHT_WORDS.get(text.strip().casefold())
    if light is None:
        raise PlanError(f"Okänt stoppljus '{text}'. Ange grönt (följer tidplanen), gult "
                        "(risk för försening) eller rött (försenad).")
    return light


def parse_action_status(text: str) -> ActionStatus:
    """Planerad, Pågår, Genomförd or Avbruten."""
    status = _STATUS_WORDS.get(text.strip().casefold())
    if status is None and text in ACTION_STATUSES:
        status = ActionStatus(text)
    if status is None:
        raise PlanError(f"Okänd status '{text}'. Ange " + ", ".join(
            ACTION_STATUSES.values()) + ".")
    return status


def parse_indicator_kind(text: str) -> IndicatorKind:
    """Andel (a share in per cent) or antal (a count)."""
    kind = _KIND_WORDS.get(text.strip().casefold())
    if kind is None and text in INDICATOR_KINDS:
        kind = IndicatorKind(text)
    if kind is None:
        raise PlanError(f"Okänd sorts indikator '{text}'. Ange andel eller antal.")
    return kind


def parse_value(text: str) -> float:
    """A number as Swedes write it: "61", "2,4", "67 %"."""
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".").replace(" ", "")
    try:
        return float(cleaned)
    except ValueError:
        raise PlanError(f"'{text}' är inte ett tal.") from None


# --- Checks ---------------------------------------------------------------------------------


def deadline_problem(deadline: date | None, plan_date: date) -> str | None:
    """Why a deadline cannot be set, or None: it cannot come before the plan was decided."""
    if deadline is not None and deadline < plan_date:
        return (f"Tidsgränsen {deadline.isoformat()} ligger före planens datum "
                f"{plan_date.isoformat()}. Ange ett datum från och med planens datum.")
    return None


def value_problem(kind: str, value: float | None) -> str | None:
    """Why an indicator value cannot be saved, or None. A share is 0–100 %, a count is a
    whole number of at least 0; no value at all means not measured this round."""
    if value is None:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return "Värdet är inte ett tal."
    if kind == IndicatorKind.SHARE and not 0 <= value <= 100:
        return (f"En andel måste ligga mellan 0 och 100 %, inte {format_value(kind, value)}.")
    if kind == IndicatorKind.COUNT and (value < 0 or value != int(value)):
        return f"Ett antal måste vara ett helt tal, 0 eller större, inte {value:g}."
    return None


def text_problem(text: str, what: str) -> str | None:
    """Why a required text is refused (empty), or None."""
    if not text.strip():
        return f"{what} saknas."
    return None


def format_value(kind: str, value: float | None) -> str:
    """"67 %", "2,4 %", "9"; "u.s." (ej undersökt) for no value."""
    if value is None:
        return "u.s."
    number = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{number} %" if kind == IndicatorKind.SHARE else number


def share_of(yes: int, applicable: int) -> float | None:
    """The share Ja of the applicable, in per cent, or None when nothing applied."""
    if applicable <= 0:
        return None
    return round(100 * yes / applicable, 1)


# --- Follow-up rounds -----------------------------------------------------------------------

_TERTIAL_END = {1: (4, 30), 2: (8, 31), 3: (12, 31)}
_TERTIAL_MONTHS = {1: "januari–april", 2: "maj–augusti", 3: "september–december"}


class PeriodKind(StrEnum):
    """What a follow-up round covers."""

    TERTIAL = "tertial"
    MONTH = "month"
    DATE = "date"


@dataclass(frozen=True, order=True)
class Period:
    """The period a follow-up round reports on. ``key`` is how the store keeps it:
    "2020-T2", "2020-08" or "2020-08-31"."""

    end: date
    kind: PeriodKind
    year: int
    number: int  # the tertial (1–3) or month (1–12); the day's ordinal for a date

    @property
    def key(self) -> str:
        """The stored form."""
        if self.kind == PeriodKind.TERTIAL:
            return f"{self.year}-T{self.number}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}-{self.number:02d}"
        return self.end.isoformat()

    @property
    def label(self) -> str:
        """"Tertial 2 2020", "Augusti 2020", "2020-08-31"."""
        if self.kind == PeriodKind.TERTIAL:
            return f"Tertial {self.number} {self.year}"
        if self.kind == PeriodKind.MONTH:
            return f"{MONTHS[self.number - 1].capitalize()} {self.year}"
        return self.end.isoformat()

    @property
    def short_label(self) -> str:
        """"T2 2020", "aug 2020", "2020-08-31": for table headings."""
        if self.kind == PeriodKind.TERTIAL:
            return f"T{self.number} {self.year}"
        if self.kind == PeriodKind.MONTH:
            return f"{MONTHS[self.number - 1][:3]} {self.year}"
        return self.end.isoformat()

    @property
    def span(self) -> str:
        """"maj–augusti 2020" for a tertial; the label otherwise."""
        if self.kind == PeriodKind.TERTIAL:
            return f"{_TERTIAL_MONTHS[self.number]} {self.year}"
        return self.label


def tertial(year: int, number: int) -> Period:
    """Tertial 1 (januari–april), 2 (maj–augusti) or 3 (september–december) of a year."""
    if number not in _TERTIAL_END:
        raise PlanError(f"Ett år har tertial 1, 2 och 3, inte tertial {number}.")
    month, day = _TERTIAL_END[number]
    return Period(_checked_date(year, month, day), PeriodKind.TERTIAL, year, number)


def month(year: int, number: int) -> Period:
    """A calendar month of a year."""
    if not 1 <= number <= 12:
        raise PlanError(f"Månaden måste vara 1–12, inte {number}.")
    last = calendar.monthrange(_checked_year(year), number)[1]
    return Period(date(year, number, last), PeriodKind.MONTH, year, number)


def on_date(day: date) -> Period:
    """A follow-up at one date."""
    return Period(day, PeriodKind.DATE, day.year, day.timetuple().tm_yday)


def _checked_year(year: int) -> int:
    if not 1900 <= year <= 2999:
        raise PlanError(f"Året {year} ser inte rimligt ut.")
    return year


def _checked_date(year: int, month_number: int, day: int) -> date:
    return date(_checked_year(year), month_number, day)


_TERTIAL_FORMS = (re.compile(r"^(?:t|tertial)\s*([0-9])\s*[-/ ]?\s*(\d{4})$"),
                  re.compile(r"^(\d{4})\s*[-/ ]?\s*(?:t|tertial)\s*([0-9])$"))
_MONTH_NUMBER = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_NAME = re.compile(r"^([a-zåäö]+)\.?\s+(\d{4})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_period(text: str) -> Period:
    """A round's period as typed: "T2 2020", "tertial 2 2020", "2020-T2"; "2020-08",
    "augusti 2020", "aug 2020"; or a date "2020-08-31". Also reads what ``Period.key``
    writes."""
    cleaned = " ".join(text.strip().casefold().split())
    first, second = _TERTIAL_FORMS
    if match := first.match(cleaned):
        return tertial(int(match[2]), int(match[1]))
    if match := second.match(cleaned):
        return tertial(int(match[1]), int(match[2]))
    if match := _DATE.match(cleaned):
        try:
            return on_date(_checked_date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            raise PlanError(f"Datumet {text.strip()} finns inte.") from None
    if match := _MONTH_NUMBER.match(cleaned):
        return month(int(match[1]), int(match[2]))
    if (match := _MONTH_NAME.match(cleaned)) and match[1] in _MONTH_WORDS:
        return month(int(match[2]), _MONTH_WORDS[match[1]])
    raise PlanError(f"Perioden '{text}' kan inte läsas. Skriv ett tertial (\"T2 2020\"), en "
                    "månad (\"2020-08\" eller \"augusti 2020\") eller ett datum "
                    "(\"2020-08-31\").")


# --- Where risks were and are ---------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    """One dated assessment of a risk: its cell of the matrix and the level it had then."""

    assessed_on: date
    probability: int
    severity: int
    level: str
    round_key: str | None = None  # the follow-up round it was made in, if any
    comment: str = ""

    @property
    def product(self) -> int:
        """Sannolikhet × allvarlighetsgrad, 1–16, as reports print it in the cell."""
        return self.probability * self.severity

    @property
    def rank(self) -> tuple[int, int]:
        """How serious: the level first, then the product within the level."""
        return LEVEL_RANK.get(self.level, -1), self.product

    @property
    def label(self) -> str:
        """"Gul (2 × 3 = 6)"."""
        return (f"{level_label(self.level)} ({self.probability} × {self.severity} = "
                f"{self.product})")


@dataclass(frozen=True)
class RoundRef:
    """A follow-up round as the history needs it: its period, when it was held, its key."""

    key: str
    period: Period
    held_on: date


def ordered_rounds(rounds: Iterable[RoundRef]) -> list[RoundRef]:
    """Rounds in the order they report: by the period's end, then by when they were held."""
    return sorted(rounds, key=lambda r: (r.period.end, r.held_on, r.key))


def grade_at(history: Sequence[Grade], round_: RoundRef) -> Grade | None:
    """Where the risk stood at a round: the last assessment made in the round, or else the
    last one made on or before the day the round was held."""
    ordered = sorted(history, key=lambda g: g.assessed_on)
    in_round = [g for g in ordered if g.round_key == round_.key]
    if in_round:
        return in_round[-1]
    before = [g for g in ordered if g.assessed_on <= round_.held_on]
    return before[-1] if before else None


def grade_before(history: Sequence[Grade], rounds: Sequence[RoundRef],
                 round_: RoundRef) -> Grade | None:
    """Where the risk stood last time: at the previous round, or, at the first round, its
    first assessment (the risk analysis the plan started from) when that was made before
    this round."""
    ordered = ordered_rounds(rounds)
    index = next((i for i, r in enumerate(ordered) if r.key == round_.key), None)
    if index is None:
        raise PlanError("Uppföljningen hör inte till planen.")
    if index > 0:
        return grade_at(history, ordered[index - 1])
    first = sorted((g for g in history if g.round_key != round_.key),
                   key=lambda g: g.assessed_on)
    return first[0] if first and first[0].assessed_on <= round_.held_on else None


class Change(StrEnum):
    """How a risk moved between two follow-ups."""

    DOWN = "down"
    UP = "up"
    SAME = "same"
    NEW = "new"
    NOT_ASSESSED = "not_assessed"


CHANGES: dict[str, str] = {
    Change.DOWN: "sänkt", Change.UP: "höjd", Change.SAME: "oförändrad",
    Change.NEW: "ny", Change.NOT_ASSESSED: "ej bedömd",
}


def change_between(before: Grade | None, now: Grade | None) -> Change:
    """Whether a risk went down, up or stayed: by its level first, and within the same level
    by the product of its cell."""
    if now is None:
        return Change.NOT_ASSESSED
    if before is None:
        return Change.NEW
    if now.rank < before.rank:
        return Change.DOWN
    if now.rank > before.rank:
        return Change.UP
    return Change.SAME


def level_lowered(before: Grade | None, now: Grade | None) -> bool:
    """Whether the level itself went down (Röd to Gul, Gul to Grön), as a follow-up report's
    summary counts it ("risken har sänkts till gul")."""
    return (before is not None and now is not None
            and LEVEL_RANK.get(now.level, -1) < LEVEL_RANK.get(before.level, -1))


def change_sentence(label: str, text: str, before: Grade | None, now: Grade | None) -> str:
    """One line of a follow-up's summary: "Risk 5.2 Kontinuitet har sänkts från Röd till
    Gul." """
    change = change_between(before, now)
    name = f"Risk {label} {text}".strip()
    if change == Change.NOT_ASSESSED or now is None:
        return f"{name} har inte bedömts."
    if change == Change.NEW or before is None:
        return f"{name} är bedömd som {level_label(now.level)}."
    if before.level != now.level:
        verb = "sänkts" if change == Change.DOWN else "höjts"
        return f"{name} har {verb} från {level_label(before.level)} till " \
               f"{level_label(now.level)}."
    if change == Change.SAME:
        return f"{name} är oförändrad, {level_label(now.level)}."
    word = "minskat" if change == Change.DOWN else "ökat"
    return (f"{name} har {word} inom {level_label(now.level)} "
            f"({before.product} → {now.product}).")
