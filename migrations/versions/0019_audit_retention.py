"""Audit trail retention: a DELETE of old entries only inside a purge the owner opened.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 06:50:00.000000

`audit_purge_permit` holds one row only while `manage.py purge-audit` runs (inserted and
removed in the purge's own transaction). The triggers that refuse a DELETE on
`audit_entry` (0015) now let it through for an entry whose seq is at most the permitted
bound; UPDATE and replacing inserts stay refused. On PostgreSQL the app role may read the
permit but not write it (dashboard/pg_roles.py), and has no DELETE on audit_entry at all.
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

_SQLITE_DELETE = """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
       WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permit WHERE OLD.seq <= up_to_seq)
       BEGIN SELECT RAISE(ABORT, 'audit_entry rows are never deleted'); END"""
_SQLITE_DELETE_0015 = """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit_entry rows are never deleted'); END"""

_PG_GUARD = """CREATE FUNCTION audit_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_purge_permit WHERE OLD.seq <= up_to_seq) THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION '% rows are never changed or deleted (%)', TG_TABLE_NAME, TG_OP;
       END $$"""


def upgrade() -> None:
    op.create_table(
        'audit_purge_permit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('up_to_seq', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD)
        op.execute("DROP TRIGGER audit_entry_immutable ON audit_entry")
        op.execute("CREATE TRIGGER audit_entry_immutable BEFORE UPDATE OR DELETE ON audit_entry "
                   "FOR EACH ROW EXECUTE FUNCTION audit_entry_guard()")
    else:
        op.execute("DROP TRIGGER audit_entry_no_delete")
        op.execute(_SQLITE_DELETE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entry_immutable ON audit_entry")
        op.execute("CREATE TRIGGER audit_entry_immutable BEFORE UPDATE OR DELETE ON audit_entry "
                   "FOR EACH ROW EXECUTE FUNCTION dpo_refuse_change()")
        op.execute("DROP FUNCTION audit_entry_guard()")
    else:
        op.execute("DROP TRIGGER audit_entry_no_delete")
        op.execute(_SQLITE_DELETE_0015)
    op.drop_table('audit_purge_permit')
