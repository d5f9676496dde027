"""Reading case-file lists: the encoding × delimiter × quoting matrix, every defect refused with
its line and field, and Excel workbooks.

Personnummer come only from Skatteverket's test numbers, read at run time.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.styles import Font

from kvtui.domain.casefile_import import (
    EXCEL_ENCODING,
    MAX_SHEETS_SEARCHED,
    MAX_SHOWN,
    ImportFailure,
    ImportProblem,
    ImportProblems,
    Table,
    build_case_files,
    decode,
    first_table,
    parse_delimited,
    parse_xlsx,
    read_case_files,
    shown_value,
)
from kvtui.domain.safe_text import first_unsafe
from tests.testdata import TEST_NUMBERS_DIR

TESTDATA = TEST_NUMBERS_DIR
TODAY = date(2026, 11, 1)
MANGLED_ADVICE = "och siffrorna är förlorade. Exportera igen med kolumnen som text."
PNR_MESSAGE = (
    "Referensen ser ut som ett personnummer. Använd verksamhetens aktnummer eller en "
    "pseudonym i stället."
)

HEADERS = ("Referens", "Placeringsform", "Lagrum", "Åldersgrupp", "Startdatum")
ROWS = (
    ("FV-2019-0107", "familjehem", "SoL", "0–6 år", "2024-03-05"),
    ("FV-2020-0114", "jourhem", "LVU", "13–17 år", "2025-11-30"),
    ("FV-2021-0121", "nätverkshem", "SoL", "7–12 år", ""),
    ("FV-2022-0128", "HVB Östgården", "LVU", "13–17 år", "2026-01-02"),
)
# Values that need quotes: the three delimiters, a quote and a line break.
SPECIAL = (
    ("FV-2024-0142", "jourhem\tkort", "SoL\r\nomprövas", "7–12 år", "2026-03-04"),
    ("FV-2023-0135", "familjehem; förstärkt", 'Vård enligt "LVU", 2 §', "0–6 år", "2026-02-03"),
)


def expected(rows: tuple[tuple[str, ...], ...]) -> list[tuple[str, dict[str, str]]]:
    return [
        (row[0], {h: v.replace("\r\n", "\n") for h, v in zip(HEADERS[1:], row[1:], strict=True)})
        for row in rows
    ]


def to_bytes(
    rows: tuple[tuple[str, ...], ...], *, encoding: str, delimiter: str, quoting: int,
    eol: str, trailing: str = "",
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=eol)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    text = buffer.getvalue() + trailing
    if encoding == "utf-8-bom":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return text.encode(encoding)


def csv_bytes(lines: list[str], *, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def problems_of(data: bytes, id_column: str = "Referens", source: str = "akter.csv",
                **kwargs: object) -> list[ImportProblem]:
    with pytest.raises(ImportFailure) as info:
        read_case_files(data, source, id_column=id_column, today=TODAY, **kwargs)
    found = info.value.problems
    assert found
    return found


def only_problem(data: bytes, **kwargs: object) -> ImportProblem:
    found = problems_of(data, **kwargs)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def digits_only(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def test_numbers(kind: str = "personnummer") -> list[str]:
    path = TESTDATA / ("samordningsnummer.txt" if kind == "samordningsnummer"
                       else "personnummer.txt")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()[::997]]


test_numbers.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


# --- Encodings ------------------------------------------------------------------------------


def test_decode_names_the_encoding_in_swedish() -> None:
    text = "Åldersgrupp;Lagrum\n"
    assert decode(text.encode("utf-8")) == (text, "UTF-8")
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8")) == (text, "UTF-8 med BOM")
    assert decode(text.encode("cp1252")) == (text, "Windows-1252")
    assert decode(text.encode("utf-16")) == (text, "UTF-16")
    assert decode(b"Referens\n") == ("Referens\n", "UTF-8")


def test_undefined_windows_1252_byte_is_refused_with_its_line() -> None:
    data = b"Referens;Lagrum\r\nFV-1;SoL\r\nFV-2;S\x81L\r\n"
    problem = only_problem(data)
    assert problem.line == 3
    assert "varken UTF-8 eller Windows-1252" in problem.message
    assert "0x81" in problem.message


def test_mixed_utf8_and_windows_1252_is_refused() -> None:
    data = "Referens;Åldersgrupp\nFV-1;0–6 år\n".encode() + "FV-2;ö\n".encode("cp1252")
    problem = only_problem(data)
    assert problem.line == 3
    assert "blandade teckenkodningar" in problem.message


# --- The matrix: every way a Swedish export is written gives the same case files ------------

ENCODINGS = ("utf-8", "utf-8-bom", "cp1252")
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-bom": "UTF-8 med BOM", "cp1252": "Windows-1252"}
DELIMITERS = (";", ",", "\t")
QUOTINGS = {"utan": csv.QUOTE_NONE, "minimal": csv.QUOTE_MINIMAL, "alla": csv.QUOTE_ALL}
EOLS = {"LF": "\n", "CRLF": "\r\n"}
TRAILING = {"": "", "tomma": "\n\n\n", "skiljetecken": "SEP", "mellanslag": "   \r\n\r\n"}


@pytest.mark.parametrize(
    ("encoding", "delimiter", "quoting", "eol", "trailing"),
    list(itertools.product(ENCODINGS, DELIMITERS, QUOTINGS, EOLS, TRAILING)),
)
def test_matrix_gives_the_same_case_files(
    encoding: str, delimiter: str, quoting: str, eol: str, trailing: str
) -> None:
    rows = ROWS if quoting == "utan" else ROWS + SPECIAL
    tail = TRAILING[trailing].replace("SEP", (delimiter * 4 + EOLS[eol]) * 2)
    data = to_bytes(rows, encoding=encoding, delimiter=delimiter, quoting=QUOTINGS[quoting],
                    eol=EOLS[eol], trailing=tail)
    result = read_case_files(data, "akter.csv", id_column="Referens", today=TODAY)
    assert result.case_files == expected(rows)
    assert result.encoding == ENCODING_NAMES[encoding]
    assert result.delimiter == delimiter
    assert result.columns == HEADERS[1:]
    assert result.skipped_empty_lines == 0
    # Line numbers: the header is line 1; the row with a line break in a field takes two.
    assert result.line_numbers == ((2, 3, 4, 5) if quoting == "utan" else (2, 3, 4, 5, 6, 8))


def test_summary_says_what_was_read() -> None:
    data = to_bytes(ROWS, encoding="cp1252", delimiter=";", quoting=csv.QUOTE_MINIMAL, eol="\r\n")
    result = read_case_files(data, "akter.csv", id_column="Referens")
    assert result.summary() == "Läste 4 akter från akter.csv (Windows-1252, semikolon)."
    one = read_case_files(b"Referens\nFV-1\n\nFV-2\n", "lista.txt", id_column="Referens")
    assert one.summary() == (
        "Läste 2 akter från lista.txt (UTF-8, en kolumn). 1 tom rad hoppades över."
    )


def test_line_numbers_follow_multi_line_fields_and_blank_lines() -> None:
    data = csv_bytes([
        "Referens;Kommentar",
        'FV-1;"rad ett',
        "rad två",
        'rad tre"',
        "",
        "FV-2;kort",
        ";",
        "FV-3;sist",
        "",
        "",
    ])
    table = parse_delimited(data, "akter.csv")
    assert table.line_numbers == (2, 6, 8)
    assert table.skipped_empty_lines == 2
    assert table.rows[0][1] == "rad ett\r\nrad två\r\nrad tre"
    files = build_case_files(table, "Referens", source="akter.csv")
    assert files[0] == ("FV-1", {"Kommentar": "rad ett\nrad två\nrad tre"})


def test_delimiter_tie_prefers_semicolon() -> None:
    # Both ";" and "," split every line in two; Swedish Excel's ";" wins.
    data = csv_bytes(["Referens;Anm, typ", "FV-1;a, b", "FV-2;c, d"])
    table = parse_delimited(data, "akter.csv")
    assert table.delimiter == ";"
    assert table.headers == ("Referens", "Anm, typ")


def test_comma_file_with_semicolons_in_quoted_values() -> None:
    data = csv_bytes(['Referens,Placeringsform,Kommentar', 'FV-1,familjehem,"a; b; c"',
                      'FV-2,jourhem,"d; e"'])
    table = parse_delimited(data, "akter.csv")
    assert table.delimiter == ","
    assert table.rows[0] == ("FV-1", "familjehem", "a; b; c")


def test_single_column_file() -> None:
    table = parse_delimited(csv_bytes(["Referens", "FV-1", "FV-2"]), "akter.csv")
    assert table.delimiter == ""
    assert table.headers == ("Referens",)
    assert build_case_files(table, "Referens", source="akter.csv") == [("FV-1", {}), ("FV-2", {})]


def test_excel_sep_line_sets_the_delimiter_and_counts_as_a_line() -> None:
    data = csv_bytes(["sep=,", "Referens,Lagrum", "FV-1,SoL"])
    table = parse_delimited(data, "akter.csv")
    assert table.delimiter == ","
    assert table.header_line == 2
    assert table.line_numbers == (3,)


def test_trailing_delimiter_on_every_line_is_not_a_column() -> None:
    data = csv_bytes(["Referens;Lagrum;", "FV-1;SoL;", "FV-2;LVU;"])
    result = read_case_files(data, "akter.csv", id_column="Referens")
    assert result.case_files == [("FV-1", {"Lagrum": "SoL"}), ("FV-2", {"Lagrum": "LVU"})]


def test_values_and_headers_are_stripped_and_id_column_matches_case() -> None:
    data = csv_bytes([" Referens ; Lagrum ", "  FV-1 ;  SoL  "])
    result = read_case_files(data, "akter.csv", id_column="referens")
    assert result.case_files == [("FV-1", {"Lagrum": "SoL"})]
    assert result.id_column == "Referens"


# --- Files that cannot be read at all --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "Filen är tom."),
        (b"\r\n\r\n  \r\n", "Filen är tom."),
        (b"PK\x03\x04rest", "Excel-arbetsbok (.xlsx)"),
        (b"\xd0\xcf\x11\xe0rest", "gamla format (.xls)"),
        (b"Referens\nFV\x001\n", "binära tecken"),
    ],
)
def test_unreadable_files(data: bytes, words: str) -> None:
    with pytest.raises(ImportProblem) as info:
        parse_delimited(data, "akter.csv")
    assert words in str(info.value)
    assert str(info.value).startswith("akter.csv")


def test_unclosed_quote_names_the_line_where_the_field_starts() -> None:
    data = csv_bytes(["Referens;Kommentar", "FV-1;ok", 'FV-2;"aldrig stängd', "FV-3;x"])
    with pytest.raises(ImportProblem) as info:
        parse_delimited(data, "akter.csv")
    assert info.value.line == 3
    assert "stängs aldrig" in info.value.message


def test_text_after_closing_quote_is_refused() -> None:
    data = csv_bytes(["Referens;Kommentar", "FV-1;ok", 'FV-2;"citat"efter', "FV-3;x"])
    with pytest.raises(ImportProblem) as info:
        parse_delimited(data, "akter.csv")
    assert info.value.line == 3
    assert '("")' in info.value.message


def test_header_only_file_has_no_case_files() -> None:
    problem = only_problem(csv_bytes(["Referens;Lagrum", ""]))
    assert problem.message == "Filen har en rubrikrad men inga akter."


# --- Every defect, refused with its line and field -------------------------------------------


def test_problem_str_names_file_line_and_field() -> None:
    problem = ImportProblem("akter.csv", 7, "Referens", "Referensen saknas.")
    assert str(problem) == "akter.csv, rad 7, fält 'Referens': Referensen saknas."
    empty = ImportProblem("akter.csv", None, None, "Filen är tom.")
    assert str(empty) == "akter.csv: Filen är tom."
    assert isinstance(problem, ValueError)
    assert problem.problems == [problem]


def test_unknown_id_column_names_the_headers() -> None:
    problem = only_problem(csv_bytes(["Akt;Placeringsform", "FV-1;familjehem"]))
    assert problem.line == 1
    assert str(problem) == (
        "akter.csv, rad 1: Kolumnen 'Referens' finns inte. Kolumnerna i filen (avgränsade med "
        "semikolon) är: 'Akt', 'Placeringsform'."
    )


def test_duplicate_headers_are_named() -> None:
    problem = only_problem(csv_bytes(["Referens;Lagrum;Åldersgrupp;Lagrum", "FV-1;SoL;0–6 år;LVU"]))
    assert (problem.line, problem.field) == (1, "Lagrum")
    assert "finns två gånger (kolumn 2 och 4)" in problem.message


def test_a_personnummer_quoted_from_the_file_is_shown_masked() -> None:
    """A header or value quoted in a message shows a personnummer as the store would keep it."""
    number = (TESTDATA / "personnummer.txt").read_text().split()[7]
    written = f"{number[2:8]}-{number[8:]}"
    for lines in ([f"Referens;{written};{written}", "FV-1;a;b"],
                  [f"Akt;{written}", "FV-1;a"]):
        text = str(only_problem(csv_bytes(lines)))
        assert written not in text and number[8:] not in text, text
        assert f"{number[2:8]}-XXXX" in text


def test_empty_header_with_data_is_refused() -> None:
    problem = only_problem(csv_bytes(["Referens;;Lagrum", "FV-1;x;SoL"]))
    assert problem.line == 1
    assert problem.message == "Kolumn 2 saknar rubrik."


def test_short_row_names_its_line() -> None:
    problem = only_problem(csv_bytes(["Referens;Lagrum;Åldersgrupp", "FV-1;SoL;0–6 år",
                                      "FV-2;SoL", "FV-3;LVU;7–12 år"]))
    assert problem.line == 3
    assert "Raden har 2 fält men rubrikraden har 3" in problem.message


def test_long_row_names_its_line_but_empty_extra_cells_are_fine() -> None:
    problem = only_problem(csv_bytes(["Referens;Lagrum", "FV-1;SoL;;", "FV-2;SoL;extra",
                                      "FV-3;LVU"]))
    assert problem.line == 3
    assert "Raden har 3 fält men rubrikraden har 2" in problem.message


def test_empty_reference() -> None:
    problem = only_problem(csv_bytes(["Referens;Lagrum", "FV-1;SoL", "  ;LVU"]))
    assert str(problem) == (
        "akter.csv, rad 3, fält 'Referens': Referensen saknas. Varje akt behöver en referens."
    )


def test_duplicate_reference_names_both_lines() -> None:
    problem = only_problem(csv_bytes(["Referens;Lagrum", "FV-1;SoL", "FV-2;SoL", "FV-1;LVU"]))
    assert (problem.line, problem.field) == (4, "Referens")
    assert problem.message == "Referensen FV-1 finns redan på rad 2."


@pytest.mark.parametrize("mangled", ["1,91212E+11", "1.91212E+11", "1,9E+11", "2E+11",
                                     "1,91212e+11", "-1,5E-03"])
@pytest.mark.parametrize("column", ["Referens", "Aktnummer"])
def test_excel_mangled_numbers_are_refused_in_any_field(mangled: str, column: str) -> None:
    lines = ["Referens;Aktnummer;Lagrum", "FV-1;1001;SoL"]
    lines.append(f"{mangled};1002;LVU" if column == "Referens" else f"FV-2;{mangled};LVU")
    problem = only_problem(csv_bytes(lines))
    assert (problem.line, problem.field) == (3, column)
    assert problem.message == (
        f"Excel har gjort om talet till {mangled} och siffrorna är förlorade. Exportera igen "
        "med kolumnen som text."
    )


@pytest.mark.parametrize("text", ["FV-1E+11", "E+11", "1,5", "12E4567", "3 E+2"])
def test_values_that_only_resemble_scientific_notation_are_accepted(text: str) -> None:
    result = read_case_files(csv_bytes(["Referens;Anm", f"FV-1;{text}"]), "a.csv",
                             id_column="Referens")
    assert result.case_files == [("FV-1", {"Anm": text})]


def _written_forms(digits12: str) -> list[str]:
    short = digits12[2:]
    return [digits12, short, f"{short[:6]}-{short[6:]}", f"{digits12[:8]}-{digits12[8:]}",
            f"{short[:6]} {short[6:]}", f"{digits12[:8]} - {digits12[8:]}"]


def test_personnummer_reference_is_refused_in_every_form_without_echoing_it() -> None:
    numbers = [n for n in test_numbers() if n[:4] >= "1930"][:6]
    numbers += test_numbers("samordningsnummer")[-2:]
    assert len(numbers) == 8
    for digits12 in numbers:
        for written in _written_forms(digits12):
            data = csv_bytes(["Referens;Lagrum", "FV-1;SoL", f"{written};LVU"])
            problem = only_problem(data)
            assert (problem.line, problem.field) == (3, "Referens")
            if digits12[6] < "6":
                assert problem.message == PNR_MESSAGE
            else:
                assert "ser ut som ett samordningsnummer" in problem.message
            shown = str(problem)
            assert digits12[2:] not in digits_only(shown)
            assert "XXXX" in shown
            assert problem.value is not None and problem.value.endswith("-XXXX")


def test_old_personnummer_with_plus_and_samordningsnummer_are_refused() -> None:
    old = next(n for n in test_numbers() if n.startswith("190"))
    data = csv_bytes(["Referens", "FV-1", f"{old[2:8]}+{old[8:]}"])
    problem = only_problem(data)
    assert problem.message == PNR_MESSAGE
    assert problem.value == f"{old[2:8]}+XXXX"
    coordination = test_numbers("samordningsnummer")[-1]
    problem = only_problem(csv_bytes(["Referens", coordination]))
    assert problem.message.startswith("Referensen ser ut som ett samordningsnummer.")
    assert coordination[2:] not in digits_only(str(problem))


def test_personnummer_inside_a_reference_or_an_attribute_is_refused() -> None:
    a, b = test_numbers()[-2:]
    data = csv_bytes([
        "Referens;Kommentar",
        f"Akt {a[2:8]}-{a[8:]};SoL",
        f"FV-2;Modern har nr {b}",
    ])
    first, second = problems_of(data)
    assert (first.line, first.field) == (2, "Referens")
    assert first.message.startswith("Referensen innehåller ett personnummer.")
    assert (second.line, second.field) == (3, "Kommentar")
    assert "kvtui sparar inga personnummer" in second.message
    assert a[2:] not in digits_only(str(first))
    assert b[2:] not in digits_only(str(second))


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    data = csv_bytes([
        "Referens;Lagrum;Lagrum;Placering",
        "FV-1;SoL;x;familjehem",
        "FV-2;SoL",                       # short
        "FV-1;SoL;x;jourhem",              # duplicate reference
        ";LVU;x;jourhem",                  # empty reference
        "FV-4;1,91212E+11;x;jourhem",      # Excel-mangled
        "FV-5;SoL;x;jourhem;extra",        # long
    ])
    with pytest.raises(ImportProblems) as info:
        read_case_files(data, "akter.csv", id_column="Referens")
    found = info.value.problems
    assert [(p.line, p.field) for p in found] == [
        (1, "Lagrum"), (3, None), (4, "Referens"), (5, "Referens"), (6, "Lagrum"), (7, None),
    ]
    assert str(info.value) == "\n".join(str(p) for p in found)


def test_many_problems_are_all_kept_and_the_message_is_capped() -> None:
    lines = ["Referens;Lagrum"] + [f";SoL{i}" for i in range(30)]
    with pytest.raises(ImportProblems) as info:
        read_case_files(csv_bytes(lines), "akter.csv", id_column="Referens")
    assert len(info.value.problems) == 30
    text = str(info.value).splitlines()
    assert len(text) == MAX_SHOWN + 1
    assert text[-1] == "… och 10 fel till."


def test_build_case_files_works_on_a_table_directly() -> None:
    table = Table(headers=("Referens", "Lagrum"), rows=(("FV-1", " SoL "),), line_numbers=(2,),
                  encoding="UTF-8", delimiter=";")
    assert build_case_files(table, "Referens", source="x.csv") == [("FV-1", {"Lagrum": "SoL"})]


# --- Excel -----------------------------------------------------------------------------------


def _workbook(tmp_path: Path) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Info"
    ws.append(["Export från verksamhetssystemet", None])
    akter = wb.create_sheet("Akter")
    akter.append(["Referens", "Placeringsform", "Startdatum", "Antal", "Andel", "Tom"])
    akter.append(["FV-2019-0107", "familjehem", datetime(2024, 3, 5), 3, 2.0, None])
    akter.append([1001, "nätverkshem", date(2025, 11, 30), 12.0, 0.25, None])
    akter.append([None, None, None, None, None, None])  # an empty row in the middle
    akter.append(["FV-2021-0121", "HVB Östgården", datetime(2026, 1, 2, 14, 30), None, 1.5])
    for row in range(8, 12):  # formatted but empty rows at the end
        akter.cell(row=row, column=1).font = Font(bold=True)
    path = tmp_path / "akter.xlsx"
    wb.save(path)
    return path.read_bytes()


def test_xlsx_numbers_dates_and_empty_cells(tmp_path: Path) -> None:
    data = _workbook(tmp_path)
    table = parse_xlsx(data, "akter.xlsx", "Akter")
    assert table.headers == ("Referens", "Placeringsform", "Startdatum", "Antal", "Andel", "Tom")
    assert table.line_numbers == (2, 3, 5)
    assert table.skipped_empty_lines == 1
    assert table.encoding == EXCEL_ENCODING
    result = read_case_files(data, "akter.xlsx", id_column="Referens", sheet="Akter")
    assert result.case_files == [
        ("FV-2019-0107", {"Placeringsform": "familjehem", "Startdatum": "2024-03-05",
                          "Antal": "3", "Andel": "2", "Tom": ""}),
        ("1001", {"Placeringsform": "nätverkshem", "Startdatum": "2025-11-30",
                  "Antal": "12", "Andel": "0,25", "Tom": ""}),
        ("FV-2021-0121", {"Placeringsform": "HVB Östgården", "Startdatum": "2026-01-02 14:30",
                          "Antal": "", "Andel": "1,5", "Tom": ""}),
    ]
    assert result.summary() == (
        "Läste 3 akter från akter.xlsx (blad 'Akter'). 1 tom rad hoppades över."
    )


def test_xlsx_first_sheet_by_default_and_sheet_name_case(tmp_path: Path) -> None:
    data = _workbook(tmp_path)
    assert parse_xlsx(data, "akter.xlsx", None).sheet == "Info"
    assert parse_xlsx(data, "akter.xlsx", "akter").sheet == "Akter"
    problem = only_problem(data, source="akter.xlsx", sheet=None)
    assert "Kolumnen 'Referens' finns inte" in problem.message


def test_xlsx_unknown_sheet_names_the_sheets(tmp_path: Path) -> None:
    data = _workbook(tmp_path)
    with pytest.raises(ImportProblem) as info:
        parse_xlsx(data, "akter.xlsx", "Blad1")
    assert str(info.value) == (
        "akter.xlsx: Bladet 'Blad1' finns inte. Bladen i filen är: 'Info', 'Akter'."
    )


def test_xlsx_personnummer_stored_as_a_number_is_refused(tmp_path: Path) -> None:
    digits12 = test_numbers()[-1]
    wb = Workbook()
    ws = wb.active
    ws.append(["Referens", "Lagrum"])
    ws.append(["FV-1", "SoL"])
    ws.append([int(digits12), "LVU"])  # a number cell: Excel shows 1,9…E+11, the file keeps it
    ws.append(["FV-3", None, "överbliven"])  # a value past the last header
    path = tmp_path / "pnr.xlsx"
    wb.save(path)
    found = problems_of(path.read_bytes(), source="pnr.xlsx")
    assert [(p.line, p.field) for p in found] == [(3, "Referens"), (4, None)]
    assert found[0].message == PNR_MESSAGE
    assert digits12[2:] not in digits_only(str(found[0]))
    assert "kolumn 3, som saknar rubrik" in found[1].message


def test_not_a_workbook_and_empty_sheet(tmp_path: Path) -> None:
    with pytest.raises(ImportProblem) as info:
        parse_xlsx(b"Referens;Lagrum\n", "akter.xlsx")
    assert "kan inte läsas som en Excel-arbetsbok" in str(info.value)
    wb = Workbook()
    path = tmp_path / "tom.xlsx"
    wb.save(path)
    with pytest.raises(ImportProblem) as info:
        parse_xlsx(path.read_bytes(), "tom.xlsx")
    assert str(info.value) == "tom.xlsx: Bladet 'Sheet' är tomt."


def test_first_table_passes_over_empty_sheets_only_so_far() -> None:
    """The import dialog's first look: the first sheet with anything on it, among the first
    MAX_SHEETS_SEARCHED; a workbook of empty sheets is refused saying how many were looked at."""
    from tests.hostile_files import many_sheets

    table = first_table(many_sheets(5, list_on=3), "akter.xlsx")
    assert table.sheet == "Blad3" and len(table.rows) == 12
    assert table.sheets == ("Blad1", "Blad2", "Blad3", "Blad4", "Blad5")
    assert first_table(many_sheets(1, list_on=1), "akter.xlsx").sheet == "Blad1"
    imported = read_case_files(many_sheets(5, list_on=3), "akter.xlsx", id_column="Referens")
    assert imported.sheet == "Blad3" and imported.count == 12  # the command line's way
    last = MAX_SHEETS_SEARCHED
    assert first_table(many_sheets(last, list_on=last), "akter.xlsx").sheet == f"Blad{last}"
    with pytest.raises(ImportProblem) as info:
        first_table(many_sheets(last + 1, list_on=last + 1), "akter.xlsx")
    assert str(info.value) == (
        f"akter.xlsx: De {last} första av arbetsbokens {last + 1} blad är tomma. Flytta listan "
        "med akter till det första bladet och försök igen."
    )
    with pytest.raises(ImportProblem) as info:
        first_table(many_sheets(3), "akter.xlsx")
    assert str(info.value) == "akter.xlsx: Arbetsbokens 3 blad är alla tomma."
    with pytest.raises(ImportProblem) as info:
        first_table(many_sheets(1), "akter.xlsx")
    assert str(info.value) == "akter.xlsx: Bladet 'Blad1' är tomt."


def test_first_table_names_the_problem_of_a_sheet_with_content() -> None:
    """An empty cover sheet, then a list with a control character and nothing after it: the
    control character is the problem shown, not the empty cover sheet."""
    from tests.hostile_files import HEADER, build_xlsx, good_sheet, inline_row, sheet_xml

    bad = sheet_xml([inline_row(1, HEADER), inline_row(2, ("FV-1", "jour\u009bhem", "SoL"))])
    data = build_xlsx(sheet_xml([]), sheet_name="Omslag", more_sheets=[("Akter", bad)])
    with pytest.raises(ImportProblems) as info:
        first_table(data, "akter.xlsx")
    assert str(info.value) == (
        "akter.xlsx, rad 2, fält 'Placeringsform': Fältet innehåller styrtecknet \\x9b, som "
        "inte hör hemma i en lista med akter och inte kan visas. Ta bort tecknet ur filen och "
        "försök igen."
    )
    # A good sheet after it is not taken in its place: the auditor is told what is wrong.
    also = build_xlsx(sheet_xml([]), sheet_name="Omslag",
                      more_sheets=[("Akter", bad), ("Kopia", good_sheet())])
    with pytest.raises(ImportProblems, match="styrtecknet"):
        first_table(also, "akter.xlsx")


def test_first_table_names_a_broken_limit_rather_than_reading_the_next_sheet() -> None:
    """A list one column too wide, then a sheet of instructions: the width is the problem, not
    a missing reference column in the instructions."""
    from kvtui.domain.import_limits import MAX_COLUMNS
    from tests.hostile_files import build_xlsx, inline_row, sheet_xml

    wide = sheet_xml([inline_row(1, [f"Kolumn {i}" for i in range(MAX_COLUMNS + 1)]),
                      inline_row(2, ["FV-1"] * (MAX_COLUMNS + 1))])
    help_sheet = sheet_xml([inline_row(1, ("Så här fyller du i listan",))])
    data = build_xlsx(wide, sheet_name="Akter", more_sheets=[("Instruktioner", help_sheet)])
    with pytest.raises(ImportProblem, match="kolumner"):
        first_table(data, "akter.xlsx")
    with pytest.raises(ImportFailure, match="kolumner"):
        read_case_files(data, "akter.xlsx", id_column="Kolumn 0")
    with pytest.raises(ImportProblem, match="kan inte läsas som en Excel-arbetsbok"):
        first_table(b"Referens;Lagrum\n", "akter.xlsx")


def test_xlsx_with_a_wrong_size_record_is_read_in_full(tmp_path: Path) -> None:
    """Some case systems write <dimension ref="A1" /> whatever the sheet holds; openpyxl's
    read-only mode would then see one cell. kvtui reads what is there."""
    import zipfile

    wb = Workbook()
    ws = wb.active
    ws.title = "Akter"
    ws.append(["Referens", "Lagrum"])
    for i in range(1, 6):
        ws.append([f"FV-{i}", "SoL"])
    good = tmp_path / "bra.xlsx"
    wb.save(good)
    bad = tmp_path / "fel.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes the element with or without a space before "/>".
                content, found = re.subn(rb'<dimension ref="A1:B6"\s*/>',
                                         b'<dimension ref="A1" />', content)
                assert found == 1
            target.writestr(item, content)
    result = read_case_files(bad.read_bytes(), "fel.xlsx", id_column="Referens")
    assert [r for r, _ in result.case_files] == [f"FV-{i}" for i in range(1, 6)]


# Any text a value may hold: every character but surrogates and those kvtui refuses
# (kvtui.domain.safe_text), which have their own test below.
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
).filter(lambda text: first_unsafe(text) < 0)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(_TEXT, _TEXT, _TEXT), min_size=1, max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
    eol=st.sampled_from(["\n", "\r\n"]),
)
def test_any_text_survives_a_csv_round_trip(
    rows: list[tuple[str, str, str]], encoding: str, eol: str
) -> None:
    buffer = io.StringIO(newline="")
    # csv.writer quotes a lone "\r" only when it is part of the line terminator.
    quoting = csv.QUOTE_MINIMAL if eol == "\r\n" else csv.QUOTE_ALL
    writer = csv.writer(buffer, delimiter=";", lineterminator=eol, quoting=quoting)
    writer.writerow(["Referens", "Lagrum", "Anm"])
    writer.writerows(rows)
    table = parse_delimited(buffer.getvalue().encode(encoding), "akter.csv")
    kept = [row for row in rows if any(value.strip() for value in row)]
    assert table.delimiter == ";"
    assert table.headers == ("Referens", "Lagrum", "Anm")
    assert [row[:3] for row in table.rows] == kept


def test_quote_problem_in_a_comma_file_is_reported_not_misread() -> None:
    data = csv_bytes(["Referens,Lagrum,Kommentar", "FV-1,SoL,ok", 'FV-2,LVU,"aldrig stängd',
                      "FV-3,SoL,x"])
    with pytest.raises(ImportProblem) as info:
        parse_delimited(data, "akter.csv")
    assert info.value.line == 3
    assert "stängs aldrig" in info.value.message


def _forms_in_a_file(twelve: str) -> list[str]:
    """A test number as a file may hold it: twelve digits, ÅÅMMDD-NNNN, ÅÅMMDD with spaces
    before NNNN (only the generous whole-value reading finds that), and inside a sentence."""
    short = twelve[2:]
    return [twelve, f"{short[:6]}-{short[6:]}", f"{short[:6]}   {short[6:]}",
            f"Bor hos {short[:6]}-{short[6:]} sedan maj"]


@pytest.mark.parametrize("kind", ["personnummer", "samordningsnummer"])
def test_a_shown_value_masks_as_the_error_list_does(kind: str) -> None:
    twelve = (TESTDATA / f"{kind}.txt").read_text(encoding="utf-8").split()[31]
    for value in _forms_in_a_file(twelve):
        table = parse_delimited(f"Referens;Anteckning\nFV-1;{value}\n".encode(), "akter.csv")
        with pytest.raises(ImportProblems) as info:
            build_case_files(table, "Referens", source="akter.csv", today=TODAY)
        [problem] = info.value.problems
        shown = shown_value(value, today=TODAY)
        assert problem.value is not None and problem.value in shown, (value, shown)
        assert problem.value.endswith("-XXXX")
        assert twelve[2:] not in digits_only(shown)
        assert str(problem).count("XXXX") == 1


def test_a_shown_value_keeps_other_text_and_escapes_control_characters() -> None:
    assert shown_value("FV-2024-0142") == "FV-2024-0142"
    assert shown_value("2024/0147 070-1234567") == "2024/0147 070-1234567"
    assert shown_value("jourhem\x1b[2J") == "jourhem\\x1b[2J"
