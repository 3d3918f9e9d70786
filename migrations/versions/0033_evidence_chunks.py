"""Evidence registry: a document built into a file is stored a MiB per row.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-03 18:45:00.000000

* `evidence_chunk`: (document_id, seq, data), a MiB of a document per row, for the documents
  built into a file (audit packs, up to 200 MiB); their `evidence_document.content` is empty.
  A document's stored bytes are its `content` followed by its chunks in `seq` order.
  Insert-only like the registry: triggers refuse UPDATE and DELETE (and, on SQLite, an INSERT
  that would replace a stored chunk: REPLACE, INSERT OR REPLACE), from any connection.
  Why: a pack was inserted whole (SQLite: a `zeroblob` filled by incremental blob I/O;
  PostgreSQL: `lo_get` of a large object). SQLite holds the whole zeroblob in memory when
  the column is not the row's last (`content` is not) *and* whenever the table has a BEFORE
  INSERT trigger (the registry's, 0015, against REPLACE): +600 MiB for a 200 MiB pack.
  Moving `content` last (a rebuild of the table) would remove the first cost only.
* Documents issued before this revision stay as they are (in `content`); nothing is rewritten.

Downgrade: the chunks of each document are put back into its `content` (the same bytes, so its
SHA-256 still matches; the registry's UPDATE trigger is set aside for that statement only, inside
the migration's transaction), then the table is dropped: the older code finds every document whole.
"""

import sqlalchemy as sa
from alembic import op

revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

_SQLITE = (
    """CREATE TRIGGER evidence_chunk_no_update BEFORE UPDATE ON evidence_chunk
       BEGIN SELECT RAISE(ABORT, 'evidence_chunk rows are never changed'); END""",
    """CREATE TRIGGER evidence_chunk_no_delete BEFORE DELETE ON evidence_chunk
       BEGIN SELECT RAISE(ABORT, 'evidence_chunk rows are never deleted'); END""",
    # SQLite runs BEFORE INSERT triggers before resolving a conflict: REPLACE is refused (as in 0015)
    """CREATE TRIGGER evidence_chunk_no_replace BEFORE INSERT ON evidence_chunk
       WHEN EXISTS (SELECT 1 FROM evidence_chunk WHERE id = NEW.id
                    OR (document_id = NEW.document_id AND seq = NEW.seq))
       BEGIN SELECT RAISE(ABORT, 'evidence_chunk rows are never replaced'); END""",
)
_SQLITE_NAMES = ("evidence_chunk_no_update", "evidence_chunk_no_delete", "evidence_chunk_no_replace")
# dpo_refuse_change() is 0015's: "<table> rows are never changed or deleted (<op>)"
_POSTGRES = """CREATE TRIGGER evidence_chunk_immutable BEFORE UPDATE OR DELETE ON evidence_chunk
               FOR EACH ROW EXECUTE FUNCTION dpo_refuse_change()"""


def upgrade() -> None:
    op.create_table(
        'evidence_chunk',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['evidence_document.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('document_id', 'seq'),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES)
    else:
        for statement in _SQLITE:
            op.execute(statement)


def _inline_chunks(bind) -> None:
    """Each chunked document's bytes back into its `content` (one document in memory at a time)."""
    documents = bind.execute(sa.text("SELECT DISTINCT document_id FROM evidence_chunk ORDER BY document_id")).scalars()
    for document_id in list(documents):
        chunks = bind.execute(sa.text("SELECT id FROM evidence_chunk WHERE document_id = :d ORDER BY seq"),
                              {"d": document_id}).scalars().all()
        parts = [bind.execute(sa.text("SELECT content FROM evidence_document WHERE id = :d"),
                              {"d": document_id}).scalar_one()]
        parts += [bind.execute(sa.text("SELECT data FROM evidence_chunk WHERE id = :c"), {"c": c}).scalar_one()
                  for c in chunks]
        bind.execute(sa.text("UPDATE evidence_document SET content = :content WHERE id = :d"),
                     {"content": b"".join(bytes(part) for part in parts), "d": document_id})


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE evidence_document DISABLE TRIGGER evidence_document_immutable")
        _inline_chunks(bind)
        op.execute("ALTER TABLE evidence_document ENABLE TRIGGER evidence_document_immutable")
        op.execute("DROP TRIGGER IF EXISTS evidence_chunk_immutable ON evidence_chunk")
    else:
        guard = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                     "AND name = 'evidence_document_no_update'")).scalar_one()
        op.execute("DROP TRIGGER evidence_document_no_update")
        _inline_chunks(bind)
        op.execute(guard)  # the same trigger, as 0004 created it
        for name in _SQLITE_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('evidence_chunk')
