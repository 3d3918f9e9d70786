"""Case attachments (kept byte for byte, never changed) and the person search.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 08:40:00.000000

`case_attachment` holds the files attached to a case with their SHA-256. Like
`evidence_document` (0004) it is insert-only: triggers abort any UPDATE or DELETE,
from the application or from a SQL console; `manage.py verify-documents` hashes the
bytes again. On PostgreSQL the app role has no UPDATE or DELETE on it either
(dashboard/pg_roles.py).

The person search compares folded text (models.person_search.search_key): the
requests' name and contact keys (dsr_request) are recomputed with it (it now folds "ß" and "œ"
too), and breaches get `search_text`, the folded free text that may name people.
"""

import sqlalchemy as sa
from alembic import op

from models.person_search import SEARCH_TEXT_FIELDS, search_key

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER case_attachment_no_update BEFORE UPDATE ON case_attachment
       BEGIN SELECT RAISE(ABORT, 'case_attachment rows are never changed'); END""",
    """CREATE TRIGGER case_attachment_no_delete BEFORE DELETE ON case_attachment
       BEGIN SELECT RAISE(ABORT, 'case_attachment rows are never deleted'); END""",
)

_POSTGRES_TRIGGER = (
    """CREATE FUNCTION case_attachment_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'case_attachment rows are never changed or deleted (%)', TG_OP;
       END $$""",
    """CREATE TRIGGER case_attachment_immutable BEFORE UPDATE OR DELETE ON case_attachment
       FOR EACH ROW EXECUTE FUNCTION case_attachment_immutable()""",
)


def _backfill() -> None:
    bind = op.get_bind()
    requests = bind.execute(sa.text("SELECT id, requester_name, requester_contact FROM dsr_request")).all()
    for request_id, name, contact in requests:
        bind.execute(sa.text("UPDATE dsr_request SET requester_name_key = :n, requester_contact_key = :c "
                             "WHERE id = :i"), {"n": search_key(name), "c": search_key(contact), "i": request_id})
    columns = ", ".join(SEARCH_TEXT_FIELDS)
    for row in bind.execute(sa.text(f"SELECT id, {columns} FROM breach")).all():
        text = "\n".join(search_key(value) for value in row[1:])
        bind.execute(sa.text("UPDATE breach SET search_text = :t WHERE id = :i"), {"t": text, "i": row[0]})


def upgrade() -> None:
    op.create_table(
        'case_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_type', sa.String(length=40), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('case_ref', sa.String(length=60), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('description', sa.String(length=300), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('file_type', sa.String(length=10), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_name', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['entity_id'], ['entity.id']),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    for column in ('case_type', 'case_id', 'case_ref', 'entity_id', 'sha256', 'uploaded_at'):
        op.create_index(f'ix_case_attachment_{column}', 'case_attachment', [column], unique=False)
    op.create_index('uq_case_attachment_file', 'case_attachment', ['case_type', 'case_id', 'sha256'], unique=True)
    op.add_column('breach', sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_TRIGGER if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)
    _backfill()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_attachment_immutable ON case_attachment")
        op.execute("DROP FUNCTION IF EXISTS case_attachment_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS case_attachment_no_update")
        op.execute("DROP TRIGGER IF EXISTS case_attachment_no_delete")
    op.drop_column('breach', 'search_text')
    op.drop_table('case_attachment')
