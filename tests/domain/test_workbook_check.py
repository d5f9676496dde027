"""The check that runs before openpyxl: what it lets through and what it stops, and that it
stops a hostile workbook before spending memory on it."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import date

import openpyxl.xml
import pytest
from openpyxl import Workbook

from kvtui.domain.workbook_check import (
    MAX_DEPTH,
    MAX_UNIT_NODES,
    WorkbookRefused,
    check_workbook,
)
from tests.hostile_files import (
    DECLARATION,
    HEADER,
    MAIN,
    as_zip64,
    build_xlsx,
    good_sheet,
    good_xlsx,
    inline_row,
    set_declared_size,
    set_entry_count,
    sheet_xml,
    zip_bomb,
)


def refused(data: bytes) -> WorkbookRefused:
    with pytest.raises(WorkbookRefused) as info:
        check_workbook(data)
    return info.value


def test_workbooks_as_excel_and_openpyxl_write_them_pass() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Referens", "Start", "Antal", "Not"])
    sheet.append(["FV-1", date(2024, 3, 5), 2.5, "=A1"])
    sheet.merge_cells("A5:B6")
    sheet.column_dimensions["B"].width = 30
    workbook.create_sheet("Info").append(["Ingen tabell här"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    check_workbook(buffer.getvalue())
    check_workbook(good_xlsx())
    check_workbook(build_xlsx())


def test_openpyxl_parses_with_defusedxml() -> None:
    """openpyxl refuses entities itself when defusedxml is installed (a declared dependency);
    the check refuses them too, so neither depends on the other."""
    assert openpyxl.xml.DEFUSEDXML


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml",
                                  "[Content_Types].xml", "xl/media/bild.png"])
def test_a_document_type_declaration_is_refused_in_any_part(part: str) -> None:
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'
    data = (build_xlsx(extra={part: doctype}) if part.endswith(".png")
            else build_xlsx(replace={part: doctype}))
    assert refused(data).reason == ""


def test_binary_parts_pass_and_malformed_xml_parts_do_not() -> None:
    check_workbook(build_xlsx(extra={"xl/media/bild.png": b"\x89PNG\r\n\x1a\n" + bytes(500)}))
    refused(build_xlsx(extra={"customXml/item1.xml": b"<a><b></a>"}))


def test_a_lying_size_stops_the_reading_at_the_size_declared() -> None:
    """zipfile ends a part at its declared size; the check then finds the checksum wrong, and
    has never held more than a chunk of the 300 MB the part unpacks to."""
    bomb = zip_bomb(300, declared=4096)
    tracemalloc.start()
    try:
        refused(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_declared_sizes_are_judged_before_anything_is_unpacked() -> None:
    tracemalloc.start()
    try:
        reason = refused(zip_bomb(300)).reason
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason.startswith("Uppackad blir den mer än 256 MB")
    assert peak < 2 * 1024 * 1024
    assert "delade texter" in refused(zip_bomb(40, part="xl/sharedStrings.xml")).reason


def test_a_size_declared_larger_than_the_data_only_bounds_it() -> None:
    """Only the data is read (its checksum is right); the declared size is an upper bound."""
    check_workbook(set_declared_size(good_xlsx(), "xl/worksheets/sheet1.xml", 10_000_000))


def test_the_number_of_parts_is_read_from_the_end_record_before_zipfile_reads_them() -> None:
    assert refused(set_entry_count(good_xlsx(), 60_000)).reason.startswith("Den består av")
    check_workbook(as_zip64(good_xlsx()))
    assert refused(as_zip64(good_xlsx(), entries=10**12)).reason.startswith("Den består av")


def test_structure_limits() -> None:
    deep = "<x>" * (MAX_DEPTH + 1) + "</x>" * (MAX_DEPTH + 1)
    refused(build_xlsx(sheet_xml([inline_row(1, HEADER)], after=deep)))
    shallow = "<x>" * (MAX_DEPTH - 3) + "</x>" * (MAX_DEPTH - 3)
    check_workbook(build_xlsx(sheet_xml([inline_row(1, HEADER)], after=shallow)))
    crowded = '<row r="2">' + "<c/>" * MAX_UNIT_NODES + "</row>"
    refused(build_xlsx(sheet_xml([inline_row(1, HEADER), crowded])))


@pytest.mark.parametrize("row", [
    '<row r="0"/>', '<row r="1048577"/>', '<row r="-1"/>', '<row r="1e9"/>', '<row r="٣"/>',
    '<row r="2"><c r="XFE2"/></row>', '<row r="2"><c r="A0"/></row>',
    '<row r="2"><c r="AAAA2"/></row>', '<row r="2"><c r="A1048577"/></row>',
])
def test_rows_and_cells_outside_excels_grid_are_refused(row: str) -> None:
    refused(build_xlsx(sheet_xml([inline_row(1, HEADER), row])))


@pytest.mark.parametrize("row", ['<row r="1048576"/>', '<row r="7.0"/>',
                                 '<row r="2"><c r="XFD2"/></row>'])
def test_the_edges_of_excels_grid_pass(row: str) -> None:
    check_workbook(build_xlsx(sheet_xml([inline_row(1, HEADER), row])))


def test_a_token_longer_than_a_megabyte_is_refused() -> None:
    refused(build_xlsx(sheet_xml([inline_row(1, HEADER), inline_row(2, ("x" * 1_200_000,))])))
    refused(build_xlsx(sheet_xml([inline_row(1, HEADER)], after="<!--" + "x" * 1_200_000
                                 + "-->")))


def test_a_real_workbook_with_a_large_cell_passes() -> None:
    check_workbook(build_xlsx(sheet_xml([inline_row(1, HEADER),
                                         inline_row(2, ("FV-1", "x" * 32_767, "SoL"))])))


def test_content_types_are_required_and_checked_first() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", good_sheet())
    refused(buffer.getvalue())
    broken = (DECLARATION + f'<Types xmlns="{MAIN}"><Default').encode()
    refused(build_xlsx(replace={"[Content_Types].xml": broken}))
