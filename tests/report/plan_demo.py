"""An invented unit's action plan in the shape of a committee's follow-up (seed 004): seven
risks in five quality areas, actions with activities and traffic lights, indicators with
values, and two tertial rounds in which risk 2.1 goes from Röd to Gul to Grön and risk 5.2
from Röd to Gul. Written through the store's own functions into a real store file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kvtui.domain.action_plan import ActionStatus, IndicatorKind, TrafficLight, tertial
from kvtui.store.action_plan import (
    FirstGrade,
    Light,
    RoundGrade,
    Value,
    add_action,
    add_indicator,
    add_risk,
    create_plan,
    record_followup,
)
from kvtui.store.database import open_store

UNIT = "Barn- och familjeenheten"
DECIDED = date(2026, 1, 20)
ANALYSED = date(2026, 1, 15)

# area, title, description, first (p, s), T1 (p, s), T2 (p, s)
RISKS = [
    ("1 Självbestämmande och integritet", "Barns delaktighet",
     "Risk för att barns delaktighet och självbestämmande inte beaktas i tillräckligt hög "
     "grad.", (2, 3), (2, 3), (2, 3)),
    ("2 Trygghet och säkerhet", "Stöd och skydd",
     "Risk för att barn inte får det stöd och skydd som de behöver.", (3, 3), (2, 3), (1, 3)),
    ("2 Trygghet och säkerhet", "Placerade barn i jourhem och familjehem",
     "Risk för bristande kvalitet i vården av placerade barn.", (2, 2), (2, 2), (2, 2)),
    ("3 Kunskapsbaserad verksamhet", "Bristande uppföljning och måluppfyllelse",
     "Risk för bristande uppföljning av insatsernas effekter för varje barn.", (2, 3), (2, 3),
     (2, 3)),
    ("4 Helhetssyn och samordning", "Helhetssyn och samordning",
     "Risk för otydliga prioriteringar som påverkar kvaliteten för barnen.", (3, 2), (3, 2),
     (3, 2)),
    ("5 Effektivitet", "Verksamhetsuppföljning och utveckling",
     "Risk för otillräcklig koppling mellan verksamhetsuppföljning och ekonomi.", (2, 2),
     (2, 2), (2, 2)),
    ("5 Effektivitet", "Kontinuitet",
     "Hög personalomsättning och bristande kontinuitet för barnen.", (4, 3), (3, 3), (2, 3)),
]

# risk, title, description, role, activities, T1 light, T2 light, T2 comment
ACTIONS = [
    ("1.1", "Säkerställa barns delaktighet",
     "Samtliga barn kommer till tals enskilt i alla skeden av handläggningen.", "gruppledare",
     ["Erbjuda barnsamtal via telefon och video", "Kollegiegranskning av delaktigheten"],
     TrafficLight.YELLOW, TrafficLight.GREEN,
     "Kollegiegranskning av 35 avslutade utredningar är gjord."),
    ("2.1", "Säkerställa att skyddsbedömning görs",
     "Kontinuerligt följa upp att skyddsbedömningar genomförs.", "enhetschef",
     ["Egenkontroll av samtliga orosanmälningar varje månad"], TrafficLight.GREEN,
     TrafficLight.GREEN, "98 % av anmälningarna är skyddsbedömda."),
    ("2.1", "Inleda utredning",
     "Utredning inleds för alla barn som har bevittnat eller utsatts för våld.",
     "gruppledare", ["Egenkontroll av anmälningar om våld"], TrafficLight.GREEN,
     TrafficLight.GREEN, "Utredning inleddes i samtliga fall."),
    ("2.2", "Säkerställa god kvalitet i vården i jourhem och familjehem", "",
     "familjehemssekreterare", ["Enskilda samtal med barnen minst fyra gånger per år"],
     TrafficLight.YELLOW, TrafficLight.YELLOW,
     "61 % av barnen har haft minst fyra enskilda samtal; reserestriktioner har försenat "
     "besöken."),
    ("3.1", "Implementera målarbetet",
     "Arbetssätt med mål, måluppföljning och måluppfyllelse för varje barn.", "enhetschef",
     ["Mätbara mål i mottagningsgruppen", "Uppföljning i enhetsledningen"],
     TrafficLight.YELLOW, TrafficLight.YELLOW, "Arbetet fortsätter i flera steg under hösten."),
    ("4.1", "Samordna och tydliggöra roller och uppdrag",
     "Alla barn är allas ansvar.", "enhetschef",
     ["Utvidgad enhetsledning varannan vecka"], TrafficLight.GREEN, TrafficLight.GREEN, ""),
    ("4.1", "Utveckla kvalitetsarbetet", "Implementera enhetens kvalitetsarbete.",
     "kvalitetsutvecklare", [], TrafficLight.GREEN, TrafficLight.YELLOW,
     "Nästa mätning sker i medarbetarundersökningen i september."),
    ("5.1", "Utveckla uppföljningen av verksamheten",
     "Verksamhetsmått som stöd för den ekonomiska analysen.", "controller",
     ["Modell för verksamhetsmått prövas"], TrafficLight.RED, TrafficLight.YELLOW,
     "Modellen är framtagen och prövas."),
    ("5.2", "Rätt bemanning och rätt kompetens",
     "Rekrytera utifrån kompetens och erfarenhet.", "enhetschef",
     ["Rekrytera seniora socialsekreterare", "Anställa ytterligare en gruppledare"],
     TrafficLight.YELLOW, TrafficLight.GREEN, "Fem seniora socialsekreterare är anställda."),
    ("5.2", "Förbättrad introduktion", "Trygg och effektiv introduktion för nyanställda.",
     "gruppledare", ["Checklista för introduktion"], TrafficLight.GREEN, TrafficLight.GREEN,
     "Checklistan används för alla nyanställda sedan april."),
]

# risk, name, kind, baseline, T1, T2
INDICATORS = [
    ("1.1", "Andel anmälningar där barn kommit till tals under förhandsbedömningen",
     IndicatorKind.SHARE, 10.0, 17.0, 19.0),
    ("1.1", "Andel utredningar där barn varit delaktiga i enskilt möte", IndicatorKind.SHARE,
     42.0, 64.0, 67.0),
    ("2.1", "Andel skyddsbedömda anmälningar", IndicatorKind.SHARE, 81.0, 95.0, 98.0),
    ("2.2", "Antal placeringar i jourhem som pågått mer än 6 månader", IndicatorKind.COUNT,
     10.0, 7.0, None),
    ("5.2", "Antal vakanta tjänster", IndicatorKind.COUNT, 5.0, 9.0, 1.0),
    ("5.2", "Personalomsättning", IndicatorKind.SHARE, 0.0, 2.4, 1.2),
]

ROUNDS = ((tertial(2026, 1), date(2026, 5, 12), "Arbetet med åtgärdsplanen har kommit "
           "igång i alla grupper."),
          (tertial(2026, 2), date(2026, 9, 15), "Rapporten redovisar genomförda aktiviteter "
           "och egenkontroller.\n\nRekrytering av familjehem har skett i snabbare takt än "
           "förväntat."))


def build_demo_plan(path: Path, *, rounds: int = 2, risks: bool = True) -> str:
    """Write the demo plan into the store at ``path`` (created); its id. ``rounds`` limits
    the rounds followed up; ``risks=False`` leaves the plan empty."""
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            plan_id = create_plan(session, unit=UNIT, decided_on=DECIDED,
                                  municipality="Sjövik kommun", committee="Socialnämnden",
                                  title="Åtgärdsplan för barn- och ungdomsvården")
            if not risks:
                return plan_id
            for area, title, description, first, _t1, _t2 in RISKS:
                add_risk(session, plan_id, area=area, title=title, description=description,
                         first=FirstGrade(*first, assessed_on=ANALYSED))
            for risk, title, description, role, activities, *_rest in ACTIONS:
                add_action(session, plan_id, risk, title=title, description=description,
                           responsible_role=role, deadline=date(2026, 12, 31),
                           activities=activities, status=ActionStatus.ONGOING)
            for risk, name, kind, baseline, *_values in INDICATORS:
                add_indicator(session, plan_id, risk, name=name, kind=kind, baseline=baseline)
            labels = ["1.1", "2.1", "2.2", "3.1", "4.1", "5.1", "5.2"]
            for index, (period, held, summary) in enumerate(ROUNDS[:rounds]):
                numbers: dict[str, int] = {}
                lights = []
                for risk, *_middle, t1, t2, comment in ACTIONS:
                    numbers[risk] = numbers.get(risk, 0) + 1
                    lights.append(Light(risk, numbers[risk], t1 if index == 0 else t2,
                                        comment if index == 1 else ""))
                grades = [RoundGrade(label, *grade[4 + index])
                          for label, grade in zip(labels, RISKS, strict=True)]
                counted: dict[str, int] = {}
                values = []
                for risk, _name, _kind, _baseline, t1_value, t2_value in INDICATORS:
                    counted[risk] = counted.get(risk, 0) + 1
                    values.append(Value(risk, counted[risk],
                                        t1_value if index == 0 else t2_value))
                record_followup(session, plan_id, period, lights=lights, grades=grades,
                                values=values, summary=summary, held_on=held)
            return plan_id
    finally:
        store.close()
