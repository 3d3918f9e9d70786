"""Migrations, schema checks and faults: each gives a clear error, never a traceback."""

import os
import subprocess
import sys

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from dashboard import db
from dashboard.errors import DatabaseUnavailable, SchemaOutOfDate
from dashboard.i18n import translate


def test_one_head_and_models_match_migrations(engine):
    """`alembic check` against a migrated database: a model without its migration fails."""
    assert len(ScriptDirectory.from_config(db.alembic_config()).get_heads()) == 1
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    result = subprocess.run([sys.executable, "-m", "alembic", "check"], cwd=db.MIGRATIONS_DIR.parent, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_migrations_go_down_and_up_again(engine):
    cfg = db.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.ensure_ready(engine)  # an old (here: empty) schema is migrated on start
    assert db.current_revision(engine) == db.head_revision()
    assert "audit_entry" in inspect(engine).get_table_names()


def test_older_schema_without_auto_migrate_is_reported(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with pytest.raises(SchemaOutOfDate) as error:
        db.ensure_ready(engine, auto_migrate=False)
    assert "manage.py migrate" in translate(error.value.key, "fr", **error.value.params)


def test_database_from_newer_code_is_refused(sqlite_engine):
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    with pytest.raises(SchemaOutOfDate) as error:
        db.ensure_ready(sqlite_engine)
    assert error.value.params["current"] == "ffff_future"


def test_unreachable_database_gives_a_clear_error():
    engine = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(DatabaseUnavailable) as error:
        db.ensure_ready(engine)
    message = translate(error.value.key, "fr", **error.value.params)
    assert message.startswith("La base de données ne répond pas.")


def test_sqlite_enforces_foreign_keys(sqlite_engine):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), sqlite_engine.begin() as conn:
        conn.execute(text("INSERT INTO user_department (user_id, department_id) VALUES (999, 999)"))


@pytest.mark.postgres
def test_each_postgresql_test_starts_on_a_freshly_migrated_database(postgres_url):
    """The reset between PostgreSQL tests (tests/conftest.py) empties every table the last test
    filled, the append-only audit trail too, and restarts the ids: no test sees another's rows."""
    from tests.conftest import _reset_postgres, build_org

    engine = db.make_engine(postgres_url)
    try:
        _reset_postgres(engine)
        build_org(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_entry")).scalar() > 0
            assert conn.execute(text("SELECT count(*) FROM app_user")).scalar() > 0
        _reset_postgres(engine)
        with engine.connect() as conn:
            tables = [t for t in inspect(engine).get_table_names() if t not in ("alembic_version", "audit_head")]
            filled = [t for t in tables if conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()]
            used = conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
                                     "AND last_value IS NOT NULL")).scalars().all()
            head = conn.execute(text("SELECT id, seq FROM audit_head")).all()
        assert (filled, used, head) == ([], [], [(1, 0)])
        build_org(engine)  # and the next test seeds the demo organisation again without a clash
    finally:
        engine.dispose()
