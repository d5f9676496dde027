"""Tests of template parsing and validation: the shipped templates and broken hand edits."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from importlib.resources import files

import pytest

from kvtui.domain.criterion_kinds import CRITERION_KINDS
from kvtui.domain.templates import (
    DIMENSIONS,
    Applicability,
    LegalReference,
    Template,
    TemplateError,
    TemplateProblem,
    add_months,
    parse_template,
)


def shipped(name: str) -> Template:
    text = files("kvtui.templates").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return parse_template(text, f"{name}.toml")


def problems(text: str, source: str = "test.toml") -> list[TemplateProblem]:
    with pytest.raises(TemplateError) as info:
        parse_template(text, source)
    assert str(info.value) == "\n".join(str(p) for p in info.value.problems)
    return info.value.problems


def only_problem(text: str) -> TemplateProblem:
    found = problems(text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


Y2024 = (date(2024, 1, 1), date(2024, 12, 31))
Y2026 = (date(2026, 1, 1), date(2026, 12, 31))


# --- The shipped templates -------------------------------------------------------------------


def test_familjevard_parses_with_its_header() -> None:
    t = shipped("familjevard")
    assert t.name == "familjevard"
    assert t.title == "Familjevård – placerade barn"
    assert "SoL (2001:453)" in t.law and "SoL (2025:400)" in t.law and "LVU" in t.law
    assert t.references_checked == date(2026, 12, 7)
    assert t.version
    assert t.description
    assert {"enhetschef", "gruppledare", "socialsekreterare"} <= set(t.interview_roles)
    assert {"styrdokument", "rutin", "enhetsplan", "statistik"} <= set(t.document_kinds)


def test_familjevard_sections() -> None:
    t = shipped("familjevard")
    assert [(s.number, s.title) for s in t.sections] == [
        ("1", "Sammanfattning"),
        ("2", "Syfte"),
        ("3", "Metod"),
        ("4", "Verksamhetens förutsättningar"),
        ("4.1", "Uppdrag"),
        ("4.2", "Organisation och ledning"),
        ("4.3", "Personal"),
        ("5", "Arbetet i verksamheten"),
        ("5.1", "Placeringar"),
        ("5.2", "Utredning och stöd till familjehem och jourhem"),
        ("5.3", "Vårdens genomförande"),
        ("5.4", "Social dokumentation"),
        ("6", "Kvalitetsarbete"),
        ("6.1", "Trygghet och säkerhet"),
        ("6.2", "Systematiskt kvalitetsarbete"),
        ("", "Referenser"),
    ]
    kinds = {s.title: s.kind for s in t.sections}
    assert kinds["Sammanfattning"] == "summary"
    assert kinds["Syfte"] == "purpose"
    assert kinds["Metod"] == "method"
    assert kinds["Referenser"] == "references"
    assert kinds["Placeringar"] == "text"
    # Subsections inherit their parent's dimension.
    assert t.section("4.2").dimension == "struktur"
    assert t.section("5.4").dimension == "process"
    assert t.section("6.1").dimension == "resultat"
    assert t.section("1").dimension == ""


def test_barnavardsutredning_sections() -> None:
    t = shipped("barnavardsutredning")
    assert t.title == "Barnavårdsutredning – anmälan och utredning"
    assert [(s.number, s.title, s.dimension) for s in t.sections] == [
        ("1", "Sammanfattning", ""),
        ("2", "Syfte", ""),
        ("3", "Metod", ""),
        ("4", "Verksamhetens förutsättningar", "struktur"),
        ("5", "Arbetet i verksamheten", "process"),
        ("5.1", "Mottagning och förhandsbedömning", "process"),
        ("5.2", "Utredning", "process"),
        ("5.3", "Barnets delaktighet", "process"),
        ("5.4", "Social dokumentation", "process"),
        ("6", "Kvalitetsarbete", "resultat"),
        ("", "Referenser", ""),
    ]


def test_all_criteria_codes_and_kinds() -> None:
    fam = shipped("familjevard")
    bvu = shipped("barnavardsutredning")
    assert [c.code for c in fam.criteria] == [f"F{n}" for n in range(1, 20)]
    assert [c.code for c in bvu.criteria] == [f"U{n}" for n in range(1, 12)]
    deadlines = {c.code for c in (*fam.criteria, *bvu.criteria) if c.kind == "deadline"}
    assert deadlines == {"F3", "F6", "F7", "F19", "U1", "U2", "U7"}
    counts = {c.code for c in (*fam.criteria, *bvu.criteria) if c.kind == "count"}
    assert counts == {"F13"}
    assert all(c.kind in CRITERION_KINDS for c in (*fam.criteria, *bvu.criteria))
    assert fam.criterion("F2").question == "Vårdplan finns"
    assert bvu.criterion("u6").question == "Utredningsplan finns"


def test_deadline_and_count_parameters() -> None:
    fam = shipped("familjevard")
    bvu = shipped("barnavardsutredning")
    f3 = fam.criterion("F3")
    assert (f3.start_label, f3.end_label, f3.limit_months) == (
        "Placerad från",
        "Vårdplan reviderad",
        24,
    )
    assert fam.criterion("F6").limit_months == 6
    assert fam.criterion("F7").limit_months == 24
    assert fam.criterion("F19").limit_months == 2
    u1 = bvu.criterion("U1")
    assert (u1.start_label, u1.end_label, u1.limit_days) == (
        "Anmälan inkom",
        "Skyddsbedömning gjord",
        1,
    )
    assert bvu.criterion("U2").limit_days == 14
    assert bvu.criterion("U2").end_label == "Beslut om att inleda eller inte"
    u7 = bvu.criterion("U7")
    assert (u7.start_label, u7.end_label, u7.limit_months) == (
        "Utredning inledd",
        "Utredning avslutad",
        4,
    )
    f13 = fam.criterion("F13")
    assert (f13.threshold, f13.unit_label) == (4, "samtal")
    for c in (*fam.criteria, *bvu.criteria):
        if c.kind == "deadline":
            assert c.start_label and c.end_label
            assert (c.limit_days is None) != (c.limit_months is None)


def test_applicability() -> None:
    fam = shipped("familjevard")
    f19 = fam.criterion("F19").applies
    assert f19 is not None
    assert (f19.attribute, f19.values) == ("Placeringsform", ("jourhem",))
    assert f19.reason == "Gäller endast jourhemsplaceringar"
    for code in ("F3", "F7"):
        applies = fam.criterion(code).applies
        assert applies is not None
        assert (applies.attribute, applies.min_months) == ("Placerad från", 24)
        assert applies.reason
    assert fam.criterion("F10").applies is None
    assert fam.criterion("F10").kind == "judgement"


def test_applicability_against_case_file_attributes() -> None:
    jourhem = Applicability("Placeringsform", ("jourhem",), reason="Gäller endast jourhem")
    on = date(2026, 3, 1)
    assert jourhem.applies_to({"placeringsform": " Jourhem "}, on)
    assert not jourhem.applies_to({"Placeringsform": "familjehem"}, on)
    assert jourhem.applies_to({}, on)  # unknown: the auditor decides
    two_years = Applicability("Placerad från", min_months=24)
    assert two_years.applies_to({"Placerad från": "2023-01-15"}, date(2025, 1, 15))
    assert not two_years.applies_to({"Placerad från": "2023-01-15"}, date(2025, 1, 14))
    assert two_years.applies_to({"PLACERAD FRÅN": date(2020, 1, 1)}, date(2025, 1, 14))
    assert two_years.applies_to({"Placerad från": "okänt"}, date(2025, 1, 14))


def test_add_months_is_exact_to_the_day() -> None:
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 15), 2) == date(2025, 1, 15)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_due_date() -> None:
    bvu = shipped("barnavardsutredning")
    assert bvu.criterion("U1").due_date(date(2025, 3, 31)) == date(2025, 4, 1)
    assert bvu.criterion("U2").due_date(date(2025, 3, 1)) == date(2025, 3, 15)
    assert bvu.criterion("U7").due_date(date(2024, 10, 31)) == date(2025, 2, 28)
    assert bvu.criterion("U3").due_date(date(2025, 3, 1)) is None


# --- References by period --------------------------------------------------------------------


def test_legal_reference_period_overlap() -> None:
    ref = LegalReference("x", date(2021, 3, 1), date(2025, 6, 30))
    assert ref.applies_to(*Y2024)
    assert not ref.applies_to(*Y2026)
    assert not ref.applies_to(date(2020, 1, 1), date(2021, 2, 28))
    assert ref.applies_to(date(2020, 1, 1), date(2021, 3, 1))
    assert ref.applies_to(date(2025, 6, 30), None)
    assert ref.applies_to(None, None)
    assert LegalReference("open").applies_to(*Y2026)


def test_a_2024_review_gets_sol_references() -> None:
    fam = shipped("familjevard")
    assert fam.criterion("F2").reference_for(*Y2024) == LegalReference(
        "11 kap. 3 § SoL", None, date(2025, 6, 30)
    )
    assert [r.text for r in fam.criterion("F1").references_for(*Y2024)] == [
        "6 kap. 1 § SoL",
        "11 § LVU",
    ]
    assert [r.text for r in fam.criterion("F7").references_for(*Y2024)] == [
        "6 kap. 8 b § SoL",
        "13 b § LVU",
    ]
    assert fam.criterion("F15").reference_for(*Y2024) is None


def test_a_2026_review_cites_the_new_laws_and_lvu() -> None:
    fam = shipped("familjevard")
    bvu = shipped("barnavardsutredning")

    def cited(template: Template, code: str) -> list[str]:
        return [r.text for r in template.criterion(code).references_for(*Y2026)]

    assert cited(fam, "F1") == ["9 kap. 1 § SoL (2025:400)", "11 § LVU"]
    assert cited(fam, "F2") == ["9 kap. 12 § SoL (2025:400)"]
    assert cited(fam, "F3") == ["9 kap. 13 § SoL (2025:400)"]
    assert cited(fam, "F6") == ["22 kap. 13 § SoL (2025:400)", "13 § LVU"]
    assert cited(fam, "F7") == ["22 kap. 14 § SoL (2025:400)", "13 b § LVU"]
    assert cited(fam, "F11") == ["14 kap. 3 § SoL (2025:400)"]
    assert cited(fam, "F12") == ["22 kap. 12 § SoL (2025:400)"]
    assert cited(fam, "F13")[0] == "22 kap. 11 § SoL (2025:400)"
    assert cited(fam, "F14") == ["3 kap. 2–3 §§ SoL (2025:400)"]
    assert cited(fam, "F17") == ["22 kap. 2 § SoL (2025:400)", "SOSFS 2012:11"]
    assert cited(fam, "F18") == ["3 kap. 3 § SoF (2025:468)"]
    assert cited(fam, "F19") == ["22 kap. 4 § SoL (2025:400)"]
    assert cited(bvu, "U1") == ["20 kap. 1 § SoL (2025:400)"]
    assert cited(bvu, "U2") == ["20 kap. 2 § SoL (2025:400)"]
    assert cited(bvu, "U7") == ["20 kap. 3 § SoL (2025:400)"]
    assert cited(bvu, "U6") == ["SOSFS 2014:5"]
    # No old paragraph is cited for a period after the change, in either template.
    for template in (fam, bvu):
        for criterion in template.criteria:
            for text in cited(template, criterion.code):
                assert "SoL" not in text or "2025:400" in text, (criterion.code, text)
                assert "SoF" not in text or "2025:468" in text, (criterion.code, text)
    # Only F15 has no reference, in any period (the template gives none).
    for template, unreferenced in ((fam, {"F15"}), (bvu, set())):
        assert {c.code for c in template.criteria
                if c.reference_for(*Y2026) is None} == unreferenced


def test_the_appointed_socialsekreterare_cites_7_c_until_the_change() -> None:
    fam = shipped("familjevard")
    assert [r.text for r in fam.criterion("F12").references_for(*Y2024)] == ["6 kap. 7 c § SoL"]
    assert [r.text for r in fam.criterion("F18").references_for(*Y2024)] == ["5 kap. 1 b § SoF"]


def test_a_reference_set_in_a_review_takes_the_place_of_the_templates() -> None:
    fam = shipped("familjevard")
    criterion = fam.criterion("F15")
    own = LegalReference("SOSFS 2014:6", in_review=True)
    changed = replace(criterion, references=(*criterion.references, own))
    assert changed.references_for(*Y2026) == (own,)
    assert changed.references_for(*Y2024) == (own,)
    f1 = fam.criterion("F1")
    assert replace(f1, references=(*f1.references, own)).reference_for(*Y2026) == own


def test_periods_before_reforms() -> None:
    fam = shipped("familjevard")
    # F3's reference applies from 2021-03-01.
    assert fam.criterion("F3").reference_for(date(2020, 1, 1), date(2020, 12, 31)) is None
    # F7 before 2022-07-01: the older rule (three years).
    older = fam.criterion("F7").references_for(date(2021, 1, 1), date(2021, 12, 31))
    assert len(older) == 1
    assert "tre år" in older[0].text
    assert older[0].valid_to == date(2022, 6, 30)
    # A review period spanning the change gets both laws' references.
    spanning = fam.criterion("F2").references_for(date(2025, 1, 1), date(2025, 12, 31))
    assert [r.text for r in spanning] == ["11 kap. 3 § SoL", "9 kap. 12 § SoL (2025:400)"]


def test_dimension_and_kind_labels() -> None:
    assert DIMENSIONS == {
        "struktur": "Verksamhetens förutsättningar",
        "process": "Arbetet i verksamheten",
        "resultat": "Kvalitetsarbete",
    }
    assert {kind: info.label for kind, info in CRITERION_KINDS.items()} == {
        "judgement": "Bedömning", "deadline": "Tidsfrist", "count": "Antal"}


# --- Validation: each problem names file, line and key ---------------------------------------

HEADER = """\
title = "Testmall"
version = "1.0"
law = "SoL (2001:453)"
references_checked = 2026-11-01
"""  # lines 1-4


def test_minimal_template_is_valid() -> None:
    text = HEADER + "sections = []\ncriteria = []\n"
    t = parse_template(text, "/tmp/mallar/egen.toml")
    assert t.name == "egen"
    assert t.description == ""
    assert t.interview_roles == ()


def test_toml_syntax_error_has_its_line() -> None:
    text = HEADER + 'sections = []\ncriteria = []\ndescription = "ej avslutad\n'
    p = only_problem(text)
    assert (p.source, p.line, p.key) == ("test.toml", 7, "")
    assert p.message.startswith("TOML-syntaxfel")
    assert str(p).startswith("test.toml, rad 7: TOML-syntaxfel")


def test_unquoted_text_is_a_syntax_error_in_swedish() -> None:
    p = only_problem("title = Testmall\n")
    assert p.line == 1
    assert "ogiltigt värde" in p.message


def test_duplicate_key_is_located() -> None:
    text = HEADER + 'sections = []\ncriteria = []\ntitle = "Igen"\n'
    p = only_problem(text)
    assert p.line == 7
    assert "två gånger" in p.message


def test_missing_required_key_points_at_the_block() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "K1"
kind = "judgement"
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (7, "criteria[1].question")
    assert "saknas" in p.message


def test_missing_top_level_key() -> None:
    text = 'title = "T"\nversion = "1"\nlaw = "SoL"\nsections = []\ncriteria = []\n'
    p = only_problem(text)
    assert (p.line, p.key) == (None, "references_checked")
    assert str(p) == "test.toml, references_checked: nyckeln saknas men krävs"


def test_wrong_type() -> None:
    text = HEADER.replace('version = "1.0"', "version = 1.0") + "sections = []\ncriteria = []\n"
    p = only_problem(text)
    assert (p.line, p.key) == (2, "version")
    assert "fel typ" in p.message
    assert "text" in p.message


def test_section_number_written_as_a_number() -> None:
    text = (
        HEADER
        + """\
criteria = []

[[sections]]
number = 4.1
title = "Uppdrag"
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (8, "sections[1].number")
    assert '"4.1"' in p.message


def test_unknown_key_suggests_the_right_one() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "K1"
qestion = "Vårdplan finns"
question = "Vårdplan finns"
kind = "judgement"
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (9, "criteria[1].qestion")
    assert p.message == "okänd nyckel 'qestion' (menade du 'question'?)"


def test_unknown_top_level_key() -> None:
    text = HEADER + 'sections = []\ncriteria = []\nauthor = "Anna"\n'
    p = only_problem(text)
    assert (p.line, p.key) == (7, "author")
    assert "okänd nyckel 'author' (tillåtna: title, version" in p.message
    # TOML allows no å ä ö in bare keys: a syntax error on that line.
    p = only_problem(text.replace("author", "författare"))
    assert (p.line, p.key) == (7, "")


def test_unknown_criterion_kind() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "K1"
question = "Vårdplan finns"
kind = "judgement"

[[criteria]]
code = "K2"
question = "Genomförandeplan finns"
kind = "foo"
"""
    )
    p = only_problem(text)
    assert str(p) == (
        "test.toml, rad 15, criteria[2].kind: okänd typ 'foo' (tillåtna: judgement, "
        "deadline, count)"
    )


def test_unknown_dimension() -> None:
    text = (
        HEADER
        + """\
criteria = []

[[sections]]
number = "4"
title = "Verksamhetens förutsättningar"
dimension = "strukturell"
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (10, "sections[1].dimension")
    assert "okänd dimension 'strukturell'" in p.message


def test_unknown_section_kind() -> None:
    text = HEADER + 'criteria = []\n[[sections]]\nnumber = "1"\ntitle = "S"\nkind = "sammanf"\n'
    p = only_problem(text)
    assert (p.line, p.key) == (9, "sections[1].kind")


def test_duplicate_criterion_code() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "K1"
question = "Vårdplan finns"
kind = "judgement"

[[criteria]]
code = "k1"
question = "Genomförandeplan finns"
kind = "judgement"
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (13, "criteria[2].code")
    assert p.message == "kriteriekoden k1 förekommer redan (rad 7)"


def test_duplicate_section_number() -> None:
    text = (
        HEADER
        + """\
criteria = []

[[sections]]
number = "1"
title = "Sammanfattning"

[[sections]]
number = "1"
title = "Syfte"
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (12, "sections[2].number")
    assert "förekommer redan (rad 7)" in p.message


def test_deadline_without_limit() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "U1"
question = "Skyddsbedömning gjord"
kind = "deadline"
start_label = "Anmälan inkom"
end_label = "Skyddsbedömning gjord"
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (7, "criteria[1].limit_days")
    assert "limit_days eller limit_months" in p.message


def test_deadline_with_both_limits_and_without_labels() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "U1"
question = "Skyddsbedömning gjord"
kind = "deadline"
limit_days = 1
limit_months = 1
"""
    )
    found = problems(text)
    assert {(p.line, p.key) for p in found} == {
        (7, "criteria[1].start_label"),
        (7, "criteria[1].end_label"),
        (12, "criteria[1].limit_months"),
    }


def test_count_without_threshold() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "F13"
question = "Enskilda samtal"
kind = "count"
unit_label = "samtal"
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (7, "criteria[1].threshold")


def test_parameter_of_another_kind() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "F2"
question = "Vårdplan finns"
kind = "judgement"
threshold = 4
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (11, "criteria[1].threshold")
    assert "count" in p.message


def test_reference_valid_from_after_valid_to() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "F3"
question = "Vårdplan reviderad"
kind = "judgement"
references = [
    { text = "11 kap. 3 § SoL", to = 2025-06-30 },
    { text = "13 § LVU", from = 2025-07-01, to = 2025-06-30 },
]
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (13, "criteria[1].references[2].to")
    assert "före giltig från" in p.message


def test_references_on_one_line_and_unknown_reference_key() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "F3"
question = "Vårdplan reviderad"
kind = "judgement"
references = [{ text = "a" }, { text = "b", form = 2021-03-01 }]
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (11, "criteria[1].references[2].form")
    assert "menade du 'from'" in p.message


def test_bad_dates() -> None:
    quoted = HEADER.replace("2026-11-01", '"2026-02-30"') + "sections = []\ncriteria = []\n"
    p = only_problem(quoted)
    assert (p.line, p.key) == (4, "references_checked")
    assert "ogiltigt datum '2026-02-30'" in p.message

    words = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "F3"
question = "Vårdplan reviderad"
kind = "judgement"
references = [
    { text = "11 kap. 3 § SoL", from = "1 mars 2021" },
]
"""
    )
    p = only_problem(words)
    assert (p.line, p.key) == (12, "criteria[1].references[1].from")
    assert "ÅÅÅÅ-MM-DD" in p.message

    unquoted = HEADER.replace("2026-11-01", "2026-02-30") + "sections = []\ncriteria = []\n"
    p = only_problem(unquoted)
    assert p.line == 4
    assert "ogiltigt datum" in p.message

    with_time = (
        HEADER.replace("2026-11-01", "2026-11-01T10:00:00") + "sections = []\ncriteria = []\n"
    )
    p = only_problem(with_time)
    assert (p.line, p.key) == (4, "references_checked")


def test_quoted_iso_date_is_accepted() -> None:
    text = HEADER.replace("2026-11-01", '"2026-11-01"') + "sections = []\ncriteria = []\n"
    assert parse_template(text, "t.toml").references_checked == date(2026, 11, 1)


def test_section_without_parent() -> None:
    text = (
        HEADER
        + """\
criteria = []

[[sections]]
number = "4"
title = "Verksamhetens förutsättningar"

[[sections]]
number = "5.1"
title = "Placeringar"
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (12, "sections[2].number")
    assert p.message == "avsnitt 5.1 saknar överordnat avsnitt 5"


def test_section_before_its_parent() -> None:
    text = (
        HEADER
        + """\
criteria = []

[[sections]]
number = "4.1"
title = "Uppdrag"

[[sections]]
number = "4"
title = "Verksamhetens förutsättningar"
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (8, "sections[1].number")
    assert "före sitt överordnade avsnitt 4" in p.message


def test_bad_section_number() -> None:
    text = HEADER + 'criteria = []\n[[sections]]\nnumber = "4.a"\ntitle = "X"\n'
    p = only_problem(text)
    assert (p.line, p.key) == (7, "sections[1].number")


def test_applicability_problems() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "F19"
question = "Jourhem"
kind = "judgement"
applies = { attribute = "Placeringsform" }

[[criteria]]
code = "F20"
question = "Jourhem"
kind = "judgement"
applies = { attribute = "Placeringsform", value = ["jourhem"] }
"""
    )
    found = problems(text)
    assert [(p.line, p.key) for p in found] == [
        (11, "criteria[1].applies"),
        (17, "criteria[2].applies.value"),
        (17, "criteria[2].applies"),
    ]


def test_default_applicability_reason() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "F19"
question = "Jourhem"
kind = "judgement"
applies = { attribute = "Placeringsform", values = ["Jourhem"] }
"""
    )
    applies = parse_template(text, "t.toml").criteria[0].applies
    assert applies == Applicability(
        "Placeringsform", ("jourhem",), None, "Gäller endast när Placeringsform är Jourhem"
    )


def test_sub_table_form_is_located() -> None:
    text = (
        HEADER
        + """\
sections = []

[[criteria]]
code = "F19"
question = "Jourhem"
kind = "judgement"

[criteria.applies]
attribute = "Placeringsform"
min_months = 0
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (14, "criteria[1].applies.min_months")


def test_inline_array_form_is_located() -> None:
    text = (
        HEADER
        + """\
sections = []
criteria = [
    { code = "K1", question = "Q", kind = "judgement" },
    { code = "K2", question = "Q", kind = "bedömning" },
]
"""
    )
    p = only_problem(text)
    assert (p.line, p.key) == (8, "criteria[2].kind")


def test_brackets_inside_strings_do_not_confuse_lines() -> None:
    text = (
        HEADER
        + '''\
description = """
[[criteria]]
En rad som ser ut som en tabell, och "citat".
"""
sections = []

[[criteria]]
code = "K1"  # kommentar med [[criteria]]
question = "Står [inom] hakparenteser"
kind = "foo"
'''
    )
    p = only_problem(text)
    assert (p.line, p.key) == (14, "criteria[1].kind")


def test_every_problem_is_reported_at_once() -> None:
    text = """\
title = "Testmall"
version = 1
law = "SoL (2001:453)"
references_checked = 2026-11-01

[[sections]]
number = "4.1"
title = "Uppdrag"

[[criteria]]
code = "K1"
question = "Q"
kind = "foo"
"""
    found = problems(text, "mallar/egen.toml")
    assert [(p.line, p.key) for p in found] == [
        (2, "version"),
        (7, "sections[1].number"),
        (13, "criteria[1].kind"),
    ]
    assert all(p.source == "mallar/egen.toml" for p in found)


# --- The akt's dates -------------------------------------------------------------------------


def test_barnavardsutredning_names_the_akts_dates_its_deadlines_use() -> None:
    bvu = shipped("barnavardsutredning")
    assert bvu.akt_dates == ("Anmälan inkom", "Skyddsbedömning gjord",
                             "Beslut om att inleda eller inte", "Utredning inledd",
                             "Utredning avslutad")
    deadlines = [c for c in bvu.criteria if c.kind == "deadline"]
    assert [c.code for c in deadlines] == ["U1", "U2", "U7"]
    assert deadlines[0].start_label == deadlines[1].start_label == "Anmälan inkom"


def _dated(akt_dates: str, start: str = "Anmälan inkom") -> str:
    return (HEADER + f"akt_dates = {akt_dates}\n" + """\
sections = []

[[criteria]]
code = "U1"
question = "Skyddsbedömning"
kind = "deadline"
""" + f'start_label = "{start}"\n' + """\
end_label = "Skyddsbedömning gjord"
limit_days = 1
""")


def test_akt_dates_are_read_and_a_deadline_may_name_them_in_any_case() -> None:
    template = parse_template(
        _dated('["Anmälan inkom", "Skyddsbedömning gjord"]', start="anmälan inkom"), "t.toml")
    assert template.akt_dates == ("Anmälan inkom", "Skyddsbedömning gjord")


def test_a_deadline_label_that_is_no_akt_date_is_refused() -> None:
    p = only_problem(_dated('["Anmälan inkom", "Skyddsbedömning gjord"]', start="Anmälan"))
    assert p.key == "criteria[1].start_label"
    assert "'Anmälan' är inget av aktens datum" in p.message


def test_an_akt_date_named_twice_is_refused() -> None:
    p = only_problem(_dated('["Anmälan inkom", "Skyddsbedömning gjord", "anmälan inkom"]'))
    assert p.key == "akt_dates[3]"
    assert "två gånger" in p.message


def test_a_template_without_akt_dates_has_none() -> None:
    assert shipped("familjevard").akt_dates == ()
