"""Indexes for the deadline overview at a million requests (figures: benchmarks/overview.py).

Open requests whose clock runs (is_open, suspended_since, due_on), and the requests received
and answered per month overall, per department and per entity, each answered from an index.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 16:00:00.000000
"""

from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_dsr_request_open_suspended_due_on', ['is_open', 'suspended_since', 'due_on']),
    ('ix_dsr_request_answered_on_due_on', ['answered_on', 'due_on']),
    ('ix_dsr_request_department_received_on', ['department_id', 'received_on']),
    ('ix_dsr_request_department_answered_on', ['department_id', 'answered_on', 'due_on']),
    ('ix_dsr_request_entity_received_on', ['entity_id', 'received_on']),
    ('ix_dsr_request_entity_answered_on', ['entity_id', 'answered_on', 'due_on']),
)


def upgrade() -> None:
    with op.batch_alter_table('dsr_request', schema=None) as batch_op:
        for name, columns in INDEXES:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dsr_request', schema=None) as batch_op:
        for name, _ in reversed(INDEXES):
            batch_op.drop_index(name)
