"""Why a file operation failed, said in Swedish whatever language the system speaks."""

from __future__ import annotations

import errno

from kvtui.domain.file_errors import database_error_reason, file_error_reason


def test_the_reasons_a_user_can_act_on_are_swedish() -> None:
    assert file_error_reason(FileNotFoundError(errno.ENOENT, "No such file or directory")) == (
        "filen eller mappen finns inte")
    assert file_error_reason(PermissionError(errno.EACCES, "Permission denied")) == (
        "behörighet saknas")
    assert file_error_reason(OSError(errno.ENOSPC, "No space left on device")) == (
        "det finns inte plats på disken")
    assert file_error_reason(OSError(errno.ENOTRECOVERABLE, "State not recoverable")) == (
        f"felkod {errno.ENOTRECOVERABLE}")
    assert file_error_reason(OSError("no number")) == "okänt fel"


def test_sqlite_errors_by_their_primary_code() -> None:
    assert database_error_reason("SQLITE_IOERR_WRITE") == (
        "disken kunde inte läsas eller skrivas (in- och utmatningsfel)")
    assert database_error_reason("SQLITE_FULL") == "det finns inte plats på disken"
    assert database_error_reason("SQLITE_NOTADB") == "filen är ingen databas"
    assert database_error_reason("SQLITE_SCHEMA") == "databasfel (SQLITE_SCHEMA)"
    assert database_error_reason(None) == "databasfel"
