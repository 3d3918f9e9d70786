"""The session is resolved once per run, by the entry script, and the page reads that
resolution: a changed role, a disabled account or an ended session still takes effect at the
next run."""

from sqlalchemy import text

from dashboard import auth, i18n, ui
from tests.page_support import app_as

OVERVIEW = i18n.translate("overview.title", "fr")


def _counting(monkeypatch) -> list[str]:
    resolved = []
    resolve = auth.resolve_session

    def counted(session, token, *args, **kwargs):
        resolved.append(token)
        return resolve(session, token, *args, **kwargs)

    monkeypatch.setattr(auth, "resolve_session", counted)
    return resolved


def test_a_page_run_resolves_the_session_once(app_org, monkeypatch):
    at = app_as(app_org, "chef.rh")
    resolved = _counting(monkeypatch)
    for _ in range(2):
        at.run()
        assert not at.exception and at.title[0].value == OVERVIEW
    assert len(resolved) == 2  # one a run, for the navigation and the page alike


def test_an_account_disabled_between_two_runs_sees_nothing_at_the_next(app_org):
    at = app_as(app_org, "chef.rh")
    assert at.title[0].value == OVERVIEW
    with app_org.engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET active = :no WHERE username = 'chef.rh'"), {"no": False})
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] != [OVERVIEW] and ui.TOKEN_KEY not in at.session_state
    assert not at.metric  # none of the overview's figures

