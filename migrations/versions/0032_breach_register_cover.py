"""Register extracts of breaches sealed under a key of their own: the breaches each covers.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03 16:10:00.000000

* `breach_register_cover`: (extract_id, breach_id), one row per breach printed in a
  register extract issued from now on. The extract is stored encrypted under the case key
  ("breach_register_extract", extract_id); the own-retention job destroys that key as soon
  as any breach it covers reaches the end of its period. Extracts issued before this
  revision stay in clear (the retention certificate lists them as such).
"""

import sqlalchemy as sa
from alembic import op

revision = '0032'
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'breach_register_cover',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('extract_id', sa.Integer(), nullable=False),
        sa.Column('breach_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['breach_id'], ['breach.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('extract_id', 'breach_id'),
    )
    op.create_index(op.f('ix_breach_register_cover_extract_id'), 'breach_register_cover', ['extract_id'])
    op.create_index(op.f('ix_breach_register_cover_breach_id'), 'breach_register_cover', ['breach_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_breach_register_cover_breach_id'), table_name='breach_register_cover')
    op.drop_index(op.f('ix_breach_register_cover_extract_id'), table_name='breach_register_cover')
    op.drop_table('breach_register_cover')
