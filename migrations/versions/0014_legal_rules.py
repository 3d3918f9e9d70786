"""Legal rules (issue 15, items 3, 7, 8, 9): the CNIL's answer to a prior consultation and its
six-week extension (Art. 36(2)); the English text of the letter to the people (Art. 34(2));
the CNIL's list of processing that needs no DPIA on a screening (délibération n° 2019-118);
the five Art. 28(3) opening points of the processor-contract checklist, unreviewed (missing)
on every existing contract, whose scores are recomputed over 21 points.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 05:30:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

NEW_CLAUSES = 5  # models.processor_clauses.ART28_OPENING_CLAUSES
OLD_TOTAL, NEW_TOTAL = 16, 21


def _rescore(old_total: int, new_total: int, missing_delta: int) -> None:
    """Scores as models.processor_clauses.score_clauses: present 1, partial 0.5, missing 0,
    over every point; a point nobody reviewed counts as missing."""
    bind = op.get_bind()
    contracts = sa.table('processor_contract', sa.column('id', sa.Integer), sa.column('clause_score', sa.Integer),
                         sa.column('missing_clauses', sa.Integer), sa.column('partial_clauses', sa.Integer),
                         sa.column('version', sa.Integer))
    rows = bind.execute(sa.select(contracts.c.id, contracts.c.missing_clauses, contracts.c.partial_clauses,
                                  contracts.c.version)).all()
    for contract_id, missing, partial, version in rows:
        present = old_total - missing - partial
        new_missing = max(0, missing + missing_delta)
        score = round(100 * (present + 0.5 * partial) / new_total)
        bind.execute(contracts.update().where(contracts.c.id == contract_id).values(
            missing_clauses=new_missing, clause_score=score, version=(version or 0) + 1))


def upgrade() -> None:
    with op.batch_alter_table('dpia', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cnil_extended', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('cnil_extension_notified_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('cnil_extension_reasons', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('cnil_answer_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('cnil_answer', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('dpia_screening', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cnil_exempt_types', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_texts_en', sa.JSON(), nullable=False, server_default='{}'))
    # Existing contracts: the five new points are unreviewed, hence missing (no row needed:
    # a point without a row counts as missing; the next save of the checklist adds the rows).
    _rescore(OLD_TOTAL, NEW_TOTAL, NEW_CLAUSES)


def downgrade() -> None:
    clause = sa.table('processor_contract_clause', sa.column('clause', sa.String))
    op.get_bind().execute(clause.delete().where(clause.c.clause.in_(
        ['art28_subject_matter', 'art28_duration', 'art28_nature_purpose', 'art28_data_types',
         'art28_data_subjects'])))
    _rescore_down()
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.drop_column('letter_texts_en')
    with op.batch_alter_table('dpia_screening', schema=None) as batch_op:
        batch_op.drop_column('cnil_exempt_types')
    with op.batch_alter_table('dpia', schema=None) as batch_op:
        batch_op.drop_column('cnil_answer')
        batch_op.drop_column('cnil_answer_on')
        batch_op.drop_column('cnil_extension_reasons')
        batch_op.drop_column('cnil_extension_notified_on')
        batch_op.drop_column('cnil_extended')


def _rescore_down() -> None:
    """Back to 16 points, from the remaining clause rows (the five opening ones deleted)."""
    bind = op.get_bind()
    contracts = sa.table('processor_contract', sa.column('id', sa.Integer), sa.column('clause_score', sa.Integer),
                         sa.column('missing_clauses', sa.Integer), sa.column('partial_clauses', sa.Integer))
    clause = sa.table('processor_contract_clause', sa.column('contract_id', sa.Integer), sa.column('state', sa.String))
    for (contract_id,) in bind.execute(sa.select(contracts.c.id)).all():
        states = [s for (s,) in bind.execute(sa.select(clause.c.state).where(clause.c.contract_id == contract_id))]
        present, partial = states.count('present'), states.count('partial')
        bind.execute(contracts.update().where(contracts.c.id == contract_id).values(
            missing_clauses=OLD_TOTAL - present - partial, partial_clauses=partial,
            clause_score=round(100 * (present + 0.5 * partial) / OLD_TOTAL)))
