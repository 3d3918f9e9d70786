"""Breaches link to the processor they happened at, when it is in the processor register.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 06:02:03.342055
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.add_column(sa.Column('processor_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_breach_processor_id'), ['processor_id'], unique=False)
        batch_op.create_foreign_key('fk_breach_processor_id_processor', 'processor', ['processor_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.drop_constraint('fk_breach_processor_id_processor', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_breach_processor_id'))
        batch_op.drop_column('processor_id')

