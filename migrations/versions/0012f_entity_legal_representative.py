"""The controller's legal representative (CNIL breach form; signature of the register).

Revision ID: 0012f
Revises: 0011
Create Date: 2026-12-03 06:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0012f'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_representative', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('legal_representative_title', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.drop_column('legal_representative_title')
        batch_op.drop_column('legal_representative')
