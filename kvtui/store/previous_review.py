"""A review started from an earlier review of the same unit, and the comparison with it.

``start_from`` copies what carries over from one year to the next: the template as the earlier
review holds it (its criteria with the legal references the auditor set, its sections and the
sub-headings of their texts), the unit's data (title with its year moved on, unit,
municipality, committee, auditors, purpose, scope) and the period moved one year. Never the
findings: no answers, ratings or statements, akter, interviews, documents, fact-check or
sign-offs, and not the Metod, which describes the earlier year's sample (the new review's
Metod is drafted from its own data).

Which review a review came from is kept in its change log: the review's "create" entry names
it under ``previous_review_id`` (a later entry about the review may name another). The log is
append-only, hash-chained and travels with the review in a bundle, so the link is neither lost
nor quietly changed. ``previous_review_id`` and ``_record_previous`` are the only places that
know where the link is kept: when the review table gets its own column
(``review.previous_review_id TEXT NULL``), they read and write the column instead.

The comparison's section ("Jämfört med föregående granskning") is an ordinary report section
of the kind ``COMPARISON_KIND``: its text is the auditor's, written like any section's text;
the section is in the report while it exists, and ``set_comparison_section`` adds or removes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from kvtui.domain.method_text import period_phrase
from kvtui.domain.reviews import ReviewFields
from kvtui.domain.section_kinds import COMPARISON_KIND, SectionKind
from kvtui.domain.templates import TemplateError
from kvtui.domain.year_over_year import (
    COMPARISON_TITLE,
    CriterionFigures,
    YearComparison,
    compare_reviews,
    headings_only,
    moved_one_year,
    newer_template_warning,
    newer_version,
    next_title,
)
from kvtui.store import changelog
from kvtui.store.answers import review_criteria
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import finish, writable_review
from kvtui.store.models import (
    ChangeLog,
    Review,
    ReviewCriterion,
    ReviewSection,
    ReviewTemplate,
    SectionText,
)
from kvtui.store.results import review_results
from kvtui.store.reviews import get_review, review_fields
from kvtui.store.template_library import TemplateNotFound, load_template

#: The change log's name for the link, and the column's name once the review table has one.
PREVIOUS_KEY = "previous_review_id"
NO_PREVIOUS = ("Granskningen utgår inte från någon tidigare granskning; det finns inget att "
               "jämföra med.")


def previous_review_id(session: Session, review_id: str) -> str | None:
    """The id of the review this one was started from, or None."""
    rows = session.exec(
        select(ChangeLog.changes_json)
        .where(ChangeLog.review_id == review_id, ChangeLog.entity == "review",
               ChangeLog.entity_id == review_id)
        .order_by(col(ChangeLog.seq).desc()))
    for changes_json in rows:
        changes = changelog.parse_changes(changes_json)
        if PREVIOUS_KEY not in changes:
            continue
        value = changes[PREVIOUS_KEY]
        if isinstance(value, list) and len(value) == 2:  # an update: [old, new]
            value = value[1]
        return value if isinstance(value, str) and value else None
    return None


def _record_previous(previous_id: str) -> dict[str, str]:
    """What the new review's "create" entry says of the review it came from."""
    return {PREVIOUS_KEY: previous_id}


@dataclass(frozen=True)
class StartedReview:
    """The new review's id, and what the auditor should know about it (Swedish)."""

    review_id: str
    warnings: tuple[str, ...] = ()


def default_fields(previous: Review) -> ReviewFields:
    """The new review's fields as they start: the earlier review's, a year on, without its
    diary number (each year's review is its own case)."""
    fields = review_fields(previous)
    return ReviewFields(
        title=next_title(fields.title, fields.period_start, fields.period_end),
        unit=fields.unit,
        municipality=fields.municipality,
        committee=fields.committee,
        diary_number="",
        auditors=fields.auditors,
        period_start=moved_one_year(fields.period_start),
        period_end=moved_one_year(fields.period_end),
        purpose=fields.purpose,
        scope=fields.scope,
    )


def _library_warning(template: ReviewTemplate, templates_dir: Path | None) -> str | None:
    """A warning when the template library holds a later version of the review's template."""
    try:
        library, _text = load_template(template.name, templates_dir)
    except (TemplateNotFound, TemplateError):
        return None
    if newer_version(template.version, library.version):
        return newer_template_warning(template.name, template.version, library.version)
    return None


def _comparison_number(sections: list[ReviewSection]) -> str:
    """The next chapter number after the highest one the sections have ("7" after 6)."""
    tops = [int(s.number) for s in sections if s.number.isdigit()]
    return str(max(tops) + 1) if tops else ""


def _comparison_place(sections: list[ReviewSection]) -> int:
    """Where the comparison goes: before Referenser, or last."""
    return next((index for index, s in enumerate(sections)
                 if s.kind == SectionKind.REFERENCES), len(sections))


def _sections(session: Session, review_id: str) -> list[ReviewSection]:
    return list(session.exec(select(ReviewSection).where(ReviewSection.review_id == review_id)
                             .order_by(col(ReviewSection.position))).all())


def start_from(session: Session, previous_id: str, templates_dir: Path | None,
               fields: ReviewFields | None = None) -> StartedReview:
    """Start a review of the same unit from an earlier one (module docstring); ``fields``
    replace the defaults (``default_fields``). Commits; nothing is written when refused."""
    previous = get_review(session, previous_id)
    template = session.exec(select(ReviewTemplate)
                            .where(ReviewTemplate.review_id == previous_id)).first()
    if template is None:
        raise InvalidInput("Den tidigare granskningen har ingen mall att utgå från.")
    fields = fields or default_fields(previous)
    problems = fields.problems()
    if problems:
        raise InvalidInput(" ".join(problems))
    review = Review(
        title=fields.title.strip(), unit=fields.unit.strip(),
        municipality=fields.municipality.strip(), committee=fields.committee.strip(),
        diary_number=fields.diary_number.strip(),
        auditors_json=json.dumps(list(fields.auditors), ensure_ascii=False),
        period_start=fields.period_start, period_end=fields.period_end,
        purpose=fields.purpose, scope=fields.scope,
    )
    session.add(review)
    session.add(ReviewTemplate(
        review_id=review.id, name=template.name, title=template.title,
        version=template.version, law=template.law,
        references_checked=template.references_checked, source_toml=template.source_toml))
    old_sections = _sections(session, previous_id)
    texts = dict(session.exec(
        select(SectionText.section_id, SectionText.text)
        .where(col(SectionText.section_id).in_([s.id for s in old_sections]))).all())
    new_sections = [s for s in old_sections if s.kind != COMPARISON_KIND]
    copies: list[ReviewSection] = [
        ReviewSection(review_id=review.id, number=s.number, title=s.title,
                      dimension=s.dimension, kind=s.kind, position=0)
        for s in new_sections]
    place = _comparison_place(new_sections)
    copies.insert(place, ReviewSection(review_id=review.id,
                                       number=_comparison_number(new_sections),
                                       title=COMPARISON_TITLE, kind=COMPARISON_KIND,
                                       position=0))
    old_by_copy = dict(zip([c.id for c in copies if c.kind != COMPARISON_KIND],
                           [s.id for s in new_sections], strict=True))
    for position, copy in enumerate(copies):
        copy.position = position
        session.add(copy)
    session.flush()
    for criterion in session.exec(select(ReviewCriterion)
                                  .where(ReviewCriterion.review_id == previous_id)
                                  .order_by(col(ReviewCriterion.position))).all():
        session.add(ReviewCriterion(
            review_id=review.id, code=criterion.code, question=criterion.question,
            kind=criterion.kind, group_name=criterion.group_name,
            references_json=criterion.references_json, applies_json=criterion.applies_json,
            params_json=criterion.params_json, position=criterion.position))
    changelog.append(
        session, review_id=review.id, entity="review", entity_id=review.id, action="create",
        changes={"title": review.title, "template": f"{template.name} {template.version}",
                 **_record_previous(previous_id)})
    for copy in copies:
        headings = headings_only(texts.get(old_by_copy.get(copy.id, ""), ""))
        if not headings:
            continue
        row = SectionText(section_id=copy.id, text=headings)
        session.add(row)
        changelog.append(session, review_id=review.id, entity="section_text",
                         entity_id=row.id, action="create",
                         changes={"section": f"{copy.number} {copy.title}".strip(),
                                  "text": ["", headings]})
    session.commit()
    warning = _library_warning(template, templates_dir)
    return StartedReview(review.id, (warning,) if warning else ())


# --- the comparison's section -------------------------------------------------------------------


def comparison_section(session: Session, review_id: str) -> ReviewSection | None:
    """The review's section "Jämfört med föregående granskning", None when it is left out."""
    return session.exec(select(ReviewSection).where(
        ReviewSection.review_id == review_id, ReviewSection.kind == COMPARISON_KIND)).first()


def set_comparison_section(session: Session, review_id: str, on: bool, *,
                           commit: bool = True) -> bool:
    """Put the comparison's section in the report (before Referenser) or leave it out (its
    text goes with it; the change log keeps it). Returns whether anything changed."""
    writable_review(session, review_id, "rapportens avsnitt")
    found = comparison_section(session, review_id)
    if on == (found is not None):
        return False
    if found is not None:
        text = session.exec(select(SectionText).where(SectionText.section_id == found.id)
                            ).first()
        if text is not None:
            changelog.append(session, review_id=review_id, entity="section_text",
                             entity_id=text.id, action="delete",
                             changes={"section": f"{found.number} {found.title}".strip(),
                                      "text": [text.text, None]})
            session.delete(text)
            session.flush()  # the text first: the section's delete would cascade to it
        changelog.append(session, review_id=review_id, entity="review_section",
                         entity_id=found.id, action="delete",
                         changes={"section": f"{found.number} {found.title}".strip()})
        session.delete(found)
        finish(session, commit)
        return True
    if previous_review_id(session, review_id) is None:
        raise InvalidInput(NO_PREVIOUS)
    sections = _sections(session, review_id)
    place = _comparison_place(sections)
    position = (sections[place].position if place < len(sections)
                else max((s.position for s in sections), default=-1) + 1)
    for moved in sections[place:]:
        old = moved.position
        moved.position = old + 1
        session.add(moved)
        changelog.append(session, review_id=review_id, entity="review_section",
                         entity_id=moved.id, action="update",
                         changes={"position": [old, moved.position]})
    row = ReviewSection(review_id=review_id, number=_comparison_number(sections),
                        title=COMPARISON_TITLE, kind=COMPARISON_KIND, position=position)
    session.add(row)
    changelog.append(session, review_id=review_id, entity="review_section", entity_id=row.id,
                     action="create",
                     changes={"section": f"{row.number} {row.title}".strip(), "kind": row.kind,
                              "position": row.position})
    finish(session, commit)
    return True


# --- the comparison -----------------------------------------------------------------------------


def _figures(session: Session, review_id: str) -> list[CriterionFigures]:
    results = review_results(session, review_id)
    by_code = {row.code: row.result for row in results.rows} if results is not None else {}
    return [CriterionFigures(view.code, view.criterion.question, by_code.get(view.code))
            for view in review_criteria(session, review_id)]


def review_comparison(session: Session, review_id: str) -> YearComparison | None:
    """This review's criteria beside the review it was started from; None when it was not
    started from one, or that review is not in this store."""
    previous_id = previous_review_id(session, review_id)
    if previous_id is None:
        return None
    previous = session.get(Review, previous_id)
    if previous is None:
        return None
    period = period_phrase(previous.period_start, previous.period_end)
    return compare_reviews(previous_id, previous.title, period,
                           _figures(session, previous_id), _figures(session, review_id))


def require_previous(session: Session, review_id: str) -> str:
    """The previous review's id, or a Swedish refusal naming why there is none."""
    previous_id = previous_review_id(session, review_id)
    if previous_id is None:
        raise InvalidInput(NO_PREVIOUS)
    if session.get(Review, previous_id) is None:
        raise NotFound("Den föregående granskningen finns inte i den här databasen.")
    return previous_id
