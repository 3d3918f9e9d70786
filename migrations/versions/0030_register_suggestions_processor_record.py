"""DPIA screening suggested from the register entry; the Art. 30(2) record kept as a processor.

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-03 12:10:00.000000

`dpia_screening.suggestions`: the criteria that the register entry suggested when the
screening was made, each with its reason (models/dpia_suggestions.py); `criteria` keeps
what the DPO confirmed. Adding a column with a default is no UPDATE of existing rows'
meaning: earlier screenings had no suggestion.

`processor_record`: per entity and client controller, the record of the processing
carried out on the controller's behalf (GDPR Art. 30(2), models/processor_record.py).
"""

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0030'
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('dpia_screening', sa.Column('suggestions', sa.JSON(), server_default='[]', nullable=False))
    op.create_table(
        'processor_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('client_name', sa.String(length=300), nullable=False),
        sa.Column('client_address', sa.String(length=500), nullable=False),
        sa.Column('client_contact', sa.String(length=300), nullable=False),
        sa.Column('client_dpo', sa.String(length=300), nullable=False),
        sa.Column('processing_categories', sa.Text(), nullable=False),
        sa.Column('sub_processors', sa.JSON(), nullable=False),
        sa.Column('transfers', sa.JSON(), nullable=False),
        sa.Column('security_measures', sa.Text(), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_by_name', sa.String(length=200), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.ForeignKeyConstraint(['entity_id'], ['entity.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_processor_record_entity_id'), 'processor_record', ['entity_id'])
    op.create_index(op.f('ix_processor_record_department_id'), 'processor_record', ['department_id'])
    op.create_index(op.f('ix_processor_record_ended_on'), 'processor_record', ['ended_on'])


def downgrade() -> None:
    op.drop_index(op.f('ix_processor_record_ended_on'), table_name='processor_record')
    op.drop_index(op.f('ix_processor_record_department_id'), table_name='processor_record')
    op.drop_index(op.f('ix_processor_record_entity_id'), table_name='processor_record')
    op.drop_table('processor_record')
    op.drop_column('dpia_screening', 'suggestions')
