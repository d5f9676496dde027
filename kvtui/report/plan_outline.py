"""What the follow-up report of an action plan says, as plain text and numbers.

The PDF (``kvtui.report.plan_story``) lays these out; here is only what it computes: which
round a report is of and which round came before it, the title in the committees' own form
("Uppföljning av åtgärdsplan 2020 barn och familjeenheten, tertial 2"), the cover facts, the
background drawn from the plan's own data, the count of risks per level now and before, the
products each level covers in the plan's matrix, and the rows of each area's tables. No
ReportLab here, so that these rules are tested on data alone and a later export (Word, the
app's preview) says the same.

A plan without risks or rounds has nothing to follow up: ``report_problem`` says so in
Swedish, and ``PlanReportError`` carries that message to whoever asked for the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kvtui.domain.action_plan import (
    QUALITY_AREAS,
    TRAFFIC_LIGHT_MEANINGS,
    TRAFFIC_LIGHTS,
    Change,
    PeriodKind,
    PlanError,
    action_status_label,
    area_label,
    format_value,
    level_lowered,
    parse_period,
)
from kvtui.domain.method_text import NO_BREAK, lower_first, swedish_date
from kvtui.domain.plan_data import ActionView, IndicatorView, PlanView, RiskChange, RoundView
from kvtui.domain.plural import plural
from kvtui.domain.risk_matrix import (
    LEVEL_MEANINGS,
    LEVELS,
    PROBABILITY_LABELS,
    SCALE,
    SEVERITY_LABELS,
    level_label,
)

KICKER = "UPPFÖLJNING AV ÅTGÄRDSPLAN"
SUMMARY_TITLE = "Sammanfattning"
BACKGROUND_TITLE = "Bakgrund"
MATRIX_TITLE = "Uppföljning av åtgärdsplan"
AREAS_TITLE = "Risker, åtgärder och indikatorer"
SIGNOFF_TITLE = "Signering"
NOT_ASSESSED = "Ej bedömd"
NO_LIGHT = "Ej angivet"
NO_ACTION = "Ingen åtgärd är beslutad."
DRAFT_NOTICE = "Utkast. Uppföljningen är inte fastställd."
UNSIGNED_NOTICE = "Slutlig version – ej signerad."
SIGNED_STATUS = "Slutlig version, signerad"
MATRIX_INTRO = (
    "I åtgärdsplanen ingår de brister i kvalitet och effektivitet som i riskanalysen har "
    "bedömts vara signifikanta eller kritiska, det vill säga gula eller röda i matrisen nedan. "
    "Riskerna bedöms på nytt allteftersom åtgärderna och deras aktiviteter genomförs. Talet i "
    "varje ruta är sannolikhet × allvarlighetsgrad; under det står nivån och de risker som vid "
    "denna uppföljning är bedömda i rutan.")
LIGHTS_INTRO = (
    "I kolumnen Stoppljus anges om åtgärderna, det vill säga de aktiviteter som hör till dem, "
    "följer tidplanen: rött betyder försenad, gult risk för försening och grönt att tidplanen "
    "följs.")
MAX_ROUND_COLUMNS = 4  # indicator tables show the baseline and at most this many rounds


class PlanReportError(ValueError):
    """A follow-up report that cannot be made; the message is Swedish, for the user."""


def report_problem(plan: PlanView, round_key: str | None) -> str | None:
    """Why the plan's follow-up report cannot be made (for this round), or None."""
    if not plan.risks:
        return ("Planen har inga risker ännu, så det finns inget att följa upp. Lägg till "
                "risker med `kvtui plan add-risk`.")
    if not plan.rounds:
        return ("Planen har ingen uppföljning ännu. Gör den första med `kvtui plan "
                "follow-up`; rapporten redovisar en uppföljning.")
    if round_key is not None and plan.round(round_key) is None:
        known = ", ".join(r.period.label for r in plan.rounds)
        try:
            asked = f"för {parse_period(round_key).label}"
        except PlanError:
            asked = f"för perioden {round_key}"
        return f"Planen har ingen uppföljning {asked}. Uppföljningar: {known}."
    return None


def chosen_round(plan: PlanView, round_key: str | None = None) -> RoundView:
    """The round the report is of: the one asked for, or the latest;
    ``PlanReportError`` when there is none."""
    problem = report_problem(plan, round_key)
    if problem is not None:
        raise PlanReportError(problem)
    key = round_key if round_key is not None else plan.ordered_round_keys()[-1]
    found = plan.round(key)
    assert found is not None
    return found


def rounds_up_to(plan: PlanView, round_: RoundView) -> list[RoundView]:
    """The rounds in the order they report, up to and including ``round_``."""
    keys = plan.ordered_round_keys()
    upto = keys[:keys.index(round_.key) + 1]
    return [r for key in upto if (r := plan.round(key)) is not None]


def previous_round(plan: PlanView, round_: RoundView) -> RoundView | None:
    """The round before ``round_``, if any."""
    earlier = rounds_up_to(plan, round_)[:-1]
    return earlier[-1] if earlier else None


def period_words(plan: PlanView, round_: RoundView) -> str:
    """The period as the title says it: "tertial 2" in the plan's own year, "tertial 1 2021"
    later; "augusti 2020"; a date."""
    period = round_.period
    if period.kind == PeriodKind.TERTIAL:
        year = "" if period.year == plan.decided_on.year else f" {period.year}"
        return f"tertial {period.number}{year}"
    if period.kind == PeriodKind.MONTH:
        return period.label.lower()
    return swedish_date(period.end)


def report_title(plan: PlanView, round_: RoundView) -> str:
    """"Uppföljning av åtgärdsplan 2020 barn och familjeenheten, tertial 2"."""
    return (f"Uppföljning av åtgärdsplan {plan.decided_on.year} {lower_first(plan.unit)}, "
            f"{period_words(plan, round_)}")


def unbroken_period(title: str) -> str:
    """The title with its period kept on one line ("tertial 2", "augusti 2026")."""
    head, sep, period = title.rpartition(", ")
    return f"{head}{sep}{period.replace(' ', NO_BREAK)}" if sep else title


def report_status(*, draft: bool, signed: bool) -> str:
    """The cover's Status line."""
    if draft:
        return "Utkast"
    return SIGNED_STATUS if signed else "Slutlig version – ej signerad"


def cover_facts(plan: PlanView, round_: RoundView, status: str) -> list[tuple[str, str]]:
    """Label and value of each line of the cover's fact table."""
    before = previous_round(plan, round_)
    facts = [("Enhet", plan.unit), ("Kommun", plan.municipality), ("Nämnd", plan.committee),
             ("Planen beslutad", swedish_date(plan.decided_on)),
             ("Uppföljningen avser", round_.period.span),
             ("Uppföljningen gjord", swedish_date(round_.held_on)),
             ("Förra uppföljningen", before.period.label if before else "Ingen, detta är den "
              "första"),
             ("Status", status)]
    return [(label, value) for label, value in facts if value]


def background(plan: PlanView, round_: RoundView) -> list[str]:
    """Bakgrund: what the plan is, from its own data (a plan keeps no text of its own for
    this): who decided it when, how many risks, areas, actions and indicators it has, where
    its risks came from, and how often it has been followed up."""
    areas = sorted({r.area_number for r in plan.risks})
    actions = sum(len(r.actions) for r in plan.risks)
    indicators = sum(len(r.indicators) for r in plan.risks)
    who = plan.committee or "Nämnden"
    first = (f"{who} beslutade den {swedish_date(plan.decided_on)} om en åtgärdsplan för "
             f"{lower_first(plan.unit)}"
             + (f" i {plan.municipality}" if plan.municipality else "") + ".")
    scope = (f"Planen omfattar {plural(len(plan.risks), 'risk', 'risker')} inom "
             f"{plural(len(areas), 'kvalitetsområde', 'kvalitetsområden')}, med "
             f"{plural(actions, 'åtgärd', 'åtgärder')} och "
             f"{plural(indicators, 'indikator', 'indikatorer')} som visar om riskerna minskar.")
    sources = sorted({r.source.review_title for r in plan.risks if r.source is not None})
    paragraphs = [f"{first} {scope}"]
    if sources:
        from_reviews = sum(1 for r in plan.risks if r.source is not None)
        paragraphs.append(
            f"{plural(from_reviews, 'risk kommer', 'risker kommer')} från bedömningar i "
            + ("granskningen " if len(sources) == 1 else "granskningarna ")
            + _and_list(sources) + "; övriga har lagts till i riskanalysen.")
    done = rounds_up_to(plan, round_)
    paragraphs.append(
        f"Planen följs upp i omgångar. Denna rapport redovisar uppföljningen för "
        f"{round_.period.span}, gjord {swedish_date(round_.held_on)}"
        + (f", den {_ordinal(len(done))} uppföljningen av planen." if len(done) > 1
           else ", den första uppföljningen av planen."))
    return paragraphs


def _ordinal(number: int) -> str:
    words = {2: "andra", 3: "tredje", 4: "fjärde", 5: "femte", 6: "sjätte", 7: "sjunde",
             8: "åttonde", 9: "nionde", 10: "tionde"}
    return words.get(number, f"{number}:e")


def _and_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


@dataclass(frozen=True)
class LevelCount:
    """How many risks stood at a level before and stand there now."""

    label: str
    level: str  # "gron", "gul", "rod", or "" for not assessed
    before: int
    now: int


def level_counts(changes: Sequence[RiskChange]) -> list[LevelCount]:
    """Röd, Gul, Grön (the most serious first), and Ej bedömd when any risk is not."""
    counts = [LevelCount(level_label(level), str(level),
                         sum(1 for c in changes if c.before and c.before.level == level),
                         sum(1 for c in changes if c.now and c.now.level == level))
              for level in reversed(LEVELS)]
    before_none = sum(1 for c in changes if c.before is None)
    now_none = sum(1 for c in changes if c.now is None)
    if before_none or now_none:
        counts.append(LevelCount(NOT_ASSESSED, "", before_none, now_none))
    return counts


def lowered(changes: Sequence[RiskChange]) -> list[RiskChange]:
    """The risks whose level went down since the previous round."""
    return [c for c in changes if level_lowered(c.before, c.now)]


def products_of(plan: PlanView) -> dict[str, list[int]]:
    """The products (sannolikhet × allvarlighetsgrad) each level covers in the plan's own
    matrix, in order: the legend says "Gul: 4, 6" from the plan's mapping, never from
    assumed ranges."""
    found: dict[str, set[int]] = {str(level): set() for level in LEVELS}
    for (probability, severity), level in plan.matrix.cells.items():
        found[str(level)].add(probability * severity)
    return {level: sorted(products) for level, products in found.items()}


def legend_lines(plan: PlanView) -> list[tuple[str, str, str]]:
    """(level, its name, what it means with its products) for Grön, Gul and Röd."""
    products = products_of(plan)
    return [(str(level), level_label(level),
             f"{LEVEL_MEANINGS[level].capitalize()}: "
             + (", ".join(str(p) for p in products[str(level)]) or "ingen ruta") + ".")
            for level in LEVELS]


def light_legend() -> list[tuple[str, str, str]]:
    """(light, its name, its meaning) for Grönt, Gult and Rött."""
    return [(light, TRAFFIC_LIGHTS[light], TRAFFIC_LIGHT_MEANINGS[light].capitalize() + ".")
            for light in TRAFFIC_LIGHTS]


def matrix_axes() -> tuple[list[str], list[str]]:
    """The column headings (allvarlighetsgrad 1–4) and row headings (sannolikhet 4–1)."""
    return ([f"{n} {SEVERITY_LABELS[n]}" for n in SCALE],
            [f"{n} {PROBABILITY_LABELS[n]}" for n in reversed(SCALE)])


@dataclass(frozen=True)
class AreaRows:
    """A quality area with its risks' changes at the round, in number order."""

    number: int
    name: str
    changes: tuple[RiskChange, ...]

    @property
    def heading(self) -> str:
        """"2 Trygghet och säkerhet"."""
        return area_label(self.number, self.name)


def areas(changes: Sequence[RiskChange]) -> list[AreaRows]:
    """The risks' changes grouped by quality area, areas in number order."""
    grouped: dict[tuple[int, str], list[RiskChange]] = {}
    for change in changes:
        grouped.setdefault((change.risk.area_number, change.risk.area_name), []).append(change)
    return [AreaRows(number, name, tuple(found))
            for (number, name), found in sorted(grouped.items())]


def is_quality_area(name: str) -> bool:
    """Whether the area is one of Socialstyrelsen's quality areas (as named there)."""
    return name.casefold() in {a.casefold() for a in QUALITY_AREAS}


def level_words(change: RiskChange) -> tuple[str, str, str]:
    """The level's name, its cell ("2 × 3 = 6") and how it moved since last time ("sänkt
    från Röd", "höjd från Gul", "oförändrad", "ny"; "" when not assessed)."""
    now, before = change.now, change.before
    if now is None:
        return NOT_ASSESSED, "", ""
    cell = f"{now.probability} × {now.severity} = {now.product}"
    moved = change.change
    if moved == Change.NEW or before is None:
        return level_label(now.level), cell, "ny"
    if moved == Change.SAME:
        return level_label(now.level), cell, "oförändrad"
    verb = "sänkt" if moved == Change.DOWN else "höjd"
    if before.level != now.level:
        return level_label(now.level), cell, f"{verb} från {level_label(before.level)}"
    return level_label(now.level), cell, f"{verb} från {before.product}"


def action_lines(action: ActionView) -> tuple[str, str, list[str], str]:
    """An action's heading ("1. Säkerställa …"), its description, its activities, and the
    line of its status, role and deadline."""
    facts = [action_status_label(action.status)]
    if action.responsible_role:
        facts.append(f"ansvarig: {action.responsible_role}")
    if action.deadline is not None:
        facts.append(f"senast {action.deadline.isoformat()}")
    return (f"{action.number}. {action.title}", action.description, list(action.activities),
            ", ".join(facts))


def light_words(action: ActionView, round_key: str) -> tuple[str, str, str, str]:
    """(light, its word, its meaning, the round's comment) of an action at the round;
    ("", "Ej angivet", "", "") when none was set."""
    found = action.light_at(round_key)
    if found is None or found.light not in TRAFFIC_LIGHTS:
        return "", NO_LIGHT, "", ""
    return (found.light, TRAFFIC_LIGHTS[found.light], TRAFFIC_LIGHT_MEANINGS[found.light],
            found.comment)


def indicator_columns(plan: PlanView, round_: RoundView) -> list[RoundView]:
    """The rounds an indicator table shows: the last few up to this round."""
    return rounds_up_to(plan, round_)[-MAX_ROUND_COLUMNS:]


def indicator_row(indicator: IndicatorView, rounds: Sequence[RoundView]) -> list[str]:
    """Its baseline and its value at each round ("" where none was recorded)."""
    baseline = (format_value(indicator.kind, indicator.baseline)
                if indicator.baseline is not None else "–")
    return [baseline, *(indicator.text_at(r.key) or "–" for r in rounds)]


def signed_line(name: str, role: str, when: date) -> str:
    """"Åsa Öberg, kvalitetscontroller, 7 december 2026"."""
    return ", ".join(part for part in (name, role, swedish_date(when)) if part)


@dataclass(frozen=True)
class LevelStep:
    """How many risks stood at each level at one moment of the plan: the risk analysis it
    started from, or a round."""

    label: str
    counts: tuple[tuple[str, int], ...]  # (level, risks there), Röd first; unassessed left out

    @property
    def total(self) -> int:
        """The risks assessed then."""
        return sum(count for _level, count in self.counts)


def level_history(plan: PlanView, round_: RoundView) -> list[LevelStep]:
    """The count per level before the first round (when the risks had been assessed) and at
    each round up to ``round_``: the course of the plan, as the figure in the summary shows
    it."""
    rounds = rounds_up_to(plan, round_)
    first = plan.changes_at(rounds[0].key)
    steps = []
    if any(c.before is not None for c in first):
        steps.append(LevelStep("Riskanalysen", tuple(
            (str(level), sum(1 for c in first if c.before and c.before.level == level))
            for level in reversed(LEVELS))))
    for done in rounds:
        changes = plan.changes_at(done.key)
        steps.append(LevelStep(done.period.short_label, tuple(
            (str(level), sum(1 for c in changes if c.now and c.now.level == level))
            for level in reversed(LEVELS))))
    return steps


def spoken_history(steps: Sequence[LevelStep]) -> str:
    """The figure's numbers in words: "Riskanalysen: Röd 2, Gul 5, Grön 0. T1 2026: …"."""
    return " ".join(f"{step.label}: " + ", ".join(
        f"{level_label(level)} {count}" for level, count in step.counts) + "."
        for step in steps)
