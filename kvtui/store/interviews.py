"""Interviews and their observations: add, edit, remove, and link observations to sections.

Interviewees are recorded by role, never by name: there is no name field. Every write checks
its input first (nothing is written on refusal), adds its change-log entry in the same
transaction and commits before returning, so notes saved as the auditor types are safe.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, func, select

from kvtui.domain.judgement import (
    DEFAULT_ROLES,
    InterviewFields,
    InterviewView,
    ObservationView,
    clean_roles,
)
from kvtui.domain.safe_text import blank
from kvtui.domain.templates import TemplateError, parse_template
from kvtui.store import changelog
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import finish, writable_review
from kvtui.store.models import (
    Interview,
    Observation,
    ObservationSection,
    ReviewSection,
    ReviewTemplate,
    utcnow,
)
from kvtui.store.ordering import move_among


def _interview_row(session: Session, review_id: str, interview_id: str) -> Interview:
    row = session.get(Interview, interview_id)
    if row is None or row.review_id != review_id:
        raise NotFound("Intervjun finns inte i granskningen.")
    return row


def _observation_row(session: Session, review_id: str, observation_id: str) -> Observation:
    row = session.get(Observation, observation_id)
    if row is None:
        raise NotFound("Iakttagelsen finns inte i granskningen.")
    interview = session.get(Interview, row.interview_id)
    if interview is None or interview.review_id != review_id:
        raise NotFound("Iakttagelsen finns inte i granskningen.")
    return row


def _columns(fields: InterviewFields) -> dict[str, object]:
    return {
        "held_on": fields.held_on,
        "roles_json": json.dumps(list(clean_roles(fields.roles)), ensure_ascii=False),
        "participants": fields.participants,
        "form": fields.form,
        "notes": fields.notes,
    }


def _logged(columns: dict[str, object]) -> dict[str, object]:
    """Columns as the change log names them (roles as a list, not JSON text)."""
    logged = dict(columns)
    if "roles_json" in logged:
        logged["roles"] = json.loads(str(logged.pop("roles_json")))
    return logged


def _checked(fields: InterviewFields) -> None:
    problems = fields.problems()
    if problems:
        raise InvalidInput(" ".join(problems))


# --- Reading ----------------------------------------------------------------------------------


def suggested_roles(session: Session, review_id: str) -> tuple[str, ...]:
    """The roles the review's template suggests (free roles are allowed as well)."""
    source = session.exec(
        select(ReviewTemplate.source_toml).where(ReviewTemplate.review_id == review_id)
    ).first()
    if not source:
        return DEFAULT_ROLES
    try:
        return parse_template(source, "mallen").interview_roles or DEFAULT_ROLES
    except TemplateError:
        return DEFAULT_ROLES


def _section_links(session: Session, observation_ids: list[str]) -> dict[str, list[str]]:
    links: dict[str, list[str]] = {}
    if not observation_ids:
        return links
    rows = session.exec(
        select(ObservationSection.observation_id, ObservationSection.section_id)
        .join(ReviewSection, col(ReviewSection.id) == col(ObservationSection.section_id))
        .where(col(ObservationSection.observation_id).in_(observation_ids))
        .order_by(col(ReviewSection.position))
    ).all()
    for observation_id, section_id in rows:
        links.setdefault(observation_id, []).append(section_id)
    return links


def _views(session: Session, rows: Sequence[Interview]) -> list[InterviewView]:
    ids = [row.id for row in rows]
    observations: Sequence[Observation] = []
    if ids:
        observations = session.exec(
            select(Observation).where(col(Observation.interview_id).in_(ids))
            .order_by(col(Observation.position), col(Observation.created_at))
        ).all()
    links = _section_links(session, [o.id for o in observations])
    by_interview: dict[str, list[ObservationView]] = {}
    for o in observations:
        by_interview.setdefault(o.interview_id, []).append(
            ObservationView(o.id, o.text, tuple(links.get(o.id, ())))
        )
    return [
        InterviewView(
            id=row.id,
            held_on=row.held_on,
            roles=tuple(json.loads(row.roles_json)),
            participants=row.participants,
            form=row.form,
            notes=row.notes,
            observations=tuple(by_interview.get(row.id, ())),
        )
        for row in rows
    ]


def list_interviews(session: Session, review_id: str) -> list[InterviewView]:
    """The review's interviews by date (undated last), each with its observations."""
    rows = session.exec(
        select(Interview).where(Interview.review_id == review_id)
        .order_by(col(Interview.held_on).is_(None), col(Interview.held_on),
                  col(Interview.created_at))
    ).all()
    return _views(session, rows)


def get_interview(session: Session, review_id: str, interview_id: str) -> InterviewView:
    """One interview of the review with its observations."""
    return _views(session, [_interview_row(session, review_id, interview_id)])[0]


def observation_view(session: Session, review_id: str, observation_id: str) -> ObservationView:
    """One observation with its section links."""
    row = _observation_row(session, review_id, observation_id)
    links = _section_links(session, [row.id]).get(row.id, [])
    return ObservationView(row.id, row.text, tuple(links))


# --- Interviews -------------------------------------------------------------------------------


def add_interview(
    session: Session, review_id: str, fields: InterviewFields, *, commit: bool = True
) -> InterviewView:
    """Record an interview. ``commit=False`` lets a batch (the demo) write in one transaction."""
    writable_review(session, review_id, "intervjuerna")
    _checked(fields)
    columns = _columns(fields)
    row = Interview(review_id=review_id, **columns)  # type: ignore[arg-type]
    session.add(row)
    changelog.append(session, review_id=review_id, entity="interview", entity_id=row.id,
                     action="create", changes=_logged(columns))
    finish(session, commit)
    return get_interview(session, review_id, row.id)


def update_interview(
    session: Session, review_id: str, interview_id: str, fields: InterviewFields
) -> InterviewView:
    """Change an interview's date, roles, participants, form and notes, logging old → new."""
    writable_review(session, review_id, "intervjuerna")
    row = _interview_row(session, review_id, interview_id)
    _checked(fields)
    new = _columns(fields)
    old = {key: getattr(row, key) for key in new}
    changes = changelog.diff(_logged(old), _logged(new))
    if changes:
        for key, value in new.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        session.add(row)
        changelog.append(session, review_id=review_id, entity="interview", entity_id=row.id,
                         action="update", changes=changes)
        session.commit()
    return get_interview(session, review_id, interview_id)


def set_interview_notes(session: Session, review_id: str, interview_id: str, notes: str) -> None:
    """Save an interview's notes (called as the auditor types); nothing is written if unchanged."""
    writable_review(session, review_id, "intervjuerna")
    row = _interview_row(session, review_id, interview_id)
    if row.notes == notes:
        return
    changes = {"notes": [row.notes, notes]}
    row.notes = notes
    row.updated_at = utcnow()
    session.add(row)
    changelog.append(session, review_id=review_id, entity="interview", entity_id=row.id,
                     action="update", changes=changes)
    session.commit()


def delete_interview(session: Session, review_id: str, interview_id: str) -> None:
    """Remove an interview with its observations (and their links to statements)."""
    writable_review(session, review_id, "intervjuerna")
    row = _interview_row(session, review_id, interview_id)
    observations = session.exec(
        select(func.count()).select_from(Observation).where(Observation.interview_id == row.id)
    ).one()
    old = _logged({key: getattr(row, key)
                   for key in ("held_on", "roles_json", "participants", "form")})
    changes = changelog.diff(old, dict.fromkeys(old))
    changes["observations"] = [int(observations), 0]
    session.delete(row)
    changelog.append(session, review_id=review_id, entity="interview", entity_id=interview_id,
                     action="delete", changes=changes)
    session.commit()


# --- Observations -----------------------------------------------------------------------------


def _checked_sections(session: Session, review_id: str, section_ids: Iterable[str]) -> list[str]:
    """Section ids in report order, each once; refused when one is not the review's."""
    wanted = list(dict.fromkeys(section_ids))
    if not wanted:
        return []
    rows = session.exec(
        select(ReviewSection.id, ReviewSection.review_id, ReviewSection.number,
               ReviewSection.title)
        .where(col(ReviewSection.id).in_(wanted)).order_by(col(ReviewSection.position))
    ).all()
    if len(rows) != len(wanted) or any(rid != review_id for _id, rid, _n, _t in rows):
        raise InvalidInput("Avsnittet hör inte till granskningen.")
    return [section_id for section_id, _rid, _n, _t in rows]


def _headings(session: Session, section_ids: Sequence[str]) -> list[str]:
    if not section_ids:
        return []
    rows = session.exec(
        select(ReviewSection.number, ReviewSection.title)
        .where(col(ReviewSection.id).in_(list(section_ids)))
        .order_by(col(ReviewSection.position))
    ).all()
    return [number or title for number, title in rows]


def _checked_text(text: str) -> str:
    if blank(text):
        raise InvalidInput("Iakttagelsen är tom. Skriv ett citat eller en iakttagelse.")
    return text


def add_observation(
    session: Session,
    review_id: str,
    interview_id: str,
    text: str,
    section_ids: Iterable[str] = (),
    *,
    commit: bool = True,
) -> ObservationView:
    """Add a quote or finding to an interview, linked to report sections, placed last."""
    writable_review(session, review_id, "intervjuerna")
    interview = _interview_row(session, review_id, interview_id)
    text = _checked_text(text)
    sections = _checked_sections(session, review_id, section_ids)
    last = session.exec(
        select(func.max(Observation.position)).where(Observation.interview_id == interview.id)
    ).one()
    row = Observation(interview_id=interview.id, text=text,
                      position=0 if last is None else int(last) + 1)
    session.add(row)
    session.flush()
    for section_id in sections:
        session.add(ObservationSection(observation_id=row.id, section_id=section_id))
    changelog.append(session, review_id=review_id, entity="observation", entity_id=row.id,
                     action="create", changes={"interview_id": interview.id, "text": text,
                                               "sections": _headings(session, sections)})
    finish(session, commit)
    return ObservationView(row.id, text, tuple(sections))


def update_observation(
    session: Session,
    review_id: str,
    observation_id: str,
    *,
    text: str | None = None,
    section_ids: Iterable[str] | None = None,
) -> ObservationView:
    """Change an observation's text and/or the sections it is linked to (None: unchanged)."""
    writable_review(session, review_id, "intervjuerna")
    row = _observation_row(session, review_id, observation_id)
    if text is not None:
        _checked_text(text)
    changes: dict[str, object] = {}
    if text is not None and text != row.text:
        changes["text"] = [row.text, text]
        row.text = text
    if section_ids is not None:
        wanted = _checked_sections(session, review_id, section_ids)
        links = session.exec(
            select(ObservationSection).where(ObservationSection.observation_id == row.id)
        ).all()
        current = [link.section_id for link in links]
        if set(current) != set(wanted):
            changes["sections"] = [_headings(session, current), _headings(session, wanted)]
            for link in links:
                if link.section_id not in wanted:
                    session.delete(link)
            for section_id in wanted:
                if section_id not in current:
                    session.add(ObservationSection(observation_id=row.id, section_id=section_id))
    if changes:
        row.updated_at = utcnow()
        session.add(row)
        changelog.append(session, review_id=review_id, entity="observation", entity_id=row.id,
                         action="update", changes=changes)
        session.commit()
    return observation_view(session, review_id, observation_id)


def move_observation(session: Session, review_id: str, observation_id: str, offset: int) -> None:
    """Move an observation up (negative) or down (positive) among its interview's."""
    writable_review(session, review_id, "intervjuerna")
    row = _observation_row(session, review_id, observation_id)
    siblings = list(session.exec(
        select(Observation).where(Observation.interview_id == row.interview_id)
        .order_by(col(Observation.position), col(Observation.created_at))
    ).all())
    moved = move_among(session, siblings, row.id, offset)
    if moved is None:
        return
    index, target = moved
    changelog.append(session, review_id=review_id, entity="observation", entity_id=row.id,
                     action="move", changes={"position": [index, target]})
    session.commit()


def delete_observation(session: Session, review_id: str, observation_id: str) -> None:
    """Remove an observation (and its links to sections and statements)."""
    writable_review(session, review_id, "intervjuerna")
    row = _observation_row(session, review_id, observation_id)
    changes = {"interview_id": [row.interview_id, None], "text": [row.text, None]}
    session.delete(row)
    changelog.append(session, review_id=review_id, entity="observation",
                     entity_id=observation_id, action="delete", changes=changes)
    session.commit()
