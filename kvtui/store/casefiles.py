"""Case files (akter) of a review's population."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain
from json.encoder import encode_basestring as encode_string
from pathlib import Path

from sqlmodel import Session, col, func, select

from kvtui.domain.casefile_import import (
    ImportProblem,
    Table,
    first_table,
    is_excel,
    parse_delimited,
    parse_xlsx,
)
from kvtui.domain.file_errors import file_error_reason
from kvtui.domain.import_limits import MAX_FILE_BYTES, file_too_large
from kvtui.domain.json_texts import each_text
from kvtui.domain.personnummer import find_ids, may_hold_id, parse_id
from kvtui.domain.safe_text import first_unsafe, typed_text
from kvtui.store import changelog
from kvtui.store.bulk import insert_sql, new_ids, stored_value
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import writable_review
from kvtui.store.idnumber_rule import Rule
from kvtui.store.models import CaseFile, Sample, utcnow

_CASE_FILES = CaseFile.__table__  # type: ignore[attr-defined]
_JSON = json.JSONEncoder(ensure_ascii=False)  # as json.dumps(…, ensure_ascii=False), built once
# One statement for a whole population, run by the driver's executemany with ids from
# ``new_ids`` (kvtui.store.bulk; bench/population.py needs both).
INSERT_CASE_FILES = insert_sql(
    _CASE_FILES,
    ("id", "created_at", "updated_at", "review_id", "reference", "position", "attributes_json"),
)


def add_case_files(
    session: Session, review_id: str, rows: Iterable[tuple[str, dict[str, str]]]
) -> list[str]:
    """Add case files (reference, attributes) all or nothing; returns their ids. Commits.

    The population is fixed once the sample is drawn, so that the sample can be redrawn.
    """
    if session.exec(select(Sample.id).where(Sample.review_id == review_id)).first():
        raise InvalidInput("Urvalet är redan draget; akter kan inte läggas till eller ändras.")
    existing = set(
        session.exec(select(CaseFile.reference).where(CaseFile.review_id == review_id)).all()
    )
    position = int(
        session.exec(
            select(func.coalesce(func.max(CaseFile.position), -1))
            .where(CaseFile.review_id == review_id)
        ).one()
    )
    cleaned: list[tuple[str, dict[str, str]]] = []
    for reference, attributes in _typed(rows):  # check every row before adding any
        reference = reference.strip()
        if not reference:
            raise InvalidInput("En akt saknar referens.")
        if reference in existing:
            raise InvalidInput(f"Akten {reference} finns redan i granskningen.")
        existing.add(reference)
        cleaned.append((reference, attributes))
    if not cleaned:
        session.commit()
        return []
    cleaned = _guarded(Rule.of(session), cleaned)
    connection = session.connection()
    stamp = stored_value(connection, _CASE_FILES.c.created_at, utcnow())
    as_json = _AttributesJson()
    values = [
        (case_file_id, stamp, stamp, review_id, reference, position + offset,
         as_json(attributes))
        for offset, (case_file_id, (reference, attributes)) in enumerate(
            zip(new_ids(len(cleaned)), cleaned, strict=True), start=1
        )
    ]
    connection.exec_driver_sql(INSERT_CASE_FILES, values)
    changelog.append(
        session, review_id=review_id, entity="case_file", entity_id=review_id,
        action="import", changes={"count": len(values)},
    )
    session.commit()
    return [row[0] for row in values]


def _typed(
    rows: Iterable[tuple[str, dict[str, str]]],
) -> list[tuple[str, dict[str, str]]]:
    """The rows with control characters taken out (``kvtui.store.idnumber_rule``): an imported
    list has been refused for them already, and one look over all texts clears it."""
    rows = list(rows)
    names = {name for _reference, attributes in rows for name in attributes}
    texts = "\t".join(chain([reference for reference, _attributes in rows], names,
                            chain.from_iterable([attributes.values() for _, attributes in rows])))
    if first_unsafe(texts) < 0:
        return rows
    return [(typed_text(reference), each_text(attributes, typed_text))
            for reference, attributes in rows]


def _guarded(
    rule: Rule, rows: list[tuple[str, dict[str, str]]]
) -> list[tuple[str, dict[str, str]]]:
    """The rows with the store's rule for personnummer applied: a reference holding one is
    refused (masked it would no longer name the akt), attribute names and values are masked.

    One look over all texts at once clears the usual population.
    """
    names = {name for _reference, attributes in rows for name in attributes}
    texts = [text for reference, attributes in rows for text in (reference, *attributes.values())]
    if not may_hold_id("\x00".join((*names, *texts))):
        return rows
    guarded = []
    for reference, attributes in rows:
        found = rule.to_mask(reference)
        if found:
            raise InvalidInput(
                f"Referensen {found[0].masked} innehåller ett {found[0].kind}. Använd "
                "verksamhetens aktnummer eller en pseudonym i stället."
            )
        guarded.append((reference, rule.value(attributes)))
    return guarded


def case_file_ids(session: Session, review_id: str) -> list[str]:
    """The review's case files in population order."""
    return list(
        session.exec(
            select(CaseFile.id).where(CaseFile.review_id == review_id)
            .order_by(col(CaseFile.position))
        ).all()
    )


# --- One akt at a time (the auditor's hand edits before the sample is drawn) -----------------



@dataclass(frozen=True)
class CaseFileRow:
    """A case file as the screens show it: id, reference, place in the population, attributes."""

    id: str
    reference: str
    position: int
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FilePreview:
    """A case-file list as read for choosing its reference column; nothing is written.

    ``sheets`` lists every sheet of an Excel workbook (empty for CSV); ``table`` is the sheet
    read (the first when none was chosen).
    """

    path: Path
    table: Table
    sheets: tuple[str, ...] = ()


def list_case_files(session: Session, review_id: str) -> list[CaseFileRow]:
    """The review's case files in population order."""
    rows = session.exec(
        select(CaseFile.id, CaseFile.reference, CaseFile.position, CaseFile.attributes_json)
        .where(CaseFile.review_id == review_id).order_by(col(CaseFile.position))
    ).all()
    return [
        CaseFileRow(case_file_id, reference, position, json.loads(attributes))
        for case_file_id, reference, position, attributes in rows
    ]


def _check_editable(session: Session, review_id: str) -> None:
    """Refuses a review that is gone, signed, or whose sample is drawn."""
    writable_review(session, review_id, "akterna")
    if session.exec(select(Sample.id).where(Sample.review_id == review_id).limit(1)).first():
        raise InvalidInput("Urvalet är redan draget; akter kan inte läggas till eller ändras.")


def _checked_reference(
    session: Session, review_id: str, reference: str, *, except_id: str | None = None
) -> str:
    """The reference stripped (of control characters too: ``kvtui.store.idnumber_rule``);
    refused when empty, taken or a personnummer."""
    reference = typed_text(reference).strip()
    if not reference:
        raise InvalidInput("Referensen saknas. Varje akt behöver en referens.")
    number = parse_id(reference)
    if number is not None:
        raise InvalidInput(
            f"Referensen ser ut som ett {number.kind}. Använd verksamhetens aktnummer eller en "
            "pseudonym i stället."
        )
    found = find_ids(reference)
    if found:
        raise InvalidInput(
            f"Referensen innehåller ett {found[0].kind}. Använd verksamhetens aktnummer eller "
            "en pseudonym i stället."
        )
    taken = session.exec(
        select(CaseFile.id).where(CaseFile.review_id == review_id,
                                  CaseFile.reference == reference)
    ).first()
    if taken is not None and taken != except_id:
        raise InvalidInput(f"Akten {reference} finns redan i granskningen.")
    return reference


def _checked_attributes(attributes: Mapping[str, str]) -> dict[str, str]:
    """Names and values stripped (of control characters too); refused when a name is empty or
    repeated or a value holds a personnummer (kvtui stores none)."""
    cleaned: dict[str, str] = {}
    for name, value in attributes.items():
        name, value = typed_text(name).strip(), typed_text(value).strip()
        if not name:
            raise InvalidInput("En uppgift om akten saknar namn.")
        if name in cleaned:
            raise InvalidInput(f"Uppgiften '{name}' finns två gånger.")
        number = parse_id(value)
        found = [number] if number is not None else find_ids(value)
        if found:
            raise InvalidInput(
                f"Uppgiften '{name}' innehåller ett {found[0].kind}. kvtui sparar inga "
                "personnummer: ta bort det ur uppgiften."
            )
        cleaned[name] = value
    return cleaned


def _row(session: Session, review_id: str, case_file_id: str) -> CaseFile:
    row = session.get(CaseFile, case_file_id)
    if row is None or row.review_id != review_id:
        raise NotFound("Akten finns inte i granskningen.")
    return row


def _as_row(row: CaseFile) -> CaseFileRow:
    return CaseFileRow(row.id, row.reference, row.position, json.loads(row.attributes_json))


def add_case_file(
    session: Session, review_id: str, reference: str, attributes: Mapping[str, str]
) -> CaseFileRow:
    """Add one case file by hand, last in the population, and log it. Commits.

    Refused (InvalidInput, nothing written) after the sample is drawn, in a signed review, for
    an empty or duplicate reference and for a personnummer or samordningsnummer.
    """
    _check_editable(session, review_id)
    reference = _checked_reference(session, review_id, reference)
    cleaned = _checked_attributes(attributes)
    position = int(
        session.exec(
            select(func.coalesce(func.max(CaseFile.position), -1))
            .where(CaseFile.review_id == review_id)
        ).one()
    ) + 1
    row = CaseFile(review_id=review_id, reference=reference, position=position,
                   attributes_json=json.dumps(cleaned, ensure_ascii=False))
    session.add(row)
    session.flush()
    changelog.append(
        session, review_id=review_id, entity="case_file", entity_id=row.id, action="create",
        changes={"reference": reference, "attributes": cleaned},
    )
    session.commit()
    return _as_row(row)


def update_case_file(
    session: Session, review_id: str, case_file_id: str, reference: str,
    attributes: Mapping[str, str],
) -> CaseFileRow:
    """Change a case file's reference and attributes, logging old → new. Commits.

    Refused as ``add_case_file`` is; an unknown case file is NotFound.
    """
    _check_editable(session, review_id)
    row = _row(session, review_id, case_file_id)
    reference = _checked_reference(session, review_id, reference, except_id=row.id)
    cleaned = _checked_attributes(attributes)
    changes = changelog.diff(
        {"reference": row.reference, "attributes": json.loads(row.attributes_json)},
        {"reference": reference, "attributes": cleaned},
    )
    if not changes:
        return _as_row(row)
    row.reference = reference
    row.attributes_json = json.dumps(cleaned, ensure_ascii=False)
    row.updated_at = utcnow()
    session.add(row)
    changelog.append(
        session, review_id=review_id, entity="case_file", entity_id=row.id, action="update",
        changes=changes,
    )
    session.commit()
    return _as_row(row)


def remove_case_file(session: Session, review_id: str, case_file_id: str) -> None:
    """Remove a case file from the population, logging what it was. Commits.

    Refused after the sample is drawn and in a signed review; an unknown case file is NotFound.
    """
    _check_editable(session, review_id)
    row = _row(session, review_id, case_file_id)
    changes = {"reference": row.reference, "attributes": json.loads(row.attributes_json)}
    session.delete(row)
    changelog.append(
        session, review_id=review_id, entity="case_file", entity_id=case_file_id,
        action="delete", changes=changes,
    )
    session.commit()


def read_list_bytes(path: Path) -> bytes:
    """A case-file list's bytes, read no further than one byte past ``MAX_FILE_BYTES``: a file that
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


def preview_file(path: Path, sheet: str | None = None) -> FilePreview:
    """Read a case-file list (CSV, or one sheet of an .xlsx) to show its columns and rows.

    Without ``sheet``, a workbook shows its first sheet that has a table (a cover sheet with
    nothing on it is passed over; ``kvtui.domain.casefile_import.first_table``). Nothing is
    written; ``kvtui.store.casefile_import.import_case_files`` imports the file once the
    reference column is chosen. Raises ImportFailure with the problem in Swedish.
    """
    data = read_list_bytes(path)
    name = path.name or str(path)
    if not is_excel(name):
        return FilePreview(path, parse_delimited(data, name))
    table = parse_xlsx(data, name, sheet) if sheet is not None else first_table(data, name)
    return FilePreview(path, table, table.sheets)


class _AttributesJson:
    """``json.dumps(attributes, ensure_ascii=False)``, written out for the usual case of text
    names and values, with each name's part written once per import (a file's rows share
    their column names), since the encoder's set-up per row outweighs the encoding
    (bench/population.py needs it)."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def __call__(self, attributes: Mapping[str, str]) -> str:
        names = self._names
        try:
            return "{" + ", ".join([
                (names.get(name) or self._name(name)) + encode_string(value)
                for name, value in attributes.items()
            ]) + "}"
        except TypeError:  # a name or value that is not text: the encoder says how
            return _JSON.encode(attributes)

    def _name(self, name: str) -> str:
        self._names[name] = part = encode_string(name) + ": "
        return part
