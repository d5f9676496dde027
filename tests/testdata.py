"""Where the tests find Skatteverket's published test personnummer (never issued to anyone).

A copy lives in the repository so that the suite runs the same on any machine.
"""

from __future__ import annotations

from pathlib import Path

TEST_NUMBERS_DIR = Path(__file__).resolve().parent / "data" / "testpersonnummer"
PERSONNUMMER_FILE = TEST_NUMBERS_DIR / "personnummer.txt"
SAMORDNINGSNUMMER_FILE = TEST_NUMBERS_DIR / "samordningsnummer.txt"

#: Skatteverket's table of numbers in every written form with verdicts (a few of them outside
#: the published lists: invalid ones).
CASES_FILE = TEST_NUMBERS_DIR / "cases.json"

#: Published Swedish quality reports (real text without personnummer), for measuring false
#: alarms (see the README beside them).
REPORTS_DIR = Path(__file__).resolve().parent / "data" / "rapporter"
