"""The unit's action plan and its follow-up

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 16:00:00

A review ends in findings; the committee then decides an action plan for the unit and follows
it up, often every tertial (``kvtui.store.action_plan``). New tables only. None of them has a
foreign key to a review: the plan belongs to the unit and outlives the reviews its risks came
from, so the lock of a signed review does not reach it, and what a risk or an indicator value
took from a review is copied onto it with the review's id as plain text.

The promises a raw write could break are CHECK constraints: a grade on the matrix is 1–4, a
level Grön, Gul or Röd, a traffic light one of three, a share 0–100 %, a count not negative.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("indicator_value", "plan_indicator", "action_followup", "plan_activity",
          "plan_action", "risk_assessment", "followup_round", "plan_risk", "plan_area",
          "action_plan")


def upgrade() -> None:
    """Create the plan's tables."""
    op.create_table('action_plan',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('municipality', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('committee', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('unit_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('matrix_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_key')
    )
    op.create_table('followup_round',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['action_plan.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'period')
    )
    op.create_table('plan_area',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('number >= 1', name='plan_area_number'),
    sa.ForeignKeyConstraint(['plan_id'], ['action_plan.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'number')
    )
    op.create_table('plan_risk',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_review_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source_assessment_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source_version', sa.Integer(), nullable=True),
    sa.Column('source_review_title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_section', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_statement', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_rating', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("source_rating IN ('', 'gul', 'rod')", name='plan_risk_source_rating'),
    sa.CheckConstraint('number >= 1', name='plan_risk_number'),
    sa.ForeignKeyConstraint(['area_id'], ['plan_area.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['action_plan.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('area_id', 'number'),
    sa.UniqueConstraint('plan_id', 'source_assessment_id')
    )
    op.create_index(op.f('ix_plan_risk_plan_id'), 'plan_risk', ['plan_id'], unique=False)
    op.create_table('plan_action',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('risk_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('responsible_role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'ongoing', 'done', 'cancelled')", name='plan_action_status'),
    sa.ForeignKeyConstraint(['risk_id'], ['plan_risk.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('risk_id', 'number')
    )
    op.create_table('plan_indicator',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('risk_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind <> 'share' OR baseline IS NULL OR baseline BETWEEN 0 AND 100", name='plan_indicator_baseline'),
    sa.CheckConstraint("kind IN ('share', 'count')", name='plan_indicator_kind'),
    sa.ForeignKeyConstraint(['risk_id'], ['plan_risk.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_plan_indicator_risk_id'), 'plan_indicator', ['risk_id'], unique=False)
    op.create_table('risk_assessment',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('risk_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('round_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("level IN ('gron', 'gul', 'rod')", name='risk_assessment_level'),
    sa.CheckConstraint('probability BETWEEN 1 AND 4', name='risk_assessment_probability'),
    sa.CheckConstraint('severity BETWEEN 1 AND 4', name='risk_assessment_severity'),
    sa.ForeignKeyConstraint(['risk_id'], ['plan_risk.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['followup_round.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_risk_assessment_risk_id'), 'risk_assessment', ['risk_id'], unique=False)
    op.create_index(op.f('ix_risk_assessment_round_id'), 'risk_assessment', ['round_id'], unique=False)
    op.create_table('action_followup',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('round_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('light', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("light IN ('gron', 'gul', 'rod')", name='action_followup_light'),
    sa.ForeignKeyConstraint(['action_id'], ['plan_action.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['followup_round.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'action_id')
    )
    op.create_index(op.f('ix_action_followup_action_id'), 'action_followup', ['action_id'], unique=False)
    op.create_table('indicator_value',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('indicator_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('round_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('share', sa.Float(), nullable=True),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_review_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source_criterion', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_yes', sa.Integer(), nullable=True),
    sa.Column('source_applicable', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount IS NULL OR amount >= 0', name='indicator_value_amount'),
    sa.CheckConstraint('share IS NULL OR share BETWEEN 0 AND 100', name='indicator_value_share'),
    sa.ForeignKeyConstraint(['indicator_id'], ['plan_indicator.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['followup_round.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('indicator_id', 'round_id')
    )
    op.create_index(op.f('ix_indicator_value_round_id'), 'indicator_value', ['round_id'], unique=False)
    op.create_table('plan_activity',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('action_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['plan_action.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_plan_activity_action_id'), 'plan_activity', ['action_id'], unique=False)


def downgrade() -> None:
    """Drop them, the dependent ones first."""
    for table in TABLES:
        op.drop_table(table)
