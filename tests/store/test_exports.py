"""Export files: safe names, never overwritten, private; the answers as CSV and .xlsx."""

from __future__ import annotations

import csv
import io
import stat
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kvtui.store.answers import review_criteria, set_comment
from kvtui.store.database import Store, open_store
from kvtui.store.demo import create_demo
from kvtui.store.errors import InvalidInput
from kvtui.store.exports import (
    ExportExists,
    answer_table,
    answers_csv,
    answers_xlsx,
    data_file_name,
    export_answers,
    free_path,
    neutralise,
    report_file_name,
    safe_part,
    target_path,
    write_export,
    write_new_file,
)
from kvtui.store.sampling import current_sample
from tests.report.demo_file import demo_copy, demo_file

DAY = date(2026, 11, 23)


def test_report_names_are_safe_and_tell_what_they_are() -> None:
    assert report_file_name("SN 2026/0147", "Familjevårdsenheten", DAY, draft=True) == (
        "SN-2026-0147_Familjevardsenheten_2026-11-23_utkast.pdf")
    assert report_file_name("SN 2026/0147", "Familjevårdsenheten, IFO", DAY, draft=False,
                            version=2) == (
        "SN-2026-0147_Familjevardsenheten_2026-11-23_v2_slutlig.pdf")
    assert report_file_name("", "", DAY, draft=True) == "2026-11-23_utkast.pdf"
    assert safe_part("Ängö/Öst: ../../etc \\ <>|*?") == "Ango-Ost-etc"
    assert safe_part("x" * 100) == "x" * 40
    assert data_file_name("SN 1", "Enhet Å", DAY, ".csv") == (
        "SN-1_Enhet-A_2026-11-23_aktgranskning.csv")


def test_never_overwrite(tmp_path: Path) -> None:
    name = "rapport.pdf"
    first = write_export(None, tmp_path, name, b"one")
    second = write_export(None, tmp_path, name, b"two")
    third = write_export(None, tmp_path, name, b"three")
    assert [p.name for p in (first, second, third)] == ["rapport.pdf", "rapport-2.pdf",
                                                      "rapport-3.pdf"]
    assert first.read_bytes() == b"one"
    assert free_path(tmp_path, name).name == "rapport-4.pdf"
    with pytest.raises(ExportExists, match=r"finns redan.*skriver aldrig över"):
        write_export(str(first), tmp_path, name, b"x")
    with pytest.raises(ExportExists):
        write_new_file(first, b"x")
    assert first.read_bytes() == b"one"
    chosen = write_export(str(tmp_path / "egen.pdf"), tmp_path / "other", name, b"mine")
    assert chosen == tmp_path / "egen.pdf" and chosen.read_bytes() == b"mine"
    into_folder, chosen_by_user = target_path(str(tmp_path), tmp_path / "other", name)
    assert into_folder == tmp_path / "rapport-4.pdf" and not chosen_by_user


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_export_files_are_private(tmp_path: Path) -> None:
    path = write_new_file(tmp_path / "ny" / "fil.pdf", b"x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_neutralise_formula_cells() -> None:
    for text in ("=SUM(A1)", "+46", "-1", "@x", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Saknas") == "Saknas" and neutralise(3) == 3 and neutralise(None) is None


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the demo store."""
    path, _review_id = demo_copy(tmp_path / "demo")
    opened = open_store(path, backup=False)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def demo(demo_store: Store) -> str:
    review_id = demo_file()[1]
    with demo_store.session() as session:
        sample = current_sample(session, review_id)
        assert sample is not None
        f1 = next(v for v in review_criteria(session, review_id) if v.code == "F1")
        set_comment(session, review_id, sample.active[0].case_file_id, f1.id,
                    '=HYPERLINK("http://x";"klicka") åäö')
    return review_id


def test_answers_as_csv_for_swedish_excel(demo_store: Store, demo: str) -> None:
    with demo_store.session() as session:
        data = export_answers(session, demo, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    assert header[:5] == ["Akt", "Nr i urvalet", "Kriterium", "Fråga", "Svar"]
    assert "Kommentar" in header and "Placeringsform" in header
    assert len(rows) == 1 + 13 * 19
    comment = header.index("Kommentar")
    assert rows[1][comment] == "'=HYPERLINK(\"http://x\";\"klicka\") åäö"
    answers = {row[4] for row in rows[1:]}
    assert answers <= {"Ja", "Delvis", "Nej", "Ej aktuellt"} and "Ej aktuellt" in answers
    assert any(row[5] and row[6] for row in rows[1:])  # deadline criteria carry their dates


def test_answers_as_xlsx(demo_store: Store, demo: str) -> None:
    with demo_store.session() as session:
        data = export_answers(session, demo, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Akt", "Nr i urvalet", "Kriterium")
    assert len(rows) == 1 + 13 * 19
    comment = rows[0].index("Kommentar")
    assert rows[1][comment].startswith("'=HYPERLINK")
    assert isinstance(rows[1][1], int)
    dated = [row for row in rows[1:] if row[5] is not None]
    assert dated and hasattr(dated[0][5], "year")  # dates stay dates


def test_no_sample_no_answers(store: Store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False, judgement=False)
        with pytest.raises(InvalidInput, match="Inget urval"):
            answer_table(session, review_id)
        with pytest.raises(InvalidInput, match="Okänt format"):
            export_answers(session, review_id, "ods")


def test_unanswered_cells_are_blank(store: Store) -> None:
    with store.session() as session:
        review_id = create_demo(session, file_review=False, judgement=False)
        from kvtui.store.sampling import draw_sample

        draw_sample(session, review_id, size=3, seed="1")
        table = answer_table(session, review_id)
    assert len(table.rows) == 3 * 19 and all(row[4] == "" for row in table.rows)
    assert answers_csv(table).count(b"\r\n") == 1 + 3 * 19
    assert answers_xlsx(table)[:2] == b"PK"


def test_a_comment_without_an_answer_is_exported_beside_the_blank_answer(
        demo_store: Store, demo: str) -> None:
    from kvtui.store.answers import restore_answer

    with demo_store.session() as session:
        sample = current_sample(session, demo)
        assert sample is not None
        f1 = next(v for v in review_criteria(session, demo) if v.code == "F1")
        restore_answer(session, demo, sample.active[0].case_file_id, f1.id, None)
        data = export_answers(session, demo, "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    comment = rows[0].index("Kommentar")
    assert rows[1][4] == ""  # unanswered
    assert rows[1][comment] == "'=HYPERLINK(\"http://x\";\"klicka\") åäö"
