"""The archive's catalogue: which reviews it holds that this role may read, and a Swedish
full-text search in their texts. Row-level security decides what a role sees; nothing here
filters by who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text

from kvtui.domain.reviews import short_id
from kvtui.store.archive_engine import refusals
from kvtui.store.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class ArchivedReview:
    """One review as the archive lists it."""

    review_id: str
    title: str
    unit: str
    municipality: str
    committee: str
    year: int | None
    status: str
    version: int
    signed: bool
    pushed_by: str
    pushed_at: datetime
    # The latest signed version this role may read: a reader of signed versions only gets
    # that one when the review is being worked on again.
    signed_version: int | None = None

    @property
    def state(self) -> str:
        """Where the review stands in the archive, in Swedish."""
        if self.signed:
            return f"signerad v{self.version}"
        if self.signed_version is not None:
            return f"pågår v{self.version} (signerad v{self.signed_version})"
        return f"pågår v{self.version}"

    def to_json(self) -> dict[str, Any]:
        """The review as ``kvtui archive list --json`` prints it."""
        return {"id": self.review_id, "title": self.title, "unit": self.unit,
                "municipality": self.municipality, "committee": self.committee,
                "year": self.year, "status": self.status, "version": self.version,
                "signed": self.signed, "signed_version": self.signed_version,
                "pushed_by": self.pushed_by, "pushed_at": self.pushed_at.isoformat()}


@dataclass(frozen=True)
class SearchHit:
    """A review whose texts match a search, with the passage that matched."""

    review: ArchivedReview
    passage: str


_COLUMNS = ("review_id, title, unit, municipality, committee, year, status, version, signed, "
            "pushed_by, pushed_at, (SELECT max(v.version) FROM archive_version AS v WHERE "
            "v.review_id = archive_review.review_id AND v.signed)")


def list_archived(engine: Engine, *, unit: str | None = None,
                  year: int | None = None) -> list[ArchivedReview]:
    """The reviews in the archive that this role may read, newest year first. The unit is
    matched in any case here rather than by the server, whose case rules for å ä ö depend on
    how its database was made."""
    where, parameters = ("WHERE year = :year", {"year": year}) if year is not None else ("", {})
    with refusals(engine), engine.connect() as connection:
        rows = connection.execute(text(f"SELECT {_COLUMNS} FROM archive_review {where} "
                                       "ORDER BY year DESC NULLS LAST, unit, title"),
                                  parameters).all()
    found = [_listed(row) for row in rows]
    if unit:
        found = [review for review in found
                 if review.unit.casefold() == unit.strip().casefold()]
    return found


def search(engine: Engine, words: str, *, limit: int = 50) -> list[SearchHit]:
    """The reviews whose texts match ``words`` (Swedish full-text search: "socialsekreterare"
    finds "socialsekreterarens"; "-ord" leaves out, "\"två ord\"" keeps them together), best
    match first."""
    if not words.strip():
        raise InvalidInput("Ange ett eller flera ord att söka efter.")
    query = text(
        f"SELECT {_COLUMNS}, ts_headline('swedish', search_text, q, 'MaxWords=18, MinWords=6, "
        "StartSel=», StopSel=«') FROM archive_review, websearch_to_tsquery('swedish', :words) "
        "AS q WHERE search @@ q ORDER BY ts_rank(search, q) DESC, year DESC NULLS LAST "
        "LIMIT :limit")
    with refusals(engine), engine.connect() as connection:
        rows = connection.execute(query, {"words": words, "limit": limit}).all()
    return [SearchHit(_listed(row[:-1]), " ".join(str(row[-1]).split())) for row in rows]


def _listed(row: Any) -> ArchivedReview:
    (review_id, title, unit, municipality, committee, year, status, version, signed,
     pushed_by, pushed_at, signed_version) = tuple(row)
    return ArchivedReview(str(review_id), str(title), str(unit), str(municipality),
                          str(committee), None if year is None else int(year), str(status),
                          int(version), bool(signed), str(pushed_by), pushed_at,
                          None if signed_version is None else int(signed_version))


def resolve_archived(engine: Engine, reference: str) -> ArchivedReview:
    """The archived review named by its id, the start of its id (as ``kvtui list`` shows it)
    or its exact title."""
    wanted = reference.strip()
    found = [review for review in list_archived(engine)
             if review.review_id.startswith(wanted) or review.title == wanted]
    if not found:
        raise NotFound(f"Arkivet har ingen granskning ”{wanted}” som du får läsa.")
    if len(found) > 1:
        names = ", ".join(f"{short_id(r.review_id)} ({r.title})" for r in found[:5])
        raise InvalidInput(f"”{wanted}” passar flera granskningar i arkivet: {names}. Ange "
                           "fler tecken av id:t.")
    return found[0]
