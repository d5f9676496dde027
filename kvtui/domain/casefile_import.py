"""Reading a unit's list of case files (akter) from CSV or Excel, all or nothing.

Pure: every function takes the file's bytes and returns rows or raises; reading the file is
the store's business. Swedish Excel's defaults are the normal case: semicolons, Windows-1252 or
UTF-8 with BOM, Excel's own scientific notation for long numbers.

Every problem names the file, line and field in Swedish. ``parse_delimited`` and ``parse_xlsx``
raise ``ImportProblem`` for a file that cannot be read at all, and ``ImportProblems`` for a file
whose values hold characters that must not reach a terminal (``kvtui.domain.safe_text``);
``build_case_files`` checks everything and raises ``ImportProblems`` listing every problem
found. Both are ``ImportFailure`` (a ValueError) and both have ``.problems``. A message never
shows a file's text raw: control characters in it are written as escapes.

A file is bounded before it is read in full (``kvtui.domain.import_limits``): its size, its
rows, columns, fields and the length of a field. A workbook is checked first by
``kvtui.domain.workbook_check``, and anything openpyxl raises on a malformed one ends in the
same message: the file cannot be read as an Excel workbook.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain, islice
from pathlib import PurePath
from typing import TYPE_CHECKING

from kvtui.domain.import_limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    field_too_long,
    file_too_large,
    thousands,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from kvtui.domain.personnummer import IdNumber, find_ids, mask, mask_found, parse_id
from kvtui.domain.safe_text import describe_char, first_unsafe, printable
from kvtui.domain.workbook_check import WorkbookRefused, check_workbook

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

DELIMITERS = (";", "\t", ",")  # in order of preference when more than one fits
DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabb", "": "en kolumn"}
EXCEL_ENCODING = "Excel (.xlsx)"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
MAX_SHOWN = 20  # problems listed in the message; all are kept in ``.problems``
MAX_SHEETS_SEARCHED = 20  # sheets looked at for the first one with a list, when none is named
NOT_A_WORKBOOK = "Filen kan inte läsas som en Excel-arbetsbok (.xlsx)."
_SAVE_AGAIN = "Öppna den i Excel, spara som .xlsx eller CSV och försök igen."
_SNIFF_RECORDS = 50
_SNIFF_CHARS = 1024 * 1024  # the delimiter is chosen from the records in the first megabyte
# Records read from a text before it is refused as too long: the rows allowed and as many
# blank lines again, so that a file of only line breaks is not read to its end.
_MAX_RECORDS = 2 * MAX_ROWS + 1

# Excel's display of a long number, saved as text in CSV: 1,91212E+11, 1.91212E+11, 2E+11.
_EXCEL_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-][0-9]+")
_SEP_LINE = re.compile(r"sep=(.)\r?\n?")
# UTF-8 å ä ö Å Ä Ö é: their presence in a file that is not valid UTF-8 means mixed encodings.
_UTF8_SWEDISH = (b"\xc3\xa5", b"\xc3\xa4", b"\xc3\xb6", b"\xc3\x85", b"\xc3\x84", b"\xc3\x96",
                 b"\xc3\xa9")


class ImportFailure(ValueError):
    """A case-file list that cannot be imported; nothing has been written."""

    @property
    def problems(self) -> list[ImportProblem]:
        raise NotImplementedError


class ImportProblem(ImportFailure):
    """One problem, located as precisely as the file allows.

    ``value`` is shown after the field; for a personnummer it is the masked form, never the
    number itself.
    """

    def __init__(
        self, source: str, line: int | None, field: str | None, message: str,
        value: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.field = field
        self.message = message
        self.value = value
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.source] if self.source else []
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.field is not None:
            where.append(f"fält '{self.field}'" + (f" ({self.value})" if self.value else ""))
        # Headers and values are quoted from the file: a personnummer among them is shown
        # masked, as the store would keep it.
        return printable(mask(f"{', '.join(where)}: {self.message}" if where else self.message))

    def __repr__(self) -> str:
        return f"ImportProblem({str(self)!r})"

    @property
    def problems(self) -> list[ImportProblem]:
        return [self]


class ImportProblems(ImportFailure):
    """Every problem found in a file; ``str()`` lists them (the first ``MAX_SHOWN``)."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self._problems = list(problems)
        super().__init__(str(self))

    @property
    def problems(self) -> list[ImportProblem]:
        return self._problems

    def __str__(self) -> str:
        lines = [str(p) for p in self._problems[:MAX_SHOWN]]
        hidden = len(self._problems) - MAX_SHOWN
        if hidden > 0:
            lines.append(f"… och {hidden} fel till.")
        return "\n".join(lines)


@dataclass(frozen=True)
class Table:
    """A header row and the rows under it, as read; ``line_numbers`` say where each row began.

    Values are as in the file (not stripped); headers are stripped. Fully empty rows are left
    out and counted in ``skipped_empty_lines`` (trailing ones are not counted). ``delimiter``
    is "" for one column and for Excel.
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    line_numbers: tuple[int, ...]
    encoding: str
    delimiter: str
    header_line: int = 1
    skipped_empty_lines: int = 0
    sheet: str | None = None
    padded: bool = False  # Excel: missing cells at the end of a row are empty, not missing
    sheets: tuple[str, ...] = ()  # Excel: every sheet of the workbook, in order


@dataclass(frozen=True)
class ImportResult:
    """The case files read from a file, and what to tell the user about the reading."""

    case_files: list[tuple[str, dict[str, str]]]
    line_numbers: tuple[int, ...]
    source: str
    encoding: str
    delimiter: str
    id_column: str = ""
    columns: tuple[str, ...] = ()
    skipped_empty_lines: int = 0
    sheet: str | None = None

    @property
    def count(self) -> int:
        return len(self.case_files)

    def summary(self) -> str:
        """"Läste 44 akter från akter.csv (Windows-1252, semikolon)." and skipped lines."""
        noun = "akt" if self.count == 1 else "akter"
        if self.encoding == EXCEL_ENCODING:
            how = f"blad '{printable(self.sheet)}'" if self.sheet else "Excel"
        else:
            how = f"{self.encoding}, {DELIMITER_NAMES.get(self.delimiter, self.delimiter)}"
        text = f"Läste {self.count} {noun} från {printable(self.source)} ({how})."
        if self.skipped_empty_lines:
            rows = "tom rad" if self.skipped_empty_lines == 1 else "tomma rader"
            text += f" {self.skipped_empty_lines} {rows} hoppades över."
        return text


# --- Decoding --------------------------------------------------------------------------------


def _line_of_byte(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode(data: bytes, source: str = "") -> tuple[str, str]:
    """The text and the name of its encoding: strict UTF-8 (with or without BOM), else
    Windows-1252. A UTF-16 file (Excel's "Unicode-text") is read by its byte order mark.
    No detector guesses: a file that is neither is refused, naming the line.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise ImportProblem(
                source, None, None, f"Filen är trasig UTF-16 (byte {error.start})."
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    else:
        return text, "UTF-8 med BOM" if data.startswith(codecs.BOM_UTF8) else "UTF-8"
    line = _line_of_byte(data, utf8_error.start)
    if data.startswith(codecs.BOM_UTF8) or any(seq in data for seq in _UTF8_SWEDISH):
        raise ImportProblem(
            source, line, None,
            "Filen är UTF-8 men den här raden har tecken i en annan teckenkodning (blandade "
            "teckenkodningar). Spara filen som CSV UTF-8 och försök igen.",
        )
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise ImportProblem(
            source, _line_of_byte(data, error.start), None,
            f"Filen är varken UTF-8 eller Windows-1252 (byte 0x{data[error.start]:02X}). "
            "Spara den som CSV UTF-8 och försök igen.",
        ) from None


# --- Delimited text --------------------------------------------------------------------------


def _csv_message(error: csv.Error) -> str:
    text = str(error)
    if "unexpected end of data" in text:
        return ('Ett citattecken (") öppnas men stängs aldrig, så resten av filen blir ett '
                "enda fält. Kontrollera citattecknen på raden.")
    if "expected after" in text:
        return ('Efter ett avslutande citattecken (") måste skiljetecknet eller radslut komma. '
                'Ett citattecken inne i ett fält skrivs som två ("").')
    if "field larger than field limit" in text:
        return field_too_long(None)
    return "Raden kan inte läsas som CSV. Kontrollera citattecken och skiljetecken på raden."


def _records(
    text: str, delimiter: str, source: str
) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, fields) for every record, blank lines included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportProblem(source, start, None, _csv_message(error)) from None
        yield start, row


def _blank(fields: Sequence[str]) -> bool:
    # The fields are all whitespace exactly when they are whitespace joined: one C-level
    # strip per record instead of one per field.
    return not "".join(fields).strip()


def _sniff(text: str, source: str) -> str:
    """The delimiter that gives every early record the header's column count (> 1); else the
    one giving the header the most columns; "" when none splits the header.

    Only the first megabyte's whole lines are read, so that a file of one endless line is not
    split three times over.
    """
    if len(text) > _SNIFF_CHARS:
        text = text[: text.rfind("\n", 0, _SNIFF_CHARS) + 1 or _SNIFF_CHARS]
    widths: dict[str, list[int]] = {}
    for delimiter in DELIMITERS:
        counts: list[int] = []
        try:
            for _, row in _records(text, delimiter, source):
                if not _blank(row):
                    counts.append(len(row))
                    if len(counts) >= _SNIFF_RECORDS:
                        break
        except ImportProblem:
            pass  # judged on the records before it; the full read reports the problem
        if counts:
            widths[delimiter] = counts
    for delimiter, counts in widths.items():
        if counts[0] > 1 and all(count == counts[0] for count in counts):
            return delimiter
    best = max(widths.items(), key=lambda item: item[1][0], default=None)
    if best is None or best[1][0] <= 1:
        return ""
    return best[0]


def _drop_blank_trailing_columns(
    headers: list[str], rows: list[list[str]]
) -> tuple[list[str], list[list[str]]]:
    """Remove trailing columns without header or values (every line ending in ";").

    A row keeps what it has past the last kept column unless all of it is blank, so that a
    value with no header is reported rather than dropped.
    """
    width = len(headers)
    while width and not headers[width - 1]:
        width -= 1
    if width == len(headers):
        return headers, rows
    for row in rows:
        for index in range(min(len(row), len(headers)) - 1, width - 1, -1):
            if row[index].strip():
                width = index + 1
                break
    return headers[:width], [
        row[:width] if len(row) > width and _blank(row[width:]) else row for row in rows
    ]


def _check_size(
    headers: Sequence[str], rows: Sequence[Sequence[str]], line_numbers: Sequence[int],
    header_line: int, *, source: str, padded: bool,
) -> None:
    """Refuse a table past the limits of ``kvtui.domain.import_limits``, naming the longest
    field when one is too long."""
    if len(headers) > MAX_COLUMNS:
        raise ImportProblem(source, header_line, None, too_many_columns(len(headers)))
    if len(rows) > MAX_ROWS:
        raise ImportProblem(source, None, None, too_many_rows(len(rows)))
    cells = len(headers) * (len(rows) + 1) if padded else len(headers) + sum(map(len, rows))
    if cells > MAX_CELLS:
        raise ImportProblem(source, None, None, too_many_cells(cells))
    longest = max(map(len, chain(headers, chain.from_iterable(rows))), default=0)
    if longest <= MAX_FIELD_CHARS:
        return
    for line, row in zip((header_line, *line_numbers), (headers, *rows), strict=True):
        for position, value in enumerate(row):
            if len(value) == longest:
                name = mask(headers[position]) if position < len(headers) else ""
                raise ImportProblem(source, line, name or f"kolumn {position + 1}",
                                    field_too_long(longest))


def _refuse_unsafe(records: Sequence[tuple[int, Sequence[str]]], source: str) -> None:
    """ImportProblems naming every header and field that holds a character which must never
    reach a terminal raw (an escape, a C1 control, a bidirectional override ...). A header is
    named with any personnummer in it masked; no value is shown."""
    problems: list[ImportProblem] = []
    header_line, header = records[0]
    names = [mask(value.strip()) or f"kolumn {position}"
             for position, value in enumerate(header, start=1)]
    for line, row in records:
        if first_unsafe("\t".join(row)) < 0:
            continue
        for position, value in enumerate(row):
            index = first_unsafe(value)
            if index < 0:
                continue
            what = "Rubriken" if line == header_line else "Fältet"
            name = names[position] if position < len(names) else f"kolumn {position + 1}"
            problems.append(ImportProblem(
                source, line, name,
                f"{what} innehåller {describe_char(value[index])}, som inte hör hemma i en "
                "lista med akter och inte kan visas. Ta bort tecknet ur filen och försök igen.",
            ))
    if problems:
        raise ImportProblems(problems)


def _table(
    records: Sequence[tuple[int, list[str]]], *, source: str, encoding: str, delimiter: str,
    sheet: str | None = None, padded: bool = False, skipped_empty_lines: int = 0,
    scan: bool = True, sheets: tuple[str, ...] = (),
) -> Table:
    """The table of the records; ``skipped_empty_lines`` counts blank lines the caller left
    out, ``scan`` is False when the caller knows no value holds an unsafe character."""
    blank_lines = [line for line, row in records if _blank(row)]
    kept = ([(line, row) for line, row in records if not _blank(row)] if blank_lines
            else list(records))
    if not kept:
        message = f"Bladet '{sheet}' är tomt." if sheet else "Filen är tom."
        raise ImportProblem(source, None, None, message)
    last_line = kept[-1][0]
    skipped = skipped_empty_lines + sum(1 for line in blank_lines if line < last_line)
    header_line, header = kept[0]
    headers, rows = _drop_blank_trailing_columns(
        [value.strip() for value in header], [row for _, row in kept[1:]]
    )
    line_numbers = [line for line, _ in kept[1:]]
    _check_size(headers, rows, line_numbers, header_line, source=source, padded=padded)
    if scan:
        _refuse_unsafe(kept, source)
    if padded:
        rows = [row + [""] * (len(headers) - len(row)) for row in rows]
    return Table(
        headers=tuple(headers),
        rows=tuple(tuple(row) for row in rows),
        line_numbers=tuple(line_numbers),
        encoding=encoding,
        delimiter=delimiter,
        header_line=header_line,
        skipped_empty_lines=skipped,
        sheet=sheet,
        padded=padded,
        sheets=sheets,
    )


def _refuse_binary(data: bytes, source: str) -> None:
    if data.startswith(b"PK\x03\x04"):
        raise ImportProblem(
            source, None, None,
            "Filen är en Excel-arbetsbok (.xlsx), inte en textfil. Ge den filändelsen .xlsx "
            "eller exportera den som CSV.",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportProblem(
            source, None, None,
            "Filen är i Excels gamla format (.xls), som kvtui inte läser. Spara den som .xlsx "
            "eller CSV och försök igen.",
        )


def parse_delimited(data: bytes, source: str) -> Table:
    """Read CSV (";", "," or tab) from bytes: decode, choose the delimiter, split the records.

    Quoted fields may span lines; CRLF, LF and CR all end lines; blank lines are left out.
    An Excel "sep=;" first line sets the delimiter. Raises ImportFailure.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportProblem(source, None, None, file_too_large(len(data)))
    _refuse_binary(data, source)
    text, encoding = decode(data, source)
    nul = text.find("\x00")
    if nul >= 0:
        raise ImportProblem(
            source, text.count("\n", 0, nul) + 1, None,
            "Filen innehåller binära tecken (NUL) och är ingen textfil. Exportera listan som "
            "CSV och försök igen.",
        )
    if not text.strip():
        raise ImportProblem(source, None, None, "Filen är tom.")
    first_line = 0
    declared = _SEP_LINE.match(text)
    if declared and declared.group(1) in DELIMITERS:
        delimiter = declared.group(1)
        text = text[declared.end():]
        first_line = 1
    else:
        delimiter = _sniff(text, source)
    # No record can have more fields than the text has delimiters (and a million-field line
    # would be split into a list of that many before any row could be counted).
    if text.count(delimiter or ";") > 2 * MAX_CELLS:
        raise ImportProblem(source, None, None, too_many_cells(None))
    records = _all_records(text, delimiter or ";", source, first_line)
    if len(records) > _MAX_RECORDS:
        raise ImportProblem(source, None, None, too_many_rows(None))
    return _table(records, source=source, encoding=encoding, delimiter=delimiter,
                  scan=first_unsafe(text) >= 0)


def _all_records(
    text: str, delimiter: str, source: str, first_line: int
) -> list[tuple[int, list[str]]]:
    """(line, fields) for the records of the text, its lines counted from ``first_line``; at
    most one more than ``_MAX_RECORDS``.

    Without a quote character every line is one record, so the csv module reads the whole
    text at once and the line numbers are counted, not asked for record by record; a text that
    still fails to read goes the record-by-record way, which says where.
    """
    if '"' not in text:
        try:
            rows = list(islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                          strict=True), _MAX_RECORDS + 1))
        except csv.Error:
            pass
        else:
            return list(zip(range(first_line + 1, first_line + 1 + len(rows)), rows,
                            strict=True))
    return [(line + first_line, row)
            for line, row in islice(_records(text, delimiter, source), _MAX_RECORDS + 1)]


# --- Excel -----------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    """A cell as the auditor sees it: 123 not 123.0, dates as 2024-03-05, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f").replace(".", ",")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _pick_sheet(names: list[str], sheet: str | None, source: str) -> str:
    if not names:
        raise _unreadable(source, "Den har inga kalkylblad.")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    folded = [name for name in names if name.casefold() == sheet.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    available = ", ".join(f"'{name}'" for name in names[:MAX_SHOWN])
    if len(names) > MAX_SHOWN:
        available += f" och {len(names) - MAX_SHOWN} till"
    raise ImportProblem(
        source, None, None, f"Bladet '{sheet}' finns inte. Bladen i filen är: {available}."
    )


def _unreadable(source: str, reason: str = "") -> ImportProblem:
    """The one message for a workbook that cannot be read, with the limit it broke if any."""
    message = f"{NOT_A_WORKBOOK} {reason} {_SAVE_AGAIN}" if reason else (
        f"{NOT_A_WORKBOOK} {_SAVE_AGAIN}")
    return ImportProblem(source, None, None, message)


def parse_xlsx(data: bytes, source: str, sheet: str | None = None) -> Table:
    """Read one sheet (the first when ``sheet`` is None) of an .xlsx workbook held in memory.

    Cached values of formulas are used. Line numbers are Excel's row numbers. Raises
    ImportFailure; whatever a malformed workbook makes openpyxl raise ends as the one message
    that the file cannot be read as an Excel workbook.
    """
    with _workbook(data, source) as workbook:
        names = tuple(ws.title for ws in workbook.worksheets)
        name = _pick_sheet(list(names), sheet, source)
        records, skipped = _sheet_records(workbook[name], source)
    return _sheet_table(records, skipped, name, names, source)


def first_table(data: bytes, source: str) -> Table:
    """The first sheet of a workbook that has anything on it, read as ``parse_xlsx`` reads it.

    A cover sheet with nothing on it is passed over, and so is a sheet that cannot be read
    (the first such problem is raised when no sheet can be). A sheet with something on it
    that breaks a rule (a limit, a control character) is the list the auditor meant, so its
    problem is raised at once rather than another sheet taken in its place. The workbook is
    checked and opened once for all its sheets, and at most ``MAX_SHEETS_SEARCHED`` are looked
    at: the auditor can choose any other sheet by name.
    """
    with _workbook(data, source) as workbook:
        names = tuple(ws.title for ws in workbook.worksheets)
        _pick_sheet(list(names), None, source)  # refuses a workbook without sheets
        problem: ImportFailure | None = None
        for name in names[:MAX_SHEETS_SEARCHED]:
            try:
                records, skipped = _sheet_records(workbook[name], source)
            except ImportFailure:
                raise
            except Exception:
                # As ``_workbook`` words it: this sheet cannot be read, perhaps another can.
                problem = problem or _unreadable(source)
                continue
            if records:
                return _sheet_table(records, skipped, name, names, source)
    if problem is not None:
        raise problem
    raise ImportProblem(source, None, None, _all_empty(names))


def _all_empty(names: tuple[str, ...]) -> str:
    """The message for a workbook whose searched sheets are all empty."""
    if len(names) == 1:
        return f"Bladet '{names[0]}' är tomt."
    if len(names) <= MAX_SHEETS_SEARCHED:
        return f"Arbetsbokens {len(names)} blad är alla tomma."
    return (
        f"De {MAX_SHEETS_SEARCHED} första av arbetsbokens {thousands(len(names))} blad är "
        "tomma. Flytta listan med akter till det första bladet och försök igen."
    )


def _sheet_table(
    records: list[tuple[int, list[str]]], skipped: int, name: str, names: tuple[str, ...],
    source: str,
) -> Table:
    return _table(records, source=source, encoding=EXCEL_ENCODING, delimiter="", sheet=name,
                  padded=True, skipped_empty_lines=skipped, sheets=names)


@contextmanager
def _workbook(data: bytes, source: str) -> Iterator[Workbook]:
    """The workbook opened read-only once ``check_workbook`` has passed it, closed after.

    Anything openpyxl raises inside, for the file or for one of its parts, ends as the
    message that the file cannot be read as an Excel workbook.
    """
    from openpyxl import load_workbook

    if len(data) > MAX_FILE_BYTES:
        raise ImportProblem(source, None, None, file_too_large(len(data)))
    # openpyxl warns in English about parts it skips, quoting the file: nothing for the user.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            check_workbook(data)
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                     keep_links=False)
        except WorkbookRefused as refused:
            raise _unreadable(source, refused.reason) from None
        except Exception:
            # A malformed part fails deep in openpyxl with whatever it met: KeyError,
            # IndexError (a shared string out of range), TypeError, RecursionError ...
            raise _unreadable(source) from None
        try:
            yield workbook
        except ImportFailure:
            raise
        except Exception:
            raise _unreadable(source) from None
        finally:
            workbook.close()


def _sheet_records(
    worksheet: ReadOnlyWorksheet, source: str
) -> tuple[list[tuple[int, list[str]]], int]:
    """The sheet's rows that hold something (Excel's row number and the cells' text, trailing
    blank cells left out) and how many blank rows lie between them; stops at a limit."""
    worksheet.reset_dimensions()  # some systems write a wrong size; read what is there
    records: list[tuple[int, list[str]]] = []
    blank = skipped = cells = 0
    # types-openpyxl gives ReadOnlyWorksheet Worksheet's iter_rows, typed for a Worksheet self.
    rows: Iterable[tuple[object, ...]] = worksheet.iter_rows(  # type: ignore[misc]
        min_row=1, min_col=1, values_only=True)
    for number, values in enumerate(rows, start=1):
        row = [_cell_text(value) for value in values]
        while row and not row[-1].strip():
            row.pop()
        if not row:
            blank += 1
            continue
        skipped, blank = skipped + blank, 0
        if len(row) > MAX_COLUMNS:
            raise ImportProblem(source, number, None, too_many_columns(len(row)))
        cells += len(row)
        if cells > MAX_CELLS:
            raise ImportProblem(source, None, None, too_many_cells(None))
        if len(records) > MAX_ROWS:
            raise ImportProblem(source, None, None, too_many_rows(None))
        records.append((number, row))
    return records, skipped


# --- Case files ------------------------------------------------------------------------------


# Every written form of a personnummer has its date as six or eight digits in a row, so a
# field without six digits in a row needs no closer look (most fields of a 10,000-row file).
_SIX_DIGITS = re.compile(r"\d{6}")
# What a field must hold for any attribute check to find something: six digits in a row (a
# personnummer) or a digit, E and a sign (Excel's 1,91212E+11). Searched once over a row's
# fields joined, so a row without either passes with one search.
_SUSPECT = re.compile(r"\d{6}|\d[eE][+-]")
# What a reference must hold for the reference checks to find something: a personnummer in any
# written form has six digits, perhaps a separator, and four more (an eight-digit date ends in
# six); Excel's number has a digit, E and a sign. Most references ("BoU-000123") have neither.
_SUSPECT_REFERENCE = re.compile(r"[0-9]{6}[^0-9]*[0-9]{4}|\d[eE][+-]")
# For a whole column at once: each byte of the values' UTF-8, joined by NUL, becomes its class
# (an ASCII digit "0", E or e "e", a sign "+", NUL itself, anything else "."), so that the
# searches are plain substring searches, or a regular expression with a literal start. Only
# ASCII digits matter: the personnummer and Excel checks look for nothing else.
_CLASSES = bytes(
    ord("0") if chr(code) in "0123456789" else ord("e") if chr(code) in "eE"
    else ord("+") if chr(code) in "+-" else 0 if code == 0 else ord(".")
    for code in range(256)
)
_SUSPECT_REFERENCE_CLASSES = re.compile(rb"0{6}[^0\x00]*0{4}")


def ids_in_value(value: str, *, today: date | None = None) -> list[IdNumber]:
    """The personnummer and samordningsnummer the import's checks find in one of a file's
    values: the whole value read generously (``parse_id``), else each one in it read as free
    text (``find_ids``)."""
    number = parse_id(value, today=today)
    return [number] if number is not None else find_ids(value, today=today)


def shown_value(value: str, *, today: date | None = None) -> str:
    """One of a file's values (a header, a cell, a sheet's or the file's name) as kvtui shows
    it before import: each number the checks would refuse masked as the error list masks it
    ("ÅÅMMDD-XXXX"), and nothing that could act on the terminal."""
    return printable(mask_found(value, ids_in_value(value, today=today)))


@dataclass
class _Checker:
    source: str
    today: date | None
    problems: list[ImportProblem] = field(default_factory=list)

    def add(self, line: int | None, field_name: str | None, message: str,
            value: str | None = None) -> None:
        self.problems.append(ImportProblem(self.source, line, field_name, message, value))

    def excel_mangled(self, line: int, header: str, value: str) -> bool:
        if _EXCEL_NUMBER.fullmatch(value):
            self.add(
                line, header,
                f"Excel har gjort om talet till {value} och siffrorna är förlorade. "
                "Exportera igen med kolumnen som text.",
            )
            return True
        return False

    def reference(self, line: int, header: str, reference: str) -> bool:
        """Whether the reference may be used; adds the problem when not."""
        if not reference:
            self.add(line, header, "Referensen saknas. Varje akt behöver en referens.")
            return False
        if self.excel_mangled(line, header, reference):
            return False
        if not _SIX_DIGITS.search(reference):
            return True
        number = parse_id(reference, today=self.today)
        if number is not None:
            self.add(
                line, header,
                f"Referensen ser ut som ett {number.kind}. Använd verksamhetens aktnummer "
                "eller en pseudonym i stället.",
                number.masked,
            )
            return False
        found = find_ids(reference, today=self.today)
        if found:
            self.add(
                line, header,
                f"Referensen innehåller ett {found[0].kind}. Använd verksamhetens aktnummer "
                "eller en pseudonym i stället.",
                found[0].masked,
            )
            return False
        return True

    def attribute(self, line: int, header: str, value: str) -> None:
        if self.excel_mangled(line, header, value) or not _SIX_DIGITS.search(value):
            return
        found = ids_in_value(value, today=self.today)
        if found:
            self.add(
                line, header,
                f"Fältet innehåller ett {found[0].kind}. kvtui sparar inga personnummer: ta "
                "bort kolumnen eller uppgiften ur filen och försök igen.",
                found[0].masked,
            )


def _clean(value: str) -> str:
    """A value stripped, its line breaks made plain newlines."""
    value = value.strip()
    if "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _id_index(headers: Sequence[str], id_column: str) -> int | None:
    wanted = id_column.strip()
    if wanted in headers:
        return headers.index(wanted)
    folded = [i for i, header in enumerate(headers) if header.casefold() == wanted.casefold()]
    return folded[0] if len(folded) == 1 else None


def _check_headers(table: Table, id_column: str, check: _Checker) -> int | None:
    line = table.header_line
    seen: dict[str, int] = {}
    for position, header in enumerate(table.headers, start=1):
        if not header:
            check.add(line, None, f"Kolumn {position} saknar rubrik.")
        elif header in seen:
            check.add(
                line, header,
                f"Kolumnen '{header}' finns två gånger (kolumn {seen[header]} och {position}). "
                "Ge kolumnerna olika namn.",
            )
        else:
            seen[header] = position
    index = _id_index(table.headers, id_column)
    if index is None:
        available = ", ".join(f"'{h}'" for h in table.headers if h) or "inga"
        how = (f"avgränsade med {DELIMITER_NAMES[table.delimiter]}"
               if table.delimiter else "")
        check.add(
            line, None,
            f"Kolumnen '{id_column}' finns inte. Kolumnerna i filen"
            f"{' (' + how + ')' if how else ''} är: {available}.",
        )
    return index


def build_case_files(
    table: Table, id_column: str, *, source: str, today: date | None = None
) -> list[tuple[str, dict[str, str]]]:
    """(reference, {column: value}) for every row, or ImportProblems listing every problem.

    Checks: the id column exists; headers are present and unique; each row has as many fields
    as the header (empty cells past the last column are allowed); every reference is present,
    unique, not a personnummer or samordningsnummer; no field holds a number that Excel turned
    into scientific notation or a personnummer. Values are stripped.
    """
    return _build(table, id_column, source=source, today=today)[0]


def _classes(values: list[str]) -> bytes:
    """The values joined by NUL (which no value holds, so no match spans two), as classes."""
    return "\x00".join(values).encode("utf-8", "surrogatepass").translate(_CLASSES)


def _clean_files(table: Table, index: int) -> list[tuple[str, dict[str, str]]] | None:
    """The case files of a table in which no row has anything to report, checked column by
    column; None when some row might have (the row-by-row check then finds and words it).

    The usual file has no problem at all, and a few searches of each column's values at once
    (``_classes``) clear 10,000 rows, where a regular expression per field took most of the
    time of checking a file.
    """
    rows = table.rows
    width = len(table.headers)
    if not rows or any(len(row) != width for row in rows):
        return None
    columns: list[list[str]] = []
    for column in zip(*rows, strict=True):
        if "\r" in "\x00".join(column):
            return None  # line breaks to make plain: the row-by-row way does it
        columns.append([value.strip() for value in column])
    references = columns[index]
    if not all(references) or len(set(references)) != len(references):
        return None
    classes = _classes(references)
    if b"0e+" in classes or _SUSPECT_REFERENCE_CLASSES.search(classes):
        return None
    attributes = [columns[position] for position in range(width) if position != index]
    for values in attributes:
        classes = _classes(values)
        if b"000000" in classes or b"0e+" in classes:
            return None
    if not attributes:
        return [(reference, {}) for reference in references]
    names = [table.headers[position] for position in range(width) if position != index]
    return [
        (reference, dict(zip(names, values, strict=True)))
        for reference, values in zip(references, zip(*attributes, strict=True), strict=True)
    ]


def _build(
    table: Table, id_column: str, *, source: str, today: date | None
) -> tuple[list[tuple[str, dict[str, str]]], list[int]]:
    check = _Checker(source, today or date.today())  # once, not for every field
    index = _check_headers(table, id_column, check)
    if index is not None and not check.problems:
        clean = _clean_files(table, index)
        if clean is not None:
            return clean, list(table.line_numbers)
    width = len(table.headers)
    header_names = table.headers
    seen: dict[str, int] = {}
    files: list[tuple[str, dict[str, str]]] = []
    lines: list[int] = []
    # The attribute columns (all but the reference), and how each is named in a problem.
    positions = [position for position in range(width) if position != index]
    attribute_names = [header_names[position] for position in positions]
    problem_names = [header_names[position] or f"kolumn {position + 1}"
                     for position in positions]
    suspect = _SUSPECT.search
    suspect_reference = _SUSPECT_REFERENCE.search
    for line, row in zip(table.line_numbers, table.rows, strict=True):
        if len(row) != width:
            if len(row) < width and not table.padded:
                check.add(
                    line, None,
                    f"Raden har {len(row)} fält men rubrikraden har {width}. Kanske har ett "
                    "fält en radbrytning utan citattecken runt sig.",
                )
                continue
            extra = [i for i, value in enumerate(row) if i >= width and value.strip()]
            if extra and table.padded:
                check.add(
                    line, None,
                    f"Raden har värden i kolumn {extra[0] + 1}, som saknar rubrik. Ge kolumnen "
                    "en rubrik eller ta bort värdena.",
                )
                continue
            if extra:
                check.add(
                    line, None,
                    f"Raden har {len(row)} fält men rubrikraden har {width}. Kontrollera "
                    "skiljetecken och citattecken på raden.",
                )
                continue
        values = [value.strip() if "\r" not in value else _clean(value)
                  for value in row[:width]]
        attribute_values = [values[position] for position in positions]
        attributes = dict(zip(attribute_names, attribute_values, strict=True))
        if suspect("\x00".join(attribute_values)):  # else no attribute has anything to find
            for name, value in zip(problem_names, attribute_values, strict=True):
                check.attribute(line, name, value)
        if index is None:
            continue
        reference = values[index]
        id_header = header_names[index]
        if (not reference or suspect_reference(reference)) and not check.reference(
            line, id_header, reference
        ):
            continue
        if reference in seen:
            check.add(
                line, id_header,
                f"Referensen {reference} finns redan på rad {seen[reference]}.",
            )
            continue
        seen[reference] = line
        files.append((reference, attributes))
        lines.append(line)
    if not table.rows and index is not None:
        check.add(None, None, "Filen har en rubrikrad men inga akter.")
    if check.problems:
        raise ImportProblems(check.problems)
    return files, lines


def is_excel(source: str) -> bool:
    """Whether a file name calls for the Excel reader."""
    return PurePath(source).suffix.lower() in EXCEL_SUFFIXES


def read_case_files(
    data: bytes, source: str, *, id_column: str, sheet: str | None = None,
    excel: bool | None = None, today: date | None = None,
) -> ImportResult:
    """Parse and check a case-file list; ``excel`` defaults to the file name's suffix.

    Without ``sheet``, a workbook's first sheet with anything on it is read, as the import
    dialog shows it (``first_table``).
    """
    use_excel = is_excel(source) if excel is None else excel
    if not use_excel:
        table = parse_delimited(data, source)
    elif sheet is None:
        table = first_table(data, source)
    else:
        table = parse_xlsx(data, source, sheet)
    files, lines = _build(table, id_column, source=source, today=today)
    index = _id_index(table.headers, id_column)
    return ImportResult(
        case_files=files,
        line_numbers=tuple(lines),
        source=source,
        encoding=table.encoding,
        delimiter=table.delimiter,
        id_column=table.headers[index] if index is not None else id_column,
        columns=tuple(h for i, h in enumerate(table.headers) if i != index),
        skipped_empty_lines=table.skipped_empty_lines,
        sheet=table.sheet,
    )

