"""PostgreSQL least privilege: the application runs as a role that only reads and writes rows.

Two roles (see docs/postgresql.md):
- the *owner* owns the database and every table; migrations run as it (`manage.py migrate`);
- the *app* role is what the running application connects as: SELECT/INSERT/UPDATE/DELETE on the
  tables, INSERT and SELECT only on the append-only ones, nothing else. It owns nothing, so it
  cannot TRUNCATE, ALTER (DISABLE TRIGGER), DROP or CREATE, and it cannot migrate: run it with
  DPO_AUTO_MIGRATE=0.

`statements()` is what the owner runs after each migration (idempotent): `manage.py pg-roles`
prints it, `--apply` runs it on DATABASE_URL (connected as the owner). New tables created by later
migrations get the same rights through ALTER DEFAULT PRIVILEGES.
"""

import re

from sqlalchemy import text
from sqlalchemy.engine import Engine

# Rows that nobody changes or removes once written (the audit trail, the evidence registry, the
# chunks of its large documents and the files of its audit packs, the versions of the answer-letter templates, case attachments,
# and the cases each sealed register extract or audit pack holds: the retention job destroys their keys by them).
APPEND_ONLY = ("audit_entry", "evidence_document", "evidence_chunk", "evidence_pack_file", "dsr_answer_template",
               "case_attachment", "breach_register_cover", "audit_pack_cover")
# Columns of append-only tables the app may still overwrite: the own retention job gives an
# attachment a neutral name (its trigger lets through nothing else, migration 0035).
PSEUDONYMISED_COLUMNS = {"case_attachment": ("filename", "description")}
# Tables the app reads and never writes: the permit that opens a retention purge (manage.py purge-audit).
READ_ONLY = ("audit_purge_permit",)
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    if not _ROLE.match(name):
        raise ValueError(f"not a plain PostgreSQL role name: {name!r}")
    return f'"{name}"'


def create_roles_sql(owner: str, app: str, database: str) -> list[str]:
    """For the cluster administrator, once (passwords are then set with psql's \\password)."""
    o, a, d = _ident(owner), _ident(app), _ident(database)
    return [
        f"CREATE ROLE {o} LOGIN",
        f"CREATE ROLE {a} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS",
        f"CREATE DATABASE {d} OWNER {o}",
    ]


def statements(app: str, database: str, schema: str = "public", append_only: tuple[str, ...] = APPEND_ONLY,
               existing_tables: set[str] | None = None) -> list[str]:
    """GRANTs the owner runs (after migrating) so that the app role can work and do nothing more."""
    a, d, s = _ident(app), _ident(database), _ident(schema)
    sql = [
        f"REVOKE ALL ON DATABASE {d} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {d} TO {a}",
        f"REVOKE ALL ON SCHEMA {s} FROM PUBLIC",  # nobody but the owner creates objects
        f"GRANT USAGE ON SCHEMA {s} TO {a}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {a}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {a}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {a}",
        # the schema version: the app reads it (DPO_AUTO_MIGRATE=0 checks it) and never writes it
        f"REVOKE INSERT, UPDATE, DELETE ON TABLE {s}.alembic_version FROM {a}",
    ]
    for table in append_only:
        if existing_tables is None or table in existing_tables:
            sql.append(f"REVOKE UPDATE, DELETE ON TABLE {s}.{_ident(table)} FROM {a}")
            if table in PSEUDONYMISED_COLUMNS:
                columns = ", ".join(_ident(column) for column in PSEUDONYMISED_COLUMNS[table])
                sql.append(f"GRANT UPDATE ({columns}) ON TABLE {s}.{_ident(table)} TO {a}")
    for table in READ_ONLY:
        if existing_tables is None or table in existing_tables:
            sql.append(f"REVOKE INSERT, UPDATE, DELETE ON TABLE {s}.{_ident(table)} FROM {a}")
    # TRUNCATE, REFERENCES and TRIGGER are never granted; ALTER/DROP need ownership.
    return sql


def apply(engine: Engine, app: str) -> list[str]:
    """Run statements() as the connected role (the owner); returns what was run."""
    with engine.begin() as conn:
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        tables = set(conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": app}).first()
        if not exists:
            raise ValueError(f"role {app!r} does not exist: create it first (manage.py pg-roles --create-roles)")
        sql = statements(app, database, existing_tables=tables)
        for statement in sql:
            conn.execute(text(statement))
    return sql
