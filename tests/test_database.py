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
