"""No statement rewrites a stored row of the evidence registry (its large documents' chunks
included, issue 19) or of the audit trail (issue 14, item 1): UPDATE, DELETE, REPLACE,
INSERT OR REPLACE, UPSERT on SQLite — also
from a bare sqlite3 connection, as an attacker holding the file would use — and
UPDATE, DELETE, INSERT ... ON CONFLICT DO UPDATE and MERGE on PostgreSQL. Each is
refused by the database and leaves the row as it was."""

import io
import re
import sqlite3

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from dashboard import audit, evidence
from dashboard.actor import SYSTEM
from models.evidence import EvidenceChunk
from tests.evidence.conftest import issue

REFUSED = re.compile(r"never (changed|deleted|replaced)|only moves forward")

# table -> (column forged, its forged value on SQLite, on PostgreSQL, another unique column)
TABLES = {
    "evidence_document": ("content", "X'666f72676564'", "'\\x666f72676564'::bytea", "number"),
    "audit_entry": ("reason", "'falsifié'", "'falsifié'", "seq"),
    "audit_head": ("seq", "0", "0", "id"),
    "evidence_chunk": ("data", "X'666f72676564'", "'\\x666f72676564'::bytea", "document_id, seq"),
}


def _copy(engine, table: str, *, forged: str, new_id: bool = False) -> str:
    """SELECT of the stored row with one column forged (and no id: a new row)."""
    column = TABLES[table][0]
    names = [c["name"] for c in inspect(engine).get_columns(table)]
    values = ["NULL" if new_id and n == "id" else forged if n == column else n for n in names]
    return f"({', '.join(names)}) SELECT {', '.join(values)} FROM {table} WHERE id = :id"


def _sqlite_statements(engine, table: str) -> dict[str, str]:
    column, forged, _, _ = TABLES[table]
    statements = {
        "update": f"UPDATE {table} SET {column} = {forged} WHERE id = :id",
        "update or replace": f"UPDATE OR REPLACE {table} SET {column} = {forged} WHERE id = :id",
        "delete": f"DELETE FROM {table} WHERE id = :id",
        "replace": f"REPLACE INTO {table} {_copy(engine, table, forged=forged)}",
        "insert or replace": f"INSERT OR REPLACE INTO {table} {_copy(engine, table, forged=forged)}",
        "upsert": f"INSERT INTO {table} {_copy(engine, table, forged=forged)} AND true "
                  f"ON CONFLICT(id) DO UPDATE SET {column} = excluded.{column}",
    }
    if table != "audit_head":  # a new id meeting the row on another unique column
        statements["insert or replace, new id"] = (
            f"INSERT OR REPLACE INTO {table} {_copy(engine, table, forged=forged, new_id=True)}")
    return statements


def _postgres_statements(engine, table: str) -> dict[str, str]:
    column, _, forged, unique = TABLES[table]
    return {
        "update": f"UPDATE {table} SET {column} = {forged} WHERE id = :id",
        "delete": f"DELETE FROM {table} WHERE id = :id",
        "on conflict (id) do update": f"INSERT INTO {table} {_copy(engine, table, forged=forged)} "
                                      f"ON CONFLICT (id) DO UPDATE SET {column} = EXCLUDED.{column}",
        f"on conflict ({unique}) do update": f"INSERT INTO {table} {_copy(engine, table, forged=forged)} "
                                            f"ON CONFLICT ({unique}) DO UPDATE SET {column} = EXCLUDED.{column}",
        "merge update": f"MERGE INTO {table} AS t USING (SELECT CAST(:id AS integer) AS id) AS s ON t.id = s.id "
                        f"WHEN MATCHED THEN UPDATE SET {column} = {forged}",
        "merge delete": f"MERGE INTO {table} AS t USING (SELECT CAST(:id AS integer) AS id) AS s ON t.id = s.id "
                        f"WHEN MATCHED THEN DELETE",
    }


def _issue_in_chunks(org) -> int:
    """A document built into a file (an audit pack's way): the id of its first chunk row."""
    document = issue(org, build=lambda _stamp: evidence.FileContent.of(io.BytesIO(b"%PDF-1.4 " * 3)))
    with org.session() as session:
        return session.exec(select(EvidenceChunk.id).where(EvidenceChunk.document_id == document.id)).first()


@pytest.fixture
def stored(org) -> dict[str, int]:
    """One stored row of each protected table: its id."""
    document = issue(org)
    issue(org, title="Autre certificat")  # a second row, so that a conflict is not the only row
    chunk = _issue_in_chunks(org)
    _issue_in_chunks(org)
    with org.work() as session:
        entry = audit.record(session, SYSTEM, "test.event", reason="genuine")
    return {"evidence_document": document.id, "audit_entry": entry.id, "audit_head": 1, "evidence_chunk": chunk}


def _snapshot(engine, ids: dict[str, int]) -> dict:
    with engine.connect() as conn:
        return {table: [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
                for table in ids}


@pytest.mark.parametrize("table", TABLES)
def test_every_form_of_rewrite_is_refused_through_the_application_connection(org, stored, table):
    engine = org.engine
    before = _snapshot(engine, stored)
    forms = (_sqlite_statements if engine.dialect.name == "sqlite" else _postgres_statements)(engine, table)
    for form, statement in forms.items():
        with pytest.raises(DatabaseError) as error, engine.begin() as conn:
            conn.execute(text(statement), {"id": stored[table]})
        assert REFUSED.search(str(error.value)), (form, str(error.value))
    assert _snapshot(engine, stored) == before


@pytest.mark.parametrize("table", TABLES)
def test_every_form_of_rewrite_is_refused_from_a_bare_sqlite3_connection(sqlite_engine, table):
    """The attacker's connection: no PRAGMA recursive_triggers, no application code."""
    from tests.conftest import build_org
    org = build_org(sqlite_engine)
    ids = {"evidence_document": issue(org).id, "audit_entry": 1, "audit_head": 1,
           "evidence_chunk": _issue_in_chunks(org)}
    issue(org, title="Autre certificat")
    _issue_in_chunks(org)
    before = _snapshot(sqlite_engine, ids)
    with sqlite3.connect(sqlite_engine.url.database) as conn:
        assert conn.execute("PRAGMA recursive_triggers").fetchone()[0] == 0
        for form, statement in _sqlite_statements(sqlite_engine, table).items():
            with pytest.raises(sqlite3.DatabaseError, match=REFUSED):
                conn.execute(statement, {"id": ids[table]})
    assert _snapshot(sqlite_engine, ids) == before


def test_the_application_connection_runs_delete_triggers_on_replace(sqlite_engine):
    """Defence in depth: REPLACE on the app's connections also meets the DELETE triggers."""
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA recursive_triggers")).scalar() == 1


def test_new_documents_and_entries_are_still_recorded(org, stored):
    """The triggers refuse rewrites only: issuing and recording go on."""
    issue(org, title="Troisième certificat")
    with org.work() as session:
        audit.record(session, SYSTEM, "test.event")
    with org.session() as session:
        assert audit.verify_chain(session, full=True).intact
