"""Archive access: who may read and write what in an archive on PostgreSQL

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 00:20:00

On PostgreSQL only (a store on SQLite has one auditor and no roles). Two group roles:
``kvtui_granskare``, whose members push, pull and read the reviews of their municipality (and
unit) and ``kvtui_lasare``, whose members (a committee's secretary) read the signed versions
only. Which municipality and unit a role may see is a row of ``archive_access``, kept by the
archive's owner. Row-level security shows every other row to no one but the owner: a review
of another municipality is not refused, it is not there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDITORS = "kvtui_granskare"
READERS = "kvtui_lasare"

# kvtui's tables that hold a review's rows with its id; the review itself; and those that
# reach it through a parent (table, its parents by column). Written out, as a migration is
# frozen: a later table gets its policy in its own migration.
WITH_REVIEW_ID = (
    "case_file", "document", "factcheck_round", "interview", "review_criterion",
    "review_reopening", "review_section", "review_template", "sample", "sign_off",
    "akt_assignment", "answer", "factcheck_comment", "interview_assignment",
    "unanswered_comment", "merge_conflict", "merge_context", "merge_stamp", "change_log",
)
THROUGH_PARENT = {
    "assessment": (("section_id", "review_section"),),
    "section_text": (("section_id", "review_section"),),
    "observation": (("interview_id", "interview"),),
    "observation_section": (("section_id", "review_section"), ("observation_id", "observation")),
    "sample_item": (("sample_id", "sample"),),
    "evidence_link": (("observation_id", "observation"), ("document_id", "document"),
                      ("assessment_id", "assessment"), ("criterion_id", "review_criterion")),
}
ARCHIVE_TABLES = ("archive_review", "archive_version")
FUNCTIONS = ("kvtui_member(name, text)", "kvtui_may_read(name, text, text)",
             "kvtui_may_read_review(name, text)", "kvtui_has_signed(text)")


def upgrade() -> None:
    """Roles, grants and row-level security (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for role in (AUDITORS, READERS):
        op.execute(f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {role} NOLOGIN;
            END IF; END $$""")
    op.create_table(
        "archive_access",
        sa.Column("role_name", sa.Text(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("role_name", "municipality", "unit"))
    # A row of archive_access may name a role that was dropped since: no one is its member.
    op.execute("""
        CREATE FUNCTION kvtui_member(who name, role text) RETURNS boolean
        LANGUAGE sql STABLE AS $$
            SELECT coalesce((SELECT pg_has_role(who, oid, 'MEMBER') FROM pg_roles
                             WHERE rolname = role), false)
        $$""")
    op.execute("""
        CREATE FUNCTION kvtui_may_read(who name, m text, u text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT EXISTS (SELECT 1 FROM archive_access AS a
                           WHERE a.municipality = m AND (a.unit = '' OR a.unit = u)
                           AND kvtui_member(who, a.role_name))
        $$""")
    op.execute("""
        CREATE FUNCTION kvtui_may_read_review(who name, r text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT EXISTS (SELECT 1 FROM archive_review AS x WHERE x.review_id = r
                           AND kvtui_may_read(who, x.municipality, x.unit))
        $$""")
    op.execute("""
        CREATE FUNCTION kvtui_has_signed(r text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT EXISTS (SELECT 1 FROM archive_version AS v WHERE v.review_id = r
                           AND v.signed)
        $$""")
    for function in FUNCTIONS:
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {AUDITORS}, {READERS}")

    tables = [row[0] for row in op.get_bind().execute(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))]
    for table in tables:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"GRANT SELECT ON alembic_version, archive_access TO {AUDITORS}, {READERS}")
    op.execute("CREATE POLICY everyone ON alembic_version FOR SELECT USING (true)")
    op.execute("CREATE POLICY own_rows ON archive_access FOR SELECT "
               "USING (kvtui_member(current_user, role_name))")

    review_tables = ("review", *WITH_REVIEW_ID, *THROUGH_PARENT)
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(review_tables)}, "
               f"{', '.join(ARCHIVE_TABLES)} TO {AUDITORS}")
    op.execute(f"GRANT SELECT ON {', '.join(ARCHIVE_TABLES)} TO {READERS}")

    def auditors(table: str, condition: str) -> None:
        op.execute(f"CREATE POLICY auditors ON {table} TO {AUDITORS} USING ({condition}) "
                   f"WITH CHECK ({condition})")

    auditors("review", "kvtui_may_read(current_user, municipality, unit)")
    for table in WITH_REVIEW_ID:
        auditors(table, "kvtui_may_read_review(current_user, review_id)")
    for table, parents in THROUGH_PARENT.items():
        auditors(table, " OR ".join(f"{column} IN (SELECT id FROM {parent})"
                                    for column, parent in parents))
    auditors("archive_review", "kvtui_may_read(current_user, municipality, unit)")
    auditors("archive_version", "kvtui_may_read_review(current_user, review_id)")
    op.execute(f"CREATE POLICY readers ON archive_review FOR SELECT TO {READERS} USING "
               "(kvtui_may_read(current_user, municipality, unit) AND "
               "kvtui_has_signed(review_id))")
    op.execute(f"CREATE POLICY readers ON archive_version FOR SELECT TO {READERS} USING "
               "(signed AND kvtui_may_read_review(current_user, review_id))")


def downgrade() -> None:
    """Drop the policies, the functions and the access table (the roles stay: they may
    have members)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    tables = [row[0] for row in op.get_bind().execute(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))]
    for table in tables:
        for policy in ("auditors", "readers", "everyone", "own_rows"):
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.drop_table("archive_access")
    for function in reversed(FUNCTIONS):
        op.execute(f"DROP FUNCTION {function}")
