"""At the end of its case's period, an attachment loses its file name and description.

A request's or a breach's attachments are sealed under the case key (0028), which the own
retention job destroys; their file name ("courrier Moreau.pdf") and description stayed readable.
The job now replaces them with `PJ-<id>.<type>` and an empty description
(models.attachment.pseudonymised_filename) in the same transaction as the case's other fields.

`case_attachment` stays insert-only for everything else: its UPDATE trigger lets through that
one change and nothing more (every other column unchanged, the name exactly the neutral one,
the description empty); DELETE is still refused. Attachments of cases pseudonymised before this
revision are renamed here.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-03 23:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

# Every column but the two that go (SQLite compares them one by one; PostgreSQL compares rows).
_KEPT = ("id", "case_type", "case_id", "case_ref", "entity_id", "kind", "file_type", "media_type", "size", "sha256",
         "envelope_sha256", "content", "uploaded_at", "uploaded_by_id", "uploaded_by_name")


def _neutral(row: str = "") -> str:
    """models.attachment.pseudonymised_filename in SQL, for `row` (e.g. "OLD.") or the table."""
    return f"'PJ-' || {row}id || '.' || {row}file_type"


_NEUTRAL = _neutral("OLD.")

_SQLITE_UPDATE = f"""CREATE TRIGGER case_attachment_no_update BEFORE UPDATE ON case_attachment
    WHEN NOT (NEW.filename = {_NEUTRAL} AND NEW.description = ''
              AND {' AND '.join(f'NEW.{c} IS OLD.{c}' for c in _KEPT)})
    BEGIN SELECT RAISE(ABORT, 'case_attachment rows are never changed, but for pseudonymising their name'); END"""
_SQLITE_OLD_UPDATE = """CREATE TRIGGER case_attachment_no_update BEFORE UPDATE ON case_attachment
       BEGIN SELECT RAISE(ABORT, 'case_attachment rows are never changed'); END"""

_POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION case_attachment_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      expected case_attachment;
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        expected := OLD;
        expected.filename := {_NEUTRAL};
        expected.description := '';
        IF NEW IS NOT DISTINCT FROM expected THEN
          RETURN NEW;
        END IF;
      END IF;
      RAISE EXCEPTION 'case_attachment rows are never changed or deleted, but for pseudonymising their name (%)',
        TG_OP;
    END $$"""
_POSTGRES_OLD_FUNCTION = """CREATE OR REPLACE FUNCTION case_attachment_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'case_attachment rows are never changed or deleted (%)', TG_OP;
       END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
    else:
        op.execute("DROP TRIGGER IF EXISTS case_attachment_no_update")
        op.execute(_SQLITE_UPDATE)
    for case_type, table in (("dsr", "dsr_request"), ("breach", "breach")):
        op.execute(sa.text(
            f"UPDATE case_attachment SET filename = {_neutral()}, description = '' "
            f"WHERE case_type = :t AND case_id IN (SELECT id FROM {table} WHERE pseudonymised_at IS NOT NULL)"
        ).bindparams(t=case_type))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_OLD_FUNCTION)
    else:
        op.execute("DROP TRIGGER IF EXISTS case_attachment_no_update")
        op.execute(_SQLITE_OLD_UPDATE)
