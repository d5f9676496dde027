"""Where an unexpected error is written down, and what the auditor is told about it.

An exception's message can hold what the auditor typed or what a file said (a value in an SQL
statement, a cell of an imported list, a personnummer), and its class name is English to her.
So neither reaches the screen: the screen gets a Swedish sentence and the path of
``kvtui-fel.log``, and the log gets only the error's kind and where it happened.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

from kvtui.domain.personnummer import mask
from kvtui.domain.safe_text import printable
from kvtui.file_modes import PRIVATE_FILE
from kvtui.paths import data_dir

CRASH_LOG_NAME = "kvtui-fel.log"


def crash_report(error: BaseException) -> str:
    """The error's type and where it happened, frame by frame, and nothing it carried.

    Only class names, files, lines and functions are written, for the error and for every
    error it was raised from.
    """
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        lines.append(f"{kind.__module__}.{kind.__qualname__}")
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("som uppstod under hanteringen av:")
    return "\n".join(lines) + "\n"


def write_crash_log(error: BaseException) -> Path | None:
    """Append the error's ``crash_report`` where support can find it; None when it cannot be
    written. The file is the user's alone (the process umask, and 0600 when made here)."""
    try:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / CRASH_LOG_NAME
        handle = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
        with os.fdopen(handle, "a", encoding="utf-8") as stream:
            stream.write(f"--- {datetime.now().isoformat(timespec='seconds')}\n")
            stream.write(crash_report(error))
        return log
    except OSError:
        return None


def unexpected_error(sentence: str, error: BaseException) -> str:
    """``sentence`` (what failed, in Swedish) and where the details are, for the screen; the
    error goes to the crash log.

    The text returned is ready to show as it is: already masked (a personnummer in the log's
    path, or in ``sentence``) and escaped (``printable``: no character in it can act on the
    terminal). Show it as plain text (``markup=False``, or a ``rich.text.Text``); masking or
    escaping it again changes nothing.
    """
    log = write_crash_log(error)
    where = (f" Detaljer finns i {log}." if log is not None
             else " Detaljerna kunde inte sparas.")
    return printable(mask(f"{sentence} Ett oväntat fel inträffade.{where}"))
