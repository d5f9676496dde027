"""The Metod drafted from the data, in plain Swedish; plain text split for printing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kvtui.domain.method_text import (
    InterviewFact,
    MethodFacts,
    draft_method_text,
    join_words,
    lower_first,
    number_word,
    percent_whole,
    period_phrase,
    text_blocks,
)

DEMO_LIKE = MethodFacts(
    interviews=(
        InterviewFact(("enhetschef",), 1, "individual"),
        InterviewFact(("gruppledare",), 1, "individual"),
        InterviewFact(("socialsekreterare",), 4, "group"),
        InterviewFact(("barnsekreterare",), 3, "group"),
        InterviewFact(("familjehemssekreterare",), 2, "group"),
    ),
    document_count=8,
    document_kinds=("styrdokument", "rutin", "statistik"),
    auditor_count=2,
    population_size=44,
    sample_size=13,
    sample_method="stratified",
    stratify_by="Placeringsform",
    seed="20261101",
    criteria_count=19,
    period_start=date(2025, 1, 1),
    period_end=date(2025, 6, 30),
    law="SoL (2001:453)",
    committee="Socialnämnden",
    dimensions=(("Verksamhetens förutsättningar", "struktur"),
                ("Arbetet i verksamheten", "process"), ("Kvalitetsarbete", "resultat")),
)


def test_interviews_by_role_and_number() -> None:
    text = draft_method_text(DEMO_LIKE)
    assert text.startswith(
        "Granskningen består av intervjuer med enhetschef, gruppledare, socialsekreterare, "
        "barnsekreterare och familjehemssekreterare (fem intervjuer, varav tre i grupp, med "
        "totalt 11 personer)."
    )
    assert "granskarna tagit del av åtta dokument" in text
    assert "bland annat styrdokument, rutiner och statistik" in text


def test_sample_seed_and_interval_in_plain_swedish() -> None:
    text = draft_method_text(DEMO_LIKE)
    assert ("13 av 44 akter (30 procent) drogs med slumpfröet 20261101 som ett stratifierat "
            "urval efter placeringsform med proportionell fördelning.") in text
    assert "Akterna har granskats mot 19 kriterier för perioden 1 januari–30 juni 2025." in text
    # Stratified: the weighted share and Korn–Graubard's interval, named.
    assert "vägs andelen för hela populationen efter placeringsform" in text
    assert "95-procentsintervall enligt Korn och Graubard (1998)" in text
    assert "exakta 95-procentsintervall" not in text
    assert "utifrån 13 granskade akter" in text


def test_legal_basis_fact_check_and_dimensions() -> None:
    text = draft_method_text(DEMO_LIKE)
    assert "de riktlinjer som Socialnämnden har beslutat" in text
    assert "Hänvisningarna avser SoL (2001:453)" in text
    assert "möjlighet att faktagranska innehållet innan rapporten färdigställs" in text
    assert "Den färdiga rapporten anmäls till Socialnämnden." in text
    assert "\n• Arbetet i verksamheten (processkvalitet): processer" in text


def test_other_methods_replacements_and_one_of_each() -> None:
    facts = MethodFacts(
        interviews=(InterviewFact(("enhetschef",), 1, "individual"),),
        document_count=1, auditor_count=1, population_size=60, sample_size=20,
        sample_method="simple", seed="42", replaced=1,
    )
    text = draft_method_text(facts)
    assert "(en intervju med totalt 1 person)" in text
    assert "granskaren tagit del av ett dokument" in text
    assert "som ett obundet slumpmässigt urval" in text
    assert "20 av 60 akter (33 procent)" in text
    assert ("exakta 95-procentsintervall för ett urval utan återläggning ur en ändlig "
            "population (hypergeometrisk fördelning), så att 20 granskade akter av 60") in text
    assert "Korn" not in text and "vägs" not in text
    assert "En akt ersattes av nästa akt i den dragna ordningen" in text
    assert "kommunens riktlinjer" in text and "anmäls till ansvarig nämnd" in text


def test_replaced_and_excluded_akter_are_counted_with_their_reasons() -> None:
    facts = MethodFacts(
        population_size=120, sample_size=35, drawn=36, sample_method="simple", seed="7",
        replaced=2, criteria_count=10,
        replacements=(("A-1", "A-90", "Akten avser familjerätt."),
                      ("A-2", "A-91", "Akten avser familjerätt")),
        excluded=(("A-3", "Akten saknas i verksamhetssystemet"),),
    )
    text = draft_method_text(facts)
    assert "36 av 120 akter drogs med slumpfröet 7" in text
    assert ("Två akter ersattes med nästa akt i dragningsordningen (skäl: Akten avser "
            "familjerätt).") in text
    assert ("En akt uteslöts utan ersättning (skäl: Akten saknas i "
            "verksamhetssystemet).") in text
    assert "Därmed granskades 35 akter (29 procent av populationen)" in text
    assert "så att 35 granskade akter av 120" in text  # the statistics' denominator
    assert "A-3" not in text  # references are listed in the appendix, not in the Metod


def test_without_exclusions_the_sentence_signed_reports_print_is_unchanged() -> None:
    facts = MethodFacts(population_size=44, sample_size=13, drawn=13, sample_method="simple",
                        seed="4711", replaced=1,
                        replacements=(("A-1", "A-90", "Makulerad"),))
    assert draft_method_text(facts) == draft_method_text(
        MethodFacts(population_size=44, sample_size=13, sample_method="simple", seed="4711",
                    replaced=1))


def test_without_interviews_or_sample() -> None:
    text = draft_method_text(MethodFacts())
    assert "Inga intervjuer har genomförts i granskningen." in text
    assert "Någon aktgranskning ingår inte i granskningen." in text
    assert "hypergeometrisk" not in text


def test_words_and_numbers() -> None:
    assert [number_word(n) for n in (1, 2, 5, 12, 13)] == ["en", "två", "fem", "tolv", "13"]
    assert number_word(1, neuter=True) == "ett"
    assert join_words(["a"]) == "a" and join_words(["a", "b", "c"]) == "a, b och c"
    assert lower_first("Placeringsform") == "placeringsform" and lower_first("LVU") == "LVU"
    assert percent_whole(13, 44) == "30" and percent_whole(1, 8) == "13"
    assert period_phrase(date(2024, 7, 1), date(2025, 6, 30)) == "1 juli 2024–30 juni 2025"
    assert period_phrase(None, None) == ""


def test_text_blocks_paragraphs_and_bullets() -> None:
    text = "Första stycket\nmed radbrytning.\n\nLista:\n• ett\n  fortsätter\n- två\n\n\nSlut."
    assert text_blocks(text) == [
        ("paragraph", ["Första stycket\nmed radbrytning."]),
        ("paragraph", ["Lista:"]),
        ("bullets", ["ett fortsätter", "två"]),
        ("paragraph", ["Slut."]),
    ]
    assert text_blocks("") == [] and text_blocks("\r\n\r\n") == []


def test_the_laws_cited_for_the_period_are_named_instead_of_the_templates_header() -> None:
    laws = ("socialtjänstlagen (2025:400)", "socialtjänstförordningen (2025:468)",
            "lagen (1990:52) med särskilda bestämmelser om vård av unga")
    text = draft_method_text(replace(DEMO_LIKE, laws=laws))
    assert ("Lagrummen anges i fotnoter och i bilagan. Hänvisningarna avser socialtjänstlagen "
            "(2025:400), socialtjänstförordningen (2025:468) och lagen (1990:52) med särskilda "
            "bestämmelser om vård av unga.") in text
    assert "SoL (2001:453)" not in text
    # Before a sample is drawn the laws are named all the same.
    early = draft_method_text(replace(DEMO_LIKE, laws=laws[:1], population_size=None))
    assert "Lagrummen anges" not in early
    assert "Hänvisningarna avser socialtjänstlagen (2025:400)." in early


def test_a_sample_not_fully_answered_says_so_and_counts_the_answered() -> None:
    facts = replace(DEMO_LIKE, sample_size=20, reviewed=18)
    text = draft_method_text(facts)
    assert ("18 av 20 akter i urvalet har granskats; 2 är inte besvarade för alla kriterier. "
            "Resultaten bygger på de svar som har lämnats.") in text
    assert "utifrån 18 granskade akter" in text
    one_left = draft_method_text(replace(DEMO_LIKE, reviewed=12))
    assert "12 av 13 akter i urvalet har granskats; 1 är inte besvarad för alla" in one_left
    complete = draft_method_text(replace(DEMO_LIKE, reviewed=13))
    assert "har granskats;" not in complete and complete == draft_method_text(DEMO_LIKE)


def test_excluded_akter_and_an_unfinished_sample_never_say_all_were_reviewed() -> None:
    facts = replace(DEMO_LIKE, sample_method="simple", stratify_by="", sample_size=12,
                    drawn=13, excluded=(("A-7", "Akten saknas"),), reviewed=10)
    text = draft_method_text(facts)
    assert "Därmed granskades" not in text
    assert "Därmed omfattar urvalet 12 akter" in text
    assert "10 av 12 akter i urvalet har granskats; 2 är inte besvarade" in text
    assert "så att 10 granskade akter av 44" in text
    done = draft_method_text(replace(facts, reviewed=12))
    assert "Därmed granskades 12 akter" in done


def test_the_sentence_on_what_the_sample_supports_follows_the_estimate() -> None:
    sentence = "Urvalet räcker för att säga att minst 70 procent av akterna uppfyller kraven."
    text = draft_method_text(replace(DEMO_LIKE, assurance=sentence))
    paragraphs = text.split("\n\n")
    estimate = next(i for i, p in enumerate(paragraphs) if "Korn och Graubard" in p)
    assert paragraphs[estimate + 1] == sentence
    assert sentence not in draft_method_text(DEMO_LIKE)
