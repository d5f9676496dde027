"""A signed follow-up round of an action plan is locked; numbers of deleted records retired

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 19:00:00

The committee signs a follow-up round of the unit's action plan (the follow-up report); from
then on what the round recorded is history the minutes refer to. ``followup_signoff`` keeps
who signed, when, the hash of the round's canonical content (``kvtui.domain.plan_signoff``),
the signed PDF's hash when there is one, and the change log's head at signing. Like the
review's sign-off (0004, 0006) it is append-only, and triggers refuse every write that would
change what a signed round recorded, whatever the connection's settings:

- the round row itself, and the traffic lights, risk assessments and indicator values that
  belong to it: no INSERT into the round, no UPDATE, no DELETE;
- the plan, areas, risks, actions and indicators a signed round names: no DELETE (with
  foreign keys off, as in the sqlite3 shell, a deleted action would leave its light behind
  without its number), and no UPDATE of what gives them their number (``1.1:2``); their
  wording, status and deadline may still change and they may get new assessments and rounds;
- REPLACE: SQLite deletes the row in the way without firing DELETE triggers unless
  ``recursive_triggers`` is on, so an INSERT (or ``UPDATE OR REPLACE``) that collides on the id,
  the rowid or a unique key with a row listed above is refused before it starts.

Deleting a risk, action or indicator the plan no longer has must not free its number: the
minutes still say "risk 1.3". Each area and risk keeps the highest number a deleted child had
(plain ADD COLUMN, so no table is rebuilt and no trigger of 0012 is lost), and the next number
is given after it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "follow-up round is signed and locked"
APPEND_ONLY = "followup_signoff is append-only"


def _locked(round_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM followup_signoff l WHERE l.round_id = {round_id})"


# The tables a round's records live in, all reaching their round through ``round_id``.
ROUND_RECORDS = ("action_followup", "risk_assessment", "indicator_value")

# The records a signed round names, and when a row ``{row}`` is named by one.
_ACTION = ("EXISTS (SELECT 1 FROM action_followup f JOIN followup_signoff l"
           " ON l.round_id = f.round_id WHERE f.action_id = {row}.id)")
_INDICATOR = ("EXISTS (SELECT 1 FROM indicator_value v JOIN followup_signoff l"
              " ON l.round_id = v.round_id WHERE v.indicator_id = {row}.id)")
_RISK = ("(EXISTS (SELECT 1 FROM risk_assessment a JOIN followup_signoff l"
         " ON l.round_id = a.round_id WHERE a.risk_id = {row}.id)"
         " OR EXISTS (SELECT 1 FROM plan_action pa JOIN action_followup f"
         " ON f.action_id = pa.id JOIN followup_signoff l ON l.round_id = f.round_id"
         " WHERE pa.risk_id = {row}.id)"
         " OR EXISTS (SELECT 1 FROM plan_indicator pi JOIN indicator_value v"
         " ON v.indicator_id = pi.id JOIN followup_signoff l ON l.round_id = v.round_id"
         " WHERE pi.risk_id = {row}.id))")
NAMED: dict[str, str] = {
    "plan_action": _ACTION,
    "plan_indicator": _INDICATOR,
    "plan_risk": _RISK,
    "plan_area": ("EXISTS (SELECT 1 FROM plan_risk r WHERE r.area_id = {row}.id AND "
                  + _RISK.format(row="r") + ")"),
    "action_plan": "EXISTS (SELECT 1 FROM followup_signoff l WHERE l.plan_id = {row}.id)",
}

# What gives a named record its number, so that a label in a signed round keeps its record.
IDENTITY: dict[str, tuple[str, ...]] = {
    "plan_action": ("id", "risk_id", "number"),
    "plan_indicator": ("id", "risk_id", "position", "kind"),
    "plan_risk": ("id", "plan_id", "area_id", "number"),
    "plan_area": ("id", "plan_id", "number"),
    "action_plan": ("id",),
}

# Every UNIQUE key besides the id and the rowid: what REPLACE deletes a row over.
# tests/store/test_plan_lock.py keeps this equal to the schema's unique indexes.
UNIQUE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "followup_round": (("plan_id", "period"),),
    "action_followup": (("round_id", "action_id"),),
    "indicator_value": (("indicator_id", "round_id"),),
    "risk_assessment": (),
    "plan_action": (("risk_id", "number"),),
    "plan_indicator": (),
    "plan_risk": (("area_id", "number"), ("plan_id", "source_assessment_id")),
    "plan_area": (("plan_id", "number"),),
    "action_plan": (("unit_key",),),
    "followup_signoff": (("round_id",),),
}


def _colliding(table: str, *, other_than_old: bool) -> str:
    """Rows ``x`` of ``table`` that NEW collides with on the id, the rowid or a unique key."""
    keys = [("id",), ("rowid",), *UNIQUE_KEYS[table]]
    same = " OR ".join(
        "(" + " AND ".join(f"x.{column} = NEW.{column}" for column in key) + ")" for key in keys)
    where = f"({same})"
    if other_than_old:
        where = f"x.rowid <> OLD.rowid AND {where}"
    return f"SELECT 1 FROM {table} AS x WHERE {where}"


def _refuse(name: str, event: str, table: str, condition: str, message: str) -> str:
    when = f" WHEN {condition}" if condition else ""
    return (f"CREATE TRIGGER {name} BEFORE {event} ON {table}{when} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def lock_triggers() -> dict[str, str]:
    """Every trigger of this migration, by name, as CREATE statements."""
    triggers: dict[str, str] = {}

    def add(name: str, event: str, table: str, condition: str, message: str = LOCKED) -> None:
        triggers[name] = _refuse(name, event, table, condition, message)

    add("followup_round_locked_insert", "INSERT", "followup_round",
        f"EXISTS ({_colliding('followup_round', other_than_old=False)} AND {_locked('x.id')})")
    add("followup_round_locked_update", "UPDATE", "followup_round",
        f"{_locked('OLD.id')} OR EXISTS ({_colliding('followup_round', other_than_old=True)}"
        f" AND {_locked('x.id')})")
    add("followup_round_locked_delete", "DELETE", "followup_round", _locked("OLD.id"))
    for table in ROUND_RECORDS:
        add(f"{table}_locked_insert", "INSERT", table,
            f"{_locked('NEW.round_id')} OR EXISTS ({_colliding(table, other_than_old=False)}"
            f" AND {_locked('x.round_id')})")
        add(f"{table}_locked_update", "UPDATE", table,
            f"{_locked('OLD.round_id')} OR {_locked('NEW.round_id')} OR EXISTS ("
            f"{_colliding(table, other_than_old=True)} AND {_locked('x.round_id')})")
        add(f"{table}_locked_delete", "DELETE", table, _locked("OLD.round_id"))
    for table, named in NAMED.items():
        changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in IDENTITY[table])
        add(f"{table}_named_insert", "INSERT", table,
            f"EXISTS ({_colliding(table, other_than_old=False)} AND {named.format(row='x')})")
        add(f"{table}_named_update", "UPDATE", table,
            f"({named.format(row='OLD')} AND ({changed})) OR EXISTS ("
            f"{_colliding(table, other_than_old=True)} AND {named.format(row='x')})")
        add(f"{table}_named_delete", "DELETE", table, named.format(row="OLD"))
    add("followup_signoff_no_update", "UPDATE", "followup_signoff", "", APPEND_ONLY)
    add("followup_signoff_no_delete", "DELETE", "followup_signoff", "", APPEND_ONLY)
    add("followup_signoff_no_replace", "INSERT", "followup_signoff",
        f"EXISTS ({_colliding('followup_signoff', other_than_old=False)})", APPEND_ONLY)
    add("followup_signoff_round_of_plan", "INSERT", "followup_signoff",
        "NOT EXISTS (SELECT 1 FROM followup_round r WHERE r.id = NEW.round_id"
        " AND r.plan_id = NEW.plan_id AND r.period = NEW.period)",
        "a sign-off is for a round of its plan")
    return triggers


RETIRED = (("plan_area", "retired_risk_number"), ("plan_risk", "retired_action_number"),
           ("plan_risk", "retired_indicator_number"))


def hex_only(column: str) -> str:
    """``column`` holds lower-case hex digits only: SQLite's GLOB, PostgreSQL's regex."""
    if op.get_bind().dialect.name == "sqlite":
        return f"{column} NOT GLOB '*[^0-9a-f]*'"
    return f"{column} !~ '[^0-9a-f]'"


def upgrade() -> None:
    """Add the sign-off table and the retired numbers, then the triggers."""
    op.create_table('followup_signoff',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('round_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('signed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('signed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('content_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('content_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pdf_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('log_seq', sa.Integer(), nullable=False),
    sa.Column('log_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("length(trim(signed_by)) > 0", name='followup_signoff_signed_by'),
    sa.CheckConstraint("length(trim(role)) > 0", name='followup_signoff_role'),
    sa.CheckConstraint(f"length(content_sha256) = 64 AND {hex_only('content_sha256')}",
                       name='followup_signoff_content_sha256'),
    sa.CheckConstraint("pdf_sha256 IS NULL OR (length(pdf_sha256) = 64 "
                       f"AND {hex_only('pdf_sha256')})",
                       name='followup_signoff_pdf_sha256'),
    sa.CheckConstraint("log_seq >= 0 AND length(log_hash) = 64",
                       name='followup_signoff_log'),
    sa.ForeignKeyConstraint(['plan_id'], ['action_plan.id']),
    sa.ForeignKeyConstraint(['round_id'], ['followup_round.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id')
    )
    op.create_index(op.f('ix_followup_signoff_plan_id'), 'followup_signoff', ['plan_id'],
                    unique=False)
    for table, column in RETIRED:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=False,
                                       server_default="0"))
    if op.get_bind().dialect.name == "sqlite":  # the archive's lock: 0016
        for statement in lock_triggers().values():
            op.execute(statement)


def downgrade() -> None:
    """Drop the triggers, the columns and the table."""
    for name in lock_triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table, column in RETIRED:
        op.drop_column(table, column)
    op.drop_index(op.f('ix_followup_signoff_plan_id'), table_name='followup_signoff')
    op.drop_table('followup_signoff')
