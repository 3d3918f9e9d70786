"""Register of processing activities (Art. 30): the entry's content, workflow and yearly reviews.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 04:48:09.763818
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('register_data_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('sensitivity', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('condition', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('condition_detail', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('proof_location', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_data_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_data_category_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_data_category_sensitivity'), ['sensitivity'], unique=False)

    op.create_table('register_purpose',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('legal_basis', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('legitimate_interest', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_purpose', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_purpose_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_purpose_legal_basis'), ['legal_basis'], unique=False)

    op.create_table('register_recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_recipient_activity_id'), ['activity_id'], unique=False)

    op.create_table('register_retention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('duration', sa.Integer(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('start_event', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('end_action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('justification', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_retention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_retention_activity_id'), ['activity_id'], unique=False)

    op.create_table('register_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewer_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('changes', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_review_activity_id'), ['activity_id'], unique=False)

    op.create_table('register_security_measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_security_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_security_measure_activity_id'), ['activity_id'], unique=False)

    op.create_table('register_subject_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_subject_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_subject_category_activity_id'), ['activity_id'], unique=False)

    op.create_table('register_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('safeguard', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('safeguard_detail', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_transfer_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_transfer_country'), ['country'], unique=False)

    with op.batch_alter_table('processing_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('joint_controllers', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('consent_records', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('withdrawal_propagation', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('validated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('validated_at', models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_reviewed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('next_review_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('source_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_processing_activity_next_review_on'), ['next_review_on'], unique=False)
        batch_op.create_foreign_key('fk_processing_activity_validated_by_id', 'app_user', ['validated_by_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('processing_activity', schema=None) as batch_op:
        batch_op.drop_constraint('fk_processing_activity_validated_by_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_processing_activity_next_review_on'))
        batch_op.drop_column('source_reference')
        batch_op.drop_column('next_review_on')
        batch_op.drop_column('last_reviewed_on')
        batch_op.drop_column('validated_at')
        batch_op.drop_column('validated_by_id')
        batch_op.drop_column('withdrawal_propagation')
        batch_op.drop_column('consent_records')
        batch_op.drop_column('joint_controllers')
        batch_op.drop_column('description')

    with op.batch_alter_table('register_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_transfer_country'))
        batch_op.drop_index(batch_op.f('ix_register_transfer_activity_id'))

    op.drop_table('register_transfer')
    with op.batch_alter_table('register_subject_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_subject_category_activity_id'))

    op.drop_table('register_subject_category')
    with op.batch_alter_table('register_security_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_security_measure_activity_id'))

    op.drop_table('register_security_measure')
    with op.batch_alter_table('register_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_review_activity_id'))

    op.drop_table('register_review')
    with op.batch_alter_table('register_retention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_retention_activity_id'))

    op.drop_table('register_retention')
    with op.batch_alter_table('register_recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_recipient_activity_id'))

    op.drop_table('register_recipient')
    with op.batch_alter_table('register_purpose', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_purpose_legal_basis'))
        batch_op.drop_index(batch_op.f('ix_register_purpose_activity_id'))

    op.drop_table('register_purpose')
    with op.batch_alter_table('register_data_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_data_category_sensitivity'))
        batch_op.drop_index(batch_op.f('ix_register_data_category_activity_id'))

    op.drop_table('register_data_category')
