"""Answer letters: the letter templates (every version kept) and each request's answer.

`dsr_answer_template` rows are only ever added (a save is a new revision); the database
refuses an UPDATE or DELETE of one, as it does for the evidence registry. The default
templates are recorded on first use (dashboard/dsr/answers.py, ensure_defaults), from
one source of wording. `dsr_answer_letter` holds one answer per request, its optimistic
version, and once issued the evidence document (at most one) and the day it was sent.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 08:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER dsr_answer_template_no_update BEFORE UPDATE ON dsr_answer_template
       BEGIN SELECT RAISE(ABORT, 'dsr_answer_template rows are never changed: save a new revision'); END""",
    """CREATE TRIGGER dsr_answer_template_no_delete BEFORE DELETE ON dsr_answer_template
       BEGIN SELECT RAISE(ABORT, 'dsr_answer_template rows are never deleted'); END""",
)
_POSTGRES_TRIGGER = """CREATE TRIGGER dsr_answer_template_immutable BEFORE UPDATE OR DELETE ON dsr_answer_template
       FOR EACH ROW EXECUTE FUNCTION dpo_refuse_change()"""


def upgrade() -> None:
    op.create_table(
        'dsr_answer_template',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'language', 'revision'),
    )
    op.create_index(op.f('ix_dsr_answer_template_kind'), 'dsr_answer_template', ['kind'], unique=False)
    op.create_table(
        'dsr_answer_letter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('template_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('proposed_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('edited_by_id', sa.Integer(), nullable=True),
        sa.Column('edited_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('sent_on', sa.Date(), nullable=True),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['dsr_request.id']),
        sa.ForeignKeyConstraint(['template_id'], ['dsr_answer_template.id']),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['app_user.id']),
        sa.ForeignKeyConstraint(['edited_by_id'], ['app_user.id']),
        sa.ForeignKeyConstraint(['document_id'], ['evidence_document.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('document_id'),
    )
    op.create_index(op.f('ix_dsr_answer_letter_request_id'), 'dsr_answer_letter', ['request_id'], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_TRIGGER)
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    op.drop_index(op.f('ix_dsr_answer_letter_request_id'), table_name='dsr_answer_letter')
    op.drop_table('dsr_answer_letter')
    op.drop_index(op.f('ix_dsr_answer_template_kind'), table_name='dsr_answer_template')
    op.drop_table('dsr_answer_template')  # its triggers go with it
