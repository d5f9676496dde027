"""The rules of fact-check and sign-off: who may approve, reasons, what changed, verify's
verdict."""

from __future__ import annotations

import pytest

from kvtui.domain.signoff import (
    SignOffRuleError,
    check_reason,
    check_response,
    check_signers,
    compare_content,
    file_passes,
    short_hash,
    text_diff,
)


def test_no_one_approves_their_own_review() -> None:
    check_signers("Karin Ekdahl", "Granskare", "Jonas Lindwall")
    with pytest.raises(SignOffRuleError, match="samma person"):
        check_signers("Karin Ekdahl", "Granskare", "  KARIN   ekdahl ")
    with pytest.raises(SignOffRuleError, match="namnet"):
        check_signers(" ", "Granskare")
    with pytest.raises(SignOffRuleError, match="rollen"):
        check_signers("Karin Ekdahl", "")


def test_reasons_and_responses() -> None:
    assert check_reason("  Nämnden bad om det. ") == "Nämnden bad om det."
    with pytest.raises(SignOffRuleError):
        check_reason("   ", "Ange ett skäl.")
    assert check_response("changed", "") == ("changed", "")
    with pytest.raises(SignOffRuleError, match="varför"):
        check_response("not_changed", " ")
    with pytest.raises(SignOffRuleError, match="Okänt"):
        check_response("maybe", "")


def test_what_changed_is_told_by_section_and_sentence() -> None:
    old = {"method": "A.", "sections": [
        {"number": "4.1", "title": "Uppdrag", "text": "Enheten har 44 placerade barn. Bra.",
         "assessments": []},
        {"number": "4.2", "title": "Personal", "text": "Fem.", "assessments": []}]}
    new = {"method": "A.", "sections": [
        {"number": "4.1", "title": "Uppdrag", "text": "Enheten har 46 placerade barn. Bra.",
         "assessments": [{"statement": "Stabilt.", "rating": "gron"}]},
        {"number": "4.3", "title": "Lokaler", "text": "Nya.", "assessments": []}]}
    changes = compare_content(old, new)
    assert [(c.where, c.kind) for c in changes] == [
        ("4.1 Uppdrag", "ändrad"), ("4.3 Lokaler", "ny"), ("4.2 Personal", "borttagen")]
    assert changes[0].lines() == ["− Enheten har 44 placerade barn.",
                                  "+ Enheten har 46 placerade barn.",
                                  "+ Bedömning (gron): Stabilt."]
    assert text_diff("Samma.", "Samma.") == []


def test_verify_accepts_the_stored_file_or_a_trusted_signature() -> None:
    assert file_passes(signed=False, signature_ok=False, trust_checked=False, in_store=True)
    assert not file_passes(signed=False, signature_ok=False, trust_checked=True, in_store=False)
    assert file_passes(signed=True, signature_ok=True, trust_checked=True, in_store=False)
    assert not file_passes(signed=True, signature_ok=True, trust_checked=False, in_store=False)
    assert not file_passes(signed=True, signature_ok=False, trust_checked=True, in_store=True)


def test_short_hash_groups_in_fours() -> None:
    assert short_hash("0123456789abcdef") == "0123 4567 89ab cdef"
