"""The unit's action plan as records: the plan, its quality areas and risks, the dated
assessments of each risk, the actions with their activities, the follow-up rounds with a
traffic light per action, and the indicators with a value per round.

The plan belongs to the unit (its name and municipality), not to a review: a risk taken from a
Gul or Röd statement of a signed review keeps a copy of the statement and the review's id as
plain text, so the plan outlives the review and the review's lock never reaches the plan.

Every write checks all of its input first with the rules of ``kvtui.domain.action_plan`` and
``kvtui.domain.risk_matrix`` (nothing is written on refusal), adds its change-log entries in
the same transaction and commits once; what the database refuses after that is rolled back
whole. What the app and the command line show of a plan is read in ``kvtui.store.plan_view``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kvtui.domain.action_plan import (
    ActionStatus,
    IndicatorKind,
    Period,
    PlanError,
    TrafficLight,
    deadline_problem,
    next_number,
    parse_area,
    risk_label,
    same_area,
    share_of,
    text_problem,
    unit_key,
    value_problem,
)
from kvtui.domain.reviews import SIGNED
from kvtui.domain.risk_matrix import (
    MatrixError,
    RiskMatrix,
    changed_cells,
    checked_cell,
    level_label,
    matrix_from_json,
)
from kvtui.domain.safe_text import typed_text
from kvtui.domain.vocabulary import Rating
from kvtui.store import changelog
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.idnumber_rule import Rule
from kvtui.store.models import (
    ActionFollowup,
    ActionPlan,
    Assessment,
    FollowupRound,
    IndicatorValue,
    PlanAction,
    PlanActivity,
    PlanArea,
    PlanIndicator,
    PlanRisk,
    Review,
    ReviewSection,
    RiskAssessment,
    utcnow,
)
from kvtui.store.plan_guards import signed_round_label
from kvtui.store.results import review_results
from kvtui.store.reviews import get_review

NO_SUCH_PLAN = "Åtgärdsplanen finns inte."


@contextmanager
def _one_transaction(session: Session) -> Iterator[None]:
    """Commit what the block wrote, or roll all of it back: nothing half-written."""
    try:
        yield
        session.commit()
    except IntegrityError:
        session.rollback()
        raise InvalidInput("Databasen vägrade ändringen; ingenting sparades.") from None
    except BaseException:
        session.rollback()
        raise


def _refuse(problem: str | None) -> None:
    if problem:
        raise InvalidInput(problem)


def _text(text: str, what: str) -> str:
    text = typed_text(text).strip()
    _refuse(text_problem(text, what))
    return text


def _cell(probability: int, severity: int) -> tuple[int, int]:
    try:
        return checked_cell(probability, severity)
    except MatrixError as error:
        raise InvalidInput(str(error)) from None


# --- The plan ---------------------------------------------------------------------------------


def get_plan(session: Session, plan_id: str) -> ActionPlan:
    """The plan row with this full id."""
    plan = session.get(ActionPlan, plan_id)
    if plan is None:
        raise NotFound(NO_SUCH_PLAN)
    return plan


def plan_matrix(plan: ActionPlan) -> RiskMatrix:
    """The matrix in force for the plan: the committee's own, or kvtui's default."""
    try:
        return matrix_from_json(plan.matrix_json)
    except MatrixError as error:
        raise InvalidInput(str(error)) from None


def _unit_key(session: Session, unit: str, municipality: str) -> str:
    """The unit's key, made from the names as the store keeps them (a number masked), so
    that the key holds nothing its names do not."""
    rule = Rule.of(session)
    return unit_key(rule.text(unit), rule.text(municipality))


def find_plan_for_unit(session: Session, unit: str, municipality: str) -> str | None:
    """The id of the unit's plan, None when it has none."""
    return session.exec(select(ActionPlan.id).where(
        ActionPlan.unit_key == _unit_key(session, unit, municipality))).first()


def resolve_plan_id(session: Session, ref: str) -> str:
    """The full id of the plan a user names by its short id (a unique start of it) or by its
    unit's name."""
    wanted = ref.strip()
    if not wanted:
        raise NotFound("Ange planen med dess id eller enhetens namn (`kvtui plan list`).")
    plans = session.exec(select(ActionPlan.id, ActionPlan.unit)).all()
    folded = " ".join(wanted.split()).casefold()
    by_unit = [pid for pid, unit in plans if " ".join(unit.split()).casefold() == folded]
    if len(by_unit) == 1:
        return by_unit[0]
    compact = wanted.lower().replace("-", "")
    by_id = [pid for pid, _unit in plans
             if len(compact) >= 4 and pid.replace("-", "").startswith(compact)]
    if len(by_id) == 1:
        return by_id[0]
    if by_unit or by_id:
        raise NotFound(f"'{ref}' passar flera åtgärdsplaner. Ange planens id.")
    raise NotFound(f"Ingen åtgärdsplan heter eller har id '{ref}'. `kvtui plan list` visar "
                   "alla planer.")


def create_plan(
    session: Session,
    *,
    unit: str,
    decided_on: date,
    municipality: str = "",
    committee: str = "",
    title: str = "",
) -> str:
    """Start the unit's action plan, decided on ``decided_on``; its id. A unit has one plan,
    which lives across reviews and years."""
    unit = _text(unit, "Enheten")
    municipality = typed_text(municipality).strip()
    key = _unit_key(session, unit, municipality)
    if session.exec(select(ActionPlan.id).where(ActionPlan.unit_key == key)).first():
        where = f" i {municipality}" if municipality else ""
        raise InvalidInput(f"Enheten {unit}{where} har redan en åtgärdsplan; den gäller över "
                           "granskningar och år.")
    plan = ActionPlan(unit=unit, municipality=municipality,
                      committee=typed_text(committee).strip(), unit_key=key,
                      title=typed_text(title).strip() or f"Åtgärdsplan {unit}",
                      decided_on=decided_on)
    # The committee's own matrix, set once, holds for the plans it decides later.
    plan.matrix_json = next((other.matrix_json for other in _same_committee(session, plan)
                             if other.matrix_json), "")
    with _one_transaction(session):
        session.add(plan)
        changelog.append(session, review_id=None, entity="action_plan", entity_id=plan.id,
                         action="create",
                         changes={"unit": unit, "municipality": municipality,
                                  "committee": plan.committee, "title": plan.title,
                                  "decided_on": decided_on, "matrix": plan.matrix_json})
    return plan.id


def _same_committee(session: Session, plan: ActionPlan) -> list[ActionPlan]:
    """The plans whose committee is the plan's (the plan alone when it names none)."""
    if not plan.committee.strip():
        return [plan]
    folded = " ".join(plan.committee.split()).casefold()
    return [other for other in session.exec(select(ActionPlan)).all()
            if " ".join(other.committee.split()).casefold() == folded]


def set_matrix(session: Session, plan_id: str, matrix: RiskMatrix) -> list[str]:
    """Make ``matrix`` (complete by construction) the committee's own: for the plan and every
    other plan of the same committee, and for the plans it decides later. Earlier
    assessments keep the level they were given; the cells that changed for this plan are
    returned as "2 × 4: Röd → Gul", and every plan's change is logged."""
    plan = get_plan(session, plan_id)
    old = plan_matrix(plan)
    changed = [f"{p} × {s}: {level_label(o)} → {level_label(n)}"
               for (p, s), o, n in changed_cells(old, matrix)]
    stored = "" if matrix.is_default else matrix.to_json()
    plans = [other for other in _same_committee(session, plan) if other.matrix_json != stored]
    if not plans:
        return []
    with _one_transaction(session):
        for other in plans:
            changes = {"plan": other.unit, "matrix": [other.matrix_json, stored]}
            other.matrix_json = stored
            other.updated_at = utcnow()
            session.add(other)
            changelog.append(session, review_id=None, entity="action_plan", entity_id=other.id,
                             action="update", changes=changes)
    return changed


# --- Areas and risks ---------------------------------------------------------------------------


def _area(session: Session, plan: ActionPlan, area_text: str) -> PlanArea:
    """The plan's area named by ``area_text`` ("2 Trygghet och säkerhet" or the name only),
    new when the plan has none by that name (added to the session, not committed)."""
    try:
        number, name = parse_area(typed_text(area_text))
    except PlanError as error:
        raise InvalidInput(str(error)) from None
    areas = list(session.exec(select(PlanArea).where(PlanArea.plan_id == plan.id)).all())
    by_name = next((a for a in areas if same_area(a.name, name)), None)
    if by_name is not None:
        if number is not None and number != by_name.number:
            raise InvalidInput(f"Kvalitetsområdet {by_name.name} har nummer {by_name.number} "
                               f"i planen, inte {number}.")
        return by_name
    if number is not None and any(a.number == number for a in areas):
        taken = next(a for a in areas if a.number == number)
        raise InvalidInput(f"Nummer {number} är redan kvalitetsområdet {taken.name}.")
    area = PlanArea(plan_id=plan.id, name=name,
                    number=number if number is not None else next_number(
                        a.number for a in areas))
    session.add(area)
    changelog.append(session, review_id=None, entity="plan_area", entity_id=area.id,
                     action="create", changes={"plan": plan.unit, "number": area.number,
                                               "name": name})
    return area


@dataclass(frozen=True)
class FirstGrade:
    """The grade a risk starts with (the risk analysis), given with the risk."""

    probability: int
    severity: int
    assessed_on: date
    comment: str = ""


def _new_risk(session: Session, plan: ActionPlan, area: PlanArea, title: str,
              description: str, **source: object) -> PlanRisk:
    numbers = session.exec(select(PlanRisk.number).where(PlanRisk.area_id == area.id)).all()
    risk = PlanRisk(plan_id=plan.id, area_id=area.id,
                    number=next_number([*numbers, area.retired_risk_number]),
                    title=title, description=description, **source)  # type: ignore[arg-type]
    session.add(risk)
    return risk


def _add_grade(session: Session, plan: ActionPlan, risk: PlanRisk, label: str,
               probability: int, severity: int, assessed_on: date, comment: str,
               round_id: str | None) -> RiskAssessment:
    """An assessment row with the level the plan's matrix gives (the caller checked input)."""
    level = plan_matrix(plan).level(probability, severity)
    row = RiskAssessment(risk_id=risk.id, round_id=round_id, assessed_on=assessed_on,
                         probability=probability, severity=severity, level=level,
                         comment=comment)
    session.add(row)
    changelog.append(session, review_id=None, entity="risk_assessment", entity_id=row.id,
                     action="create",
                     changes={"risk": label, "probability": probability, "severity": severity,
                              "level": str(level), "assessed_on": assessed_on,
                              "comment": comment})
    return row


def _checked_first(first: FirstGrade | None) -> FirstGrade | None:
    if first is None:
        return None
    # The risk analysis the plan rests on may well be dated before the decision: no check.
    _cell(first.probability, first.severity)
    return FirstGrade(first.probability, first.severity, first.assessed_on,
                      typed_text(first.comment).strip())


def add_risk(
    session: Session,
    plan_id: str,
    *,
    area: str,
    title: str,
    description: str = "",
    first: FirstGrade | None = None,
) -> str:
    """Add a risk by hand to an area of the plan (a new area when named for the first time),
    numbered after the area's last risk, optionally with its first assessment; its id."""
    plan = get_plan(session, plan_id)
    title = _text(title, "Risken")
    description = typed_text(description).strip()
    first = _checked_first(first)
    with _one_transaction(session):
        row_area = _area(session, plan, area)
        risk = _new_risk(session, plan, row_area, title, description)
        label = risk_label(row_area.number, risk.number)
        changelog.append(session, review_id=None, entity="plan_risk", entity_id=risk.id,
                         action="create",
                         changes={"plan": plan.unit, "risk": label, "title": title,
                                  "description": description})
        if first is not None:
            _add_grade(session, plan, risk, label, first.probability, first.severity,
                       first.assessed_on, first.comment, None)
    return risk.id


@dataclass(frozen=True)
class Finding:
    """A Gul or Röd statement of a signed review: what can become a risk."""

    assessment_id: str
    review_id: str
    review_title: str
    unit: str
    municipality: str
    version: int
    section_number: str
    section_title: str
    statement: str
    rating: str

    @property
    def section(self) -> str:
        """"5.4 Dokumentation"."""
        return f"{self.section_number} {self.section_title}".strip()


def _finding_rows(session: Session, review_id: str | None = None,
                  assessment_ids: Sequence[str] | None = None) -> list[Finding]:
    query = (select(Assessment, ReviewSection, Review)
             .join(ReviewSection, col(ReviewSection.id) == col(Assessment.section_id))
             .join(Review, col(Review.id) == col(ReviewSection.review_id)))
    if review_id is not None:
        query = query.where(Review.id == review_id)
    if assessment_ids is not None:
        query = query.where(col(Assessment.id).in_(list(assessment_ids)))
    rows = session.exec(query.order_by(col(ReviewSection.position),
                                       col(Assessment.position))).all()
    return [Finding(a.id, r.id, r.title, r.unit, r.municipality, r.version, s.number, s.title,
                    a.statement, a.rating) for a, s, r in rows]


def findings(session: Session, review_id: str) -> list[Finding]:
    """The Gul and Röd statements of a signed review (none for a review not signed)."""
    review = session.get(Review, review_id)
    if review is None or review.status != SIGNED:
        return []
    return [f for f in _finding_rows(session, review_id=review_id)
            if f.rating in (Rating.YELLOW, Rating.RED)]


def resolve_statement_id(session: Session, ref: str) -> str:
    """The full id of a statement a user names by a unique start of its id."""
    compact = ref.strip().lower().replace("-", "")
    if len(compact) < 4:
        raise NotFound(f"'{ref}' är för kort. Ange påståendets id som `kvtui plan findings` "
                       "visar.")
    ids = [aid for aid in session.exec(select(Assessment.id)).all()
           if aid.replace("-", "").startswith(compact)]
    if not ids:
        raise NotFound(f"Inget påstående har id '{ref}'.")
    if len(ids) > 1:
        raise NotFound(f"Id '{ref}' passar flera påståenden. Skriv fler tecken.")
    return ids[0]


def add_risk_from_statement(
    session: Session,
    assessment_id: str,
    *,
    plan_id: str | None = None,
    area: str | None = None,
    title: str | None = None,
    description: str = "",
    first: FirstGrade | None = None,
) -> str:
    """Make a Gul or Röd statement of a signed review a risk of its unit's plan; its id.

    The plan is the unit's (``plan_id`` must be that plan when given); the area defaults to
    the statement's section, the title to the statement. A statement becomes a risk once.
    """
    found = _finding_rows(session, assessment_ids=[assessment_id])
    if not found:
        raise NotFound("Påståendet finns inte.")
    finding = found[0]
    review = session.get(Review, finding.review_id)
    assert review is not None
    if review.status != SIGNED:
        raise InvalidInput("Granskningen är inte signerad. Bara påståenden i en signerad "
                           "granskning kan bli risker i åtgärdsplanen.")
    if finding.rating not in (Rating.YELLOW, Rating.RED):
        raise InvalidInput("Påståendet är inte bedömt Gul eller Röd; bara de blir risker i "
                           "åtgärdsplanen.")
    unit_plan = find_plan_for_unit(session, finding.unit, finding.municipality)
    if plan_id is None:
        if unit_plan is None:
            raise InvalidInput(f"Enheten {finding.unit} har ingen åtgärdsplan ännu. Skapa den "
                               "först med `kvtui plan new`.")
        plan_id = unit_plan
    elif plan_id != unit_plan:
        raise InvalidInput(f"Påståendet hör till en granskning av {finding.unit}; planen "
                           "gäller en annan enhet.")
    plan = get_plan(session, plan_id)
    if session.exec(select(PlanRisk.id).where(
            PlanRisk.plan_id == plan.id,
            PlanRisk.source_assessment_id == assessment_id)).first():
        raise InvalidInput("Påståendet är redan en risk i planen.")
    risk_title = _text(title if title is not None else finding.statement, "Risken")
    description = typed_text(description).strip()
    first = _checked_first(first)
    with _one_transaction(session):
        row_area = _area(session, plan, area if area else finding.section_title)
        risk = _new_risk(session, plan, row_area, risk_title, description,
                         source_review_id=finding.review_id,
                         source_assessment_id=finding.assessment_id,
                         source_version=finding.version,
                         source_review_title=finding.review_title,
                         source_section=finding.section,
                         source_statement=finding.statement,
                         source_rating=finding.rating)
        label = risk_label(row_area.number, risk.number)
        changelog.append(session, review_id=None, entity="plan_risk", entity_id=risk.id,
                         action="create",
                         changes={"plan": plan.unit, "risk": label, "title": risk_title,
                                  "source_review_id": finding.review_id,
                                  "source_version": finding.version,
                                  "statement": finding.statement, "rating": finding.rating})
        if first is not None:
            _add_grade(session, plan, risk, label, first.probability, first.severity,
                       first.assessed_on, first.comment, None)
    return risk.id


def _risk(session: Session, plan: ActionPlan, label: str) -> tuple[PlanRisk, str]:
    """The plan's risk numbered ``label`` ("1.1"), with its label."""
    for risk, number in session.exec(
            select(PlanRisk, PlanArea.number)
            .join(PlanArea, col(PlanArea.id) == col(PlanRisk.area_id))
            .where(PlanRisk.plan_id == plan.id)).all():
        if risk_label(number, risk.number) == label.strip():
            return risk, label.strip()
    raise NotFound(f"Planen har ingen risk {label}.")


def assess_risk(
    session: Session,
    plan_id: str,
    risk: str,
    probability: int,
    severity: int,
    *,
    assessed_on: date,
    comment: str = "",
) -> str:
    """A new dated assessment of a risk (named "1.1") outside a follow-up round; its level
    (the previous assessments are kept)."""
    plan = get_plan(session, plan_id)
    row, label = _risk(session, plan, risk)
    probability, severity = _cell(probability, severity)
    comment = typed_text(comment).strip()
    with _one_transaction(session):
        grade = _add_grade(session, plan, row, label, probability, severity, assessed_on,
                           comment, None)
    return grade.level


# --- Actions ------------------------------------------------------------------------------------


def add_action(
    session: Session,
    plan_id: str,
    risk: str,
    *,
    title: str,
    description: str = "",
    responsible_role: str = "",
    deadline: date | None = None,
    activities: Sequence[str] = (),
    status: ActionStatus = ActionStatus.PLANNED,
) -> int:
    """Add an action against a risk with its activities; its number within the risk.

    Responsibility is a role ("enhetschef"), never a person's name; the deadline cannot come
    before the plan's date.
    """
    plan = get_plan(session, plan_id)
    row, label = _risk(session, plan, risk)
    title = _text(title, "Åtgärden")
    _refuse(deadline_problem(deadline, plan.decided_on))
    if status not in set(ActionStatus):
        raise InvalidInput(f"Okänd status '{status}'.")
    texts = [typed_text(text).strip() for text in activities]
    numbers = session.exec(select(PlanAction.number).where(PlanAction.risk_id == row.id)).all()
    action = PlanAction(risk_id=row.id, number=next_number([*numbers,
                                                             row.retired_action_number]),
                        title=title,
                        description=typed_text(description).strip(),
                        responsible_role=typed_text(responsible_role).strip(),
                        deadline=deadline, status=str(status))
    with _one_transaction(session):
        session.add(action)
        for position, text in enumerate(t for t in texts if t):
            session.add(PlanActivity(action_id=action.id, text=text, position=position))
        changelog.append(session, review_id=None, entity="plan_action", entity_id=action.id,
                         action="create",
                         changes={"risk": label, "number": action.number, "title": title,
                                  "description": action.description,
                                  "responsible_role": action.responsible_role,
                                  "deadline": deadline, "status": str(status),
                                  "activities": [t for t in texts if t]})
    return action.number


def _action(session: Session, plan: ActionPlan, risk: str,
            number: int) -> tuple[PlanAction, str]:
    row, label = _risk(session, plan, risk)
    action = session.exec(select(PlanAction).where(PlanAction.risk_id == row.id,
                                                   PlanAction.number == number)).first()
    if action is None:
        raise NotFound(f"Risk {label} har ingen åtgärd {number}.")
    return action, f"{label}:{number}"


def set_action_status(session: Session, plan_id: str, risk: str, number: int,
                      status: ActionStatus) -> None:
    """Change where an action stands (Planerad, Pågår, Genomförd, Avbruten)."""
    plan = get_plan(session, plan_id)
    action, label = _action(session, plan, risk, number)
    if action.status == status:
        return
    with _one_transaction(session):
        changes = {"action": label, "status": [action.status, str(status)]}
        action.status = str(status)
        action.updated_at = utcnow()
        session.add(action)
        changelog.append(session, review_id=None, entity="plan_action", entity_id=action.id,
                         action="update", changes=changes)


def update_action(
    session: Session,
    plan_id: str,
    risk: str,
    number: int,
    *,
    title: str | None = None,
    description: str | None = None,
    responsible_role: str | None = None,
    deadline: date | None = None,
    no_deadline: bool = False,
    activities: Sequence[str] | None = None,
) -> None:
    """Change an action's wording, role, deadline (``no_deadline`` removes it) or activities
    (replaced whole, in the order given); what is not given stays. The checks of
    ``add_action`` hold."""
    plan = get_plan(session, plan_id)
    action, label = _action(session, plan, risk, number)
    new: dict[str, object] = {}
    if title is not None:
        new["title"] = _text(title, "Åtgärden")
    if description is not None:
        new["description"] = typed_text(description).strip()
    if responsible_role is not None:
        new["responsible_role"] = typed_text(responsible_role).strip()
    if deadline is not None:
        _refuse(deadline_problem(deadline, plan.decided_on))
        new["deadline"] = deadline
    elif no_deadline:
        new["deadline"] = None
    changes = changelog.diff({key: getattr(action, key) for key in new}, new)
    rows = list(session.exec(select(PlanActivity).where(PlanActivity.action_id == action.id)
                             .order_by(col(PlanActivity.position))).all())
    texts = None
    if activities is not None:
        texts = [t for t in (typed_text(text).strip() for text in activities) if t]
        if texts != [row.text for row in rows]:
            changes["activities"] = [[row.text for row in rows], texts]
    if not changes:
        return
    with _one_transaction(session):
        for key, value in new.items():
            setattr(action, key, value)
        action.updated_at = utcnow()
        session.add(action)
        if texts is not None and "activities" in changes:
            for row in rows:
                session.delete(row)
            for position, text in enumerate(texts):
                session.add(PlanActivity(action_id=action.id, text=text, position=position))
        changelog.append(session, review_id=None, entity="plan_action", entity_id=action.id,
                         action="update", changes={"action": label, **changes})


def update_risk(session: Session, plan_id: str, risk: str, *, title: str | None = None,
                description: str | None = None) -> None:
    """Change a risk's wording; its number, area, source and history stay."""
    plan = get_plan(session, plan_id)
    row, label = _risk(session, plan, risk)
    new: dict[str, object] = {}
    if title is not None:
        new["title"] = _text(title, "Risken")
    if description is not None:
        new["description"] = typed_text(description).strip()
    changes = changelog.diff({key: getattr(row, key) for key in new}, new)
    if not changes:
        return
    with _one_transaction(session):
        for key, value in new.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        session.add(row)
        changelog.append(session, review_id=None, entity="plan_risk", entity_id=row.id,
                         action="update", changes={"risk": label, **changes})


# --- Indicators ---------------------------------------------------------------------------------


def add_indicator(
    session: Session,
    plan_id: str,
    risk: str,
    *,
    name: str,
    kind: IndicatorKind = IndicatorKind.SHARE,
    baseline: float | None = None,
) -> int:
    """Add an indicator to a risk, with its starting value (ingångsvärde); its number."""
    plan = get_plan(session, plan_id)
    row, label = _risk(session, plan, risk)
    name = _text(name, "Indikatorns namn")
    _refuse(value_problem(kind, baseline))
    positions = session.exec(select(PlanIndicator.position)
                             .where(PlanIndicator.risk_id == row.id)).all()
    indicator = PlanIndicator(risk_id=row.id, name=name, kind=str(kind), baseline=baseline,
                              position=next_number([*(p + 1 for p in positions),
                                                    row.retired_indicator_number]) - 1)
    with _one_transaction(session):
        session.add(indicator)
        changelog.append(session, review_id=None, entity="plan_indicator",
                         entity_id=indicator.id, action="create",
                         changes={"risk": label, "name": name, "kind": str(kind),
                                  "baseline": baseline})
    return indicator.position + 1


def _indicator(session: Session, plan: ActionPlan, risk: str,
               number: int) -> tuple[PlanIndicator, str]:
    row, label = _risk(session, plan, risk)
    found = session.exec(select(PlanIndicator).where(PlanIndicator.risk_id == row.id,
                                                     PlanIndicator.position == number - 1)
                         ).first()
    if found is None:
        raise NotFound(f"Risk {label} har ingen indikator {number}.")
    return found, f"{label}:{number}"


# --- Follow-up rounds ---------------------------------------------------------------------------


def _round_problem(plan: ActionPlan, period: Period, held_on: date) -> str | None:
    """Why a round cannot be opened: it cannot be held, nor report on a period that ended,
    before the plan was decided."""
    if period.end < plan.decided_on:
        return (f"{period.label} slutar före planens datum {plan.decided_on.isoformat()}; "
                "det finns inget att följa upp.")
    if held_on < plan.decided_on:
        return (f"Uppföljningen {held_on.isoformat()} ligger före planens datum "
                f"{plan.decided_on.isoformat()}.")
    return None


def open_round(session: Session, plan_id: str, period: Period, *, held_on: date,
               summary: str = "") -> str:
    """Open the follow-up round of a period (a tertial, a month or a date); its id. A period
    is followed up once; the round is added to after that."""
    plan = get_plan(session, plan_id)
    _refuse(_round_problem(plan, period, held_on))
    if session.exec(select(FollowupRound.id).where(FollowupRound.plan_id == plan.id,
                                                   FollowupRound.period == period.key)).first():
        raise InvalidInput(f"Planen har redan en uppföljning för {period.label}.")
    row = FollowupRound(plan_id=plan.id, period=period.key, held_on=held_on,
                        summary=typed_text(summary).strip())
    with _one_transaction(session):
        session.add(row)
        changelog.append(session, review_id=None, entity="followup_round", entity_id=row.id,
                         action="create",
                         changes={"plan": plan.unit, "period": period.key,
                                  "held_on": held_on, "summary": row.summary})
    return row.id


def round_for(session: Session, plan_id: str, period: Period) -> str:
    """The id of the plan's round for a period."""
    found = session.exec(select(FollowupRound.id).where(FollowupRound.plan_id == plan_id,
                                                        FollowupRound.period == period.key)
                         ).first()
    if found is None:
        raise NotFound(f"Planen har ingen uppföljning för {period.label}.")
    return found


@dataclass(frozen=True)
class Light:
    """A traffic light for an action at a round."""

    risk: str
    action: int
    light: TrafficLight
    comment: str = ""


@dataclass(frozen=True)
class RoundGrade:
    """A new assessment of a risk at a round."""

    risk: str
    probability: int
    severity: int
    comment: str = ""


@dataclass(frozen=True)
class Value:
    """An indicator's value at a round: typed in (None: not measured), or the share Ja of a
    review's criterion when ``review_id`` and ``criterion`` are given."""

    risk: str
    indicator: int
    value: float | None = None
    note: str = ""
    review_id: str | None = None
    criterion: str = ""


def _criterion_share(session: Session, review_id: str,
                     code: str) -> tuple[float, str, int, int]:
    """(share Ja %, the code as stored, Ja, applicable) of a review's criterion, from its
    file-review results."""
    get_review(session, review_id)
    results = review_results(session, review_id)
    if results is None:
        raise InvalidInput("Granskningen har inget urval ännu, så kriteriet har inget resultat.")
    row = next((r for r in results.rows if r.code.casefold() == code.strip().casefold()), None)
    if row is None:
        raise NotFound(f"Granskningen har inget kriterium {code}.")
    counts = row.result.counts
    share = share_of(counts.ja, counts.applicable)
    if share is None:
        raise InvalidInput(f"Kriterium {row.code} har inga tillämpliga svar; andelen Ja "
                           "saknas.")
    return share, row.code, counts.ja, counts.applicable


def record_followup(
    session: Session,
    plan_id: str,
    period: Period,
    *,
    lights: Sequence[Light] = (),
    grades: Sequence[RoundGrade] = (),
    values: Sequence[Value] = (),
    summary: str | None = None,
    held_on: date | None = None,
) -> bool:
    """Record at the round of ``period``: each action's traffic light and comment, each
    risk's new assessment, each indicator's value. All of it is checked first and written in
    one transaction; setting an action's light or an indicator's value again replaces it.

    A period without a round gets one, held on ``held_on``, in the same transaction (without
    ``held_on`` it is refused). True when the round was opened here.
    """
    plan = get_plan(session, plan_id)
    round_row = session.exec(select(FollowupRound).where(
        FollowupRound.plan_id == plan.id, FollowupRound.period == period.key)).first()
    opened = round_row is None
    if round_row is not None:
        signed = signed_round_label(session, round_row.id)
        if signed is not None:
            raise InvalidInput(f"Uppföljningen {signed} är signerad och låst; dess stoppljus, "
                               "riskbedömningar, indikatorvärden och sammanfattning kan inte "
                               "ändras. Registrera det nya i nästa uppföljning.")
    if round_row is None:
        if held_on is None:
            round_for(session, plan.id, period)  # raises NotFound with the message
            raise AssertionError("unreachable")
        _refuse(_round_problem(plan, period, held_on))
        round_row = FollowupRound(plan_id=plan.id, period=period.key, held_on=held_on,
                                  summary="")
    checked_lights = []
    for light in lights:
        action, label = _action(session, plan, light.risk, light.action)
        if light.light not in set(TrafficLight):
            raise InvalidInput(f"Okänt stoppljus '{light.light}'.")
        checked_lights.append((action, label, light.light, typed_text(light.comment).strip()))
    checked_grades = []
    for grade in grades:
        risk, label = _risk(session, plan, grade.risk)
        probability, severity = _cell(grade.probability, grade.severity)
        checked_grades.append((risk, label, probability, severity,
                               typed_text(grade.comment).strip()))
    checked_values = []
    for value in values:
        indicator, label = _indicator(session, plan, value.risk, value.indicator)
        source: tuple[str, str, int, int] | None = None
        number = value.value
        if value.review_id is not None:
            if indicator.kind != IndicatorKind.SHARE:
                raise InvalidInput(f"Indikator {label} är ett antal; en andel Ja från en "
                                   "granskning passar bara en andel.")
            number, code, yes, applicable = _criterion_share(session, value.review_id,
                                                             value.criterion)
            source = (value.review_id, code, yes, applicable)
        problem = value_problem(indicator.kind, number)
        if problem:
            raise InvalidInput(f"Indikator {label}: {problem}")
        checked_values.append((indicator, label, number, typed_text(value.note).strip(),
                               source))
    with _one_transaction(session):
        if opened:
            session.add(round_row)
            changelog.append(session, review_id=None, entity="followup_round",
                             entity_id=round_row.id, action="create",
                             changes={"plan": plan.unit, "period": period.key,
                                      "held_on": round_row.held_on})
        if summary is not None and typed_text(summary).strip() != round_row.summary:
            changes = {"period": period.key,
                       "summary": [round_row.summary, typed_text(summary).strip()]}
            round_row.summary = typed_text(summary).strip()
            round_row.updated_at = utcnow()
            session.add(round_row)
            changelog.append(session, review_id=None, entity="followup_round",
                             entity_id=round_row.id, action="update", changes=changes)
        for action, label, light_value, comment in checked_lights:
            _set_light(session, round_row, action, label, light_value, comment)
        for risk, label, probability, severity, comment in checked_grades:
            _set_round_grade(session, plan, round_row, risk, label, probability, severity,
                             comment)
        for indicator, label, number, note, source in checked_values:
            _set_value(session, round_row, indicator, label, number, note, source)
    return opened


def _set_round_grade(session: Session, plan: ActionPlan, round_row: FollowupRound,
                     risk: PlanRisk, label: str, probability: int, severity: int,
                     comment: str) -> None:
    """A risk's assessment at a round: new, or the round's earlier one corrected (a round
    holds one assessment of each risk)."""
    row = session.exec(select(RiskAssessment).where(
        RiskAssessment.risk_id == risk.id, RiskAssessment.round_id == round_row.id)).first()
    if row is None:
        _add_grade(session, plan, risk, label, probability, severity, round_row.held_on,
                   comment, round_row.id)
        return
    level = plan_matrix(plan).level(probability, severity)
    new = {"probability": probability, "severity": severity, "level": str(level),
           "comment": comment}
    changes = changelog.diff({key: getattr(row, key) for key in new}, new)
    if not changes:
        return
    for key, value in new.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.add(row)
    changelog.append(session, review_id=None, entity="risk_assessment", entity_id=row.id,
                     action="update",
                     changes={"risk": label, "period": round_row.period, **changes})


def _set_light(session: Session, round_row: FollowupRound, action: PlanAction, label: str,
               light: TrafficLight, comment: str) -> None:
    row = session.exec(select(ActionFollowup).where(
        ActionFollowup.round_id == round_row.id,
        ActionFollowup.action_id == action.id)).first()
    if row is None:
        row = ActionFollowup(round_id=round_row.id, action_id=action.id, light=str(light),
                             comment=comment)
        changes: dict[str, object] = {"period": round_row.period, "action": label,
                                      "light": str(light), "comment": comment}
        verb = "create"
    else:
        changes = {"period": round_row.period, "action": label,
                   **changelog.diff({"light": row.light, "comment": row.comment},
                                    {"light": str(light), "comment": comment})}
        if len(changes) == 2:
            return
        row.light, row.comment, row.updated_at = str(light), comment, utcnow()
        verb = "update"
    session.add(row)
    changelog.append(session, review_id=None, entity="action_followup", entity_id=row.id,
                     action=verb, changes=changes)


def _set_value(session: Session, round_row: FollowupRound, indicator: PlanIndicator,
               label: str, number: float | None, note: str,
               source: tuple[str, str, int, int] | None) -> None:
    share = number if indicator.kind == IndicatorKind.SHARE else None
    amount = number if indicator.kind == IndicatorKind.COUNT else None
    review_id, criterion, yes, applicable = source or (None, "", None, None)
    row = session.exec(select(IndicatorValue).where(
        IndicatorValue.round_id == round_row.id,
        IndicatorValue.indicator_id == indicator.id)).first()
    new = {"share": share, "amount": amount, "note": note, "source_review_id": review_id,
           "source_criterion": criterion, "source_yes": yes, "source_applicable": applicable}
    if row is None:
        row = IndicatorValue(round_id=round_row.id, indicator_id=indicator.id, share=share,
                             amount=amount, note=note, source_review_id=review_id,
                             source_criterion=criterion, source_yes=yes,
                             source_applicable=applicable)
        changes: dict[str, object] = {"period": round_row.period, "indicator": label, **new}
        verb = "create"
    else:
        diff = changelog.diff({key: getattr(row, key) for key in new}, new)
        if not diff:
            return
        for key, value in new.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        changes = {"period": round_row.period, "indicator": label, **diff}
        verb = "update"
    session.add(row)
    changelog.append(session, review_id=None, entity="indicator_value", entity_id=row.id,
                     action=verb, changes=changes)

