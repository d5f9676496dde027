"""Row models of the store.

Every record carries a UUID and created/updated timestamps so that work from two laptops can be
merged later. Lists and small structures (auditors, roles, legal references, attributes) are
JSON text: they are read and written whole and never queried by part. Rows stay in ``store/``;
the rest of kvtui gets plain data back from the query modules.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def new_id() -> str:
    """A fresh UUID as text, the primary key of every record."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Now in UTC, to the second (timestamps are compared across laptops when merging)."""
    return datetime.now(UTC).replace(microsecond=0)


class Record(SQLModel):
    """Columns every table has."""

    # Pydantic's validators are built on first use, not at import: rows are never validated
    # on the way in, and building them for every table cost a tenth of a second at start.
    # A plain dict: SQLModel types model_config as its own TypedDict, not pydantic's ConfigDict.
    model_config = {"defer_build": True}

    id: str = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Review(Record, table=True):
    """One quality review of one unit."""

    title: str
    unit: str = ""
    municipality: str = ""
    committee: str = ""
    diary_number: str = ""
    auditors_json: str = "[]"
    period_start: date | None = None
    period_end: date | None = None
    purpose: str = ""
    scope: str = ""
    method_text: str = ""
    status: str = Field(default="planning", index=True)
    version: int = 1


class ReviewTemplate(Record, table=True):
    """The review's own copy of the template it was created from."""

    __tablename__ = "review_template"

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", unique=True)
    name: str
    title: str
    version: str
    law: str = ""
    references_checked: date | None = None
    source_toml: str


class ReviewSection(Record, table=True):
    """A report section of the review, copied from its template."""

    __tablename__ = "review_section"
    __table_args__ = (UniqueConstraint("review_id", "number", "title"),)

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    number: str = ""
    title: str
    dimension: str = ""
    kind: str = "text"
    position: int


class ReviewCriterion(Record, table=True):
    """A file-review criterion of the review, copied from its template."""

    __tablename__ = "review_criterion"
    __table_args__ = (UniqueConstraint("review_id", "code"),)

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    code: str
    question: str
    kind: str
    group_name: str = ""
    references_json: str = "[]"
    applies_json: str = "null"
    params_json: str = "{}"
    position: int


class CaseFile(Record, table=True):
    """One client's file in the unit's case system, by pseudonymous reference."""

    __tablename__ = "case_file"
    # The unique index also serves lookups by review (no separate index: migration 0005).
    __table_args__ = (UniqueConstraint("review_id", "reference"),)

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE")
    reference: str
    attributes_json: str = "{}"
    position: int


class Sample(Record, table=True):
    """A drawn sample: method, size, seed, and who drew it when."""

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    method: str
    target_size: int | None = None
    fraction: float | None = None
    stratify_by: str = ""
    seed: str
    population_size: int
    drawn_by: str = ""
    drawn_at: datetime = Field(default_factory=utcnow)


class SampleItem(Record, table=True):
    """One akt in a sample, in drawn order, possibly replaced with a reason."""

    __tablename__ = "sample_item"
    # The unique index also serves lookups by sample (no separate index: migration 0005).
    __table_args__ = (UniqueConstraint("sample_id", "case_file_id"),)

    sample_id: str = Field(foreign_key="sample.id", ondelete="CASCADE")
    case_file_id: str = Field(foreign_key="case_file.id", ondelete="CASCADE")
    position: int
    status: str = "active"
    replaced_reason: str = ""
    replaces_id: str | None = Field(default=None, foreign_key="sample_item.id")


class Answer(Record, table=True):
    """The auditor's answer for one akt and one criterion."""

    __table_args__ = (
        UniqueConstraint("case_file_id", "criterion_id"),
        CheckConstraint("value IN ('ja', 'delvis', 'nej', 'ej_aktuellt')", name="answer_value"),
    )

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    case_file_id: str = Field(foreign_key="case_file.id", ondelete="CASCADE")
    criterion_id: str = Field(foreign_key="review_criterion.id", ondelete="CASCADE")
    value: str
    start_date: date | None = None
    end_date: date | None = None
    number: int | None = None
    computed_value: str = ""
    override_reason: str = ""
    comment: str = ""
    # The granskare who gave the answer, as the review names her ("" when the laptop's
    # auditor had not said who she is): kept on the answer, since the change log's actor is
    # the laptop's user and not one of the review's granskare.
    answered_by: str = ""


class UnansweredComment(Record, table=True):
    """A comment on a criterion of an akt written before the criterion is answered.

    Kept apart from ``Answer`` so that a criterion with only a comment stays unanswered
    everywhere answers are counted (progress, statistics, the report). When the criterion is
    answered the comment moves into the answer, and back here if that answer is undone.
    """

    __tablename__ = "unanswered_comment"
    __table_args__ = (UniqueConstraint("case_file_id", "criterion_id"),)

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    case_file_id: str = Field(foreign_key="case_file.id", ondelete="CASCADE")
    criterion_id: str = Field(foreign_key="review_criterion.id", ondelete="CASCADE")
    comment: str = ""


class Interview(Record, table=True):
    """A conversation with staff, recorded by role, never by name."""

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    held_on: date | None = None
    roles_json: str = "[]"
    participants: int = 1
    form: str = "individual"
    notes: str = ""


class AktAssignment(Record, table=True):
    """Which granskare reviews a sampled akt."""

    __tablename__ = "akt_assignment"

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    case_file_id: str = Field(foreign_key="case_file.id", ondelete="CASCADE", unique=True)
    auditor: str


class InterviewAssignment(Record, table=True):
    """Which granskare holds an interview."""

    __tablename__ = "interview_assignment"

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    interview_id: str = Field(foreign_key="interview.id", ondelete="CASCADE", unique=True)
    auditor: str


class Observation(Record, table=True):
    """A short quote or finding from an interview."""

    interview_id: str = Field(foreign_key="interview.id", ondelete="CASCADE", index=True)
    text: str
    position: int = 0


class ObservationSection(Record, table=True):
    """Links an observation to a report section it supports."""

    __tablename__ = "observation_section"
    __table_args__ = (UniqueConstraint("observation_id", "section_id"),)

    observation_id: str = Field(foreign_key="observation.id", ondelete="CASCADE")
    section_id: str = Field(foreign_key="review_section.id", ondelete="CASCADE")


class Document(Record, table=True):
    """A document read during the review, listed under Referenser."""

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    title: str
    kind: str = ""
    dated: date | None = None
    provided_by: str = ""


class SectionText(Record, table=True):
    """The auditor's narrative for one report section."""

    __tablename__ = "section_text"

    section_id: str = Field(foreign_key="review_section.id", ondelete="CASCADE", unique=True)
    text: str = ""


class Assessment(Record, table=True):
    """A statement of judgement in a section, optionally colour-rated."""

    __table_args__ = (
        CheckConstraint("rating IN ('', 'gron', 'gul', 'rod')", name="assessment_rating"),
    )

    section_id: str = Field(foreign_key="review_section.id", ondelete="CASCADE", index=True)
    statement: str
    rating: str = ""
    in_summary: bool = True
    position: int = 0


class EvidenceLink(Record, table=True):
    """Links an assessment to one piece of evidence: a criterion, an observation or a document."""

    __tablename__ = "evidence_link"
    __table_args__ = (
        CheckConstraint(
            "(criterion_id IS NOT NULL) + (observation_id IS NOT NULL)"
            " + (document_id IS NOT NULL) = 1",
            name="evidence_one_target",
        ),
    )

    assessment_id: str = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    criterion_id: str | None = Field(
        default=None, foreign_key="review_criterion.id", ondelete="CASCADE"
    )
    observation_id: str | None = Field(
        default=None, foreign_key="observation.id", ondelete="CASCADE"
    )
    document_id: str | None = Field(default=None, foreign_key="document.id", ondelete="CASCADE")


class FactCheckComment(Record, table=True):
    """What the unit said about the draft, and the auditor's response."""

    __tablename__ = "factcheck_comment"

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    section_id: str | None = Field(
        default=None, foreign_key="review_section.id", ondelete="SET NULL"
    )
    role: str = ""
    text: str
    received_on: date | None = None
    response: str = ""
    response_reason: str = ""


class SignOff(Record, table=True):
    """The sign-off of one version of the report."""

    __tablename__ = "sign_off"

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    version: int
    name: str
    role: str = ""
    approver_name: str = ""
    approver_role: str = ""
    signed_at: datetime = Field(default_factory=utcnow)
    content_json: str
    content_sha256: str
    pdf_sha256: str = ""
    # The exact signed file, so that a later export hands out the very bytes that were signed.
    pdf: bytes | None = None
    certificate: str = ""  # the PAdES signer's certificate subject, empty when not signed so
    certificate_sha256: str = ""  # that certificate's SHA-256 fingerprint (DER)
    # The change log's last entry before the sign-off: what the log held when it was signed.
    log_seq: int = 0
    log_hash: str = ""
    # A hash over every row of the review, and the columns it covers (JSON), so that a change
    # the report does not print (a swapped answer, a renamed akt) is found too.
    records_sha256: str = ""
    records_columns: str = ""


class FactCheckRound(Record, table=True):
    """A draft sent to the unit for fact-check: its content frozen with its hash."""

    __tablename__ = "factcheck_round"

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    version: int
    number: int
    sent_on: date
    content_json: str
    content_sha256: str
    pdf_sha256: str = ""


class ReviewReopening(Record, table=True):
    """A signed review reopened: why, and the version it starts."""

    __tablename__ = "review_reopening"

    review_id: str = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    from_version: int
    to_version: int
    reason: str
    actor: str = ""


class FalseAlarm(Record, table=True):
    """A number the auditor confirmed is not a personnummer: stored as typed from then on.

    ``digits`` is the number's digits as written (see ``IdNumber.key``); the rule of
    ``kvtui.store.idnumber_rule`` masks every other number found in free text.
    """

    __tablename__ = "false_alarm"

    digits: str = Field(unique=True)
    actor: str = ""


class ChangeLog(Record, table=True):
    """Append-only, hash-chained record of every change.

    It has no foreign key to the review so that it outlives what it records.
    """

    __tablename__ = "change_log"

    seq: int = Field(unique=True)
    review_id: str | None = Field(default=None, index=True)
    entity: str
    entity_id: str
    action: str
    changes_json: str = "{}"
    actor: str = ""
    prev_hash: str
    hash: str


class Draft(Record, table=True):
    """Text typed in an open dialog and not saved yet, kept so that a killed terminal loses
    none of it (``kvtui.store.drafts``).

    Deliberately outside the signed record: a draft is not part of any review (no foreign key,
    so neither the lock of a signed review nor its row hash covers it), it is never logged, and
    it is deleted once the dialog saves or the auditor discards it. Its text is masked like
    every free text.
    """

    key: str = Field(unique=True)
    review_id: str | None = None
    title: str = ""
    fields_json: str = "{}"


# --- The unit's action plan (åtgärdsplan) and its follow-up ------------------------------------
# None of these tables has a foreign key to a review: the plan belongs to the unit and outlives
# the reviews it came from, so a signed review's lock does not reach it. What a risk or an
# indicator value took from a review is copied onto it, with the review's id as plain text.


class ActionPlan(Record, table=True):
    """The action plan of one unit, decided by the committee on ``decided_on``."""

    __tablename__ = "action_plan"

    unit: str
    municipality: str = ""
    committee: str = ""
    unit_key: str = Field(unique=True)
    title: str = ""
    decided_on: date
    # The committee's own risk matrix as {"PxS": level}; empty for kvtui's default.
    matrix_json: str = ""


class PlanArea(Record, table=True):
    """A quality area of the plan, numbered as the committee numbers its risks."""

    __tablename__ = "plan_area"
    __table_args__ = (UniqueConstraint("plan_id", "number"),
                      CheckConstraint("number >= 1", name="plan_area_number"))

    plan_id: str = Field(foreign_key="action_plan.id", ondelete="CASCADE")
    number: int
    name: str
    # The highest number a deleted risk of the area had: never given to another risk.
    retired_risk_number: int = 0


class PlanRisk(Record, table=True):
    """A risk of the plan: by hand, or from a Gul or Röd statement of a signed review."""

    __tablename__ = "plan_risk"
    __table_args__ = (
        UniqueConstraint("area_id", "number"),
        UniqueConstraint("plan_id", "source_assessment_id"),
        CheckConstraint("number >= 1", name="plan_risk_number"),
        CheckConstraint("source_rating IN ('', 'gul', 'rod')", name="plan_risk_source_rating"),
    )

    plan_id: str = Field(foreign_key="action_plan.id", ondelete="CASCADE", index=True)
    area_id: str = Field(foreign_key="plan_area.id", ondelete="CASCADE")
    number: int
    title: str
    description: str = ""
    # The statement it came from, as it stood in the signed version (no foreign key).
    source_review_id: str | None = None
    source_assessment_id: str | None = None
    source_version: int | None = None
    source_review_title: str = ""
    source_section: str = ""
    source_statement: str = ""
    source_rating: str = ""
    # The highest numbers deleted actions and indicators had: never given again.
    retired_action_number: int = 0
    retired_indicator_number: int = 0


class RiskAssessment(Record, table=True):
    """One dated assessment of a risk on the matrix, kept for the risk's history."""

    __tablename__ = "risk_assessment"
    __table_args__ = (
        CheckConstraint("probability BETWEEN 1 AND 4", name="risk_assessment_probability"),
        CheckConstraint("severity BETWEEN 1 AND 4", name="risk_assessment_severity"),
        CheckConstraint("level IN ('gron', 'gul', 'rod')", name="risk_assessment_level"),
    )

    risk_id: str = Field(foreign_key="plan_risk.id", ondelete="CASCADE", index=True)
    round_id: str | None = Field(default=None, foreign_key="followup_round.id",
                                 ondelete="SET NULL", index=True)
    assessed_on: date
    probability: int
    severity: int
    # The level the matrix in force gave the cell, kept so a later matrix rewrites no history.
    level: str
    comment: str = ""


class PlanAction(Record, table=True):
    """An action against a risk: who is responsible (a role), by when, and its status."""

    __tablename__ = "plan_action"
    __table_args__ = (
        UniqueConstraint("risk_id", "number"),
        CheckConstraint("status IN ('planned', 'ongoing', 'done', 'cancelled')",
                        name="plan_action_status"),
    )

    risk_id: str = Field(foreign_key="plan_risk.id", ondelete="CASCADE")
    number: int
    title: str
    description: str = ""
    responsible_role: str = ""
    deadline: date | None = None
    status: str = "planned"


class PlanActivity(Record, table=True):
    """One activity of an action, in order."""

    __tablename__ = "plan_activity"

    action_id: str = Field(foreign_key="plan_action.id", ondelete="CASCADE", index=True)
    text: str
    position: int = 0


class FollowupRound(Record, table=True):
    """A follow-up of the plan for one period (a tertial, a month or a date)."""

    __tablename__ = "followup_round"
    __table_args__ = (UniqueConstraint("plan_id", "period"),)

    plan_id: str = Field(foreign_key="action_plan.id", ondelete="CASCADE")
    period: str  # "2020-T2", "2020-08" or "2020-08-31" (kvtui.domain.action_plan.Period.key)
    held_on: date
    summary: str = ""


class ActionFollowup(Record, table=True):
    """An action's traffic light and comment at one follow-up round."""

    __tablename__ = "action_followup"
    __table_args__ = (
        UniqueConstraint("round_id", "action_id"),
        CheckConstraint("light IN ('gron', 'gul', 'rod')", name="action_followup_light"),
    )

    round_id: str = Field(foreign_key="followup_round.id", ondelete="CASCADE")
    action_id: str = Field(foreign_key="plan_action.id", ondelete="CASCADE", index=True)
    light: str
    comment: str = ""


class PlanIndicator(Record, table=True):
    """An indicator that shows whether a risk goes down: a share in per cent or a count."""

    __tablename__ = "plan_indicator"
    __table_args__ = (
        CheckConstraint("kind IN ('share', 'count')", name="plan_indicator_kind"),
        CheckConstraint("kind <> 'share' OR baseline IS NULL OR baseline BETWEEN 0 AND 100",
                        name="plan_indicator_baseline"),
    )

    risk_id: str = Field(foreign_key="plan_risk.id", ondelete="CASCADE", index=True)
    name: str
    kind: str = "share"
    baseline: float | None = None
    position: int = 0


class IndicatorValue(Record, table=True):
    """An indicator's value at one follow-up round: typed in, or a criterion's share Ja in a
    review (then the counts and the review are kept with it)."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "round_id"),
        CheckConstraint("share IS NULL OR share BETWEEN 0 AND 100", name="indicator_value_share"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="indicator_value_amount"),
    )

    indicator_id: str = Field(foreign_key="plan_indicator.id", ondelete="CASCADE")
    round_id: str = Field(foreign_key="followup_round.id", ondelete="CASCADE", index=True)
    # Exactly one of these for a measured value, as the indicator's kind says; both empty
    # when it was not measured this round (u.s.).
    share: float | None = None
    amount: float | None = None
    note: str = ""
    source_review_id: str | None = None
    source_criterion: str = ""
    source_yes: int | None = None
    source_applicable: int | None = None


class FollowupSignOff(Record, table=True):
    """The committee's sign-off of a follow-up round: from then on the store's triggers
    (migration 0013) refuse every change to what the round recorded. Never changed."""

    __tablename__ = "followup_signoff"
    __table_args__ = (
        CheckConstraint("length(trim(signed_by)) > 0", name="followup_signoff_signed_by"),
        CheckConstraint("length(trim(role)) > 0", name="followup_signoff_role"),
        CheckConstraint("length(content_sha256) = 64 AND content_sha256 NOT GLOB "
                        "'*[^0-9a-f]*'", name="followup_signoff_content_sha256"),
        CheckConstraint("pdf_sha256 IS NULL OR (length(pdf_sha256) = 64 AND pdf_sha256 NOT "
                        "GLOB '*[^0-9a-f]*')", name="followup_signoff_pdf_sha256"),
        CheckConstraint("log_seq >= 0 AND length(log_hash) = 64", name="followup_signoff_log"),
    )

    plan_id: str = Field(foreign_key="action_plan.id", index=True)
    round_id: str = Field(foreign_key="followup_round.id", unique=True)
    period: str
    signed_by: str
    role: str
    signed_at: datetime
    # The round's canonical content (kvtui.domain.plan_signoff) and its SHA-256.
    content_json: str
    content_sha256: str
    pdf_sha256: str | None = None
    # The change log's head when the round was signed.
    log_seq: int
    log_hash: str


# --- Merging two copies of a review (kvtui.store.merge) ----------------------------------------
# Plain tables without the Record columns: a stamp is keyed by what it stamps. The stamps, the
# context and the conflicts carry the review's id so that a copy of the review carries them.


class MergeSite(SQLModel, table=True):
    """This store's site: a random id made once, that every stamp the store writes names."""

    __tablename__ = "merge_site"

    id: int = Field(default=1, primary_key=True)
    site: str


class MergeStamp(SQLModel, table=True):
    """Which site's change, by its counter (the change log's seq there), a field of a row of a
    review last holds; ``field`` "#deleted" is a deleted row's tombstone."""

    __tablename__ = "merge_stamp"
    # The tombstones of a review, found without reading its other stamps.
    __table_args__ = (Index("ix_merge_stamp_tombstone", "review_id", "entity",
                            sqlite_where=text("field = '#deleted'")),)

    entity: str = Field(primary_key=True)
    row_id: str = Field(primary_key=True)
    field: str = Field(primary_key=True)
    review_id: str = Field(index=True)
    site: str
    counter: int
    actor: str = ""
    at: str = ""


class MergeContext(SQLModel, table=True):
    """Per review and site, the highest counter of that site's changes the store has seen."""

    __tablename__ = "merge_context"

    review_id: str = Field(primary_key=True)
    site: str = Field(primary_key=True)
    counter: int


class MergeConflict(SQLModel, table=True):
    """A field both copies changed since they last met: both values with their stamps (side a
    has the higher stamp and is the value shown until it is settled)."""

    __tablename__ = "merge_conflict"

    id: str = Field(primary_key=True)
    review_id: str = Field(index=True)
    entity: str
    row_id: str
    field: str
    label_json: str = "{}"
    value_a: str | None = None
    site_a: str
    counter_a: int
    actor_a: str = ""
    at_a: str = ""
    value_b: str | None = None
    site_b: str
    counter_b: int
    actor_b: str = ""
    at_b: str = ""
    resolved_at: str | None = None
    resolved_by: str = ""
    resolution: str = ""
    resolved_value: str | None = None
    resolved_counter: int = 0
