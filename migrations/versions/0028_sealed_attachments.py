"""Attachments of requests and breaches stored encrypted under their case's key.

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-03 09:45:00.000000

`case_attachment.envelope_sha256`: for a file stored encrypted (dashboard/attachments.py,
dashboard/case_keys.py), the SHA-256 of the stored bytes, which `verify-documents` checks
even after the case key is destroyed; `sha256` stays that of the file as uploaded. NULL for
a file stored in clear (processors, DPIAs, and files attached before this revision).
Adding a column is no UPDATE: the table's insert-only triggers (0022) stay as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('case_attachment', sa.Column('envelope_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('case_attachment', 'envelope_sha256')
