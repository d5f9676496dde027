"""Which laws a review's references cite, as the Metod names them."""

from __future__ import annotations

from kvtui.domain.legal_names import cited_laws

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
