"""Engine, migrations and units of work."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, create_engine

from dashboard import audit, audit_anchor, config, sqlite_files
from dashboard.errors import ConcurrentEdit, DatabaseUnavailable, NoDatabase, SchemaOutOfDate
from models.audit import AuditHead

MIGRATIONS_DIR = config.ROOT / "migrations"


def make_engine(url: str | None = None) -> Engine:
    url = url or config.database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            sqlite_files.private_file(Path(parsed.database))  # owner only, folder too if created here
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    connect_args = {"connect_timeout": 10} if parsed.get_backend_name() == "postgresql" else {}
    # Pool sizes by environment (DPO_DB_POOL_SIZE, DPO_DB_MAX_OVERFLOW, DPO_DB_POOL_TIMEOUT): with
    # several app servers, their sum must stay under PostgreSQL's max_connections (README).
    return create_engine(url, pool_pre_ping=True, pool_size=config.db_pool_size(),
                         max_overflow=config.db_max_overflow(), pool_timeout=config.db_pool_timeout(),
                         connect_args=connect_args)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA busy_timeout=30000")
    # REPLACE then runs the DELETE triggers of the rows it replaces (the evidence registry's
    # and the audit trail's refuse it); migration 0015 also refuses it from any connection.
    cursor.execute("PRAGMA recursive_triggers=ON")
    cursor.close()


def alembic_config() -> Config:
    cfg = Config(str(config.ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _unavailable(exc: OperationalError) -> DatabaseUnavailable:
    return DatabaseUnavailable(detail=str(exc.orig).splitlines()[0] if exc.orig else "")


def require_database(url: str) -> None:
    """For the commands that read a database: raise NoDatabase unless `url` names an
    existing DPO Desk database (one that has an Alembic revision). Nothing is created:
    a SQLite file is checked on disk before any connection, PostgreSQL only queried."""
    parsed = make_url(url)
    location = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not parsed.database or parsed.database == ":memory:" or not path.is_file() \
                or path.stat().st_size == 0:
            raise NoDatabase(location=path if parsed.database else location)
        problem = sqlite_files.problem_with(path, known_revisions(), integrity=False)
        if problem is not None and problem[0] != "sqlite.unknown_revision":  # newer: ensure_ready says so
            raise NoDatabase(location=path)
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise _unavailable(exc) from exc
    finally:
        engine.dispose()
    if revision is None:
        raise NoDatabase(location=location)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def ensure_ready(engine: Engine, *, auto_migrate: bool = True) -> None:
    """Check that the database answers and is at the code's schema, migrating it
    forward when allowed. Raises a DomainError the UI can show."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = current_revision(engine)
    except OperationalError as exc:
        raise _unavailable(exc) from exc
    head = head_revision()
    if current == head:
        return
    known = known_revisions()
    if current is not None and current not in known:
        raise SchemaOutOfDate(current=current, expected=head)  # a newer code wrote this database
    if not auto_migrate:
        raise SchemaOutOfDate(current=current or "-", expected=head)
    migrate(engine)


def ping(engine: Engine) -> bool:
    """True when the database answers a trivial query."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False


def ensure_baseline(session: Session) -> None:
    """Rows the application expects to exist (the audit chain's head), and the audit
    chain's key outside the database: created on first start, AuditKeyMissing when
    the chain already depends on a key that is gone."""
    head = session.get(AuditHead, 1)
    if head is None:
        head = AuditHead(id=1)
        session.add(head)
        session.flush()
    key = audit_anchor.chain_key(keyed_entries_exist=head.seq >= head.keyed_from)
    if 0 < head.seq <= audit_anchor.START_VERIFY_MAX and audit_anchor.read(
            audit_anchor.database_label(session), key).last is None:
        # A trail without checkpoint (just migrated): verified whole once, and anchored if intact,
        # so that the verification and the alarm start from here.
        audit.verify_chain(session, full=True)


def new_session(engine: Engine) -> Session:
    # Objects stay readable after commit: pages show what a use case returned.
    return Session(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One business operation: committed whole or not at all."""
    session = new_session(engine)
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConcurrentEdit() from exc
    except OperationalError as exc:
        session.rollback()
        raise _unavailable(exc) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

