"""What a review is, as the rest of kvtui sees it: plain data and the rules about its status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kvtui.domain.safe_text import blank, typed_text
from kvtui.domain.vocabulary import ReviewStatus

STATUSES: dict[str, str] = {
    ReviewStatus.PLANNING: "Planering",
    ReviewStatus.FIELDWORK: "Pågående",
    ReviewStatus.FACT_CHECK: "Faktagranskning",
    ReviewStatus.SIGNED: "Signerad",
}

SIGNED = ReviewStatus.SIGNED
SHORT_ID_LENGTH = 8


def status_label(status: str) -> str:
    """The Swedish name of a status."""
    return STATUSES.get(status, status)


def short_id(review_id: str) -> str:
    """The short id shown to users and accepted by the command line."""
    return review_id.replace("-", "")[:SHORT_ID_LENGTH]


def progress_share(answered: int, expected: int) -> float:
    """The share of expected answers given, 0.0 when nothing is expected yet."""
    if expected <= 0:
        return 0.0
    return min(1.0, answered / expected)


def split_auditors(text: str) -> list[str]:
    """Auditors typed as one line, separated by commas or semicolons."""
    names = (name.strip() for name in typed_text(text).replace(";", ",").split(","))
    return [name for name in names if name]


def parse_date(text: str) -> date:
    """A date written 2024-03-05, 20240305 or 2024-3-5; ``ValueError`` in Swedish otherwise."""
    raw = text.strip()
    parts: list[str]
    if "-" in raw:
        parts = raw.split("-")
    elif len(raw) == 8 and raw.isdigit():
        parts = [raw[:4], raw[4:6], raw[6:]]
    else:
        parts = []
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(f"'{text}' är inte ett datum (skriv till exempel 2024-03-05).")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(f"'{text}' är inget giltigt datum.") from None


@dataclass(frozen=True)
class ReviewFields:
    """What the auditor fills in when creating or editing a review."""

    title: str
    unit: str = ""
    municipality: str = ""
    committee: str = ""
    diary_number: str = ""
    auditors: tuple[str, ...] = ()
    period_start: date | None = None
    period_end: date | None = None
    purpose: str = ""
    scope: str = ""

    def problems(self) -> list[str]:
        """What is wrong with the fields, in Swedish; empty when they can be saved."""
        found: list[str] = []
        if blank(self.title):
            found.append("Titel saknas.")
        if self.period_start and self.period_end and self.period_start > self.period_end:
            found.append("Granskningsperiodens början ligger efter dess slut.")
        return found


@dataclass(frozen=True)
class ReviewSummary:
    """A review as the Granskningar list shows it."""

    id: str
    title: str
    unit: str
    municipality: str
    status: str
    template_title: str
    case_files: int
    sampled: int
    answered: int
    expected: int
    updated: datetime  # UTC: the laptop's local time is for display only
    diary_number: str = ""

    @property
    def short_id(self) -> str:
        """The id users type."""
        return short_id(self.id)

    @property
    def status_label(self) -> str:
        """The status in Swedish."""
        return status_label(self.status)

    def updated_text(self, *, with_time: bool = True) -> str:
        """When the review last changed, in the laptop's local time."""
        moment = self.updated.astimezone() if self.updated.tzinfo else self.updated
        return moment.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")

    @property
    def progress(self) -> float:
        """Answers given out of answers expected."""
        return progress_share(self.answered, self.expected)


@dataclass(frozen=True)
class SectionInfo:
    """A report section of a review."""

    id: str
    number: str
    title: str
    dimension: str
    kind: str

    @property
    def heading(self) -> str:
        """Number and title as the report prints them."""
        return f"{self.number} {self.title}".strip()


@dataclass(frozen=True)
class ReviewDetail:
    """One review with its parts, as the workspace shows it."""

    summary: ReviewSummary
    fields: ReviewFields
    template_name: str
    template_version: str
    sections: tuple[SectionInfo, ...] = field(default_factory=tuple)
    criteria_codes: tuple[str, ...] = field(default_factory=tuple)
    # Fields both auditors changed that a merge left for a person to settle (Konflikter).
    open_conflicts: int = 0
