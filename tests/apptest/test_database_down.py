"""Issue 13, item 10: when the database does not answer, the log-in page and a signed-in
user's page say so in the user's language, without the driver's message (host, port,
database name), and the app resumes by itself when the database answers again: the
failure is never cached. PostgreSQL reached through a port that can be switched off."""

import pytest
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from dashboard import db, ui
from tests.conftest import _reset_postgres, build_org
from tests.page_support import APP, PASSWORD, signed_in_token
from tests.tcp_switch import TcpSwitch

pytestmark = pytest.mark.postgres
DOWN_FR = "La base de données ne répond pas pour le moment"
DOWN_EN = "The database is not answering at the moment"


@pytest.fixture
def switched_db(postgres_url, monkeypatch):
    """The demo organisation on PostgreSQL, and the app's DATABASE_URL through a switch (off)."""
    engine = db.make_engine(postgres_url)
    _reset_postgres(engine)
    org = build_org(engine)
    real = make_url(postgres_url)
    switch = TcpSwitch(real.host or "127.0.0.1", real.port or 5432)
    url = real.set(host="127.0.0.1", port=switch.port)
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    yield org, switch, url
    switch.off()
    engine.dispose()


def _page_text(at: AppTest) -> str:
    parts = [e.value for e in at.error] + [m.value for m in at.markdown] + [t.value for t in at.title]
    parts += [c.value for c in at.caption] + [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)


def _assert_no_internals(text: str, url) -> None:
    for internal in (str(url.port), url.database, "127.0.0.1", "psycopg", "connection", "Traceback"):
        assert internal not in text, (internal, text)


def test_login_page_while_the_database_is_down_then_back(switched_db):
    org, switch, url = switched_db
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert DOWN_FR in at.error[0].value
    _assert_no_internals(_page_text(at), url)
    assert not at.text_input  # no log-in form that cannot work
    switch.on()
    at.run()  # what the page's own retry does (or a click on "Réessayer maintenant")
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Connexion à DPO Desk"]
    switch.off()  # gone again while the form is on screen: signing in says so, nothing more
    at.text_input(key="login_username").input("dpo")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.error and DOWN_FR in at.error[0].value, _page_text(at)
    _assert_no_internals(_page_text(at), url)


def test_signed_in_user_whose_database_goes_away_gets_the_message_in_her_language(switched_db):
    org, switch, url = switched_db
    switch.on()
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[ui.TOKEN_KEY] = signed_in_token(org, "dpo")
    at.session_state[ui.LANG_KEY] = "en"
    at.run()
    assert not at.exception and not at.error
    home_titles = [t.value for t in at.title]
    switch.off()
    at.run()
    assert not at.exception
    assert at.error and DOWN_EN in at.error[0].value, _page_text(at)
    _assert_no_internals(_page_text(at), url)
    switch.on()
    at.run()
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == home_titles  # same session, same page: nothing to do but wait
