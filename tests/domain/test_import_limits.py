"""A case-file list is bounded before it is read in full, and no value may hold a character
that would act on a terminal: both for CSV and for Excel, each refusal in Swedish, naming the
file, the line and the field."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvtui.domain import import_limits
from kvtui.domain.casefile_import import (
    ImportFailure,
    ImportProblem,
    ImportProblems,
    parse_delimited,
    parse_xlsx,
    read_case_files,
)
from kvtui.domain.import_limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    thousands,
)
from kvtui.domain.safe_text import escape_char
from tests.hostile_files import HEADER, build_xlsx, inline_row, sheet_xml

UNSAFE = st.sampled_from(
    [chr(code) for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F,
                                                                                       0xA0))]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029", "\u202a", "\u202e", "\u2066",
       "\u2069"]
)
SAFE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters=';"'),
               max_size=8)


def csv_bytes(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def problem_of(error: ImportFailure) -> ImportProblem:
    assert len(error.problems) == 1, error.problems
    return error.problems[0]


# --- Sizes -------------------------------------------------------------------------------------


def test_numbers_are_written_the_swedish_way() -> None:
    assert thousands(100_000) == "100\u00a0000"
    assert thousands(999) == "999"


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded() -> None:
    data = b"Referens\r\n" + b"x" * MAX_FILE_BYTES
    for parse in (parse_delimited, parse_xlsx):
        with pytest.raises(ImportProblem) as info:
            parse(data, "stor.csv")
        assert str(info.value).startswith("stor.csv: Filen är 20 MB; kvtui läser högst 20 MB")


def test_rows_past_the_limit_are_refused_with_the_count() -> None:
    lines = ["Referens", *(f"FV-{n}" for n in range(MAX_ROWS + 1))]
    with pytest.raises(ImportProblem) as info:
        parse_delimited(csv_bytes(lines), "akter.csv")
    assert info.value.message.startswith(
        f"Filen har {thousands(MAX_ROWS + 1)} rader under rubrikraden; kvtui läser högst "
        f"{thousands(MAX_ROWS)} akter ur en fil. Dela upp listan")


def test_the_row_limit_itself_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    import kvtui.domain.casefile_import as casefile_import

    monkeypatch.setattr(import_limits, "MAX_ROWS", 50)
    monkeypatch.setattr(casefile_import, "MAX_ROWS", 50)
    lines = ["Referens", *(f"FV-{n}" for n in range(50))]
    assert len(parse_delimited(csv_bytes(lines), "akter.csv").rows) == 50
    with pytest.raises(ImportProblem):
        parse_delimited(csv_bytes([*lines, "FV-50"]), "akter.csv")


def test_endless_blank_lines_stop_the_reading() -> None:
    data = b"Referens\r\n" + b"\r\n" * (2 * MAX_ROWS + 5) + b"FV-1\r\n"
    with pytest.raises(ImportProblem) as info:
        parse_delimited(data, "tomt.csv")
    assert f"fler än {thousands(MAX_ROWS)} rader" in info.value.message


def test_columns_past_the_limit_are_refused_but_trailing_empty_ones_are_not() -> None:
    header = ";".join(f"K{n}" for n in range(MAX_COLUMNS + 1))
    with pytest.raises(ImportProblem) as info:
        parse_delimited(csv_bytes([header, "x"]), "bred.csv")
    assert info.value.line == 1
    assert info.value.message.startswith(f"Filen har {MAX_COLUMNS + 1} kolumner")
    # Excel's CSV writes a used range's empty columns as trailing delimiters.
    trailing = ";" * (3 * MAX_COLUMNS)
    table = parse_delimited(csv_bytes(["Referens;Lagrum" + trailing, "FV-1;SoL" + trailing]),
                            "akter.csv")
    assert table.headers == ("Referens", "Lagrum")


def test_a_value_under_a_dropped_empty_column_is_reported_not_lost() -> None:
    problems = read_problems(csv_bytes(["Referens;Lagrum;", "FV-1;SoL;;x"]))
    assert [p.line for p in problems] == [2]
    assert "Raden har 4 fält men rubrikraden har 2" in problems[0].message


def read_problems(data: bytes) -> list[ImportProblem]:
    with pytest.raises(ImportFailure) as info:
        read_case_files(data, "akter.csv", id_column="Referens")
    return info.value.problems


def test_too_many_fields_in_all_are_refused() -> None:
    columns = 20
    rows = MAX_CELLS // columns + 1
    lines = [";".join(f"K{n}" for n in range(columns))]
    lines += [";".join(["v"] * columns)] * rows
    with pytest.raises(ImportProblem) as info:
        parse_delimited(csv_bytes(lines), "akter.csv")
    assert info.value.message.startswith(
        f"Filen har {thousands((rows + 1) * columns)} fält (rader × kolumner)")


def test_a_line_of_nothing_but_delimiters_is_refused_before_it_is_split() -> None:
    data = b"Referens;" + b";" * (2 * MAX_CELLS) + b"\r\n"
    with pytest.raises(ImportProblem) as info:
        parse_delimited(data, "akter.csv")
    assert f"fler än {thousands(MAX_CELLS)} fält" in info.value.message


@pytest.mark.parametrize("quoted", [False, True])
def test_a_field_longer_than_an_excel_cell_is_named(quoted: bool) -> None:
    value = "x" * (MAX_FIELD_CHARS + 1)
    cell = f'"{value}"' if quoted else value
    with pytest.raises(ImportProblem) as info:
        parse_delimited(csv_bytes(["Referens;Anteckning", f"FV-1;{cell}"]), "akter.csv")
    assert (info.value.line, info.value.field) == (2, "Anteckning")
    assert info.value.message.startswith(
        f"Fältet har {thousands(MAX_FIELD_CHARS + 1)} tecken; ett fält får ha högst "
        f"{thousands(MAX_FIELD_CHARS)} tecken")


def test_a_field_past_the_csv_modules_own_limit_gets_the_same_words() -> None:
    data = csv_bytes(["Referens;Anteckning", 'FV-1;"' + "x" * 200_000 + '"'])
    with pytest.raises(ImportProblem) as info:
        parse_delimited(data, "akter.csv")
    assert info.value.line == 2
    assert "ett fält får ha högst" in info.value.message
    assert "field" not in str(info.value)


def test_an_excel_cell_as_long_as_excel_allows_is_read() -> None:
    value = "x" * MAX_FIELD_CHARS
    data = build_xlsx(sheet_xml([inline_row(1, HEADER), inline_row(2, ("FV-1", value, "SoL"))]))
    assert parse_xlsx(data, "akter.xlsx").rows == (("FV-1", value, "SoL"),)


def test_excel_rows_and_columns_past_the_limits_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import kvtui.domain.casefile_import as casefile_import

    monkeypatch.setattr(casefile_import, "MAX_ROWS", 5)
    monkeypatch.setattr(import_limits, "MAX_ROWS", 5)
    rows = [inline_row(1, HEADER)] + [inline_row(n, (f"FV-{n}", "a", "b")) for n in range(2, 9)]
    with pytest.raises(ImportProblem) as info:
        parse_xlsx(build_xlsx(sheet_xml(rows)), "akter.xlsx")
    assert info.value.message.startswith("Filen har fler än 5 rader under rubrikraden")
    wide = tuple(f"K{n}" for n in range(MAX_COLUMNS + 1))
    with pytest.raises(ImportProblem) as info:
        parse_xlsx(build_xlsx(sheet_xml([inline_row(1, wide)])), "bred.xlsx")
    assert info.value.line == 1
    assert info.value.message.startswith(f"Filen har {MAX_COLUMNS + 1} kolumner;")


def test_blank_excel_rows_cost_nothing_and_are_counted() -> None:
    rows = [inline_row(1, HEADER), inline_row(4, ("FV-1", "a", "b")),
            '<row r="900000"><c r="A900000" s="1"/></row>']
    table = parse_xlsx(build_xlsx(sheet_xml(rows)), "akter.xlsx")
    assert (table.rows, table.line_numbers, table.skipped_empty_lines) == (
        (("FV-1", "a", "b"),), (4,), 2)


# --- Characters that must not reach a terminal -----------------------------------------------


@settings(max_examples=60, deadline=None)
@given(before=SAFE, char=UNSAFE, after=SAFE, column=st.integers(0, 2),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_a_control_character_anywhere_is_refused_and_shown_escaped(
    before: str, char: str, after: str, column: int, encoding: str,
) -> None:
    row = ["FV-1", "jourhem", "SoL"]
    row[column] = before + char + after
    data = ("Referens;Placeringsform;Lagrum\r\n" + ";".join(row) + "\r\n").encode(encoding)
    if char == "\x00":
        with pytest.raises(ImportProblem) as nul:
            parse_delimited(data, "akter.csv")
        assert "NUL" in nul.value.message
        return
    with pytest.raises(ImportProblems) as info:
        parse_delimited(data, "akter.csv")
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (2, ("Referens", "Placeringsform", "Lagrum")[column])
    shown = str(info.value)
    assert char not in shown and escape_char(char) in shown


def test_every_field_with_a_control_character_is_listed() -> None:
    data = csv_bytes(["Referens;Lagrum\x1b", "FV-1\x07;SoL", "FV-2;\u202eLoS", "FV-3;SoL"])
    with pytest.raises(ImportProblems) as info:
        parse_delimited(data, "akter.csv")
    assert [str(p) for p in info.value.problems] == [
        "akter.csv, rad 1, fält 'Lagrum\\x1b': Rubriken innehåller styrtecknet \\x1b, som inte "
        "hör hemma i en lista med akter och inte kan visas. Ta bort tecknet ur filen och försök "
        "igen.",
        "akter.csv, rad 2, fält 'Referens': Fältet innehåller styrtecknet \\x07, som inte hör "
        "hemma i en lista med akter och inte kan visas. Ta bort tecknet ur filen och försök igen.",
        "akter.csv, rad 3, fält 'Lagrum\\x1b': Fältet innehåller riktningstecknet \\u202e, som "
        "inte hör hemma i en lista med akter och inte kan visas. Ta bort tecknet ur filen och "
        "försök igen.",
    ]


def test_a_control_character_that_strip_would_remove_is_still_refused() -> None:
    # Python counts \x1c–\x1f and \x85 as white space: stripping would hide them.
    for char in ("\x1c", "\x1f", "\x85"):
        with pytest.raises(ImportProblems):
            parse_delimited(csv_bytes(["Referens", f"FV-1{char}"]), "akter.csv")
        with pytest.raises(ImportProblems):
            parse_delimited(csv_bytes([f"{char}Referens", "FV-1"]), "akter.csv")


def test_line_breaks_inside_a_value_stay_allowed() -> None:
    data = csv_bytes(["Referens;Anteckning", 'FV-1;"rad ett\r\nrad två\rrad tre\tflik"'])
    result = read_case_files(data, "akter.csv", id_column="Referens")
    assert result.case_files == [("FV-1", {"Anteckning": "rad ett\nrad två\nrad tre\tflik"})]


def test_excel_values_with_control_characters_are_refused() -> None:
    rows = [inline_row(1, HEADER), inline_row(2, ("FV-1", "jour\u009bhem", "SoL"))]
    with pytest.raises(ImportProblems) as info:
        parse_xlsx(build_xlsx(sheet_xml(rows)), "akter.xlsx")
    assert str(info.value).startswith(
        "akter.xlsx, rad 2, fält 'Placeringsform': Fältet innehåller styrtecknet \\x9b")


def test_file_and_sheet_names_are_shown_escaped() -> None:
    data = build_xlsx(sheet_name="Akter\u202e")
    result = read_case_files(data, "lista\x1b[2J.xlsx", id_column="Referens")
    assert result.summary() == (
        "Läste 12 akter från lista\\x1b[2J.xlsx (blad 'Akter\\u202e').")
    with pytest.raises(ImportProblem) as info:
        parse_xlsx(data, "lista\x1b.xlsx", sheet="Blad\u2066")
    assert str(info.value) == (
        "lista\\x1b.xlsx: Bladet 'Blad\\u2066' finns inte. Bladen i filen är: 'Akter\\u202e'.")


def test_a_header_named_in_a_refusal_has_its_personnummer_masked() -> None:
    from tests.testdata import PERSONNUMMER_FILE

    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[500]
    header = f"Anteckning {number[2:8]}-{number[8:]}"
    data = csv_bytes([f"Referens;{header}\x1b", "FV-1;x"])
    with pytest.raises(ImportProblems) as info:
        parse_delimited(data, "akter.csv")
    shown = str(info.value)
    assert number[8:] not in shown and f"{number[2:8]}-XXXX" in shown
    long_value = "x" * (MAX_FIELD_CHARS + 1)
    with pytest.raises(ImportProblem) as too_long:
        parse_delimited(csv_bytes([f"Referens;{header}", f"FV-1;{long_value}"]), "akter.csv")
    assert number[8:] not in str(too_long.value)

