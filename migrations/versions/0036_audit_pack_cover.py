"""Audit packs sealed under a key of their own: the requests and breaches each holds.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-04 18:40:00.000000

An audit pack holds, decrypted, the documents of the requests and breaches issued in its
period and the breach register with its narratives; it was stored in clear, so a case's
personal data outlived the end of its retention period inside every pack that held it.

* `audit_pack_cover`: (pack_key, case_type, case_id), one row per request or breach whose
  documents or narrative a pack built from now on holds. The pack is stored encrypted
  under the case key ("audit_pack", pack_key), a chunk per envelope; the own-retention job
  destroys that key as soon as any case it covers reaches the end of its period. Packs
  built before this revision stay in clear (the retention certificate lists them as such).
"""

import sqlalchemy as sa
from alembic import op

revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_pack_cover',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pack_key', sa.Integer(), nullable=False),
        sa.Column('case_type', sa.String(length=40), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('pack_key', 'case_type', 'case_id'),
    )
    op.create_index(op.f('ix_audit_pack_cover_pack_key'), 'audit_pack_cover', ['pack_key'])
    op.create_index('ix_audit_pack_cover_case', 'audit_pack_cover', ['case_type', 'case_id'])


def downgrade() -> None:
    op.drop_index('ix_audit_pack_cover_case', table_name='audit_pack_cover')
    op.drop_index(op.f('ix_audit_pack_cover_pack_key'), table_name='audit_pack_cover')
    op.drop_table('audit_pack_cover')
