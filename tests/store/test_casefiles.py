"""Case files by hand: list, add, change and remove, refused once the sample is drawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import col, select

from kvtui.domain.casefile_import import ImportFailure
from kvtui.store.casefiles import (
    add_case_file,
    list_case_files,
    preview_file,
    remove_case_file,
    update_case_file,
)
from kvtui.store.demo import create_demo
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.models import ChangeLog
from kvtui.store.sampling import draw_sample
from tests.signing import sign_review
from tests.testdata import PERSONNUMMER_FILE

TEST_NUMBERS = PERSONNUMMER_FILE


def _test_personnummer() -> str:
    """A published test personnummer, read at test time so none is written into the repo."""
    return TEST_NUMBERS.read_text(encoding="utf-8").split()[1000]


@pytest.fixture
def review(store):
    with store.session() as session:
        return store, create_demo(session, file_review=False)


def _log(store, action: str) -> list[ChangeLog]:
    with store.session() as session:
        return list(session.exec(
            select(ChangeLog).where(ChangeLog.entity == "case_file", ChangeLog.action == action)
            .order_by(col(ChangeLog.seq))
        ).all())


def test_list_in_population_order(review) -> None:
    store, review_id = review
    with store.session() as session:
        rows = list_case_files(session, review_id)
    assert len(rows) == 44
    assert [row.position for row in rows] == sorted(row.position for row in rows)
    assert all(row.reference and row.attributes for row in rows)


def test_add_update_remove_are_logged(review) -> None:
    store, review_id = review
    with store.session() as session:
        added = add_case_file(session, review_id, "  FH-9001 ", {"placeringsform": "jourhem"})
    assert added.reference == "FH-9001"
    with store.session() as session:
        rows = list_case_files(session, review_id)
        assert rows[-1] == added and len(rows) == 45
        changed = update_case_file(session, review_id, added.id, "FH-9002",
                                   {"placeringsform": "familjehem", "lagrum": "LVU"})
    assert changed.reference == "FH-9002" and changed.attributes["lagrum"] == "LVU"
    with store.session() as session:
        assert list_case_files(session, review_id)[-1] == changed
        remove_case_file(session, review_id, added.id)
    with store.session() as session:
        references = [row.reference for row in list_case_files(session, review_id)]
    assert "FH-9002" not in references and len(references) == 44
    assert len(_log(store, "create")) == 1
    [update] = _log(store, "update")
    assert '"FH-9001"' in update.changes_json and '"FH-9002"' in update.changes_json
    assert len(_log(store, "delete")) == 1


def test_unchanged_update_writes_no_log(review) -> None:
    store, review_id = review
    with store.session() as session:
        row = list_case_files(session, review_id)[0]
        update_case_file(session, review_id, row.id, row.reference, row.attributes)
    assert _log(store, "update") == []


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("   ", "Referensen saknas"),
        ("__taken__", "finns redan"),
        ("__pnr__", "Referensen ser ut som ett personnummer. Använd verksamhetens aktnummer"),
        ("akt __pnr__", "Referensen innehåller ett personnummer"),
    ],
)
def test_bad_reference_is_refused_and_nothing_written(review, reference, message) -> None:
    store, review_id = review
    with store.session() as session:
        rows = list_case_files(session, review_id)
    reference = reference.replace("__taken__", rows[1].reference)
    reference = reference.replace("__pnr__", _test_personnummer())
    with store.session() as session, pytest.raises(InvalidInput, match=message):
        add_case_file(session, review_id, reference, {})
    with store.session() as session, pytest.raises(InvalidInput, match=message):
        update_case_file(session, review_id, rows[0].id, reference, rows[0].attributes)
    with store.session() as session:
        assert list_case_files(session, review_id) == rows
    assert _log(store, "create") == [] and _log(store, "update") == []


def test_personnummer_in_an_attribute_is_refused(review) -> None:
    store, review_id = review
    with store.session() as session, pytest.raises(InvalidInput, match="sparar inga"):
        add_case_file(session, review_id, "FH-9001", {"anteckning": _test_personnummer()})
    with store.session() as session, pytest.raises(InvalidInput, match="saknar namn"):
        add_case_file(session, review_id, "FH-9001", {" ": "x"})
    with store.session() as session:
        assert len(list_case_files(session, review_id)) == 44


def test_keeping_own_reference_is_allowed(review) -> None:
    store, review_id = review
    with store.session() as session:
        row = list_case_files(session, review_id)[0]
        changed = update_case_file(session, review_id, row.id, row.reference, {"x": "y"})
    assert changed.attributes == {"x": "y"}


def test_everything_refused_after_the_sample_is_drawn(review) -> None:
    store, review_id = review
    with store.session() as session:
        draw_sample(session, review_id, method="simple", size=5, seed="1")
        rows = list_case_files(session, review_id)
    for call in (
        lambda s: add_case_file(s, review_id, "FH-9001", {}),
        lambda s: update_case_file(s, review_id, rows[0].id, "FH-9001", {}),
        lambda s: remove_case_file(s, review_id, rows[0].id),
    ):
        with store.session() as session, pytest.raises(InvalidInput, match="redan draget"):
            call(session)
    with store.session() as session:
        assert list_case_files(session, review_id) == rows


def test_signed_review_is_locked(review) -> None:
    store, review_id = review
    with store.session() as session:
        sign_review(session, review_id)
        first = list_case_files(session, review_id)[0]
    with store.session() as session, pytest.raises(InvalidInput, match="signerad"):
        remove_case_file(session, review_id, first.id)


def test_unknown_case_file_or_review(review) -> None:
    store, review_id = review
    with store.session() as session, pytest.raises(NotFound):
        remove_case_file(session, review_id, "no-such-id")
    with store.session() as session, pytest.raises(NotFound):
        add_case_file(session, "no-such-review", "FH-1", {})
    with store.session() as session:
        other = create_demo(session, file_review=False)
        foreign = list_case_files(session, other)[0]
    with store.session() as session, pytest.raises(NotFound):
        update_case_file(session, review_id, foreign.id, "FH-1", {})


def test_preview_csv_and_xlsx(tmp_path: Path) -> None:
    csv_path = tmp_path / "akter.csv"
    csv_path.write_bytes("Aktnr;Placering\nA-1;jourhem\nA-2;släktinghem\n".encode("cp1252"))
    preview = preview_file(csv_path)
    assert preview.table.headers == ("Aktnr", "Placering")
    assert preview.table.encoding == "Windows-1252" and preview.sheets == ()
    book = Workbook()
    book.active.title = "Försättsblad"
    book.active.append(["Bara text"])
    sheet = book.create_sheet("Akter")
    sheet.append(["Aktnr", "Lagrum"])
    sheet.append(["B-1", "SoL"])
    xlsx = tmp_path / "akter.xlsx"
    book.save(xlsx)
    first = preview_file(xlsx)
    assert first.sheets == ("Försättsblad", "Akter") and first.table.sheet == "Försättsblad"
    chosen = preview_file(xlsx, "Akter")
    assert chosen.table.headers == ("Aktnr", "Lagrum") and chosen.table.rows == (("B-1", "SoL"),)


def test_preview_refuses_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match="finns inte"):
        preview_file(tmp_path / "saknas.csv")


def test_preview_passes_over_an_empty_first_sheet(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Tomt"
    book.create_sheet("Akter").append(["Aktnr"])
    xlsx = tmp_path / "akter.xlsx"
    book.save(xlsx)
    assert preview_file(xlsx).table.sheet == "Akter"
    with pytest.raises(ImportFailure, match="tomt"):
        preview_file(xlsx, "Tomt")
    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"PK\x03\x04 inte en arbetsbok")
    with pytest.raises(ImportFailure, match="kan inte läsas"):
        preview_file(broken)


@pytest.mark.timeout(60)
def test_preview_of_many_sheets_opens_the_workbook_once(tmp_path: Path) -> None:
    """Hundreds of sheets cost one check and one opening of the workbook, not one a sheet:
    read sheet by sheet, 400 empty sheets took half a minute (measured by
    ``bench/refusals.py``)."""
    from tests.hostile_files import many_sheets

    empty = tmp_path / "tomma.xlsx"
    empty.write_bytes(many_sheets(400))
    with pytest.raises(ImportFailure, match="De 20 första av arbetsbokens 400 blad är tomma"):
        preview_file(empty)
    second = tmp_path / "blad.xlsx"
    second.write_bytes(many_sheets(400, list_on=2))
    preview = preview_file(second)
    assert preview.table.sheet == "Blad2" and len(preview.sheets) == 400
    assert preview_file(second, "Blad2").table.rows == preview.table.rows
