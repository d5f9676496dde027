"""The crash log keeps an unexpected error's kind and place; the screen gets a Swedish sentence
and where the log is, never the error's English name or what its message quoted."""

from __future__ import annotations

import stat
from collections.abc import Callable

from kvtui.crash_log import CRASH_LOG_NAME, crash_report, unexpected_error
from kvtui.paths import data_dir
from tests.testdata import PERSONNUMMER_FILE


def _failure(number: str) -> RuntimeError:
    """An error raised from another, both quoting case data, with a traceback."""
    try:
        try:
            raise KeyError(f"akten {number}")
        except KeyError as inner:
            raise RuntimeError(f"cellen sa \x1b[2J{number}") from inner
    except RuntimeError as error:
        return error


def test_the_screen_gets_a_sentence_and_the_log_the_place(
    crash_log: Callable[[], str],
) -> None:
    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[7]
    shown = unexpected_error("Filen kunde inte läsas.", _failure(number))
    log = data_dir() / CRASH_LOG_NAME
    assert shown == (f"Filen kunde inte läsas. Ett oväntat fel inträffade. Detaljer finns i "
                     f"{log}.")
    written = crash_log()
    assert "builtins.RuntimeError" in written and "builtins.KeyError" in written
    assert "in _failure" in written and "som uppstod under hanteringen av:" in written
    assert number not in written and "akten" not in written and "\x1b" not in written
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_report_names_kinds_and_places_only() -> None:
    report = crash_report(_failure("FV-1"))
    assert report.splitlines()[0] == "builtins.RuntimeError"
    assert "FV-1" not in report and "cellen" not in report


def test_the_text_shown_is_masked_and_escaped_once_for_all(
    crash_log: Callable[[], str],
) -> None:
    """What ``unexpected_error`` returns is ready to show: a sentence with a control character
    and a personnummer comes back escaped and masked, and doing either again changes nothing."""
    from kvtui.domain.personnummer import mask
    from kvtui.domain.safe_text import printable

    number = PERSONNUMMER_FILE.read_text(encoding="utf-8").split()[7]
    shown = unexpected_error(f"Akten \x1b[2J{number} kunde inte läsas.", _failure(number))
    assert "\x1b" not in shown and number not in shown
    assert printable(mask(shown)) == shown
    assert number not in crash_log()
