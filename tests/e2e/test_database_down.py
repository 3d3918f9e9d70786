"""Issue 13, item 10, in the browser: while PostgreSQL does not answer, the log-in page and
a signed-in user's page say so in French, without the driver's message, and each page
comes back by itself once the database answers again (no click, no server restart)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import make_url

from dashboard import db
from tests.app_server import served_app
from tests.conftest import _reset_postgres, build_org
from tests.e2e.conftest import PASSWORD, press, wait_idle
from tests.tcp_switch import TcpSwitch

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
DOWN = "La base de données ne répond pas pour le moment"

@pytest.fixture
def switched_app(postgres_url, tmp_path):
    engine = db.make_engine(postgres_url)
    _reset_postgres(engine)
    build_org(engine)
    engine.dispose()
    real = make_url(postgres_url)
    switch = TcpSwitch(real.host or "127.0.0.1", real.port or 5432)
    url = real.set(host="127.0.0.1", port=switch.port)
    try:
        with served_app(url.render_as_string(hide_password=False), tmp_path) as app:
            yield app, switch, url
    finally:
        switch.off()

def _expect_down_page_without_internals(page, url) -> None:
    main = page.get_by_test_id("stApp")
    expect(main.get_by_text(DOWN)).to_be_visible()
    for internal in (str(url.port), url.database, "127.0.0.1", "psycopg", "redacted", "Traceback"):
        expect(main).not_to_contain_text(internal)

def test_pages_say_the_database_is_down_and_come_back_by_themselves(page, switched_app):
    app, switch, url = switched_app
    page.goto(app)
    _expect_down_page_without_internals(page, url)
    switch.on()
    expect(page.locator(".st-key-login_username input")).to_be_visible(timeout=40_000)  # no click needed

    page.locator(".st-key-login_username input").fill("dpo")
    page.locator(".st-key-login_password input").fill(PASSWORD)
    press(page.get_by_role("button", name="Se connecter"))
    expect(page.get_by_text("Connecté(e) :")).to_be_visible()
    wait_idle(page)
    switch.off()
    press(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Demandes de droits"))
    _expect_down_page_without_internals(page, url)
    switch.on()
    expect(page.get_by_role("heading", name="Demandes d'exercice de droits")).to_be_visible(timeout=40_000)
    expect(page.get_by_text(DOWN)).to_have_count(0)
    expect(page.get_by_text("Connecté(e) :")).to_be_visible()
