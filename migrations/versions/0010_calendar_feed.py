"""Personal calendar feeds: the SHA-256 of each user's secret feed token.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 14:44:44.205996
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_feed_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('calendar_feed_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_token_token_sha256'), ['token_sha256'], unique=True)
        batch_op.create_index(batch_op.f('ix_calendar_feed_token_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('calendar_feed_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_token_user_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_feed_token_token_sha256'))

    op.drop_table('calendar_feed_token')
