"""Shared fixtures: a migrated database per backend, the demo organisation's personas.

`engine` runs each test on SQLite and, when TEST_DATABASE_URL points to a
PostgreSQL server, on PostgreSQL too. Without TEST_DATABASE_URL the PostgreSQL
variants are skipped with a reason shown in the summary; in CI (CI=true) a missing
or unreachable PostgreSQL is a failure.
"""

import os
import queue
import shutil
import sys
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

os.environ["DPO_PASSWORD_PROFILE"] = "cheap"  # argon2 at minimum cost: fixtures create many users
# The demo personas sign in with a password alone; the tests of the second factor set their own roles.
os.environ["DPO_MFA_REQUIRED_ROLES"] = ""
# The audit chain's key and checkpoints: never the ones under data/ (each test gets its own
# checkpoint file below; module-scoped databases use this session-wide one).
_AUDIT_DIR = __import__("tempfile").mkdtemp(prefix="dpo-audit-")
os.environ["DPO_AUDIT_KEY_FILE"] = os.path.join(_AUDIT_DIR, "audit.key")
os.environ["DPO_AUDIT_CHECKPOINT_FILE"] = os.path.join(_AUDIT_DIR, "audit-checkpoints.log")
os.environ["DPO_CASE_MASTER_KEY_FILE"] = os.path.join(_AUDIT_DIR, "case-master.key")  # crypto-shredding

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

# Speed targets live in benchmarks, never in timed tests: hypothesis's per-example deadline and its
# "generation too slow" check are timings, and fail on a loaded two-core CI machine.
settings.register_profile("dpo_desk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("dpo_desk")
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import select  # noqa: E402

import models  # noqa: E402
from dashboard import auth, db  # noqa: E402
from dashboard.actor import Actor  # noqa: E402
from dashboard.demo import core as demo_core  # noqa: E402
from dashboard.demo import seed as seed_demo  # noqa: E402
from models.org import Department, Entity, User  # noqa: E402

models.load_all()
pytest_plugins = ["tests.page_support"]  # the AppTest fixtures, for every area's page tests
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def service_missing(reason: str) -> None:
    """A missing service is a failure in CI and a visible skip elsewhere."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def audit_checkpoints(tmp_path, monkeypatch):
    """This test's own checkpoint file: a database reset between tests is not a rewind."""
    path = tmp_path / "audit-checkpoints.log"
    monkeypatch.setenv("DPO_AUDIT_CHECKPOINT_FILE", str(path))
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    engine.dispose()
    return str(path)


def throwaway_postgres(prefix: str):
    """A new empty database on the TEST_DATABASE_URL server, dropped at the end (a generator
    for fixtures); a missing or unreachable server is reported, not hidden."""
    if not PG_URL:
        service_missing("PostgreSQL not configured: set TEST_DATABASE_URL=postgresql+psycopg://user@host:5432/db")
    admin = db.make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection problem means "not reachable"
        admin.dispose()
        service_missing(f"PostgreSQL at TEST_DATABASE_URL not reachable: {exc.__class__.__name__}")
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway database on the server, migrated with Alembic, dropped at the end."""
    for url in throwaway_postgres("dpo_test"):
        engine = db.make_engine(url)
        db.migrate(engine)
        engine.dispose()
        yield url


# Back to a freshly migrated database: every table emptied, every sequence restarted. One TRUNCATE
# of the 70-odd tables cost ~2 s per test (a new file for each table and index), the most of a
# PostgreSQL test; the tables a test filled (a dozen) emptied with DELETE cost ~30 ms. DELETE runs
# as a replica (superuser: the CI's `postgres`) so that neither foreign keys nor the triggers that
# keep the audit trail and the evidence room append-only refuse it; another user truncates them.
_RESET_POSTGRES = """
DO $$
DECLARE
  filled text[] := '{}';
  t text;
  found boolean;
  s record;
BEGIN
  FOR t IN SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
           WHERE schemaname = current_schema() AND tablename <> 'alembic_version' LOOP
    EXECUTE format('SELECT EXISTS (SELECT FROM %s)', t) INTO found;
    IF found THEN filled := filled || t; END IF;
  END LOOP;
  IF cardinality(filled) > 0 THEN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      SET LOCAL session_replication_role = replica;
      FOREACH t IN ARRAY filled LOOP EXECUTE 'DELETE FROM ' || t; END LOOP;
      SET LOCAL session_replication_role = origin;
    ELSE
      EXECUTE 'TRUNCATE ' || array_to_string(filled, ', ') || ' CASCADE';
    END IF;
  END IF;
  FOR s IN SELECT format('%I.%I', schemaname, sequencename) AS name, start_value FROM pg_sequences
           WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
    PERFORM setval(s.name, s.start_value, false);
  END LOOP;
END $$
"""


def _reset_postgres(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text(_RESET_POSTGRES))
    with db.unit_of_work(engine) as session:
        db.ensure_baseline(session)


# The demo organisation (entities, departments, users: ~240 statements, 0.4 s a test, in some 800
# tests) is seeded once per worker: on SQLite into a template file that `org` tests copy, on
# PostgreSQL into a schema of copies that `org` tests put back after the reset (rows, sequences),
# triggers and foreign keys off as in the reset (a superuser's; another user seeds every time).
CORE_SCHEMA = "core_snapshot"
_SNAPSHOT_CORE = f"""
DO $$
DECLARE t text; found boolean;
BEGIN
  EXECUTE 'DROP SCHEMA IF EXISTS {CORE_SCHEMA} CASCADE';
  EXECUTE 'CREATE SCHEMA {CORE_SCHEMA}';
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version' LOOP
    EXECUTE format('SELECT EXISTS (SELECT FROM %I.%I)', current_schema(), t) INTO found;
    IF found THEN EXECUTE format('CREATE TABLE {CORE_SCHEMA}.%I AS TABLE %I.%I', t, current_schema(), t); END IF;
  END LOOP;
  CREATE TABLE {CORE_SCHEMA}._sequences AS
    SELECT format('%I.%I', schemaname, sequencename) AS name, last_value FROM pg_sequences
    WHERE schemaname = current_schema() AND last_value IS NOT NULL;
END $$
"""
_RESTORE_CORE = f"""
DO $$
DECLARE t text; s record;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '{CORE_SCHEMA}' AND tablename <> '_sequences' LOOP
    EXECUTE format('INSERT INTO %I.%I SELECT * FROM {CORE_SCHEMA}.%I', current_schema(), t, t);
  END LOOP;
  SET LOCAL session_replication_role = origin;
  FOR s IN SELECT name, last_value FROM {CORE_SCHEMA}._sequences LOOP PERFORM setval(s.name, s.last_value); END LOOP;
END $$
"""
_POSTGRES_CORE: set[str] = set()  # the databases whose schema of copies holds the seeded organisation


def _reset_postgres_to_core(engine) -> None:
    """Back to a freshly migrated database holding the demo organisation only (what `build_org` seeds)."""
    url = engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        superuser = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    if not superuser:
        _reset_postgres(engine)
        return
    if url not in _POSTGRES_CORE:
        _reset_postgres(engine)
        build_org(engine)
        with engine.begin() as conn:
            conn.execute(text(_SNAPSHOT_CORE))
        _POSTGRES_CORE.add(url)
    with engine.begin() as conn:
        conn.execute(text(_RESET_POSTGRES))
        conn.execute(text(_RESTORE_CORE))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """A migrated, empty database (but for the audit chain's head); for a test that uses `org`,
    one that holds the demo organisation already."""
    with_org = "org" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_core_template" if with_org else "sqlite_template"), path)
        engine = db.make_engine(f"sqlite:///{path}")
    else:
        engine = db.make_engine(request.getfixturevalue("postgres_url"))
        (_reset_postgres_to_core if with_org else _reset_postgres)(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_core_template(tmp_path_factory, sqlite_template) -> str:
    """The migrated template with the demo organisation seeded. Copy it; never open it."""
    path = tmp_path_factory.mktemp("core-template") / "core.sqlite3"
    shutil.copyfile(sqlite_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    build_org(engine)
    engine.dispose()  # the last connection folds the write-ahead log into the file: a copy is whole
    return str(path)


@pytest.fixture(scope="session")
def postgres_demo_template():
    """A database on the server holding the whole demo, built once per worker, never opened
    after: each `demo_org` test gets its own copy (CREATE DATABASE ... TEMPLATE, ~0.4 s)."""
    for url in throwaway_postgres("dpo_demo"):
        engine = db.make_engine(url)
        db.migrate(engine)
        with db.unit_of_work(engine) as session:
            demo_core.seed(session)
            seed_demo(session)
        engine.dispose()  # CREATE DATABASE ... TEMPLATE refuses a template anyone is connected to
        yield url


class _Dropper:
    """Drops the PostgreSQL copies in a thread of its own: a DROP DATABASE takes one to two
    seconds (its files unlinked), which the next test need not wait for."""

    def __init__(self, admin_url: str):
        self.admin = db.make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
        self.names: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (name := self.names.get()) is not None:
            try:
                with self.admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except Exception as exc:  # noqa: BLE001 - a copy left behind must not stop the next drops
                print(f"could not drop the test database {name}: {exc}", file=sys.stderr)

    def close(self) -> None:
        self.names.put(None)
        self.thread.join()
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_dropper():
    dropper = _Dropper(PG_URL)
    yield dropper
    dropper.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_org(request, tmp_path):
    """The whole demo data set (every case type, as `manage.py demo` builds it) in a database
    of this test's own: a copy of the worker's demo database, so a test may write to it."""
    if request.param == "sqlite":
        path = tmp_path / "demo.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_demo_template"), path)
        engine = db.make_engine(f"sqlite:///{path}")
        yield build_org(engine)
        engine.dispose()
        return
    template = make_url(request.getfixturevalue("postgres_demo_template"))
    dropper = request.getfixturevalue("postgres_dropper")
    name = f"dpo_copy_{uuid.uuid4().hex[:12]}"
    with dropper.admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"'))
    engine = db.make_engine(template.set(database=name).render_as_string(hide_password=False))
    try:
        yield build_org(engine)
    finally:
        engine.dispose()
        dropper.names.put(name)


@pytest.fixture
def sqlite_engine(tmp_path, sqlite_template):
    """SQLite only: for tests that edit the database file behind the app's back."""
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(sqlite_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@dataclass
class Org:
    """The demo organisation's named personas, shared by every test (healthchecks-style)."""

    engine: object
    entities: dict[str, Entity]
    departments: dict[str, Department]
    dpo: Actor
    legal: Actor
    head_hr: Actor  # heads RH
    head_cr: Actor  # heads DRC (Customer Relations)
    auditor: Actor

    def session(self):
        return db.new_session(self.engine)

    def work(self):
        return db.unit_of_work(self.engine)


def actor_named(engine, username: str) -> Actor:
    with db.new_session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        return auth.actor_for(session, user)


def build_org(engine) -> Org:
    with db.unit_of_work(engine) as session:
        demo_core.seed(session)
    with db.new_session(engine) as session:
        entities = {e.code: e for e in session.exec(select(Entity))}
        departments = {d.code: d for d in session.exec(select(Department))}
    return Org(engine, entities, departments,
               dpo=actor_named(engine, "dpo"), legal=actor_named(engine, "juriste"),
               head_hr=actor_named(engine, "chef.rh"), head_cr=actor_named(engine, "chef.relation"),
               auditor=actor_named(engine, "auditeur"))


@pytest.fixture
def org(engine) -> Org:
    return build_org(engine)


@contextmanager
def app_database(url: str):
    """DATABASE_URL points the pages (AppTest) at `url` for the time of a module-scoped fixture."""
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


_SQLITE_DEMO_FILES: dict[str, str] = {}  # migrated template -> the whole demo built on a copy of it


def sqlite_demo_file(tmp_path_factory, sqlite_template) -> str:
    """A SQLite file holding the whole demo (every seeder), built once per worker: seeding takes
    ~12 s, copying the file a few milliseconds. Copy it; never open it."""
    path = _SQLITE_DEMO_FILES.get(sqlite_template)
    if path is None:
        path = str(tmp_path_factory.mktemp("demo-template") / "demo.sqlite3")
        shutil.copyfile(sqlite_template, path)
        engine = db.make_engine(f"sqlite:///{path}")
        with db.unit_of_work(engine) as session:
            demo_core.seed(session)
            seed_demo(session)
        engine.dispose()  # the last connection folds the write-ahead log into the file: a copy is whole
        _SQLITE_DEMO_FILES[sqlite_template] = path
    return path


@pytest.fixture(scope="session")
def sqlite_demo_template(tmp_path_factory, sqlite_template) -> str:
    return sqlite_demo_file(tmp_path_factory, sqlite_template)


def demo_sqlite(tmp_path_factory, sqlite_template) -> tuple[str, Org]:
    """A SQLite database with the whole demo (every seeder), a copy of this worker's demo
    file, for module-scoped fixtures whose tests only read it: its URL and its personas."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(sqlite_demo_file(tmp_path_factory, sqlite_template), path)
    url = f"sqlite:///{path}"
    return url, build_org(db.make_engine(url))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, sqlite_template):
    """SQLite with the whole demo (every seeder), built once per module, the pages (AppTest)
    pointed at it; tests must not change it."""
    url, org = demo_sqlite(tmp_path_factory, sqlite_template)
    with app_database(url):
        yield org
    org.engine.dispose()


def pytest_make_parametrize_id(config, val, argname):
    """Bytes parameters are named by their argument, not their content: a ZIP built at
    collection carries the second it was made (and its size varies with it), and xdist
    refuses to run when its two workers collect different test names (CI failed so).
    pytest numbers the names that then repeat."""
    if isinstance(val, (bytes, bytearray)):
        return argname
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under xdist (`manage.py test` runs `-n 2 --dist loadgroup`), each browser test file is
    one group: its tests run one after the other on one worker, and the two workers share the
    files, each with its own app server and Chromium (session fixtures of tests/e2e). xdist
    hands out the largest groups first, so both workers start on browser files and the other
    tests fill in after: one worker running every browser test took longer than all the rest.
    First among the hooks: xdist's worker reads the group marker in its own hook, and a marker
    added after it would leave the group empty."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group(f"browser-{item.path.stem}"))
        elif config.pluginmanager.hasplugin("xdist") and _shares_a_module_fixture(item):
            # on one worker, the module's fixture is built once (each PDF at its limits: 75 s a worker)
            item.add_marker(pytest.mark.xdist_group(f"module-{item.nodeid.split('::')[0]}"))


def _shares_a_module_fixture(item) -> bool:
    fixtures = getattr(item, "_fixtureinfo", None)
    return bool(fixtures) and any(d.scope == "module" for defs in fixtures.name2fixturedefs.values() for d in defs)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    """xdist groups by a suffix it writes into each test's node id; pytest 9.2 ignores that
    write, and the browser tests then ran one by one on either worker, a file's tests split
    between the two (CI failures under load). Refuse to run rather than split them."""
    if getattr(session.config.option, "loadgroup", False):
        split = [item.nodeid for item in session.items
                 if item.get_closest_marker("browser") and not item.nodeid.endswith(f"@browser-{item.path.stem}")]
        if split:
            raise pytest.UsageError(f"xdist would not group the browser tests (pytest {pytest.__version__} "
                                    f"ignores the group suffix), e.g. {split[0]}: pin a pytest that keeps it")
