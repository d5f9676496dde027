"""Samples in the store: draw once with a recorded seed, replace with reasons, extend.

The store keeps the drawn order; the domain's seeded order, recomputed from the population and
the seed, supplies replacements and extensions, so anyone can redraw and check the sample. The
seed and the attribute to stratify by are taken as the store keeps them (control characters
out) before the draw, and refused when they hold a personnummer, so that the stored seed
redraws the sample. Replacements and extensions continue the sample as stored
(``kvtui.domain.sampling.resume``): should its seed or a reference be masked afterwards (a
personnummer stored before the rule, ``kvtui.store.stored_idnumbers``), the akter drawn stay
and the order continues from the values as stored.
"""

from __future__ import annotations

import json

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from kvtui.domain.filereview import (
    ACTIVE,
    EXCLUDED,
    REPLACED,
    STATUS_LABELS,
    SampledAkt,
    SampleInfo,
)
from kvtui.domain.safe_text import typed_text
from kvtui.domain.sampling import (
    Drawn,
    PopulationItem,
    SamplingError,
    StratumShare,
    draw,
    extend,
    new_seed,
    next_replacement,
    resume,
    sampled_allocation,
)
from kvtui.domain.signoff import MAX_REASON
from kvtui.domain.vocabulary import ReviewStatus
from kvtui.store import changelog
from kvtui.store.bulk import DriverStatement, insert_sql, new_ids, paused_gc, stored_value
from kvtui.store.errors import InvalidInput
from kvtui.store.guards import writable_review
from kvtui.store.idnumber_rule import Rule, refuse
from kvtui.store.models import (
    Answer,
    CaseFile,
    ReviewCriterion,
    Sample,
    SampleItem,
    utcnow,
)

_SAMPLE_ITEMS = SampleItem.__table__  # type: ignore[attr-defined]
# A whole sample in one executemany by the driver, with ids from ``new_ids`` (see
# kvtui.store.bulk; bench/population.py needs both).
INSERT_SAMPLE_ITEMS = insert_sql(
    _SAMPLE_ITEMS,
    ("id", "created_at", "updated_at", "sample_id", "case_file_id", "position", "status",
     "replaced_reason"),
)


def population(session: Session, review_id: str) -> list[PopulationItem]:
    """The review's case files as the sampling rules see them."""
    rows = session.exec(
        select(CaseFile.reference, CaseFile.attributes_json)
        .where(CaseFile.review_id == review_id).order_by(col(CaseFile.position))
    ).all()
    return [PopulationItem(reference, json.loads(attributes)) for reference, attributes in rows]


# Run by the driver, past SQLAlchemy's result handling of every row (kvtui.store.bulk;
# bench/population.py needs it).
_POPULATION_ROWS = DriverStatement(
    select(CaseFile.id, CaseFile.reference, CaseFile.attributes_json)
    .where(col(CaseFile.review_id) == bindparam("review_id"))
    .order_by(col(CaseFile.position))
)
_POPULATION_STRATA = DriverStatement(
    select(CaseFile.id, CaseFile.reference, CaseFile.attributes_json,
           func.json_extract(CaseFile.attributes_json, bindparam("path")).label("stratum"))
    .where(col(CaseFile.review_id) == bindparam("review_id"))
    .order_by(col(CaseFile.position))
)


_SAMPLED_AKTER = (
    select(col(CaseFile.id).label("case_file_id"), CaseFile.reference,  # type: ignore[call-overload]
           SampleItem.position, SampleItem.status, SampleItem.replaced_reason,
           CaseFile.attributes_json, col(SampleItem.id).label("item_id"),
           SampleItem.replaces_id)
    .join(CaseFile, col(CaseFile.id) == col(SampleItem.case_file_id))
    .where(col(SampleItem.sample_id) == bindparam("sample_id"))
    .order_by(col(SampleItem.position))
)


def _drawing_population(
    session: Session, review_id: str, stratify_by: str | None
) -> tuple[list[PopulationItem], dict[str, tuple[str, str]]]:
    """The population as the draw needs it, and each reference's case-file id and stored
    attributes (JSON, decoded only for the akter drawn), in one read.

    A draw needs the references and, for a stratified sample, one attribute: SQLite takes that
    attribute out of the JSON column, rather than Python decoding every akt's attributes (for
    10,000 akter the larger part of a draw). An attribute name that a JSON path cannot quote
    is read the ordinary way.
    """
    connection = session.connection()
    if stratify_by and ('"' in stratify_by or "\\" in stratify_by):
        rows = _POPULATION_ROWS.all(connection, review_id=review_id)
        items = [PopulationItem(row["reference"], json.loads(row["attributes_json"]))
                 for row in rows]
    elif stratify_by:
        rows = _POPULATION_STRATA.all(connection, review_id=review_id,
                                      path=f'$."{stratify_by}"')
        items = [
            PopulationItem(row["reference"],
                           {stratify_by: row["stratum"]} if row["stratum"] is not None else {})
            for row in rows
        ]
    else:
        rows = _POPULATION_ROWS.all(connection, review_id=review_id)
        items = [PopulationItem(row["reference"]) for row in rows]
    return items, {row["reference"]: (row["id"], row["attributes_json"]) for row in rows}


def _sample_row(session: Session, review_id: str) -> Sample | None:
    return session.exec(
        select(Sample).where(Sample.review_id == review_id)
        .order_by(col(Sample.drawn_at).desc()).limit(1)
    ).first()


def has_sample(session: Session, review_id: str) -> bool:
    """Whether a sample has been drawn (case files are then fixed)."""
    return _sample_row(session, review_id) is not None


def current_sample(session: Session, review_id: str) -> SampleInfo | None:
    """The review's sample with its akter in drawn order, or None before drawing."""
    sample = _sample_row(session, review_id)
    if sample is None:
        return None
    rows = session.connection().execute(_SAMPLED_AKTER, {"sample_id": sample.id}).all()
    replaced_by = {row.replaces_id: row.reference for row in rows if row.replaces_id is not None}
    items = tuple(
        SampledAkt(row.case_file_id, row.reference, row.position, row.status,
                   row.replaced_reason, json.loads(row.attributes_json),
                   replaced_by.get(row.item_id, ""))
        for row in rows
    )
    return _info(sample, items)


def sample_allocation(
    session: Session, review_id: str, sample: SampleInfo
) -> tuple[StratumShare, ...]:
    """Per stratum of a stratified sample, the akter it reviews (replaced ones not counted) of
    those in the population; empty for a sample that is not stratified."""
    if not sample.stratify_by:
        return ()
    return sampled_allocation(
        sample.stratify_by, (item.attributes for item in population(session, review_id)),
        (akt.attributes for akt in sample.active),
    )


def _info(sample: Sample, items: tuple[SampledAkt, ...]) -> SampleInfo:
    return SampleInfo(
        id=sample.id,
        method=sample.method,
        seed=sample.seed,
        population_size=sample.population_size,
        target_size=sample.target_size,
        fraction=sample.fraction,
        stratify_by=sample.stratify_by,
        drawn_by=sample.drawn_by,
        drawn_at=sample.drawn_at,
        items=items,
    )


def _ids_by_reference(session: Session, review_id: str) -> dict[str, str]:
    return {
        reference: case_file_id
        for case_file_id, reference in session.exec(
            select(CaseFile.id, CaseFile.reference).where(CaseFile.review_id == review_id)
        ).all()
    }


def draw_sample(
    session: Session,
    review_id: str,
    *,
    method: str = "simple",
    size: int | None = None,
    fraction: float | None = None,
    stratify_by: str | None = None,
    seed: str | None = None,
) -> SampleInfo:
    """Draw the review's sample and store it with its seed; commits. Drawn once only."""
    with paused_gc():
        return _draw(session, review_id, method=method, size=size, fraction=fraction,
                     stratify_by=stratify_by, seed=seed)


def _draw(
    session: Session, review_id: str, *, method: str, size: int | None,
    fraction: float | None, stratify_by: str | None, seed: str | None,
) -> SampleInfo:
    review = writable_review(session, review_id, "urvalet")
    if has_sample(session, review_id):
        raise InvalidInput("Urvalet är redan draget. Du kan utöka det eller ersätta akter.")
    # Drawn with the seed and attribute as the store keeps them (control characters out), so
    # that a redraw from what is stored gives this sample; masked, either would draw another
    # one: refused instead.
    seed = typed_text(seed or "").strip() or new_seed()
    stratify_by = typed_text(stratify_by or "").strip() or None
    rule = Rule.of(session)
    refuse(rule, {"Slumpfröet": seed}, "välj ett annat frö.")
    refuse(rule, {"Uppgiften att dela in efter": stratify_by or ""}, "välj en annan uppgift.")
    items, stored = _drawing_population(session, review_id, stratify_by)
    try:
        drawn = draw(items, method=method, size=size, fraction=fraction,
                     stratify_by=stratify_by, seed=seed)
    except SamplingError as error:
        raise InvalidInput(str(error)) from None
    sample = Sample(
        review_id=review_id, method=method, target_size=size, fraction=fraction,
        stratify_by=stratify_by or "", seed=seed, population_size=drawn.population_size,
        drawn_by=changelog.current_actor(),
    )
    session.add(sample)
    session.flush()
    connection = session.connection()
    stamp = stored_value(connection, _SAMPLE_ITEMS.c.created_at, utcnow())
    connection.exec_driver_sql(INSERT_SAMPLE_ITEMS, [
        (item_id, stamp, stamp, sample.id, stored[key][0], position, "active", "")
        for position, (item_id, key) in enumerate(
            zip(new_ids(len(drawn.keys)), drawn.keys, strict=True), start=1
        )
    ])
    if review.status == ReviewStatus.PLANNING:
        review.status = ReviewStatus.FIELDWORK
        review.updated_at = utcnow()
        session.add(review)
    changelog.append(
        session, review_id=review_id, entity="sample", entity_id=sample.id, action="draw",
        changes={"method": method, "size": len(drawn.keys), "seed": seed,
                 "population": drawn.population_size, "stratify_by": stratify_by or ""},
    )
    session.commit()
    # What was just committed, from the rows at hand rather than read back (bench/population.py
    # needs it).
    loads = json.loads
    return _info(sample, tuple(
        SampledAkt(stored[key][0], key, position, attributes=loads(stored[key][1]))
        for position, key in enumerate(drawn.keys, start=1)
    ))


def _drawn_again(
    session: Session, review_id: str, sample: Sample
) -> tuple[Drawn, list[PopulationItem]]:
    """The sample as drawn and extended, with the rest of the population in the seeded order
    of the seed and references as stored (``resume``): where replacements and extensions come
    from."""
    items = population(session, review_id)
    drawn_keys = session.exec(
        select(CaseFile.reference)
        .join(SampleItem, col(SampleItem.case_file_id) == col(CaseFile.id))
        .where(SampleItem.sample_id == sample.id, col(SampleItem.replaces_id).is_(None))
        .order_by(col(SampleItem.position))
    ).all()
    try:
        drawn = resume(items, drawn_keys, method=sample.method, seed=sample.seed,
                       stratify_by=sample.stratify_by or None)
    except SamplingError as error:
        raise InvalidInput(str(error)) from None
    return drawn, items


def _sampled_item(session: Session, review_id: str, case_file_id: str, reason: str,
                  what: str) -> tuple[Sample, SampleItem, str]:
    """The sample, the akt's item in it (one still reviewed) and the reason as the store
    keeps it; refused in Swedish when the review is signed, the reason is missing or the akt
    is not (or no longer) in the sample. ``what`` is the verb: "ersätts", "utesluts"."""
    writable_review(session, review_id, "urvalet")
    reason = typed_text(reason).strip()
    if not reason:
        raise InvalidInput(f"Ange varför akten {what}.")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"Skälet är för långt (högst {MAX_REASON} tecken).")
    sample = _sample_row(session, review_id)
    if sample is None:
        raise InvalidInput("Inget urval är draget.")
    item = session.exec(
        select(SampleItem).where(SampleItem.sample_id == sample.id,
                                 SampleItem.case_file_id == case_file_id)
    ).first()
    if item is None:
        raise InvalidInput("Akten ingår inte i urvalet.")
    if item.status != ACTIVE:
        done = STATUS_LABELS.get(item.status, item.status).lower()
        raise InvalidInput(f"Akten är redan {done} och granskas inte.")
    return sample, item, reason


def replace_akt(session: Session, review_id: str, case_file_id: str, reason: str) -> SampledAkt:
    """Replace an unusable akt by the next one in the seeded order, with the reason; commits.

    The replaced akt stays in the sample, marked Ersatt with its reason; the change log
    names both akter and the reason.
    """
    sample, item, reason = _sampled_item(session, review_id, case_file_id, reason, "ersätts")
    drawn, _items = _drawn_again(session, review_id, sample)
    by_id = {v: k for k, v in _ids_by_reference(session, review_id).items()}
    used = {by_id[i.case_file_id] for i in session.exec(
        select(SampleItem).where(SampleItem.sample_id == sample.id)).all()}
    key = next_replacement(drawn, by_id[case_file_id], used)
    if key is None:
        raise InvalidInput("Det finns ingen akt kvar att ersätta med.")
    item.status = REPLACED
    item.replaced_reason = reason
    item.updated_at = utcnow()
    session.add(item)
    position = int(session.exec(
        select(func.max(SampleItem.position)).where(SampleItem.sample_id == sample.id)
    ).one() or 0) + 1
    new_id = _ids_by_reference(session, review_id)[key]
    session.add(SampleItem(sample_id=sample.id, case_file_id=new_id, position=position,
                           replaces_id=item.id))
    changelog.append(
        session, review_id=review_id, entity="sample", entity_id=sample.id, action="replace",
        changes={"replaced": by_id[case_file_id], "by": key, "reason": reason},
    )
    session.commit()
    return SampledAkt(new_id, key, position)


def exclude_akt(session: Session, review_id: str, case_file_id: str, reason: str) -> SampledAkt:
    """Exclude an akt of the sample that cannot be reviewed, with the reason, without a
    replacement; commits.

    The akt stays in the sample, marked Utesluten with its reason, and leaves the statistics:
    the sample reviewed is one akt smaller, which Metod and the appendix say. Logged.
    """
    sample, item, reason = _sampled_item(session, review_id, case_file_id, reason, "utesluts")
    reference = session.exec(
        select(CaseFile.reference).where(CaseFile.id == case_file_id)
    ).one()
    item.status = EXCLUDED
    item.replaced_reason = reason
    item.updated_at = utcnow()
    session.add(item)
    changelog.append(
        session, review_id=review_id, entity="sample", entity_id=sample.id, action="exclude",
        changes={"excluded": reference, "reason": reason},
    )
    session.commit()
    session.refresh(item)
    return SampledAkt(case_file_id, reference, item.position, EXCLUDED, item.replaced_reason)


def sampled_case_file(session: Session, review_id: str, reference: str) -> str:
    """The case-file id of the akt of the sample with this reference (as the unit writes it,
    surrounding spaces ignored); refused in Swedish when no akt of the sample has it."""
    sample = _sample_row(session, review_id)
    if sample is None:
        raise InvalidInput("Inget urval är draget.")
    found = session.exec(
        select(CaseFile.id)
        .join(SampleItem, col(SampleItem.case_file_id) == col(CaseFile.id))
        .where(SampleItem.sample_id == sample.id, CaseFile.reference == reference.strip())
    ).first()
    if found is None:
        raise InvalidInput(f"Akten '{reference.strip()}' ingår inte i urvalet.")
    return found


def unreviewed_akter(session: Session, review_id: str) -> tuple[list[str], int]:
    """The akter of the sample still to be reviewed, in drawn order, and how many akter the
    sample has to review: an akt is reviewed when every criterion has an answer, or when it
    is replaced or excluded. ([], 0) before a sample is drawn."""
    sample = _sample_row(session, review_id)
    if sample is None:
        return [], 0
    criteria = session.exec(
        select(func.count()).select_from(ReviewCriterion)
        .where(ReviewCriterion.review_id == review_id)
    ).one()
    answered = (
        select(Answer.case_file_id, func.count().label("given"))
        .where(Answer.review_id == review_id).group_by(col(Answer.case_file_id)).subquery()
    )
    rows = session.exec(
        select(CaseFile.reference, func.coalesce(answered.c.given, 0))
        .join(SampleItem, col(SampleItem.case_file_id) == col(CaseFile.id))
        .join(answered, answered.c.case_file_id == col(CaseFile.id), isouter=True)
        .where(SampleItem.sample_id == sample.id, SampleItem.status == ACTIVE)
        .order_by(col(SampleItem.position))
    ).all()
    return [reference for reference, given in rows if given < criteria], len(rows)


def extend_sample(session: Session, review_id: str, add: int) -> SampleInfo:
    """Add ``add`` akter, the next ones in the seeded order; commits."""
    sample = _sample_row(session, review_id)
    if sample is None:
        raise InvalidInput("Inget urval är draget.")
    if add < 1:
        raise InvalidInput("Ange hur många akter som ska läggas till (minst 1).")
    drawn, items = _drawn_again(session, review_id, sample)
    ids = _ids_by_reference(session, review_id)
    by_id = {v: k for k, v in ids.items()}
    used = {by_id[i.case_file_id] for i in session.exec(
        select(SampleItem).where(SampleItem.sample_id == sample.id)).all()}
    try:
        bigger = extend(items, drawn, add, used=used)
    except SamplingError as error:
        raise InvalidInput(str(error)) from None
    position = int(session.exec(
        select(func.max(SampleItem.position)).where(SampleItem.sample_id == sample.id)
    ).one() or 0)
    added = [key for key in bigger.keys if key not in used][:add]
    if len(added) < add:
        raise InvalidInput("Populationen har inte så många akter kvar.")
    for key in added:
        position += 1
        session.add(SampleItem(sample_id=sample.id, case_file_id=ids[key], position=position))
    sample.target_size = (sample.target_size or 0) + add if sample.target_size else None
    session.add(sample)
    changelog.append(
        session, review_id=review_id, entity="sample", entity_id=sample.id, action="extend",
        changes={"added": added},
    )
    session.commit()
    info = current_sample(session, review_id)
    assert info is not None
    return info
