"""Yearly data review and destruction campaigns; consent procedures and withdrawals.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 08:30:00.000000

`activity_system`: the systems holding an activity's data (and the department running
each). `retention_campaign` / `retention_task`: one campaign per entity and year, one
task per activity, rule and system (unique `line_key`: generating twice adds nothing).
`consent_procedure`, `consent_withdrawal`, `consent_withdrawal_step`: how consent is
collected, the withdrawals received and their checklist, one step per system.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.types import UTCDateTime

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def _text(length: int):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        'activity_system',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('name', _text(200), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id']),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('activity_id', 'name', name='uq_activity_system_name'),
    )
    op.create_index('ix_activity_system_activity_id', 'activity_system', ['activity_id'])
    op.create_index('ix_activity_system_department_id', 'activity_system', ['department_id'])

    op.create_table(
        'retention_campaign',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', _text(32), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('status', _text(40), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['entity_id'], ['entity.id']),
        sa.ForeignKeyConstraint(['owner_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('entity_id', 'year', name='uq_retention_campaign_entity_year'),
    )
    op.create_index('ix_retention_campaign_reference', 'retention_campaign', ['reference'], unique=True)
    op.create_index('ix_retention_campaign_entity_id', 'retention_campaign', ['entity_id'])
    op.create_index('ix_retention_campaign_status', 'retention_campaign', ['status'])
    op.create_index('ix_retention_campaign_owner_id', 'retention_campaign', ['owner_id'])
    op.create_index('ix_retention_campaign_due_on', 'retention_campaign', ['due_on'])

    op.create_table(
        'retention_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('line_key', _text(64), nullable=False),
        sa.Column('category', _text(200), nullable=False),
        sa.Column('system', _text(200), nullable=False),
        sa.Column('duration', sa.Integer(), nullable=False),
        sa.Column('unit', _text(10), nullable=False),
        sa.Column('start_event', _text(300), nullable=False),
        sa.Column('end_action', _text(20), nullable=False),
        sa.Column('justification', _text(500), nullable=False),
        sa.Column('cutoff_on', sa.Date(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('status', _text(20), nullable=False),
        sa.Column('method', _text(30), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('done_by', _text(200), nullable=False),
        sa.Column('proof', _text(2000), nullable=False),
        sa.Column('proof_reference', _text(200), nullable=False),
        sa.Column('kept_until', sa.Date(), nullable=True),
        sa.Column('exception_ground', _text(30), nullable=False),
        sa.Column('exception_detail', _text(1000), nullable=False),
        sa.Column('closed_at', UTCDateTime(), nullable=True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_by_name', _text(200), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['retention_campaign.id']),
        sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id']),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'line_key', name='uq_retention_task_line'),
    )
    op.create_index('ix_retention_task_campaign_id', 'retention_task', ['campaign_id'])
    op.create_index('ix_retention_task_activity_id', 'retention_task', ['activity_id'])
    op.create_index('ix_retention_task_department_id', 'retention_task', ['department_id'])
    op.create_index('ix_retention_task_due_on', 'retention_task', ['due_on'])
    op.create_index('ix_retention_task_status', 'retention_task', ['status'])

    op.create_table(
        'consent_procedure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('collection_method', _text(1000), nullable=False),
        sa.Column('proof_location', _text(1000), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by_name', _text(200), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('activity_id', name='uq_consent_procedure_activity'),
    )
    op.create_index('ix_consent_procedure_activity_id', 'consent_procedure', ['activity_id'])

    op.create_table(
        'consent_withdrawal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', _text(32), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('status', _text(40), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('channel', _text(30), nullable=False),
        sa.Column('source_reference', _text(100), nullable=False),
        sa.Column('dsr_id', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['entity_id'], ['entity.id']),
        sa.ForeignKeyConstraint(['owner_id'], ['app_user.id']),
        sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id']),
        sa.ForeignKeyConstraint(['dsr_id'], ['dsr_request.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_consent_withdrawal_reference', 'consent_withdrawal', ['reference'], unique=True)
    op.create_index('ix_consent_withdrawal_entity_id', 'consent_withdrawal', ['entity_id'])
    op.create_index('ix_consent_withdrawal_status', 'consent_withdrawal', ['status'])
    op.create_index('ix_consent_withdrawal_owner_id', 'consent_withdrawal', ['owner_id'])
    op.create_index('ix_consent_withdrawal_activity_id', 'consent_withdrawal', ['activity_id'])
    op.create_index('ix_consent_withdrawal_dsr_id', 'consent_withdrawal', ['dsr_id'])
    op.create_index('ix_consent_withdrawal_due_on', 'consent_withdrawal', ['due_on'])

    op.create_table(
        'consent_withdrawal_step',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('withdrawal_id', sa.Integer(), nullable=False),
        sa.Column('system_name', _text(200), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('done_by_id', sa.Integer(), nullable=True),
        sa.Column('done_by_name', _text(200), nullable=False),
        sa.Column('note', _text(500), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['withdrawal_id'], ['consent_withdrawal.id']),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.ForeignKeyConstraint(['done_by_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('withdrawal_id', 'system_name', name='uq_withdrawal_step_system'),
    )
    op.create_index('ix_consent_withdrawal_step_withdrawal_id', 'consent_withdrawal_step', ['withdrawal_id'])
    op.create_index('ix_consent_withdrawal_step_department_id', 'consent_withdrawal_step', ['department_id'])
    op.create_index('ix_consent_withdrawal_step_done_on', 'consent_withdrawal_step', ['done_on'])


def downgrade() -> None:
    for table in ('consent_withdrawal_step', 'consent_withdrawal', 'consent_procedure', 'retention_task',
                  'retention_campaign', 'activity_system'):
        op.drop_table(table)
