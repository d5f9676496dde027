"""The file review in the store: criteria for a period, sampled akter, and saving answers.

Every answer is committed before the call returns (WAL, synchronous FULL), together with its
change-log entry, so an answer the screen shows as saved survives a killed process.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert
from sqlmodel import Session, col, select

from kvtui.domain.answers import (
    ANSWERS,
    akt_dates,
    known_dates,
    not_applicable_reason,
    override_needs_reason,
)
from kvtui.domain.criterion_kinds import AnswerError, Basis, Entry, criterion_kind
from kvtui.domain.filereview import AnswerView, CriterionView
from kvtui.domain.reviews import SIGNED
from kvtui.domain.templates import Criterion
from kvtui.store import changelog
from kvtui.store.bulk import DriverStatement, driver, insert_sql, read_value, stored_value
from kvtui.store.criteria import criterion_of, criterion_rows
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.guards import finish, writable_review
from kvtui.store.idnumber_rule import Rule
from kvtui.store.models import (
    Answer,
    CaseFile,
    Review,
    ReviewCriterion,
    UnansweredComment,
    new_id,
    utcnow,
)
from kvtui.store.reviews import get_review

VALUES = tuple(ANSWERS)
_ANSWERS = Answer.__table__  # type: ignore[attr-defined]
_EARLY = UnansweredComment.__table__  # type: ignore[attr-defined]
_CRITERIA = ReviewCriterion.__table__  # type: ignore[attr-defined]
# The criterion columns ``criterion_of`` reads, in the order ``_criterion_from`` takes them.
_CRITERION_COLUMNS = ("code", "question", "kind", "group_name", "references_json",
                      "applies_json", "params_json")

# The answer columns a key needs: the id, who gave it, and what an AnswerView shows.
_KEY_ANSWER_COLUMNS = ("id", "answered_by", *(field.name for field in fields(AnswerView)))
# The criterion, the akt's reference, the stored answer (if any, its columns named "answer_…")
# and a comment written before the answer (if any) of one answer key, in one statement,
# compiled once and run by the driver (kvtui.store.bulk.DriverStatement; bench/entry.py needs
# it).
_KEY_ROW = DriverStatement(
    select(Review.status, CaseFile.reference,  # type: ignore[call-overload]
           *(_CRITERIA.c[name] for name in _CRITERION_COLUMNS),
           *(_ANSWERS.c[name].label(f"answer_{name}") for name in _KEY_ANSWER_COLUMNS),
           _EARLY.c.id.label("early_id"), _EARLY.c.comment.label("early_comment"))
    .select_from(Review)
    .join(ReviewCriterion, col(ReviewCriterion.review_id) == col(Review.id))
    .join(CaseFile, col(CaseFile.review_id) == col(Review.id))
    .outerjoin(_ANSWERS, (_ANSWERS.c.case_file_id == col(CaseFile.id))
               & (_ANSWERS.c.criterion_id == col(ReviewCriterion.id)))
    .outerjoin(_EARLY, (_EARLY.c.case_file_id == col(CaseFile.id))
               & (_EARLY.c.criterion_id == col(ReviewCriterion.id)))
    .where(col(Review.id) == bindparam("review_id"),
           col(ReviewCriterion.id) == bindparam("criterion_id"),
           col(CaseFile.id) == bindparam("case_file_id"))
)
_DATES = ("start_date", "end_date")
_ANSWER_ROW = select(_ANSWERS).where(
    _ANSWERS.c.case_file_id == bindparam("case_file_id"),
    _ANSWERS.c.criterion_id == bindparam("criterion_id"),
)
# Answers are written by the driver too (bench/entry.py needs it).
_INSERT_COLUMNS = tuple(_ANSWERS.c.keys())
_INSERT_ANSWER = insert_sql(_ANSWERS, _INSERT_COLUMNS)


def _update_sql(columns: tuple[str, ...]) -> str:
    """An UPDATE of an answer's ``columns`` and update time, by id."""
    names = [_ANSWERS.c[key].name for key in (*columns, "updated_at")]  # unknown: KeyError
    assignments = ", ".join(f"{name} = ?" for name in names)
    return f"UPDATE {_ANSWERS.name} SET {assignments} WHERE id = ?"


def review_criteria(session: Session, review_id: str) -> list[CriterionView]:
    """The review's criteria with the reference in force for its period."""
    review = get_review(session, review_id)
    views = []
    for row in criterion_rows(session, review_id):
        criterion = criterion_of(row)
        refs = criterion.references_for(review.period_start, review.period_end)
        views.append(CriterionView(row.id, criterion, "; ".join(r.text for r in refs) or None))
    return views


def unreferenced_codes(session: Session, review_id: str) -> list[str]:
    """The codes of the review's criteria with no legal reference for its period."""
    return [view.code for view in review_criteria(session, review_id) if view.reference is None]


# AnswerView's fields, in its order, from the answer table.
_AKT_ANSWERS = select(*(_ANSWERS.c[field.name] for field in fields(AnswerView))).where(
    _ANSWERS.c.case_file_id == bindparam("case_file_id")
)


def answers_for(session: Session, case_file_id: str) -> dict[str, AnswerView]:
    """One akt's answers by criterion id (read as plain rows: this runs for every akt shown)."""
    rows = session.connection().execute(_AKT_ANSWERS, {"case_file_id": case_file_id}).all()
    return {row[0]: AnswerView(*row) for row in rows}


def case_file_attributes(session: Session, case_file_id: str) -> dict[str, str]:
    """An akt's attributes (placement type, legal basis, start date …)."""
    row = session.get(CaseFile, case_file_id)
    if row is None:
        raise NotFound("Akten finns inte.")
    return dict(json.loads(row.attributes_json))


def not_applicable(
    session: Session, review_id: str, case_file_id: str, on: date | None = None
) -> dict[str, str]:
    """Criteria that do not apply to this akt (by id) with the reason, per the template's rules.

    Applicability is judged on the last day of the review period, or today when none is set.
    """
    day = on or applicability_day(session, review_id)
    attributes = case_file_attributes(session, case_file_id)
    return not_applicable_in(review_criteria(session, review_id), attributes, day)


def applicability_day(session: Session, review_id: str) -> date:
    """The day on which criteria are judged to apply: the last day of the review period, or
    today when none is set."""
    review = get_review(session, review_id)
    return review.period_end or date.today()


def not_applicable_in(
    criteria: Sequence[CriterionView], attributes: Mapping[str, str], day: date
) -> dict[str, str]:
    """``not_applicable`` for criteria and an akt's attributes already at hand (the file
    review reads them once, not for every akt it shows)."""
    reasons: dict[str, str] = {}
    for view in criteria:
        reason = not_applicable_reason(view.criterion, attributes, day)
        if reason:
            reasons[view.id] = reason
    return reasons


def save_answer(
    session: Session,
    review_id: str,
    case_file_id: str,
    criterion_id: str,
    value: str | None,
    *,
    start: date | None = None,
    end: date | None = None,
    number: int | None = None,
    override_reason: str = "",
    comment: str | None = None,
    answered_by: str = "",
    commit: bool = True,
) -> AnswerView:
    """Save one answer and commit. For deadline and count criteria, dates or a number given
    here are evaluated and ``value`` may be None to take the computed result; a value that
    differs from the computed one needs ``override_reason``. ``answered_by`` is the granskare
    giving it (kept on the answer; "" leaves whoever gave it before). ``commit=False`` lets a
    batch (the demo) write many answers in one transaction.
    """
    connection = session.connection()
    criterion, reference, existing, early = _key_row(
        session, connection, review_id, case_file_id, criterion_id
    )
    kind = criterion_kind(criterion.kind)
    basis = kind.kept(Basis(start, end, number))
    try:
        computed = kind.computed(criterion, basis)
        chosen = value or computed
        if chosen not in ANSWERS:
            raise AnswerError("Välj Ja, Delvis, Nej eller Ej aktuellt.")
        override_needs_reason(computed, chosen, override_reason)
    except AnswerError as error:
        raise InvalidInput(str(error)) from None
    new: dict[str, Any] = {
        "value": chosen,
        "start_date": basis.start,
        "end_date": basis.end,
        "number": basis.number,
        "computed_value": computed,
        "override_reason": override_reason.strip() if computed and chosen != computed else "",
    }
    if comment is not None:
        new["comment"] = comment
    if answered_by:
        new["answered_by"] = answered_by
    label = {"akt": reference, "kriterium": criterion.code}
    if early is not None:  # the comment written before the answer moves into it
        early_id, early_comment = early
        kept = comment if comment is not None else (existing or {}).get("comment", "")
        new["comment"] = "\n".join(text for text in (early_comment, kept) if text)
        _drop_early(session, connection, review_id, early_id, early_comment, label)
    saved = _write(session, connection, review_id, case_file_id, criterion_id, existing, new,
                   label=label)
    finish(session, commit)
    return saved


def share_akt_dates(
    session: Session, review_id: str, case_file_id: str, criterion_id: str
) -> list[AnswerView]:
    """Give the dates just saved for one deadline criterion to the akt's other deadline
    answers that name the same date (by label), and commit; returns the answers changed.

    A date of the akt is typed once: corrected in one criterion, it is corrected in every
    criterion that uses it, and their results are computed again. An answer that overrode its
    computed result keeps its answer and reason.
    """
    views = {view.id: view for view in review_criteria(session, review_id)}
    answers = answers_for(session, case_file_id)
    source = answers.get(criterion_id)
    if source is None or criterion_id not in views:
        return []
    dates = akt_dates([(views[criterion_id].criterion, source.start_date, source.end_date)])
    changed: list[AnswerView] = []
    for other_id, answer in answers.items():
        view = views.get(other_id)
        if (other_id == criterion_id or view is None
                or criterion_kind(view.criterion.kind).entry is not Entry.DATES):
            continue
        if answer.start_date is None or answer.end_date is None:
            continue
        start, end = known_dates(view.criterion, dates)
        start, end = start or answer.start_date, end or answer.end_date
        if (start, end) == (answer.start_date, answer.end_date):
            continue
        overridden = answer.computed_value and answer.value != answer.computed_value
        try:
            changed.append(save_answer(
                session, review_id, case_file_id, other_id,
                answer.value if overridden else None, start=start, end=end,
                override_reason=answer.override_reason if overridden else "", commit=False))
        except InvalidInput:
            continue  # the shared date no longer fits this criterion (end before start)
    session.commit()
    return changed


def _key_row(
    session: Session, connection: Connection, review_id: str, case_file_id: str,
    criterion_id: str,
) -> tuple[Criterion, str, dict[str, Any] | None, tuple[str, str] | None]:
    """The criterion, the akt's reference, the stored answer as plain values (or None) and
    the id and text of a comment written before the answer (or None), in one query: this runs
    on every answer key."""
    row = _KEY_ROW.first(connection, review_id=review_id, criterion_id=criterion_id,
                         case_file_id=case_file_id)
    if row is None:
        writable_review(session, review_id, "svaren")  # names a missing review first
        raise NotFound("Akten eller kriteriet finns inte i granskningen.")
    if row["status"] == SIGNED:
        writable_review(session, review_id, "svaren")
    existing = None
    if row["answer_id"] is not None:  # NULL when there is no answer
        existing = {name: row[f"answer_{name}"] for name in _KEY_ANSWER_COLUMNS}
        for name in _DATES:
            existing[name] = read_value(connection, _ANSWERS.c[name], existing[name])
    early = None if row["early_id"] is None else (row["early_id"], row["early_comment"])
    criterion = _criterion_from(*(row[name] for name in _CRITERION_COLUMNS))
    return criterion, row["reference"], existing, early


@functools.lru_cache(maxsize=256)
def _criterion_from(*values: Any) -> Criterion:
    """The domain criterion of a row's columns, built once per distinct content.

    Keyed on the columns themselves, so an edited criterion is built anew; ``Criterion`` is
    frozen, so sharing one between keys is safe. Parsing three JSON columns into a
    ``ReviewCriterion`` and a ``Criterion`` on every key: bench/entry.py needs the cache.
    """
    return criterion_of(ReviewCriterion(**dict(zip(_CRITERION_COLUMNS, values, strict=True))))


def _answer_row(
    connection: Connection, case_file_id: str, criterion_id: str
) -> dict[str, Any] | None:
    """The stored answer as plain values, read past the ORM's identity map."""
    row = connection.execute(
        _ANSWER_ROW, {"case_file_id": case_file_id, "criterion_id": criterion_id}
    ).first()
    return dict(row._mapping) if row is not None else None


def _write(
    session: Session, connection: Connection, review_id: str, case_file_id: str,
    criterion_id: str, existing: dict[str, Any] | None, new: dict[str, Any], *,
    label: dict[str, str],
) -> AnswerView:
    """Insert or update one answer and log it, with plain statements run by the driver (no
    unit of work); values are stored as SQLAlchemy stores them, texts as the store's rule for
    personnummer keeps them."""
    new = Rule(connection).row(_ANSWERS, new)
    now = utcnow()
    if existing is None:
        answer_id = new_id()
        row = {"id": answer_id, "created_at": now, "updated_at": now, "review_id": review_id,
               "case_file_id": case_file_id, "criterion_id": criterion_id, "value": "",
               "start_date": None, "end_date": None, "number": None, "computed_value": "",
               "override_reason": "", "comment": "", "answered_by": "", **new}
        driver(connection).execute(_INSERT_ANSWER, [
            stored_value(connection, _ANSWERS.c[name], row[name]) for name in _INSERT_COLUMNS
        ])
        changes, action = changelog.diff({}, new), "create"
    else:
        answer_id = existing["id"]
        changes = changelog.diff({key: existing[key] for key in new}, new)
        row = {**existing, **new}
        if not changes:
            return _view_of(row)
        columns = tuple(new)
        driver(connection).execute(_update_sql(columns), [
            *(stored_value(connection, _ANSWERS.c[name], new[name]) for name in columns),
            stored_value(connection, _ANSWERS.c.updated_at, now), answer_id,
        ])
        action = "update"
    changelog.append(session, review_id=review_id, entity="answer", entity_id=answer_id,
                     action=action, changes={**label, **changes})
    return _view_of(row)


def _view_of(row: dict[str, Any]) -> AnswerView:
    return AnswerView(
        criterion_id=row["criterion_id"], value=row["value"], start_date=row["start_date"],
        end_date=row["end_date"], number=row["number"], computed_value=row["computed_value"],
        override_reason=row["override_reason"], comment=row["comment"],
    )


# --- comments written before the answer ------------------------------------------------------

_AKT_EARLY = select(_EARLY.c.criterion_id, _EARLY.c.comment).where(
    _EARLY.c.case_file_id == bindparam("case_file_id"))


def early_comments(session: Session, case_file_id: str) -> dict[str, str]:
    """One akt's comments on criteria not answered yet, by criterion id."""
    rows = session.connection().execute(_AKT_EARLY, {"case_file_id": case_file_id}).all()
    return {row[0]: row[1] for row in rows}


def set_early_comment(
    session: Session, review_id: str, case_file_id: str, criterion_id: str, comment: str
) -> str:
    """Write the comment of a criterion not answered yet (an empty one removes it) and commit;
    returns the comment as stored. The criterion stays unanswered: the comment moves into the
    answer when one is given (``save_answer``)."""
    connection = session.connection()
    criterion, reference, existing, early = _key_row(session, connection, review_id,
                                                     case_file_id, criterion_id)
    if existing is not None:
        raise InvalidInput("Kriteriet är redan besvarat; kommentaren hör till svaret.")
    label = {"akt": reference, "kriterium": criterion.code}
    stored = ""
    if comment.strip():
        stored = _write_early(session, connection, review_id, case_file_id, criterion_id,
                              early, comment, label)
    elif early is not None:
        _drop_early(session, connection, review_id, early[0], early[1], label)
    session.commit()
    return stored


def _write_early(
    session: Session, connection: Connection, review_id: str, case_file_id: str,
    criterion_id: str, early: tuple[str, str] | None, comment: str, label: dict[str, str],
) -> str:
    """Insert or change a comment written before the answer, and log it."""
    comment = Rule(connection).row(_EARLY, {"comment": comment})["comment"]
    now = utcnow()
    if early is None:
        early_id = new_id()
        row = {"id": early_id, "created_at": now, "updated_at": now, "review_id": review_id,
               "case_file_id": case_file_id, "criterion_id": criterion_id, "comment": comment}
        connection.execute(insert(_EARLY).values(row))
        action, old = "create", ""
    else:
        early_id, old = early
        if old == comment:
            return comment
        connection.execute(_EARLY.update().where(_EARLY.c.id == early_id)
                           .values(comment=comment, updated_at=now))
        action = "update"
    changelog.append(session, review_id=review_id, entity=_EARLY.name, entity_id=early_id,
                     action=action, changes={**label, "comment": [old or None, comment]})
    return comment


def _drop_early(
    session: Session, connection: Connection, review_id: str, early_id: str, comment: str,
    label: dict[str, str],
) -> None:
    """Remove a comment written before the answer (it moved into the answer, or was emptied),
    and log it."""
    connection.execute(delete(_EARLY).where(_EARLY.c.id == early_id))
    changelog.append(session, review_id=review_id, entity=_EARLY.name, entity_id=early_id,
                     action="delete", changes={**label, "comment": [comment, None]})


def set_comment(
    session: Session, review_id: str, case_file_id: str, criterion_id: str, comment: str
) -> AnswerView:
    """Change only the comment of an existing answer."""
    writable_review(session, review_id, "svaren")
    connection = session.connection()
    existing = _answer_row(connection, case_file_id, criterion_id)
    if existing is None:
        raise InvalidInput("Svara på kriteriet innan du skriver en kommentar.")
    saved = _write(session, connection, review_id, case_file_id, criterion_id, existing,
                   {"comment": comment}, label={})
    session.commit()
    return saved


# What an undo puts back: the answer and what it rests on. The comment stays as last written
# (comments are not undone with the answers; with no answer left it is kept on its own).
_RESTORED = tuple(field.name for field in fields(AnswerView)
                  if field.name not in ("criterion_id", "comment"))


def restore_answer(
    session: Session, review_id: str, case_file_id: str, criterion_id: str,
    previous: AnswerView | None,
) -> AnswerView | None:
    """Put an answer back as it was before a key changed it (Ångra, Ctrl+Z): ``previous`` as
    it was saved, or None for no answer, which removes the answer. The comment stays as last
    written; without an answer it is kept as a comment before the answer. It is a change like
    any other, logged (an update, or a removal with the values the answer had) and committed
    before it returns; the log is never rewritten. A signed review refuses it."""
    connection = session.connection()
    criterion, reference, existing, early = _key_row(session, connection, review_id,
                                                     case_file_id, criterion_id)
    label = {"akt": reference, "kriterium": criterion.code}
    if previous is None:
        if existing is None:
            return None
        connection.execute(delete(_ANSWERS).where(_ANSWERS.c.id == existing["id"]))
        old = {name: existing[name] for name in (*_RESTORED, "comment")}
        changelog.append(session, review_id=review_id, entity="answer",
                         entity_id=existing["id"], action="delete",
                         changes={**label, **changelog.diff(old, dict.fromkeys(old))})
        if existing["comment"]:  # the comment stays, as a comment before an answer
            kept = "\n".join(text for text in (early[1] if early else "", existing["comment"])
                             if text)
            _write_early(session, connection, review_id, case_file_id, criterion_id, early,
                         kept, label)
        session.commit()
        return None
    saved = _write(session, connection, review_id, case_file_id, criterion_id, existing,
                   {name: getattr(previous, name) for name in _RESTORED}, label=label)
    session.commit()
    return saved


def answer_rows(session: Session, review_id: str) -> list[Answer]:
    """All answers of a review (for statistics and exports)."""
    return list(
        session.exec(
            select(Answer).where(Answer.review_id == review_id).order_by(col(Answer.created_at))
        ).all()
    )
