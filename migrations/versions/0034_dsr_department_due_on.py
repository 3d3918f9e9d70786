"""A department's requests in list order: (department_id, due_on, id) replaces (department_id);
the open ones too: (department_id, is_open, due_on, id, suspended_since).

A department head's list over all statuses is sorted by deadline and paged by offset. With only
the one-column department index, both planners walked the deadline index and filtered out every
other department's requests: page 200 of a head's 62 628 requests read about 160 000 rows at a
million requests (582 ms on SQLite, 394 ms on PostgreSQL; benchmarks/dsr_list.py). The new index
gives the department's rows in list order; it has the department first, so it also serves what
the one-column index served (the foreign key, counts per department), which is dropped.

With that index alone SQLite then took it for a head's open requests as well (it gives the
whole ORDER BY; the open index lacked the id) and read the department's closed requests too:
page 200 of the open list went from 13 to 98 ms of CPU. The department's open index gets the id
after the deadline, as the overall open index has it: both lists are then read in order.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-03 18:40:00.000000
"""

from alembic import op

revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dsr_request', schema=None) as batch_op:
        batch_op.create_index('ix_dsr_request_department_due_on', ['department_id', 'due_on', 'id'], unique=False)
        batch_op.drop_index('ix_dsr_request_department_id')
        batch_op.drop_index('ix_dsr_request_department_open_due_on')
        batch_op.create_index('ix_dsr_request_department_open_due_on',
                              ['department_id', 'is_open', 'due_on', 'id', 'suspended_since'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dsr_request', schema=None) as batch_op:
        batch_op.drop_index('ix_dsr_request_department_open_due_on')
        batch_op.create_index('ix_dsr_request_department_open_due_on',
                              ['department_id', 'is_open', 'due_on', 'suspended_since'], unique=False)
        batch_op.create_index('ix_dsr_request_department_id', ['department_id'], unique=False)
        batch_op.drop_index('ix_dsr_request_department_due_on')
