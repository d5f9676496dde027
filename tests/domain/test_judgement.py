"""The judgement rules: ratings and keys, inherited dimensions, colour counts, what is missing."""

from __future__ import annotations

from datetime import date

from kvtui.domain.judgement import (
    DIMENSION_QUALITY,
    LEVEL_DEFINITIONS,
    RATING_KEYS,
    RATINGS,
    AssessmentView,
    DocumentFields,
    DocumentView,
    EvidenceView,
    InterviewFields,
    InterviewView,
    ObservationView,
    SectionView,
    clean_roles,
    colour_counts,
    inherited_dimensions,
    interview_label,
    missing_before_report,
    rating_problem,
    section_level,
    short_text,
    summary_assessments,
    swedish_sort_key,
)

EVIDENCE = (EvidenceView("criterion", "c1", "F4 Genomförandeplan finns"),)


def statement(rating: str = "", *, evidence: tuple[EvidenceView, ...] = EVIDENCE,
              in_summary: bool = False, text: str = "Ett påstående.") -> AssessmentView:
    return AssessmentView(f"a-{rating}-{text}", text, rating, in_summary, 0, evidence)


def section(number: str, title: str, *, kind: str = "text", dimension: str = "",
            text: str = "", assessments: tuple[AssessmentView, ...] = ()) -> SectionView:
    return SectionView(f"s{number or title}", number, title, dimension, kind,
                       section_level(number), text, assessments)


def test_ratings_keys_and_legend() -> None:
    assert RATINGS == {"gron": "Grön", "gul": "Gul", "rod": "Röd", "": "Ingen"}
    assert RATING_KEYS == {"g": "gron", "u": "gul", "r": "rod", "0": ""}
    assert set(RATING_KEYS.values()) == set(RATINGS)
    assert LEVEL_DEFINITIONS["gron"] == (
        "Grönt visar goda exempel som med fördel kan spridas till andra enheter.")
    assert LEVEL_DEFINITIONS["rod"].startswith("Rött innebär")
    assert DIMENSION_QUALITY["process"] == "processkvalitet"
    assert rating_problem("gron") is None
    assert "Okänd kvalitetsnivå 'blå'" in (rating_problem("blå") or "")


def test_levels_and_inherited_dimensions() -> None:
    assert [section_level(n) for n in ("", "4", "4.1", "4.1.2")] == [0, 1, 2, 3]
    numbers = [("1", ""), ("4", "struktur"), ("4.1", ""), ("4.1.1", ""), ("5", "process"),
               ("5.1", ""), ("5.2", "resultat"), ("", "")]
    assert inherited_dimensions(numbers) == [
        "", "struktur", "struktur", "struktur", "process", "process", "resultat", ""]


def test_fields_problems_in_swedish() -> None:
    assert InterviewFields(roles=("enhetschef",)).problems() == []
    problems = InterviewFields(participants=0, form="panel").problems()
    assert problems == ["Antalet deltagare måste vara minst 1.",
                        "Okänd intervjuform 'panel'. Välj enskild eller grupp."]
    assert DocumentFields("  ").problems() == ["Dokumentets titel saknas."]
    assert DocumentFields("Rutin för barnsamtal").problems() == []
    assert clean_roles([" enhetschef ", "", "Enhetschef", "barn  sekreterare"]) == (
        "enhetschef", "barn sekreterare")


def test_labels() -> None:
    assert interview_label(date(2025, 3, 4), ("enhetschef",)) == "2025-03-04 (enhetschef)"
    assert interview_label(None, ()) == "utan datum"
    view = InterviewView("i", date(2025, 3, 4), ("gruppledare", "enhetschef"), 2, "group", "")
    assert (view.label, view.form_label) == ("2025-03-04 (gruppledare, enhetschef)", "grupp")
    doc = DocumentView("d", "Delegationsordning", "styrdokument", date(2025, 1, 1), "")
    assert doc.label == "Delegationsordning (styrdokument, 2025-01-01)"
    assert short_text("ett två tre fyra fem", 12) == "ett två tre…"
    assert short_text("kort") == "kort"


def test_swedish_sort_order() -> None:
    titles = ["Översikt", "Ärende", "Åtgärd", "avtal", "Zon", "Bilaga"]
    assert sorted(titles, key=swedish_sort_key) == [
        "avtal", "Bilaga", "Zon", "Åtgärd", "Ärende", "Översikt"]


def test_colour_counts_per_dimension() -> None:
    sections = [
        section("4", "Förutsättningar", dimension="struktur",
                assessments=(statement("gron"), statement())),
        section("4.1", "Uppdrag", dimension="struktur", assessments=(statement("gron"),)),
        section("5.4", "Dokumentation", dimension="process",
                assessments=(statement("rod"), statement("gul"), statement("gron"))),
    ]
    counts = colour_counts(sections)
    assert counts["struktur"] == {"gron": 2, "gul": 0, "rod": 0, "": 1}
    assert counts["process"] == {"gron": 1, "gul": 1, "rod": 1, "": 0}
    assert counts["resultat"] == {"gron": 0, "gul": 0, "rod": 0, "": 0}
    assert "" not in counts


def test_summary_in_report_order() -> None:
    red = statement("rod", in_summary=True, text="Röd")
    green = statement("gron", in_summary=True, text="Grön")
    sections = [section("4", "A", assessments=(statement("gron"), green)),
                section("5", "B", assessments=(red,))]
    assert [a.statement for _s, a in summary_assessments(sections)] == ["Grön", "Röd"]


def test_missing_before_report() -> None:
    sections = [
        section("1", "Sammanfattning", kind="summary"),
        section("2", "Syfte", kind="purpose"),
        # Chapter 4 has no own text but 4.1 has: covered. 4.2 has none.
        section("4", "Verksamhetens förutsättningar", dimension="struktur"),
        section("4.1", "Uppdrag", text="Text.", assessments=(statement("gron"),)),
        section("4.2", "Organisation och ledning", text="  "),
        # Chapter 5 has text but no statement anywhere below it.
        section("5", "Arbetet i verksamheten", dimension="process", text="Text."),
        section("5.4", "Social dokumentation", text="Text."),
        section("6", "Kvalitetsarbete", dimension="resultat", text="Text.", assessments=(
            statement("rod", evidence=(), text="Genomförandeplaner saknas"),
            statement("gul", evidence=(), text="Rutinerna behöver ses över"),
            statement("gron", evidence=(), text="Gott ledarskap"),
            statement("", in_summary=True, text="Ofärgad i sammanfattningen"),
        )),
        section("", "Referenser", kind="references"),
    ]
    interviews = [
        InterviewView("i1", date(2025, 3, 4), ("enhetschef",), 1, "individual", ""),
        InterviewView("i2", date(2025, 3, 5), ("gruppledare",), 1, "individual", "",
                      (ObservationView("o1", "Citat"),)),
    ]
    assert missing_before_report(sections, interviews, 12) == [
        "Avsnitt 4.2 Organisation och ledning saknar text",
        "Avsnitt 5 Arbetet i verksamheten saknar bedömning",
        "Röd bedömning i 6 saknar underlag: ”Genomförandeplaner saknas”",
        "Gul bedömning i 6 saknar underlag: ”Rutinerna behöver ses över”",
        "Bedömning i 6 ska stå i sammanfattningen men saknar kvalitetsnivå: "
        "”Ofärgad i sammanfattningen”",
        "Intervjun 2025-03-04 (enhetschef) saknar iakttagelser",
        "12 kriteriesvar saknas",
    ]


def test_nothing_missing() -> None:
    sections = [section("4", "A", text="Text.", assessments=(statement("rod"),))]
    assert missing_before_report(sections, [], 0) == []
