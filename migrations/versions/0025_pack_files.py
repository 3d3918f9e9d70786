"""Audit packs: every file of a pack with its SHA-256 (the manifests included); why a
login session ended (a log-out says so, not "session expired").

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 08:40:00.000000

`evidence_pack_file` lists, for each audit pack in the evidence registry, every file of
its ZIP and that file's SHA-256, written when the pack is built. A manifest cannot hold
its own hash: recorded here, manifest.csv and SHA256SUMS.txt verify as files of the
pack like every file they list. Packs built before this revision are read once here.
"""

import hashlib
import zipfile
from io import BytesIO

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

PACK_KIND = "evidence.audit_pack"


def upgrade() -> None:
    op.add_column('user_session', sa.Column('end_reason', sa.String(length=20), nullable=False, server_default=''))
    table = op.create_table(
        'evidence_pack_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pack_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['pack_id'], ['evidence_document.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_evidence_pack_file_pack_id', 'evidence_pack_file', ['pack_id'], unique=False)
    op.create_index('ix_evidence_pack_file_sha256', 'evidence_pack_file', ['sha256'], unique=False)
    bind = op.get_bind()
    packs = bind.execute(sa.text("SELECT id FROM evidence_document WHERE kind = :kind"), {"kind": PACK_KIND})
    for (pack_id,) in packs.all():
        content = bind.execute(sa.text("SELECT content FROM evidence_document WHERE id = :id"),
                               {"id": pack_id}).scalar_one()
        rows = []
        try:
            with zipfile.ZipFile(BytesIO(bytes(content))) as archive:
                for info in archive.infolist():
                    data = archive.read(info)
                    rows.append({"pack_id": pack_id, "name": info.filename[:300],
                                 "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
        except zipfile.BadZipFile:
            continue
        if rows:
            op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_column('user_session', 'end_reason')
    op.drop_index('ix_evidence_pack_file_sha256', table_name='evidence_pack_file')
    op.drop_index('ix_evidence_pack_file_pack_id', table_name='evidence_pack_file')
    op.drop_table('evidence_pack_file')
