"""The group: departments belong to an entity, users limited to some entities, the
insurer's clause policy per entity.

Revision ID: 0031
Revises: 0028
Create Date: 2026-12-03 12:05:00.000000

* `department.entity_id` (NOT NULL; no foreign-key constraint: see upgrade()). Backfill rule for the departments already there: a
  department whose cases (requests routed to it, register entries it owns) all belong to
  one entity goes to that entity; a department used by several entities, or by none, goes
  to the main entity — the oldest active one (lowest id; the oldest of all if none is
  active). A database that has departments but no entity at all gets one entity
  "PRINCIPALE" ("Entité principale", to be renamed by the DPO) to hold them.
* `user_entity`: the entities a user is limited to (none: the whole group).
* `entity.adopts_policy_clauses`: the entity adopted the insurer's policy and its eight
  contract points. Entities already there adopt it (before this revision every contract
  was asked for the eight points: nothing changes until the DPO says otherwise).
"""

import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = "0030"
branch_labels = None
depends_on = None


def _backfill_departments(connection) -> None:
    departments = [row[0] for row in connection.execute(sa.text("SELECT id FROM department ORDER BY id"))]
    if not departments:
        return
    main = connection.execute(sa.text(
        "SELECT id FROM entity ORDER BY CASE WHEN active THEN 0 ELSE 1 END, id")).first()
    if main is None:
        connection.execute(sa.text(
            "INSERT INTO entity (code, name, legal_name, address, registration_number, dpo_name, dpo_email, "
            "dpo_phone, dpo_address, legal_representative, legal_representative_title, alsace_moselle, "
            "holds_health_records, forbids_non_eu_transfers, internal_target_days, internal_target_days_complex, "
            "active, version) VALUES ('PRINCIPALE', 'Entité principale', 'Entité principale', '', '', '', '', '', "
            "'', '', '', :f, :f, :f, 30, 60, :t, 1)"), {"f": False, "t": True})
        main = connection.execute(sa.text("SELECT id FROM entity WHERE code = 'PRINCIPALE'")).first()
    used: dict[int, set[int]] = {}
    for table in ("dsr_request", "processing_activity"):
        rows = connection.execute(sa.text(
            f"SELECT DISTINCT department_id, entity_id FROM {table} WHERE department_id IS NOT NULL"))
        for department_id, entity_id in rows:
            used.setdefault(department_id, set()).add(entity_id)
    for department_id in departments:
        entities = used.get(department_id, set())
        entity_id = next(iter(entities)) if len(entities) == 1 else main[0]
        connection.execute(sa.text("UPDATE department SET entity_id = :e WHERE id = :d"),
                           {"e": entity_id, "d": department_id})


def upgrade() -> None:
    # Plain ADD COLUMNs, never a table rebuild: SQLite rebuilds a table by dropping it, which
    # its foreign keys (on, inside the migration's transaction) refuse once other tables'
    # rows point at it — and every case points at its entity and department.
    op.add_column('entity', sa.Column('adopts_policy_clauses', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute(sa.text("UPDATE entity SET adopts_policy_clauses = :t").bindparams(t=True))

    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite adds a NOT NULL column only with a default, and a REFERENCES column only with a
    # NULL default: the column is NOT NULL on both databases, without a foreign-key constraint
    # (organisation.save_department checks the entity; entities are never deleted).
    op.add_column('department', sa.Column('entity_id', sa.Integer(), nullable=not sqlite,
                                          server_default='0' if sqlite else None))
    _backfill_departments(op.get_bind())
    if not sqlite:
        op.alter_column('department', 'entity_id', existing_type=sa.Integer(), nullable=False)
    op.create_index(op.f('ix_department_entity_id'), 'department', ['entity_id'], unique=False)

    op.create_table('user_entity',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('entity_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], ),
                    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('user_id', 'entity_id'))
    with op.batch_alter_table('user_entity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_entity_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_entity_user_id'), ['user_id'], unique=False)


def _drop_column(table: str, column: str) -> None:
    if op.get_bind().dialect.name == "sqlite":  # natively (SQLite 3.35+), not by a rebuild (see upgrade)
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def downgrade() -> None:
    with op.batch_alter_table('user_entity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_entity_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_entity_entity_id'))
    op.drop_table('user_entity')
    op.drop_index(op.f('ix_department_entity_id'), table_name='department')
    _drop_column('department', 'entity_id')
    _drop_column('entity', 'adopts_policy_clauses')
