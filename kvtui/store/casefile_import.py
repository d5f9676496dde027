"""Importing a review's population of case files from a CSV or Excel file, all or nothing."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from kvtui.domain.casefile_import import (
    ImportProblem,
    ImportProblems,
    ImportResult,
    is_excel,
    read_case_files,
)
from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.import_limits import MAX_FILE_BYTES, file_too_large
from kvtui.domain.personnummer import mask_found, may_hold_id
from kvtui.store.bulk import paused_gc
from kvtui.store.casefiles import add_case_files
from kvtui.store.errors import InvalidInput
from kvtui.store.guards import writable_review
from kvtui.store.idnumber_rule import numbers_in
from kvtui.store.models import CaseFile, Sample


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, read no further than one byte past ``MAX_FILE_BYTES``: a file that
    is too large is refused without being read in full, and a device or a named pipe, which
    may never end, is not read at all. A message that names the whole path is not prefixed
    with the file's name as well ("drive: /tmp/drive är en mapp")."""
    name = path.name or str(path)
    try:
        if path.is_dir():
            raise ImportProblem("", None, None, f"{path} är en mapp, inte en fil.")
        if path.exists() and not path.is_file():
            raise ImportProblem("", None, None, f"{path} är ingen vanlig fil.")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                size = os.fstat(handle.fileno()).st_size
                raise ImportProblem(name, None, None, file_too_large(size))
    except FileNotFoundError:
        raise ImportProblem("", None, None, f"Filen {path} finns inte.") from None
    except PermissionError:
        raise ImportProblem(
            "", None, None, f"Du har inte behörighet att läsa filen {path}."
        ) from None
    except OSError as error:
        raise ImportProblem(
            "", None, None, f"Filen {path} kan inte läsas ({file_error_reason(error)})."
        ) from None
    except ImportProblem:
        raise
    except ValueError:
        # A NUL or a lone surrogate (a damaged paste): the system refuses the path in English.
        raise ImportProblem(
            name, None, None,
            "Sökvägen innehåller tecken som inte kan finnas i ett filnamn. Kontrollera den och "
            "försök igen.",
        ) from None
    return data


_IN_HEADER = ("En kolumnrubrik innehåller ett {kind} ({masked}). kvtui sparar inga "
              "personnummer: byt namn på kolumnen och försök igen.")
_IN_VALUE = ("Fältet innehåller ett {kind}. kvtui sparar inga personnummer: ta bort uppgiften "
             "ur filen och försök igen.")


def _number_problem(
    text: str, message: str, source: str, line: int | None = None, field: str | None = None,
) -> ImportProblem | None:
    """The problem of a personnummer in ``text``, worded by ``message`` (with ``{kind}`` and
    ``{masked}``) and shown masked after a named field; None when the text holds none."""
    found = numbers_in(text)
    if not found:
        return None
    number = found[0]
    return ImportProblem(source, line, field,
                         message.format(kind=number.kind, masked=number.masked),
                         number.masked if field is not None else None)


def _refuse_hidden_numbers(result: ImportResult) -> None:
    """Refuse column headers holding a personnummer, and values whose number only shows when
    read as a person reads them (full-width digits, invisible characters): the file's own
    checks look at ASCII digits. Every problem is named with its line and column."""
    headers = (result.id_column, *result.columns)
    problems = [problem for header in headers
                if (problem := _number_problem(header, _IN_HEADER, result.source))]
    names = [mask_found(name, numbers_in(name)) for name in headers]
    hidden = "\x00".join(value for reference, attributes in result.case_files
                         for value in (reference, *attributes.values()) if not value.isascii())
    if not problems and not may_hold_id(hidden):
        return  # one look clears the usual file
    for (reference, attributes), line in zip(result.case_files, result.line_numbers,
                                             strict=True):
        for name, value in zip(names, (reference, *attributes.values()), strict=True):
            if not value.isascii() and (
                problem := _number_problem(value, _IN_VALUE, result.source, line, name)
            ):
                problems.append(problem)
    if problems:
        raise ImportProblems(problems)


def _check_review(session: Session, review_id: str) -> None:
    writable_review(session, review_id, "akterna")
    drawn = session.exec(select(Sample.id).where(Sample.review_id == review_id).limit(1)).first()
    if drawn is not None:
        raise InvalidInput("Urvalet är redan draget; akter kan inte läggas till.")


def _existing_references(session: Session, review_id: str) -> set[str]:
    return set(
        session.exec(select(CaseFile.reference).where(CaseFile.review_id == review_id)).all()
    )


def import_case_files(
    session: Session, review_id: str, path: Path, *, id_column: str,
    sheet: str | None = None, today: date | None = None,
) -> ImportResult:
    """Read ``path`` (.xlsx/.xlsm by suffix, else CSV) and add its case files to the review.

    All or nothing: every problem in the file is reported at once (ImportProblems, naming file,
    line and field), a reference already in the review is refused the same way, and nothing is
    written unless every row can be. Refuses a review whose sample is drawn or that is signed.
    Commits on success.
    """
    with paused_gc():
        return _import(session, review_id, path, id_column=id_column, sheet=sheet,
                       today=today)


def _import(
    session: Session, review_id: str, path: Path, *, id_column: str, sheet: str | None,
    today: date | None,
) -> ImportResult:
    _check_review(session, review_id)
    result = read_case_files(
        _read_bytes(path), path.name, id_column=id_column, sheet=sheet,
        excel=is_excel(path.name), today=today,
    )
    _refuse_hidden_numbers(result)
    existing = _existing_references(session, review_id)
    clashes = [
        ImportProblem(
            result.source, line, result.id_column,
            f"Akten {reference} finns redan i granskningen.",
        )
        for (reference, _), line in zip(result.case_files, result.line_numbers, strict=True)
        if reference in existing
    ]
    if clashes:
        raise ImportProblems(clashes)
    try:
        add_case_files(session, review_id, result.case_files)
    except BaseException:
        # add_case_files adds rows one by one before it can refuse one; drop them all, so a
        # later commit on this session cannot write half the file.
        session.rollback()
        raise
    return result

