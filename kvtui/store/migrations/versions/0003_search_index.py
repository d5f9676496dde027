"""Full-text search: an FTS5 index over a review's free text, kept in sync by triggers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00

One row per indexed record: (review_id, kind, record_id, label, body); only ``body`` is
searched. The tokenizer keeps diacritics (``remove_diacritics 0``) so that "far" does not match
"får", and folds case for all letters (Å = å). Triggers on every indexed table keep the index
in step with every write path, whichever module writes. Each source is one SELECT over its
table (alias ``t``); the triggers reuse it with a condition on the changed row.

A later migration that rebuilds one of these tables (Alembic batch mode copies, drops and
renames it) drops its triggers with it and must create them again;
tests/store/test_search.py checks that every trigger exists at head.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NL = "char(10)"


def _body(*parts: str) -> str:
    joined = f" || {NL} || ".join(f"coalesce({part}, '')" for part in parts)
    return f"trim({joined}, {NL} || ' ')"


def _roles(alias: str) -> str:
    return (f"coalesce((SELECT group_concat(j.value, ', ') FROM json_each({alias}.roles_json)"
            " AS j), '')")


def _interview_label(alias: str) -> str:
    roles = _roles(alias)
    return (f"coalesce({alias}.held_on, 'utan datum') || CASE WHEN {roles} = '' THEN ''"
            f" ELSE ' (' || {roles} || ')' END")


_SECTION_LABEL = "trim(s.number || ' ' || s.title)"


@dataclass(frozen=True)
class Source:
    """One indexed table: how its rows become index rows, and which columns are watched."""

    table: str
    kind: str
    review_id: str
    label: str
    body: str
    joins: str
    watched: tuple[str, ...]
    delete_when: str = ""

    def select(self, condition: str = "1") -> str:
        """The index rows of the source's records that meet ``condition``."""
        return (
            "INSERT INTO search_index (review_id, kind, record_id, label, body)"
            " SELECT review_id, kind, record_id, label, body FROM ("
            f"SELECT {self.review_id} AS review_id, '{self.kind}' AS kind, t.id AS record_id,"
            f" {self.label} AS label, {self.body} AS body"
            f" FROM {self.table} AS t {self.joins} WHERE {condition}"
            ") WHERE body != ''"
        )

    def forget(self, condition: str) -> str:
        """Remove the index rows of the records whose id meets ``condition``."""
        return f"DELETE FROM search_index WHERE kind = '{self.kind}' AND record_id {condition}"


SOURCES = (
    Source("review", "review", "t.id", "t.title",
           _body("t.title", "t.unit", "t.purpose", "t.scope", "t.method_text"), "",
           ("title", "unit", "purpose", "scope", "method_text")),
    Source("interview", "interview", "t.review_id", _interview_label("t"),
           _body(_roles("t"), "t.notes"), "", ("held_on", "roles_json", "notes")),
    Source("observation", "observation", "i.review_id", _interview_label("i"), _body("t.text"),
           "JOIN interview AS i ON i.id = t.interview_id", ("text", "interview_id")),
    Source("document", "document", "t.review_id", "t.title",
           _body("t.title", "t.kind", "t.provided_by"), "", ("title", "kind", "provided_by")),
    Source("section_text", "section_text", "s.review_id", _SECTION_LABEL, _body("t.text"),
           "JOIN review_section AS s ON s.id = t.section_id", ("text", "section_id"),
           delete_when="old.text != ''"),
    Source("assessment", "assessment", "s.review_id", _SECTION_LABEL, _body("t.statement"),
           "JOIN review_section AS s ON s.id = t.section_id", ("statement", "section_id")),
    Source("answer", "answer", "t.review_id", "c.code || ', akt ' || f.reference",
           _body("t.comment"),
           "JOIN review_criterion AS c ON c.id = t.criterion_id"
           " JOIN case_file AS f ON f.id = t.case_file_id", ("comment",),
           delete_when="old.comment != ''"),
    Source("factcheck_comment", "factcheck", "t.review_id",
           f"coalesce({_SECTION_LABEL}, 'Faktagranskning')",
           _body("t.text", "t.response", "t.response_reason"),
           "LEFT JOIN review_section AS s ON s.id = t.section_id",
           ("text", "response", "response_reason", "section_id")),
)

# Records whose labels come from another table's row: (table, dependent source, condition).
DEPENDENTS = {
    "interview": ("observation", "t.interview_id = new.id",
                  "IN (SELECT id FROM observation WHERE interview_id = new.id)"),
}


def _triggers(source: Source) -> list[str]:
    name = f"search_{source.table}"
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in source.watched)
    update_body = [source.forget("= old.id"), source.select("t.id = new.id")]
    if source.table in DEPENDENTS:
        kind, condition, ids = DEPENDENTS[source.table]
        dependent = next(s for s in SOURCES if s.kind == kind)
        update_body += [dependent.forget(ids), dependent.select(condition)]
    delete_body = [source.forget("= old.id")]
    if source.table == "review":
        delete_body.append("DELETE FROM search_index WHERE review_id = old.id")
    when = f" WHEN {source.delete_when}" if source.delete_when else ""
    return [
        f"CREATE TRIGGER {name}_ai AFTER INSERT ON {source.table} BEGIN "
        f"{source.select('t.id = new.id')}; END",
        f"CREATE TRIGGER {name}_au AFTER UPDATE OF {', '.join(source.watched)}"
        f" ON {source.table} WHEN {changed} BEGIN {'; '.join(update_body)}; END",
        f"CREATE TRIGGER {name}_ad AFTER DELETE ON {source.table}{when} BEGIN "
        f"{'; '.join(delete_body)}; END",
    ]


def upgrade() -> None:
    """Create the index, fill it from the rows already stored, and add the triggers. An FTS5
    table and these triggers are SQLite's own: the archive on PostgreSQL searches with a
    tsvector of its own (0016)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "review_id UNINDEXED, kind UNINDEXED, record_id UNINDEXED, label UNINDEXED, body,"
        " tokenize = 'unicode61 remove_diacritics 0')"
    )
    for source in SOURCES:
        op.execute(source.select())
        for statement in _triggers(source):
            op.execute(statement)


def downgrade() -> None:
    """Drop the triggers and the index."""
    for source in SOURCES:
        for suffix in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER IF EXISTS search_{source.table}_{suffix}")
    op.execute("DROP TABLE IF EXISTS search_index")
