"""DPO Desk's own retention: per-entity periods, per-case keys, sealed audit parts.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 08:40:00.000000

- `own_retention_rule`: an entity's period (months after closure) per kind of case.
- `case_key`: the AES-256 key of a case, wrapped by the master key kept outside the
  database (dashboard/case_keys.py); NULL once destroyed (crypto-shredding).
- `audit_sealed`: the encrypted personal part of an audit entry; the entry's details
  hold its SHA-256, so the chain hashes the stable part.
- `evidence_document.envelope_sha256`: for a document stored encrypted, the SHA-256 of
  the stored envelope (`sha256` stays the SHA-256 of the PDF as issued, the one printed
  in the audit trail and matched by the verification page). NULL: stored in clear.
  Documents issued before this revision stay in clear and are counted as "legacy" on
  the retention certificate: the registry's triggers refuse any UPDATE, and re-issuing
  them would change numbers and hashes that were handed out. Plain ADD COLUMN: the
  immutable table is not rebuilt and its triggers stay.
- `dsr_request.pseudonymised_at`, `breach.pseudonymised_at`: set once by the retention
  job (its claim: a conditional UPDATE, so two runs never process a case twice).
"""

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'own_retention_rule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_by_name', sa.String(length=200), nullable=False, server_default=''),
        sa.ForeignKeyConstraint(['entity_id'], ['entity.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('entity_id', 'kind'),
    )
    op.create_index('ix_own_retention_rule_entity_id', 'own_retention_rule', ['entity_id'])
    op.create_table(
        'case_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_type', sa.String(length=40), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('wrapped', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('destroyed_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('destroyed_rule', sa.String(length=200), nullable=False, server_default=''),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_type', 'case_id'),
    )
    op.create_table(
        'audit_sealed',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key_id', sa.Integer(), nullable=False),
        sa.Column('envelope', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_sealed_key_id', 'audit_sealed', ['key_id'])
    op.create_index('ix_audit_sealed_sha256', 'audit_sealed', ['sha256'], unique=True)
    op.add_column('evidence_document', sa.Column('envelope_sha256', sa.String(length=64), nullable=True))
    op.add_column('dsr_request', sa.Column('pseudonymised_at', models.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column('breach', sa.Column('pseudonymised_at', models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('breach', 'pseudonymised_at')
    op.drop_column('dsr_request', 'pseudonymised_at')
    op.drop_column('evidence_document', 'envelope_sha256')
    op.drop_index('ix_audit_sealed_sha256', table_name='audit_sealed')
    op.drop_index('ix_audit_sealed_key_id', table_name='audit_sealed')
    op.drop_table('audit_sealed')
    op.drop_table('case_key')
    op.drop_index('ix_own_retention_rule_entity_id', table_name='own_retention_rule')
    op.drop_table('own_retention_rule')
