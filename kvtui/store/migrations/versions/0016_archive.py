"""The merge bookkeeping locked with a signed review; the archive's own tables and lock

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 01:00:00

SQLite (the laptop's store): the merge tables of 0014 (``merge_stamp``, ``merge_context``,
``merge_conflict``) belong to a review and travel with it, so a signed review's rows there are
locked as 0015 locks the assignment tables: no INSERT, UPDATE or DELETE, and no INSERT or
UPDATE that would make REPLACE remove one (a collision on the rowid, the id or the primary
key). A merge never changes a signed review, and an import writes a review's rows before it
signs it again, so kvtui itself never meets the lock.

PostgreSQL (the unit's archive, made by these same migrations):

- ``archive_review``: one row per review in the archive, what the archive lists and searches
  (``search`` is a Swedish tsvector of ``search_text``, kept by PostgreSQL itself);
- ``archive_version``: every version pushed, as the kvtui bundle payload of the review (the
  serialized SQLite database ``kvtui.store.bundle.build_payload`` makes) with its SHA-256,
  which the row must match. A signed version is immutable: no UPDATE, no DELETE, no second
  signed payload for the same version, no TRUNCATE. A version in progress (``signed`` false)
  may be replaced. ``pushed_xact`` is the transaction that pushed the row, set by the server.
- the lock on a signed review: the rows of every table of a review (``review`` and the change
  log among them) are refused any INSERT, UPDATE or DELETE while ``review.status`` is
  'signed', except in the transaction that has itself pushed a signed version of that review
  at least as new as the review's (the push of the signed version, or of a later one that
  supersedes it). A review is 'signed' only at a version ``archive_version`` holds signed.
  TRUNCATE of those tables is refused while any review is signed. One
  plpgsql function locks every table; it finds a row's review through ``review_id`` or its
  foreign keys, as ``kvtui.store.bundle_rows`` does.
- each laptop numbers its own change log, so in the archive ``seq`` is unique per review
  rather than across the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "review is signed and locked"
UNSIGNED = "a signed review needs its signed version in archive_version"

# --- SQLite: the merge tables ----------------------------------------------------------------

# As in 0004, 0006, 0010 and 0015: how a row reaches its review, and the tables' UNIQUE keys
# besides the id and the rowid. Neither stamps nor contexts have an id: their primary key is
# what REPLACE deletes a row over.
OWNERS: dict[str, str] = dict.fromkeys(("merge_stamp", "merge_context", "merge_conflict"),
                                       "{row}.review_id")
UNIQUE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "merge_stamp": (),
    "merge_context": (),
    "merge_conflict": (),
}
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "merge_stamp": ("entity", "row_id", "field"),
    "merge_context": ("review_id", "site"),
    "merge_conflict": ("id",),
}


def _signed(review_id: str) -> str:
    return f"(SELECT status FROM review WHERE id = {review_id}) = 'signed'"


def _refuse(table: str, name: str, event: str, condition: str) -> str:
    return (f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END")


def lock_triggers() -> dict[str, str]:
    """The triggers of 0015 for the merge tables, by name, as CREATE statements."""
    triggers: dict[str, str] = {}
    for table, owner in OWNERS.items():
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")),
                            ("DELETE", ("OLD",))):
            name = f"{table}_locked_{event.lower()}"
            triggers[name] = _refuse(table, name, event, " OR ".join(
                _signed(owner.format(row=row)) for row in rows))
        keys = [PRIMARY_KEYS[table], ("rowid",), *UNIQUE_KEYS[table]]
        same = " OR ".join("(" + " AND ".join(f"x.{column} = NEW.{column}" for column in key)
                           + ")" for key in keys)
        for event, other_than_old in (("INSERT", False), ("UPDATE", True)):
            where = f"x.rowid <> OLD.rowid AND ({same})" if other_than_old else f"({same})"
            name = f"{table}_locked_{event.lower()}_replace"
            triggers[name] = _refuse(
                table, name, event,
                f"EXISTS (SELECT 1 FROM {table} AS x WHERE {where} AND "
                f"{_signed(owner.format(row='x'))})")
    return triggers


# --- PostgreSQL: the archive -----------------------------------------------------------------

# Every table of a review in the archive, and the reviews a row ``r`` belongs to as an array
# (several foreign keys may each lead to one; the row is locked when any of them is signed).
# tests/store/test_archive_locks.py keeps this equal to ``bundle_rows.review_tables()`` and
# the change log.
_SECTION = "SELECT review_id FROM review_section WHERE id = r.section_id"
_INTERVIEW = "SELECT review_id FROM interview WHERE id = r.interview_id"
_OBSERVATION = ("SELECT i.review_id FROM observation o JOIN interview i ON i.id = o.interview_id"
                " WHERE o.id = r.observation_id")
REVIEW_OF: dict[str, str] = {
    "review": "ARRAY[r.id]",
    **dict.fromkeys((
        "change_log", "merge_stamp", "merge_context", "merge_conflict", "case_file",
        "document", "factcheck_round", "interview", "review_criterion", "review_reopening",
        "review_section", "review_template", "sample", "sign_off", "akt_assignment", "answer",
        "factcheck_comment", "interview_assignment", "unanswered_comment"),
        "ARRAY[r.review_id]"),
    "assessment": f"ARRAY({_SECTION})",
    "section_text": f"ARRAY({_SECTION})",
    "observation": f"ARRAY({_INTERVIEW})",
    "sample_item": ("ARRAY(SELECT review_id FROM case_file WHERE id = r.case_file_id"
                    " UNION ALL SELECT review_id FROM sample WHERE id = r.sample_id)"),
    "observation_section": (f"ARRAY({_OBSERVATION} UNION ALL {_SECTION})"),
    "evidence_link": (
        "ARRAY(SELECT s.review_id FROM assessment a JOIN review_section s"
        " ON s.id = a.section_id WHERE a.id = r.assessment_id"
        " UNION ALL SELECT review_id FROM review_criterion WHERE id = r.criterion_id"
        " UNION ALL SELECT review_id FROM document WHERE id = r.document_id"
        f" UNION ALL {_OBSERVATION})"),
}

_ARCHIVE_VERSION_LOCK = """
CREATE FUNCTION kvtui_archive_version_lock() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'archive_version holds signed versions and is not truncated';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.signed THEN
        RAISE EXCEPTION 'a signed version in the archive is immutable'
            USING DETAIL = format('review %s, version %s', OLD.review_id, OLD.version);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    NEW.pushed_xact := pg_current_xact_id();
    IF NEW.signed AND EXISTS (
            SELECT 1 FROM archive_version v WHERE v.review_id = NEW.review_id
            AND v.version = NEW.version AND v.signed
            AND v.payload_sha256 IS DISTINCT FROM NEW.payload_sha256) THEN
        RAISE EXCEPTION 'a signed version in the archive is immutable'
            USING DETAIL = format('review %s, version %s is already signed with another '
                                  'payload', NEW.review_id, NEW.version);
    END IF;
    RETURN NEW;
END
$$
"""


def _review_lock(schema: str) -> str:
    """The one function that locks the rows of a signed review in every table."""
    branches = []
    for index, (table, owners) in enumerate(REVIEW_OF.items()):
        keyword = "IF" if index == 0 else "ELSIF"
        branches.append(f"        {keyword} TG_TABLE_NAME = '{table}' THEN\n"
                        f"            owners := {owners};")
    chain = "\n".join(branches)
    return f"""
CREATE FUNCTION kvtui_review_lock() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    side text;
    r record;
    owners text[];
    locked text;
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        IF EXISTS (SELECT 1 FROM review WHERE status = 'signed') THEN
            RAISE EXCEPTION '{LOCKED}'
                USING DETAIL = format('TRUNCATE %I while a review is signed', TG_TABLE_NAME);
        END IF;
        RETURN NULL;
    END IF;
    FOREACH side IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['NEW']
                                     WHEN 'DELETE' THEN ARRAY['OLD']
                                     ELSE ARRAY['OLD', 'NEW'] END LOOP
        IF side = 'NEW' THEN
            r := NEW;
        ELSE
            r := OLD;
        END IF;
{chain}
        ELSE
            RAISE EXCEPTION 'kvtui_review_lock does not know the table %', TG_TABLE_NAME;
        END IF;
        SELECT v.id INTO locked FROM review v
        WHERE v.id = ANY (owners) AND v.status = 'signed' AND NOT EXISTS (
            SELECT 1 FROM archive_version a WHERE a.review_id = v.id AND a.signed
            AND a.version >= v.version AND a.pushed_xact = pg_current_xact_id())
        LIMIT 1;
        IF locked IS NOT NULL THEN
            RAISE EXCEPTION '{LOCKED}'
                USING DETAIL = format('%s of review %s', TG_TABLE_NAME, locked);
        END IF;
        IF TG_TABLE_NAME = 'review' AND side = 'NEW' THEN
            IF r.status = 'signed' AND NOT EXISTS (
                    SELECT 1 FROM archive_version a WHERE a.review_id = r.id
                    AND a.version = r.version AND a.signed) THEN
                RAISE EXCEPTION '{UNSIGNED}'
                    USING DETAIL = format('review %s, version %s', r.id, r.version);
            END IF;
        END IF;
    END LOOP;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$
"""


def _text(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=nullable)


def _archive_tables() -> None:
    op.create_table(
        "archive_review",
        _text("review_id"), _text("municipality"), _text("unit"), _text("committee"),
        _text("title"), sa.Column("year", sa.Integer(), nullable=True), _text("status"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        _text("pushed_by"), sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
        _text("payload_sha256"),
        sa.Column("search_text", sa.Text(), nullable=False, server_default=""),
        sa.Column("search", postgresql.TSVECTOR(),
                  sa.Computed("to_tsvector('swedish'::regconfig, search_text)",
                              persisted=True)),
        sa.PrimaryKeyConstraint("review_id"))
    op.create_index("ix_archive_review_search", "archive_review", ["search"],
                    postgresql_using="gin")
    op.create_index("ix_archive_review_place", "archive_review",
                    ["municipality", "unit", "year"])
    op.create_table(
        "archive_version",
        _text("review_id"), sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False), _text("payload_sha256"),
        _text("pushed_by"), sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False,
                                      server_default=sa.text("now()")),
        sa.CheckConstraint("payload_sha256 = encode(sha256(payload), 'hex')",
                           name="archive_version_payload_sha256"),
        sa.PrimaryKeyConstraint("review_id", "version", "payload_sha256"))
    op.execute("ALTER TABLE archive_version ADD COLUMN pushed_xact xid8 NOT NULL "
               "DEFAULT pg_current_xact_id()")
    # At most one signed payload per version, also between two pushes at the same moment.
    op.create_index("ix_archive_version_signed", "archive_version", ["review_id", "version"],
                    unique=True, postgresql_where=sa.text("signed"))


def _archive_locks() -> None:
    # The lock reads every review whoever writes (as the archive's owner: row-level security
    # hides nothing from it) and only the archive's own tables (a temporary table named
    # "review" in the writer's session is not read instead).
    schema = op.get_bind().execute(sa.text("SELECT quote_ident(current_schema())")).scalar()
    op.execute(_ARCHIVE_VERSION_LOCK.replace("{schema}", str(schema)))
    op.execute("CREATE TRIGGER archive_version_lock BEFORE INSERT OR UPDATE OR DELETE "
               "ON archive_version FOR EACH ROW EXECUTE FUNCTION kvtui_archive_version_lock()")
    op.execute("CREATE TRIGGER archive_version_no_truncate BEFORE TRUNCATE ON archive_version "
               "FOR EACH STATEMENT EXECUTE FUNCTION kvtui_archive_version_lock()")
    op.execute(_review_lock(str(schema)))
    for table in REVIEW_OF:
        op.execute(f"CREATE TRIGGER {table}_review_lock BEFORE INSERT OR UPDATE OR DELETE "
                   f"ON {table} FOR EACH ROW EXECUTE FUNCTION kvtui_review_lock()")
        op.execute(f"CREATE TRIGGER {table}_review_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION kvtui_review_lock()")


def _change_log_seq_per_review() -> None:
    bind = op.get_bind()
    for constraint in sa.inspect(bind).get_unique_constraints("change_log"):
        if constraint["column_names"] == ["seq"]:
            op.drop_constraint(constraint["name"], "change_log", type_="unique")
    op.create_unique_constraint("uq_change_log_review_seq", "change_log", ["review_id", "seq"])


def upgrade() -> None:
    """SQLite: the merge tables' lock. PostgreSQL: the archive's tables and lock."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in lock_triggers().values():
            op.execute(statement)
        return
    _archive_tables()
    _change_log_seq_per_review()
    _archive_locks()


def downgrade() -> None:
    """Drop what the upgrade made."""
    if op.get_bind().dialect.name == "sqlite":
        for name in lock_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    for table in REVIEW_OF:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_review_lock ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_review_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS kvtui_review_lock()")
    op.drop_constraint("uq_change_log_review_seq", "change_log", type_="unique")
    op.create_unique_constraint("change_log_seq_key", "change_log", ["seq"])
    op.drop_table("archive_version")
    op.execute("DROP FUNCTION IF EXISTS kvtui_archive_version_lock()")
    op.drop_index("ix_archive_review_place", table_name="archive_review")
    op.drop_index("ix_archive_review_search", table_name="archive_review")
    op.drop_table("archive_review")
