"""The fixed words the store keeps: answers, ratings and review statuses.

Each is a ``StrEnum`` whose values are the very strings already stored, hashed into signed
content and written to the change log, so a member compares equal to its string and a row read
back as a plain ``str`` needs no conversion. The Swedish names stay beside the rules that use
them (``answers.ANSWERS``, ``judgement.RATINGS``, ``reviews.STATUSES``), keyed by these members.
Criterion and section kinds have homes of their own (``criterion_kinds``, ``section_kinds``),
since each kind carries more than a name.
"""

from __future__ import annotations

from enum import StrEnum


class AnswerValue(StrEnum):
    """An answer to a criterion for one akt: Ja, Delvis, Nej or Ej aktuellt."""

    YES = "ja"
    PARTLY = "delvis"
    NO = "nej"
    NOT_APPLICABLE = "ej_aktuellt"


class Rating(StrEnum):
    """The quality level of a statement: Grön, Gul, Röd, or none."""

    GREEN = "gron"
    YELLOW = "gul"
    RED = "rod"
    NONE = ""


class ReviewStatus(StrEnum):
    """Where a review stands: planned, in fieldwork, out for fact-check, signed off."""

    PLANNING = "planning"
    FIELDWORK = "fieldwork"
    FACT_CHECK = "fact_check"
    SIGNED = "signed"
