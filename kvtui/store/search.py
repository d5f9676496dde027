"""Search across all free text of one review (SQLite FTS5).

The index ``search_index`` is created by migration 0003 and kept in step by triggers on every
indexed table, so no write path needs to remember it. What is indexed, per kind: the review's
title, unit, purpose, scope and method text; interview roles and notes; observations;
document titles, kinds and providers; section texts; statements; comments on answers; fact-check
comments and responses.

A query is plain words as a user types them: each word is quoted for FTS5 (so quotes, ``AND``,
``*``, ``:`` or parentheses in the input are searched for as text, never parsed), all words
must occur, and the last word also matches as a prefix (the user may still be typing). Matching
is case-insensitive for all letters (Å = å) but keeps å ä ö apart from a o: "far" does not
find "får".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

KINDS: dict[str, str] = {
    "review": "Granskning",
    "interview": "Intervju",
    "observation": "Iakttagelse",
    "document": "Dokument",
    "section_text": "Avsnittstext",
    "assessment": "Bedömning",
    "answer": "Kommentar i aktgranskningen",
    "factcheck": "Faktagranskning",
}

DEFAULT_LIMIT = 200
_WORD = re.compile(r"[^\W_]")  # a letter or digit: what the tokenizer keeps


@dataclass(frozen=True)
class SearchHit:
    """One record that matches: what it is, its id, where it is, and the matching passage.

    ``snippet`` marks the matched words with the marks given to ``search`` (« » by default).
    """

    kind: str
    record_id: str
    label: str
    snippet: str

    @property
    def kind_label(self) -> str:
        """The kind in Swedish: Intervju, Bedömning, …"""
        return KINDS.get(self.kind, self.kind)


def match_expression(query: str) -> str:
    """An FTS5 expression for words typed by a user, "" when there is nothing to search for.

    Each whitespace-separated word becomes a quoted string (a phrase when it holds several
    tokens, as "2025-03-04" does); the last one is also a prefix.
    """
    words = [word for word in query.split() if _WORD.search(word)]
    if not words:
        return ""
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(
    session: Session,
    review_id: str,
    query: str,
    *,
    limit: int = DEFAULT_LIMIT,
    marks: tuple[str, str] = ("«", "»"),
) -> list[SearchHit]:
    """The review's records matching ``query``, best first; [] for a query without words."""
    expression = match_expression(query)
    if not expression:
        return []
    rows = session.connection().execute(
        text(
            "SELECT kind, record_id, label,"
            " snippet(search_index, 4, :open, :close, '…', 12)"
            " FROM search_index WHERE search_index MATCH :expression AND review_id = :review"
            " ORDER BY rank LIMIT :limit"
        ),
        {"expression": expression, "review": review_id, "open": marks[0], "close": marks[1],
         "limit": limit},
    ).all()
    return [SearchHit(kind, record_id, label, " ".join(snippet.split()))
            for kind, record_id, label, snippet in rows]
