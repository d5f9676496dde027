"""The demo review's judgement: interviews by role, documents read, section texts, statements.

Invented wording, modelled on the structure of a published report of a foster-care unit
(seeds/000): interviews with the unit head, a group leader and groups of social workers; the
unit's governing documents under Referenser; a text for every section of chapters 4–6; and
statements gathered under each chapter's "Bedömning", of which six Grön and one Röd go into
the summary table. Every rated statement cites its evidence: criteria of the file review,
observations from the interviews, documents.

Statements stand in the subsection they are about (the report gathers a chapter's statements
under one "Bedömning"). Evidence is named here by key: a criterion by its code, an observation
or a document by the key given below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kvtui.domain.vocabulary import Rating


@dataclass(frozen=True)
class DemoObservation:
    """A quote or finding, with the section numbers it supports."""

    key: str
    text: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class DemoInterview:
    """One interview, by role."""

    held_on: date
    roles: tuple[str, ...]
    participants: int
    form: str
    notes: str
    observations: tuple[DemoObservation, ...]


@dataclass(frozen=True)
class DemoDocument:
    """A document the auditors read."""

    key: str
    title: str
    kind: str
    dated: date
    provided_by: str


@dataclass(frozen=True)
class DemoAssessment:
    """A statement in a section, its rating, whether it is in the summary, and its evidence
    as (kind, key) pairs: ("criterion", "F4"), ("observation", "gl-plan"), ("document", …)."""

    section: str
    statement: str
    rating: str = Rating.NONE
    in_summary: bool = False
    evidence: tuple[tuple[str, str], ...] = ()


DEMO_INTERVIEWS: tuple[DemoInterview, ...] = (
    DemoInterview(
        date(2026, 10, 6), ("enhetschef",), 1, "individual",
        "Enhetschefen har lett familjevården i drygt tre år och har budget- och personalansvar. "
        "Möte med gruppledaren varje vecka och med båda gruppledarna en gång i månaden. "
        "Upplever att enheten har god kontroll på de placerade barnens situation.",
        (
            DemoObservation("ec-moten", "Gruppledarna och jag ses varje månad och tar upp "
                            "samverkan, utvecklingsbehov och det som är svårt.", ("4.2",)),
            DemoObservation("ec-jourhem", "Vi håller oss oftast inom två månader i jourhem, "
                            "men för några barn tar det tid att hitta ett familjehem som "
                            "passar.", ("5.1",)),
            DemoObservation("ec-konsulent", "Konsulentstödda familjehem använder vi bara när "
                            "placeringen är komplicerad eller inget eget familjehem finns.",
                            ("5.1",)),
            DemoObservation("ec-yngsta", "De yngsta barnen kan inte själva höra av sig; där "
                            "följer vi upp via förskolan och barnavårdscentralen.", ("6.1",)),
        ),
    ),
    DemoInterview(
        date(2026, 10, 6), ("gruppledare",), 1, "individual",
        "Gruppledaren ansvarar för den dagliga arbetsledningen och fördelar nya ärenden. "
        "Följer antalet genomförandeplaner varje månad.",
        (
            DemoObservation("gl-kontinuitet", "Jag flyttar inte ärenden mellan "
                            "socialsekreterarna. Barnen ska slippa byta kontaktperson.",
                            ("4.3", "5.3")),
            DemoObservation("gl-plan", "Just nu saknar ungefär vart tredje placerat barn en "
                            "genomförandeplan. Vi följer upp antalet varje månad.", ("5.4",)),
            DemoObservation("gl-kontakt", "Alla placerade barn har fått kontaktuppgifter till "
                            "sin socialsekreterare.", ("6.1",)),
        ),
    ),
    DemoInterview(
        date(2026, 10, 7), ("socialsekreterare",), 4, "group",
        "Gruppintervju med fyra socialsekreterare, två av dem barnsekreterare. "
        "Extern handledning varannan vecka, ärendegenomgång med gruppledaren.",
        (
            DemoObservation("ss-stod", "Vi får det stöd vi behöver av gruppledaren, och "
                            "enhetschefen är lätt att nå.", ("4.2", "4.3")),
            DemoObservation("ss-belastning", "Arbetsbelastningen är oftast rimlig, och vi "
                            "hjälper varandra när det är mycket.", ("4.3",)),
            DemoObservation("ss-lexsarah", "Alla vet att vi ska rapportera missförhållanden "
                            "enligt lex Sarah och hur det går till.", ("6.1",)),
            DemoObservation("ss-delaktig", "Varje höst är vi med och tar fram enhetens "
                            "utvecklingsaktiviteter för nästa år.", ("6.2",)),
        ),
    ),
    DemoInterview(
        date(2026, 10, 8), ("barnsekreterare",), 3, "group",
        "Gruppintervju med tre barnsekreterare om kontakten med de placerade barnen.",
        (
            DemoObservation("bs-besok", "Vi träffar barnen minst en gång per termin, oftare i "
                            "början av placeringen och med tonåringar.", ("5.3",)),
            DemoObservation("bs-bildkort", "Med de yngre barnen använder vi bildkort så att "
                            "barnet kan visa hur det har det.", ("5.3", "5.4")),
            DemoObservation("bs-plan", "Genomförandeplanerna hinner vi inte alltid göra "
                            "tillsammans med barnet och familjehemmet.", ("5.4",)),
        ),
    ),
    DemoInterview(
        date(2026, 10, 8), ("familjehemssekreterare",), 3, "group",
        "Gruppintervju med tre familjehemssekreterare om utredning av och stöd till "
        "familjehem och jourhem.",
        (
            DemoObservation("fs-utredning", "Under en familjehemsutredning träffar vi familjen "
                            "fyra till tio gånger och pratar också med familjens egna barn.",
                            ("5.2",)),
            DemoObservation("fs-metod", "Vi utreder med Socialstyrelsens metod och hämtar "
                            "registerutdrag på alla familjehem varje år.", ("5.2", "6.1")),
            DemoObservation("fs-stod", "Familjehemmen behöver mer stöd än förr, ärendena har "
                            "blivit mer komplexa.", ("5.2",)),
        ),
    ),
)

DEMO_DOCUMENTS: tuple[DemoDocument, ...] = (
    DemoDocument("riktlinjer", "Riktlinjer för handläggning av barn och unga", "styrdokument",
                 date(2024, 3, 14), "Socialnämnden"),
    DemoDocument("barnsamtal", "Rutin för barnsamtal", "rutin", date(2025, 2, 3),
                 "Familjevårdsenheten"),
    DemoDocument("verksamhetsplan", "Verksamhetsplan 2025", "enhetsplan", date(2025, 1, 20),
                 "Familjevårdsenheten"),
    DemoDocument("delegation", "Delegationsordning", "delegationsordning", date(2024, 12, 11),
                 "Socialnämnden"),
    DemoDocument("fh-utredning", "Rutin för familjehemsutredning", "rutin", date(2024, 9, 30),
                 "Familjevårdsenheten"),
    DemoDocument("statistik", "Statistik över placerade barn", "statistik", date(2025, 6, 30),
                 "Familjevårdsenheten"),
    DemoDocument("egenkontroll", "Egenkontroll av genomförandeplaner", "statistik",
                 date(2025, 6, 30), "Familjevårdsenheten"),
    DemoDocument("introduktion", "Introduktionsplan för nyanställda", "rutin",
                 date(2024, 8, 15), "Familjevårdsenheten"),
)

DEMO_SECTION_TEXTS: dict[str, str] = {
    "4": (
        "Här beskrivs verksamhetens förutsättningar: uppdraget, de lagar och föreskrifter som "
        "styr det, organisation och ledning, personal och övriga resurser."
    ),
    "4.1": (
        "Socialtjänsten har ett särskilt ansvar för barns uppväxtvillkor och för skydd och stöd "
        "till barn och unga i utsatta situationer. Familjevårdsenheten i Sjövik rekryterar, "
        "utreder och stöder familjehem och jourhem, följer upp vården av de placerade barnen "
        "och ansvarar för övervägandena och omprövningarna av vården.\n\n"
        "Verksamheten regleras främst av socialtjänstlagen, lagen med särskilda bestämmelser om "
        "vård av unga och Socialstyrelsens föreskrifter och allmänna råd om placerade barn."
    ),
    "4.2": (
        "Familjevårdsenheten hör till individ- och familjeomsorgen. Enhetschefen har "
        "verksamhets-, budget- och personalansvar och ingår i förvaltningens ledningsgrupp.\n\n"
        "Enheten har två arbetsgrupper med var sin gruppledare, som svarar för den dagliga "
        "arbetsledningen. Gruppledarna och enhetschefen möts varje månad; gruppledaren för "
        "familjevården har dessutom ett veckomöte med enhetschefen och uppger att hon får det "
        "stöd hon behöver."
    ),
    "4.3": (
        "Arbetsgruppen har elva tjänster som socialsekreterare. Fyra av dem är "
        "barnsekreterare med ansvar för kontakten med barnen under placeringen, tre är "
        "familjehemssekreterare och två arbetar med jourhem.\n\n"
        "Alla socialsekreterare är socionomer och flera har vidareutbildning i barnsamtal och "
        "handledning av familjehem. Personalomsättningen är låg. Gruppledaren fördelar "
        "ärendena så att arbetsbelastningen blir jämn och kontinuiteten för barnen hög. "
        "Socialsekreterarna har extern handledning varannan vecka."
    ),
    "5": (
        "Minst var sjätte månad ska vården av ett placerat barn övervägas eller omprövas. "
        "Verksamheten arbetar enligt BBIC, Barns behov i centrum. Vid granskningen ansvarar "
        "enheten för 44 placerade barn; de flesta bor i familjehem som enheten själv har "
        "rekryterat."
    ),
    "5.1": (
        "Ett barn får inte vårdas i jourhem längre än två månader efter avslutad utredning "
        "utan särskilda skäl. Enhetschefen uppger att gränsen oftast hålls, men att det för "
        "enstaka barn tar tid att hitta ett familjehem som passar.\n\n"
        "Konsulentstödda familjehem används vid komplicerade placeringar eller när inget eget "
        "familjehem finns. Vid granskningen är fem barn placerade i sådana hem."
    ),
    "5.2": (
        "En familjehemsutredning omfattar intervjuer, hembesök och referenser. "
        "Familjehemssekreterarna träffar familjen fyra till tio gånger, pratar med familjens "
        "egna barn och hämtar registerutdrag. Enheten använder Socialstyrelsens "
        "standardiserade metoder.\n\n"
        "Familjehemmen får tät kontakt i början av placeringen och utbildning tillsammans med "
        "grannkommunerna. Personalen upplever att familjehemmen behöver mer stöd än tidigare."
    ),
    "5.3": (
        "Barnsekreteraren har det fortlöpande ansvaret för kontakten med barnet och "
        "vårdnadshavarna. Vårdnadshavarna görs delaktiga i planeringen och i frågan om "
        "umgänge, där barnets behov är avgörande.\n\n"
        "Barnen besöks minst en gång per termin och oftare när placeringen är ny. Med yngre "
        "barn används bildkort och andra hjälpmedel. Skolgången följs upp med skolan, barnet "
        "och familjehemmet."
    ),
    "5.4": (
        "Alla placerade barn ska ha en vårdplan och en genomförandeplan. I de granskade "
        "akterna finns beslut, överväganden och journalanteckningar om hur vården fortlöper, "
        "och barnens hälsa och skolgång är dokumenterade. Samtalen med barnen är "
        "dokumenterade och barnets åsikter framgår tydligt.\n\n"
        "Genomförandeplan saknas däremot för många barn. Enheten följer antalet varje månad "
        "och har som mål att alla barn ska ha en plan under året."
    ),
    "6": (
        "Verksamhetens kvalitet ska enligt Socialstyrelsens föreskrifter om ledningssystem "
        "kontinuerligt och systematiskt dokumenteras, följas upp, utvärderas och utvecklas."
    ),
    "6.1": (
        "Enheten har ett årshjul för egenkontroll för barnet och för familjehemmet, och "
        "skriftliga rutiner för utredning av familjehem, jourhemsplacering, uppföljning av "
        "skolgång och barnsamtal. Registerutdrag hämtas varje år för alla familjehem och "
        "jourhem.\n\n"
        "Alla placerade barn har fått kontaktuppgifter till sin socialsekreterare. För de "
        "yngsta barnen följer enheten upp via förskola och barnavårdscentral. Medarbetarna "
        "känner till rapporteringsskyldigheten enligt lex Sarah."
    ),
    "6.2": (
        "Förvaltningens riktlinjer för systematiskt kvalitetsarbete ligger till grund för "
        "enhetens arbete. Varje höst följer ledningen upp året och involverar sedan "
        "medarbetarna i planeringen av nästa års aktiviteter, som beskrivs i verksamhetsplanen "
        "och följs upp på gruppmöten varje månad."
    ),
}

DEMO_ASSESSMENTS: tuple[DemoAssessment, ...] = (
    DemoAssessment(
        "4.2",
        "Enhetschef och gruppledare är tillgängliga och socialsekreterarna får det stöd de "
        "behöver i arbetet. Verksamheten har ett nära och gott ledarskap.",
        Rating.GREEN, True, (("observation", "ss-stod"), ("observation", "ec-moten")),
    ),
    DemoAssessment(
        "4.3",
        "Samtliga socialsekreterare är utbildade och har erfarenhet och god kompetens för "
        "yrket.",
        evidence=(("document", "introduktion"),),
    ),
    DemoAssessment("4.3", "Arbetsgruppen är stabil och har låg personalomsättning."),
    DemoAssessment(
        "5.2",
        "Verksamheten arbetar enligt Socialstyrelsens föreskrifter och med standardiserade "
        "metoder vid utredning av familjehem.",
        evidence=(("observation", "fs-metod"), ("document", "fh-utredning"),
                  ("criterion", "F17")),
    ),
    DemoAssessment(
        "5.3",
        "Verksamheten har ett tydligt barnperspektiv i sitt arbete och är angelägen om "
        "kontinuiteten i kontakten med barnen.",
        Rating.GREEN, True,
        (("observation", "gl-kontinuitet"), ("observation", "bs-besok"), ("criterion", "F12")),
    ),
    DemoAssessment(
        "5.3", "Vårdnadshavarna ges möjlighet att vara delaktiga i placeringen i familjehem."
    ),
    DemoAssessment(
        "5.4", "Den sociala dokumentationen är relevant, objektiv och saklig.",
        Rating.GREEN, True, (("criterion", "F11"), ("criterion", "F8"), ("criterion", "F9")),
    ),
    DemoAssessment(
        "5.4",
        "Barnets synpunkter framträder tydligt i den sociala dokumentationen, och verksamheten "
        "tar hänsyn till barnets åsikter när det är möjligt.",
        Rating.GREEN, True,
        (("criterion", "F14"), ("criterion", "F15"), ("observation", "bs-bildkort"),
         ("document", "barnsamtal")),
    ),
    DemoAssessment(
        "5.4", "Verksamheten behöver upprätta genomförandeplaner för samtliga placerade barn.",
        Rating.RED, True,
        (("criterion", "F4"), ("criterion", "F5"), ("observation", "gl-plan"),
         ("observation", "bs-plan"), ("document", "egenkontroll")),
    ),
    DemoAssessment(
        "6.1", "Verksamheten har tydliga och förankrade skriftliga rutiner för relevanta "
        "områden.",
        evidence=(("document", "riktlinjer"), ("document", "fh-utredning")),
    ),
    DemoAssessment(
        "6.1",
        "Verksamhetens personal bedöms tillämpa de rutiner och stödjande metoder som finns för "
        "att det ska vara en trygg och säker verksamhet.",
        Rating.GREEN, True,
        (("observation", "fs-metod"), ("observation", "gl-kontakt"), ("criterion", "F16"),
         ("document", "riktlinjer")),
    ),
    DemoAssessment(
        "6.1", "De intervjuade medarbetarna känner till rapporteringsskyldigheten enligt lex "
        "Sarah.", evidence=(("observation", "ss-lexsarah"),),
    ),
    DemoAssessment(
        "6.2",
        "Enheten arbetar systematiskt med planering, uppföljning och utveckling av "
        "verksamheten.",
        Rating.GREEN, True, (("document", "verksamhetsplan"), ("observation", "ss-delaktig")),
    ),
    DemoAssessment("6.2", "Personalen är delaktig i kvalitetsarbetet.",
                   evidence=(("observation", "ss-delaktig"),)),
)
