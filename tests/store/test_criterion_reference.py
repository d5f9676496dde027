"""The auditor's own legal reference for a criterion inside one review: stored with the review,
logged, shown for its period, and locked with it once signed."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

import kvtui.store.report_data as report_data
from kvtui.domain.reviews import ReviewFields
from kvtui.store import changelog
from kvtui.store.answers import review_criteria
from kvtui.store.assessments import missing_for_review
from kvtui.store.criteria import criterion_row, set_reference
from kvtui.store.database import Store, check_store, open_store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.report_data import load_report_data
from kvtui.store.reviews import create_review, update_review
from kvtui.store.signed_record import check_sign_offs
from kvtui.store.template_library import load_template
from tests.report.demo_file import demo_copy
from tests.signing import sign_review

TEST_PNR = "189001019802"  # Skatteverket's test number


def _review(store: Store, name: str, start: date, end: date) -> str:
    template, text = load_template(name, None)
    with store.session() as session:
        return create_review(session, template, text, ReviewFields(
            title="Granskning", period_start=start, period_end=end))


def _references(store: Store, review_id: str) -> dict[str, str | None]:
    with store.session() as session:
        return {view.code: view.reference for view in review_criteria(session, review_id)}


def test_a_review_of_the_second_half_of_2025_cites_the_new_law(store: Store) -> None:
    new = _review(store, "barnavardsutredning", date(2025, 7, 1), date(2025, 12, 31))
    old = _review(store, "barnavardsutredning", date(2025, 1, 1), date(2025, 6, 30))
    assert _references(store, new)["U1"] == "20 kap. 1 § SoL (2025:400)"
    assert _references(store, old)["U1"] == "11 kap. 1 a § SoL"
    with store.session() as session:
        method = load_report_data(session, new).method_draft
        old_method = load_report_data(session, old).method_draft
    assert "Hänvisningarna avser socialtjänstlagen (2025:400)." in method
    assert "2001:453" not in method
    assert "Hänvisningarna avser socialtjänstlagen (2001:453)." in old_method


def test_a_criterion_without_a_reference_is_missing_before_the_report(store: Store) -> None:
    review_id = _review(store, "familjevard", date(2026, 1, 1), date(2026, 12, 31))
    with store.session() as session:
        missing = missing_for_review(session, review_id)
        warnings = load_report_data(session, review_id).warnings
    line = "Kriterium F15 saknar lagrum för granskningsperioden (l i Aktgranskning)"
    assert line in missing and line in warnings
    assert not any("F1 " in m for m in missing)


def test_add_change_and_confirm_are_stored_with_the_review_and_logged(store: Store) -> None:
    review_id = _review(store, "familjevard", date(2026, 1, 1), date(2026, 12, 31))
    other = _review(store, "familjevard", date(2026, 1, 1), date(2026, 12, 31))
    with store.session() as session:
        assert set_reference(session, review_id, "f15", "  SOSFS 2014:6 ") == "reference_add"
        assert set_reference(session, review_id, "F2", "9 kap. 12 § SoL (2025:400)") \
            == "reference_confirm"
        assert set_reference(session, review_id, "F12", "22 kap. 12 §  SoL (2025:400)") \
            == "reference_confirm"
        assert set_reference(session, review_id, "F1", "9 kap. 1 § SoL (2025:400)") \
            == "reference_change"
        # Confirming the auditor's own reference again writes nothing.
        seq = changelog.head(session)[0]
        assert set_reference(session, review_id, "F2", "9 kap. 12 § SoL (2025:400)") \
            == "reference_confirm"
        assert changelog.head(session)[0] == seq
        row = criterion_row(session, review_id, "F1")
        stored = json.loads(row.references_json)
        logged = changelog.entries_of(session, "review_criterion", row.id)
        missing = missing_for_review(session, review_id)
        method = load_report_data(session, review_id).method_draft
    assert {"text": "9 kap. 1 § SoL (2025:400)", "from": None, "to": None, "review": True} \
        in stored
    # The template's references stay beside the auditor's, for another period or a merge.
    assert {"text": "11 § LVU", "from": None, "to": None} in stored
    assert logged == [{"action": "reference_change", "kriterium": "F1",
                       "reference": ["9 kap. 1 § SoL (2025:400); 11 § LVU",
                                     "9 kap. 1 § SoL (2025:400)"]}]
    refs = _references(store, review_id)
    assert refs["F15"] == "SOSFS 2014:6"
    assert refs["F1"] == "9 kap. 1 § SoL (2025:400)"
    assert not any("F15" in line for line in missing)
    # LVU is no longer cited by F1, but F6, F7 and F10 still cite it.
    assert "lagen (1990:52) med särskilda bestämmelser om vård av unga" in method
    # Another review from the same template is untouched.
    assert _references(store, other)["F1"] == "9 kap. 1 § SoL (2025:400); 11 § LVU"
    assert _references(store, other)["F15"] is None


def test_the_reference_holds_for_the_review_whatever_its_period(store: Store) -> None:
    review_id = _review(store, "familjevard", date(2026, 1, 1), date(2026, 12, 31))
    with store.session() as session:
        set_reference(session, review_id, "F15", "SOSFS 2014:6")
        update_review(session, review_id, ReviewFields(
            title="Granskning", period_start=date(2024, 1, 1), period_end=date(2024, 12, 31)))
    refs = _references(store, review_id)
    assert refs["F15"] == "SOSFS 2014:6"
    assert refs["F2"] == "11 kap. 3 § SoL"


def test_bad_references_are_refused_and_nothing_changes(store: Store) -> None:
    review_id = _review(store, "familjevard", date(2026, 1, 1), date(2026, 12, 31))
    with store.session() as session:
        before = criterion_row(session, review_id, "F15").references_json
        seq = changelog.head(session)[0]
        for text in ("", "   ", "\x1b\x07", "x" * 501):
            with pytest.raises(InvalidInput):
                set_reference(session, review_id, "F15", text)
        with pytest.raises(NotFound, match="inget kriterium F99"):
            set_reference(session, review_id, "F99", "SOSFS 2014:6")
        session.expire_all()
        assert criterion_row(session, review_id, "F15").references_json == before
        assert changelog.head(session)[0] == seq


def test_a_personnummer_in_a_reference_is_masked_before_it_is_written(store: Store) -> None:
    review_id = _review(store, "familjevard", date(2026, 1, 1), date(2026, 12, 31))
    with store.session() as session:
        set_reference(session, review_id, "F15", f"Beslut om {TEST_PNR}")
        row = criterion_row(session, review_id, "F15")
        logged = changelog.entries_of(session, "review_criterion", row.id)
    assert TEST_PNR not in row.references_json
    assert TEST_PNR not in json.dumps(logged)
    assert _references(store, review_id)["F15"].startswith("Beslut om ")


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, str]:
    path, review_id = demo_copy(tmp_path)
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            set_reference(session, review_id, "F15", "SOSFS 2014:6")
            sign_review(session, review_id)
    finally:
        store.close()
    return path, review_id


def test_a_signed_reviews_references_are_locked(signed: tuple[Path, str]) -> None:
    path, review_id = signed
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            with pytest.raises(InvalidInput, match="signerad och låst"):
                set_reference(session, review_id, "F15", "SOSFS 2014:7")
            assert criterion_row(session, review_id, "F15").references_json.count("2014:6") == 1
    finally:
        store.close()
    # The sqlite3 shell: an edited reference, a REPLACE and an UPSERT are all refused.
    shell = sqlite3.connect(path, isolation_level=None)
    try:
        row_id, = shell.execute("SELECT id FROM review_criterion WHERE review_id = ? AND "
                                "code = 'F15'", (review_id,)).fetchone()
        for sql in (
            "UPDATE review_criterion SET references_json = '[]' WHERE id = ?",
            "INSERT OR REPLACE INTO review_criterion SELECT * FROM review_criterion "
            "WHERE id = ?",
            "DELETE FROM review_criterion WHERE id = ?",
        ):
            with pytest.raises(sqlite3.DatabaseError, match=r"locked|signed"):
                shell.execute(sql, (row_id,))
    finally:
        shell.close()
    assert check_store(path).ok


def test_a_signed_review_keeps_the_metod_it_was_signed_with(
        signed: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """kvtui's drafted wording may change in a later version; a signed report does not."""
    path, review_id = signed
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            signed_method = load_report_data(session, review_id).method_text
            monkeypatch.setattr(report_data, "draft_method_text", lambda _facts: "Ny lydelse.")
            again = load_report_data(session, review_id)
            assert again.method_text == again.method_draft == signed_method
            assert all(finding.ok for finding in check_sign_offs(session))
    finally:
        store.close()

