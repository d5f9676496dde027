"""The Granskningar list read with plain ``sqlite3``, so the app's first frame needs no ORM.

``kvtui.store.review_detail.list_reviews`` gives the same summaries through SQLModel, but
importing SQLModel and the row models costs about half a second, and the list is the first thing the
auditor sees. This module reads the same rows with one SQL query instead; a test keeps the two
equal on the demo review. Read-only: every write goes through the ORM and its change log.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from kvtui.domain.reviews import ReviewSummary

# Counts as in ``kvtui.store.review_detail._counts``: case files, criteria, and, for the
# review's latest sample, its active items and the answers given for them. Ordered as
# ``list_reviews``, then by id, so that reviews changed in the same second keep their places
# between refreshes. "Ändrad" is the later of the review row's own time and its newest
# change-log entry (see ``kvtui.store.review_detail.last_changed``), so that an answer, a text
# or a document moves it too.
_QUERY = """
WITH latest AS (
    SELECT r.id AS review_id,
           (SELECT s.id FROM sample AS s WHERE s.review_id = r.id
            ORDER BY s.drawn_at DESC LIMIT 1) AS sample_id
    FROM review AS r
),
active AS (
    SELECT i.sample_id, i.case_file_id FROM sample_item AS i WHERE i.status = 'active'
)
SELECT r.id, r.title, r.unit, r.municipality, r.status, COALESCE(t.title, ''),
       max(r.updated_at, COALESCE((SELECT g.created_at FROM change_log AS g
                                   WHERE g.review_id = r.id ORDER BY g.rowid DESC LIMIT 1),
                                  r.updated_at)) AS changed,
       r.diary_number,
       (SELECT count(*) FROM case_file AS c WHERE c.review_id = r.id),
       (SELECT count(*) FROM review_criterion AS k WHERE k.review_id = r.id),
       (SELECT count(*) FROM active AS a WHERE a.sample_id = l.sample_id),
       (SELECT count(*) FROM answer AS n
        WHERE n.review_id = r.id
          AND n.case_file_id IN (SELECT a.case_file_id FROM active AS a
                                 WHERE a.sample_id = l.sample_id))
FROM review AS r
JOIN latest AS l ON l.review_id = r.id
LEFT JOIN review_template AS t ON t.review_id = r.id
ORDER BY changed DESC, r.created_at DESC, r.id
"""


def _timestamp(value: str) -> datetime:
    """A stored timestamp as SQLModel's ``UTCDateTime`` returns it: aware, in UTC.

    The store keeps UTC without an offset; the list shows it in the laptop's local time.
    """
    moment = datetime.fromisoformat(value)
    if moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def review_summaries(connection: sqlite3.Connection) -> list[ReviewSummary]:
    """All reviews, most recently changed first, as ``list_reviews`` returns them."""
    rows = connection.execute(_QUERY).fetchall()
    summaries = []
    for (review_id, title, unit, municipality, status, template_title, updated, diary,
         case_files, criteria, sampled, answered) in rows:
        summaries.append(
            ReviewSummary(
                id=review_id,
                title=title,
                unit=unit,
                municipality=municipality,
                status=status,
                template_title=template_title,
                case_files=int(case_files),
                sampled=int(sampled),
                answered=int(answered),
                expected=int(sampled) * int(criteria),
                updated=_timestamp(updated),
                diary_number=diary,
            )
        )
    return summaries
