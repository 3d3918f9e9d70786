"""Alembic environment: the target metadata is every SQLModel table of models/."""

from alembic import context
from sqlmodel import SQLModel

import models
from dashboard.db import make_engine

models.load_all()
target_metadata = SQLModel.metadata
config = context.config


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # called from dashboard.db.migrate or the tests
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine()
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
