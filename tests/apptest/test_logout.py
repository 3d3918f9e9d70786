"""Logging out says that the user logged out, not that the session expired."""

from dashboard import auth, ui
from tests.page_support import app_as


def _messages(at) -> str:
    return " ".join(m.value for m in (*at.success, *at.info, *at.warning, *at.error))


def test_log_out_says_so_and_a_second_tab_with_that_session_says_so_too(app_org):
    at = app_as(app_org, "juriste")
    token = at.session_state[ui.TOKEN_KEY]
    other_tab = app_as(app_org, None)
    other_tab.session_state[ui.TOKEN_KEY] = token
    other_tab.run()
    assert "Connecté(e)" in " ".join(m.value for m in other_tab.sidebar.markdown)
    at.sidebar.button(key="logout").click().run()
    assert "Vous êtes déconnecté(e)" in _messages(at)
    assert "expiré" not in _messages(at)
    other_tab.run()  # the same session in another tab: ended by its user
    assert "Vous êtes déconnecté(e)" in _messages(other_tab) and "expiré" not in _messages(other_tab)


def test_the_log_out_route_comes_back_with_the_word(app_org):
    at = app_as(app_org, None)
    at.query_params["logged_out"] = "1"
    at.run()
    assert "Vous êtes déconnecté(e)" in _messages(at)
    assert "logged_out" not in at.query_params  # said once: a reload does not say it again
    assert auth.LoggedOut.key == "auth.logged_out"
