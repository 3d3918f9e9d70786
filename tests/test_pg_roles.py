"""Issue 14 item 9, PostgreSQL least privilege (OWASP ASVS 4.0.3 V1.4.4 / V14.1.3 — the
application's database account has the least privileges it needs): migrations run as the
owner role; the running app connects as a role that cannot TRUNCATE, disable triggers, change
the schema, or rewrite the append-only audit trail and evidence registry."""

import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlmodel import select

from dashboard import audit, auth, db, pg_roles
from dashboard.demo import seed as seed_demo
from models.audit import AuditEntry
from tests.conftest import PG_URL, build_org, service_missing

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def two_roles():
    """A throwaway database owned by a throwaway owner role, migrated as it, and an app role."""
    if not PG_URL:
        service_missing("PostgreSQL not configured: set TEST_DATABASE_URL")
    suffix = uuid.uuid4().hex[:10]
    owner, app, name = f"dpo_owner_{suffix}", f"dpo_app_{suffix}", f"dpo_test_roles_{suffix}"
    admin = db.make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in pg_roles.create_roles_sql(owner, app, name):
            conn.execute(text(statement))
    base = make_url(PG_URL).set(database=name, password=None)
    owner_engine = db.make_engine(base.set(username=owner).render_as_string(hide_password=False))
    app_url = base.set(username=app).render_as_string(hide_password=False)
    try:
        migrated = subprocess.run([sys.executable, "-m", "dashboard.cli", "migrate"], capture_output=True, text=True,
                                  env={**os.environ, "DATABASE_URL": owner_engine.url.render_as_string(False),
                                       "DPO_DB_APP_ROLE": app})
        assert migrated.returncode == 0 and app in migrated.stdout, migrated.stderr
        yield owner_engine, app_url
    finally:
        owner_engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{app}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
        admin.dispose()


@pytest.fixture(scope="module")
def app_engine(two_roles):
    engine = db.make_engine(two_roles[1])
    yield engine
    engine.dispose()


def test_the_app_role_starts_without_migrating_and_does_its_work(app_engine):
    db.ensure_ready(app_engine, auto_migrate=False)  # DPO_AUTO_MIGRATE=0: the schema is at head
    with db.unit_of_work(app_engine) as session:
        db.ensure_baseline(session)
    org = build_org(app_engine)  # users, entities, log-ins, audit entries
    with org.work() as session:
        seed_demo(session)  # every case type, documents in the evidence registry
    for _ in range(2):  # visitors not signed in: bounded entries and their counters (audit_burst)
        with pytest.raises(auth.LoginFailed), db.unit_of_work(app_engine) as session:
            auth.login(session, "intrus", "not the password")
    with db.new_session(app_engine) as session:
        assert audit.verify_chain(session).intact
        assert session.exec(select(AuditEntry)).first() is not None


@pytest.mark.parametrize("statement", [
    "TRUNCATE audit_entry",
    "TRUNCATE audit_head, audit_entry CASCADE",
    "ALTER TABLE evidence_document DISABLE TRIGGER ALL",
    "ALTER TABLE evidence_document DISABLE TRIGGER evidence_document_immutable",
    "DROP TABLE audit_entry",
    "DROP TRIGGER evidence_document_immutable ON evidence_document",
    "CREATE TABLE stash (id integer)",
    "ALTER TABLE audit_entry ADD COLUMN forged text",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "UPDATE audit_entry SET reason = 'forged'",
    "DELETE FROM audit_entry",
    "INSERT INTO audit_purge_permit (id, up_to_seq) VALUES (1, 1000000)",  # opening a purge is the owner's
    "UPDATE alembic_version SET version_num = '0001'",
    "UPDATE case_attachment SET kind = 'other' WHERE id = -1",  # only its name and description, see below
    "DELETE FROM audit_pack_cover",  # what the retention job destroys a pack's key by
    "UPDATE breach_register_cover SET breach_id = breach_id",
])
def test_the_app_role_is_refused(app_engine, statement):
    with pytest.raises(ProgrammingError, match="permission denied|must be owner|must be the owner"):
        with app_engine.begin() as conn:
            conn.execute(text(statement))


def test_the_app_role_may_write_an_attachments_name_and_description_only(app_engine):
    """The own retention job (run by the app) pseudonymises them; the table's trigger then allows
    only the neutral name (tests/attachments/test_use_cases.py)."""
    with app_engine.begin() as conn:
        conn.execute(text("UPDATE case_attachment SET filename = filename, description = description WHERE id = -1"))
    with pytest.raises(ProgrammingError, match="permission denied"), app_engine.begin() as conn:
        conn.execute(text("UPDATE case_attachment SET filename = filename, content = content WHERE id = -1"))


def test_the_app_role_cannot_migrate(app_engine):
    """Migrations are the owner's: the app role cannot create alembic's own table either."""
    with app_engine.begin() as conn:
        conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    with pytest.raises(ProgrammingError, match="permission denied"):
        with app_engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version_2 (version_num varchar(32))"))


def test_the_owner_keeps_its_rights_and_the_statements_are_idempotent(two_roles):
    owner_engine, app_url = two_roles
    pg_roles.apply(owner_engine, make_url(app_url).username)  # again, after a later migration
    with owner_engine.begin() as conn:
        conn.execute(text("CREATE TABLE later_table (id integer)"))
    app = db.make_engine(app_url)
    try:
        with app.begin() as conn:  # a table a later migration adds: read and written by the app
            conn.execute(text("INSERT INTO later_table VALUES (1)"))
    finally:
        app.dispose()
        with owner_engine.begin() as conn:
            conn.execute(text("DROP TABLE later_table"))


def test_role_names_are_checked():
    with pytest.raises(ValueError):
        pg_roles.statements('app"; DROP TABLE x; --', "db")


def test_only_the_owner_can_purge_the_trail(two_roles, app_engine):
    """Issue 14 item 8, retention (CNIL délibération 2021-122): `manage.py purge-audit`
    connected as the app role is refused before anything is written; as the owner it
    removes the old entries and the app role still verifies the chain."""
    from datetime import timedelta

    from dashboard import audit_retention
    from models.errors import RuleViolation
    from models.types import utcnow

    owner_engine, _ = two_roles
    later = utcnow() + timedelta(days=400)  # every entry so far is older than the retention
    with db.unit_of_work(app_engine) as session:
        audit.record(session, None, "test.event")
    with db.new_session(app_engine) as session:
        before = audit.count_entries(session)
    with pytest.raises(RuleViolation) as refused:
        audit_retention.purge(app_engine, 12, now=later)
    assert refused.value.key == "audit.purge.not_owner"
    with db.new_session(app_engine) as session:
        assert audit.count_entries(session) == before
    done = audit_retention.purge(owner_engine, 12, now=later)
    assert done.count == before
    with db.new_session(app_engine) as session:
        assert audit.count_entries(session) == 1  # the audit.purge entry
        assert audit.verify_chain(session, full=True).intact
