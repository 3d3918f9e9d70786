"""Evidence and audit trail: no statement rewrites a stored row; the audit chain is keyed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 05:40:00.000000

- `evidence_document` (0004 refused UPDATE and DELETE): on SQLite, REPLACE / INSERT OR
  REPLACE deleted the stored row without running its DELETE trigger (recursive
  triggers are off by default) and put a forged one in its place. A BEFORE INSERT
  trigger now refuses any insert that would meet a stored row on a unique column:
  SQLite runs BEFORE INSERT triggers before resolving the conflict, so REPLACE, INSERT
  OR REPLACE and an UPSERT are all aborted, from any connection. On PostgreSQL an
  upsert's or a MERGE's update or delete runs the row triggers of 0004.
- `audit_entry`: the same protection (no UPDATE, no DELETE, no replacing insert).
- `audit_head`: never deleted nor replaced; its sequence number only moves forward and
  its switch point `keyed_from` never moves.
- `audit_head.keyed_from`: the first entry hashed with HMAC-SHA256 under the key kept
  outside the database (dashboard/audit_anchor.py); an existing chain switches after its
  current head, its older entries keep their plain SHA-256.

TRUNCATE and DROP remain possible for the tables' owner (a separate PostgreSQL role for
the app is the remedy); the checkpoints outside the database reveal a truncated trail.
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def _no_replace(table: str, condition: str, message: str) -> str:
    return (f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {condition}) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


_SQLITE = (
    _no_replace("evidence_document",
                "id = NEW.id OR number = NEW.number OR verification_code = NEW.verification_code "
                "OR (NEW.supersedes_id IS NOT NULL AND supersedes_id = NEW.supersedes_id)",
                "evidence_document rows are never replaced"),
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit_entry rows are never changed'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit_entry rows are never deleted'); END""",
    _no_replace("audit_entry", "id = NEW.id OR seq = NEW.seq", "audit_entry rows are never replaced"),
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
       WHEN NEW.id IS NOT OLD.id OR NEW.seq < OLD.seq OR NEW.keyed_from IS NOT OLD.keyed_from
       BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
       BEGIN SELECT RAISE(ABORT, 'audit_head is never deleted'); END""",
    _no_replace("audit_head", "id = NEW.id", "audit_head is never replaced"),
)
_SQLITE_NAMES = ("evidence_document_no_replace", "audit_entry_no_update", "audit_entry_no_delete",
                 "audit_entry_no_replace", "audit_head_forward_only", "audit_head_no_delete", "audit_head_no_replace")

_POSTGRES = (
    """CREATE FUNCTION dpo_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION '% rows are never changed or deleted (%)', TG_TABLE_NAME, TG_OP;
       END $$""",
    """CREATE TRIGGER audit_entry_immutable BEFORE UPDATE OR DELETE ON audit_entry
       FOR EACH ROW EXECUTE FUNCTION dpo_refuse_change()""",
    """CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' OR NEW.id IS DISTINCT FROM OLD.id OR NEW.seq < OLD.seq
            OR NEW.keyed_from IS DISTINCT FROM OLD.keyed_from THEN
           RAISE EXCEPTION 'audit_head only moves forward (%)', TG_OP;
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
       FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()""",
)


def upgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyed_from', sa.Integer(), nullable=False, server_default='1'))
    op.execute("UPDATE audit_head SET keyed_from = seq + 1")  # the existing chain switches after its head
    for statement in _POSTGRES if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head")
        op.execute("DROP FUNCTION IF EXISTS audit_head_forward_only()")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_immutable ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS dpo_refuse_change()")
    else:
        for name in _SQLITE_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute('ALTER TABLE audit_head DROP COLUMN keyed_from')
