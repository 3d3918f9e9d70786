"""Tampering as the database's owner would: the protective triggers set aside for the
statements, then put back (SQLite: dropped and recreated from a raw sqlite3
connection; PostgreSQL: ALTER TABLE ... DISABLE TRIGGER USER, which the owner may do)."""

import sqlite3

from sqlalchemy import text

PROTECTED = ("audit_entry", "audit_head", "evidence_document", "evidence_chunk", "case_attachment")


def as_owner(engine, statement: str, **params) -> None:
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(engine.url.database) as conn:
            triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                                    f"({', '.join('?' * len(PROTECTED))})", PROTECTED).fetchall()
            for name, _ in triggers:
                conn.execute(f'DROP TRIGGER "{name}"')
            conn.execute(statement, params)
            for _, sql in triggers:
                conn.execute(sql)
        return
    with engine.begin() as conn:
        for table in PROTECTED:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        conn.execute(text(statement), params)
        for table in PROTECTED:
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
