"""Everything the report needs, gathered from the store into one plain object.

A read model: ``load_report_data`` reads a review once and returns the domain's
``ReportData`` (``kvtui.domain.report_data``): frozen dataclasses and the domain's views, no
rows and no session. ``kvtui.report`` builds the PDF from it and never touches the store; the
Rapport part of the app shows from it what will be exported. ``current_content`` is the
report's content now with its hash (``kvtui.domain.report_content``), what a fact-check round
freezes and a sign-off signs: the release flow (``kvtui.release``) takes it here and hands it
to the store's workflows.

The Metod section is drafted from the data (``kvtui.domain.method_text``) unless the auditor
has edited it: ``set_method_text`` saves her text with a change-log entry, and
``reset_method_text`` returns to the draft (an empty stored text means "use the draft").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, select

from kvtui.domain.assurance import method_sentence
from kvtui.domain.filereview import ACTIVE, EXCLUDED, REPLACED
from kvtui.domain.judgement import DocumentView, InterviewView, SectionView, missing_before_report
from kvtui.domain.legal_names import cited_laws
from kvtui.domain.method_text import InterviewFact, MethodFacts, draft_method_text
from kvtui.domain.report_content import ReportContent
from kvtui.domain.report_data import CriterionInfo, ReportData, SampleFacts
from kvtui.domain.reviews import SIGNED
from kvtui.domain.section_kinds import COMPARISON_KIND, written
from kvtui.domain.section_text import section_problems
from kvtui.store import changelog
from kvtui.store.answers import review_criteria
from kvtui.store.assessments import review_sections
from kvtui.store.documents import list_documents
from kvtui.store.factcheck import list_comments, rounds
from kvtui.store.guards import writable_review
from kvtui.store.interviews import list_interviews
from kvtui.store.models import Review, ReviewTemplate, SignOff, utcnow
from kvtui.store.previous_review import previous_review_id, review_comparison
from kvtui.store.results import review_results
from kvtui.store.review_detail import unanswered_criteria
from kvtui.store.reviews import get_review, review_fields
from kvtui.store.sampling import current_sample, sample_allocation, unreviewed_akter
from kvtui.store.signoff import current_sign_off, reopenings, sign_offs


def _method_facts(
    session: Session, review: Review, sections: Sequence[SectionView],
    interviews: Sequence[InterviewView], documents: Sequence[DocumentView],
    sample: SampleFacts | None, criteria: Sequence[CriterionInfo], law: str,
    reviewed: int | None = None, assurance: str = "",
) -> MethodFacts:
    chapters = [(s.title, s.dimension) for s in sections
                if written(s.kind) and s.level == 1 and s.dimension]
    return MethodFacts(
        interviews=tuple(InterviewFact(i.roles, i.participants, i.form) for i in interviews),
        document_count=len(documents),
        document_kinds=tuple(dict.fromkeys(d.kind for d in documents if d.kind)),
        auditor_count=len(json.loads(review.auditors_json)),
        population_size=sample.population_size if sample else None,
        sample_size=sample.sample_size if sample else 0,
        sample_method=sample.method if sample else "",
        stratify_by=sample.stratify_by if sample else "",
        seed=sample.seed if sample else "",
        replaced=sample.replaced if sample else 0,
        excluded=tuple((a.reference, a.replaced_reason) for a in sample.set_aside
                       if a.status == EXCLUDED) if sample else (),
        replacements=tuple((a.reference, a.replaced_by, a.replaced_reason)
                           for a in sample.set_aside if a.status == REPLACED)
        if sample else (),
        criteria_count=len(criteria),
        period_start=review.period_start,
        period_end=review.period_end,
        law=law,
        laws=cited_laws(c.reference for c in criteria if c.reference),
        committee=review.committee,
        dimensions=tuple(chapters),
        reviewed=reviewed,
        assurance=assurance,
    )


def _signed_method(session: Session, review: Review) -> str | None:
    """The Metod a signed review was signed with, when it printed kvtui's draft.

    The draft follows kvtui's wording, which may change; a signed report must not, so a signed
    review prints the Metod frozen in its sign-off.
    """
    if review.status != SIGNED or review.method_text.strip():
        return None
    row = session.exec(select(SignOff).where(SignOff.review_id == review.id,
                                             SignOff.version == review.version)).first()
    if row is None:
        return None
    content = json.loads(row.content_json)
    method = content.get("method") if isinstance(content, dict) else None
    return method if isinstance(method, str) else None


def load_report_data(
    session: Session, review_id: str, *, today: date | None = None
) -> ReportData:
    """Read everything the report of this review shows. ``today`` dates the report."""
    review = get_review(session, review_id)
    template = session.exec(
        select(ReviewTemplate).where(ReviewTemplate.review_id == review_id)
    ).first()
    sections = tuple(review_sections(session, review_id))
    interviews = tuple(list_interviews(session, review_id))
    documents = tuple(list_documents(session, review_id))
    criteria = tuple(CriterionInfo(view.id, view.code, view.criterion.question, view.reference)
                     for view in review_criteria(session, review_id))
    info = current_sample(session, review_id)
    sample = None
    if info is not None:
        sample = SampleFacts(info.method, info.seed, info.population_size, len(info.active),
                             info.stratify_by, len(info.replaced), len(info.excluded),
                             tuple(a for a in info.items if a.status != ACTIVE), info.drawn,
                             sample_allocation(session, review_id, info))
    results = review_results(session, review_id) if info is not None else None
    unanswered = unanswered_criteria(session, review_id)
    law = template.law if template else ""
    unreviewed, to_review = unreviewed_akter(session, review_id)
    draft = _signed_method(session, review)
    if draft is None:
        draft = draft_method_text(_method_facts(session, review, sections, interviews,
                                                documents, sample, criteria, law,
                                                to_review - len(unreviewed),
                                                method_sentence(results) if results else ""))
    warnings = missing_before_report(sections, interviews, unanswered,
                                     (len(unreviewed), to_review),
                                     [c.code for c in criteria if c.reference is None])
    warnings += section_problems(sections, interviews)
    earlier = {s.version: s for s in sign_offs(session, review_id)}
    reopened = {r.to_version: r for r in reopenings(session, review_id)}
    return ReportData(
        review_id=review.id,
        **vars(review_fields(review)),
        status=review.status,
        version=review.version,
        report_date=today or date.today(),
        template_title=template.title if template else "",
        template_version=template.version if template else "",
        law=law,
        references_checked=template.references_checked if template else None,
        method_text=review.method_text if review.method_text.strip() else draft,
        method_draft=draft,
        sections=sections,
        interviews=interviews,
        documents=documents,
        criteria=criteria,
        sample=sample,
        results=results,
        unanswered=unanswered,
        warnings=tuple(warnings),
        unreviewed=tuple(unreviewed),
        to_review=to_review,
        sign_off=current_sign_off(session, review_id),
        replaces=earlier.get(review.version - 1),
        reopen_reason=reopened[review.version].reason if review.version in reopened else "",
        factcheck_rounds=tuple(rounds(session, review_id)),
        factcheck_comments=tuple(list_comments(session, review_id)),
        comparison=(review_comparison(session, review_id)
                    if any(s.kind == COMPARISON_KIND for s in sections) else None),
        previous_review_id=previous_review_id(session, review_id),
    )


def current_content(session: Session, review_id: str) -> ReportContent:
    """The report's content now, with its hash: what a fact-check round or a sign-off would
    freeze, and what a signed review's stored hash is checked against."""
    return ReportContent.of(load_report_data(session, review_id))


def drafted_method_text(session: Session, review_id: str) -> str:
    """The Metod as kvtui drafts it from the data now, whatever the auditor has edited."""
    return load_report_data(session, review_id).method_draft


def _save_method_text(session: Session, review_id: str, text: str, action: str) -> None:
    review = writable_review(session, review_id, "metodtexten")
    old = review.method_text
    if old == text:
        return
    review.method_text = text
    review.updated_at = utcnow()
    session.add(review)
    changelog.append(session, review_id=review_id, entity="review", entity_id=review_id,
                     action=action, changes={"method_text": [old, text]})
    session.commit()


def set_method_text(session: Session, review_id: str, text: str) -> None:
    """Save the auditor's Metod text, logged old → new. Commits.

    A text that is empty or the same as the draft is stored as empty, so that the Metod
    keeps following the data until the auditor really changes it.
    """
    draft = drafted_method_text(session, review_id)
    if not text.strip() or text.strip() == draft.strip():
        text = ""
    _save_method_text(session, review_id, text, "update")


def reset_method_text(session: Session, review_id: str) -> None:
    """Throw away the auditor's Metod text and print the draft again (logged). Commits."""
    get_review(session, review_id)
    _save_method_text(session, review_id, "", "reset_method_text")
