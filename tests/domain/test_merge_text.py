"""The Swedish sentence a bundle's merge ends with."""

from __future__ import annotations

from kvtui.domain.merge import merge_text


def test_what_a_merge_did_is_said_in_swedish() -> None:
    said = merge_text("4e945dd4", taken=1, inserted=2, deleted=1, conflicts=0, signed=False)
    assert said == ("Paketet är sammanslaget med granskningen 4e945dd4: 1 ändring hämtad, "
                    "2 nya rader, 1 rad borttagen.")
    only_conflicts = merge_text("4e945dd4", taken=0, inserted=0, deleted=0, conflicts=2,
                                signed=False)
    assert only_conflicts.startswith("Paketet är sammanslaget med granskningen 4e945dd4. "
                                     "2 konflikter att avgöra")
    assert merge_text("4e945dd4", taken=0, inserted=0, deleted=0, conflicts=0,
                      signed=False) == "Paketet innehöll inget nytt för granskningen 4e945dd4."
    assert "signerad här" in merge_text("4e945dd4", taken=3, inserted=0, deleted=0,
                                        conflicts=0, signed=True)
