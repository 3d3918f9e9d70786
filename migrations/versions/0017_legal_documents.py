"""The controller's legal representative (CNIL breach form; signature of the register), and
the end-of-contract proof's copies, sub-processors and data kept by law (Art. 28(3)(g), 28(4)).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 06:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_representative', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('legal_representative_title', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))


    with op.batch_alter_table('processor_contract', schema=None) as batch_op:
        for column in ('destruction_copies', 'destruction_subprocessors', 'retained_by_law'):
            batch_op.add_column(sa.Column(column, sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False,
                                          server_default=''))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild of a table other tables point to
    # breaks their foreign keys.
    for column in ('retained_by_law', 'destruction_subprocessors', 'destruction_copies'):
        op.execute(f'ALTER TABLE processor_contract DROP COLUMN {column}')
    for column in ('legal_representative_title', 'legal_representative'):
        op.execute(f'ALTER TABLE entity DROP COLUMN {column}')
