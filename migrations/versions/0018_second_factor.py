"""TOTP second factor: each account's sealed secret and the last time step accepted; single
sign-on: the provider's subject an account is linked to.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 06:45:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_app_user_oidc_subject'), ['oidc_subject'], unique=False)


def downgrade() -> None:
    # Plain ALTER TABLE: a batch rebuild of app_user (referenced by many tables) would break their foreign keys.
    op.execute('DROP INDEX ix_app_user_oidc_subject')
    op.execute('ALTER TABLE app_user DROP COLUMN oidc_subject')
    op.execute('ALTER TABLE app_user DROP COLUMN totp_last_step')
    op.execute('ALTER TABLE app_user DROP COLUMN totp_secret')
