"""Indexes for the deadline overview at a million requests (benchmarks/overview.py).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 15:30:00.000000
"""

from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dsr_request', schema=None) as batch_op:
        batch_op.create_index('ix_dsr_request_open_suspended_due_on', ['is_open', 'suspended_since', 'due_on'],
                              unique=False)
        batch_op.create_index('ix_dsr_request_received_on_scope', ['received_on', 'department_id', 'entity_id'],
                              unique=False)
        batch_op.create_index('ix_dsr_request_answered_on_scope',
                              ['answered_on', 'due_on', 'department_id', 'entity_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dsr_request', schema=None) as batch_op:
        batch_op.drop_index('ix_dsr_request_answered_on_scope')
        batch_op.drop_index('ix_dsr_request_received_on_scope')
        batch_op.drop_index('ix_dsr_request_open_suspended_due_on')
