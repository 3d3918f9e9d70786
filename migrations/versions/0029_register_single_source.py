"""The register as the single source of truth (issue 18): the entry's Madis-like fields
(GDPR Art. 22 automated decisions and profiling, data sources, number of people concerned,
medium) and the notice of why a processor change sent it back to review.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 12:10:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch operation would recreate processing_activity, which the other
    # tables reference.
    op.add_column('processing_activity', sa.Column('automated_decisions', sa.Boolean(), nullable=False,
                                                   server_default=sa.false()))
    for name, length in (('automated_decisions_detail', 1000), ('data_sources', 1000), ('people_count', 20),
                         ('medium', 20)):
        op.add_column('processing_activity', sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length),
                                                       nullable=False, server_default=''))
    op.add_column('processing_activity', sa.Column('review_notice', sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch operation would recreate processing_activity,
    # which the other tables reference.
    for name in ('review_notice', 'medium', 'people_count', 'data_sources', 'automated_decisions_detail',
                 'automated_decisions'):
        op.drop_column('processing_activity', name)
