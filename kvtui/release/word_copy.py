"""The report as a Word working copy, written where the auditor asks.

The command line and the app do it the same way: read the review once, refuse a taken file
before any work, build the whole document in memory, then create the file new (never over
another, readable by the user alone, removed again if the write fails), as the PDF export
does. Nothing is stored: a Word copy is neither a fact-check round nor a sign-off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from kvtui.domain.report_data import ReportData
from kvtui.look import with_look
from kvtui.report.word import word_report
from kvtui.store.errors import InvalidInput
from kvtui.store.exports import target_path, word_file_name, write_export
from kvtui.store.report_data import load_report_data


@dataclass(frozen=True)
class WordCopy:
    """Where the Word copy went, and the review it was made from."""

    path: Path
    data: ReportData


def export_word(session: Session, review_id: str, folder: Path, *,
                output: str | os.PathLike[str] | None = None) -> WordCopy:
    """Write the review's report as a .docx to ``output`` (a file that must not exist, or a
    folder) or to a free name in ``folder``. Raises ``NotFound`` for an unknown review and
    ``ExportExists`` for a taken file and ``InvalidInput`` for a name that is not a .docx or a
    file where a folder should be, before anything is written."""
    if output and not Path(output).expanduser().is_dir() and (
            Path(output).suffix.lower() != ".docx"):
        raise InvalidInput(f"Word-filens namn ska sluta på .docx ({Path(output).name}), "
                           "eller ange en befintlig mapp.")
    data = with_look(load_report_data(session, review_id))
    name = word_file_name(data.diary_number, data.unit, data.report_date, data.version)
    target_path(output, folder, name)  # a taken file is refused before the work
    blob = word_report(data)
    return WordCopy(write_export(output, folder, name, blob), data)
