"""What the CNIL PIA software holds and DPO Desk kept nowhere: evaluator, category, the
rejection reason and the adjustments, each evaluation's action plan (person in charge,
estimated date) and date, each measure's evaluation, and the comments.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 08:35:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

_TEXT = {'dpia': ('rejection_reason', 'applied_adjustments'),
         'dpia_evaluation': ('action_plan',), 'dpia_risk': ('action_plan',),
         'dpia_measure': ('evaluation_comment', 'action_plan')}
_NAMES = {'dpia': ('evaluator_name', 'category'), 'dpia_evaluation': ('action_owner',),
          'dpia_risk': ('action_owner',)}
_DUE = ('dpia_evaluation', 'dpia_risk')
_EVALUATED = ('dpia_evaluation', 'dpia_risk', 'dpia_measure')


def upgrade() -> None:
    for table, names in _TEXT.items():
        for name in names:
            op.add_column(table, sa.Column(name, sa.Text(), nullable=False, server_default=''))
    for table, names in _NAMES.items():
        for name in names:
            op.add_column(table, sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False,
                                           server_default=''))
    op.add_column('dpia_measure', sa.Column('evaluation', sqlmodel.sql.sqltypes.AutoString(length=20),
                                            nullable=False, server_default=''))
    for table in _DUE:
        op.add_column(table, sa.Column('action_due', sa.Date(), nullable=True))
    for table in _EVALUATED:
        op.add_column(table, sa.Column('evaluated_at', models.types.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        'dpia_comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dpia_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=True),
        sa.Column('measure_id', sa.Integer(), nullable=True),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['dpia_id'], ['dpia.id']),
        sa.ForeignKeyConstraint(['measure_id'], ['dpia_measure.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_dpia_comment_dpia_id'), 'dpia_comment', ['dpia_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_dpia_comment_dpia_id'), table_name='dpia_comment')
    op.drop_table('dpia_comment')
    for table in _EVALUATED:
        op.drop_column(table, 'evaluated_at')
    for table in _DUE:
        op.drop_column(table, 'action_due')
    op.drop_column('dpia_measure', 'evaluation')
    for table, names in _NAMES.items():
        for name in names:
            op.drop_column(table, name)
    for table, names in _TEXT.items():
        for name in names:
            op.drop_column(table, name)
