"""Files kvtui exports: where they go, what they are called, and the data exports.

- Reports are named from the diary number, the unit and the date,
  "SN-2026-0147_Familjevardsenheten_2026-11-23_utkast.pdf", in safe characters only, and go
  to ``kvtui.paths.exports_dir()`` unless the user names a file. A file is never overwritten:
  a default name gets "-2", "-3" … when taken, a name the user gives is refused when taken.
- Every file is created new (``O_EXCL``) and readable by the user alone: exports are as
  sensitive as the store.
- The file review's answers and comments, for the unit's own follow-up, as CSV (semicolon,
  UTF-8 with BOM, CRLF: what Swedish Excel opens without a question) or as .xlsx. Cells that
  start with = + - @ (or a tab or carriage return) are neutralised with a leading apostrophe,
  so a spreadsheet never runs a formula from a comment.
- The results per criterion (``kvtui.domain.headline_text.result_rows``): the same headline
  share and interval as the app and the report, with each stratum under its criterion; the
  .xlsx holds them on a second sheet, "Resultat", and as CSV they are a file of their own.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from kvtui.domain.answers import ANSWERS
from kvtui.domain.headline_text import RESULT_COLUMNS, result_rows
from kvtui.domain.personnummer import mask
from kvtui.store.answers import review_criteria
from kvtui.store.errors import InvalidInput
from kvtui.store.models import Answer, UnansweredComment
from kvtui.store.results import review_results
from kvtui.store.sampling import current_sample

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O",
                       "é": "e", "É": "E", "ü": "u", "Ü": "U", "æ": "ae", "ø": "o"})


class ExportExists(InvalidInput):
    """The file asked for exists already; the message is for the user (Swedish)."""


def safe_part(text: str, limit: int = 40) -> str:
    """Text as a safe piece of a file name: letters, digits and "-" only, å ä ö folded, and
    never a personnummer (masked "ÅÅMMDD-XXXX", also one confirmed as a false alarm: a file
    name travels further than the store).

    "SN 2026/0147" → "SN-2026-0147", "Familjevårdsenheten" → "Familjevardsenheten".
    """
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    # Masked once the other characters are gone: "191212#1212" has become a number.
    cleaned = mask(re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-"))
    return cleaned[:limit].rstrip("-")


def report_file_name(diary_number: str, unit: str, day: date, *, draft: bool,
                     version: int = 1, suffix: str = ".pdf") -> str:
    """"SN-2026-0147_Familjevardsenheten_2026-11-23_utkast.pdf" (the unit up to its first
    comma); a final is "…_slutlig.pdf", a later version "…_v2_slutlig.pdf"."""
    parts = [safe_part(diary_number), safe_part(unit.split(",")[0]), day.isoformat()]
    if version > 1:
        parts.append(f"v{version}")
    parts.append("utkast" if draft else "slutlig")
    return "_".join(part for part in parts if part) + suffix


def word_file_name(diary_number: str, unit: str, day: date, version: int = 1) -> str:
    """"SN-2026-0147_Familjevardsenheten_2026-11-23_arbetskopia.docx": the Word copy is named
    for what it is, never "slutlig"."""
    parts = [safe_part(diary_number), safe_part(unit.split(",")[0]), day.isoformat()]
    if version > 1:
        parts.append(f"v{version}")
    parts.append("arbetskopia")
    return "_".join(part for part in parts if part) + ".docx"


def data_file_name(diary_number: str, unit: str, day: date, suffix: str) -> str:
    """"SN-2026-0147_Familjevardsenheten_2026-11-23_aktgranskning.csv"."""
    parts = [safe_part(diary_number), safe_part(unit.split(",")[0]), day.isoformat(),
             "aktgranskning"]
    return "_".join(part for part in parts if part) + suffix


def free_path(folder: Path, name: str) -> Path:
    """``folder/name``, or with "-2", "-3" … before the suffix when that file exists."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return path


def write_new_file(path: Path, data: bytes) -> Path:
    """Create ``path`` (never overwriting), readable by the user alone, and write ``data``.

    Raises ``ExportExists`` with a Swedish message when the file exists. A file that could not
    be written completely is removed again.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o600)
    except FileExistsError:
        raise ExportExists(f"Filen {path} finns redan. kvtui skriver aldrig över en fil; "
                           "välj ett annat namn.") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def write_to_default(folder: Path, name: str, data: bytes) -> Path:
    """Write into ``folder`` under ``name`` or the next free variant of it."""
    for _attempt in range(100):
        try:
            return write_new_file(free_path(folder, name), data)
        except ExportExists:
            continue  # taken between the check and the write: try the next number
    raise ExportExists(f"Kunde inte hitta ett ledigt filnamn för {name} i {folder}.")


def target_path(option: str | os.PathLike[str] | None, default_folder: Path, name: str,
                ) -> tuple[Path, bool]:
    """Where to write: the user's file (must not exist) or the default folder.

    Returns the path and whether it is the user's own choice. A user's path that is a folder
    gets the default name inside it.
    """
    if option:
        path = Path(option).expanduser()
        if path.is_dir():
            return free_path(path, name), False
        if path.exists():
            raise ExportExists(f"Filen {path} finns redan. kvtui skriver aldrig över en fil; "
                               "välj ett annat namn.")
        for folder in path.parents:  # a missing folder is made; a file in the way is not
            if folder.exists():
                if not folder.is_dir():
                    raise InvalidInput(f"{folder} är en fil, inte en mapp; välj en annan "
                                       "plats för filen.")
                break
        return path, True
    return free_path(default_folder, name), False


def write_export(option: str | os.PathLike[str] | None, default_folder: Path, name: str,
                 data: bytes) -> Path:
    """Write ``data`` to the user's path (refused if it exists) or a free default name."""
    path, chosen = target_path(option, default_folder, name)
    if chosen:
        return write_new_file(path, data)
    return write_to_default(path.parent, name, data)


# --- the file review's answers ------------------------------------------------------------------

ANSWER_LABELS = dict(ANSWERS)

BASE_COLUMNS = ("Akt", "Nr i urvalet", "Kriterium", "Fråga", "Svar", "Från datum", "Till datum",
                "Antal", "Beräknat svar", "Skäl till avvikelse", "Kommentar")


@dataclass(frozen=True)
class AnswerTable:
    """The answers of the sampled akter, one row per akt and criterion, in drawn order."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet could read as a formula, made plain with a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def answer_table(session: Session, review_id: str) -> AnswerTable:
    """Every sampled akt × criterion with its answer (blank when not yet answered), the akt's
    attributes (placement type …) and the comment (also one written before the answer)."""
    sample = current_sample(session, review_id)
    if sample is None:
        raise InvalidInput("Inget urval är draget ännu, så det finns inga svar att exportera.")
    criteria = review_criteria(session, review_id)
    answers = {(a.case_file_id, a.criterion_id): a for a in session.exec(
        select(Answer).where(Answer.review_id == review_id))}
    # Comments written before an answer: beside the blank answer, so nothing written is left out.
    early = {(c.case_file_id, c.criterion_id): c.comment for c in session.exec(
        select(UnansweredComment).where(UnansweredComment.review_id == review_id))}
    attributes: dict[str, None] = {}
    for akt in sample.active:
        attributes.update(dict.fromkeys(akt.attributes))
    names = tuple(attributes)
    rows: list[tuple[Any, ...]] = []
    for akt in sample.active:
        for view in criteria:
            answer = answers.get((akt.case_file_id, view.id))
            value = ANSWER_LABELS.get(answer.value, answer.value) if answer else ""
            computed = (ANSWER_LABELS.get(answer.computed_value, answer.computed_value)
                        if answer and answer.computed_value else "")
            rows.append((
                akt.reference, akt.position, view.code, view.criterion.question, value,
                answer.start_date if answer else None, answer.end_date if answer else None,
                answer.number if answer else None, computed,
                answer.override_reason if answer else "",
                answer.comment if answer else early.get((akt.case_file_id, view.id), ""),
                *(akt.attributes.get(name, "") for name in names),
            ))
    return AnswerTable((*BASE_COLUMNS, *names), tuple(rows))


def result_table(session: Session, review_id: str) -> AnswerTable:
    """The results per criterion and stratum, as ``result_rows`` writes them."""
    results = review_results(session, review_id)
    if results is None:
        raise InvalidInput("Inget urval är draget ännu, så det finns inga resultat att "
                           "exportera.")
    return AnswerTable(RESULT_COLUMNS, tuple(result_rows(results)))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")  # a decimal comma, as Swedish Excel reads it
    return str(value)


def answers_csv(table: AnswerTable) -> bytes:
    """The table as CSV for Swedish Excel: ";" separated, UTF-8 with BOM, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(name) for name in table.columns])
    for row in table.rows:
        writer.writerow([neutralise(_text(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def answers_xlsx(table: AnswerTable, title: str = "Aktgranskning",
                 results: AnswerTable | None = None) -> bytes:
    """The table as an .xlsx workbook: a header row, dates as dates, numbers as numbers;
    ``results``, when given, on a second sheet "Resultat".

    Built in memory (XlsxWriter's ``in_memory``): openpyxl writes every worksheet to a
    temporary file in the system's temporary folder first, and a copy of the answers there,
    outside the folder the auditor chose, is one she neither sees nor deletes. Every cell is
    written by its type, so no text is ever taken for a formula or a link.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False,
                                            "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    _sheet(workbook.add_worksheet(safe_sheet_title(title)), table, bold, day)
    if results is not None:
        _sheet(workbook.add_worksheet("Resultat"), results, bold, day)
    workbook.close()
    return buffer.getvalue()


def _sheet(sheet: Any, table: AnswerTable, bold: Any, day: Any) -> None:
    for column, name in enumerate(table.columns):
        sheet.write_string(0, column, neutralise(name), bold)
    for row_number, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write_datetime(row_number, column, value, day)
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                sheet.write_number(row_number, column, float(value))
            else:
                sheet.write_string(row_number, column, neutralise(_text(value)))
    for index, name in enumerate(table.columns):
        values = [len(_text(row[index])) for row in table.rows[:200]]
        width = min(60, max(len(name), *values, 6) + 2) if values else len(name) + 2
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)


def safe_sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Blad1"


def export_answers(session: Session, review_id: str, kind: str) -> bytes:
    """The answers as "csv" or "xlsx" bytes (the .xlsx with the results on a second sheet),
    or the results alone as "results-csv"."""
    makers: dict[str, Callable[[], bytes]] = {
        "csv": lambda: answers_csv(answer_table(session, review_id)),
        "xlsx": lambda: answers_xlsx(answer_table(session, review_id),
                                     results=result_table(session, review_id)),
        "results-csv": lambda: answers_csv(result_table(session, review_id)),
    }
    if kind not in makers:
        raise InvalidInput(f"Okänt format '{kind}'. Välj csv eller xlsx.")
    return makers[kind]()
