"""One review as its report shows it: plain data, no rows and no session.

The store's read model (``kvtui.store.report_data.load_report_data``) builds a ``ReportData``
from the rows; ``kvtui.report`` renders the PDF from it, the app's Rapport part shows from it
what will be exported, and ``kvtui.domain.report_content`` takes from it the content a
fact-check freezes and a sign-off signs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kvtui.domain.filereview import SampledAkt
from kvtui.domain.judgement import (
    AssessmentView,
    DocumentView,
    InterviewView,
    SectionView,
    summary_assessments,
)
from kvtui.domain.look import CoverLook
from kvtui.domain.results import ReviewResults
from kvtui.domain.reviews import SIGNED, status_label
from kvtui.domain.sampling import StratumShare
from kvtui.domain.signoff import CommentView, FactCheckRoundView, SignOffView
from kvtui.domain.year_over_year import YearComparison


@dataclass(frozen=True)
class CriterionInfo:
    """A file-review criterion with the legal reference in force for the review's period."""

    id: str
    code: str
    question: str
    reference: str | None


@dataclass(frozen=True)
class SampleFacts:
    """How the sample was drawn, for the Metod and the appendix; ``allocation`` holds, for a
    stratified sample, what it reviews of each stratum (printed in the appendix only, so that
    the Metod, and with it the content a sign-off hashed, is what it was)."""

    method: str
    seed: str
    population_size: int
    sample_size: int
    stratify_by: str
    replaced: int
    #: Akter excluded with a reason, not replaced (they leave the sample reviewed).
    excluded: int = 0
    #: The akter replaced or excluded, in drawn order, with their reasons (the appendix list).
    set_aside: tuple[SampledAkt, ...] = ()
    #: How many akter were drawn (and added by extensions), replacements not counted.
    drawn: int = 0
    allocation: tuple[StratumShare, ...] = ()


@dataclass(frozen=True)
class ReportData:
    """One review as the report shows it. Built by ``load_report_data``; plain data only.

    ``sections`` are all the template's sections in report order (summary, purpose, method,
    text and references kinds), each with its text and statements. ``method_text`` is what
    the Metod section prints: the auditor's text, or the draft when she has not edited it.
    ``warnings`` say, in Swedish, what is still missing (empty sections, chapters without a
    statement, statements without a colour or evidence, unanswered criteria).
    """

    review_id: str
    title: str
    unit: str
    municipality: str
    committee: str
    diary_number: str
    auditors: tuple[str, ...]
    period_start: date | None
    period_end: date | None
    purpose: str
    scope: str
    status: str
    version: int
    report_date: date
    template_title: str
    template_version: str
    law: str
    references_checked: date | None
    method_text: str
    method_draft: str
    sections: tuple[SectionView, ...]
    interviews: tuple[InterviewView, ...]
    documents: tuple[DocumentView, ...]
    criteria: tuple[CriterionInfo, ...]
    sample: SampleFacts | None
    results: ReviewResults | None
    unanswered: int
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: The akter of the sample not yet reviewed (in drawn order), which block a sign-off,
    #: and how many akter the sample has to review.
    unreviewed: tuple[str, ...] = ()
    to_review: int = 0
    #: The sign-off of this version (None until signed; the sign-off page prints it).
    sign_off: SignOffView | None = None
    #: The sign-off of the version this one replaces, when the review was reopened.
    replaces: SignOffView | None = None
    #: Why the review was reopened for this version ("" for version 1).
    reopen_reason: str = ""
    #: Drafts sent to the unit for fact-check (every version's, oldest first: a version 2 was
    #: fact-checked as version 1), and the unit's comments.
    factcheck_rounds: tuple[FactCheckRoundView, ...] = ()
    factcheck_comments: tuple[CommentView, ...] = ()
    #: Whether the report ends with a Bilaga listing the unit's comments and the responses
    #: (the auditor's choice when exporting; never set by ``load_report_data``).
    factcheck_appendix: bool = False
    #: The installation's look on the cover (committee's name, logo), added by whoever makes
    #: the PDF (``kvtui.look.cover_look``); never part of the content a sign-off signs.
    look: CoverLook | None = None
    #: This review's criteria beside the review it was started from, for the section
    #: "Jämfört med föregående granskning" (None when the report has no such section).
    comparison: YearComparison | None = None
    #: The review this one was started from, whether or not this store holds it.
    previous_review_id: str | None = None

    @property
    def status_label(self) -> str:
        """The review's status in Swedish (Planering, Pågående, Faktagranskning, Signerad)."""
        return status_label(self.status)

    @property
    def signed(self) -> bool:
        """Whether the review has been signed off."""
        return self.status == SIGNED

    @property
    def method_edited(self) -> bool:
        """Whether the Metod printed is the auditor's own text rather than the draft."""
        return self.method_text != self.method_draft

    @property
    def criteria_by_id(self) -> dict[str, CriterionInfo]:
        """The criteria keyed by id, for the evidence behind statements."""
        return {criterion.id: criterion for criterion in self.criteria}

    def summary_rows(self) -> list[tuple[SectionView, AssessmentView]]:
        """The rated statements chosen for the summary table, in report order."""
        return [(section, assessment)
                for section, assessment in summary_assessments(self.sections)
                if assessment.rating]

    def unrated_in_summary(self) -> list[AssessmentView]:
        """Statements marked for the summary that have no colour (left out of the table)."""
        return [assessment for _section, assessment in summary_assessments(self.sections)
                if not assessment.rating]
