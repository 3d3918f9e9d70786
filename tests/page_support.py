"""Page tests with Streamlit's AppTest (a plugin of tests/conftest.py, so every area's page
tests have its fixtures): the real entry script and pages, in process, on a SQLite
database holding the demo organisation."""

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import auth, db, ui
from tests.conftest import build_org

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PASSWORD = "demo-dpo-desk-2026"


@pytest.fixture
def app_org(sqlite_engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    return build_org(sqlite_engine)


@pytest.fixture
def app_demo_org(tmp_path, sqlite_demo_template, monkeypatch):
    """The pages on a copy of the whole demo data set (every seeder), this test's own."""
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(sqlite_demo_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    yield build_org(engine)
    engine.dispose()


def signed_in_token(org, username: str) -> str:
    with db.unit_of_work(org.engine) as session:
        return auth.login(session, username, PASSWORD)


def app_as(org, username: str | None, *, script: str = APP) -> AppTest:
    at = AppTest.from_file(script, default_timeout=30)
    if username:
        at.session_state[ui.TOKEN_KEY] = signed_in_token(org, username)
    return at.run()


def page_path(file: str) -> str:
    return str(ROOT / "pages" / file)


def form_key(at: AppTest, key: str) -> str:
    """The live key of an edit form's widget: "new_processor/legal_name" finds
    `new_processor-g<generation>__legal_name` (dashboard/form_state.py), newest generation."""
    import re

    kind, name = key.split("/", 1)
    pattern = re.compile(rf"^{re.escape(kind)}-g(\d+)(_|$)")
    generations = [int(m.group(1)) for m in map(pattern.match, at.session_state.keys()) if m]
    if not generations:
        raise KeyError(key)
    return f"{kind}-g{max(generations)}__{name}"
