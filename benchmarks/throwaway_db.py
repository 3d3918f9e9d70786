"""A throwaway PostgreSQL database for a benchmark run (BENCH_DATABASE_URL names the server)."""

import os
import uuid

from sqlalchemy import make_url, text

from dashboard import db

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_database(prefix: str):
    """(url of a new empty database, function that drops it)."""
    base = os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)
    admin = db.make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop
