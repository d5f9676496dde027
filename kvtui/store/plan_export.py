"""The action plan as files for the unit's own reporting: CSV (one table) or an .xlsx
workbook (one sheet per table), with the tables of ``kvtui.domain.plan_tables``.

Written as the file review's answers are (``kvtui.store.exports``): CSV for Swedish Excel
(semicolons, UTF-8 with BOM, CRLF), the workbook in memory, every cell by its type, and a text
that a spreadsheet could take for a formula neutralised.
"""

from __future__ import annotations

import io
from datetime import date

from sqlmodel import Session

from kvtui.domain.plan_tables import Table, plan_tables
from kvtui.store.errors import InvalidInput
from kvtui.store.exports import AnswerTable, answers_csv, neutralise, safe_part, safe_sheet_title
from kvtui.store.plan_view import plan_view

#: The tables a CSV file can hold, by the name the user gives.
CSV_TABLES = {"risker": 0, "indikatorer": 1}


def plan_file_name(unit: str, day: date, suffix: str) -> str:
    """"Familjevardsenheten_2026-12-07_atgardsplan.xlsx"."""
    parts = [safe_part(unit.split(",")[0]), day.isoformat(), "atgardsplan"]
    return "_".join(part for part in parts if part) + suffix


def followup_file_name(unit: str, period_key: str, *, draft: bool) -> str:
    """"Barn-och-familjeenheten_2026-T2_uppfoljning.pdf" ("…_utkast.pdf" for a draft)."""
    parts = [safe_part(unit.split(",")[0]), period_key, "uppfoljning",
             "utkast" if draft else ""]
    return "_".join(part for part in parts if part) + ".pdf"


def tables_xlsx(tables: list[Table]) -> bytes:
    """The tables as one workbook, a sheet each, header row bold and frozen."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False,
                                            "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for table in tables:
        sheet = workbook.add_worksheet(safe_sheet_title(table.title))
        for column, name in enumerate(table.columns):
            sheet.write_string(0, column, neutralise(name), bold)
            sheet.set_column(column, column, min(50, max(len(name) + 2, 12)))
        for row_number, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(row_number, column, value, day)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    sheet.write_number(row_number, column, value)
                else:
                    sheet.write_string(row_number, column, neutralise(str(value)), wrap)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def export_plan(session: Session, plan_id: str, kind: str, table: str = "risker") -> bytes:
    """The plan as "csv" (the table named ``table``: risker or indikatorer) or "xlsx" (every
    table) bytes."""
    tables = plan_tables(plan_view(session, plan_id))
    if kind == "xlsx":
        return tables_xlsx(tables)
    if kind != "csv":
        raise InvalidInput(f"Okänt format '{kind}'. Välj csv eller xlsx.")
    if table not in CSV_TABLES:
        raise InvalidInput(f"Okänd tabell '{table}'. Välj " + " eller ".join(CSV_TABLES) + ".")
    chosen = tables[CSV_TABLES[table]]
    return answers_csv(AnswerTable(chosen.columns, chosen.rows))
