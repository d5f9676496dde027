"""Referenser and the footnotes name the laws in full: each law by its SFS title with the
paragraphs cited in the code's order, short names written out once, and a recommendation
listed apart from the provisions."""

from __future__ import annotations

import re
from dataclasses import replace

from kvtui.domain.report_data import ReportData
from tests.report.conftest import Pdf, render

LVU_TITLE = "Lag (1990:52) med särskilda bestämmelser om vård av unga"


def squash(text: str) -> str:
    """White space made single spaces, words broken at a line end joined again."""
    return " ".join(text.replace("-\n", "").split())


def referenser(pdf: Pdf) -> tuple[str, str]:
    """The two lists at the end of Referenser: provisions, and other sources."""
    text = squash(pdf.text)
    start = text.rindex("Lagar, föreskrifter och allmänna råd")
    end = text.index("Bilaga 1", start)
    provisions, _sep, others = text[start:end].partition("Övriga källor")
    return provisions, others


def test_laws_by_their_titles_with_their_paragraphs_in_order(final_pdf: Pdf) -> None:
    provisions, others = referenser(final_pdf)
    assert f"• {LVU_TITLE}, LVU: 11 §; 13 §; 13 b §; 14 §" in provisions
    assert "• Socialtjänstförordning (2001:937), SoF: 5 kap. 1 b §" in provisions
    assert ("• Socialtjänstlag (2001:453), SoL: 6 kap. 1 §; 6 kap. 6 §; 6 kap. 7 b §; "
            "6 kap. 7 c §; 6 kap. 8 §; 6 kap. 8 b §; 11 kap. 3 §; 11 kap. 5 §; 11 kap. 10 §"
            in provisions)
    assert "• SOSFS 2012:11" in provisions
    assert "rekommendation" not in provisions
    assert others.strip().startswith("• Socialstyrelsens rekommendation")


def test_each_short_name_is_written_out_once_at_its_first_use(final_pdf: Pdf) -> None:
    text = squash(final_pdf.text)
    first_sol = text.index(" SoL")
    assert text[first_sol - len("socialtjänstlagen (2001:453),"):first_sol] == (
        "socialtjänstlagen (2001:453),")
    assert text.count("socialtjänstlagen (2001:453), SoL") == 1
    # LVU is first used in Referenser (no statement's note cites it), by its title.
    assert text.index("LVU") == text.index(f"{LVU_TITLE}, LVU") + len(LVU_TITLE) + 2


def test_the_new_laws_by_their_numbers(demo_data: ReportData) -> None:
    new = {"F1": "9 kap. 1 § SoL (2025:400); 11 § LVU", "F2": "9 kap. 12 § SoL (2025:400)",
           "F18": "3 kap. 3 § SoF (2025:468)", "F19": "22 kap. 4 § SoL (2025:400)",
           "F17": "22 kap. 2 § SoL (2025:400); SOSFS 2012:11",
           "F6": "22 kap. 13 § SoL (2025:400); 13 § LVU"}
    criteria = tuple(replace(c, reference=new.get(c.code, "SOSFS 2012:11"))
                     for c in demo_data.criteria)
    pdf = render(replace(demo_data, criteria=criteria), draft=False)
    provisions, others = referenser(pdf)
    assert ("• Socialtjänstlag (2025:400), SoL: 9 kap. 1 §; 9 kap. 12 §; 22 kap. 2 §; "
            "22 kap. 4 §; 22 kap. 13 §" in provisions)
    assert "• Socialtjänstförordning (2025:468), SoF: 3 kap. 3 §" in provisions
    assert "2001:453" not in provisions and "2001:937" not in provisions
    assert others == ""
    assert re.search(r"22 kap\. 2 § socialtjänstlagen \(2025:400\), SoL; SOSFS 2012:11",
                     squash(pdf.text))
