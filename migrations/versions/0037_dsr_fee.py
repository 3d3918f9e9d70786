"""A reasonable fee on a data-subject request (GDPR Arts. 12(5)(a) and 15(3)).

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-05 00:00:00.000000

* `dsr_fee`: a fee told to the person (basis, amount in cents, cost basis, the Art. 12(5)
  justification, the day the person was told), then how it ended (paid, waived, declined) and
  when. models/dsr_fee.py holds the rules.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dsr_fee',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('amount_cents', sa.Integer(), nullable=False),
        sa.Column('cost_basis', sa.Text(), nullable=False),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('notified_on', sa.Date(), nullable=False),
        sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('settled_on', sa.Date(), nullable=True),
        sa.Column('settled_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['dsr_request.id']),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_dsr_fee_request_id'), 'dsr_fee', ['request_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_dsr_fee_request_id'), table_name='dsr_fee')
    op.drop_table('dsr_fee')
