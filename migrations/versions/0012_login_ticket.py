"""One-time log-in tickets: the launcher exchanges them for the HttpOnly session cookie.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 05:50:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('browser_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('expires_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_ticket_ticket_sha256'), ['ticket_sha256'], unique=True)
        batch_op.create_index(batch_op.f('ix_login_ticket_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_ticket_user_id'))
        batch_op.drop_index(batch_op.f('ix_login_ticket_ticket_sha256'))
    op.drop_table('login_ticket')
