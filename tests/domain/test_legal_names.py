"""Which laws a review's references cite, as the Metod names them."""

from __future__ import annotations

from kvtui.domain.legal_names import (
    LAWS,
    cited_laws,
    introduce,
    is_provision,
    paragraph_key,
    paragraphs_of,
    reference_key,
)

NEW_SOL = "socialtjänstlagen (2025:400)"
OLD_SOL = "socialtjänstlagen (2001:453)"
NEW_SOF = "socialtjänstförordningen (2025:468)"
OLD_SOF = "socialtjänstförordningen (2001:937)"
LVU = "lagen (1990:52) med särskilda bestämmelser om vård av unga"


def test_the_new_laws_are_told_by_their_numbers() -> None:
    assert cited_laws(["20 kap. 1 § SoL (2025:400)", "3 kap. 3 § SoF (2025:468)", "11 § LVU"]) \
        == (NEW_SOL, NEW_SOF, LVU)


def test_a_short_name_without_a_number_is_the_older_law() -> None:
    assert cited_laws(["11 kap. 1 a § SoL", "5 kap. 1 b § SoF"]) == (OLD_SOL, OLD_SOF)


def test_each_law_once_in_a_fixed_order_and_guidance_is_no_law() -> None:
    texts = ["13 § LVU", "3 kap. 2–3 §§ och 20 kap. 7 § SoL (2025:400)",
             "22 kap. 2 § SoL (2025:400)", "SOSFS 2014:5", "6 kap. 7 c § SoL"]
    assert cited_laws(texts) == (NEW_SOL, OLD_SOL, LVU)
    assert cited_laws(["SOSFS 2012:11", "Socialstyrelsens rekommendation"]) == ()


def test_a_word_that_only_contains_a_short_name_is_not_a_citation() -> None:
    assert cited_laws(["SoLvik", "LVUX", "ASoF"]) == ()


def test_paragraphs_sort_as_the_code_numbers_them() -> None:
    texts = ["13 b § LVU", "14 § LVU", "13 § LVU", "11 § LVU", "13 a § LVU"]
    assert sorted(texts, key=reference_key) == [
        "11 § LVU", "13 § LVU", "13 a § LVU", "13 b § LVU", "14 § LVU"]
    paragraphs = ["11 kap. 10 §", "6 kap. 8 b §", "11 kap. 3 §", "6 kap. 8 §", "11 kap. 1 a §"]
    assert sorted(paragraphs, key=paragraph_key) == [
        "6 kap. 8 §", "6 kap. 8 b §", "11 kap. 1 a §", "11 kap. 3 §", "11 kap. 10 §"]


def test_a_recommendation_is_no_provision() -> None:
    assert not is_provision("Socialstyrelsens rekommendation")
    assert not is_provision("Socialstyrelsens handbok om placerade barn")
    for text in ("SOSFS 2012:11", "HSLF-FS 2023:1", "13 b § LVU", "9 kap. 1 § SoL (2025:400)",
                 "6 kap. 1 § föräldrabalken"):
        assert is_provision(text), text


def test_paragraphs_of_one_law() -> None:
    new_sol, old_sol = LAWS[0], LAWS[1]
    assert paragraphs_of("3 kap. 2–3 §§ och 20 kap. 7 § SoL (2025:400)") == (
        new_sol, "3 kap. 2–3 §§ och 20 kap. 7 §")
    assert paragraphs_of("11 kap. 1 a § SoL") == (old_sol, "11 kap. 1 a §")
    assert paragraphs_of("6 kap. 8 § SoL och 13 § LVU i lydelse före 1 juli 2022") is None
    assert paragraphs_of("SOSFS 2012:11") is None
    assert old_sol.title == "Socialtjänstlag (2001:453)"
    assert new_sol.title == "Socialtjänstlag (2025:400)"


def test_a_short_name_is_written_out_the_first_time_only() -> None:
    known: set[str] = set()
    assert introduce("11 § LVU", known) == (
        "11 § lagen (1990:52) med särskilda bestämmelser om vård av unga, LVU")
    assert introduce("13 § LVU; 20 kap. 1 § SoL (2025:400)", known) == (
        "13 § LVU; 20 kap. 1 § socialtjänstlagen (2025:400), SoL")
    assert introduce("22 kap. 2 § SoL (2025:400)", known) == "22 kap. 2 § SoL (2025:400)"
    # The older law of the same short name is a law of its own.
    assert introduce("6 kap. 1 § SoL", known) == "6 kap. 1 § socialtjänstlagen (2001:453), SoL"
    assert introduce("SOSFS 2012:11", known) == "SOSFS 2012:11"
