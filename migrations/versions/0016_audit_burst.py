"""Counters that bound the audit entries written by visitors who are not signed in.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 06:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel
import models.types

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_burst',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('window_start', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('logged', sa.Integer(), nullable=False),
        sa.Column('first_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('summarised', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('action', 'source', 'window_start', name='uq_audit_burst_window'),
    )
    with op.batch_alter_table('audit_burst', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_burst_summarised'), ['summarised'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_burst', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_burst_summarised'))
    op.drop_table('audit_burst')
