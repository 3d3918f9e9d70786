"""Versions on the organisation's records, one contract reference per processor.

Entities, departments and accounts get a version that each edit bumps, so that an edit
made on a version the user no longer sees is refused (dashboard/concurrency.py). A
processor's contract reference is unique per processor: a form submitted twice cannot
file the same contract twice.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 06:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

VERSIONED = ('entity', 'department', 'app_user')


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.create_index('uq_processor_contract_reference', 'processor_contract', ['processor_id', 'document_reference'],
                    unique=True, sqlite_where=sa.text("document_reference <> ''"),
                    postgresql_where=sa.text("document_reference <> ''"))


def downgrade() -> None:
    op.drop_index('uq_processor_contract_reference', table_name='processor_contract',
                  sqlite_where=sa.text("document_reference <> ''"),
                  postgresql_where=sa.text("document_reference <> ''"))
    for table in reversed(VERSIONED):
        # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild of app_user would break the foreign keys to it.
        op.execute(f'ALTER TABLE {table} DROP COLUMN version')
