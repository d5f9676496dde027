"""Importing case files into a real store: all rows or none."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

import kvtui.store.casefile_import as casefile_import
from kvtui.domain.casefile_import import ImportFailure, ImportProblem, ImportProblems
from kvtui.domain.reviews import ReviewFields
from kvtui.store.casefile_import import import_case_files
from kvtui.store.casefiles import add_case_files
from kvtui.store.changelog import verify_chain
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.models import CaseFile, ChangeLog, Sample
from kvtui.store.reviews import create_review
from kvtui.store.template_library import load_template
from tests.signing import sign_review
from tests.testdata import TEST_NUMBERS_DIR

TESTDATA = TEST_NUMBERS_DIR
TODAY = date(2026, 11, 1)
HEADER = "Referens;Placeringsform;Lagrum;Åldersgrupp"
GOOD = [
    HEADER,
    "FV-2019-0107;familjehem;SoL;0–6 år",
    "FV-2020-0114;jourhem;LVU;13–17 år",
    "FV-2021-0121;nätverkshem;SoL;7–12 år",
]


def write_csv(path: Path, lines: list[str], encoding: str = "cp1252") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def new_review(session: Session) -> str:
    template, text = load_template("familjevard", None)
    return create_review(session, template, text, ReviewFields(title="Importtest"))


def count(session: Session, review_id: str) -> int:
    return session.exec(
        select(func.count()).select_from(CaseFile).where(CaseFile.review_id == review_id)
    ).one()


def log_entries(session: Session) -> int:
    return session.exec(select(func.count()).select_from(ChangeLog)).one()


def test_good_csv_writes_every_row(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "akter.csv", GOOD)
    with store.session() as session:
        review_id = new_review(session)
        result = import_case_files(session, review_id, path, id_column="Referens", today=TODAY)
        assert result.summary() == "Läste 3 akter från akter.csv (Windows-1252, semikolon)."
    with store.session() as session:
        rows = session.exec(
            select(CaseFile).where(CaseFile.review_id == review_id).order_by(CaseFile.position)
        ).all()
        assert [r.reference for r in rows] == ["FV-2019-0107", "FV-2020-0114", "FV-2021-0121"]
        assert json.loads(rows[1].attributes_json) == {
            "Placeringsform": "jourhem", "Lagrum": "LVU", "Åldersgrupp": "13–17 år"
        }
        assert verify_chain(session).ok


def test_good_xlsx_writes_every_row(store: Store, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Akter"
    ws.append(["Referens", "Startdatum", "Antal"])
    ws.append(["FV-1", date(2024, 3, 5), 2.0])
    ws.append([1002, None, 3])
    path = tmp_path / "Akter.XLSX"
    wb.save(path)
    with store.session() as session:
        review_id = new_review(session)
        result = import_case_files(session, review_id, path, id_column="Referens", sheet="Akter")
        assert result.count == 2
    with store.session() as session:
        rows = session.exec(select(CaseFile).order_by(CaseFile.position)).all()
        assert [(r.reference, json.loads(r.attributes_json)) for r in rows] == [
            ("FV-1", {"Startdatum": "2024-03-05", "Antal": "2"}),
            ("1002", {"Startdatum": "", "Antal": "3"}),
        ]


def test_second_import_appends(store: Store, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", GOOD)
    second = write_csv(tmp_path / "b.csv", [HEADER, "FV-2022-0128;familjehem;SoL;0–6 år"])
    with store.session() as session:
        review_id = new_review(session)
        import_case_files(session, review_id, first, id_column="Referens")
        import_case_files(session, review_id, second, id_column="Referens")
        assert count(session, review_id) == 4
        positions = session.exec(
            select(CaseFile.position).where(CaseFile.review_id == review_id)
        ).all()
        assert sorted(positions) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "bad_line",
    [
        "FV-2019-0107;jourhem;LVU;7–12 år",       # duplicate reference in the file
        "FV-9;1,91212E+11;SoL;0–6 år",            # Excel-mangled
        ";familjehem;SoL;0–6 år",                 # empty reference
        "FV-9;familjehem;SoL",                    # short row
        "FV-9;familjehem;SoL;0–6 år;extra",       # long row
    ],
)
def test_bad_file_writes_nothing(store: Store, tmp_path: Path, bad_line: str) -> None:
    path = write_csv(tmp_path / "akter.csv", [*GOOD, bad_line, "FV-2030-0001;jourhem;SoL;0–6 år"])
    with store.session() as session:
        review_id = new_review(session)
        before = log_entries(session)
        with pytest.raises(ImportProblems) as info:
            import_case_files(session, review_id, path, id_column="Referens")
        assert [p.line for p in info.value.problems] == [5]
        session.commit()  # a later commit on the same session must not write anything either
    with store.session() as session:
        assert count(session, review_id) == 0
        assert log_entries(session) == before


def test_personnummer_reference_is_refused(store: Store, tmp_path: Path) -> None:
    source = TESTDATA / "personnummer.txt"
    digits12 = source.read_text(encoding="utf-8").split()[-1]
    written = f"{digits12[2:8]}-{digits12[8:]}"
    path = write_csv(tmp_path / "akter.csv", [*GOOD, f"{written};familjehem;SoL;0–6 år"])
    with store.session() as session:
        review_id = new_review(session)
        with pytest.raises(ImportProblems) as info:
            import_case_files(session, review_id, path, id_column="Referens", today=TODAY)
        (problem,) = info.value.problems
        assert (problem.line, problem.field) == (5, "Referens")
        assert "ser ut som ett personnummer" in problem.message
        assert digits12[2:] not in "".join(c for c in str(info.value) if c.isdigit())
        assert count(session, review_id) == 0


def test_reference_already_in_the_review_is_refused_with_its_line(
    store: Store, tmp_path: Path
) -> None:
    with store.session() as session:
        review_id = new_review(session)
        add_case_files(session, review_id, [("FV-2020-0114", {})])
        path = write_csv(tmp_path / "akter.csv", GOOD)
        with pytest.raises(ImportProblems) as info:
            import_case_files(session, review_id, path, id_column="Referens")
        assert [str(p) for p in info.value.problems] == [
            "akter.csv, rad 3, fält 'Referens': Akten FV-2020-0114 finns redan i granskningen."
        ]
        session.commit()
    with store.session() as session:
        assert count(session, review_id) == 1


def test_add_case_files_refusal_leaves_nothing_behind(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If add_case_files itself refuses a row (here: the import's own check is bypassed), the
    rows it had already added to the session are rolled back, not committed later."""
    with store.session() as session:
        review_id = new_review(session)
        add_case_files(session, review_id, [("FV-2021-0121", {})])

    path = write_csv(tmp_path / "akter.csv", GOOD)
    monkeypatch.setattr(casefile_import, "_existing_references", lambda *_: set())
    with store.session() as session:
        with pytest.raises(InvalidInput, match="FV-2021-0121 finns redan"):
            import_case_files(session, review_id, path, id_column="Referens")
        assert not session.new
        session.commit()
    with store.session() as session:
        assert list(session.exec(select(CaseFile.reference)).all()) == ["FV-2021-0121"]


def test_drawn_sample_refuses_import(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "akter.csv", GOOD)
    with store.session() as session:
        review_id = new_review(session)
        session.add(Sample(review_id=review_id, method="simple", seed="1", population_size=0))
        session.commit()
        with pytest.raises(InvalidInput) as info:
            import_case_files(session, review_id, path, id_column="Referens")
        assert str(info.value) == "Urvalet är redan draget; akter kan inte läggas till."
        assert count(session, review_id) == 0


def test_signed_review_refuses_import(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "akter.csv", GOOD)
    with store.session() as session:
        review_id = new_review(session)
        sign_review(session, review_id)
        with pytest.raises(InvalidInput, match="signerad"):
            import_case_files(session, review_id, path, id_column="Referens")


def test_unknown_review(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "akter.csv", GOOD)
    with store.session() as session, pytest.raises(NotFound):
        import_case_files(session, "finns-inte", path, id_column="Referens")


def test_missing_file_and_directory(store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        review_id = new_review(session)
        with pytest.raises(ImportProblem) as info:
            import_case_files(session, review_id, tmp_path / "saknas.csv", id_column="Referens")
        assert str(info.value) == f"Filen {tmp_path / 'saknas.csv'} finns inte."
        with pytest.raises(ImportProblem) as info:
            import_case_files(session, review_id, tmp_path, id_column="Referens")
        assert str(info.value) == f"{tmp_path} är en mapp, inte en fil."
        assert count(session, review_id) == 0


def test_failures_are_value_errors_with_problems(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "akter.csv", ["Akt;Lagrum", "FV-1;SoL"])
    with store.session() as session:
        review_id = new_review(session)
        with pytest.raises(ValueError) as info:
            import_case_files(session, review_id, path, id_column="Referens")
        assert isinstance(info.value, ImportFailure)
        assert "Kolumnen 'Referens' finns inte" in str(info.value)


def test_a_file_over_the_size_limit_is_refused_without_being_read(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "stor.csv"
    with path.open("wb") as handle:
        handle.write(("\r\n".join(GOOD) + "\r\n").encode("cp1252"))
        handle.truncate(3 * 1024**3)  # 3 GB, a sparse hole: nothing is written to disk
    with store.session() as session:
        review_id = new_review(session)
        with pytest.raises(ImportProblem) as info:
            import_case_files(session, review_id, path, id_column="Referens", today=TODAY)
        assert str(info.value).startswith(
            "stor.csv: Filen är 3\u00a0072 MB; kvtui läser högst 20 MB i en lista med akter.")
        assert count(session, review_id) == 0


def test_a_named_pipe_is_not_read(store: Store, tmp_path: Path) -> None:
    import os

    path = tmp_path / "ror.csv"
    os.mkfifo(path)
    with store.session() as session:
        review_id = new_review(session)
        with pytest.raises(ImportProblem, match="är ingen vanlig fil"):
            import_case_files(session, review_id, path, id_column="Referens", today=TODAY)


@pytest.mark.parametrize("typed", ["akter\x00.csv", "akter\ud800.csv"])
def test_a_path_no_file_can_have_is_refused_in_swedish(
    store: Store, tmp_path: Path, typed: str
) -> None:
    """A pasted path with a NUL or a lone surrogate in it cannot name a file; the system
    says so in English (ValueError: embedded null byte)."""
    with store.session() as session:
        review_id = new_review(session)
        with pytest.raises(ImportProblem) as info:
            import_case_files(session, review_id, tmp_path / typed, id_column="Referens")
        assert "Sökvägen innehåller tecken som inte kan finnas i ett filnamn." in str(info.value)
        assert "\x00" not in str(info.value)
        assert count(session, review_id) == 0
