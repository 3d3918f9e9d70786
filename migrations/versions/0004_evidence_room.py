"""Evidence room: one successor per document version, and evidence the database
itself refuses to change or delete.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 04:50:23.323279

The triggers make `evidence_document` insert-only: an UPDATE or a DELETE, from the
application or from a SQL console, is aborted. (TRUNCATE and DROP remain possible
for a database owner; the audit trail keeps every document's SHA-256 at issue, so
such a removal still shows.)
"""

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER evidence_document_no_update BEFORE UPDATE ON evidence_document
       BEGIN SELECT RAISE(ABORT, 'evidence_document rows are never changed'); END""",
    """CREATE TRIGGER evidence_document_no_delete BEFORE DELETE ON evidence_document
       BEGIN SELECT RAISE(ABORT, 'evidence_document rows are never deleted'); END""",
)

_POSTGRES_TRIGGER = (
    """CREATE FUNCTION evidence_document_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'evidence_document rows are never changed or deleted (%)', TG_OP;
       END $$""",
    """CREATE TRIGGER evidence_document_immutable BEFORE UPDATE OR DELETE ON evidence_document
       FOR EACH ROW EXECUTE FUNCTION evidence_document_immutable()""",
)


def upgrade() -> None:
    with op.batch_alter_table('evidence_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_document_supersedes_id'), ['supersedes_id'], unique=True)
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_TRIGGER if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS evidence_document_immutable ON evidence_document")
        op.execute("DROP FUNCTION IF EXISTS evidence_document_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS evidence_document_no_update")
        op.execute("DROP TRIGGER IF EXISTS evidence_document_no_delete")
    with op.batch_alter_table('evidence_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_document_supersedes_id'))
