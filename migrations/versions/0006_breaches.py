"""Breach register and notifications: breaches, their notification phases,
response steps, and links to processing activities and departments.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 04:51:28.566303
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('breach',
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('declared_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('started_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('detected_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('aware_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('notification_deadline', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('discovery', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('confidentiality', sa.Boolean(), nullable=False),
    sa.Column('integrity', sa.Boolean(), nullable=False),
    sa.Column('availability', sa.Boolean(), nullable=False),
    sa.Column('cause_origin', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('cause_intent', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('cause_details', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('processor_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('systems', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('data_categories', sa.JSON(), nullable=False),
    sa.Column('data_details', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('people_categories', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('people_min', sa.Integer(), nullable=True),
    sa.Column('people_max', sa.Integer(), nullable=True),
    sa.Column('records_min', sa.Integer(), nullable=True),
    sa.Column('records_max', sa.Integer(), nullable=True),
    sa.Column('likely_consequences', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('measures_taken', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('measures_proposed', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('risk_level', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('risk_justification', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('art34_exception', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('art34_exception_details', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('assessed_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('assessed_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('authority_notification', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('notified_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('people_summary', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('people_advice', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('people_informed_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('people_information_means', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('closed_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closing_note', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['declared_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.create_index('ix_breach_clock', ['authority_notification', 'notification_deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_declared_by_id'), ['declared_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_notification_deadline'), ['notification_deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_notified_at'), ['notified_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_reference'), ['reference'], unique=True)
        batch_op.create_index(batch_op.f('ix_breach_risk_level'), ['risk_level'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_status'), ['status'], unique=False)

    op.create_table('breach_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['processing_activity.id'], ),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('breach_id', 'activity_id')
    )
    with op.batch_alter_table('breach_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_activity_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_activity_breach_id'), ['breach_id'], unique=False)

    op.create_table('breach_department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('breach_id', 'department_id')
    )
    with op.batch_alter_table('breach_department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_department_breach_id'), ['breach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_department_department_id'), ['department_id'], unique=False)

    op.create_table('breach_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('phase', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('sent_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('authority_reference', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('content_added', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('delay_reasons', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('recorded_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('breach_notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_notification_breach_id'), ['breach_id'], unique=False)

    op.create_table('breach_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('owner_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('due_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('breach_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_step_breach_id'), ['breach_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('breach_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_step_breach_id'))

    op.drop_table('breach_step')
    with op.batch_alter_table('breach_notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_notification_breach_id'))

    op.drop_table('breach_notification')
    with op.batch_alter_table('breach_department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_department_department_id'))
        batch_op.drop_index(batch_op.f('ix_breach_department_breach_id'))

    op.drop_table('breach_department')
    with op.batch_alter_table('breach_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_activity_breach_id'))
        batch_op.drop_index(batch_op.f('ix_breach_activity_activity_id'))

    op.drop_table('breach_activity')
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_status'))
        batch_op.drop_index(batch_op.f('ix_breach_risk_level'))
        batch_op.drop_index(batch_op.f('ix_breach_reference'))
        batch_op.drop_index(batch_op.f('ix_breach_owner_id'))
        batch_op.drop_index(batch_op.f('ix_breach_notified_at'))
        batch_op.drop_index(batch_op.f('ix_breach_notification_deadline'))
        batch_op.drop_index(batch_op.f('ix_breach_entity_id'))
        batch_op.drop_index(batch_op.f('ix_breach_declared_by_id'))
        batch_op.drop_index('ix_breach_clock')

    op.drop_table('breach')
